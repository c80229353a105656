"""Each segment check on real Korean examples, with the false positives it must not raise."""
import pytest

from bitext.qa import CODES, QAIssue, check_pair
from bitext.qa.length import LengthModel, default_length_model


def codes_of(source, translation, **kw):
    return [(i.code, i.severity) for i in check_pair(source, translation, **kw)]


# --- the record ------------------------------------------------------------------------------
def test_issue_round_trips_and_validates():
    issue = QAIssue("number", "error", "source", 3, 5, "10 is missing")
    assert QAIssue.from_dict(issue.to_dict()) == issue
    with pytest.raises(ValueError):
        QAIssue("nonsense", "error", "source", 0, 0, "")
    with pytest.raises(ValueError):
        QAIssue("number", "error", "source", 5, 3, "")


def test_unknown_code_is_refused():
    with pytest.raises(ValueError, match="unknown QA code"):
        check_pair("가", "a", codes=["typo"])


def test_codes_restrict_the_checks():
    assert codes_of("매출이 10% 늘었다?", "Sales", codes=["number"]) == [("number", "error")]


# --- omission --------------------------------------------------------------------------------
SOURCE = "조 대표는 공감지능이 고객을 배려하는 AI라고 설명했다."


def test_shipped_length_model_is_calibrated():
    model = default_length_model()
    assert 1.5 < model.per_hangul < 3.5 and model.fitted["train_pairs"] > 50000
    # short sentences get more room than long ones
    assert model.floor(15) < model.floor(200)


def test_truncated_translation_is_an_omission():
    source = ("페르난도 핀토 모테이로 법무장관 사무실은 14개월간 진행된 매들린 실종사건 조사에서 "
              "용의자 3명에서 아무런 범죄 증거가 발견되지 않았다고 밝혔다.")
    assert ("omission", "error") in codes_of(source, "Madeleine's parents.")


def test_faithful_translation_is_no_omission():
    assert codes_of(SOURCE, "CEO Cho explained that Affectionate Intelligence is AI that cares "
                            "for customers.") == []


def test_much_shorter_than_draft_is_an_omission():
    draft = "CEO Cho explained that empathy intelligence is an AI that cares about customers."
    assert codes_of(SOURCE, "CEO Cho explained Affectionate Intelligence.", draft=draft,
                    codes=["omission"]) == [("omission", "error")]
    assert codes_of(SOURCE, "CEO Cho explained that Affectionate Intelligence is an AI that "
                            "cares about customers.", draft=draft) == []


def test_short_source_is_not_judged():
    assert codes_of("네.", "Yes.") == []


def test_empty_translation_is_an_omission():
    assert codes_of(SOURCE, "  ") == [("omission", "error")]


def test_custom_length_model():
    strict = LengthModel(per_hangul=5.0, per_other=1.0, offset=0.0, spread=0.0)
    assert ("omission", "error") in codes_of(SOURCE, "CEO Cho explained that Affectionate "
                                                     "Intelligence is AI.", length_model=strict)


# --- untranslated / latin-missing ------------------------------------------------------------
def test_hangul_left_in_english():
    translation = "LG Electronics put 공감지능 first."
    issues = check_pair("LG전자는 공감지능을 앞세웠다.", translation, codes=["untranslated"])
    assert [(i.code, translation[i.start:i.end]) for i in issues] == [("untranslated", "공감지능")]
    assert check_pair("LG", "LG 전자", codes=["untranslated"]) == []   # no Korean source


def test_latin_tokens_must_survive():
    source = "LG전자는 CES 2024에서 webOS와 B2B 사업을 소개했다."
    assert codes_of(source, "LG Electronics presented its WebOS and B2B business at CES 2024.") \
        == []
    issues = check_pair(source, "LG presented its platform and business at CES 2024.",
                        codes=["latin-missing"])
    assert [source[i.start:i.end] for i in issues] == ["webOS", "B2B"]


def test_latin_token_after_korean_may_end_a_word():
    assert codes_of("웹OS와 웹 OS를 탑재했다.", "It runs webOS.", codes=["latin-missing"]) == []
    assert codes_of("웹OS를 탑재했다.", "It runs the OS2 system.", codes=["latin-missing"]) \
        == [("latin-missing", "warning")]


def test_latin_false_positives():
    # a gloss after the Korean name, units spelled out, plurals
    assert codes_of("세계무역기구(WTO)는 10km 구간의 CEO 3명을 불렀다.",
                    "The World Trade Organization called three CEOs along a 10-kilometre "
                    "stretch.", codes=["latin-missing"]) == []


# --- repetition ------------------------------------------------------------------------------
@pytest.mark.parametrize("translation", [
    "Infection Infection Infectory is spreading.",
    "…, which Alzheimer's, Alzheimer's, and even death, …",
    "The company said the company said that sales rose.",
])
def test_loops_are_repetition(translation):
    assert ("repetition", "error") in codes_of("알츠하이머 연구", translation,
                                               codes=["repetition"])


@pytest.mark.parametrize("translation", [
    "Prices rose step by step, more and more, again and again.",
    "It was very, very cold and what he had had was gone.",
    "He said that that was the plan, bye-bye.",
    "The national nationalist movement grew.",
    "Sales were 10 10 percent higher.",
])
def test_legitimate_repeats_pass(translation):
    assert codes_of("가격이 조금씩 올랐다", translation, codes=["repetition"]) == []


# --- punctuation -----------------------------------------------------------------------------
def test_quote_never_closed():
    source = '그는 "공감지능은 고객 경험을 위한 것"이라고 말했다.'
    issues = check_pair(source, 'He said, "The Affectionate Intelligence.', codes=["punctuation"])
    assert [(i.severity, i.side) for i in issues] == [("error", "target")]
    assert check_pair(source, 'He said, "Affectionate Intelligence is for customer experience."',
                      codes=["punctuation"]) == []


def test_brackets_and_curly_quotes():
    assert codes_of("가(나)", "A (B", codes=["punctuation"]) == [("punctuation", "error")]
    assert codes_of("가", "A “b” [c] (d)", codes=["punctuation"]) == []
    assert codes_of("가", "called a ”concerted campaign”.", codes=["punctuation"]) == []


def test_quote_spanning_segments_is_not_flagged():
    # the source opens a quote it does not close: the translation may do the same
    assert codes_of('그는 "공감지능은 고객을 위한 것', 'He said, "It is for customers',
                    codes=["punctuation"]) == []


def test_question_and_quotation_lost():
    found = codes_of("공감지능이란 무엇일까?", "What Affectionate Intelligence is.",
                     codes=["punctuation"])
    assert found == [("punctuation", "warning")]
    found = codes_of("조 대표는 “고객이 먼저”라고 말했다.", "Cho put customers first.",
                     codes=["punctuation"])
    assert found == [("punctuation", "warning")]
    # single quotes in Korean mark a name: English drops them
    assert codes_of("LG전자는 '공감지능'을 소개했다.", "LG introduced Affectionate Intelligence.",
                    codes=["punctuation"]) == []


# --- the whole --------------------------------------------------------------------------------
def test_output_is_sorted_and_deterministic():
    source = 'LG전자는 "CES 2024"에서 10조원을 투자한다고 했다?'
    translation = 'LG LG 전자 "said'
    first = check_pair(source, translation)
    assert first == check_pair(source, translation)
    assert first == sorted(first, key=QAIssue.sort_key)
    assert {i.code for i in first} >= {"number", "untranslated", "latin-missing", "repetition",
                                        "punctuation", "omission"}
    assert set(CODES) == {i.code for i in first}
