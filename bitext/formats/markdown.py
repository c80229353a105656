"""Markdown: a table per paragraph for a person reviewing terminology in a PR or a wiki.

Terms in **bold**, missed and forbidden ones flagged ⚠; QA findings in *italics* on their span,
flagged ⛔ (error) or ⚠ (warning), and listed with their message in the ``qa`` column; the
confidence has its own column, shaded 🟥 under 0.4 and 🟨 under 0.7.  Every Markdown
metacharacter is escaped so a translation can never break the table or inject markup.
"""
from __future__ import annotations

import re
from typing import TextIO

from bitext.formats.common import (
    MARK,
    QA_MARK,
    Meta,
    confidence_band,
    confidence_text,
    marked,
    paragraphs,
    qa_message,
    term_summary,
)
from bitext.qa.issue import QAIssue
from bitext.records import AlignedSegment, TermRecord, TermStatus

NAME = "md"
EXTENSIONS = (".md", ".markdown")
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#!])")
_BREAK = re.compile(r"\r\n|\r|\n")


def escape(text: str) -> str:
    """Literal text in a Markdown table cell: punctuation escaped, line breaks as ``<br>``."""
    return _BREAK.sub("<br>", _SPECIAL.sub(r"\\\1", text))


def _wrap(text: str, mark: TermStatus | QAIssue) -> str:
    if isinstance(mark, QAIssue):
        return f"*{text}*{QA_MARK[mark.severity]}"
    return f"**{text}**{MARK.get(mark, '')}"


def _flag(rec: TermRecord) -> str:
    return MARK[rec.status] + " " if rec.status in MARK else ""


def _terms(seg: AlignedSegment) -> str:
    return "<br>".join(_flag(r) + escape(term_summary(r)) for r in seg.terms)


def _qa(seg: AlignedSegment) -> str:
    return "<br>".join(f"{QA_MARK[q.severity]} {escape(qa_message(q))}" for q in seg.qa)


def _confidence(seg: AlignedSegment) -> str:
    """The number, with a shade a plain-text table can show: 🟥 under 0.4, 🟨 under 0.7."""
    band = confidence_band(seg)
    return confidence_text(seg) + {"low": " 🟥", "medium": " 🟨"}.get(band or "", "")


def write(segments: list[AlignedSegment], stream: TextIO, meta: Meta) -> None:
    title = f"# Translation {meta.source_lang} → {meta.target_lang}"
    stream.write(title + (f" (glossary: {escape(meta.glossary_name)})" if meta.glossary_name
                          else "") + "\n")
    for doc, para, segs in paragraphs(segments):
        where = f"{escape(doc)}, paragraph {para}" if doc else f"Paragraph {para}"
        stream.write(f"\n## {where}\n\n| # | Korean | English | terms | qa | confidence |\n"
                     "|---|---|---|---|---|---|\n")
        for seg in segs:
            stream.write(f"| {seg.index} | {marked(seg, 'source', escape, _wrap)} "
                         f"| {marked(seg, 'target', escape, _wrap)} "
                         f"| {_terms(seg)} | {_qa(seg)} | {_confidence(seg)} |\n")
