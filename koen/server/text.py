"""Putting a text's translated sentences back together, and telling Korean from the rest.

A text keeps its lines: each line's sentences are joined by a space and lines that were
empty stay empty, so a client that sent paragraphs gets paragraphs back.
"""
from __future__ import annotations

import re
import unicodedata

from bitext.records import AlignedSegment

HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
LETTER = re.compile(r"[^\W\d_]")


def assemble(text: str, segments: list[AlignedSegment]) -> str:
    """The English of ``text`` from its segments (``line`` is the 1-based line in ``text``)."""
    by_line: dict[int, list[str]] = {}
    for seg in segments:
        by_line.setdefault(seg.line or 1, []).append(seg.translation)
    lines = text.splitlines()
    out = []
    for number, line in enumerate(lines, start=1):
        if number in by_line:
            indent = line[:len(line) - len(line.lstrip())]
            out.append(indent + " ".join(t for t in by_line[number] if t))
        else:
            out.append(line if not line.strip() else "")
    joined = "\n".join(out)
    return joined + "\n" if text.endswith(("\n", "\r")) and lines else joined


def korean_share(text: str) -> float:
    """Share of letters that are Hangul (0 when the text has no letters)."""
    text = unicodedata.normalize("NFC", text)
    letters = LETTER.findall(text)
    if not letters:
        return 0.0
    return sum(1 for ch in letters if HANGUL.match(ch)) / len(letters)


def detect(text: str) -> tuple[str, float]:
    """(language, confidence 0–100) for LibreTranslate's ``/detect`` and ``source=auto``.

    The server knows one source language, so this answers "Korean, and how sure" rather than
    guessing among many: Hangul letters make it ``ko``; Latin-only text is reported as
    ``en`` (it would come back unchanged).
    """
    share = korean_share(text)
    if share > 0:
        return "ko", round(min(100.0, 50.0 + 50.0 * share), 1)
    return "en", 50.0 if LETTER.search(text) else 0.0
