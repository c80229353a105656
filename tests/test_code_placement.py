"""Codes put back into the English: every code once, pairs nested, whatever the English is.

Property tests drive the placement with English that has nothing to do with the Korean
(a translator that writes random words), both aligners; the tiny model drives the attention
path through the real pipeline; the bundled model shows placement on real English.
"""
from __future__ import annotations

import random
from collections.abc import Iterable, Iterator

import pytest
from docmodel import MemoryDocument, content_text
from hypothesis import given, settings
from hypothesis import strategies as st

from bitext.records import AlignedSegment
from documents import translate_document
from documents.align import around, place_point, place_span, tokens
from documents.codes import missing_or_extra
from documents.model import Code, CodeKind, Content, Unit
from translate.segment import Segment

WORDS = ["the", "HVAC", "business", "grew", ".", ",", "Affectionate", "Intelligence", "of",
         "p.m.", "10%", "it's", "(", ")", "a"]


class RandomEnglish:
    """English of random words (the seed decides), as a bad model would write it."""

    engine = None

    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def translate_segments(self, segments: Iterable[Segment]) -> Iterator[AlignedSegment]:
        for s in segments:
            words = [self.rng.choice(WORDS) for _ in range(self.rng.randint(0, 12))]
            yield AlignedSegment(s.index, s.source, " ".join(words), [], s.doc, s.paragraph,
                                 s.line)


@st.composite
def contents(draw) -> Content:
    """Well-formed content: Korean text, nested pairs, isolated codes, placeholders."""
    texts = st.sampled_from(["공감지능", "을 ", "앞세운다. ", "냉난방", "공조 ", "사업", " ",
                             "{name}", "%s ", "다. 둘째 문장", "\n", "OLED"])
    out: list[str | Code] = []
    stack: list[str] = []
    n = 0
    for _ in range(draw(st.integers(1, 14))):
        action = draw(st.sampled_from(["text", "text", "open", "close", "isolated"]))
        if action == "open":
            n += 1
            stack.append(f"c{n}")
            out.append(Code(f"c{n}", CodeKind.OPEN, "<b>"))
        elif action == "close" and stack:
            out.append(Code(stack.pop(), CodeKind.CLOSE, "</b>"))
        elif action == "isolated":
            n += 1
            out.append(Code(f"c{n}", CodeKind.ISOLATED, "<x/>"))
        else:
            out.append(draw(texts))
    while stack:
        out.append(Code(stack.pop(), CodeKind.CLOSE, "</b>"))
    return tuple(out) + ("가",)


@settings(max_examples=150, deadline=None)
@given(st.lists(contents(), min_size=1, max_size=4), st.integers(0, 10**6),
       st.sampled_from(["attention", "proportional"]))
def test_every_code_once_and_nested_whatever_the_english(units, seed, aligner):
    doc = MemoryDocument("m", [Unit(str(i), c) for i, c in enumerate(units)])
    translate_document(RandomEnglish(seed), doc, aligner=aligner)
    for unit in doc.units:
        assert unit.target is not None
        assert missing_or_extra(unit.source, unit.target) == [], content_text(unit.target)
        assert not [q for q in unit.qa if q.severity == "error"]


def b(i: str) -> Code:
    return Code(i, CodeKind.OPEN, "<b>")


def e(i: str) -> Code:
    return Code(i, CodeKind.CLOSE, "</b>")


def test_missing_or_extra_names_each_problem():
    src = (b("1"), "가", e("1"), Code("2", CodeKind.ISOLATED, "<x/>"))
    assert missing_or_extra(src, ("a", b("1"), "b", e("1"))) == ["code '2' (isolated) lost"]
    assert missing_or_extra(src, (b("1"), b("1"), e("1"), src[3])) == [
        "code '1' (open) duplicated"]
    assert missing_or_extra(src, (e("1"), "a", b("1"), src[3])) == [
        "closing code '1' has no opening code before it"]


def test_alignment_helpers():
    english = "The meeting starts at 3 p.m. tomorrow."
    toks = tokens(english)
    assert [english[t.start:t.end] for t in toks] == [
        "The", "meeting", "starts", "at", "3", "p.m.", "tomorrow", "."]
    #            the  meeting starts at 3  p.m. tomorrow .
    aligned = [0, 0, 12, 8, 8, 8, 4, 13]              # 회의는 내일 오후 3시에 시작한다.
    assert place_span(4, 11, toks, aligned, english) == (english.index("at"), len(english) - 1)
    assert place_span(4, 6, toks, aligned, english) == (english.index("tomorrow"),
                                                        len(english) - 1)
    assert place_span(20, 30, toks, aligned) is None
    assert place_point(4, 14, english, toks, aligned, "isolated") == english.index("starts")
    assert around(english, toks, 5) == (4, 11)


@pytest.fixture(scope="module")
def tiny_translator(tiny_model):
    from translate.pipeline import Translator

    return Translator(tiny_model, None, beam_size=1, num_hypotheses=1)


def test_attention_path_with_the_tiny_model(tiny_translator):
    units = [Unit("1", ("LG전자는 ", b("1"), "공감", e("1"), "지능을 앞세워 ", b("2"), "전장 사업",
                        e("2"), "을 키운다.")),
             Unit("2", (b("a"), "첫 문장이다. 둘째 ", b("b"), "문장", e("b"), e("a"), "이다."))]
    doc = MemoryDocument("m", units)
    result = translate_document(tiny_translator, doc)
    assert tiny_translator.engine.has_attention
    for unit in units:
        assert missing_or_extra(unit.source, unit.target) == []
    assert [s.doc for s in result.segments] == ["m"] * 3


@pytest.fixture(scope="module")
def bundled(shared_model):
    from pathlib import Path

    from translate.pipeline import Translator

    glossary = Path(__file__).resolve().parents[1] / "resources" / "glossary"
    return Translator(shared_model, glossary)


def test_codes_follow_terms_with_the_bundled_model(bundled):
    units = [Unit("1", (b("g"), "냉난방공조", e("g"), " 사업이 올해 크게 성장했다.")),
             Unit("2", ("LG전자는 ", b("1"), "공감", e("1"), "지능을 앞세운다.")),
             Unit("3", ("정부는 ", b("p"), "새로운 에너지 정책", e("p"), "을 발표했다."))]
    translate_document(bundled, MemoryDocument("m", units))
    assert "[g>HVAC<g]" in content_text(units[0].target)
    # a code inside a term goes to the term's edge, with a warning that says so
    assert "[1>Affectionate Intelligence<1]" in content_text(units[1].target)
    assert [q.code for q in units[1].qa] == ["tags"] and "inside the term" in units[1].qa[0].message
    assert units[1].segments[0].qa[-1] == units[1].qa[0]       # and on the sentence, for reports
    text = content_text(units[2].target)
    assert "[p>" in text and "policy" in text[text.index("[p>"):text.index("<p]")]


@pytest.mark.parametrize("text,lines,max_chars,want", [
    ("The government announced a new energy policy today", 2, None,
     ["The government announced", "a new energy policy today"]),
    ("Short", 2, None, ["Short"]),
    ("", 2, None, []),
    ("a b c d e f", 1, None, ["a b c d e f"]),
    ("one two three four five six seven", 2, 10,
     ["one two", "three four", "five six", "seven"]),   # does not fit: nothing dropped
])
def test_balance_lines(text, lines, max_chars, want):
    from documents.wrap import balance

    assert balance(text, lines, max_chars) == want


class FixedEnglish:
    """Returns the English given for each Korean sentence (no model: proportional)."""

    engine = None

    def __init__(self, english: dict[str, str]):
        self.english = english

    def translate_segments(self, segments: Iterable[Segment]) -> Iterator[AlignedSegment]:
        for s in segments:
            yield AlignedSegment(s.index, s.source, self.english[s.source], [], s.doc,
                                 s.paragraph, s.line)


def test_isolated_codes_of_one_html_element_stay_in_order():
    """Okapi and Trados write inline HTML as <ph>&lt;a href&gt;</ph> … <ph>&lt;/a&gt;</ph>:
    two isolated codes that must not swap in the English, and wrap words."""
    a = Code("4", CodeKind.ISOLATED, "<ph id='4'>&lt;a href=\"https://www.lg.com\"&gt;</ph>")
    z = Code("5", CodeKind.ISOLATED, "<ph id='5'>&lt;/a&gt;</ph>")
    unit = Unit("1", ("자세한 내용은 ", a, "홈페이지", z, "에서 확인할 수 있다."))
    english = {"자세한 내용은 홈페이지에서 확인할 수 있다.":
               "More information can be checked on the home page."}
    translate_document(FixedEnglish(english), MemoryDocument("m", [unit]),
                       aligner="proportional")
    target = unit.target or ()
    order = [p.id for p in target if isinstance(p, Code)]
    assert order == ["4", "5"]
    inner = target[target.index(a) + 1]
    assert isinstance(inner, str) and inner.strip() and target.index(z) > target.index(a) + 1


def test_placeholders_glued_to_korean_become_words_in_english():
    unit = Unit("1", ("{name}님, 파일 {count}개를 v{version}에서 %s.txt로 저장했다.",))
    english = {"님, 파일 개를 에서 로 저장했다.":
               "Nim, saved files to in."}
    translate_document(FixedEnglish(english), MemoryDocument("m", [unit]),
                       aligner="proportional", use_standins=False)   # the masked path
    (text,) = unit.target or ("",)
    assert isinstance(text, str)
    for placeholder in ("{name}", "{count}", "v{version}", "%s.txt"):
        assert text.count(placeholder) == 1, text
    assert "{name} Nim" in text and "v{version}" in text and "%s.txt" in text


class RandomEnglishWithAttention(RandomEnglish):
    """Random English, but the tiny model's attention over it (the forced-decoding path)."""

    def __init__(self, seed: int, engine):
        super().__init__(seed)
        self.engine = engine


@settings(max_examples=25, deadline=None)
@given(st.lists(contents(), min_size=1, max_size=3), st.integers(0, 10**6))
def test_attention_path_keeps_every_code_whatever_the_english(tiny_translator, units, seed):
    doc = MemoryDocument("m", [Unit(str(i), c) for i, c in enumerate(units)])
    translate_document(RandomEnglishWithAttention(seed, tiny_translator.engine), doc)
    for unit in doc.units:
        assert missing_or_extra(unit.source, unit.target) == [], content_text(unit.target)
