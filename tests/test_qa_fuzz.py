"""The checks never crash on odd text, and the Korean number parser round-trips what
Korean copy writes (integers in 조/억/만 notation, with or without 천/백/십)."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bitext.qa import CODES, QAIssue, check_pair, english_numbers, korean_numbers
from bitext.qa.numbers import format_korean_number, parse_korean_number

ODD = ["", " ", "\n\t", "12345", "3.5% 10조 2024", "LG CES B2B webOS", "😀🎉" * 10,
       "\x00\x01\x1b[31m", "가" * 10000, "a " * 5000, '"""((([[[', "”“’‘」「", "1" * 400,
       "9" * 30 + "조" * 5, "만억조천백십", "제조", "0.0.0.0,,,", "\ud7a3\u1100\u3131"]


@pytest.mark.parametrize("source", ODD)
@pytest.mark.parametrize("translation", ODD)
def test_odd_text_never_crashes(source, translation):
    for issue in check_pair(source, translation, draft=translation):
        text = source if issue.side == "source" else translation
        assert 0 <= issue.start <= issue.end <= len(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300), st.text(max_size=300),
       st.one_of(st.none(), st.text(max_size=100)))
def test_random_text_never_crashes(source, translation, draft):
    issues = check_pair(source, translation, draft=draft)
    assert issues == sorted(issues, key=QAIssue.sort_key)
    for issue in issues:
        assert issue.code in CODES
        text = source if issue.side == "source" else translation
        assert 0 <= issue.start <= issue.end <= len(text)


korean_ish = st.text(alphabet="0123456789,.조억만천백십일이삼사오육칠팔구여명년월일 %$-LGCES",
                     max_size=60)


@settings(max_examples=500, deadline=None)
@given(korean_ish)
def test_number_parsers_never_crash(text):
    for n in korean_numbers(text):
        assert n.value >= 0 and 0 <= n.start < n.end <= len(text)
    parse_korean_number(text)
    english_numbers(text)


@settings(max_examples=500, deadline=None)
@given(st.integers(min_value=1, max_value=10**16 - 1), st.booleans())
def test_korean_notation_round_trips(n, thousands):
    written = format_korean_number(n, thousands=thousands)
    assert parse_korean_number(written) == n
    mentions = korean_numbers(f"매출은 {written}원이다.")
    if n != 1:
        assert [m.value for m in mentions] == [n]


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=2, max_value=10**15))
def test_korean_amount_meets_its_english_rendering(n):
    """10^8 written as 1억 is met by "100 million" (and by plain digits)."""
    source = f"투자액은 {format_korean_number(n)}원이다."
    for scale, word in ((10**9, "billion"), (10**6, "million"), (10**3, "thousand")):
        if n % scale == 0:
            english = f"The investment is {n // scale:,} {word} won."
            break
    else:
        english = f"The investment is {n:,} won."
    assert check_pair(source, english, codes=["number"]) == []
