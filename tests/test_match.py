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


@pytest.mark.parametrize("text", ["전장치", "도전장을", "전장품", "그 전 장을", "웹OS6",
                                  "전기차충전소"])
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
    found = m.find("기업 간 거래를 늘리고 웹 OS를 쓴다")
    assert [x.surface for x in found] == ["기업 간 거래", "웹 OS"]
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


# --- morphology (Kiwi): compounds, suffixes, inflected verbs ---------------------------------
VERBS = TermMatcher(TERMS + [Term("구독", "subscription"), Term("구독하다", "subscribe"),
                             Term("공감하다", "empathize"), Term("내밀다", "hold out")])


def verbs(text):
    return [(m.surface, m.term.source) for m in VERBS.find(text)]


@pytest.mark.parametrize("text, surface, term", [
    ("LG전자의 전장사업본부는 차량용 인포테인먼트를 개발한다.", "전장", "전장"),   # first member
    ("전장부품을 공급한다", "전장", "전장"),
    ("자동차전장부품 시장", "전장", "전장"),                                   # middle member
    ("차량용전장 매출", "전장", "전장"),                                       # after a suffix
    ("냉난방공조사업부는", "냉난방공조", "냉난방공조"),
    ("냉난방 공조사업부", "냉난방 공조", "냉난방공조"),                          # spaced variant
    ("전장용 반도체", "전장", "전장"), ("전장화 전략", "전장", "전장"),            # suffixes
    ("웹OS용 앱", "웹OS", "웹OS"), ("웹OS기반 모니터", "웹OS", "웹OS"),
    ("공감지능형 가전", "공감지능", "공감지능"),
    ("전장이었다는 사실", "전장", "전장"),
])
def test_terms_inside_noun_compounds_and_before_suffixes(text, surface, term):
    assert [(m.surface, m.term.source) for m in MATCHER.find(text)] == [(surface, term)]


def test_last_member_of_a_compound():
    m = TermMatcher([Term("구독", "subscription")])
    assert [(x.surface, x.start) for x in m.find("가전구독 매출")] == [("구독", 2)]


@pytest.mark.parametrize("text", [
    "전장치를 점검했다", "도전장을 던졌다", "작전장에 보냈다", "전장품", "전기차충전기 보급",
    "디지털화면", "구독자 수", "구독료를 내렸다", "충전기", "전기차충전소",
])
def test_a_span_that_cuts_a_morpheme_or_takes_another_suffix_is_refused(text):
    m = TermMatcher(TERMS + [Term("디지털화", "digitalization"), Term("구독", "subscription")])
    assert [x.term.source for x in m.find(text)
            if x.term.source in ("전장", "전기차 충전", "디지털화", "구독")] == []


@pytest.mark.parametrize("text, surface", [
    ("가전 서비스를 구독했다.", "구독했다"), ("정수기를 구독하는 고객", "구독하는"),
    ("구독하면 관리 서비스가", "구독하면"), ("구독하기를 망설이는", "구독하기"),
    ("구독됐다", None), ("구독을 늘렸다", None), ("구독형 상품", None),
])
def test_verb_terms_match_inflected_forms_via_the_lemma(text, surface):
    found_verbs = [s for s, t in verbs(text) if t == "구독하다"]
    assert found_verbs == ([surface] if surface else [])


def test_verb_and_noun_share_a_key_and_each_keeps_its_use():
    assert verbs("구독 상품을 구독한 고객은 공감하며 웃었다") == [
        ("구독", "구독"), ("구독한", "구독하다"), ("공감하며", "공감하다")]
    assert verbs("공감지능은 공감대를 넓힌다") == [("공감지능", "공감지능")]
    assert verbs("손을 내밀었다") == [("내밀었다", "내밀다")]


def test_compounds_false_keeps_the_term_to_a_word_of_its_own():
    m = TermMatcher([Term("전장", "vehicle components", compounds=False),
                     Term("공감하다", "empathize", compounds=False)])
    assert [x.surface for x in m.find("전장사업본부와 전장용 부품과 전장을")] == ["전장"]
    assert [x.surface for x in m.find("고객에 공감하며")] == ["공감하며"]  # inflection still


def test_particle_rule_yeses_that_are_word_endings_go_to_kiwi():
    m = TermMatcher([Term("일본", "Japan"), Term("부시", "Bush"), Term("이란", "Iran"),
                     Term("전장", "vehicle components")])
    assert [x.surface for x in m.find("일본인 관광객")] == []        # a Japanese, not Japan
    assert [x.surface for x in m.find("눈이 부시다.")] == []          # the verb 'dazzle'
    assert [x.surface for x in m.find("‘옥’이란 글자")] == []          # the particle 이란
    assert [x.surface for x in m.find("이란은 일본과 협상했다")] == ["이란", "일본"]
    assert [x.surface for x in m.find("전장인 셈이다")] == ["전장"]


def test_without_morphology_the_old_rule_holds_and_kiwi_is_not_asked():
    m = TermMatcher(TERMS + [Term("구독하다", "subscribe")], morphology=False)
    assert m.find("전장사업본부는 구독했다") == []
    assert [x.surface for x in m.find("전장을 봤다")] == ["전장"] and m.analysed == 0


def test_kiwi_only_for_sentences_with_a_doubtful_hit_each_once():
    m = TermMatcher(TERMS)
    m.find("전장을 키운다. 냉난방공조와 웹OS도.")          # particle rule decides all
    assert m.analysed == 0
    text = "전장사업본부. 냉난방공조사업부와 웹OS용 앱. 아무 용어 없음."
    assert [x.surface for x in m.find(text)] == ["전장", "냉난방공조", "웹OS"]
    assert m.analysed == 2                                # two of three sentences, once each


def test_what_the_readme_says_is_not_matched():
    m = TermMatcher([Term("탄소", "carbon"), Term("전기", "electricity"),
                     Term("내밀다", "hold out"), Term("돕다", "help"),
                     Term("구독", "subscription")])
    assert m.find("탈탄소 전략") == []                  # after a prefix
    assert m.find("전기차를 샀다") == []                # before a one-syllable noun
    assert m.find("손을 내미는 순간") == []             # ㄹ-dropping stem (Kiwi: 나/의/미/는)
    assert m.find("서로 도와 일한다") == []             # ㅂ-irregular stem
    assert m.find("정수기를 구독하는 고객") == []       # a noun entry is not its 하다 verb
    assert [x.surface for x in m.find("탄소 배출과 전기 요금")] == ["탄소", "전기"]


# ----------------------------------------------------------------- Kiwi only when a text needs it

VERB_LEMMAS = ["구독하다", "공감하다", "공감되다", "발전시키다", "자연스럽다", "평화롭다",
               "정답다", "아름답다", "내밀다", "지원하다", "출시하다", "확대되다", "선도하다",
               "깨끗하다", "사랑받다", "공격당하다"]


@pytest.mark.parametrize("lemma", VERB_LEMMAS)
def test_rule_key_agrees_with_kiwis_stem(lemma):
    """The automaton key is derived without Kiwi; it must not reach past where Kiwi cuts the
    stem, or inflections that fuse the suffix (했, 됐, 스러운) would not be found."""
    from glossary.morph import verb_key, verb_stem

    stem = verb_stem(lemma)
    assert stem is not None, lemma
    assert stem[0].startswith(verb_key(lemma) or "-")


def test_shipped_glossaries_verb_keys_agree_with_kiwi():
    from pathlib import Path

    from glossary import load_glossary
    from glossary.morph import verb_key, verb_stem

    root = Path(__file__).resolve().parents[1] / "resources"
    for path in [root / "glossary", *sorted((root / "termtest").glob("*.yaml"))]:
        for term in load_glossary(str(path)):
            for spelling in term.spellings:
                stem = verb_stem(spelling)
                if stem is not None:
                    assert stem[0].startswith(verb_key(spelling) or "-"), (path, spelling)


def test_nouns_ending_in_da_are_still_nouns():
    matcher = TermMatcher([Term("캐나다", "Canada"), Term("바다", "sea"),
                           Term("구독하다", "subscribe")])
    assert [m.surface for m in matcher.find("캐나다에서 바다를 보며 구독했다")] == [
        "캐나다", "바다", "구독했다"]
    assert matcher.find("구독") == []


def test_building_a_matcher_and_plain_text_never_load_kiwi():
    """The curated glossary (two verb entries) on the sample: no sentence needs Kiwi, so the
    process never imports it (about a second and 300 MB saved on a cold run)."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    code = ("import sys; sys.modules['kiwipiepy'] = None\n"
            "from glossary import TermMatcher, load_glossary\n"
            f"m = TermMatcher(load_glossary({str(root / 'resources/glossary')!r}))\n"
            f"text = open({str(root / 'resources/samples/lg-ai-strategy.ko.txt')!r}, "
            "encoding='utf-8').read()\n"
            "found = [x for line in text.splitlines() for x in m.find(line)]\n"
            "assert len(found) >= 10, found\n"
            "print(len(found))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=root, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
