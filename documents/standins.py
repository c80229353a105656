"""Stand-ins: what the engine sees in place of a placeholder that is a word of the sentence.

Cutting ``{name}`` out of ``{name}님의 일상을 바꾼다`` leaves the engine ``님의 일상을 바꾼다``
and it writes "the daily life of our Lord": the sentence has lost its subject. A stand-in is a
token the engine copies reliably (measured on the bundled model: all-caps codes ``XA`` and
numbers ``1234`` were copied 12/12 in app-string sentences; Latin names like ``Tom`` or ``Alex``
were respelled or translated 2–3 times in 12), put where the placeholder was, enforced like a
glossary term whose target is itself, and swapped back for the placeholder in the English.
A placeholder that stands for a number (``%d``, ``{count}``, ``#``) gets a number, so the
English agrees with it ("Delete 1234 files"); every other one gets a code.

This module holds the pure text work: choosing stand-ins a sentence does not already contain,
inserting them, finding them again in the English (glued romanised particles included:
``XAnim`` for ``XA님``) and mapping offsets back to the text without them.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from glossary.match import TermMatch
from glossary.model import Term

WORDS = tuple(f"X{c}" for c in "ABCDEFGHJKLMNPQRSTUVWYZ")
NUMBERS = ("1234", "5678", "4321", "8765", "2468", "1357", "9753", "8642")
_NUMERIC_PRINTF = re.compile(
    r"%(?:\([^)]*\))?(?:\d+\$)?[-+0#]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:hh|h|ll|l|L|q|j|z|t)?"
    r"[diouxXeEfFgG]")
_NUMERIC_NAME = re.compile(
    r"(?i)(?:n|num|number|count|cnt|total|amount|qty|quantity|size|index|idx|percent"
    r"|\w*_(?:count|num|number|total|size))")
_NAME = re.compile(r"\{\{\s*([\w.\-$]+)\s*\}\}|\$?\{([\w.\[\]$\-]*)(?:![rsa])?(?::[^{}\s]*)?\}")


def numeric(data: str) -> bool:
    """True for a placeholder that stands for a number: ``%d``, ``%.1f``, ``%(n)d``,
    ``{count}``, ``{{total}}``, ICU ``#``. Anything glued to it (``{n}px``) makes it a word."""
    if data == "#" or _NUMERIC_PRINTF.fullmatch(data):
        return True
    m = _NAME.fullmatch(data)
    if m is None:
        return False
    name = (m.group(1) or m.group(2) or "").split(".")[-1]
    return bool(_NUMERIC_NAME.fullmatch(name))


def choose(kinds: Iterable[bool], text: str) -> list[str | None]:
    """A stand-in for each placeholder (True: a number), none that ``text`` already holds;
    None when the supply runs out (that placeholder keeps the masked path)."""
    low = text.lower()
    words = [w for w in WORDS if w.lower() not in low]
    numbers = [n for n in NUMBERS if n not in text]
    out: list[str | None] = []
    for is_number in kinds:
        pool = numbers if is_number else words
        out.append(pool.pop(0) if pool else None)
    return out


def forced(standin: str, at: int) -> TermMatch:
    """The stand-in as a term the pipeline must render as itself."""
    return TermMatch(Term(standin, standin), at, at + len(standin), standin, True)


def insert(text: str, points: list[tuple[int, str]]) -> tuple[str, list[int]]:
    """``text`` with each stand-in inserted at its offset (points sorted, offsets distinct);
    the offset of each stand-in in the result."""
    out, at, where = [], 0, []
    for offset, standin in points:
        out.append(text[at:offset])
        where.append(sum(map(len, out)))
        out.append(standin)
        at = offset
    out.append(text[at:])
    return "".join(out), where


def _patterns(standin: str) -> tuple[re.Pattern[str], ...]:
    """How the stand-in may come back (every occurrence of any of them is cut)."""
    # a romanised particle glued on (XAnim, 1234im) belongs to the stand-in
    if standin.isdigit():
        return (re.compile(rf"(?<![\d.,]){standin}(?![\d])[a-z]*"),)
    # glued after a letter or digit too ("a?b=1XC"): an upper-case run around it is a word
    # of its own ("EXAM"), anything else is the stand-in, which the source never holds;
    # so is a word the model began with it ("XAS", "XAVIER"): never left in the English
    return (re.compile(rf"(?<![A-Z]){standin}[a-z]*(?![A-Z])"),
            re.compile(rf"(?<![A-Za-z]){standin}[A-Za-z]*"))


@dataclass(frozen=True)
class Found:
    text: str                          # the English without stand-ins
    at: dict[str, int]                 # stand-in -> where its placeholder goes in ``text``
    removed: tuple[tuple[int, int], ...]   # spans cut from the English with stand-ins
    spaced: frozenset[str]             # stand-ins whose space before was cut with them


def find(english: str, standins: Iterable[str]) -> Found:
    """Take every occurrence of the stand-ins out of ``english``; the first occurrence of
    each gives its placeholder's place. A stand-in between two spaces takes the space before
    it along (``Delete XA files`` → ``Delete| files``, so the sentence reads well without
    it) and is listed in ``spaced``: the layer writes that space back before the code."""
    spans: list[tuple[int, int, int, str]] = []      # start, -end, pattern rank, stand-in
    for standin in standins:
        for rank, pattern in enumerate(_patterns(standin)):
            for m in pattern.finditer(english):
                lo, hi = m.span()
                if lo > 0 and english[lo - 1] == " " and (hi == len(english)
                                                          or english[hi] in " .,!?;:)"):
                    lo -= 1
                spans.append((lo, -hi, rank, standin))
    spans.sort()
    kept: list[tuple[int, int, str]] = []
    for lo, neg_hi, _, standin in spans:    # every occurrence goes, each cut once
        if kept and lo < kept[-1][1]:
            continue
        kept.append((lo, -neg_hi, standin))
    removed = tuple((lo, hi) for lo, hi, _ in kept)
    text, at, spaced = "", {}, set()
    prev = 0
    for lo, hi, standin in kept:
        text += english[prev:lo]
        if standin not in at:
            at[standin] = len(text)
            if english[lo] == " ":
                spaced.add(standin)
        prev = hi
    text += english[prev:]
    return Found(text, at, removed, frozenset(spaced))


def map_offset(x: int, removed: Iterable[tuple[int, int]]) -> int:
    """An offset of the text before ``removed`` spans were cut, in the text after."""
    shift = 0
    for lo, hi in removed:
        if x >= hi:
            shift += hi - lo
        elif x > lo:
            shift += x - lo
    return x - shift


def overlaps(lo: int, hi: int, removed: Iterable[tuple[int, int]]) -> bool:
    return any(lo < b and a < hi or lo == hi and a <= lo < b for a, b in removed)
