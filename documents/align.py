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

ARTICLES = ("a", "an", "the")
_TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|\d+(?:[.,:]\d+)*%?|\w+(?:['’]\w+)*|[^\w\s]")


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


def _boundaries(toks: Sequence[Token], side: str, length: int) -> list[int]:
    """Candidate character positions: after a token (a code attached to the word before
    it), or before one (attached to the word after it)."""
    if side == "after":
        return [0] + [t.end for t in toks]
    return [t.start for t in toks] + [length]


def place_point(q: int, source_len: int, translation: str, toks: Sequence[Token],
                aligned: Sequence[int], kind: str, attached: str = "") -> int:
    """Target offset for a code at source offset ``q``: fewest English words on the wrong
    side of it; ties go to the place nearest the proportional one. ``attached`` says which
    word the code clings to in the Korean (``after`` the one before it, or ``before`` the
    next); by default a closing code clings to the word before it, others to the next."""
    if not toks:
        return 0 if q == 0 else len(translation)
    side = attached or ("after" if kind == "close" else "before")
    words = [(i, a) for i, (t, a) in enumerate(zip(toks, aligned)) if t.word] or \
        list(enumerate(aligned))
    guess = q / max(1, source_len) * len(translation)
    cands = _boundaries(toks, side, len(translation))
    best, best_key = 0, None
    for k in range(len(toks) + 1):
        cost = sum(a >= q for i, a in words if i < k) + sum(a < q for i, a in words if i >= k)
        key = (cost, abs(cands[k] - guess))
        if best_key is None or key < best_key:
            best, best_key = cands[k], key
    return best


def place_span(a: int, b: int, toks: Sequence[Token], aligned: Sequence[int],
               text: str | None = None) -> tuple[int, int] | None:
    """Target span for a pair wrapping source ``[a, b)``: the run of English words that
    holds most words aligned inside it and fewest aligned outside (a maximum-sum run, +1
    inside, -1 outside, punctuation 0), so one stray alignment does not stretch the span
    across the sentence. None when no run has more inside than outside. With ``text`` (the
    English), a leading article is left outside: Korean has none for the code to wrap."""
    best, best_span = 0, None
    run, run_start = 0, 0
    for k, (t, s) in enumerate(zip(toks, aligned)):
        value = (1 if a <= s < b else -1) if t.word else 0
        if run <= 0:
            run, run_start = 0, k
        run += value
        if run > best:
            best, best_span = run, (run_start, k)
    if best_span is None:
        return None
    words = [t for t in toks[best_span[0]:best_span[1] + 1] if t.word]
    if len(words) > 1 and text is not None and \
            text[words[0].start:words[0].end].lower() in ARTICLES:
        words = words[1:]        # Korean has no article: the code wrapped the noun
    return words[0].start, words[-1].end


def around(translation: str, toks: Sequence[Token], pos: int) -> tuple[int, int]:
    """The span of the word at or after ``pos`` (else the last word): where a pair goes
    when nothing tells where its words went."""
    words = [t for t in toks if t.word] or list(toks)
    if not words:
        return pos, pos
    word = next((t for t in words if t.end > pos), words[-1])
    return word.start, word.end


def snap(translation: str, pos: int, side: str) -> int:
    """The nearest word boundary to ``pos`` (``side``: ``after`` or ``before`` a word)."""
    toks = tokens(translation)
    cands = _boundaries(toks, side, len(translation))
    return min(cands, key=lambda c: (abs(c - pos), c)) if cands else 0
