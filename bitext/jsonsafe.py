"""``json.loads`` for lines strangers wrote: nesting is bounded before parsing.

The standard parser recurses once per ``[``/``{``; a 100,000-deep array on one JSONL line is
200 KB and ends in ``RecursionError`` (or, with a raised recursion limit, a crashed
interpreter).  Records in bilingual JSONL are flat objects, so anything nested past
:data:`MAX_DEPTH` is refused with an ordinary :class:`ValueError` before ``json`` sees it.
The count skips string contents and costs nothing for the usual line (it runs only when the
line holds more brackets than the limit).
"""
from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

MAX_DEPTH = 64
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class JsonDepthError(ValueError):
    """Nested deeper than the limit; ``msg`` mirrors :class:`json.JSONDecodeError`."""

    def __init__(self, max_depth: int):
        self.msg = f"nested deeper than {max_depth} levels"
        super().__init__(self.msg)


def nesting_depth(text: str, limit: int = MAX_DEPTH) -> int:
    """The deepest bracket nesting of JSON ``text`` (stops counting past ``limit``)."""
    if text.count("[") + text.count("{") <= limit:
        return min(limit, text.count("[") + text.count("{"))
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    deepest = 0
    for depth in accumulate(_STEP[c] for c in brackets):
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                break
    return deepest


def loads(text: str, max_depth: int = MAX_DEPTH) -> Any:
    """``json.loads(text)``, or :class:`JsonDepthError` when nested past ``max_depth``."""
    if nesting_depth(text, max_depth) > max_depth:
        raise JsonDepthError(max_depth)
    return json.loads(text)


__all__ = ["MAX_DEPTH", "JsonDepthError", "loads", "nesting_depth"]
