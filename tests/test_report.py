"""The report's QA counts and the ``--fail-on`` gate, on real findings from ``check_pair``."""
from __future__ import annotations

import json

import pytest

from bitext.errors import InputError
from bitext.gate import FAIL_ON_CODES, describe, failing, parse_fail_on
from bitext.qa import CODES, check_pair
from bitext.records import AlignedSegment, TermRecord, TermStatus
from bitext.report import render_json, render_text, summarise


def vendor_segments() -> list[AlignedSegment]:
    rows = [
        ("올해 매출은 전년 대비 크게 늘어 10조원을 넘었다.", "Sales rose."),
        ("그는 \"좋다\"고 말했다.", "He said \"good."),
        ("삼성전자는 ABC 플랫폼을 새로 발표했다.", "Samsung Electronics announced a new platform."),
        ("구독 서비스를 시작했다.", "They started a membership service."),
    ]
    segs = [AlignedSegment(i, s, t, doc="vendor.tmx", line=10 * i, qa=check_pair(s, t))
            for i, (s, t) in enumerate(rows, 1)]
    segs[3].terms = [TermRecord("구독", "구독", 0, 2, "subscription", TermStatus.MISSED)]
    return segs


def test_counts_per_code_and_severity_and_errors_listed_with_their_place():
    report = summarise(vendor_segments())
    data = report.to_dict()
    assert set(data["qa"]) == set(CODES)
    assert data["qa"]["omission"] == {"error": 1, "warning": 0}
    assert data["qa"]["number"] == {"error": 1, "warning": 0}
    assert data["qa"]["punctuation"] == {"error": 1, "warning": 0}
    assert data["qa"]["latin-missing"] == {"error": 0, "warning": 1}
    assert [(p["line"], p["code"], p["text"]) for p in data["qa_problems"]] == [
        (10, "omission", "Sales rose."), (10, "number", "10조"), (20, "punctuation", '"')]
    assert data["problems"][0]["term"] == "구독"        # the term keys are unchanged


def test_render_text_keeps_the_first_line_and_adds_a_qa_line():
    text = render_text(summarise(vendor_segments())).splitlines()
    assert text[0] == ("terms: 1 found in 4 segments — 0 applied, 1 missed, "
                       "0 forbidden-present, 0 skipped-by-context")
    assert text[1] == ("qa: 3 errors (1 omission, 1 number, 1 punctuation), "
                       "1 warning (1 latin-missing)")
    assert "vendor.tmx:40: missed: 구독 → 'subscription'" in text
    assert ("vendor.tmx:10: qa number: 10조 (10,000,000,000,000) is not in the translation "
            "(source '10조')") in text
    assert any(line.startswith("vendor.tmx:10: qa omission: translation has") for line in text)
    assert not any("latin-missing" in line for line in text[2:])   # warnings counted only


def test_qa_line_without_findings_and_when_qa_was_off():
    report = summarise([AlignedSegment(1, "전장 사업이 성장했다.",
                                       "The vehicle components business grew.")])
    assert render_text(report).splitlines()[1] == "qa: 0 errors, 0 warnings"
    report.qa_checked = False
    assert "qa:" not in render_text(report)
    assert json.loads(render_json(report))["qa"] is None


def test_parse_fail_on():
    assert parse_fail_on("omission, Number,missed") == {"omission", "number", "missed"}
    assert parse_fail_on(None) == frozenset() and set(FAIL_ON_CODES) >= set(CODES)
    with pytest.raises(InputError) as e:
        parse_fail_on("omission,typo")
    assert str(e.value).startswith("--fail-on: unknown code(s) typo; choose from omission")
    assert "\n" not in str(e.value)


def test_failing_counts_any_severity_and_term_statuses():
    data = summarise(vendor_segments()).to_dict()
    assert failing(data, parse_fail_on("latin-missing,missed,repetition")) == {
        "latin-missing": 1, "missed": 1}
    assert failing(data, {"repetition", "forbidden-present"}) == {}
    assert describe({"omission": 2, "missed": 1}) == "--fail-on: 2 omission, 1 missed"
    assert failing({"status": {}, "qa": None}, {"omission"}) == {}   # QA turned off
