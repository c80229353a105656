"""Every model family loads from its directory alone and goes through every enforcement step.

The models are tiny random-weight CTranslate2 models with each family's real token
conventions (tests/tinyfamilies.py); their English is gibberish, so what is checked is what
the toolkit promises whatever the model: terms in the translation, forbidden renderings
absent, statuses that agree with the text, every writer writing, wrong conventions refused.
"""
from __future__ import annotations

import importlib.util
import json
import re
import shutil
from pathlib import Path

import pytest
from test_pipeline import GLOSSARY, TEXT
from tinyfamilies import CHAT, FAMILIES, NEEDS_TOKENIZERS, build_family_model

from bitext.formats import FORMATS, write_segments
from glossary import Glossary, Term, TermStatus
from koen.cli import main
from translate import Engine, ModelError, Translator, open_model
from translate.families import GLOSSARY_PROMPT

HAS_TOKENIZERS = importlib.util.find_spec("tokenizers") is not None
PARAMS = [pytest.param(f, marks=pytest.mark.skipif(
    f in NEEDS_TOKENIZERS and not HAS_TOKENIZERS,
    reason="tokenizer.json families need the `tokenizers` package (extra: llm)"))
    for f in FAMILIES]
SOURCE_CONVENTION = {   # (tokens before the pieces, tokens after them)
    "nllb": (["kor_Hang"], ["</s>"]),
    "nllb-legacy": ([], ["</s>", "kor_Hang"]),
    "m2m100": (["__ko__"], ["</s>"]),
    "madlad": (["<2en>"], ["</s>"]),
    "opus-mt-multi": ([">>eng<<"], ["</s>"]),
}
TARGET_LEAD = {"nllb": "eng_Latn", "nllb-legacy": "eng_Latn", "m2m100": "__en__"}


@pytest.fixture(scope="session")
def family_dirs(tmp_path_factory):
    root = tmp_path_factory.mktemp("families")
    built: dict[str, Path] = {}

    def get(family: str) -> Path:
        if family not in built:
            built[family] = build_family_model(root / family, family)
        return built[family]

    return get


@pytest.fixture(scope="session")
def engines(family_dirs):
    loaded: dict[str, Engine] = {}

    def get(family: str) -> Engine:
        if family not in loaded:
            loaded[family] = Engine.load(family_dirs(family), intra_threads=1)
        return loaded[family]

    return get


@pytest.mark.parametrize("family", PARAMS)
def test_detected_from_the_directory_alone(family, family_dirs, capsys):
    files = open_model(family_dirs(family))
    expected = "opus-mt" if family == "opus-mt-multi" else family
    assert files.family.name == expected == files.layout
    assert main(["--list-models", "--model", str(family_dirs(family))]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert f"({files.layout}: {files.family.describe()}, " in first and "unusable" not in first


@pytest.mark.parametrize("family", [f for f in PARAMS if f.values[0] not in CHAT])
def test_source_and_target_tokens_follow_the_family(family, engines):
    engine = engines(family)
    pieces = engine.source_pieces("공감지능은 고객 경험을 바꾸고 있다.")
    before, after = SOURCE_CONVENTION[family]
    if family == "madlad":  # "<2en> " + text through its SentencePiece, as MADLAD's usage does
        before = engine.sp_source.encode("<2en>")
        assert before[-1] == "<2en>" and engine.sp_source.encode("<2en> 구독") == before + \
            engine.source_pieces("구독")
    source = engine.source_tokens(pieces)
    assert source == before + pieces + after
    raw = engine.model.translate_batch([source], beam_size=2, return_attention=True,
                                       target_prefix=[[TARGET_LEAD[family]]]
                                       if family in TARGET_LEAD else None)[0]
    mine = engine.translate_batch([source], beam_size=2, return_attention=True)[0]
    lead = 1 if family in TARGET_LEAD else 0
    assert raw.hypotheses[0][:lead] == [TARGET_LEAD.get(family)][:lead]
    assert mine.hypotheses[0] == raw.hypotheses[0][lead:]          # language token stripped
    assert not {"eng_Latn", "__en__", "<2en>", ">>eng<<"} & set(mine.hypotheses[0])
    assert len(mine.attention[0]) == len(mine.hypotheses[0])
    assert all(len(row) == len(source) - len(before) for row in mine.attention[0])
    # a prefix is English pieces only: the language token goes in front of it in the engine
    prefix = engine.target_pieces("HVAC")
    [forced] = engine.translate_batch([source], beam_size=2, target_prefix=[prefix])
    assert forced.hypotheses[0][:len(prefix)] == prefix


@pytest.mark.parametrize("family", [f for f in PARAMS if f.values[0] in CHAT])
def test_chat_prompt_holds_template_glossary_and_source(family, engines):
    engine = engines(family)
    pieces = engine.source_pieces("냉난방공조 사업이 성장했다.")
    plain = engine.source_tokens(pieces)
    hinted = engine.source_tokens(pieces, [engine.target_pieces("HVAC")])
    chat = engine.family
    assert plain[:len(engine._chat.static)] == engine._chat.static
    assert plain[-len(engine._chat.after):] == engine._chat.after
    assert set(chat.language_tokens) <= set(plain)              # template tokens, not text
    assert engine.sp_source.decode(hinted[len(engine._chat.static):-len(engine._chat.after)]
                                   ).startswith(GLOSSARY_PROMPT.format(terms="HVAC"))
    assert engine.takes_hints and not engine.has_attention
    assert engine.target_pieces("HVAC")[0].startswith("▁")       # word start, SentencePiece style


@pytest.mark.parametrize("family", [f for f in PARAMS if f.values[0] in CHAT])
def test_generator_batches_match_single_sentences(family, engines):
    """The engine's batching of prompts of different lengths changes no result."""
    engine = engines(family)
    sources = ["구독", "전장에서 병사들은 전투를 준비했다. 그는 냉난방공조 관련 매출이 늘었다."]
    prompts = [engine.source_tokens(engine.source_pieces(s)) for s in sources]
    prefixes = [engine.target_pieces("HVAC"), engine.target_pieces("The subscription")]
    for options in ({}, {"target_prefix": prefixes, "return_alternatives": True,
                         "num_hypotheses": 3}):
        batch = engine.translate_batch(prompts, beam_size=2, return_scores=True, **options)
        for i, result in enumerate(batch):
            alone = {**options, "target_prefix": [prefixes[i]]} if options else {}
            [single] = engine.translate_batch([prompts[i]], beam_size=2, return_scores=True,
                                              **alone)
            assert result.hypotheses == single.hypotheses
            if options:
                assert all(h[:len(prefixes[i])] == prefixes[i] for h in result.hypotheses)


@pytest.mark.parametrize("family", [f for f in PARAMS if f.values[0] in CHAT])
def test_forbidden_is_blocked_at_the_start_of_the_answer_too(family, engines):
    """A chat answer's first word has no "▁" in byte-level BPE and in Gemma's SentencePiece."""
    engine = engines(family)
    mid = engine.target_pieces("cooling system")
    both = engine._any_position([mid])
    assert both[0] == mid and len(both) == 2
    assert both[1] == engine.sp_target.encode("cooling system") and both[1][0][0] != "▁"


@pytest.fixture(scope="session")
def translated(engines):
    cache: dict[str, list] = {}

    def get(family: str):
        if family not in cache:
            t = Translator(engines(family), GLOSSARY, beam_size=2, num_hypotheses=2)
            cache[family] = t.translate(TEXT, doc="news.txt")
        return cache[family]

    return get


@pytest.mark.parametrize("family", PARAMS)
def test_terms_are_enforced(family, translated):
    segments = translated(family)
    records = [r for s in segments for r in s.terms]
    assert [r.source for r in records] == ["공감지능", "전장", "냉난방공조", "구독", "전장"]
    assert [r.status for r in records[:4]] == [TermStatus.APPLIED] * 4
    assert records[4].status is TermStatus.SKIPPED
    for seg in segments:
        assert seg.translation == seg.translation.strip() and "\n" not in seg.translation
        for r in seg.terms:
            if r.status is TermStatus.APPLIED:
                assert r.target.lower() in seg.translation.lower()
    assert not any(tok in s.translation for s in segments
                   for tok in ("eng_Latn", "__en__", "<2en>", ">>eng<<", "<|im_end|>"))


@pytest.mark.parametrize("family", PARAMS)
def test_statuses_agree_with_the_text_without_the_prefix_step(family, engines):
    t = Translator(engines(family), GLOSSARY, beam_size=2, num_hypotheses=2,
                   strategies=["hint", "rerank"])
    for seg in t.translate(TEXT):
        for r in seg.terms:
            if r.status is not TermStatus.SKIPPED:
                # as a word: "HVACOPPPO" holds the letters but is a glued artefact, not HVAC
                present = re.search(rf"(?<!\w){re.escape(r.target)}(?!\w)", seg.translation,
                                    re.IGNORECASE) is not None
                assert (r.status is TermStatus.APPLIED) == present


@pytest.mark.parametrize("family", PARAMS)
def test_forbidden_rendering_is_suppressed(family, engines):
    engine = engines(family)
    source = "구독 사업이 성장했다."
    bare = engine.translate_plain([source], beam_size=2)[0]
    words = [w.strip(".,") for w in bare.split()]
    word = max((w for w in words if w.isalpha() and w.lower() not in "subscription"),
               key=len)
    glossary = Glossary([Term("구독", "subscription", forbidden=(word,))])
    seg = Translator(engine, glossary, beam_size=2).translate_sentences([source])[0]
    assert word.lower() not in seg.translation.lower().replace(".", " ").split()
    assert seg.terms[0].status is TermStatus.APPLIED


@pytest.mark.parametrize("family", PARAMS)
def test_every_writer_writes(family, translated, tmp_path):
    segments = translated(family)
    for fmt in sorted(FORMATS):
        out = tmp_path / f"out.{fmt}"
        write_segments(segments, str(out), fmt, tool_version="test", glossary_name="g")
        text = out.read_text(encoding="utf-8")
        assert "공감지능" in text or "&#" in text, fmt


@pytest.mark.parametrize("family", [f for f in PARAMS if f.values[0] in ("nllb", "qwen",
                                                                         "gemma")])
def test_the_command_needs_nothing_but_the_model_directory(family, family_dirs, tmp_path,
                                                           capsys):
    src, out = tmp_path / "in.ko.txt", tmp_path / "out.tsv"
    src.write_text(TEXT, encoding="utf-8")
    glossary = Path(__file__).resolve().parents[1] / "resources" / "glossary"
    code = main([str(src), "--model", str(family_dirs(family)), "-g", str(glossary),
                 "-o", str(out), "--beam", "2", "--hypotheses", "2", "--strict", "--threads", "1"])
    assert code == 0, capsys.readouterr().err   # --strict: every term applied
    header, *rows = out.read_text(encoding="utf-8").splitlines()
    assert header.split("\t") == ["index", "paragraph", "line", "source", "translation",
                                   "terms", "qa", "confidence"]
    assert len(rows) == 4
    assert "공감지능=Affectionate Intelligence:applied" in rows[0]


# --- wrong conventions are refused with one line that says what is wrong --------------

def _copy(src: Path, tmp_path: Path) -> Path:
    dst = tmp_path / src.name
    shutil.copytree(src, dst)
    return dst


def _edit_vocabulary(model: Path, drop: set[str], name="shared_vocabulary.json") -> None:
    path = model / name
    tokens = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps([t for t in tokens if t not in drop]), encoding="utf-8")


def _refused(path: Path, *needles: str) -> str:
    with pytest.raises(ModelError) as e:
        open_model(path)
    message = str(e.value)
    assert "\n" not in message and all(n in message for n in needles), message
    return message


def test_missing_language_token_is_refused(family_dirs, tmp_path):
    nllb = _copy(family_dirs("nllb"), tmp_path)
    _edit_vocabulary(nllb, {"kor_Hang"})
    _refused(nllb, "NLLB-200", "without kor_Hang", str(nllb))


def test_declared_family_without_its_tokens_is_refused(tiny_model, tmp_path):
    model = _copy(tiny_model, tmp_path)
    (model / "toolkit.json").write_text('{"family": "nllb"}', encoding="utf-8")
    _refused(model, "declared 'nllb'", "kor_Hang, eng_Latn", "toolkit.json")
    (model / "toolkit.json").write_text('{"family": "nllb-200"}', encoding="utf-8")
    _refused(model, "unknown family 'nllb-200'", "m2m100")
    (model / "toolkit.json").write_text('{"family": "qwen"}', encoding="utf-8")
    _refused(model, "does not fit a encoder-decoder model")


def test_multi_target_marian_without_english_is_refused(family_dirs, tmp_path):
    marian = _copy(family_dirs("opus-mt-multi"), tmp_path)
    _edit_vocabulary(marian, {">>eng<<"})
    _refused(marian, "multi-target", "without >>eng<<", ">>deu<<")


def test_chat_model_without_a_known_template_is_refused(family_dirs, tmp_path):
    gemma = _copy(family_dirs("gemma"), tmp_path)
    _edit_vocabulary(gemma, {"<start_of_turn>"}, "vocabulary.json")
    _refused(gemma, "no chat template", "declare \"family\"")
    (gemma / "toolkit.json").write_text('{"family": "gemma"}', encoding="utf-8")
    _refused(gemma, "Gemma model", "without <start_of_turn>")


def test_missing_tokenizer_file_names_the_file_to_copy(family_dirs, tmp_path):
    madlad = _copy(family_dirs("madlad"), tmp_path)
    (madlad / "spiece.model").unlink()
    _refused(madlad, "without spiece.model", "--copy_files")
    gemma = _copy(family_dirs("gemma"), tmp_path)
    (gemma / "tokenizer.model").unlink()
    _refused(gemma, "without tokenizer.json or tokenizer.model")


def test_cli_reports_a_broken_model_in_one_line(family_dirs, tmp_path, capsys):
    nllb = _copy(family_dirs("nllb"), tmp_path)
    _edit_vocabulary(nllb, {"eng_Latn", "kor_Hang"})  # now reads as a plain OPUS-MT model
    (nllb / "toolkit.json").write_text('{"family": "nllb"}', encoding="utf-8")
    src = tmp_path / "in.ko.txt"
    src.write_text("구독 사업이 성장했다.\n", encoding="utf-8")
    assert main([str(src), "--model", str(nllb)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "toolkit.json" in err and "eng_Latn" in err
    assert main(["--list-models", "--model", str(nllb)]) == 0
    assert "unusable: NLLB-200 model" in capsys.readouterr().out


@pytest.mark.skipif(not HAS_TOKENIZERS, reason="building the model needs `tokenizers`")
def test_tokenizer_json_without_the_package_says_what_to_install(family_dirs, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "tokenizers", None)  # import fails
    with pytest.raises(ModelError, match=r"install the `tokenizers` package.*\[llm\]"):
        Engine.load(family_dirs("qwen"))


@pytest.mark.parametrize("family", PARAMS)
def test_alternatives_start_with_distinct_next_pieces_agreeing_with_plain_decoding(
        family, engines):
    """Engine.alternatives: every hypothesis keeps its prefix, the next pieces differ, the
    first is the plain greedy decoder's own next piece, and a batch gives what one
    sentence at a time gives (two batched calls, not one decode per sentence)."""
    engine = engines(family)
    sources = ["냉난방공조 사업이 성장했다.", "구독", "전장 사업의 매출은 올해 처음으로 늘었다."]
    prompts = [engine.source_tokens(engine.source_pieces(s)) for s in sources]
    prefixes = [engine.target_pieces("HVAC"), engine.target_pieces("The subscription"),
                engine.target_pieces("The sales of the vehicle components")]
    batch = engine.alternatives(prompts, prefixes, 3, return_scores=True)
    for i, result in enumerate(batch):
        assert 1 <= len(result.hypotheses) <= 3
        assert all(h[:len(prefixes[i])] == prefixes[i] for h in result.hypotheses)
        nexts = [tuple(h[len(prefixes[i]):len(prefixes[i]) + 1]) for h in result.hypotheses]
        assert len(set(nexts)) == len(nexts)
        [single] = engine.alternatives([prompts[i]], [prefixes[i]], 3, return_scores=True)
        assert single.hypotheses == result.hypotheses
        if family in CHAT:
            continue  # CTranslate2's own return_alternatives (a Generator has no logits)
        [greedy] = engine.translate_batch([prompts[i]], target_prefix=[prefixes[i]],
                                          beam_size=1)
        assert result.hypotheses[0] == greedy.hypotheses[0]
