"""Zero before a Korean unit (issue 18, item 12): 0억 is nothing, not one 억."""
from __future__ import annotations

import pytest

from bitext.qa import check_pair
from bitext.qa.numbers import parse_korean_number


@pytest.mark.parametrize(("text", "value"), [
    ("0억", 0), ("0만", 0), ("0조", 0), ("00억", 0), ("0천", 0), ("영억", 0),
    ("1억0천만", 100_000_000), ("1조0억", 10**12), ("2억0만", 200_000_000),
    ("억", 10**8), ("천만", 10**7), ("1억1천만", 110_000_000), ("3억 5천만", 350_000_000),
])
def test_zero_before_a_unit_is_zero(text, value):
    assert parse_korean_number(text) == value


@pytest.mark.parametrize("source", ["손실은 0억 원이었다.", "손실은 0만 원이었다.",
                                    "손실은 0조 원이었다.", "손실은 00억 원이었다."])
def test_zero_won_gets_no_number_error(source):
    assert [i for i in check_pair(source, "The loss was 0 won.") if i.code == "number"] == []


def test_one_hundred_million_written_with_a_zero_thousand():
    assert [i.code for i in check_pair("예산은 1억0천만 원이다.",
                                       "The budget is 100 million won.")] == []
    issues = check_pair("예산은 1억0천만 원이다.", "The budget is 110 million won.")
    assert "number" in [i.code for i in issues]
