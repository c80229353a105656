"""The splice step: a missing term put in place of the model's own rendering, judged by the
model's score and the segment QA, without decoding again."""
from __future__ import annotations

from collections import Counter

import pytest

from bitext.records import TermStatus
from glossary import Glossary, Term, TermMatcher
from translate import Engine
from translate import enforce as steps
from translate.enforce import enforce
from translate.options import DecodeOptions
from translate.pipeline import Translator

# a target no model here writes by itself: every applied one was put there by a step
ODD = Term("구독", "Zyxwv plan")
OPTIONS = DecodeOptions(beam_size=2, num_hypotheses=2)


class Counting:
    """Stands in for the CTranslate2 model and counts its decode and score calls."""

    def __init__(self, model):
        self.model, self.calls = model, Counter()

    def translate_batch(self, *a, **k):
        self.calls["translate_batch"] += 1
        return self.model.translate_batch(*a, **k)

    def score_batch(self, *a, **k):
        self.calls["score_batch"] += 1
        return self.model.score_batch(*a, **k)

    def __getattr__(self, name):
        return getattr(self.model, name)


def first_passed(engine: Engine, sources: list[str], glossary: Glossary) -> list:
    matcher = TermMatcher(glossary)
    jobs = [steps.prepare(engine, s, matcher.find(s), OPTIONS) for s in sources]
    steps.first_pass(engine, jobs, OPTIONS)
    return jobs


def test_a_missing_term_is_spliced_without_calling_the_model(tiny_model):
    engine = Engine.load(tiny_model)
    sources = ["구독 서비스를 시작했다.", "회사는 구독 상품을 늘렸다.", "전장 사업이 커졌다."]
    jobs = first_passed(engine, sources, Glossary([ODD]))
    assert [bool(j.unmet()) for j in jobs] == [True, True, False]
    before = [list(j.hypothesis) for j in jobs]
    engine.model = Counting(engine.model)
    steps.splice_repair(engine, jobs, OPTIONS)
    assert engine.model.calls == Counter()
    term = engine.target_pieces(ODD.target)
    for job, old in zip(jobs[:2], before):
        assert not job.unmet() and job.strategy == {0: "splice"}
        at = next(k for k in range(len(job.hypothesis)) if job.hypothesis[k:k + len(term)] == term)
        after = len(job.hypothesis) - at - len(term)
        # the model's own sentence around the term is kept as it was
        assert job.hypothesis[:at] == old[:at]
        assert job.hypothesis[at + len(term):] == old[len(old) - after:]
    assert jobs[2].hypothesis == before[2] and not jobs[2].strategy


def test_every_candidate_replaces_zero_to_splice_words_words(tiny_model):
    engine = Engine.load(tiny_model)
    [job] = first_passed(engine, ["고객은 매달 구독 요금을 낸다."], Glossary([ODD]))
    index, cands = steps._splices(engine, job)
    term = engine.target_pieces(ODD.target)
    assert index == 0 and cands
    words = Counter()
    for c in cands:
        at = next(k for k in range(len(c.pieces)) if c.pieces[k:k + len(term)] == term)
        gone = job.hypothesis[at:len(job.hypothesis) - (len(c.pieces) - at - len(term))]
        words[sum(steps.starts_piece(p) for p in gone)] += 1
    assert set(words) <= set(range(steps.SPLICE_WORDS + 1))


def test_a_splice_that_loses_content_is_left_to_the_prefix_step(tiny_model, monkeypatch):
    engine = Engine.load(tiny_model)
    jobs = first_passed(engine, ["구독 서비스를 시작했다."], Glossary([ODD]))
    real = steps.candidate

    def flawed(*args):  # every sentence with the term "loses" content
        c = real(*args)
        c.flaws += "zyxwv" in c.text.lower()
        return c

    monkeypatch.setattr(steps, "candidate", flawed)
    steps.splice_repair(engine, jobs, OPTIONS)
    assert jobs[0].unmet() and not jobs[0].strategy        # nothing spliced
    monkeypatch.undo()
    steps.prefix_repair(engine, jobs, OPTIONS)
    assert not jobs[0].unmet() and jobs[0].strategy == {0: "prefix"}


def test_the_pipeline_credits_splices_and_prefix_alike(tiny_model):
    t = Translator(tiny_model, Glossary([ODD]), beam_size=2, num_hypotheses=2)
    segs = t.translate_sentences(["구독 서비스를 시작했다.",
                                  "구독 고객이 늘자 구독 상품을 늘렸다."])
    for seg in segs:
        assert all(r.status is TermStatus.APPLIED for r in seg.terms)
        assert seg.translation.lower().count("zyxwv plan") == len(seg.terms)
        assert {r.strategy for r in seg.terms} <= {"splice", "prefix"}


def test_hints_are_opt_in_and_splice_is_a_known_step(tiny_model):
    assert "hint" not in DecodeOptions().strategies
    assert DecodeOptions().strategies == ("rerank", "splice", "prefix")
    with pytest.raises(ValueError, match="unknown strategies"):
        DecodeOptions(strategies=("splice", "glue"))


def test_near_miss_is_never_a_correct_rendering():
    """The second 사이니지 of a sentence is not placed on the first one's "signage"."""
    job = steps.Job("", [], [], hypothesis=["▁signage", "▁sales", "▁and", "▁sign", "age",
                                             "s", "▁ads", "."])
    assert steps.near_miss(job, "signage") is None
    job.hypothesis = ["▁signage", "▁sales", "▁and", "▁sinage", "▁ads", "."]
    assert steps.near_miss(job, "signage") == (3, 4)


def test_enforce_runs_the_steps_in_order(tiny_model, monkeypatch):
    order = []
    for name in ("first_pass", "splice_repair", "prefix_repair"):
        real = getattr(steps, name)
        monkeypatch.setattr(steps, name, lambda *a, _n=name, _r=real, **k: (
            order.append(_n), _r(*a, **k))[1])
    engine = Engine.load(tiny_model)
    m = TermMatcher(Glossary([ODD]))
    [job] = enforce(engine, ["구독 서비스"], [m.find("구독 서비스")], OPTIONS)
    assert order == ["first_pass", "splice_repair", "prefix_repair"]
    assert "zyxwv plan" in job.text.lower()


def _job(engine: Engine, source: str, glossary: Glossary, english: str) -> steps.Job:
    """A job whose first pass wrote ``english`` (no attention unless a test adds it)."""
    job = steps.prepare(engine, source, TermMatcher(glossary).find(source), OPTIONS)
    job.hypothesis = engine.target_pieces(english)
    job.text = job.draft = engine.detokenize(job.hypothesis)
    return job


def test_a_forbidden_rendering_is_replaced_whole(tiny_model):
    engine = Engine.load(tiny_model)
    term = Term("전장", "vehicle components", forbidden=("electric field",))
    job = _job(engine, "전장 사업이 커졌다.", Glossary([term]),
               "The electric field business grew quickly.")
    assert job.unmet() == [0]
    _, cands = steps._splices(engine, job)
    best = cands[steps.choose(cands)]
    assert best.text == "The vehicle components business grew quickly."


def test_the_words_attending_to_the_terms_korean_are_the_ones_replaced(tiny_model):
    engine = Engine.load(tiny_model)
    job = _job(engine, "회사는 구독 상품을 늘렸다.", Glossary([ODD]),
               "The company added more paid service plans.")
    match = job.matches[0]
    span = steps.source_span(engine, job, match)
    outside = next(j for j in range(len(job.pieces)) if j not in span)
    starts = [k for k, p in enumerate(job.hypothesis) if steps.starts_piece(p)]
    on_term = {starts[4], starts[5]}                 # "paid service" renders 구독

    def row(k: int) -> list[float]:
        r = [0.0] * (len(job.pieces) + 1)
        r[span[0] if any(s <= k < e for s, e in zip(starts, starts[1:] + [len(job.hypothesis)])
                         if s in on_term) else outside] = 1.0
        return r

    job.attention = [row(k) for k in range(len(job.hypothesis))]
    assert steps.rendered_words(engine, job, match, starts[4:] + [len(job.hypothesis)]) == 2
    assert steps.rendered_words(engine, job, match, starts[3:] + [len(job.hypothesis)]) == 0
    job.attention = None
    assert steps.rendered_words(engine, job, match, starts[4:]) == 0


def test_a_batch_without_terms_is_decoded_as_the_bare_model_would(tiny_model):
    """No term in the batch: one call, one hypothesis, no attention (what the plain run
    pays); with a term, one call for all sentences, nothing suppressed."""
    engine = Engine.load(tiny_model)
    seen = []
    real = engine.model.translate_batch

    def spy(sources, **options):
        seen.append(options)
        return real(sources, **options)

    engine.model = Counting(engine.model)
    engine.model.translate_batch = spy
    term = Term("구독", "Zyxwv plan", forbidden=("subscription",))
    t = Translator(engine, Glossary([term]), beam_size=2, num_hypotheses=2)
    t.translate_sentences(["전장 사업이 커졌다.", "회사가 성장했다."])
    assert len(seen) == 1 and seen[0].get("num_hypotheses") == 1
    assert not seen[0].get("return_attention") and "suppress_sequences" not in seen[0]
    seen.clear()
    t.translate_sentences(["구독 서비스를 시작했다.", "회사가 성장했다."])
    first = seen[0]
    assert first.get("num_hypotheses") == 2 and first.get("return_attention")
    assert "suppress_sequences" not in first and len(first.get("target_prefix") or []) == 0


def test_a_splice_never_takes_out_only_function_words(tiny_model):
    """Attention on "has" does not make "has" the rendering of 냉난방공조."""
    engine = Engine.load(tiny_model)
    hvac = Term("냉난방공조", "HVAC")
    job = _job(engine, "냉난방공조 사업이 성장했다.", Glossary([hvac]),
               "The refrigerator business has grown.")
    starts = [k for k, p in enumerate(job.hypothesis) if steps.starts_piece(p)]
    span = steps.source_span(engine, job, job.matches[0])
    # the attention puts "has" (the fourth word) on the term's Korean, every other word away
    has = range(starts[3], starts[4])
    job.attention = [[1.0 if (j == span[0]) == (k in has) else 0.0
                      for j in range(len(job.pieces) + 1)] for k in range(len(job.hypothesis))]
    _, cands = steps._splices(engine, job)
    assert all("has" in c.text.split() for c in cands)


def test_a_word_attending_to_the_term_is_a_place_when_the_peak_loses_content(tiny_model):
    """"The first fruits of the electric business": 전장's word is "electric" (most of its
    attention on 전장), though the attention peak starts at "first"."""
    engine = Engine.load(tiny_model)
    job = _job(engine, "전장 사업의 매출이 늘었다.", Glossary([Term("전장", "vehicle components")]),
               "The first fruits of the electric business grew.")
    span = steps.source_span(engine, job, job.matches[0])
    starts = [k for k, p in enumerate(job.hypothesis) if steps.starts_piece(p)]
    bounds = starts + [len(job.hypothesis)]
    share = {1: 0.6, 5: 0.9}          # word index -> share of its attention on 전장
    rows = []
    for w, (lo, hi) in enumerate(zip(bounds, bounds[1:])):
        on = share.get(w, 0.0)
        row = [0.0] * (len(job.pieces) + 1)
        row[span[0]] = on
        row[next(j for j in range(len(job.pieces)) if j not in span)] = 1.0 - on
        rows += [row] * (hi - lo)
    job.attention = rows
    assert steps.aligned_words(engine, job, job.matches[0], bounds) == [starts[5], starts[1]]
    job.attention = None
    assert steps.aligned_words(engine, job, job.matches[0], bounds) == []


def test_a_string_that_is_the_term_alone_is_left_to_the_prefix_step(tiny_model):
    """"냉난방공조" as a menu label is "HVAC", not the model's words around a splice."""
    engine = Engine.load(tiny_model)
    hvac = Glossary([Term("냉난방공조", "HVAC")])
    for source in ("냉난방공조", " 냉난방공조. "):
        job = _job(engine, source, hvac, "The refrigerators of the fridge")
        assert steps._splices(engine, job) == (0, [])
    [job] = enforce(engine, ["냉난방공조"], [TermMatcher(hvac).find("냉난방공조")], OPTIONS)
    assert "hvac" in job.text.lower() and job.strategy[0] == "prefix"
