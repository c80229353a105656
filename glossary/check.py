"""Did the translation say it the glossary's way?  Statuses per matched term.

Used on the engine's output and on any human translation (``glossary check``), so it
looks only at the two texts and the matches, never at how the translation was made.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass
from enum import Enum
from functools import lru_cache

from glossary.inflect import word_pattern
from glossary.match import TermMatch

_JOIN = r"[\s\-\u2010\u2011]+"  # built-in = built in; EV charging = EV-charging
_EDGE_L = r"(?<![0-9A-Za-z])"
_EDGE_R = r"(?![0-9A-Za-z])"


class TermStatus(str, Enum):
    APPLIED = "applied"
    MISSED = "missed"
    FORBIDDEN = "forbidden-present"
    SKIPPED = "skipped-by-context"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class TermRecord:
    """One term occurrence in one segment, as every writer and report shows it."""

    source: str                 # the glossary headword
    surface: str                # as written in this sentence
    start: int
    end: int
    target: str
    status: TermStatus
    strategy: str | None = None  # which enforcement step produced the target, if any
    found: str | None = None     # the forbidden rendering that was found

    def to_dict(self) -> dict:
        d = asdict(self)
        d["status"] = self.status.value
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "TermRecord":
        return cls(**{**d, "status": TermStatus(d["status"])})


@lru_cache(maxsize=8192)
def rendering_pattern(phrase: str) -> re.Pattern[str]:
    """Case-insensitive, spacing/hyphen-tolerant, inflection-aware pattern for a phrase."""
    words = [w for w in re.split(_JOIN, phrase.strip()) if w]
    body = _JOIN.join([*map(re.escape, words[:-1]), word_pattern(words[-1])])
    return re.compile(_EDGE_L + body + _EDGE_R, re.IGNORECASE)


def find_rendering(phrase: str, text: str) -> list[tuple[int, int]]:
    """Spans where ``phrase`` occurs in ``text`` (as a whole word, inflection-aware)."""
    return [m.span() for m in rendering_pattern(phrase).finditer(text)]


def check_segment(matches: list[TermMatch], translation: str) -> list[TermRecord]:
    """Status of each match: the k-th occurrence of a term needs k renderings of its target."""
    seen: Counter[str] = Counter()
    records = []
    for m in matches:
        term = m.term
        status, found = TermStatus.SKIPPED, None
        if m.applies:
            found = next((f for f in term.forbidden if find_rendering(f, translation)), None)
            if found:
                status = TermStatus.FORBIDDEN
            else:
                seen[term.source] += 1
                have = len(find_rendering(term.target, translation))
                status = TermStatus.APPLIED if have >= seen[term.source] else TermStatus.MISSED
        records.append(TermRecord(term.source, m.surface, m.start, m.end, term.target,
                                  status, None, found))
    return records
