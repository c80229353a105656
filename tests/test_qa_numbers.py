"""Korean and English number parsing, and the number check, on real Korean copy."""
import pytest

from bitext.qa import check_pair, english_numbers, korean_numbers, parse_korean_number


def values(mentions):
    return [n.value for n in mentions]


@pytest.mark.parametrize("text, value", [
    ("10조", 10 * 10**12), ("2천억", 2 * 10**11), ("1억", 10**8), ("7000억", 7 * 10**11),
    ("12조3천억", 12.3 * 10**12), ("1억1천만", 1.1 * 10**8), ("1만", 10**4),
    ("1만2000", 12000), ("3.5조", 3.5 * 10**12), ("1,000", 1000), ("3억 5천만", 3.5 * 10**8),
    ("삼천오백만", 3.5 * 10**7),
    ("천", 1000), ("만", 10**4),
])
def test_parse_korean_number(text, value):
    assert parse_korean_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "만억", "만만", "천천", "3 4", "abc", "백천"])
def test_parse_korean_number_rejects(text):
    assert parse_korean_number(text) is None


def test_korean_numbers_in_copy():
    found = korean_numbers("LG전자는 2024년 3월 5일 CES 2024에서 10조원 투자와 "
                           "50여명 채용, 3.5% 성장을 발표했다.")
    assert values(found) == [2024, 3, 5, 2024, 10 * 10**12, 50, 3.5]
    assert found[5].approximate and found[2].day


def test_korean_identifiers_and_ones_are_not_amounts():
    # B2B, 5G are names (latin-missing checks them); 1대 is "a car", not "one"
    assert values(korean_numbers("B2B 사업과 5G 기지국, 버스 1대")) == []


def test_article_is_not_trillion():
    assert values(korean_numbers("헌법 제1조와 제9조")) == [9]     # digit 1 skipped, 9 kept
    assert values(korean_numbers("헌법 제9조")) == [9]


def test_native_numbers_are_optional():
    found = korean_numbers("세 번째 제품과 두 가지 기능, 열두 명")
    assert values(found) == [3, 2, 12]
    assert not any(n.required for n in found)
    assert korean_numbers("세금과 네트워크") == []       # 세 "tax", 네 without a counter


@pytest.mark.parametrize("text, expected", [
    ("12.3 trillion calculations", [12.3e12]),
    ("the $110 million wonder", [110e6]),
    ("$2bn but a 10m run", [2e9, 10]),
    ("two hundred and fifty thousand people", [250000]),
    ("a million users", [1e6]),
    ("a tenfold rise, 10 times, twice", [10, 10, 2]),
    ("on March 5, 2024 at CES 2024", [3, 5, 2024, 2024]),
    ("the third quarter of the 1990s", [3, 1990]),
    ("World War II", [2]),
    ("May I ask? Sales fell in May.", [5]),
    ("ten thousand and 1.5 million", [10000, 1.5e6]),
    ("nothing here, a year and an hour", []),
])
def test_english_numbers(text, expected):
    assert values(english_numbers(text)) == pytest.approx(expected)


def number_issues(source, translation):
    return [i for i in check_pair(source, translation, codes=["number"])]


@pytest.mark.parametrize("source, translation", [
    ("정부는 10조원을 투자한다.", "The government will invest 10 trillion won."),
    ("수출이 2천억 달러를 넘었다.", "Exports topped $200 billion."),
    ("판매량이 1억대를 돌파했다.", "Sales passed 100 million units."),
    ("사용자들은 연간 7000억 시간을 소비한다.", "Users spend 700 billion hours a year."),
    ("50여명이 참석했다.", "About 50 people attended."),
    ("매출이 3.5% 늘었다.", "Sales rose 3.5 percent."),
    ("2024년 3월 5일 발표했다.", "It was announced on March 5, 2024."),
    ("1만 명이 모였다.", "Ten thousand people gathered."),
    ("1만 명이 모였다.", "10,000 people gathered."),
    ("효율이 10배 높다.", "It is tenfold more efficient."),
    ("초당 12조3천억 번의 계산", "12.3 trillion calculations a second"),
    ("1억1천만 달러짜리 설비", "the $110 million machine"),
    ("그는 지난 24일 사임했다.", "He resigned on Tuesday."),
    ("2차 세계대전 이후", "since World War II"),
    ("헌법 9조를 개정하려 한다.", "They want to revise article nine of the constitution."),
])
def test_restructured_numbers_pass(source, translation):
    assert number_issues(source, translation) == []


def test_missing_number_is_an_error_with_its_span():
    source = "알츠하이머 위험이 10배 높아지고 2030년까지 환자가 2배 늘어난다."
    issues = number_issues(source, "The risk of Alzheimer's rises by 2030.")
    assert [(i.severity, source[i.start:i.end]) for i in issues] == [("error", "10"),
                                                                      ("error", "2")]
    assert all(i.side == "source" for i in issues)


def test_numbers_are_a_multiset():
    issues = number_issues("2024년과 2024년", "in 2024")
    assert len(issues) == 1


def test_missing_native_number_is_a_warning():
    issues = number_issues("세 가지 제품을 공개했다.", "It unveiled new products.")
    assert [i.severity for i in issues] == ["warning"]
    assert number_issues("세 가지 제품을 공개했다.", "It unveiled three products.") == []


def test_wrong_number_is_flagged():
    assert number_issues("매출은 10조원이다.", "Sales were 10 billion won.")
