"""Regressions found by feeding the format modules real and mutilated files (branch robust).

Each test is one input that used to end in a traceback (exit 3) instead of a one-line
``file:line: message`` (``InputError``, exit 2). The inputs are made from the committed
fixtures or written inline.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from copyengine import identity_round_trip

from bitext.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures"


def _cut(data: bytes, start: int, length: int) -> bytes:
    return data[:start] + data[start + length:]


@pytest.mark.parametrize("name", ["word-like.docx", "press-release.docx"])
def test_docx_with_bytes_cut_from_the_middle_is_one_line(name):
    # Bytes cut out before the central directory make its offsets point before the file's
    # start: zipfile raised "ValueError: negative seek value" from inside the entry read.
    data = (FIXTURES / "docx" / name).read_bytes()
    for start in range(len(data) // 8, len(data) - 200, len(data) // 8):
        mutilated = _cut(data, start, 43)
        try:
            identity_round_trip(mutilated, name)
        except InputError as e:
            assert "\n" not in str(e)
