"""Finding glossary terms in Korean text in one pass, whatever the glossary's size.

All spellings go into one Aho–Corasick automaton over a view of the text with whitespace
removed, so 냉난방 공조 and 냉난방공조 are one key and the cost is linear in the text,
not a loop over terms. Context words get a second automaton for the same reason.

The automaton's hits are then judged at their edges.  A term standing alone or followed by
particles (전장을, 전장에서는) is decided by the particle list in :mod:`glossary.korean`.
Only a hit glued to more Hangul (전장사업본부, 구독형, 사업전장, 도전장, 전장치) or a verb
lemma's stem (구독하다 in 구독했다) is sent to Kiwi (:mod:`glossary.morph`), and only the
sentences holding such a hit are analysed, each once.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import TypeVar

import ahocorasick

from glossary.korean import AMBIGUOUS_TAILS, is_hangul_syllable, is_particle_chain, is_word_char
from glossary.model import Glossary, Term, match_key
from glossary.morph import Analysis, analyse, sentence_spans, verb_key, verb_stem

Stem = tuple[tuple[str, str], ...]   # a verb lemma's stem morphemes, (form, tag)
# A hit for Kiwi to judge: start, end, term index, verb stem or None, glued left, glued right
Doubtful = tuple[int, int, int, Stem | None, bool, bool]

Hit = TypeVar("Hit", bound=tuple)  # any hit tuple that starts with (start, end, …)


@dataclass(frozen=True)
class Lemma:
    """A spelling ending in 다 that may be a verb lemma (구독하다) or a noun (캐나다).

    Each such spelling has two automaton entries, its rule key as a verb (``as_verb``) and
    its whole spelling as a noun; :func:`glossary.morph.verb_stem` (Kiwi) decides which one
    counts, on the first sentence that needs it, so building a matcher never loads Kiwi.
    """

    spelling: str
    as_verb: bool


MIN_CHUNK = 2  # an unlisted spacing may not split a term into one-syllable pieces (그 전 장)


@dataclass(frozen=True)
class TermMatch:
    """A term found in a source sentence; offsets index the sentence as given (NFC)."""

    term: Term
    start: int
    end: int
    surface: str      # the spelling as written, without its particles (a verb: inflected)
    applies: bool     # False when the context rules say the term does not apply here


def _spaced(text: str) -> str:
    return " ".join(text.split()).lower()


def _not_covered(doubtful: list[Hit], accepted: list[tuple[int, int, int]]) -> list[Hit]:
    """Drop doubtful hits inside a longer hit the particle rule already accepted.

    That word is the accepted term plus particles (공감지능은 holds 공감, the stem of 공감하다),
    so Kiwi need not be asked about the shorter hit: the longest match would win anyway.
    Sorted sweep, so the cost stays linear in the number of hits (times a log).
    """
    if not doubtful or not accepted:
        return doubtful
    ordered = sorted((s, e) for s, e, _ in accepted)
    starts, reach, furthest = [], [], -1
    for s, e in ordered:
        furthest = max(furthest, e)
        starts.append(s)
        reach.append(furthest)
    kept = []
    for hit in doubtful:
        k = bisect_right(starts, hit[0]) - 1
        if k < 0 or reach[k] <= hit[1]:
            kept.append(hit)
    return kept


def _positions(text: str) -> list[int]:
    """Where each non-space character of ``text`` is: maps compact offsets back."""
    return [i for i, ch in enumerate(text) if not ch.isspace()]


class TermMatcher:
    """Build once per glossary; ``find`` is then linear in the length of the text.

    ``morphology=False`` is the automaton and particle rule alone (no compounds, no verb
    inflection, Kiwi never loaded): the behaviour before Kiwi, kept for comparison.
    ``analysed`` counts the sentences Kiwi had to analyse (the benchmark reports it).
    """

    def __init__(self, glossary: Glossary | list[Term], morphology: bool = True):
        terms = list(glossary)
        self.terms = terms
        self.morphology = morphology
        self.analysed = 0
        self._terms = ahocorasick.Automaton()
        self._listed: set[str] = set()   # spellings as listed, spaces normalised
        entries: dict[str, list[tuple[int, int, Stem | Lemma | None]]] = {}

        def add(key: str, index: int, kind: Stem | Lemma | None) -> None:
            if key:
                entries.setdefault(key, []).append((index, len(key), kind))

        for index, term in enumerate(terms):
            for spelling in term.spellings:
                self._listed.add(_spaced(spelling))
                rule_key = verb_key(spelling) if morphology else None
                if rule_key is None:
                    add(match_key(spelling), index, None)
                    continue
                # Verb or noun ending in 다? Kiwi decides when a sentence holds either key.
                add(match_key(rule_key), index, Lemma(spelling, as_verb=True))
                add(match_key(spelling), index, Lemma(spelling, as_verb=False))
        for key, found in entries.items():  # a noun and a verb may share a key (구독, 구독하다)
            self._terms.add_word(key, found)
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
        candidates: list[tuple[int, int, int]] = []
        doubtful: list[Doubtful] = []
        pending: list[tuple[int, int, int, Lemma, tuple[bool, str, bool]]] = []
        for last, found in hits:
            for index, length, kind in found:
                start, end = where[last - length + 1], where[last] + 1
                edges = self._edges(text, start, end)
                if edges is None:
                    continue
                if isinstance(kind, Lemma):
                    if self._may_fit(index, kind.as_verb, edges):
                        pending.append((start, end, index, kind, edges))
                    continue
                self._judge(start, end, index, kind, edges, candidates, doubtful)
        # Lemmas are resolved (Kiwi) only for hits no accepted longer term already covers:
        # 공감 of 공감하다 inside 공감지능은 never loads Kiwi.
        for start, end, index, lemma, edges in _not_covered(pending, candidates):
            stem = verb_stem(lemma.spelling)
            if lemma.as_verb == (stem is not None):
                self._judge(start, end, index, stem and stem[1], edges, candidates, doubtful)
        doubtful = _not_covered(doubtful, candidates)
        if doubtful:
            candidates += self._by_morphemes(text, doubtful)
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

    def _may_fit(self, index: int, as_verb: bool, edges: tuple[bool, str, bool]) -> bool:
        """The edge tests of :meth:`_judge` that need no stem: a lemma hit failing them is
        dropped before Kiwi is asked whether the lemma is a verb."""
        left, tail, _ = edges
        if as_verb:
            return tail != "none" and not (left and not self.terms[index].compounds)
        return not ((left or tail == "joined") and not self.terms[index].compounds)

    def _judge(self, start: int, end: int, index: int, stem: Stem | None,
               edges: tuple[bool, str, bool], candidates: list[tuple[int, int, int]],
               doubtful: list[Doubtful]) -> None:
        """Accept a hit by the particle rule, drop it, or leave it to Kiwi (``doubtful``)."""
        left, tail, unsure = edges
        compounds = self.terms[index].compounds
        if stem is None:
            glued = left or tail == "joined"   # compound, suffix or another word
            if not glued and not unsure:
                candidates.append((start, end, index))
                return
            if glued and not compounds:
                return
        elif tail == "none" or (left and not compounds):
            return
        doubtful.append((start, end, index, stem, left, tail != "none"))

    def context_words(self, lowered: str) -> set[str]:
        if not self._has_context:
            return set()
        return {word for _, word in self._context.iter(lowered)}

    def _edges(self, text: str, start: int, end: int) -> tuple[bool, str, bool] | None:
        """How a hit sits in its written word: None if it can never be a term there, else
        (glued to Hangul on the left, what follows: "none", "particles" or "joined", whether
        the particle rule's yes needs Kiwi's confirmation).

        Latin and digits glued to Latin or digits (웹OS6) are another word; Hangul glued to
        Hangul is a compound, a suffix, an inflection or another word: Kiwi decides that.
        The particle rule is trusted except for tails that are also word endings (일본인,
        부시다) and for a term spelled like a particle right after punctuation (‘옥’이란: the
        particle 이란, not Iran).  Without morphology, the particle rule alone (the old rule).
        """
        chunks = text[start:end].split()
        if not (len(chunks) == 1 or all(len(chunk) >= MIN_CHUNK for chunk in chunks)
                or _spaced(text[start:end]) in self._listed):
            return None
        before = text[start - 1] if start else " "
        left = is_word_char(before)
        if left and not is_hangul_syllable(before):
            if not is_hangul_syllable(text[start]):
                return None
            left = False          # LG전자: Latin then Hangul is a word boundary
        tail_end = end
        while tail_end < len(text) and is_word_char(text[tail_end]):
            tail_end += 1
        tail = text[end:tail_end]
        if not tail:
            kind = "none"
        elif not is_hangul_syllable(tail[0]):
            return None
        else:
            kind = "particles" if is_particle_chain(tail) else "joined"
        if not self.morphology:
            return None if left or kind == "joined" else (False, kind, False)
        unsure = tail in AMBIGUOUS_TAILS or (
            start > 0 and not left and not before.isspace()
            and is_particle_chain("".join(text[start:end].split())))
        return left, kind, unsure

    def _by_morphemes(self, text: str, doubtful: list[Doubtful]) -> list[tuple[int, int, int]]:
        """Judge glued hits by Kiwi's analysis of their sentence (each sentence once)."""
        spans = sentence_spans(text)
        starts = [s for s, _ in spans]
        analyses: dict[int, Analysis] = {}
        accepted = []
        for start, end, index, stem, left, right in doubtful:
            k = bisect_right(starts, start) - 1
            if k not in analyses:
                lo, hi = spans[k]
                analyses[k] = Analysis(analyse(text[lo:hi], lo))
                self.analysed += 1
            analysis = analyses[k]
            if stem is None:
                if analysis.noun_fits(start, end, left, right):
                    accepted.append((start, end, index))
            else:
                verb_end = analysis.verb_end(start, stem, left)
                if verb_end is not None:
                    accepted.append((start, verb_end, index))
        return accepted
