"""Finding glossary terms in Korean text in one pass, whatever the glossary's size.

All spellings go into one Aho–Corasick automaton over a view of the text with whitespace
removed, so 냉난방 공조 and 냉난방공조 are one key and the cost is linear in the text,
not a loop over terms. Context words get a second automaton for the same reason.
"""
from __future__ import annotations

from dataclasses import dataclass

import ahocorasick

from glossary.korean import is_hangul_syllable, is_particle_chain, is_word_char
from glossary.model import Glossary, Term, match_key

MIN_CHUNK = 2  # an unlisted spacing may not split a term into one-syllable pieces (그 전 장)


@dataclass(frozen=True)
class TermMatch:
    """A term found in a source sentence; offsets index the sentence as given (NFC)."""

    term: Term
    start: int
    end: int
    surface: str      # the spelling as written, without its particles
    applies: bool     # False when the context rules say the term does not apply here


def _spaced(text: str) -> str:
    return " ".join(text.split()).lower()


def _positions(text: str) -> list[int]:
    """Where each non-space character of ``text`` is: maps compact offsets back."""
    return [i for i, ch in enumerate(text) if not ch.isspace()]


class TermMatcher:
    """Build once per glossary; ``find`` is then linear in the length of the text."""

    def __init__(self, glossary: Glossary | list[Term]):
        terms = list(glossary)
        self.terms = terms
        self._terms = ahocorasick.Automaton()
        self._listed: set[str] = set()   # spellings as listed, spaces normalised
        for index, term in enumerate(terms):
            for spelling in term.spellings:
                key = match_key(spelling)
                if key:
                    self._terms.add_word(key, (index, len(key)))
                    self._listed.add(_spaced(spelling))
        self._context = ahocorasick.Automaton()
        for word in {w for t in terms for w in t.context.words}:
            self._context.add_word(match_key(word), word)
        self._has_terms = len(self._terms) > 0
        self._has_context = len(self._context) > 0
        if self._has_terms:
            self._terms.make_automaton()
        if self._has_context:
            self._context.make_automaton()

    def find(self, text: str) -> list[TermMatch]:
        """Non-overlapping matches in text order, the longest winning where matches overlap."""
        if not self._has_terms or not text:
            return []
        compact = "".join(text.split())  # str.split() and isspace() agree on whitespace
        lowered = compact.lower()
        if len(lowered) != len(compact):  # rare: a letter whose lowercase is longer (İ)
            lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in compact)
        hits = list(self._terms.iter(lowered))
        if not hits:
            return []
        where = _positions(text)
        candidates = []
        for last, (index, length) in hits:
            start, end = where[last - length + 1], where[last] + 1
            if self._is_whole_word(text, start, end):
                candidates.append((start, end, index))
        if not candidates:
            return []
        present = self.context_words(lowered)
        chosen: list[tuple[int, int, int]] = []
        for start, end, index in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):
            if all(end <= s or start >= e for s, e, _ in chosen):
                chosen.append((start, end, index))
        return [
            TermMatch(self.terms[i], s, e, text[s:e], self.terms[i].context.allows(present))
            for s, e, i in sorted(chosen)
        ]

    def context_words(self, lowered: str) -> set[str]:
        if not self._has_context:
            return set()
        return {word for _, word in self._context.iter(lowered)}

    def _is_whole_word(self, text: str, start: int, end: int) -> bool:
        """A term is a word, or a word plus particles; never the inside of another word."""
        before = text[start - 1] if start else " "
        if is_word_char(before) and (
            is_hangul_syllable(before) or not is_hangul_syllable(text[start])
        ):
            return False
        tail_end = end
        while tail_end < len(text) and is_word_char(text[tail_end]):
            tail_end += 1
        tail = text[end:tail_end]
        if tail and not (is_hangul_syllable(tail[0]) and is_particle_chain(tail)):
            return False
        chunks = text[start:end].split()
        return (len(chunks) == 1 or all(len(chunk) >= MIN_CHUNK for chunk in chunks)
                or _spaced(text[start:end]) in self._listed)
