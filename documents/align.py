"""Where a code of the Korean goes in the English: word alignment of one sentence pair.

Two aligners give every English token the source character it translates:

- ``attention``: the engine's own cross-attention. The finished English is forced through
  the model (``target_prefix``, one decoding step past it) with ``return_attention``, each
  English token's pieces are summed and the source piece with the most mass wins.
- ``proportional``: no model at all; a token's place in the English is mapped to the same
  relative place in the Korean.

A code then goes where the alignment says (:func:`place_point`, :func:`place_span`): a point
(an isolated code, or one end of a pair whose other end is in another sentence) goes to the
token boundary that separates English words of the Korean before it from those after it
with the fewest crossings; a pair inside one sentence wraps the English tokens aligned to the
Korean it wrapped. ``docs/notes/core.md`` has the measurement that chose the default.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    word: bool               # a word (not punctuation): only words decide a span


def tokens(text: str) -> list[Token]:
    return [Token(m.start(), m.end(), m.group()[0].isalnum() or m.group()[0] == "_")
            for m in _TOKEN.finditer(text)]


def proportional(source: str, translation: str, toks: Sequence[Token]) -> list[int]:
    """Each token's source position by relative place (the baseline)."""
    n = max(1, len(translation))
    return [min(len(source) - 1, int((t.start + t.end) / 2 / n * len(source)))
            if source else 0 for t in toks]


def piece_offsets(text: str, pieces: Sequence[str]) -> list[tuple[int, int]]:
    """Character span of each SentencePiece piece in ``text`` (best effort: a piece the
    normaliser changed takes the position where the previous one ended)."""
    spans, at = [], 0
    for piece in pieces:
        body = piece.replace("▁", " ").strip()
        found = text.find(body, at, at + len(body) + 8) if body else -1
        if found < 0:
            spans.append((at, at))
            continue
        spans.append((found, found + len(body)))
        at = found + len(body)
    return spans


def from_attention(source: str, translation: str, toks: Sequence[Token],
                   source_pieces: Sequence[str], target_pieces: Sequence[str],
                   attention: Sequence[Sequence[float]]) -> list[int]:
    """Each token's source position: the source piece its pieces attend to most."""
    src = piece_offsets(source, source_pieces)
    tgt = piece_offsets(translation, target_pieces)
    out = []
    for tok in toks:
        rows = [attention[i] for i, (a, b) in enumerate(tgt)
                if i < len(attention) and a < tok.end and b > tok.start]
        if not rows:
            out.append(proportional(source, translation, [tok])[0])
            continue
        mass = [sum(r[j] for r in rows if j < len(r)) for j in range(len(src))]
        best = max(range(len(src)), key=mass.__getitem__) if src else 0
        out.append(src[best][0] if src else 0)
    return out


def _boundaries(toks: Sequence[Token], kind: str, length: int) -> list[int]:
    """Candidate character positions: before a token for an opening or isolated code,
    after one for a closing code."""
    if kind == "close":
        return [0] + [t.end for t in toks]
    return [t.start for t in toks] + [length]


def place_point(q: int, source_len: int, translation: str, toks: Sequence[Token],
                aligned: Sequence[int], kind: str) -> int:
    """Target offset for a code at source offset ``q``: fewest English tokens on the wrong
    side of it; ties go to the place nearest the proportional one."""
    if not toks:
        return 0 if q == 0 else len(translation)
    words = [(i, a) for i, (t, a) in enumerate(zip(toks, aligned)) if t.word] or \
        list(enumerate(aligned))
    guess = q / max(1, source_len) * len(translation)
    best, best_key = 0, None
    cands = _boundaries(toks, kind, len(translation))
    for k in range(len(toks) + 1):
        before = [a for i, a in words if i < k]
        after = [a for i, a in words if i >= k]
        cost = sum(a >= q for a in before) + sum(a < q for a in after)
        pos = cands[k]
        key = (cost, abs(pos - guess))
        if best_key is None or key < best_key:
            best, best_key = pos, key
    return best


def place_span(a: int, b: int, toks: Sequence[Token], aligned: Sequence[int]
               ) -> tuple[int, int] | None:
    """Target span for a pair wrapping source ``[a, b)``: from the first to the last English
    word aligned inside it; None when no word is (the caller places the ends as points)."""
    inside = [t for t, s in zip(toks, aligned) if t.word and a <= s < b]
    if not inside:
        return None
    return min(t.start for t in inside), max(t.end for t in inside)


def snap(translation: str, pos: int, kind: str) -> int:
    """The nearest word boundary to ``pos`` (a code that cannot be placed by alignment)."""
    toks = tokens(translation)
    cands = _boundaries(toks, kind, len(translation))
    return min(cands, key=lambda c: (abs(c - pos), c)) if cands else 0
