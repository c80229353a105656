"""What several formats share: run metadata, term summaries, highlighting, the read-back pair.

Kept apart from any one format so that each format module holds only its own syntax.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata
from itertools import groupby

from bitext.records import AlignedSegment, TermRecord, TermStatus

TOOL = "koen-terminology"
MARK = {TermStatus.MISSED: "⚠", TermStatus.FORBIDDEN: "⚠"}
Span = tuple[int, int, TermStatus]


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


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def term_summary(rec: TermRecord) -> str:
    """``공감지능=Affectionate Intelligence:applied`` (with the forbidden rendering found)."""
    found = f"[{rec.found}]" if rec.found else ""
    return f"{rec.source}={rec.target}:{rec.status.value}{found}"


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


def highlight(text: str, spans: list[Span], escape: Callable[[str], str],
              wrap: Callable[[str, TermStatus], str]) -> str:
    """Escape ``text`` and wrap each span; overlapping spans keep the first (leftmost)."""
    out, pos = [], 0
    for start, end, status in sorted(set(spans), key=lambda s: (s[0], -s[1])):
        if start < pos:
            continue
        out += [escape(text[pos:start]), wrap(escape(text[start:end]), status)]
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)
