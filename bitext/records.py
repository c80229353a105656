"""The records every layer passes along: a term occurrence and an aligned segment.

They live in the core, not in ``glossary`` or ``translate``, because the same records come
from the engine, from a human translation read back from a TMX, and from corpus shards on
disk; every writer, reader and report works on them. ``to_dict``/``from_dict`` are the one
serialised shape (JSONL output, corpus shards: see docs/CONTRACTS.md).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any

from bitext.qa.issue import QAIssue


class TermStatus(str, Enum):
    APPLIED = "applied"
    MISSED = "missed"
    FORBIDDEN = "forbidden-present"
    SKIPPED = "skipped-by-context"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class TermRecord:
    """One term occurrence in one segment, as every writer and report shows it.

    ``target_start``/``target_end`` locate the rendering the check counted (the target when
    applied, the forbidden phrase when forbidden) so writers highlight without searching the
    translation again.
    """

    source: str                 # the glossary headword
    surface: str                # as written in this sentence
    start: int
    end: int
    target: str
    status: TermStatus
    strategy: str | None = None  # which enforcement step produced the target, if any
    found: str | None = None     # the forbidden rendering that was found
    target_start: int | None = None
    target_end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["status"] = self.status.value
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TermRecord:
        return cls(**{**d, "status": TermStatus(d["status"])})


@dataclass
class AlignedSegment:
    index: int                      # 1-based position in the document
    source: str
    translation: str
    terms: list[TermRecord] = field(default_factory=list)
    doc: str = ""                   # document id (file name) for multi-file runs
    paragraph: int = 1              # 1-based paragraph; writers keep paragraph breaks
    line: int | None = None         # 1-based line of the source file it came from
    notes: tuple[str, ...] = ()     # warnings worth showing a person (split long line, ...)
    qa: list[QAIssue] = field(default_factory=list)   # segment QA findings (bitext.qa)
    confidence: float | None = None  # 0..1, how far to trust it (bitext.qa.confidence)
    column: int | None = None       # 1-based column of the sentence's start in its line

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index, "doc": self.doc, "paragraph": self.paragraph,
            "line": self.line, "column": self.column, "source": self.source,
            "translation": self.translation,
            "terms": [t.to_dict() for t in self.terms], "notes": list(self.notes),
            "qa": [q.to_dict() for q in self.qa], "confidence": self.confidence,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> AlignedSegment:
        return cls(
            index=d["index"], source=d["source"], translation=d.get("translation") or "",
            terms=[TermRecord.from_dict(t) for t in d.get("terms") or ()],
            doc=d.get("doc") or "", paragraph=d.get("paragraph") or 1, line=d.get("line"),
            column=d["column"] if type(d.get("column")) is int else None,
            notes=tuple(d.get("notes") or ()),
            qa=[QAIssue.from_dict(q) for q in d.get("qa") or ()],
            confidence=_confidence(d.get("confidence")),
        )


def _confidence(value: Any) -> float | None:
    """A stored confidence, or None when absent or not a number in [0, 1] (older files)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if 0.0 <= value <= 1.0 else None
