"""What several formats share: run metadata, term summaries, highlighting, the read-back pair.

Kept apart from any one format so that each format module holds only its own syntax.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata
from itertools import groupby
from typing import TypeVar

from bitext.qa.issue import QAIssue
from bitext.records import AlignedSegment, TermRecord, TermStatus

TOOL = "koen-terminology"
MARK = {TermStatus.MISSED: "⚠", TermStatus.FORBIDDEN: "⚠"}
QA_MARK = {"error": "⛔", "warning": "⚠"}
Span = tuple[int, int, TermStatus]
K = TypeVar("K")


def tool_version() -> str:
    """The installed distribution's version: pyproject.toml is the one place it is set."""
    try:
        return metadata.version(TOOL)
    except metadata.PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True)
class Meta:
    """What every format may record about the run; unknown keys are a caller's typo."""

    source_lang: str = "ko"
    target_lang: str = "en"
    tool_version: str | None = None
    glossary_name: str | None = None
    signature: str | None = None     # what produced the output (model, glossary, options)

    @property
    def version(self) -> str:
        return self.tool_version or tool_version()


@dataclass(frozen=True)
class BilingualPair:
    """A source/translation pair read back from a bilingual file (human or machine)."""

    source: str
    translation: str
    line: int | None = None     # 1-based line in the bilingual file, for messages
    doc: str = ""               # document named inside the file ("" when it names none)
    untranslated: bool = False  # the file says the target is still to be translated


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def term_summary(rec: TermRecord) -> str:
    """``공감지능=Affectionate Intelligence:applied`` (with the forbidden rendering found)."""
    found = f"[{rec.found}]" if rec.found else ""
    return f"{rec.source}={rec.target}:{rec.status.value}{found}"


def qa_summary(issue: QAIssue) -> str:
    """``omission:error``: the compact form for a cell (TSV) where the message does not fit."""
    return f"{issue.code}:{issue.severity}"


def qa_message(issue: QAIssue) -> str:
    """``number:error: 10조 (…) is not in the translation``: a finding for a person."""
    return f"{qa_summary(issue)}: {issue.message}"


def confidence_text(seg: AlignedSegment) -> str:
    """``0.83`` (two decimals), or ``""`` for a segment that has none (a human translation)."""
    return "" if seg.confidence is None else f"{seg.confidence:.2f}"


def confidence_note(seg: AlignedSegment) -> str | None:
    """``confidence 0.83``: the note XLIFF 1.2 and PO writers carry (XLIFF 1.2's
    ``match-quality`` exists only on ``<alt-trans>``), None without a confidence."""
    return None if seg.confidence is None else f"confidence {seg.confidence:.2f}"


def confidence_band(seg: AlignedSegment) -> str | None:
    """``high`` (≥ 0.7), ``medium`` (≥ 0.4) or ``low``: the shade a review page gives a row.
    Fixed bands, not the model's thresholds, so pages from different models look alike."""
    if seg.confidence is None:
        return None
    return "high" if seg.confidence >= 0.7 else "medium" if seg.confidence >= 0.4 else "low"


def has_qa_error(seg: AlignedSegment) -> bool:
    return any(q.severity == "error" for q in seg.qa)


def paragraphs(segments: Iterable[AlignedSegment]
               ) -> Iterator[tuple[str, int, list[AlignedSegment]]]:
    """Consecutive segments of one (doc, paragraph), in input order."""
    for (doc, para), group in groupby(segments, key=lambda s: (s.doc, s.paragraph)):
        yield doc, para, list(group)


def source_spans(seg: AlignedSegment) -> list[Span]:
    """Where each term record sits in the Korean (its own offsets), if they fit the text."""
    return [(r.start, r.end, r.status) for r in seg.terms
            if 0 <= r.start < r.end <= len(seg.source)]


def target_spans(seg: AlignedSegment) -> list[Span]:
    """Where the English renders each term, as the check recorded it."""
    return [(r.target_start, r.target_end, r.status) for r in seg.terms
            if r.target_start is not None and r.target_end is not None
            and 0 <= r.target_start < r.target_end <= len(seg.translation)]


def qa_spans(seg: AlignedSegment, side: str) -> list[tuple[int, int, QAIssue]]:
    """Where each QA finding sits in the ``side`` text (``source`` Korean, ``target`` English).

    A finding about the whole text (an omission, an empty translation) is left out: marking
    the whole cell would hide the term marks inside it, and the QA column lists it anyway.
    """
    text = seg.source if side == "source" else seg.translation
    return [(q.start, q.end, q) for q in seg.qa
            if q.side == side and 0 <= q.start < q.end <= len(text)
            and not (q.start == 0 and q.end == len(text))]


def highlight(text: str, spans: list[tuple[int, int, K]], escape: Callable[[str], str],
              wrap: Callable[[str, K], str]) -> str:
    """Escape ``text`` and wrap each span; overlapping spans keep the first (leftmost).

    The span's third item (a term status, a QA finding) goes to ``wrap`` so one pass marks
    terms and findings together; on equal spans the one listed first wins (a stable sort, so
    the output does not depend on hashing)."""
    out, pos = [], 0
    for start, end, status in sorted(dict.fromkeys(spans), key=lambda s: (s[0], -s[1])):
        if start < pos:
            continue
        out += [escape(text[pos:start]), wrap(escape(text[start:end]), status)]
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


def marked(seg: AlignedSegment, side: str, escape: Callable[[str], str],
           wrap: Callable[[str, TermStatus | QAIssue], str]) -> str:
    """One side's text (``source`` or ``target``) with its term and QA marks; terms are listed
    first, so a term wins a tie with a finding on the same span."""
    terms = source_spans(seg) if side == "source" else target_spans(seg)
    spans: list[tuple[int, int, TermStatus | QAIssue]] = [*terms, *qa_spans(seg, side)]
    return highlight(seg.source if side == "source" else seg.translation, spans, escape, wrap)
