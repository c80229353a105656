"""TSV: one segment per row, for scripts and spreadsheets; read back for ``glossary check``.

Written as RFC 4180 readers expect with a tab for the comma (Python's ``csv`` dialect
``excel-tab``, ``pandas.read_csv(sep="\\t")``, spreadsheets): a cell holding a tab, a line
break or a double quote is put in double quotes with its quotes doubled, so a translation that
starts with ``"`` or has an unbalanced quote reads back exactly. Header ``index paragraph line
source translation terms qa confidence``.

Read back: our current files with the ``csv`` module; our older files (header ``index source
translation terms [qa]``) escaped backslash, tab and line breaks as ``\\\\ \\t \\n \\r`` and are
unescaped; other TSV (a spreadsheet's export, a vendor's file) is read literally, with the
source/translation columns taken from a header row when there is one.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from typing import TextIO

from bitext.errors import InputError
from bitext.formats.common import BilingualPair, Meta, qa_summary, term_summary
from bitext.records import AlignedSegment

NAME = "tsv"
EXTENSIONS = (".tsv",)
HEADER = ("index", "paragraph", "line", "source", "translation", "terms", "qa", "confidence")
OLD_COLUMNS = ("index", "source", "translation", "terms")   # escaped files, before quoting
SOURCE_NAMES = frozenset({"source", "src", "ko", "korean", "한국어", "원문"})
TARGET_NAMES = frozenset({"translation", "target", "tgt", "en", "english", "영어", "번역",
                          "번역문"})

OWN_LINE_ENDS = True   # every row ends in CRLF, whatever the input had (RFC 4180)
_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNESCAPES = {v[1]: k for k, v in _ESCAPES.items()}


def escape(text: str) -> str:
    """The old one-line cell: backslash, tab, LF and CR become ``\\\\ \\t \\n \\r``."""
    return re.sub(r"[\\\t\n\r]", lambda m: _ESCAPES[m.group()], text)


def unescape(cell: str) -> str:
    """Inverse of :func:`escape`; an unknown ``\\x`` stays as written."""
    return re.sub(r"\\(.)", lambda m: _UNESCAPES.get(m.group(1), m.group()), cell)


def confidence_cell(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def write(segments: list[AlignedSegment], stream: TextIO, meta: Meta) -> None:
    # CRLF, as RFC 4180 has it: with "\n" the csv module would leave a lone "\r" unquoted
    out = csv.writer(stream, dialect="excel-tab", lineterminator="\r\n")
    out.writerow(HEADER)
    for seg in segments:
        out.writerow((seg.index, seg.paragraph, "" if seg.line is None else seg.line,
                      seg.source, seg.translation, "; ".join(term_summary(r) for r in seg.terms),
                      "; ".join(qa_summary(q) for q in seg.qa), confidence_cell(seg.confidence)))


def read(text: str, name: str) -> list[BilingualPair]:
    """Two columns (source, translation), or the columns a header row names."""
    first = text.split("\n", 1)[0].removesuffix("\r").split("\t")
    if tuple(c.strip().lower() for c in first[:5]) == HEADER[:5]:
        return _read_quoted(text, name)
    return _read_plain(text, name)


def _read_quoted(text: str, name: str) -> list[BilingualPair]:
    """Our current files: RFC 4180 quoting, a row may span lines (``line`` is where it
    starts)."""
    reader = csv.reader(io.StringIO(text, newline=""), dialect="excel-tab", strict=True)
    pairs = []
    start = 1
    limit = csv.field_size_limit(max(len(text), 131072))   # a cell may be the whole file
    try:
        next(reader)
        start = reader.line_num + 1
        for cells in reader:
            if any(c.strip() for c in cells):
                if len(cells) < 5:
                    raise InputError(f"expected at least 5 tab-separated columns, found "
                                     f"{len(cells)}", name, start)
                pairs.append(BilingualPair(cells[3], cells[4], start))
            start = reader.line_num + 1
    except csv.Error as e:
        raise InputError(f"bad quoting: {e}", name, start) from None
    finally:
        csv.field_size_limit(limit)
    return pairs


def _read_plain(text: str, name: str) -> list[BilingualPair]:
    rows = [(no, line.removesuffix("\r").split("\t"))
            for no, line in enumerate(text.split("\n"), 1) if line.strip()]
    src_col, tgt_col, ours = 0, 1, False
    if rows:
        cells = [c.strip().lower() for c in rows[0][1]]
        src = next((i for i, c in enumerate(cells) if c in SOURCE_NAMES), None)
        tgt = next((i for i, c in enumerate(cells) if c in TARGET_NAMES), None)
        if src is not None and tgt is not None:
            src_col, tgt_col, ours = src, tgt, tuple(cells[:4]) == OLD_COLUMNS
            rows = rows[1:]
    cell: Callable[[str], str] = unescape if ours else (lambda c: c)
    need = max(src_col, tgt_col) + 1
    pairs = []
    for no, cells in rows:
        if len(cells) < need:
            raise InputError(f"expected at least {need} tab-separated columns, found "
                             f"{len(cells)}", name, no)
        pairs.append(BilingualPair(cell(cells[src_col]), cell(cells[tgt_col]), no))
    return pairs
