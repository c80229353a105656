"""Matcher invariants on generated Korean-like text (hypothesis)."""
from hypothesis import given, settings
from hypothesis import strategies as st

from glossary import Context, Term, TermMatcher
from glossary.korean import is_hangul_syllable
from glossary.model import match_key

TERMS = [
    Term("공감지능", "Affectionate Intelligence", variants=("공감 지능",)),
    Term("전장", "vehicle components", context=Context(unless=("병사",))),
    Term("냉난방공조", "HVAC", variants=("냉난방 공조",)),
    Term("전기차 충전", "EV charging"),
    Term("전기차", "EV"),
    Term("웹OS", "webOS"),
]
MATCHER = TermMatcher(TERMS)
PIECES = ["공감지능", "공감 지능", "전장", "냉난방", "공조", "전기차", "충전", "웹OS", "병사",
          "은", "을", "에서", "의", "와", "치", "도", "사업", " ", " ", "  ", ".", ",", "(", ")",
          "LG", "가", "나"]


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
        assert match_key(m.surface) in {match_key(s) for s in m.term.spellings}
        assert m.start == 0 or not is_hangul_syllable(text[m.start - 1])
        assert m.applies == ("병사" not in text.replace(" ", "") or m.term.source != "전장")


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_safe(text):
    for m in MATCHER.find(text):
        assert 0 <= m.start < m.end <= len(text)
