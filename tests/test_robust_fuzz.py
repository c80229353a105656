"""Mutated real files, one property per format: reading and writing a damaged file ends in a
one-line ``InputError`` or in a file, never in another exception (a traceback, exit 3).

Each property starts from a committed fixture another tool wrote and applies one damage a
user's file really suffers (cut short, a byte changed, a markup character or NUL inserted, a
stretch deleted, line ends converted, re-encoded) before the copy-engine round trip. Mutated
inputs that still parse must also come back: the output is read again by the same module.
Under CI the examples are derandomized (``tests/conftest.py``); each property is sized to run
in a few seconds.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from copyengine import identity_round_trip
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bitext.errors import InputError
from documents.model import DocumentOptions
from documents.registry import read_document

FIXTURES = Path(__file__).parent / "fixtures"
INLINE_TXT = "공감지능은 일상을 바꾼다.\r\n\r\n  LG전자 {name}님\n".encode()
INLINE_VTT = ("WEBVTT\n\nNOTE 메모\n\nintro\n00:00:01.000 --> 00:00:03.500 line:90%\n"
              "<v 진행자>안녕하세요, <i>여러분</i>.\n\n00:00:04.000 --> 00:00:06.000\n"
              "공감지능을 소개합니다.\n").encode()

INLINE_SEG_XLF = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" '
    'version="1.2">\n<file original="a" source-language="ko" target-language="en" '
    'datatype="html"><body>\n<trans-unit id="1"><source>공개했다. 자세한 내용은 <g id="1">홈'
    '</g>에서.</source>\n<seg-source><mrk mtype="seg" mid="1">공개했다.</mrk> <mrk mtype="seg" '
    'mid="2">자세한 내용은 <g id="1">홈</g>에서.</mrk></seg-source></trans-unit>\n'
    '<trans-unit id="2"><source>가격은 <bpt id="2">[</bpt>10만<ept id="2">]</ept>원</source>'
    '</trans-unit>\n</body></file></xliff>\n').encode()

CASES = [
    ("xliff/ko-en-press.xlf", None),
    ("xliff/ko-en-press.sdlxliff", None),
    ("xliff/ko-en-press.mqxliff", None),
    ("xliff/oasis-xliff2-ex.14.5.xlf", DocumentOptions(source_lang="en", target_lang="pt")),
    ("po/press-ko.po", None),
    ("docx/press-release.docx", None),
    ("htmlmd/httpd-ko-bind.html", None),
    ("htmlmd/k8s-ko-names.md", None),
    ("subtitles/interview.ko.srt", None),
    ("appstrings/i18next.ko.json", None),
    ("appstrings/rails-own.ko.yml", None),
    ("inline.txt", None),
    ("inline.vtt", None),
    ("inline-seg.xlf", None),
]
EXAMPLES = int(os.environ.get("KOEN_FUZZ_EXAMPLES", "30"))   # more for a long local hunt
INSERTS = [b"\x00", b"<", b"&", b'"', b"'", b"{", b"}", b"[", b"\r", b"\xff", b"\xed\xa0\x80",
           b"]]>", b"<!--", b"---\n", b"\n\n", b"`", b"-->", b"\\", b"%", b"*", b"\t", b"#"]


def _data(case: str) -> bytes:
    if case == "inline.txt":
        return INLINE_TXT
    if case == "inline.vtt":
        return INLINE_VTT
    if case == "inline-seg.xlf":
        return INLINE_SEG_XLF
    return (FIXTURES / case).read_bytes()


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    kind = draw(st.sampled_from(["cut", "flip", "insert", "delete", "crlf", "cr", "utf16",
                                 "twice"]))
    at = draw(st.integers(0, len(data) - 1))
    if kind == "cut":
        return data[:at]
    if kind == "flip":
        return data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1:]
    if kind == "insert":
        return data[:at] + draw(st.sampled_from(INSERTS)) + data[at:]
    if kind == "delete":
        return data[:at] + data[at + draw(st.integers(1, 300)):]
    if kind == "crlf":
        return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if kind == "cr":
        return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r")
    if kind == "utf16":
        try:
            return data.decode("utf-8-sig").encode(draw(st.sampled_from(
                ["utf-16", "utf-16-le", "utf-16-be"])))
        except UnicodeDecodeError:
            return data
    return data + data


@pytest.mark.parametrize("case, options", CASES, ids=[c for c, _ in CASES])
def test_a_damaged_file_is_one_line_or_a_file(case, options):
    data = _data(case)
    name = Path(case).name

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(mutated(data))
    def check(damaged: bytes) -> None:
        try:
            result = identity_round_trip(damaged, name, options=options)
        except InputError as e:
            assert "\n" not in str(e)
            return
        read_document(result.data, name, options=options)   # what we wrote reads back

    check()
