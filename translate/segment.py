"""Text to sentences, keeping paragraphs and the input line each sentence came from.

Kiwi splits Korean sentences well even where final punctuation is missing (common in
press releases and chat), which a regex on ``.?!`` gets wrong.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from glossary.morph import kiwi  # one shared instance (~270 MB), loaded on first use

MAX_CHARS = 400  # longer sentences are cut at spaces: the models were trained on short ones


@dataclass(frozen=True)
class Segment:
    index: int            # 1-based, in document order
    source: str
    paragraph: int        # 1-based; a blank line starts a new paragraph
    line: int             # 1-based line of the input
    doc: str = ""
    notes: tuple[str, ...] = ()
    column: int = 1       # 1-based column (code points) of the sentence's start in its line


def split_sentences(line: str) -> list[str]:
    """Sentences of one line, as slices of it (nothing rewritten)."""
    if len(line) < 12 or not re.search(r"[.?!。…]\s|[다요죠까]\s", line):
        return [line.strip()]
    return [s.text.strip() for s in kiwi().split_into_sents(line) if s.text.strip()]


def cut_long(sentence: str, max_chars: int = MAX_CHARS) -> list[str]:
    """Cut at the last space before the limit (or hard, if a run has no space)."""
    pieces = []
    while len(sentence) > max_chars:
        cut = sentence.rfind(" ", max_chars // 2, max_chars + 1)
        cut = cut if cut > 0 else max_chars
        pieces.append(sentence[:cut].strip())
        sentence = sentence[cut:].strip()
    return [*pieces, sentence] if sentence else pieces


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
        at = 0       # where in the line the search for the next sentence starts
        for sentence in split_sentences(line):
            parts = cut_long(sentence, max_chars)
            notes: tuple[str, ...] = ()
            if len(parts) > 1:
                notes = (f"sentence of {len(sentence)} characters split into {len(parts)} "
                         f"parts of at most {max_chars}",)
            for part in parts:
                found = line.find(part, at)
                at = found + len(part) if found >= 0 else at
                segments.append(Segment(len(segments) + 1, part, paragraph, line_no, doc, notes,
                                        found + 1 if found >= 0 else 1))
    return segments
