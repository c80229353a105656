"""Matcher invariants on generated Korean-like text (hypothesis)."""
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from glossary import Context, Term, TermMatcher
from glossary.korean import is_hangul_syllable, is_particle_chain
from glossary.model import match_key
from glossary.morph import Analysis, analyse, sentence_spans, verb_stem

TERMS = [
    Term("공감지능", "Affectionate Intelligence", variants=("공감 지능",)),
    Term("전장", "vehicle components", context=Context(unless=("병사",))),
    Term("냉난방공조", "HVAC", variants=("냉난방 공조",)),
    Term("전기차 충전", "EV charging"),
    Term("전기차", "EV"),
    Term("웹OS", "webOS"),
    Term("구독하다", "subscribe"),
]
MATCHER = TermMatcher(TERMS)
PIECES = ["공감지능", "공감 지능", "전장", "냉난방", "공조", "전기차", "충전", "웹OS", "병사",
          "은", "을", "에서", "의", "와", "치", "도", "사업", " ", " ", "  ", ".", ",", "(", ")",
          "LG", "가", "나", "구독", "했다", "하는", "부품", "용", "본부"]


def _keys(term: Term) -> set[str]:
    """What a match's surface starts with: the spelling, or a verb lemma's stem key."""
    return {match_key((verb_stem(s) or (s,))[0]) for s in term.spellings}


def _boundary(text: str, at: int) -> bool:
    """Kiwi has a morpheme boundary at ``at`` in the sentence the matcher analysed."""
    lo, hi = next((lo, hi) for lo, hi in sentence_spans(text) if lo <= at <= hi)
    return at not in Analysis(analyse(text[lo:hi], lo)).cut


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30))
def test_matches_are_sound(parts):
    text = "".join(parts)
    matches = MATCHER.find(text)
    spans = [(m.start, m.end) for m in matches]
    assert spans == sorted(spans)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:]))
    for m in matches:
        assert text[m.start:m.end] == m.surface
        key = match_key(m.surface)
        if m.term.source == "구독하다":
            assert key.startswith("구독") and len(key) > 2      # inflected, never bare
        else:
            assert key in _keys(m.term)
        if m.start and is_hangul_syllable(text[m.start - 1]):  # a compound's later member
            assert _boundary(text, m.start)
        tail = re.match(r"[가-힣]*", text[m.end:]).group()
        if tail and not is_particle_chain(tail):   # particles are the cheap rule's, not Kiwi's
            assert _boundary(text, m.end)
        assert m.applies == ("병사" not in text.replace(" ", "") or m.term.source != "전장")


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_safe(text):
    for m in MATCHER.find(text):
        assert 0 <= m.start < m.end <= len(text)


OLD = TermMatcher(TERMS, morphology=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30))
def test_kiwi_only_adds_where_the_particle_rule_is_sure(parts):
    """Without an ambiguous tail (인, 다) or a particle-like term, every match of the matcher
    before Kiwi is still there, or inside a longer match that won over it."""
    text = "".join(parts)
    new = [(m.start, m.end) for m in MATCHER.find(text)]
    for m in OLD.find(text):
        assert any(s <= m.start and m.end <= e for s, e in new), (m, new)
