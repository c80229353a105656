"""Text to sentences, keeping paragraphs and the input line each sentence came from.

Kiwi splits Korean sentences well even where final punctuation is missing (common in
press releases and chat), which a regex on ``.?!`` gets wrong.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from glossary.match import TermMatch
from glossary.morph import kiwi  # one shared instance (~270 MB), loaded on first use

MAX_CHARS = 400  # longer sentences are cut at spaces: the models were trained on short ones
# Kiwi analyses about 25,000 characters a second and holds the whole line while it does: a
# 50 MB line (a text file with no line breaks, a minified dump) took minutes and a gigabyte.
# Longer lines are cut at punctuation, with a warning, and never reach Kiwi.
MAX_LINE_CHARS = 20_000
_SENTENCE_END = re.compile(r"(?<=[.?!。…])\s+")


@dataclass(frozen=True)
class Segment:
    index: int            # 1-based, in document order
    source: str
    paragraph: int        # 1-based; a blank line starts a new paragraph
    line: int             # 1-based line of the input
    doc: str = ""
    notes: tuple[str, ...] = ()
    # matches the caller adds to the glossary's, enforced and checked like them (the document
    # layer's placeholder stand-ins: a term whose target is itself); offsets index ``source``
    forced: tuple[TermMatch, ...] = ()


def split_sentences(line: str) -> list[str]:
    """Sentences of one line, as slices of it (nothing rewritten)."""
    if len(line) < 12 or not re.search(r"[.?!。…]\s|[다요죠까]\s", line):
        return [line.strip()]
    return [s.text.strip() for s in kiwi().split_into_sents(line) if s.text.strip()]


def split_long_line(line: str) -> list[str]:
    """Sentences of a line too long for Kiwi: cut after final punctuation only."""
    return [s for s in (p.strip() for p in _SENTENCE_END.split(line)) if s]


def cut_long(sentence: str, max_chars: int = MAX_CHARS) -> list[str]:
    """Cut at the last space before the limit (or hard, if a run has no space).

    Walks by offset: slicing the rest off again and again is quadratic on a long line.
    """
    pieces = []
    start, end = 0, len(sentence)
    while end - start > max_chars:
        cut = sentence.rfind(" ", start + max_chars // 2, start + max_chars + 1)
        cut = cut if cut > start else start + max_chars
        piece = sentence[start:cut].strip()
        if piece:
            pieces.append(piece)
        start = cut
        while start < end and sentence[start].isspace():
            start += 1
    rest = sentence[start:].strip()
    return [*pieces, rest] if rest else pieces


def segment_text(text: str, doc: str = "", max_chars: int = MAX_CHARS) -> list[Segment]:
    """Every non-empty line becomes one or more segments; blank lines separate paragraphs."""
    segments: list[Segment] = []
    paragraph, in_paragraph = 0, False
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            in_paragraph = False
            continue
        if not in_paragraph:
            paragraph, in_paragraph = paragraph + 1, True
        line_notes: tuple[str, ...] = ()
        if len(line) > MAX_LINE_CHARS:
            sentences = split_long_line(line)
            line_notes = (f"line of {len(line):,} characters (over {MAX_LINE_CHARS:,}) split "
                          "at punctuation only, without sentence analysis",)
        else:
            sentences = split_sentences(line)
        for sentence in sentences:
            parts = cut_long(sentence, max_chars)
            notes = line_notes
            if len(parts) > 1:
                notes += (f"sentence of {len(sentence)} characters split into {len(parts)} "
                          f"parts of at most {max_chars}",)
            for part in parts:
                segments.append(Segment(len(segments) + 1, part, paragraph, line_no, doc, notes))
    return segments
