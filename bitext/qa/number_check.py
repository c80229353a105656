"""Numbers: every number of the source must reach the translation, as a value."""
from __future__ import annotations

import bisect

from .issue import QAIssue
from .numbers import (
    DAY_WORDS,
    NumberMention,
    english_numbers,
    korean_numbers,
    same_value,
)


def _fmt(value: float) -> str:
    if value == int(value):
        return str(int(value)) if value < 10**4 else f"{int(value):,}"
    return f"{value:g}"


def check_numbers(source: str, translation: str) -> list[QAIssue]:
    """A source number missing from the translation is an error when written with digits
    (10조원, 3.5%, 2024년) and a warning when it is a native word (세 가지): see
    :mod:`.numbers` for what is read and why. Numbers are matched as multisets of values, so
    2024 twice in the source needs 2024 twice in the translation, and 1억대 is met by
    "100 million". A day of the month (24일) is also met by a day word (Tuesday, yesterday),
    because news translations name the weekday instead."""
    wanted = korean_numbers(source)
    if not wanted:
        return []
    available = sorted(n.value for n in english_numbers(translation))
    lowered = translation.lower()
    has_day_word = any(w in lowered for w in DAY_WORDS)
    issues = []
    # digits first, larger values first: a native "두" must not take the 2 that "2배" needs
    for n in sorted(wanted, key=lambda n: (not n.required, -n.value, n.start)):
        if _take(available, n):
            continue
        if n.day and has_day_word:
            continue
        severity = "error" if n.required else "warning"
        issues.append(QAIssue("number", severity, "source", n.start, n.end,
                              f"{n.text} ({_fmt(n.value)}) is not in the translation"))
    return issues


def _take(available: list[float], n: NumberMention) -> bool:
    """Remove and report the first value of sorted ``available`` that meets ``n``; bisect
    keeps a segment with thousands of numbers from going quadratic."""
    for value in (n.value, n.alternative):
        if value is None:
            continue
        i = bisect.bisect_left(available, value * 0.98)
        while i < len(available) and available[i] <= value * 1.02:
            if same_value(value, available[i]):
                del available[i]
                return True
            i += 1
    return False

