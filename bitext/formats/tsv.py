"""TSV: one segment per line, for scripts and spreadsheets; read back for ``glossary check``.

Our own files (header ``index source translation terms qa``; older ones lack ``qa``) escape
backslash, tab and line breaks so a cell stays on one line; spreadsheets write no escapes, so
other TSV is read literally, with the source/translation columns taken from a header row when
there is one.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import TextIO

from bitext.errors import InputError
from bitext.formats.common import BilingualPair, Meta, qa_summary, term_summary
from bitext.records import AlignedSegment

NAME = "tsv"
EXTENSIONS = (".tsv",)
HEADER = ("index", "source", "translation", "terms", "qa")
OUR_COLUMNS = HEADER[:4]        # what marks our own (escaped) files, old ones without qa too
SOURCE_NAMES = frozenset({"source", "src", "ko", "korean", "한국어", "원문"})
TARGET_NAMES = frozenset({"translation", "target", "tgt", "en", "english", "영어", "번역",
                          "번역문"})

_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNESCAPES = {v[1]: k for k, v in _ESCAPES.items()}


def escape(text: str) -> str:
    """One cell on one line: backslash, tab, LF and CR become ``\\\\ \\t \\n \\r``."""
    return re.sub(r"[\\\t\n\r]", lambda m: _ESCAPES[m.group()], text)


def unescape(cell: str) -> str:
    """Inverse of :func:`escape`; an unknown ``\\x`` stays as written."""
    return re.sub(r"\\(.)", lambda m: _UNESCAPES.get(m.group(1), m.group()), cell)


def write(segments: list[AlignedSegment], stream: TextIO, meta: Meta) -> None:
    stream.write("\t".join(HEADER) + "\n")
    for seg in segments:
        terms = "; ".join(term_summary(r) for r in seg.terms)
        qa = "; ".join(qa_summary(q) for q in seg.qa)
        cells = (str(seg.index), seg.source, seg.translation, terms, qa)
        stream.write("\t".join(escape(c) for c in cells) + "\n")


def read(text: str, name: str) -> list[BilingualPair]:
    """Two columns (source, translation), or the columns a header row names."""
    rows = [(no, line.removesuffix("\r").split("\t"))
            for no, line in enumerate(text.split("\n"), 1) if line.strip()]
    src_col, tgt_col, ours = 0, 1, False
    if rows:
        cells = [c.strip().lower() for c in rows[0][1]]
        src = next((i for i, c in enumerate(cells) if c in SOURCE_NAMES), None)
        tgt = next((i for i, c in enumerate(cells) if c in TARGET_NAMES), None)
        if src is not None and tgt is not None:
            src_col, tgt_col, ours = src, tgt, tuple(cells[:4]) == OUR_COLUMNS
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
