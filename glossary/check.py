"""Did the translation say it the glossary's way?  Statuses per matched term.

Used on the engine's output and on any human translation (``glossary check``), so it
looks only at the two texts and the matches, never at how the translation was made.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from bitext.records import TermRecord, TermStatus
from glossary.inflect import word_pattern
from glossary.match import TermMatch

_JOIN = r"[\s\-\u2010\u2011]+"  # built-in = built in; EV charging = EV-charging
_EDGE_L = r"(?<![0-9A-Za-z])"
_EDGE_R = r"(?![0-9A-Za-z])"


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
    """Status of each match: the k-th occurrence of a term needs k renderings of its target.

    Each record keeps the span of the rendering it was credited with (or of the forbidden
    phrase), so nothing downstream searches the translation again.
    """
    seen: Counter[str] = Counter()
    records = []
    for m in matches:
        term = m.term
        status, found, span = TermStatus.SKIPPED, None, None
        if m.applies:
            for phrase in term.forbidden:
                spans = find_rendering(phrase, translation)
                if spans:
                    status, found, span = TermStatus.FORBIDDEN, phrase, spans[0]
                    break
            else:
                seen[term.source] += 1
                spans = find_rendering(term.target, translation)
                if len(spans) >= seen[term.source]:
                    status, span = TermStatus.APPLIED, spans[seen[term.source] - 1]
                else:
                    status = TermStatus.MISSED
        records.append(TermRecord(term.source, m.surface, m.start, m.end, term.target,
                                  status, None, found, *(span or (None, None))))
    return records
