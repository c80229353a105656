"""Omission / truncation: a translation too short for its source, or for its own first draft."""
from __future__ import annotations

import math

from .issue import QAIssue
from .length import LengthModel, target_units


def check_omission(source: str, translation: str, model: LengthModel,
                   draft: str | None = None) -> list[QAIssue]:
    """One finding at most. Against the length model: a warning below the calibrated floor, an
    error ``error_margin`` further down. Against the draft (the engine's unconstrained first
    pass): shorter than ``draft_ratio`` of it is an error, because the same model already
    showed it could say more, so content was lost on the way (a constrained decode that
    stopped early), not restructured."""
    issues = []
    end = len(translation)
    below = model.shortfall(source, translation)
    if below is not None:
        expected = model.expected(source)
        severity = "error" if below >= model.error_margin else "warning"
        issues.append(QAIssue(
            "omission", severity, "target", 0, end,
            f"translation has {target_units(translation)} characters where about "
            f"{expected:.0f} are expected for this source (floor "
            f"{expected * math.exp(model.floor(expected)):.0f})"))
    if draft is not None and draft.strip():
        have, had = target_units(translation), target_units(draft)
        if had >= model.min_expected and have < model.draft_ratio * had:
            issues = [QAIssue(
                "omission", "error", "target", 0, end,
                f"translation has {have} characters, {have / had:.0%} of its unconstrained "
                f"draft ({had})")]
    return issues
