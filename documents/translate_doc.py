"""A document through the pipeline: units → sentences without codes → English → codes put back.

For every unit to fill, the codes (and the placeholders :mod:`documents.placeholders` finds in
its text) are taken out, the remaining text is split into sentences exactly as plain text is
(``translate.segment``), and all sentences of the file go through one
``Translator.translate_segments`` call, so the engine batches across units and the glossary is
matched on text without codes (``<g id="1">냉난방공조</g> 사업`` and ``<b>공감</b>지능`` match like
plain text). Then each code is put back into the English (:mod:`documents.align`):

- a code between sentences, or at a sentence's start or end, goes to the same place;
- a code at the edge of a glossary term goes to the edge of the term's English;
- a code *inside* a term is moved to the term's edge (an opening code to its start, a
  closing code to its end, a lone code to the nearer one): a term is one word to the glossary,
  and half a term in bold is rarely meant; the unit gets a ``tags`` warning saying so;
- any other code goes where the word alignment puts it; a pair wraps the English of the
  words it wrapped;
- if the English order would make pairs overlap, they are trimmed to nest (``tags`` warning).

Every code of the source is in the target exactly once, pairs paired and nested; the result is
checked (:func:`documents.codes.missing_or_extra`) and a failure is a ``tags`` error.
"""
from __future__ import annotations

import html
import logging
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from bitext.errors import InputError
from bitext.files import read_bytes
from bitext.qa.issue import QAIssue
from bitext.records import AlignedSegment, TermStatus
from documents import align, standins
from documents.codes import missing_or_extra, nesting_problem
from documents.model import Code, CodeKind, Content, Document, DocumentOptions, Unit, UnitState
from documents.placeholders import mask, unmask
from documents.registry import read_document
from documents.text import has_korean
from glossary.match import TermMatch
from translate.segment import MAX_CHARS, Segment, cut_long, split_sentences

ALIGNERS = ("attention", "proportional")
log = logging.getLogger(__name__)
KIWI_CHUNK = 2000      # a longer line is cut at spaces before sentence splitting
_CLOSING_PUNCT = re.compile(r"[\s.,!?;:…。、)\]}\"'’”»〉》」』]*\Z")
_OPENING_PUNCT = re.compile(r"\A[\s(\[{\"'‘“«〈《「『]*")


class SegmentTranslator(Protocol):
    """What the layer needs of a translator: ``translate.pipeline.Translator`` (and the copy
    translator of the tests). ``engine`` may be None (no attention: proportional placement)."""

    engine: Any

    def translate_segments(self, segments: Iterable[Segment]) -> Iterator[AlignedSegment]: ...


@dataclass
class DocumentResult:
    data: bytes                        # the translated file
    document: Document
    segments: list[AlignedSegment]     # every translated sentence, in file order
    counts: dict[str, int]             # filled, kept, skipped
    # placeholder stand-ins: kept by the engine, forced (dropped, then enforced), lost
    # (placed by alignment instead)
    standins: dict[str, int] = field(default_factory=dict)

    @property
    def findings(self) -> list[tuple[Unit, QAIssue]]:
        """Unit-level findings (``tags``), each with its unit (for ``unit.location``)."""
        return [(u, q) for u in self.document.units for q in u.qa]


# --------------------------------------------------------------------------- planning

@dataclass
class _Placed:
    code: Code
    order: int                         # position in the source content
    at: int                            # offset in the unit's plain text
    target: int = -1                   # offset in the unit's English
    kind: CodeKind = CodeKind.ISOLATED  # as placed: an isolated <a>…</a> pair is a pair here
    pair: str = ""                     # what its partner shares (the id, for real pairs)
    fixed: bool = False                # placed by its stand-in: ``local`` in ``sentence``
    sentence: int = -1
    local: int = 0
    space_before: bool = False         # its stand-in took a space along: write it back


@dataclass
class _Sentence:
    start: int
    end: int
    notes: tuple[str, ...]
    result: AlignedSegment | None = None
    target_start: int = 0              # where its English starts in the unit's English
    sent: str = ""                     # the source as sent: with stand-ins (else empty)
    standins: list[tuple[_Placed, str, int]] = field(default_factory=list)  # code, it, at


@dataclass
class _Plan:
    unit: Unit
    content: Content                   # the source with placeholders as codes
    own: frozenset[str]                # ids of the placeholder codes made here
    hard: frozenset[str]               # of those, ICU syntax (never a word)
    text: str                          # the plain text (no codes)
    codes: list[_Placed]
    sentences: list[_Sentence]
    english: str = ""
    warnings: list[tuple[int, str]] = field(default_factory=list)   # (english offset, message)
    tree: list[_Node] = field(default_factory=list)                  # codes as placed, nested


def _plan(unit: Unit, name: str, max_chars: int, use_standins: bool = True) -> _Plan:
    problem = nesting_problem(unit.source)
    if problem:
        where = f"unit {unit.id}: " if unit.id and unit.line is None else ""
        raise InputError(f"{where}{problem}", name, unit.line)
    masked = mask(unit.source) if unit.placeholders else None
    content = masked.content if masked else unit.source
    hard = masked.hard if masked else frozenset()
    text, codes, cuts = "", [], [0]
    for order, part in enumerate(content):
        if isinstance(part, Code):
            codes.append(_Placed(part, order, len(text), kind=part.kind, pair=part.id))
            if part.id in hard:
                cuts.append(len(text))
        else:
            text += part
    cuts.append(len(text))
    _pair_tags(codes)
    sentences = [s for lo, hi in zip(cuts, cuts[1:]) for s in _split(text, lo, hi, max_chars)]
    plan = _Plan(unit, content, masked.ids if masked else frozenset(), hard, text, codes,
                 sentences)
    if use_standins:
        _give_standins(plan)
    return plan


def _hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3"


def _give_standins(plan: _Plan) -> None:
    """Each placeholder that is a word of a sentence gets a stand-in the engine sees
    (:mod:`documents.standins`): a placeholder at or inside a sentence (``{name}님, 환영합니다``),
    and an isolated format code strictly inside one and not inside a word (``<x/>`` for an
    image). Not: ICU syntax, codes paired as HTML tags, a code sharing its offset with another
    code (``<b>{name}</b>``: the pair's placement decides), codes between sentences.
    A placeholder only spaces away from a sentence's edge on its line (``%s 파일을 열 수
    없습니다``, ``완료되었습니다: %s``) is taken into that sentence, the following one first."""
    text = plan.text
    at_count = Counter(c.at for c in plan.codes if c.code.id not in plan.hard)
    claimed: set[int] = set()
    hard = [c for c in plan.codes if c.code.id in plan.hard]
    for c in plan.codes:
        if (c.code.placeholder and c.code.id in plan.own and c.code.id not in plan.hard
                and at_count[c.at] == 1):
            _take_into_sentence(plan, c)
    for i, s in enumerate(plan.sentences):
        mine: list[_Placed] = []
        for c in plan.codes:
            if id(c) in claimed or c.kind is not CodeKind.ISOLATED or at_count[c.at] > 1:
                continue
            if c.code.placeholder:
                if c.code.id not in plan.own or c.code.id in plan.hard:
                    continue
                if not s.start <= c.at <= s.end or (
                        c.at == s.end and i + 1 < len(plan.sentences)
                        and plan.sentences[i + 1].start == c.at):
                    continue
                if any(h.at == c.at and (h.order < c.order if c.at == s.end
                                         else h.order > c.order if c.at == s.start else False)
                       for h in hard):          # an ICU cut between it and the sentence
                    continue
            elif not s.start < c.at < s.end or (_hangul(text[c.at - 1])
                                                and _hangul(text[c.at])):
                continue
            mine.append(c)
        if not mine:
            continue
        source = text[s.start:s.end]
        chosen = standins.choose([c.code.placeholder and standins.numeric(c.code.data)
                                  for c in mine], source)
        picked = [(c, w) for c, w in zip(mine, chosen) if w is not None]
        s.sent, where = standins.insert(source, [(c.at - s.start, w) for c, w in picked])
        s.standins = [(c, w, at) for (c, w), at in zip(picked, where)]
        claimed.update(id(c) for c, _ in picked)


def _take_into_sentence(plan: _Plan, c: _Placed) -> None:
    """Widen the sentence a placeholder is only spaces away from, so that it is at its edge;
    not across another code (an ICU cut, a pair's end) or a line end."""
    sentences, text = plan.sentences, plan.text
    if any(s.start <= c.at <= s.end for s in sentences):
        return

    def gap(lo: int, hi: int) -> bool:
        return (bool(text[lo:hi]) and not text[lo:hi].strip(" \t")
                and not any(lo <= o.at <= hi for o in plan.codes if o is not c))

    after = next((s for s in sentences if c.at < s.start), None)
    if after is not None and gap(c.at, after.start):
        after.start = c.at
        return
    before = [s for s in sentences if s.end < c.at]
    if before and gap(before[-1].end, c.at):
        before[-1].end = c.at


def _take_back(plan: _Plan, i: int, result: AlignedSegment, tally: Counter[str]) -> None:
    """The sentence's result with its stand-ins swapped out: the English and the source
    without them (offsets of terms and findings moved to match), each stand-in's place
    given to its code. Stand-ins are not glossary terms: their records are dropped, and so
    are findings about them (a number or Latin word "missing" that is the stand-in)."""
    s = plan.sentences[i]
    if not s.standins:
        return
    names = [w for _, w, _ in s.standins]
    in_source = tuple((at, at + len(w)) for _, w, at in s.standins)
    if result.translation == s.sent:     # copied: everything stays where it was
        found = standins.Found(plan.text[s.start:s.end],
                               {w: c.at - s.start for c, w, _ in s.standins}, in_source,
                               frozenset())
    else:
        found = standins.find(result.translation, names)
    strategy = {r.source: r.strategy for r in result.terms if r.source in names
                and r.status is TermStatus.APPLIED}
    for c, w, _ in s.standins:
        if w in found.at:
            c.fixed, c.sentence, c.local = True, i, found.at[w]
            c.space_before = w in found.spaced
            tally["forced" if strategy.get(w) == "prefix" else "kept"] += 1
        else:
            tally["lost"] += 1

    def src(x: int) -> int:
        return standins.map_offset(x, in_source)

    def tgt(x: int | None) -> int | None:
        return None if x is None else standins.map_offset(x, found.removed)

    result.terms = [replace(r, start=src(r.start), end=src(r.end),
                            target_start=tgt(r.target_start), target_end=tgt(r.target_end))
                    for r in result.terms if r.source not in names]
    kept = []
    for q in result.qa:
        cut = in_source if q.side == "source" else found.removed
        if any(w in q.message for w in names) or standins.overlaps(q.start, q.end, cut):
            continue
        kept.append(replace(q, start=standins.map_offset(q.start, cut),
                            end=standins.map_offset(q.end, cut)))
    result.qa = kept
    result.source, result.translation = plan.text[s.start:s.end], found.text


_WRAPPER = re.compile(r"\s*<(\w+)\b[^>]*>(.*)</\1>\s*", re.S)
_OPEN_TAG = re.compile(r"\s*<([A-Za-z][\w:.-]*)(?:\s[^<>]*)?(?<!/)>\s*")
_CLOSE_TAG = re.compile(r"\s*</([A-Za-z][\w:.-]*)\s*>\s*")


def _tag_of(code: Code) -> tuple[str, str] | None:
    """(``open``|``close``, tag name) when an isolated code stands for one HTML/XML tag:
    ``<ph>&lt;a href="…"&gt;</ph>``, as Okapi and Trados write inline HTML in XLIFF."""
    inner = code.data
    while (m := _WRAPPER.fullmatch(inner)) is not None:
        inner = m.group(2)
    inner = html.unescape(inner)
    if (m := _OPEN_TAG.fullmatch(inner)) is not None:
        return "open", m.group(1).lower()
    if (m := _CLOSE_TAG.fullmatch(inner)) is not None:
        return "close", m.group(1).lower()
    return None


def _pair_tags(codes: list[_Placed]) -> None:
    """Isolated codes that open and close one element (``<a href>`` … ``</a>``) are placed as
    a pair, so the English never gets the ``</a>`` before the ``<a>``; they stay isolated
    codes in the target. Only when every such pairing nests with the real pairs."""
    stack: list[tuple[str, _Placed]] = []
    found: list[tuple[_Placed, _Placed]] = []
    for c in codes:
        if c.code.kind is not CodeKind.ISOLATED or c.code.placeholder:
            continue
        tag = _tag_of(c.code)
        if tag is None:
            continue
        if tag[0] == "open":
            stack.append((tag[1], c))
            continue
        for k in range(len(stack) - 1, -1, -1):
            if stack[k][0] == tag[1]:
                found.append((stack[k][1], c))
                del stack[k:]
                break
    if not found:
        return
    as_pairs = {id(o): (CodeKind.OPEN, f"tag:{o.code.id}") for o, _ in found}
    as_pairs.update({id(c): (CodeKind.CLOSE, f"tag:{o.code.id}") for o, c in found})
    trial = tuple(Code(*as_pairs.get(id(c), (c.kind, c.pair))[::-1]) for c in codes)
    if nesting_problem(trial) is None:
        for c in codes:
            if id(c) in as_pairs:
                c.kind, c.pair = as_pairs[id(c)]


def _split(text: str, lo: int, hi: int, max_chars: int) -> list[_Sentence]:
    """Sentences of ``text[lo:hi]`` as spans, split as plain text is (lines, Kiwi, long cut)."""
    out: list[_Sentence] = []
    for line in re.finditer(r"[^\r\n]+", text[lo:hi]):
        base = lo + line.start()
        for chunk_at, chunk in _chunks(line.group()):
            at = 0
            for sentence in split_sentences(chunk):
                if not sentence:
                    continue
                s_at = chunk.find(sentence, at)
                if s_at < 0:                       # Kiwi rewrote it: keep the chunk whole
                    s_at, sentence = at, chunk[at:].strip()
                    if not sentence:
                        break
                    s_at = chunk.find(sentence, at)
                parts = cut_long(sentence, max_chars)
                notes: tuple[str, ...] = ()
                if len(parts) > 1:
                    notes = (f"sentence of {len(sentence)} characters split into {len(parts)} "
                             f"parts of at most {max_chars}",)
                p_at = 0
                for part in parts:
                    found = sentence.find(part, p_at)
                    start = base + chunk_at + s_at + found
                    out.append(_Sentence(start, start + len(part), notes))
                    p_at = found + len(part)
                at = s_at + len(sentence)
    return out


def _chunks(line: str) -> Iterator[tuple[int, str]]:
    """A line in pieces of at most :data:`KIWI_CHUNK` characters, cut at spaces, so that
    sentence analysis never gets a megabyte at once."""
    at = 0
    while len(line) - at > KIWI_CHUNK:
        cut = line.rfind(" ", at + KIWI_CHUNK // 2, at + KIWI_CHUNK)
        cut = cut if cut > at else at + KIWI_CHUNK
        yield at, line[at:cut]
        at = cut
    yield at, line[at:]


# --------------------------------------------------------------------------- translating

def translate_document(translator: SegmentTranslator, document: Document, *,
                       aligner: str = "attention", max_chars: int = MAX_CHARS,
                       use_standins: bool = True) -> DocumentResult:
    """Fill every FILL unit of ``document`` with its English; return the file and the
    aligned sentences. Units whose text has no Korean are skipped (and counted).

    ``use_standins=False`` is the older way (every placeholder cut out of the text and put
    back by alignment), kept for measuring against (``benchmarks/bench_placeholders.py``)."""
    if aligner not in ALIGNERS:
        raise ValueError(f"unknown aligner {aligner!r} (choose from {', '.join(ALIGNERS)})")
    doc_name = Path(document.name).name
    plans: list[_Plan] = []
    for unit in document.units:
        if unit.state is not UnitState.FILL:
            continue
        plan = _plan(unit, document.name, max_chars, use_standins)
        if not has_korean(plan.text):
            unit.state, unit.reason = UnitState.SKIP, "no Korean"
            continue
        plans.append(plan)
    segments = [Segment(0, s.sent or plan.text[s.start:s.end], number, plan.unit.line or 0,
                        doc_name, s.notes, column=plan.unit.column or 1, forced=_forced(s))
                for number, plan in enumerate(plans, start=1) for s in plan.sentences]
    segments = [replace(s, index=i) for i, s in enumerate(segments, start=1)]
    results = iter(translator.translate_segments(segments)) if segments else iter(())
    all_segments: list[AlignedSegment] = []
    tally: Counter[str] = Counter()
    for plan in plans:
        for k, sentence in enumerate(plan.sentences):
            result = next(results)
            if plan.unit.line is None:
                result.line = None
            _take_back(plan, k, result, tally)
            sentence.result = result
            all_segments.append(result)
    alignments = _alignments(translator, plans, aligner)
    for plan in plans:
        _fill(plan, alignments)
    counts = {"filled": 0, "kept": 0, "skipped": 0}
    for unit in document.units:
        counts[{"fill": "filled", "keep": "kept", "skip": "skipped"}[unit.state.value]] += 1
    return DocumentResult(document.render(), document, all_segments, counts,
                          {k: tally[k] for k in ("kept", "forced", "lost")})


def _forced(s: _Sentence) -> tuple[TermMatch, ...]:
    return tuple(standins.forced(w, at) for _, w, at in s.standins)


def translate_file(source: bytes | str | os.PathLike, translator: SegmentTranslator, *,
                   name: str | None = None, input_format: str | None = None,
                   options: DocumentOptions | None = None, aligner: str = "attention",
                   use_standins: bool = True) -> DocumentResult:
    """Read a file (a path, or its bytes with ``name``), translate it, return the result.

    Nothing is written: the caller writes ``result.data`` where it wants (atomically).
    """
    if isinstance(source, bytes):
        data, name = source, name or "<bytes>"
    else:
        data, name = read_bytes(source), name or os.fspath(source)
    document = read_document(data, name, input_format, options)
    return translate_document(translator, document, aligner=aligner,
                              use_standins=use_standins)


# --------------------------------------------------------------------------- alignment

Key = tuple[int, int]       # (id of plan, sentence index)


def _inside(plan: _Plan) -> dict[int, list[_Placed]]:
    """The codes each sentence places itself (sentence index → codes); the others keep
    their place between sentences. A code is the sentence's when it is strictly inside it,
    or at its edge with its partner strictly inside (``<b>공감지능</b>은 …``: the pair is
    placed as a whole); a pair wrapping the whole sentence stays at its edges."""
    partner: dict[int, _Placed] = {}
    opens: dict[str, _Placed] = {}
    for c in plan.codes:
        if c.kind is CodeKind.OPEN:
            opens[c.pair] = c
        elif c.kind is CodeKind.CLOSE and c.pair in opens:
            o = opens.pop(c.pair)
            partner[id(o)], partner[id(c)] = c, o
    out: dict[int, list[_Placed]] = {}
    for i, s in enumerate(plan.sentences):
        for c in plan.codes:
            if c.fixed:
                continue
            other = partner.get(id(c))
            if s.start < c.at < s.end or (
                    other is not None and s.start <= c.at <= s.end
                    and s.start < other.at < s.end):
                out.setdefault(i, []).append(c)
    return out


def _needs_alignment(plan: _Plan, i: int, inside: dict[int, list[_Placed]]) -> bool:
    """Whether placing the codes of sentence ``i`` consults the word alignment: a dry run
    of the placement that stops where it would. Codes at the sentence's edges or before its
    closing punctuation, at a glossary term's edge, a pair wrapping all of the sentence's
    words, and copied sentences are placed without it (and cost no engine pass)."""
    s = plan.sentences[i]
    assert s.result is not None
    codes = inside.get(i)
    if not codes or s.result.translation == s.result.source:
        return False
    try:
        _positions(plan, i, codes, _no_alignment)
    except _NeedsAlignment:
        return True
    return False


class _NeedsAlignment(Exception):
    """Raised by :func:`_no_alignment`: the placement wanted the word alignment."""


def _no_alignment() -> list[int]:
    raise _NeedsAlignment


def _alignments(translator: SegmentTranslator, plans: list[_Plan], aligner: str
                ) -> dict[Key, list[int]]:
    """Source position of every English token, for sentences that have a code inside."""
    todo, with_codes = [], 0
    for plan in plans:
        inside = _inside(plan)
        with_codes += sum(1 for i in inside if plan.sentences[i].result is not None)
        todo += [(plan, i) for i in range(len(plan.sentences))
                 if _needs_alignment(plan, i, inside)]
    log.debug("word alignment for %d of %d sentences with codes inside", len(todo),
              with_codes)
    out: dict[Key, list[int]] = {}
    engine = getattr(translator, "engine", None)
    use_attention = (aligner == "attention" and engine is not None
                     and getattr(engine, "has_attention", False))
    attentions = _attention(engine, [plan.sentences[i].result for plan, i in todo]) \
        if use_attention and todo else None
    for k, (plan, i) in enumerate(todo):
        result = plan.sentences[i].result
        assert result is not None
        toks = align.tokens(result.translation)
        if attentions is not None:
            src_pieces, tgt_pieces, attention = attentions[k]
            out[id(plan), i] = align.from_attention(result.source, result.translation, toks,
                                                    src_pieces, tgt_pieces, attention)
        else:
            out[id(plan), i] = align.proportional(result.source, result.translation, toks)
    return out


ATTENTION_BATCH = 64     # sentences per forced pass (sorted by length: little padding)


def _attention(engine: Any, results: list[AlignedSegment | None]
               ) -> list[tuple[list[str], list[str], list[list[float]]]]:
    """The model's cross-attention over each finished sentence pair: the English is forced
    as the target prefix, greedy, no scores, decoding stopped one step past the longest
    prefix of the batch. Sentences go in order of length, in batches of
    :data:`ATTENTION_BATCH` handed to CTranslate2 whole: a batch of like lengths pads
    little, and one call per batch costs less than CTranslate2's own rebatching (measured
    in ``docs/notes/layer2.md``). CTranslate2's ``score_batch``/``forward_batch`` return no
    attention, so a forced decode is the cheapest way to it."""
    sources, prefixes, src_pieces = [], [], []
    for r in results:
        assert r is not None
        pieces = engine.source_pieces(r.source)
        src_pieces.append(pieces)
        sources.append(engine.source_tokens(pieces))
        prefixes.append(engine.sp_target.encode(r.translation))
    order = sorted(range(len(results)), key=lambda k: len(prefixes[k]))
    attention: list[list[list[float]]] = [[] for _ in results]
    for at in range(0, len(order), ATTENTION_BATCH):
        batch = order[at:at + ATTENTION_BATCH]
        longest = max(len(prefixes[k]) for k in batch) + 1   # + a language token, if any
        decoded = engine.translate_batch(
            [sources[k] for k in batch], target_prefix=[prefixes[k] for k in batch],
            beam_size=1, return_attention=True, return_scores=False,
            max_decoding_length=longest, max_batch_size=0)
        for k, d in zip(batch, decoded):
            rows = d.attention[0] if d.attention else []
            attention[k] = [list(row) for row in rows[:len(prefixes[k])]]
    return list(zip(src_pieces, prefixes, attention))


# --------------------------------------------------------------------------- placing codes

def _fill(plan: _Plan, alignments: dict[Key, list[int]]) -> None:
    """Assemble the unit's English and put every code into it."""
    english = ""
    spans: list[tuple[int, int, int, int | None]] = []   # src lo, hi, English lo, sentence
    at = 0
    for i, s in enumerate(plan.sentences):
        assert s.result is not None
        spans.append((at, s.start, len(english), None))
        english += plan.text[at:s.start]
        s.target_start = len(english)
        spans.append((s.start, s.end, len(english), i))
        english += s.result.translation
        at = s.end
    spans.append((at, len(plan.text), len(english), None))
    english += plan.text[at:]
    plan.english = english
    by_sentence = _inside(plan)
    theirs = {id(c) for codes in by_sentence.values() for c in codes}
    for c in plan.codes:
        if c.fixed:                                      # where its stand-in was
            c.target = plan.sentences[c.sentence].target_start + c.local
            continue
        if id(c) in theirs:
            continue
        for lo, hi, tgt, k in spans:
            if k is None and lo <= c.at <= hi:           # between sentences: verbatim
                c.target = tgt + (c.at - lo)
                break
    for i, codes in by_sentence.items():
        _place_in_sentence(plan, i, codes, alignments.get((id(plan), i)))
    _nest(plan)
    target = _space_placeholders(plan, _assemble(plan))
    problems = missing_or_extra(plan.content, target)
    for pos, code_id in _emptied_pairs(plan.content, target):
        plan.warnings.append((pos, f"code pair {code_id!r} wraps no English word (it "
                                   "wrapped words in the source)"))
    unit = plan.unit
    unit.target = unmask(target, plan.own)
    unit.segments = [s.result for s in plan.sentences if s.result is not None]
    for pos, message in plan.warnings:
        _report(plan, pos, "warning", message)
    for message in problems:
        _report(plan, 0, "error", message)


def _pair_contents(content: Content) -> dict[str, tuple[int, bool]]:
    """Each pair of ``content`` (by id): where it opens (offset in the text without codes)
    and whether it wraps a word (letters or digits, or a placeholder)."""
    out: dict[str, tuple[int, bool]] = {}
    open_at: list[tuple[str, int, bool]] = []      # id, offset, word seen since
    at = 0
    for part in content:
        if isinstance(part, str):
            at += len(part)
            if open_at and _has_word(part):
                open_at = [(i, o, True) for i, o, _ in open_at]
        elif part.kind is CodeKind.OPEN:
            open_at.append((part.id, at, False))
        elif part.kind is CodeKind.CLOSE:
            for k in range(len(open_at) - 1, -1, -1):
                if open_at[k][0] == part.id:
                    out[part.id] = open_at[k][1:]
                    del open_at[k]
                    break
        elif part.placeholder and open_at:
            open_at = [(i, o, True) for i, o, _ in open_at]
    return out


def _emptied_pairs(source: Content, target: Content) -> list[tuple[int, str]]:
    """Pairs that wrap words in the source and none in the target (offset in the English,
    id): bold around no words is lost on the reader, so it gets a ``tags`` warning."""
    before = _pair_contents(source)
    return [(at, i) for i, (at, word) in _pair_contents(target).items()
            if not word and before.get(i, (0, False))[1]]


def _space_placeholders(plan: _Plan, content: Content) -> Content:
    """A placeholder glued to Korean (``{count}개``, ``{name}님``) is a word of its own in
    English: where the English puts a letter or digit right against it, a space goes
    between, unless the Korean had it glued to Latin letters or digits too (``v{version}``,
    ``%s.txt`` keep theirs). ICU syntax is never touched."""
    where = {c.code.id: c.at for c in plan.codes}
    spaced = {c.code.id for c in plan.codes if c.space_before}
    text = plan.text
    parts: list[str | Code] = []
    for part in content:                 # the spaces stand-ins took along, back
        if isinstance(part, Code) and part.id in spaced and parts:
            if isinstance(parts[-1], Code):
                parts.append(" ")
            elif not parts[-1][-1:].isspace():
                parts[-1] += " "
        parts.append(part)
    for k, part in enumerate(parts):
        if not (isinstance(part, Code) and part.id in plan.own and part.data != "#"
                and part.id not in plan.hard):
            continue
        at = where.get(part.id, 0)
        before_src = text[at - 1] if at > 0 else " "
        after_src = text[at] if at < len(text) else " "
        prev = parts[k - 1] if k > 0 else None
        if isinstance(prev, str) and prev and _word_char(prev[-1]) \
                and not _word_char(before_src):
            parts[k - 1] = prev + " "
        nxt = parts[k + 1] if k + 1 < len(parts) else None
        if isinstance(nxt, str) and nxt and _word_char(nxt[0]) and not _word_char(after_src):
            parts[k + 1] = " " + nxt
    return tuple(parts)


def _word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _report(plan: _Plan, pos: int, severity: str, message: str) -> None:
    """A ``tags`` finding on the unit and on the sentence whose English holds ``pos``."""
    holder = plan.sentences[0]
    for s in plan.sentences:
        if s.target_start <= pos:
            holder = s
    assert holder.result is not None
    local = max(0, min(len(holder.result.translation), pos - holder.target_start))
    issue = QAIssue("tags", severity, "target", local, local, message)
    plan.unit.qa.append(issue)
    holder.result.qa.append(issue)


def _place_in_sentence(plan: _Plan, i: int, codes: list[_Placed],
                       aligned: list[int] | None) -> None:
    """Place the codes of one sentence in its English (see the module docstring)."""
    s = plan.sentences[i]
    result = s.result
    assert result is not None
    source, english = result.source, result.translation
    base = s.target_start
    if english == source:                                  # copied: the same places
        for c in codes:
            c.target = base + c.at - s.start
        return
    known = aligned

    def alignment() -> list[int]:
        nonlocal known
        if known is None:
            known = align.proportional(source, english, align.tokens(english))
        return known

    placed, warnings = _positions(plan, i, codes, alignment)
    plan.warnings.extend((base + at, message) for at, message in warnings)
    for c in codes:
        c.target = base + placed[id(c)]


def _positions(plan: _Plan, i: int, codes: list[_Placed], alignment: Callable[[], list[int]]
               ) -> tuple[dict[int, int], list[tuple[int, str]]]:
    """Where each code of sentence ``i`` goes in its English (offsets in the sentence's
    English, by ``id`` of the code) and the warnings (same offsets). No side effects.

    Order of evidence: a glossary term's edge; for a pair, the sentence's edges when it
    wraps all of the sentence's words, else the English words aligned to the Korean it
    wraps; the sentence's edges and its closing punctuation; the alignment boundary for a
    single point. ``alignment`` is called only where the alignment is the evidence, so
    :func:`_needs_alignment` can tell without it whether a sentence needs one.
    """
    s = plan.sentences[i]
    result = s.result
    assert result is not None
    source, english = result.source, result.translation
    toks = align.tokens(english)
    terms = [t for t in result.terms if t.status is not TermStatus.SKIPPED]
    local = {id(c): min(max(0, c.at - s.start), len(source)) for c in codes}
    warnings: list[tuple[int, str]] = []

    for c in codes:                                        # a code inside a term: to its edge
        q = local[id(c)]
        for t in terms:
            if t.start < q < t.end:
                kind = c.kind
                local[id(c)] = (t.start if kind is CodeKind.OPEN else t.end
                                if kind is CodeKind.CLOSE else
                                t.start if q - t.start <= t.end - q else t.end)
                warnings.append((0, f"code {c.code.id!r} was inside the term "
                                    f"{t.surface!r}; moved to the term's edge"))
                break

    def term_edge(c: _Placed) -> int | None:
        q, kind = local[id(c)], c.kind
        for t in terms:
            if t.target_start is None or t.target_end is None:
                continue
            if q == t.start and kind is not CodeKind.CLOSE:
                return t.target_start
            if q == t.end and kind is not CodeKind.OPEN:
                return t.target_end
        return None

    def sentence_edge(c: _Placed) -> int | None:
        q = local[id(c)]
        if q <= 0:
            return 0
        if q >= len(source):
            return len(english)
        lead = _OPENING_PUNCT.match(source)
        if lead is not None and lead.end() == q and q:
            found = _OPENING_PUNCT.match(english)
            return found.end() if found else 0
        if _CLOSING_PUNCT.match(source, q):
            tail = _CLOSING_PUNCT.search(english)
            return tail.start() if tail else len(english)
        return None

    def point(c: _Placed) -> int:
        q = local[id(c)]
        attached = "after" if q > 0 and not source[q - 1].isspace() and (
            c.kind is not CodeKind.OPEN) else "before"
        return align.place_point(q, len(source), english, toks, alignment(),
                                 c.kind.value, attached)

    placed: dict[int, int] = {}
    done: list[tuple[_Placed, _Placed]] = []            # pairs placed (their words taken)
    empty: list[tuple[_Placed, _Placed]] = []           # pairs that wrap no word yet

    def free_word(pos: int, o: _Placed, c: _Placed) -> tuple[int, int] | None:
        """The word at or after ``pos`` (else the last) that no placed sibling pair
        already wraps, inside the pairs that contain this one in the source: a pair that
        wrapped words gets one, without landing inside a sibling (a link inside a link)
        or outside its parent. No free word there: the parent's words, nested."""
        lo, hi, parent = 0, len(english), False
        taken = []
        for o2, c2 in done:
            a2, b2 = sorted((placed[id(o2)], placed[id(c2)]))
            if o2.order < o.order and c2.order > c.order:
                lo, hi, parent = max(lo, a2), min(hi, b2), True
            else:
                taken.append((a2, b2))
        room = [t for t in toks if t.word and lo <= t.start and t.end <= hi]
        words = [t for t in room if not any(a <= t.start and t.end <= b for a, b in taken)]
        if words:
            word = next((t for t in words if t.end > pos), words[-1])
            return word.start, word.end
        return (room[0].start, room[-1].end) if parent and room else None

    mine = {id(c) for c in codes}
    opens = {c.pair: c for c in codes if c.kind is CodeKind.OPEN}
    for c in codes:                                        # pairs within the sentence
        o = opens.get(c.pair) if c.kind is CodeKind.CLOSE else None
        if o is None or id(o) not in mine:
            continue
        a, b = local[id(o)], local[id(c)]
        start, end = term_edge(o), term_edge(c)
        if _wraps_all_words(source, a, b):                 # the whole sentence but its stops
            start = sentence_edge(o) if start is None else start
            end = sentence_edge(c) if end is None else end
        if start is None or end is None:
            span = align.place_span(a, b, toks, alignment(), english)
            if start is None:
                start = span[0] if span else sentence_edge(o)
            if end is None:
                end = span[1] if span else sentence_edge(c)
        start = point(o) if start is None else start
        end = point(c) if end is None else end
        placed[id(o)], placed[id(c)] = start, end
        if b > a and _has_word(source[a:b]) and not _has_word(english[start:end]):
            empty.append((o, c))                           # it wrapped words: after the rest
        else:
            done.append((o, c))
    for o, c in sorted(empty, key=lambda pair: pair[0].order):   # outer pairs first
        word = free_word(min(placed[id(o)], placed[id(c)]), o, c)
        if word is not None:
            placed[id(o)], placed[id(c)] = word
            warnings.append((word[0], f"code pair {o.code.id!r} could not be aligned; it "
                                      "wraps the nearest word"))
        done.append((o, c))
    for c in codes:                                        # single codes, halves of pairs
        if id(c) not in placed:
            spot = term_edge(c)
            if spot is None:
                spot = sentence_edge(c)
            placed[id(c)] = point(c) if spot is None else spot
    return placed, warnings


def _wraps_all_words(source: str, a: int, b: int) -> bool:
    """Whether ``source[a:b]`` holds every word of the sentence (only spaces and
    punctuation outside it): the pair then wraps the whole English, as it would if it
    stood at the sentence's very edges."""
    return a < b and not _has_word(source[:a]) and not _has_word(source[b:])


def _has_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


@dataclass
class _Node:
    open: _Placed | None               # None for an isolated code
    close: _Placed | None
    point: _Placed | None
    children: list[_Node] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.open.target if self.open else self.point.target  # type: ignore[union-attr]

    @property
    def end(self) -> int:
        return self.close.target if self.close else self.point.target  # type: ignore[union-attr]

    @property
    def order(self) -> int:
        return self.open.order if self.open else self.point.order  # type: ignore[union-attr]

    def move(self, start: int, end: int) -> None:
        if self.point:
            self.point.target = start
        else:
            self.open.target, self.close.target = start, end  # type: ignore[union-attr]


def _tree(plan: _Plan) -> list[_Node]:
    roots: list[_Node] = []
    stack: list[_Node] = []
    for c in plan.codes:
        kind = c.kind
        if kind is CodeKind.CLOSE:
            node = stack.pop()
            node.close = c
            continue
        node = _Node(c if kind is CodeKind.OPEN else None, None,
                     c if kind is CodeKind.ISOLATED else None)
        (stack[-1].children if stack else roots).append(node)
        if kind is CodeKind.OPEN:
            stack.append(node)
    return roots


def _nest(plan: _Plan) -> None:
    """Make the placed codes nest: a pair's ends in order, children inside their parent,
    siblings not overlapping (a sibling inside another becomes its child in the English)."""
    def fix(nodes: list[_Node], lo: int, hi: int) -> list[_Node]:
        for n in nodes:
            s, e = n.start, n.end
            if s > e:
                s, e = e, s
                plan.warnings.append((s, f"code {n.open.code.id!r} was placed after its "  # type: ignore[union-attr]
                                         "end; the pair was turned around"))
            cs, ce = min(max(s, lo), hi), min(max(e, lo), hi)
            if (cs, ce) != (s, e):
                plan.warnings.append((cs, f"code {(n.open or n.point).code.id!r} moved "  # type: ignore[union-attr]
                                          "inside the code that contains it"))
            n.move(cs, ce)
        nodes = sorted(nodes, key=lambda n: (n.start, -n.end, n.order))
        kept: list[_Node] = []
        for n in nodes:
            prev = next((p for p in reversed(kept) if p.open), None)
            if prev is None or not prev.start < n.start < prev.end:
                kept.append(n)
                continue
            if n.end <= prev.end:                # inside it in the English: nests there
                prev.children.append(n)
                continue
            n.move(prev.end, n.end)              # overlaps its end: starts after it
            plan.warnings.append((n.start, f"code {n.open.code.id!r} overlapped another "  # type: ignore[union-attr]
                                           "pair; its start was moved"))
            kept.append(n)
        for n in kept:
            if n.open:
                n.children = fix(n.children, n.start, n.end)
        return kept

    plan.tree = fix(_tree(plan), 0, len(plan.english))


def _assemble(plan: _Plan) -> Content:
    english = plan.english
    out: list[str | Code] = []

    def emit(nodes: list[_Node], lo: int, hi: int) -> None:
        at = lo
        for n in sorted(nodes, key=lambda n: (n.start, n.order)):
            start = max(n.start, at)
            if start > at:
                out.append(english[at:start])
            if n.point:
                out.append(n.point.code)
                at = start
                continue
            out.append(n.open.code)  # type: ignore[union-attr]
            end = max(n.end, start)
            emit(n.children, start, end)
            out.append(n.close.code)  # type: ignore[union-attr]
            at = end
        if hi > at:
            out.append(english[at:hi])

    emit(plan.tree, 0, len(english))
    return tuple(p for p in out if not (isinstance(p, str) and not p))
