"""The real CTranslate2 path on the tiny model: enforcement, strategies, context, layouts."""
import pytest

from glossary import Context, Glossary, Term, TermStatus
from translate import Engine, Translator
from translate.enforce import enforce
from translate.options import DecodeOptions

TERMS = [
    Term("공감지능", "Affectionate Intelligence", variants=("공감 지능",)),
    Term("전장", "vehicle components", context=Context(unless=("병사", "전투"))),
    Term("냉난방공조", "HVAC", variants=("냉난방 공조",)),
    Term("구독", "subscription"),
]
GLOSSARY = Glossary(TERMS)
TEXT = ("LG전자는 공감지능을 통해 고객의 삶을 바꾼다. 전장 사업이 성장했다.\n"
        "냉난방 공조와 구독 사업도 키운다.\n\n"
        "병사들은 전장에서 싸웠다.\n")


@pytest.fixture(scope="module")
def translator(tiny_model):
    return Translator(tiny_model, GLOSSARY, beam_size=2, num_hypotheses=2)


def test_every_applicable_term_is_rendered(translator):
    segments = translator.translate(TEXT, doc="news.txt")
    assert [(s.paragraph, s.line) for s in segments] == [(1, 1), (1, 1), (1, 2), (2, 4)]
    records = [r for s in segments for r in s.terms]
    assert [r.source for r in records] == ["공감지능", "전장", "냉난방공조", "구독", "전장"]
    assert [r.status for r in records[:4]] == [TermStatus.APPLIED] * 4
    assert records[4].status is TermStatus.SKIPPED and records[4].strategy is None
    for seg in segments:
        for r in seg.terms:
            if r.status is TermStatus.APPLIED:
                assert r.target.lower() in seg.translation.lower()
                assert r.strategy in ("model", "hint", "rerank", "splice", "prefix")
    assert segments[3].translation and "vehicle components" not in segments[3].translation


def test_without_prefix_step_misses_are_reported_not_hidden(tiny_model):
    t = Translator(tiny_model, GLOSSARY, beam_size=2, num_hypotheses=2, strategies=["rerank"])
    for seg in t.translate(TEXT):
        for r in seg.terms:
            want = r.target.lower() in seg.translation.lower()
            if r.status is not TermStatus.SKIPPED:
                assert (r.status is TermStatus.APPLIED) == want


def test_forbidden_rendering_is_suppressed(tiny_model):
    engine = Engine.load(tiny_model)
    source = "냉난방공조 사업이 성장했다."
    bare = engine.translate_plain([source], beam_size=2)[0]
    word = max(bare.split(), key=len).strip(".,")
    glossary = Glossary([Term("냉난방공조", "HVAC", forbidden=(word,))])
    seg = Translator(engine, glossary, beam_size=2).translate_sentences([source])[0]
    assert word.lower() not in seg.translation.lower().split()
    assert seg.terms[0].status is TermStatus.APPLIED


def test_hints_are_appended_after_separator(tiny_model_hints):
    engine = Engine.load(tiny_model_hints)
    t = Translator(engine, GLOSSARY, beam_size=2, strategies=["hint", "rerank", "prefix"])
    from translate.enforce import prepare

    job = prepare(engine, "공감지능을 쓴다", t.matcher.find("공감지능을 쓴다"), t.options)
    tokens = engine.source_tokens(job.pieces, job.hints)
    sep = tokens.index("<sep>")
    assert tokens[:sep] == job.pieces and tokens[-1] == "</s>"
    assert engine.sp_target.decode(tokens[sep + 1:-1]) == "Affectionate Intelligence"
    seg = t.translate_sentences(["공감지능을 쓴다"])[0]
    assert seg.terms[0].status is TermStatus.APPLIED


def test_no_hints_for_models_that_do_not_declare_them(tiny_model):
    engine = Engine.load(tiny_model)
    assert engine.hint_separator is None
    assert "<sep>" not in engine.source_tokens(["▁a"], [["▁b"]])


def test_repeated_term_and_several_terms_in_one_sentence(translator):
    seg = translator.translate_sentences(["공감지능과 냉난방공조와 공감지능"])[0]
    assert [r.status for r in seg.terms] == [TermStatus.APPLIED] * 3
    assert seg.translation.lower().count("affectionate intelligence") >= 2


def test_batches_larger_than_a_chunk_keep_order(tiny_model):
    t = Translator(tiny_model, GLOSSARY, beam_size=1, num_hypotheses=1, max_batch_size=8)
    from translate.pipeline import CHUNK

    sentences = [f"구독 {i}번째 문장" for i in range(CHUNK + 6)]
    out = t.translate_sentences(sentences)
    assert [s.source for s in out] == sentences
    assert all(s.terms[0].status is TermStatus.APPLIED for s in out)


def test_glossary_off_is_the_bare_model(tiny_model):
    engine = Engine.load(tiny_model)
    t = Translator(engine, None, beam_size=2, num_hypotheses=1)
    src = "공감지능을 통해 바꾼다."
    assert t.translate_sentences([src])[0].translation == engine.translate_plain(
        [src], beam_size=2)[0]
    assert t.translate_sentences([src])[0].terms == []


def test_enforce_direct_api(tiny_model):
    engine = Engine.load(tiny_model)
    from glossary import TermMatcher

    m = TermMatcher(TERMS)
    jobs = enforce(engine, ["구독 서비스"], [m.find("구독 서비스")], DecodeOptions(beam_size=2))
    assert "subscription" in jobs[0].text.lower() and jobs[0].strategy


def test_unknown_strategy_is_refused(tiny_model):
    with pytest.raises(ValueError, match="unknown strategies"):
        Translator(tiny_model, GLOSSARY, strategies=["magic"])


def test_argos_layouts_translate(tiny_argos_dir, tiny_argos_zip, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for model in (tiny_argos_dir, tiny_argos_zip):
        t = Translator(model, GLOSSARY, beam_size=2)
        assert t.engine.files.layout == "argos" and not t.engine.append_eos
        seg = t.translate_sentences(["구독 서비스를 시작했다."])[0]
        assert seg.terms[0].status is TermStatus.APPLIED


def test_near_miss_finds_a_garbled_attempt_and_prefers_the_terms_length():
    from translate.enforce import Job, near_miss

    pieces = ["▁The", "▁public", "▁intelligence", "▁and", "▁A", "f", "f", "f", "e", "ction",
              "▁In", "tel", "ligence", "."]
    job = Job("", [], [], hypothesis=pieces)
    assert near_miss(job, "Affectionate Intelligence") == (4, 14)  # "." stays with its word
    job.hypothesis = pieces[:4]
    assert near_miss(job, "Affectionate Intelligence") == (1, 3)   # "public intelligence"
    job.locked = 3
    assert near_miss(job, "Affectionate Intelligence") is None     # nothing after the prefix
    assert near_miss(Job("", [], [], hypothesis=["▁The", "▁BVAC", "▁unit"]), "HVAC") == (1, 2)


def test_candidates_are_chosen_by_terms_then_lost_content_then_model_score():
    from translate.enforce import Candidate, Job, choose, flaws, starts_word

    assert starts_word(["▁HVAC", "▁unit"], 1) and starts_word(["▁HVAC", ","], 1)
    assert starts_word(["▁HVAC"], 1) and not starts_word(["▁HVAC", "s"], 1)
    whole = Candidate([], None, "", unmet=0, flaws=0, score=-2.4)
    likelier_but_short = Candidate([], None, "", unmet=0, flaws=1, score=-1.9)
    misses_a_term = Candidate([], None, "", unmet=1, flaws=0, score=-0.5)
    assert choose([likelier_but_short, misses_a_term, whole]) == 2
    assert choose([misses_a_term, likelier_but_short]) == 1    # the term is never traded
    assert choose([whole, Candidate([], None, "", 0, 0, score=-2.0)]) == 1

    job = Job("회사는 공감 지능으로 경쟁사와 차별화를 꾀한다.", [], [])
    draft = "The company is differentiated from its competitors with Affectionate Intelligence."
    assert flaws(job, "Affectionate Intelligence.", draft) == 1                    # lost half
    assert flaws(job, "It makes customers daily daily daily life better.", "x") == 1  # loop
    assert flaws(job, 'He said, "The Affectionate Intelligence.', "x") == 1       # open quote
    assert flaws(job, draft, draft) == 0


def test_an_engine_is_freed_once_unused(tiny_model):
    """Its piece cache belongs to the instance; a class-level cache kept every engine alive."""
    import gc
    import weakref

    engine = Engine.load(tiny_model)
    engine.target_pieces("vehicle components")
    ref = weakref.ref(engine)
    del engine
    gc.collect()
    assert ref() is None


def test_a_sentence_is_translated_the_same_alone_and_among_others(shared_model):
    """Term-bearing sentences share one CTranslate2 call and one suppress list; that list
    is the glossary's, so what a sentence is batched with (other terms, other forbidden
    renderings, sentences without terms) never changes its translation."""
    from pathlib import Path
    curated = Path(__file__).resolve().parents[1] / "resources" / "glossary"
    t = Translator(shared_model, curated, intra_threads=1)
    sentences = ["LG전자가 공감지능을 앞세워 고객의 일상을 바꾸겠다고 밝혔다.",
                 "냉난방 공조 분야에서는 데이터센터용 냉각 솔루션이 새로운 성장 동력이다.",
                 "고객 접점에서 얻은 경험은 다시 제품 개발에 반영된다.",
                 "한편 역사 전시관에서는 옛 병사들이 싸우던 전장을 재현한 공간도 공개됐다."]
    together = t.translate_sentences(sentences)
    for sentence, among in zip(sentences, together):
        [alone] = t.translate_sentences([sentence])
        assert (alone.translation, alone.terms) == (among.translation, among.terms)
