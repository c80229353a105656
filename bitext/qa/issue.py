"""The record every QA check returns: one problem, where it is, and how bad.

Kept free of any check logic so writers and the report can carry and count issues (and read them
back from JSONL) without importing the checks themselves.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

CODES = ("omission", "number", "untranslated", "latin-missing", "repetition", "punctuation")
# findings the translate layer makes (they need the glossary's terms or the engine's scores):
# term artefacts (bitext.qa.terms) and the confidence (bitext.qa.confidence)
ENGINE_CODES = ("term-artefact", "low-confidence")
# findings about a document's inline codes (documents/), not about the words: no check in
# bitext.qa produces them, so they are kept out of CODES (the checks ``check_pair`` runs)
LAYOUT_CODES = ("tags",
                # English too long for a subtitle cue's lines (documents/cues.py)
                "subtitle-fit")
# ``untranslated-target``: a bilingual file says this target is still to be translated (an
# empty XLIFF target in state new, memoQ NotStarted): counted apart, never an omission.
STATE_CODES = ("untranslated-target",)
ALL_CODES = (*CODES, *ENGINE_CODES, *LAYOUT_CODES, *STATE_CODES)
SEVERITIES = ("error", "warning")
SIDES = ("source", "target")


@dataclass(frozen=True, order=True)
class QAIssue:
    """One finding. ``start``/``end`` index into the text named by ``side`` (Python str
    offsets, end exclusive); a finding about the whole text spans all of it."""

    code: str
    severity: str
    side: str
    start: int
    end: int
    message: str

    def __post_init__(self) -> None:
        if self.code not in ALL_CODES:
            raise ValueError(f"unknown QA code {self.code!r}; expected one of "
                             f"{', '.join(ALL_CODES)}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")
        if self.side not in SIDES:
            raise ValueError(f"unknown side {self.side!r}")
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span {self.start}..{self.end}")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> QAIssue:
        return cls(code=str(d["code"]), severity=str(d["severity"]), side=str(d["side"]),
                   start=int(d["start"]), end=int(d["end"]), message=str(d["message"]))

    def sort_key(self) -> tuple:
        """Reading order: by position in the target, then the source, then code."""
        return (self.side != "target", self.start, self.end, ALL_CODES.index(self.code),
                self.message)


def untranslated_target(target: str) -> QAIssue:
    """The finding for a target its file marks as still to be translated (a warning: the
    translator has not got there yet, nothing was left out)."""
    return QAIssue("untranslated-target", "warning", "target", 0, len(target),
                   "the file marks this target as not translated yet")
