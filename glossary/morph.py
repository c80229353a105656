"""Korean morphology for term matching: Kiwi's analysis and the rules that read it.

Why a morphological analyser at all: Korean writes noun compounds and derivational suffixes
without spaces (전장사업본부, 구독형, 웹OS용) and inflects verbs (구독했다), so "the rest of the
word is a particle" misses most real uses of a term.  Kiwi (kiwipiepy) splits a sentence into
morphemes with character offsets; a term is accepted where its span lines up with those
boundaries and its neighbours are what a compound member may have next to it.

What kiwipiepy 0.24.1 does with the cases this module was designed on (``Kiwi().tokenize``;
tokens carry ``form``, ``tag``, ``start`` and ``len`` in code points of the analysed string)::

    전장사업본부     전장/NNG 사업/NNG 본부/NNG
    냉난방공조사업부  냉난방/NNG 공조/NNG 사업부/NNG
    전장부품         전장/NNG 부품/NNG
    전장품           전장/NNG 품/NNG          (one-syllable member: not accepted, see below)
    전장치           전/MM 장치/NNG            (in a sentence: 전/NNG 장치/NNG)
    도전장           도전장/NNG
    구독형           구독/NNG 형/XSN
    웹OS용           웹/NNG OS/SL 용/XSN
    구독자           구독자/NNG               전기차 충전기   … 충전/NNG 기/XSN
    구독하는         구독/NNG 하/XSV 는/ETM
    구독했다         구독/NNG 하/XSV@2+1 었/EP@2+1 다/EF  (했 = 하+었 share one syllable)
    공감하며         공감/NNG 하/XSV 며/EC
    전장이었다       전장/NNG 이/VCP 었/EP 다/EF
    눈이 부시다      … 부시/VA 다/EF           (a particle-looking tail on a verb)
    내미는           나/NP 의/JKG 미/NNG 는/JX (an ㄹ-dropping verb form is not recognised)

``Kiwi.analyze(text, top_n=2)`` gives the alternatives with scores (전장치: 전/MM 장치/NNG at
-24.8, then 전장/NNG 치/XSN at -27.3); only the best one (``tokenize``) is used.
``Kiwi.split_into_sents(line, return_tokens=True)`` returns sentences with ``text``, ``start``,
``end`` and the same tokens, offsets relative to the line: the segmenter could hand its
analysis to the matcher, which is not done (the matcher analyses ~5 % of news sentences with the
shipped glossaries, the segmenter every multi-sentence line).

Kiwi costs about a second and ~270 MB to load and ~0.5 ms per news sentence, against
microseconds for the automaton, so it is loaded once, on first use, and only consulted for
the candidates the particle rule cannot decide (see :mod:`glossary.match`).
"""
from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from glossary.korean import is_hangul_syllable

# Morphemes that are a noun for compounding: common/proper/bound nouns, numerals, pronouns,
# Latin/Chinese characters and numbers (웹|OS, 5|G), and roots.
NOUN_TAGS = frozenset({"NNG", "NNP", "NNB", "NR", "NP", "SL", "SH", "SN", "XR"})
# What may make up a noun term itself: nouns plus prefixes and suffixes (탈|탄소|화).
TERM_TAGS = NOUN_TAGS | {"XPN", "XSN"}
VERB_TAGS = frozenset({"VV", "VA", "VX", "XSV", "XSA"})
# One-syllable suffixes (and bound nouns) that leave the term's meaning as it is: 전장용 is
# "for vehicle components", 구독형 "subscription-type".  Agent, instrument and place suffixes
# make a different word (구독자 subscriber, 충전기 charger, 충전소 station) and are refused.
SUFFIXES = frozenset("용 형 별 적 화 상 내 간 들 등 측 계 급 식".split())
MIN_MEMBER = 2  # a compound member next to a term must have two syllables, else be a suffix

_SENTENCE_END = re.compile(r"(?<=[.!?。…])\s+|\n+")


@dataclass(frozen=True)
class Morpheme:
    form: str
    tag: str      # Kiwi's tag without its regularity mark (VV-R → VV)
    start: int
    end: int


@lru_cache(maxsize=1)
def kiwi() -> Any:
    """The one shared Kiwi instance (also used for sentence splitting by ``translate``)."""
    from kiwipiepy import Kiwi  # noqa: PLC0415 - loads a model: only when first needed

    # The typo-correction dictionary is for user-typed text with misspellings; without it
    # Kiwi loads faster and analyses 1,000 news-dev sentences identically (checked with
    # kiwipiepy 0.24.1). The multi-word dictionary stays: it changes how names are split.
    # num_workers=0: one thread, no pool to start (only batch and async calls use a pool);
    # kiwipiepy warns that 0 meant "all cores" before 0.21, which is not what we ask.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return Kiwi(num_workers=0, load_typo_dict=False)


def analyse(text: str, offset: int = 0) -> list[Morpheme]:
    """Kiwi's best analysis of ``text``; offsets shifted by ``offset``."""
    return [Morpheme(t.form, t.tag.split("-")[0], t.start + offset, t.start + t.len + offset)
            for t in kiwi().tokenize(text)]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Where the sentences of ``text`` are, cheaply (line breaks, final punctuation + space).

    The matcher analyses only the sentences that hold a doubtful candidate, each at most once;
    a caller that already passes one sentence gets one span.
    """
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


class Analysis:
    """One analysed sentence, indexed by morpheme boundary for constant-time edge tests."""

    def __init__(self, morphemes: Sequence[Morpheme]):
        self.morphemes = list(morphemes)
        self.starting: dict[int, list[Morpheme]] = {}
        self.ending: dict[int, list[Morpheme]] = {}
        self.cut: set[int] = set()   # positions strictly inside some morpheme
        self.index = {m: i for i, m in enumerate(self.morphemes)}
        for m in self.morphemes:
            self.starting.setdefault(m.start, []).append(m)
            self.ending.setdefault(m.end, []).append(m)
            self.cut.update(range(m.start + 1, m.end))

    def within(self, start: int, end: int) -> list[Morpheme]:
        """Morphemes inside ``[start, end)``, in order (walks boundaries, not the sentence)."""
        found, pos = [], start
        while pos < end:
            here = [m for m in self.starting.get(pos, ()) if m.end <= end]
            if not here:
                pos += 1          # whitespace Kiwi left out
                continue
            found.extend(here)
            pos = max(m.end for m in here)
        return found

    def aligned(self, start: int, end: int) -> bool:
        return start not in self.cut and end not in self.cut

    def noun_fits(self, start: int, end: int, left_joined: bool, right_joined: bool) -> bool:
        """Is ``[start, end)`` a run of whole noun morphemes that may sit in this word?

        Left neighbour (same written word): a noun of two or more syllables, a Latin/number
        token or a suffix closing the previous noun (차량용|전장); never a prefix (탈|탄소) or
        a one-syllable noun.  Right neighbour: such a noun (전장|사업), a listed suffix
        (구독|형), or a particle, copula or ending; never a verb-forming 하다 (구독|하는: the
        noun term does not stand for the verb) nor another suffix (구독|자, 충전|기).
        """
        if not self.aligned(start, end):
            return False
        inside = self.within(start, end)
        if not inside or any(m.tag not in TERM_TAGS for m in inside):
            return False
        if left_joined and not any(_left_member(m) for m in self.ending.get(start, ())):
            return False
        if right_joined:
            after = self.starting.get(end, ())
            if not after or not _right_member(after[0]):
                return False
        return True

    def verb_end(self, start: int, stem: Sequence[tuple[str, str]], left_joined: bool
                 ) -> int | None:
        """End of the inflected verb whose stem morphemes begin at ``start``, or None.

        ``stem`` is the lemma's analysis without its 다 (구독/NNG 하/XSV); the match runs on
        over the endings (었, 다, 는, 며 …) so the span is the verb as written (구독했다).
        """
        if start in self.cut:
            return None
        if left_joined and not any(_left_member(m) for m in self.ending.get(start, ())):
            return None
        pos, here = start, None
        for form, tag in stem:
            here = next((m for m in self.starting.get(pos, ())
                         if m.form == form and _same_class(m.tag, tag)), None)
            if here is None:
                return None
            pos = here.end
        if here is None:
            return None
        # Endings follow without a gap; 했 = 하+었 share a syllable, so an ending may start
        # before the stem's last morpheme ends.
        last, j = here.end, self.index[here] + 1
        while (j < len(self.morphemes) and self.morphemes[j].tag.startswith("E")
               and self.morphemes[j].start <= last):
            last = max(last, self.morphemes[j].end)
            j += 1
        return last


def _same_class(tag: str, wanted: str) -> bool:
    if wanted in VERB_TAGS:
        return tag in VERB_TAGS
    return tag in TERM_TAGS


def _left_member(m: Morpheme) -> bool:
    if m.tag in ("SL", "SN", "SH", "XSN"):
        return True
    return m.tag in NOUN_TAGS and m.end - m.start >= MIN_MEMBER


def _right_member(m: Morpheme) -> bool:
    if m.tag.startswith(("J", "E")) or m.tag == "VCP":
        return True
    if m.tag in ("SL", "SN", "SH"):
        return True
    if m.end - m.start < MIN_MEMBER:
        return m.form in SUFFIXES and m.tag in (*NOUN_TAGS, "XSN")
    return m.tag in NOUN_TAGS


# --------------------------------------------------------------------------- term spellings

@lru_cache(maxsize=4096)
def verb_stem(spelling: str) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    """(automaton key, stem morphemes) for a verb/adjective lemma such as 구독하다, else None.

    The key is the part of the stem that keeps its spelling under inflection: the noun of a
    하다/되다 verb (구독: 했, 해 and 됐 fuse the suffix with the ending), else the whole stem
    (내밀).  Only spellings ending in 다 are analysed, so noun glossaries never load Kiwi here.
    """
    if not spelling.endswith("다") or len(spelling) < 2:
        return None
    morphemes = analyse(spelling)
    if len(morphemes) < 2 or morphemes[-1].form != "다" or not morphemes[-1].tag.startswith("E"):
        return None
    stem = morphemes[:-1]
    if stem[-1].tag not in VERB_TAGS or any(m.tag.startswith(("J", "E")) for m in stem):
        return None
    cut = stem[-1].start if stem[-1].tag in ("XSV", "XSA") and len(stem) > 1 else stem[-1].end
    key = spelling[:cut].strip()
    if not key:
        return None
    return key, tuple((m.form, m.tag) for m in stem)


# Derivational suffixes that make a verb or adjective from a noun or root: the lemma's
# inflections may fuse them with the ending (했 = 하+었, 됐 = 되+었, 스러운), so only what
# comes before them keeps its spelling. Longest first.
VERB_SUFFIXES = ("시키다", "스럽다", "당하다", "하다", "되다", "롭다")


def verb_key(spelling: str) -> str | None:
    """The automaton key a spelling would have if it were a verb lemma, by rule (no Kiwi).

    Whether it *is* a verb (구독하다) or a noun that happens to end in 다 (캐나다, 바다) is
    left to :func:`verb_stem` when a sentence holds the key, so that building a matcher never
    loads Kiwi. The rule cuts at the derivational suffix as ``verb_stem`` does, or before
    it where Kiwi reads the suffix as part of a lexical stem (아름답다: 아름답/VA): a key that
    is a prefix of Kiwi's finds every hit Kiwi's would, since ``verb_stem`` still decides the
    match from the key's start (``tests/test_match.py`` compares both on the shipped
    glossaries and common lemmas).
    """
    if not spelling.endswith("다") or len(spelling) < 2:
        return None
    if not all(is_hangul_syllable(ch) or ch.isspace() for ch in spelling):
        return None
    for suffix in VERB_SUFFIXES:
        if spelling.endswith(suffix) and len(spelling) > len(suffix):
            return spelling[:-len(suffix)].strip() or None
    return spelling[:-1].strip() or None


def not_one_word(spelling: str) -> list[Morpheme] | None:
    """Kiwi's analysis of a spelling when it reads as more than one word, else None.

    One word: each space-separated piece is a run of noun morphemes (with prefixes and
    suffixes), or a verb lemma.  A determiner, particle, adverb or ending inside a noun term
    (전장치 = 전/MM 장치/NNG) means the sentence analysis will not line up with the term
    either, so its compounds are not found.
    """
    if verb_stem(spelling):
        return None
    morphemes = analyse(spelling)
    if all(m.tag in TERM_TAGS for m in morphemes):
        return None
    return morphemes


def describe(morphemes: Iterable[Morpheme]) -> str:
    return " ".join(f"{m.form}/{m.tag}" for m in morphemes)
