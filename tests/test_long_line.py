"""A multi-megabyte single line (issue 18, item 10) is cut before analysis, with a warning.

Kiwi analyses some 25,000 characters a second and holds the line whole: a 50 MB line took
minutes and a gigabyte.  These tests make Kiwi unavailable to prove it is never asked.
"""
from __future__ import annotations

import time

import pytest

import translate.segment as segment
from translate.segment import MAX_CHARS, MAX_LINE_CHARS, cut_long, segment_text


@pytest.fixture
def no_kiwi(monkeypatch):
    def refuse():
        raise AssertionError("Kiwi was asked to analyse a huge line")
    monkeypatch.setattr(segment, "kiwi", refuse)


def test_multi_megabyte_line_is_segmented_in_seconds_without_kiwi(no_kiwi):
    sentence = "전장 부품 사업의 매출은 작년보다 늘었다. "
    line = sentence * (3_000_000 // len(sentence))          # 3 MB of text, no line break
    start = time.monotonic()
    segments = segment_text(f"{line}\n")
    assert time.monotonic() - start < 10
    assert len(segments) == line.count(". ")
    assert {s.source for s in segments} == {sentence.strip()}
    assert segments[0].notes == (f"line of {len(line):,} characters (over {MAX_LINE_CHARS:,}) "
                                 "split at punctuation only, without sentence analysis",)


def test_huge_line_without_punctuation_is_cut_to_the_sentence_limit(no_kiwi):
    line = "가나다라 " * 1_000_000                           # 5 MB, one "sentence"
    start = time.monotonic()
    segments = segment_text(line)
    assert time.monotonic() - start < 10
    assert max(len(s.source) for s in segments) <= MAX_CHARS
    assert " ".join(s.source for s in segments) == line.strip()
    assert all(len(s.notes) == 2 for s in segments)


def test_cut_long_is_linear_on_a_run_without_spaces():
    text = "가" * 5_000_000
    start = time.monotonic()
    pieces = cut_long(text)
    assert time.monotonic() - start < 5
    assert "".join(pieces) == text and len(pieces) == 5_000_000 // MAX_CHARS


def test_ordinary_lines_still_go_to_kiwi(monkeypatch):
    calls = []
    real = segment.kiwi

    def counting():
        calls.append(1)
        return real()
    monkeypatch.setattr(segment, "kiwi", counting)
    segments = segment_text("첫 문장이다. 둘째 문장이다.\n")
    assert [s.source for s in segments] == ["첫 문장이다.", "둘째 문장이다."]
    assert calls and segments[0].notes == ()
