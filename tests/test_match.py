"""Term matching in Korean: particles, spacing, word-inside-word, context, longest match."""
import pytest

from glossary import Context, Term, TermMatcher
from glossary.korean import is_particle_chain

TERMS = [
    Term("공감지능", "Affectionate Intelligence", variants=("공감 지능",)),
    Term("전장", "vehicle components", context=Context(unless=("병사", "전투"))),
    Term("냉난방공조", "HVAC", variants=("냉난방 공조",)),
    Term("웹OS", "webOS"),
    Term("전기차 충전", "EV charging"),
    Term("전기차", "EV"),
    Term("사이니지", "signage", context=Context(when=("광고", "매장"))),
]
MATCHER = TermMatcher(TERMS)


def found(text):
    return [(m.surface, m.term.source, m.applies) for m in MATCHER.find(text)]


@pytest.mark.parametrize("text, surface", [
    ("공감지능은 중요하다", "공감지능"), ("공감지능을", "공감지능"), ("공감지능으로써", "공감지능"),
    ("전장을 키운다", "전장"), ("전장에서는", "전장"), ("전장의", "전장"), ("전장까지", "전장"),
    ("냉난방공조와 함께", "냉난방공조"), ("냉난방공조도", "냉난방공조"), ("웹OS를", "웹OS"),
    ("“전장”이라는", "전장"), ("(전장)", "전장"), ("전장,", "전장"), ("공감지능이다.", "공감지능"),
])
def test_particles_and_punctuation_after_a_term(text, surface):
    assert found(text)[0][0] == surface


@pytest.mark.parametrize("text", ["전장치", "도전장을", "전장품", "그 전 장을", "웹OS6", "전기차충전소"])
def test_never_inside_another_word(text):
    assert [f for f in found(text) if f[1] in ("전장", "웹OS", "전기차 충전")] == []


def test_spacing_variants_and_spacing_insensitive_form():
    assert found("냉난방 공조와 냉난방공조") == [("냉난방 공조", "냉난방공조", True),
                                          ("냉난방공조", "냉난방공조", True)]
    assert found("공감 지능은")[0][:2] == ("공감 지능", "공감지능")
    assert found("전기차충전 사업")[0][:2] == ("전기차충전", "전기차 충전")  # spacing removed
    assert found("냉난방  공조")[0][1] == "냉난방공조"  # double space


def test_listed_spacing_is_accepted_even_with_one_syllable_chunks():
    m = TermMatcher([Term("기업간거래", "B2B", variants=("기업 간 거래",)), Term("웹OS", "webOS",
                                                                         variants=("웹 OS",))])
    assert [x.surface for x in m.find("기업 간 거래를 늘리고 웹 OS를 쓴다")] == ["기업 간 거래", "웹 OS"]
    assert [x.surface for x in m.find("기 업간거래")] == []  # an unlisted one-syllable split


def test_longest_match_wins():
    assert found("전기차 충전 사업") == [("전기차 충전", "전기차 충전", True)]
    assert found("전기차를 샀다") == [("전기차", "전기차", True)]


def test_context_unless_and_when():
    assert found("병사들은 전장에서 싸웠다") == [("전장", "전장", False)]
    assert found("전투가 끝난 전장") == [("전장", "전장", False)]
    assert found("전장 사업이 성장했다") == [("전장", "전장", True)]
    assert found("매장 사이니지를 바꿨다") == [("사이니지", "사이니지", True)]
    assert found("사이니지를 바꿨다") == [("사이니지", "사이니지", False)]


def test_offsets_point_into_the_text():
    text = "LG전자는 공감지능을 통해 전장을 키운다"
    for m in MATCHER.find(text):
        assert text[m.start:m.end] == m.surface


def test_nfc_composed_text_matches_and_case_of_latin():
    assert found("웹os를")[0][1] == "웹OS"


def test_particle_chains():
    assert is_particle_chain("에서는") and is_particle_chain("으로도") and is_particle_chain("")
    assert not is_particle_chain("치") and not is_particle_chain("사업")


def test_empty_glossary_and_text():
    assert TermMatcher([]).find("전장") == []
    assert MATCHER.find("") == []


def test_scales_to_a_large_glossary():
    terms = [Term(f"용어{i:05d}", f"term {i}") for i in range(20000)] + TERMS
    matcher = TermMatcher(terms)
    hits = matcher.find("용어01234를 보고 전장을 봤다 " * 50)
    assert len(hits) == 100 and hits[0].term.target == "term 1234"


def test_context_words_are_case_insensitive():
    m = TermMatcher([Term("웹OS", "webOS", context=Context(unless=("LG",)))])
    assert [x.applies for x in m.find("lg 웹OS를")] == [False]
    assert [x.applies for x in m.find("삼성 웹OS를")] == [True]
