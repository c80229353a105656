"""The layer's attention pass runs only where placement reads the alignment; empty pairs.

The engine is the tiny model's (``tests/tinymodel.py``), watched by a spy that counts the
sentences forced through it; the English is given, so the placement is known. Stand-ins
(``documents/standins.py``) are off where the English is given: they change what the engine
is sent, and the codes they carry are placed by them, not by the alignment.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from docmodel import MemoryDocument
from hypothesis import given, settings
from hypothesis import strategies as st
from test_code_placement import RandomEnglish, contents

from bitext.records import AlignedSegment, TermRecord, TermStatus
from documents import translate_doc
from documents.model import Code, CodeKind, Content, Unit
from translate.segment import Segment


def b(i: str) -> Code:
    return Code(i, CodeKind.OPEN, "<b>")


def e(i: str) -> Code:
    return Code(i, CodeKind.CLOSE, "</b>")


class Spy:
    """The real engine; counts the sentences of each ``translate_batch`` call."""

    def __init__(self, engine: Any):
        self.engine = engine
        self.forced: list[int] = []

    def translate_batch(self, sources: list[list[str]], **options: Any) -> list:
        self.forced.append(len(sources))
        return self.engine.translate_batch(sources, **options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.engine, name)


class GivenEnglish:
    """The English (and glossary records) given for each Korean sentence."""

    def __init__(self, engine: Any, english: dict[str, tuple[str, list[TermRecord]]]):
        self.engine = engine
        self.english = english

    def translate_segments(self, segments: Iterable[Segment]) -> Iterator[AlignedSegment]:
        for s in segments:
            text, terms = self.english[s.source]
            yield AlignedSegment(s.index, s.source, text, list(terms), s.doc, s.paragraph,
                                 s.line)


@pytest.fixture(scope="module")
def engine(tiny_model):
    from translate.engine import Engine

    return Engine.load(tiny_model)


def term(source: str, english: str, surface: str, target: str) -> TermRecord:
    at, to = source.index(surface), english.index(target)
    return TermRecord(surface, surface, at, at + len(surface), target, TermStatus.APPLIED,
                      "hint", None, to, to + len(target))


def show(content: Content | None) -> str:
    return "".join(p if isinstance(p, str) else f"[{p.kind.value[0]}{p.id}]"
                   for p in content or ())


def test_codes_placed_without_alignment_cost_no_pass(engine):
    ko_term = "LG전자는 공감지능을 앞세운다."
    en_term = "LG Electronics puts Affectionate Intelligence first."
    english = {
        "공감지능은 좋다.": ("Affectionate Intelligence is good.", []),   # pair around all words
        ko_term: (en_term, [term(ko_term, en_term, "공감지능", "Affectionate Intelligence")]),
        "안녕하세요!": ("Hello!", []),                                   # code before the stop
    }
    units = [Unit("1", (b("1"), "공감지능은 좋다", e("1"), ".")),
             Unit("2", ("LG전자는 ", b("2"), "공감지능", e("2"), "을 앞세운다.")),
             Unit("3", ("안녕하세요", Code("x", CodeKind.ISOLATED, "<br/>"), "!"))]
    spy = Spy(engine)
    translate_doc.translate_document(GivenEnglish(spy, english), MemoryDocument("m", units),
                                      use_standins=False)
    assert spy.forced == []
    assert [show(u.target) for u in units] == [
        "[o1]Affectionate Intelligence is good[c1].",
        "LG Electronics puts [o2]Affectionate Intelligence[c2] first.",
        "Hello[ix]!"]
    assert not [q for u in units for q in u.qa]


def test_only_sentences_that_read_the_alignment_are_forced(engine):
    english = {"LG전자는 고객의 일상을 바꾼다.": ("LG Electronics changes customers' lives.", []),
               "공감지능은 좋다.": ("Affectionate Intelligence is good.", [])}
    units = [Unit("1", ("LG전자는 ", b("1"), "고객", e("1"), "의 일상을 바꾼다.")),
             Unit("2", (b("2"), "공감지능은 좋다", e("2"), "."))]
    spy = Spy(engine)
    translate_doc.translate_document(GivenEnglish(spy, english), MemoryDocument("m", units),
                                      use_standins=False)
    assert spy.forced == [1]                     # the pair in the middle only
    assert show(units[1].target) == "[o2]Affectionate Intelligence is good[c2]."
    wrapped = show(units[0].target).split("[o1]")[1].split("[c1]")[0]
    assert wrapped.strip(" .'")                  # the tiny model's attention: some word


class RandomEnglishWithAttention(RandomEnglish):
    def __init__(self, seed: int, engine: Any):
        super().__init__(seed)
        self.engine = engine


@settings(max_examples=25, deadline=None)
@given(st.lists(contents(), min_size=1, max_size=3), st.integers(0, 10**6))
def test_skipping_the_pass_never_changes_a_placement(engine, units, seed):
    """Placement with the skip equals placement with every sentence forced through the
    model: a skipped sentence is one whose placement never reads the alignment."""
    def run() -> list[str]:
        doc = MemoryDocument("m", [Unit(str(i), c) for i, c in enumerate(units)])
        translate_doc.translate_document(RandomEnglishWithAttention(seed, engine), doc)
        return [show(u.target) + repr(sorted(q.message for q in u.qa)) for u in doc.units]

    skipped = run()
    needs = translate_doc._needs_alignment
    try:
        translate_doc._needs_alignment = lambda plan, i, inside: (  # type: ignore[assignment]
            bool(inside.get(i)) and plan.sentences[i].result.translation
            != plan.sentences[i].result.source)
        forced = run()
    finally:
        translate_doc._needs_alignment = needs  # type: ignore[assignment]
    assert skipped == forced


def test_emptied_pairs_are_found():
    source = (b("1"), "모듈", e("1"), " | ", b("2"), "용어", e("2"), b("3"), e("3"))
    target = ("The ", b("1"), "modules", e("1"), " ", b("2"), " | ", e("2"), b("3"), e("3"))
    assert translate_doc._emptied_pairs(source, target) == [(12, "2")]   # 3 was empty before
    with_placeholder = (b("1"), Code("p", CodeKind.ISOLATED, "{name}", placeholder=True), e("1"))
    assert translate_doc._emptied_pairs(with_placeholder, with_placeholder) == []


def test_a_pair_that_wrapped_words_gets_a_word_or_a_warning():
    """Two bold words in the Korean, one word of English: one pair wraps it, the other is
    warned about (a ``tags`` finding), never silently empty."""
    english = {"모듈 | 용어": ("Modules", [])}
    unit = Unit("1", (b("1"), "모듈", e("1"), " | ", b("2"), "용어", e("2")))
    translate_doc.translate_document(GivenEnglish(None, english), MemoryDocument("m", [unit]),
                                      use_standins=False)
    assert show(unit.target).count("Modules") == 1
    empty = [q for q in unit.qa if "wraps no English word" in q.message]
    assert len(empty) == 1 and empty[0].code == "tags" and empty[0].severity == "warning"


@settings(max_examples=150, deadline=None)
@given(st.lists(contents(), min_size=1, max_size=4), st.integers(0, 10**6))
def test_every_pair_emptied_by_the_english_is_reported(units, seed):
    doc = MemoryDocument("m", [Unit(str(i), c) for i, c in enumerate(units)])
    translate_doc.translate_document(RandomEnglish(seed), doc, aligner="proportional")
    for unit in doc.units:
        emptied = {i for _, i in translate_doc._emptied_pairs(unit.source, unit.target or ())}
        warned = {q.message.split("'")[1] for q in unit.qa
                  if "wraps no English word" in q.message}
        assert emptied == warned
