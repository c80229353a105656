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
from collections.abc import Sequence

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


def candidate_ngrams(
    words: Sequence[str], max_words: int = 3
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Spans (start, end) of 1..max_words words: (content-word spans, other usable spans).

    A span is usable when none of its words is empty (i.e. punctuation only) and it contains a
    letter or digit. It is a content-word span when its first and last words are not stopwords.
    Word properties are computed once and spans checked with prefix counts: this runs for
    every hinted copy of every epoch, and checking each span's characters again made it the
    most expensive part of building an epoch.
    """
    empty = [0]
    alnum = [0]
    for w in words:
        empty.append(empty[-1] + (not w))
        alnum.append(alnum[-1] + any(map(str.isalnum, w)))
    stop = [w.lower() in STOPWORDS for w in words]
    content: list[tuple[int, int]] = []
    other: list[tuple[int, int]] = []
    for n in range(1, max_words + 1):
        for start in range(len(words) - n + 1):
            end = start + n
            if empty[end] != empty[start] or alnum[end] == alnum[start]:
                continue
            (other if stop[start] or stop[end - 1] else content).append((start, end))
    return content, other


def sample_terms(reference: str, rng: random.Random, max_terms: int = 2,
                 max_words: int = 3) -> list[str]:
    """Pick 1..max_terms non-overlapping n-grams of ``reference`` (content words preferred).

    Returns the terms in random order (glossary hints arrive in source order, which need not be
    target order), or an empty list when the reference has no usable word. Candidates are
    visited in random order (a small random sample first, then the rest shuffled only when
    needed: the same distribution as shuffling all, without shuffling all every time).
    """
    words = words_of(reference)
    content, other = candidate_ngrams(words, max_words)
    pool = content or other
    if not pool:
        return []
    wanted = rng.randint(1, max_terms)
    first = rng.sample(range(len(pool)), min(len(pool), 4 * wanted))
    chosen: list[tuple[int, int]] = []

    def take(order) -> bool:
        for index in order:
            start, end = pool[index]
            if all(end <= s or start >= e for s, e in chosen):
                chosen.append((start, end))
                if len(chosen) == wanted:
                    return True
        return False

    if not take(first) and len(first) < len(pool):
        taken = set(first)
        rest = [i for i in range(len(pool)) if i not in taken]
        rng.shuffle(rest)
        take(rest)
    return [" ".join(words[s:e]) for s, e in chosen]


def with_terms(source_pieces: Sequence[str], term_pieces: Sequence[Sequence[str]]) -> list[str]:
    """Source tokens with appended term hints, ending in ``</s>``.

    ``source pieces + ["<sep>"] + term 1 pieces + ["<sep>"] + term 2 pieces + ["</s>"]``;
    without terms it is the plain ``source pieces + ["</s>"]``.
    """
    return hinted_source(source_pieces, term_pieces, SEP, EOS)
