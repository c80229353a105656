"""Small text facts the layer and the format modules share."""
from __future__ import annotations

import re

from documents.model import Unit, UnitState, plain_text

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")


def has_korean(text: str) -> bool:
    """True when the text has a Hangul syllable or jamo (units without are skipped)."""
    return _HANGUL.search(text) is not None


def classify(unit: Unit) -> Unit:
    """FILL a unit with Korean text; SKIP one with none (nothing for the engine to do)."""
    text = plain_text(unit.source)
    if not text.strip():
        unit.state, unit.reason = UnitState.SKIP, "no text"
    elif not has_korean(text):
        unit.state, unit.reason = UnitState.SKIP, "no Korean"
    return unit
