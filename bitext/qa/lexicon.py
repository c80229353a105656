"""Which English words a Korean word is usually rendered by: a lexical translation table.

Why: a reader judges a translation first by whether each content word of the source has a
counterpart ("매출" → "sales") and whether the English says things the Korean does not. A
table learned from parallel text (IBM Model 1, the classic quality-estimation feature) gives
each source word its likely renderings, so both can be counted without a reference.

Tokens come in already cut: Korean content words from the caller (the ``translate`` layer
cuts them by rule with :func:`glossary.korean.content_words`), English words from
:func:`target_stems`. English is compared by its first
letters (:data:`STEM`) so "increase", "increased" and "increasing" count as one rendering.
The shipped table (``lexicon-ko-en.json.gz``) is built by ``python -m translate.confidence
lexicon`` from the training pairs and part of the news dev set.
"""
from __future__ import annotations

import gzip
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

LEXICON_FILE = "lexicon-ko-en.json.gz"
STEM = 6              # letters of an English word compared
KEEP = 6              # renderings kept per source word
MIN_PROB = 0.03       # and only those at least this likely
LIKELY = 0.08         # a rendering at least this likely counts as a counterpart
_WORD = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)
# English words that render grammar, not content: never asked to have a counterpart
STOPWORDS = frozenset("""a an the of to in on at by for from with as and or but nor is are was
were be been being am do does did has have had will would shall should can could may might must
it its it's this that these those he she they we you i me him her them us my your his their our
there here which who whom whose what when where why how not no than then so if also such into
about over after before up out more most other some any all each both very just only own same
too s t one""".split())


def target_stems(text: str) -> list[str]:
    """Lower-cased English words cut to :data:`STEM` letters, in order (numbers kept)."""
    return [w.lower()[:STEM] for w in _WORD.findall(text)]


def content_stems(text: str) -> list[str]:
    """:func:`target_stems` without the function words."""
    return [w for w in target_stems(text) if w not in STOPWORDS and not w.isdigit()]


@dataclass
class Lexicon:
    """``table[source word] = {english stem: p(stem | source word)}`` (top :data:`KEEP`);
    ``targets``: every English stem the training text had (seen twice or more)."""

    table: dict[str, dict[str, float]] = field(default_factory=dict)
    targets: frozenset[str] = frozenset()
    fitted: dict = field(default_factory=dict)     # what it was learned from

    def coverage(self, source_tokens: Sequence[str], translation: str
                 ) -> tuple[float, float, int]:
        """(share of known source words with a likely rendering in the translation, share of
        source words the table never saw, number of known source words).

        A word with no counterpart is content the reader does not get; a word never seen in
        training is one the model is likely to garble too. Both are 0 for an empty source.
        """
        if not source_tokens:
            return 1.0, 0.0, 0
        stems = set(target_stems(translation))
        known = [t for t in source_tokens if t in self.table]
        covered = sum(1 for t in known if any(e in stems for e in self.renderings(t)))
        unseen = 1 - len(known) / len(source_tokens)
        return (covered / len(known) if known else 1.0), unseen, len(known)

    def renderings(self, token: str) -> list[str]:
        """The likely English stems of a Korean word, function words left out (a "the" that
        IBM-1 gives 집 would make every English sentence cover it)."""
        return [e for e, p in self.table.get(token, {}).items()
                if p >= LIKELY and e not in STOPWORDS]

    def support(self, source_tokens: Sequence[str], translation: str) -> tuple[float, float]:
        """(share of English content words that no source word explains, share of English
        content words the training text never had): what the English adds ("legenders")."""
        words = content_stems(translation)
        if not words:
            return 0.0, 0.0
        explained: set[str] = set()
        for t in source_tokens:
            explained.update(self.table.get(t, ()))
        unknown = sum(1 for w in words if w not in self.targets)
        known = [w for w in words if w in self.targets]
        unsupported = sum(1 for w in known if w not in explained)
        return unsupported / len(words), unknown / len(words)

    def to_dict(self) -> dict:
        return {"format": 1, "stem": STEM, "fitted": self.fitted,
                "targets": sorted(self.targets),
                "table": {k: {e: round(p, 4) for e, p in v.items()}
                          for k, v in sorted(self.table.items())}}

    @classmethod
    def from_dict(cls, d: dict) -> Lexicon:
        return cls({k: dict(v) for k, v in d["table"].items()}, frozenset(d["targets"]),
                   dict(d.get("fitted") or {}))

    def save(self, path: str | Path) -> None:
        data = json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))
        Path(path).write_bytes(gzip.compress(data.encode("utf-8"), mtime=0))

    @classmethod
    def load(cls, path: str | Path) -> Lexicon:
        return cls.from_dict(json.loads(gzip.decompress(Path(path).read_bytes())))


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The table shipped with the package (empty if it was not built: coverage then says 1)."""
    ref = resources.files(__package__).joinpath(LEXICON_FILE)
    if not ref.is_file():
        return Lexicon()
    return Lexicon.from_dict(json.loads(gzip.decompress(ref.read_bytes())))


def fit_ibm1(pairs: Iterable[tuple[Sequence[str], Sequence[str]]], iterations: int = 6,
             min_count: int = 2) -> Lexicon:
    """IBM Model 1 by EM: p(english stem | korean word), with a NULL word that absorbs the
    articles and prepositions Korean has no word for. ``pairs`` are (Korean content tokens,
    English stems). Words seen fewer than ``min_count`` times are left out of the table
    (their estimates are noise); the table keeps the top :data:`KEEP` renderings each."""
    data = [(list(s) + ["<null>"], list(t)) for s, t in pairs if s and t]
    src_count: Counter[str] = Counter(w for s, _ in data for w in set(s))
    tgt_count: Counter[str] = Counter(w for _, t in data for w in t)
    prob: dict[str, dict[str, float]] = defaultdict(dict)
    uniform = 1.0 / max(1, len(tgt_count))
    for _ in range(iterations):
        counts: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for src, tgt in data:
            rows = [prob.get(s) for s in src]
            for e in tgt:
                weights = [(r.get(e, 0.0) if r is not None and prob else uniform) for r in rows]
                total = sum(weights) or 1.0
                for s, w in zip(src, weights):
                    if w:
                        counts[s][e] += w / total
        prob = defaultdict(dict)
        for s, row in counts.items():
            z = sum(row.values())
            prob[s] = {e: c / z for e, c in row.items()}
    table = {}
    for s, row in prob.items():
        if s == "<null>" or src_count[s] < min_count:
            continue
        top = sorted(row.items(), key=lambda ep: -ep[1])[:KEEP]
        table[s] = {e: p for e, p in top if p >= MIN_PROB}
    targets = frozenset(e for e, n in tgt_count.items() if n >= min_count)
    return Lexicon(table, targets, {"pairs": len(data), "iterations": iterations,
                                    "min_count": min_count})
