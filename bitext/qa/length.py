"""How long an English translation of a Korean sentence should be, and how short is too short.

One Hangul syllable carries about as much as two to three English letters, while Latin letters
and digits in Korean copy (LG, CES 2024, 3.5%) come through about one for one; so the expected
length is a weighted sum of the two, not a single ratio. Short sentences vary far more than long
ones ("네." -> "Yes, that's right."), so the tolerance is a lower quantile of log(actual/expected)
that widens as 1/sqrt(length). The parameters are fitted by ``python -m bitext.qa.calibrate``
on the training pairs and stored in ``length-model.json`` next to this module.
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import resources

MODEL_FILE = "length-model.json"


def is_hangul(ch: str) -> bool:
    """A Hangul syllable or jamo (jamo appear in chat text: ㅋㅋ)."""
    return "\uac00" <= ch <= "\ud7a3" or "\u1100" <= ch <= "\u11ff" or "\u3130" <= ch <= "\u318f"


def source_units(text: str) -> tuple[int, int]:
    """(Hangul characters, other visible characters) of a source text; spaces do not count
    because Korean spacing is inconsistent (공감지능 / 공감 지능)."""
    hangul = other = 0
    for ch in text:
        if is_hangul(ch):
            hangul += 1
        elif not ch.isspace() and ch.isprintable():
            other += 1
    return hangul, other


def target_units(text: str) -> int:
    """Visible characters of a translation (spaces excluded, as on the source side)."""
    return sum(1 for ch in text if not ch.isspace() and ch.isprintable())


@dataclass(frozen=True)
class LengthModel:
    """expected = per_hangul·H + per_other·O; a translation is too short when
    log(actual/expected) < offset + spread/sqrt(expected) (spread is negative: shorter
    sentences get more room). ``error_margin`` is how much further below that line (in log
    units) a finding becomes an error rather than a warning."""

    per_hangul: float
    per_other: float
    offset: float
    spread: float
    error_margin: float = 0.35
    min_expected: float = 12.0       # below this (a word or two) length says nothing
    draft_ratio: float = 0.7         # shorter than this share of the unconstrained draft
    fitted: dict = field(default_factory=dict, compare=False)   # what calibrate saw

    def expected(self, source: str) -> float:
        hangul, other = source_units(source)
        return self.per_hangul * hangul + self.per_other * other

    def floor(self, expected: float) -> float:
        """The log-ratio below which a translation of this expected length is flagged."""
        return self.offset + self.spread / math.sqrt(max(expected, 1.0))

    def shortfall(self, source: str, translation: str) -> float | None:
        """How far (log units) the translation falls below its floor; None when it does not,
        or when the source is too short to judge."""
        expected = self.expected(source)
        if expected < self.min_expected:
            return None
        actual = max(target_units(translation), 1)
        below = self.floor(expected) - math.log(actual / expected)
        return below if below > 0 else None

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> LengthModel:
        return cls(**d)


@lru_cache(maxsize=1)
def default_length_model() -> LengthModel:
    """The calibrated model shipped with the package."""
    text = resources.files(__package__).joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return LengthModel.from_dict(json.loads(text))
