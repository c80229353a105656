"""Bytes of a text-based document to text and back, so that an untouched file comes back
byte for byte.

``bitext.files.decode`` normalises to NFC, which is right for sentences but would rewrite
an NFD file that nobody translated; here the text is kept as read (only a UTF-8 BOM is set
aside and put back), and format modules normalise the unit text they hand the layer. Files
that are not UTF-8 (CP949/EUC-KR subtitles are still common, UTF-16 with a BOM) are decoded
by ``bitext.files.decode`` and written back as UTF-8, with a warning: the English does not
need a Korean code page, and the HTML decision (``euc-kr`` read, UTF-8 written) is the same.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bitext.files import decode

BOM = "\ufeff"


@dataclass(frozen=True)
class TextData:
    text: str                 # the file's text, BOM removed, nothing else changed
    bom: bool                 # a UTF-8 BOM was there and goes back
    warning: str | None       # set when the file was not UTF-8 (written back as UTF-8)

    def encode(self, text: str) -> bytes:
        return ((BOM if self.bom else "") + text).encode("utf-8")


def read_text_data(data: bytes, name: str) -> TextData:
    """UTF-8 (with or without BOM) kept exactly; else CP949 / UTF-16 through ``decode``."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        decoded = decode(data, name)   # InputError with file:line when it is not text
        return TextData(decoded.text, False,
                        f"{decoded.notice}; written back as UTF-8")
    if "\x00" in text:
        decode(data, name)             # raises the one-line "binary file" error
    bom = text.startswith(BOM)
    return TextData(text[1:] if bom else text, bom, None)


def line_of(text: str, offset: int) -> int:
    """1-based line number of a character offset."""
    return text.count("\n", 0, offset) + 1


LINE_END = re.compile(r"\r\n|\n|\r")


def split_lines(text: str) -> list[tuple[int, int, str]]:
    """Each line as (start, end, newline): offsets without its line end, which is kept
    (CRLF, LF or CR, as the file has it; "" for a last line without one)."""
    out: list[tuple[int, int, str]] = []
    pos = 0
    for m in LINE_END.finditer(text):
        out.append((pos, m.start(), m.group()))
        pos = m.end()
    if pos < len(text):
        out.append((pos, len(text), ""))
    return out
