"""Term-append augmentation: teach the model to use target terms appended to the source.

The toolkit passes glossary hints to the model as
``source pieces + ["<sep>"] + target pieces of term 1 + ["<sep>"] + … + ["</s>"]``
(see docs/CONTRACTS.md and the ko-en-small model card). For the model to *use* such hints it
must see them in training: with probability ``p`` a pair gets a second copy whose source carries
1–2 n-grams (1–3 words) of its own reference translation after ``<sep>``. N-grams that start or
end with a function word are avoided when a content-word n-gram exists, since glossary terms are
content words ("heart attack", "Seoul"), not "of the".
"""

from __future__ import annotations

import random
import re
from typing import Sequence

from translate.term_hints import hinted_source

from .vocab import EOS, SEP

# Function words: an n-gram starting or ending with one of these is a poor glossary term.
STOPWORDS = frozenset(
    """a an the and or but nor so yet for of to in on at by with from into onto upon about as
    than then that this these those there here it its it's he him his she her hers they them their
    theirs we us our ours you your yours i me my mine is am are was were be been being do does did
    done have has had having will would shall should can could may might must not no yes if when
    while where which who whom whose what why how all any some each every both either neither
    such very too also just only own same other more most much many few up down out off over under
    again once s t d ll m re ve""".split()
)

_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$", re.UNICODE)


def words_of(text: str) -> list[str]:
    """Whitespace words of a reference with leading/trailing punctuation removed."""
    words = []
    for raw in text.split():
        word = _EDGE_PUNCT.sub("", raw)
        words.append(word)
    return words


def candidate_ngrams(words: Sequence[str], max_words: int = 3) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Spans (start, end) of 1..max_words words: (content-word spans, other usable spans).

    A span is usable when none of its words is empty (i.e. punctuation only). It is a
    content-word span when its first and last words are not stopwords and it contains a letter
    or digit.
    """
    content: list[tuple[int, int]] = []
    other: list[tuple[int, int]] = []
    for n in range(1, max_words + 1):
        for start in range(0, len(words) - n + 1):
            span = words[start : start + n]
            if any(not w for w in span):
                continue
            if not any(ch.isalnum() for w in span for ch in w):
                continue
            if span[0].lower() in STOPWORDS or span[-1].lower() in STOPWORDS:
                other.append((start, start + n))
            else:
                content.append((start, start + n))
    return content, other


def sample_terms(reference: str, rng: random.Random, max_terms: int = 2, max_words: int = 3) -> list[str]:
    """Pick 1..max_terms non-overlapping n-grams of ``reference`` (content words preferred).

    Returns the terms in random order (glossary hints arrive in source order, which need not be
    target order), or an empty list when the reference has no usable word.
    """
    words = words_of(reference)
    content, other = candidate_ngrams(words, max_words)
    pool = content or other
    if not pool:
        return []
    wanted = rng.randint(1, max_terms)
    rng.shuffle(pool)
    chosen: list[tuple[int, int]] = []
    for start, end in pool:
        if all(end <= s or start >= e for s, e in chosen):
            chosen.append((start, end))
            if len(chosen) == wanted:
                break
    return [" ".join(words[s:e]) for s, e in chosen]


def with_terms(source_pieces: Sequence[str], term_pieces: Sequence[Sequence[str]]) -> list[str]:
    """Source tokens with appended term hints, ending in ``</s>``.

    ``source pieces + ["<sep>"] + term 1 pieces + ["<sep>"] + term 2 pieces + ["</s>"]``;
    without terms it is the plain ``source pieces + ["</s>"]``.
    """
    return hinted_source(source_pieces, term_pieces, SEP, EOS)
