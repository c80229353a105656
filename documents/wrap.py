"""Re-wrapping English into a unit's ``max_lines`` (subtitles): the helper format modules call.

The layer leaves line breaks to the format module (only it knows where a line may end: a
subtitle cue, a fixed-width field), but the arithmetic is the same everywhere: English runs
longer than Korean, so a two-line cue is balanced again rather than cut.
"""
from __future__ import annotations


def balance(text: str, max_lines: int, max_chars: int | None = None) -> list[str]:
    """``text`` in at most ``max_lines`` lines of similar length, broken at spaces.

    The lines are as even as the words allow (the longest line is as short as possible);
    with ``max_chars`` a line over it is allowed only when a single word is longer, or when
    the words do not fit in ``max_lines`` lines at all (nothing is ever dropped: the caller
    decides whether an overlong cue is a warning).
    """
    words = text.split()
    if not words:
        return []
    if max_lines <= 1:
        return [" ".join(words)]
    n = len(words)
    # smallest width w for which a greedy fill needs at most max_lines lines
    lo, hi = max(len(w) for w in words), len(" ".join(words))
    while lo < hi:
        mid = (lo + hi) // 2
        if len(_fill(words, mid)) <= max_lines:
            hi = mid
        else:
            lo = mid + 1
    lines = _fill(words, lo)
    if max_chars is not None and lo > max_chars and n > 1:
        lines = _fill(words, max(max_chars, max(len(w) for w in words)))
    return lines


def _fill(words: list[str], width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return lines
