"""Small text facts the layer and the format modules share."""
from __future__ import annotations

import re

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")


def has_korean(text: str) -> bool:
    """True when the text has a Hangul syllable or jamo (units without are skipped)."""
    return _HANGUL.search(text) is not None
