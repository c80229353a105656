"""One call that runs every segment check on a source/translation pair."""
from __future__ import annotations

from collections.abc import Iterable

from .issue import CODES, QAIssue
from .length import LengthModel, default_length_model
from .number_check import check_numbers
from .omission import check_omission
from .punctuation import check_punctuation
from .repetition import check_repetition
from .script import check_latin, check_untranslated


def check_pair(source: str, translation: str, *, draft: str | None = None,
               codes: Iterable[str] | None = None,
               length_model: LengthModel | None = None) -> list[QAIssue]:
    """Every finding for one segment, sorted by position (target first), deterministic.

    ``draft`` is the engine's unconstrained first pass when the translation is machine output
    (None for a human translation); ``codes`` restricts the checks run (default: all of
    :data:`CODES`). An empty translation of a non-empty source is one omission error; an empty
    source gives nothing to check."""
    wanted = set(CODES if codes is None else codes)
    unknown = wanted - set(CODES)
    if unknown:
        raise ValueError(f"unknown QA code(s) {', '.join(sorted(unknown))}; "
                         f"expected some of {', '.join(CODES)}")
    if not source.strip():
        return []
    if not translation.strip():
        if "omission" not in wanted:
            return []
        return [QAIssue("omission", "error", "target", 0, len(translation),
                        "the translation is empty")]
    issues: list[QAIssue] = []
    if "omission" in wanted:
        issues += check_omission(source, translation, length_model or default_length_model(),
                                 draft)
    if "number" in wanted:
        issues += check_numbers(source, translation)
    if "untranslated" in wanted:
        issues += check_untranslated(source, translation)
    if "latin-missing" in wanted:
        issues += check_latin(source, translation)
    if "repetition" in wanted:
        issues += check_repetition(translation)
    if "punctuation" in wanted:
        issues += check_punctuation(source, translation)
    return sorted(set(issues), key=QAIssue.sort_key)
