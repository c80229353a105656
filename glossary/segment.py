"""A source sentence aligned with its translation and the terms found in it.

The unit every writer, reader and report works on, whether the translation came from the
engine or from a human (TMX from a vendor), which is why it lives here, not in ``translate``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from glossary.check import TermRecord


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

    def to_dict(self) -> dict:
        return {
            "index": self.index, "doc": self.doc, "paragraph": self.paragraph,
            "line": self.line, "source": self.source, "translation": self.translation,
            "terms": [t.to_dict() for t in self.terms], "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, d: dict) -> "AlignedSegment":
        return cls(
            index=d["index"], source=d["source"], translation=d["translation"],
            terms=[TermRecord.from_dict(t) for t in d.get("terms", [])], doc=d.get("doc", ""),
            paragraph=d.get("paragraph", 1), line=d.get("line"), notes=tuple(d.get("notes", ())),
        )
