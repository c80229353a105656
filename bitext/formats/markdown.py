"""Markdown: a table per paragraph for a person reviewing terminology in a PR or a wiki.

Terms in **bold**, missed and forbidden ones flagged ⚠; every Markdown metacharacter is
escaped so a translation can never break the table or inject markup.
"""
from __future__ import annotations

import re
from typing import TextIO

from bitext.formats.common import (MARK, Meta, highlight, paragraphs, source_spans,
                                   target_spans, term_summary)
from bitext.records import AlignedSegment, TermRecord, TermStatus

NAME = "md"
EXTENSIONS = (".md", ".markdown")
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#!])")
_BREAK = re.compile(r"\r\n|\r|\n")


def escape(text: str) -> str:
    """Literal text in a Markdown table cell: punctuation escaped, line breaks as ``<br>``."""
    return _BREAK.sub("<br>", _SPECIAL.sub(r"\\\1", text))


def _wrap(text: str, status: TermStatus) -> str:
    return f"**{text}**{MARK.get(status, '')}"


def _flag(rec: TermRecord) -> str:
    return MARK[rec.status] + " " if rec.status in MARK else ""


def _terms(seg: AlignedSegment) -> str:
    return "<br>".join(_flag(r) + escape(term_summary(r)) for r in seg.terms)


def write(segments: list[AlignedSegment], stream: TextIO, meta: Meta) -> None:
    title = f"# Translation {meta.source_lang} → {meta.target_lang}"
    stream.write(title + (f" (glossary: {escape(meta.glossary_name)})" if meta.glossary_name
                          else "") + "\n")
    for doc, para, segs in paragraphs(segments):
        where = f"{escape(doc)}, paragraph {para}" if doc else f"Paragraph {para}"
        stream.write(f"\n## {where}\n\n| # | Korean | English | terms |\n|---|---|---|---|\n")
        for seg in segs:
            ko = highlight(seg.source, source_spans(seg), escape, _wrap)
            en = highlight(seg.translation, target_spans(seg), escape, _wrap)
            stream.write(f"| {seg.index} | {ko} | {en} | {_terms(seg)} |\n")
