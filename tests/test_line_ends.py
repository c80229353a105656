"""CRLF in, CRLF out where a person reads the output back (issue 18, item 20).

Markdown and HTML follow the input's line ends; TSV rows always end in CRLF, as RFC 4180 and
spreadsheets have them (so a lone CR inside a cell is quoted); TMX, XLIFF and JSONL stay LF,
as XML and JSON readers expect (XML parsers turn CRLF into LF anyway).
"""
from __future__ import annotations

import pytest

from bitext.files import decode, newline_of
from bitext.formats import read_bilingual
from koen.cli import main

TEXT = "전장 사업과 구독 서비스.\r\n\r\n사이니지 매출이 늘었다.\r\n"


@pytest.mark.parametrize(("text", "newline"), [
    ("가\r\n나\n", "\r\n"), ("가\n나\r\n", "\n"), ("가", "\n"), ("가\r나\r", "\n"),
    ("\n가\r\n", "\n"),
])
def test_the_first_line_end_decides(text, newline):
    assert newline_of(text) == newline
    assert decode(text.encode(), "x").newline == newline


@pytest.mark.parametrize(("fmt", "ends"), [("tsv", "\r\n"), ("md", "\r\n"), ("html", "\r\n"),
                                           ("tmx", "\n"), ("xliff", "\n"), ("jsonl", "\n")])
def test_crlf_input_comes_back_crlf_in_formats_people_read(fmt, ends, tiny_model, tmp_path,
                                                           capsys):
    source = tmp_path / "windows.txt"
    source.write_bytes(TEXT.encode("utf-8"))
    out = tmp_path / f"out.{fmt}"
    assert main([str(source), "-o", str(out), "--format", fmt, "--model", str(tiny_model),
                 "--beam", "1", "-q"]) == 0
    data = out.read_bytes()
    lines = data.count(b"\n")
    assert lines >= 2
    assert data.count(b"\r\n") == (lines if ends == "\r\n" else 0)
    assert b"\r\r" not in data


def test_crlf_tsv_reads_back(tiny_model, tmp_path, capsys):
    source = tmp_path / "windows.txt"
    source.write_bytes(TEXT.encode("utf-8"))
    out = tmp_path / "out.tsv"
    assert main([str(source), "-o", str(out), "--model", str(tiny_model), "--beam", "1",
                 "-q"]) == 0
    pairs = read_bilingual(out)
    assert [p.source for p in pairs] == ["전장 사업과 구독 서비스.", "사이니지 매출이 늘었다."]
    assert all("\r" not in p.translation for p in pairs)


def test_lf_input_stays_lf_and_tsv_is_always_crlf(tiny_model, tmp_path, capsys):
    source = tmp_path / "unix.txt"
    source.write_bytes(TEXT.replace("\r\n", "\n").encode("utf-8"))
    for name in ("out.md", "out.tsv"):
        out = tmp_path / name
        assert main([str(source), "-o", str(out), "--model", str(tiny_model), "--beam", "1",
                     "-q"]) == 0
        data = out.read_bytes()
        if name == "out.md":
            assert b"\r" not in data
        else:
            assert data.count(b"\r\n") == data.count(b"\n") >= 2 and b"\r\r" not in data
