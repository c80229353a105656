"""Making the engine say the glossary's term, with CTranslate2's own decoding controls.

A batch of sentences goes through replaceable steps, each recording which terms it brought
into the translation:

1. ``hint``    — (opt-in) models trained with ``<sep>`` term hints get the targets appended to
                 the source, and an unhinted draft of each such sentence is decoded beside it.
2. ``rerank``  — decode ``num_hypotheses`` alternatives and keep the one meeting most terms
                 (forbidden renderings are blocked with ``suppress_sequences`` in every
                 decode from a prefix; in the first pass they mark where a term goes).
3. ``splice``  — for a term still missing, put it in place of the model's own rendering (a
                 forbidden rendering, a garbled attempt, else the words whose attention rests
                 on the term's Korean); no model call.
4. ``prefix``  — for a term still missing, find where its rendering goes and decode again from
                 ``target_prefix`` = hypothesis up to there + the term.

Step 4 guarantees the term (it is in the prefix); the others make that rarely necessary and
cost less (a splice costs nothing, a prefix a decode per round). Every choice between
hypotheses puts terms first, then the rest of the sentence (segment QA: nothing lost, nothing
looping, no term beside the model's own rendering of it), then the model's score, so a term
is never bought with half the sentence; a splice that loses what the sentence had is not kept.
No text is replaced after these checks: polishing touches only articles and capitals.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher

from bitext.qa import QAIssue, check_pair
from bitext.qa import terms as term_checks
from bitext.qa.confidence import Evidence
from bitext.qa.length import default_length_model, target_units
from bitext.qa.lexicon import STOPWORDS, default_lexicon
from bitext.records import TermRecord, TermStatus
from glossary.check import check_segment, find_rendering
from glossary.match import TermMatch
from translate.confidence import assess, content_tokens
from translate.engine import Engine
from translate.english import fix_around
from translate.options import DecodeOptions

PREFIX_ALTERNATIVES = 4  # continuations after a forced term: the greedy one and others that
WIDE_ALTERNATIVES = 64   # start a word, looked for among this many likeliest next pieces
MAX_PLACES = 2           # places tried for a forced term (a garbled attempt, attention)
WHOLE = 0.9              # a cheap continuation this long (vs the first pass) needs no beam
NEAR_MISS = 0.6          # similarity at which a span counts as a garbled try at the term
SAME_LENGTH_BONUS = 0.05  # "public intelligence" over "intelligence" for a two-word term
BESIDE_SHARE = 0.5       # a neighbour this attentive to the term's source renders it again


@dataclass
class Job:
    """One sentence on its way through the steps."""

    source: str
    matches: list[TermMatch]
    pieces: list[str]                              # source pieces, no hints, no </s>
    hints: list[list[str]] = field(default_factory=list)
    hint_targets: list[str] = field(default_factory=list)   # the target each hint spells
    suppress: tuple[tuple[str, ...], ...] = ()     # forbidden renderings, as target pieces
    hypothesis: list[str] = field(default_factory=list)
    attention: list[list[float]] | None = None
    text: str = ""
    draft: str = ""                                # the first pass's top hypothesis
    strategy: dict[int, str] = field(default_factory=dict)   # match index -> step
    locked: int = 0                                # target pieces fixed by a prefix
    records: list[TermRecord] = field(default_factory=list)  # the final check, with steps
    qa: list[QAIssue] = field(default_factory=list)          # segment QA of the final text
    confidence: float | None = None                          # see translate.confidence
    evidence: Evidence | None = None                         # what the confidence read
    tokens: list[str] = field(default_factory=list)          # Korean content morphemes

    @property
    def active(self) -> list[int]:
        return [i for i, m in enumerate(self.matches) if m.applies]

    def unmet(self, text: str | None = None) -> list[int]:
        records = check_segment(self.matches, self.text if text is None else text)
        return [i for i, r in enumerate(records)
                if r.status in (TermStatus.MISSED, TermStatus.FORBIDDEN)]


def forbidden_pieces(engine: Engine, phrases: list[str]) -> tuple[tuple[str, ...], ...]:
    """Piece sequences to suppress: each phrase as written, lowercased and capitalised."""
    return tuple(sorted({seq for phrase in phrases for seq in _forms(engine, phrase)}))


def _forms(engine: Engine, phrase: str) -> list[tuple[str, ...]]:
    """The phrase's pieces as written, lowercased and capitalised (a forbidden rendering
    may open the sentence)."""
    forms = dict.fromkeys((phrase, phrase.lower(), phrase[:1].upper() + phrase[1:]))
    return list(dict.fromkeys(tuple(engine.target_pieces(f)) for f in forms))


def prepare(engine: Engine, source: str, matches: list[TermMatch],
            options: DecodeOptions, suppress: tuple[tuple[str, ...], ...] = ()) -> Job:
    """A job for one sentence; ``suppress`` applies only if the sentence carries a term."""
    job = Job(source, matches, engine.source_pieces(source))
    active = [matches[i] for i in job.active]
    if "hint" in options.strategies and engine.takes_hints:
        job.hint_targets = list(dict.fromkeys(m.term.target for m in active))
        job.hints = [engine.target_pieces(t) for t in job.hint_targets]
    if active:
        job.suppress = suppress
        job.tokens = content_tokens(source)
    return job


def _decode(engine: Engine, jobs: list[Job], options: DecodeOptions, *,
            prefixes: list[list[str]] | None = None, hypotheses: int = 1,
            alternatives: bool = False, unhinted: list[bool] | None = None,
            wanted: Callable[[list], list[bool]] | None = None, mixed: bool = False) -> list:
    """Decode jobs in as few ``translate_batch`` calls as the options allow: one for the
    sentences with terms, one for those without; with ``mixed``, one for all.

    Decoding cost is mostly per call (each step of a small batch costs about what a step
    of one sentence costs: a call lasts as long as its longest sentence), so the
    term-bearing sentences share one call and one suppress list (the glossary's forbidden
    renderings, see :func:`enforce`): suppressing "electric field" in a sentence whose own
    terms do not forbid it costs nothing, splitting the call costs a decode. Sentences
    without terms are decoded as the bare model would, nothing suppressed. ``mixed`` (the
    first pass) decodes every sentence in one call with nothing suppressed: the hypotheses
    of a sentence without terms are still the bare model's (more of them, and attention,
    change nothing in the first), and a forbidden rendering in a sentence with terms is where
    its term goes (see :func:`placements`).
    With prefixes, ``alternatives`` asks for :meth:`Engine.alternatives`: the best
    continuations that each start with a different next token, continued greedily; otherwise
    a beam search continues from the prefix. ``unhinted[i]`` decodes job i without its hints (a
    job may appear twice, hinted and not).
    """
    groups: dict[bool, list[int]] = defaultdict(list)
    mixed = mixed and any(job.active for job in jobs)  # no terms at all: the bare decode
    for i, job in enumerate(jobs):
        groups[mixed or bool(job.active)].append(i)
    results: list = [None] * len(jobs)
    for has_terms, members in groups.items():
        n = hypotheses if has_terms else 1  # alternatives only matter where terms are checked
        kwargs: dict = dict(
            beam_size=1 if alternatives else max(options.beam_size, n), num_hypotheses=n,
            max_batch_size=options.max_batch_size, return_scores=True,
            # only where terms are placed and checked: the confidence's attention feature is
            # not in the shipped fits, and returning it costs every plain sentence
            return_attention=has_terms,
            max_decoding_length=options.max_decoding_length,
            length_penalty=options.length_penalty, **options.repetition(),
        )
        suppress = [] if mixed else sorted({s for i in members for s in jobs[i].suppress})
        if suppress:
            kwargs["suppress_sequences"] = [list(s) for s in suppress]
        sources = [engine.source_tokens(jobs[i].pieces,
                                        [] if unhinted and unhinted[i] else jobs[i].hints)
                   for i in members]
        if prefixes is not None and alternatives:
            del kwargs["beam_size"], kwargs["num_hypotheses"]
            # prefixes are forced only in sentences with terms: one group, indices as given
            assert wanted is None or len(members) == len(jobs)
            decoded = engine.alternatives(
                sources, [prefixes[i] for i in members], n, accept=starts_piece,
                depth=WIDE_ALTERNATIVES, wanted=wanted, **kwargs)
        else:
            if prefixes is not None:
                kwargs["target_prefix"] = [prefixes[i] for i in members]
            decoded = engine.translate_batch(sources, **kwargs)
        for i, result in zip(members, decoded):
            results[i] = result
    return results


@dataclass
class Candidate:
    """A complete hypothesis for one job, with what the choice between candidates weighs."""

    pieces: list[str]
    attention: list[list[float]] | None
    text: str
    unmet: int          # applicable terms it misses or renders forbidden
    flaws: int          # QA problems that lose content (see :func:`flaws`)
    score: float = 0.0  # model score (mean log-probability per piece), filled in when needed;
                        # for a splice, closeness to the model's own rendering

    @property
    def key(self) -> tuple[int, int, float]:
        return self.unmet, self.flaws, -self.score


def choose(candidates: list[Candidate]) -> int:
    """Index of the candidate to keep: terms first, then no lost content, then model score.

    A term is never traded for content (the guarantee), but among candidates that meet the
    same terms the one that keeps the sentence wins over a likelier one that drops or loops.
    """
    return min(range(len(candidates)), key=lambda k: (candidates[k].key, k))


def candidate(engine: Engine, job: Job, pieces: list[str], attention, draft: str
              ) -> Candidate:
    text = engine.detokenize(pieces)
    records = check_segment(job.matches, text)
    unmet = sum(r.status in (TermStatus.MISSED, TermStatus.FORBIDDEN) for r in records)
    return Candidate(pieces, attention, text, unmet, flaws(job, text, draft)
                     + len(beside(engine, job, records, text, pieces, attention)))


def _best(engine: Engine, job: Job, result) -> tuple[int, Candidate]:
    """The result's hypothesis to keep; alternatives are looked at only when the top one
    misses a term or loses content, and checked only if they could beat the best so far
    (detokenising and checking them costs time)."""
    def cand(k: int) -> Candidate:
        return candidate(engine, job, result.hypotheses[k],
                         result.attention[k] if result.attention else None, job.draft)

    if not job.active:  # nothing to choose by: the model's best, as the bare model has it
        return 0, Candidate(result.hypotheses[0],
                            result.attention[0] if result.attention else None, job.draft, 0, 0)
    found = {0: cand(0)}
    best = 0
    for k in range(1, len(result.hypotheses)):
        top = found[best]
        if top.key[:2] == (0, 0):
            break
        # one that misses more terms, or as many when the best so far loses nothing, cannot
        # win (ties go to the likelier): its QA checks are skipped
        unmet = len(job.unmet(engine.detokenize(result.hypotheses[k])))
        if unmet < top.unmet or (unmet == top.unmet and top.flaws):
            found[k] = cand(k)
            best = min(found, key=lambda i: (found[i].key, i))
    return best, found[best]


def _keep(job: Job, chosen: Candidate) -> None:
    job.hypothesis, job.text, job.attention = chosen.pieces, chosen.text, chosen.attention


def first_pass(engine: Engine, jobs: list[Job], options: DecodeOptions) -> None:
    """Decode once with hints; keep the alternative that meets most terms and loses least.

    A hint sometimes makes the model copy its term twice ("Affectionate Intelligence is
    Affectionate Intelligence"); those sentences are decoded again without that hint and
    the better of the two kept.
    """
    n = max(1, options.num_hypotheses) if "rerank" in options.strategies else 1
    reranked: dict[int, bool] = {}
    hinted = [job for job in jobs if job.hints]
    results = _decode(engine, jobs + hinted, options, hypotheses=n, mixed=True,
                      unhinted=[False] * len(jobs) + [True] * len(hinted))
    bare = _unhinted(engine, hinted, results[len(jobs):])
    for job, result in zip(jobs, results):
        job.draft = bare[id(job)].text if id(job) in bare else engine.detokenize(
            result.hypotheses[0])
        best, chosen = _best(engine, job, result)
        _keep(job, chosen)
        reranked[id(job)] = best > 0
    twice_by_job = {id(job): twice for job in jobs
                    if job.hints and (twice := _copied_terms(job, job.text))}
    copied = [job for job in jobs if id(job) in twice_by_job]
    saved = [(job.hints, job.hint_targets) for job in copied]
    for job in copied:
        twice = twice_by_job[id(job)]
        job.hints = [h for h, t in zip(job.hints, job.hint_targets) if t not in twice]
        job.hint_targets = [t for t in job.hint_targets if t not in twice]
    for job, (hints, targets), result in zip(copied, saved,
                                             _decode(engine, copied, options, hypotheses=n)):
        current = candidate(engine, job, job.hypothesis, job.attention, job.draft)
        best, chosen = _best(engine, job, result)
        if current.key <= chosen.key:
            job.hints, job.hint_targets = hints, targets
        else:
            _keep(job, chosen)
            reranked[id(job)] = best > 0
    for job in jobs:
        fallback = bare.get(id(job))
        if fallback is not None and job.hints and _shorter(job.text, fallback.text):
            # the hints cost half the sentence: start again from the model's own full
            # sentence and let the prefix step force the terms into it
            job.hints, job.hint_targets = [], []
            _keep(job, fallback)
            reranked[id(job)] = False
        unmet, draft_unmet = job.unmet(), job.unmet(job.draft)
        for i in job.active:
            if i not in unmet:
                job.strategy[i] = ("rerank" if reranked[id(job)] and i in draft_unmet
                                   else "hint" if job.hints else "model")


def _unhinted(engine: Engine, jobs: list[Job], results: list) -> dict[int, Candidate]:
    """The model's own translation of each hinted job, without its hints: the draft that
    omission is judged against (a hint can make the model stop early: "It is a customer
    touchpoint." for a sentence it otherwise renders whole) and a fallback to repair.
    Decoded in the same call as the hinted pass (one call costs less than two)."""
    found = {}
    for job, result in zip(jobs, results):
        pieces = result.hypotheses[0]
        found[id(job)] = Candidate(pieces, result.attention[0] if result.attention else None,
                                   engine.detokenize(pieces), 0, 0)
    return found


def _shorter(text: str, draft: str) -> bool:
    """Shorter than the omission check allows against an unconstrained draft."""
    had = target_units(draft)
    return had >= default_length_model().min_expected and \
        target_units(text) < default_length_model().draft_ratio * had


def _copied_terms(job: Job, text: str) -> set[str]:
    """Targets rendered more often than the source has the term (a hint copied twice)."""
    wanted = Counter(job.matches[i].term.target for i in job.active)
    return {t for t, n in wanted.items() if len(find_rendering(t, text)) > n}


# Findings that mean a candidate lost or garbled content; latin-missing and untranslated are
# left to the report (the weak model drops names in every candidate alike).
CHOICE_CODES = ("omission", "number", "repetition", "punctuation")


def flaws(job: Job, text: str, draft: str) -> int:
    """QA errors of a candidate that mean lost content, plus terms copied twice.

    Much shorter than the unconstrained draft or than its source warrants, a number dropped,
    a word or phrase looping ("Iran Iran"), a quotation opened and not closed (all from
    :func:`bitext.qa.check_pair`), or a term rendered more often than the source has it.
    Used only to choose between candidates that meet the same terms.
    """
    found = check_pair(job.source, text, draft=draft or None, codes=CHOICE_CODES)
    return (sum(q.severity == "error" for q in found) + len(_copied_terms(job, text))
            + len(term_artefacts(job, text, check_segment(job.matches, text), draft)))


def term_artefacts(job: Job, text: str, records: list[TermRecord], draft: str | None
                   ) -> list[QAIssue]:
    """Glued or repeated term renderings and content the terms pushed out
    (:mod:`bitext.qa.terms`), from the text alone."""
    wanted = Counter(r.target for r in records
                     if r.status in (TermStatus.APPLIED, TermStatus.MISSED))
    if not wanted:
        return []
    lexicon = default_lexicon()
    return [*term_checks.glued(text, list(wanted), lexicon.targets),
            *term_checks.repeated(text, wanted),
            *term_checks.lost(job.source, text, draft, job.tokens,
                              [r.surface for r in records], lexicon)]


def beside(engine: Engine, job: Job, records: list[TermRecord], text: str,
           pieces: list[str], attention: list[list[float]] | None) -> list[QAIssue]:
    """A term written next to the model's own rendering of the same Korean ("The
    refrigerator HVAC" for 냉난방 공조): the neighbouring word's attention rests on the term's
    source pieces. Needs the attention of the final hypothesis (none: nothing found)."""
    if not attention or not pieces:
        return []
    issues = []
    n_src = len(job.pieces)
    starts = [k for k, p in enumerate(pieces) if p.startswith("▁")] + [len(pieces)]
    for match, rec in zip(job.matches, records):
        if rec.status is not TermStatus.APPLIED or rec.target_start is None:
            continue
        term = engine.target_pieces(rec.target)
        span = source_span(engine, job, match)
        for i in range(len(pieces) - len(term) + 1):
            if pieces[i:i + len(term)] != term:
                continue
            before = max((k for k in starts if k < i), default=None)
            after_end = min((k for k in starts if k > i + len(term)), default=len(pieces))
            for lo, hi in ((before, i), (i + len(term), after_end)):
                if lo is None or hi <= lo:
                    continue
                word = "".join(pieces[lo:hi]).replace("▁", "").strip()
                if len(word) < 3 or not word.isalpha() or word.lower() in STOPWORDS \
                        or word.lower() in rec.target.lower():
                    continue
                rows = attention[lo:hi]
                share = [sum(r[j] for j in span if j < len(r)) / (sum(r[:n_src]) or 1.0)
                         for r in rows]
                if share and sum(share) / len(share) >= BESIDE_SHARE:
                    at = _nearest(text, word, rec.target_start)
                    if at is not None:
                        issues.append(QAIssue(
                            "term-artefact", "warning", "target", at, at + len(word),
                            f"'{word}' next to the term '{rec.target}' renders the same "
                            f"Korean ({rec.surface}) a second time"))
    return sorted(set(issues), key=QAIssue.sort_key)


def _nearest(text: str, word: str, near: int) -> int | None:
    spots = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text,
                                            re.IGNORECASE)]
    return min(spots, key=lambda a: abs(a - near)) if spots else None


def source_span(engine: Engine, job: Job, match: TermMatch) -> range:
    """Indices of the source pieces that spell the term (prefix lengths, no offsets needed)."""
    start = len(engine.source_pieces(job.source[: match.start])) if match.start else 0
    end = len(engine.source_pieces(job.source[: match.end]))
    return range(max(0, start - 1), max(end, start + 1))


def near_miss(job: Job, target: str) -> tuple[int, int] | None:
    """Piece span of a garbled attempt at ``target`` ("Afffection Intelligence", "BVAC").

    Hinted models often try to copy the term and get it slightly wrong; forcing the term
    anywhere else would leave both in the sentence, so the attempt is where it goes. A
    correct rendering is no attempt: it belongs to another occurrence of the term.
    """
    words = [k for k in range(job.locked, len(job.hypothesis))
             if job.hypothesis[k].startswith("▁")] + [len(job.hypothesis)]
    size = len(target.split())
    best, span = NEAR_MISS, None
    for w in range(len(words) - 1):
        for n in {max(1, size - 1), size, size + 1}:
            if w + n >= len(words):
                continue
            text = "".join(job.hypothesis[words[w]:words[w + n]]).replace("▁", " ").strip()
            if find_rendering(target, text):  # the term itself, another match's rendering
                continue
            ratio = SequenceMatcher(None, text.lower(), target.lower()).ratio()
            ratio += SAME_LENGTH_BONUS if n == size else 0.0
            if ratio > best:
                best, span = ratio, (words[w], words[w + n])
    return span


def attention_start(engine: Engine, job: Job, match: TermMatch) -> int:
    """Target position where the model began rendering the term, by attention.

    The peak of attention mass on the term's source pieces marks its rendering and we walk
    back while the mass stays high to find where that rendering starts. Without attention
    (some model families return none) the place is proportional to the source.
    """
    n = len(job.hypothesis)
    if not job.attention or n == 0:
        return max(job.locked, round(n * match.start / max(1, len(job.source))))
    span = source_span(engine, job, match)
    mass = [sum(row[j] for j in span if j < len(row)) for row in job.attention[:n]]
    lo = min(job.locked, n)
    if lo >= n:
        return n
    peak = max(range(lo, n), key=mass.__getitem__)
    start = peak
    while start > lo and mass[start - 1] >= 0.5 * mass[peak]:
        start -= 1
    # a rendering begins at a word boundary
    while start > lo and not job.hypothesis[start].startswith("▁"):
        start -= 1
    return start


def attempts(engine: Engine, job: Job, match: TermMatch) -> list[tuple[int, int]]:
    """Piece spans of the model's own try at the term, surest first: a forbidden rendering
    of it ("electric field" for 전장: suppressed when decoding from a prefix, not in the
    first pass), then a garbled attempt at the target (:func:`near_miss`)."""
    spans = []
    hyp = job.hypothesis
    for phrase in match.term.forbidden:
        for seq in _forms(engine, phrase):
            spans += [(k, k + len(seq)) for k in range(job.locked, len(hyp) - len(seq) + 1)
                      if tuple(hyp[k:k + len(seq)]) == seq]
    attempt = near_miss(job, match.term.target)
    return list(dict.fromkeys(sorted(spans) + ([attempt] if attempt else [])))


def placements(engine: Engine, job: Job, match: TermMatch,
               tried: list[tuple[int, int]] | None = None) -> list[int]:
    """Where the forced term may go, best guess first; each place is tried.

    The model's own try at the term wins (forcing the term anywhere else would leave both
    in the sentence); the attention estimate is the second place, or the only one.
    ``tried``: the match's :func:`attempts`, where the caller has them already.
    """
    if tried is None:
        tried = attempts(engine, job, match)
    places = [a for a, _ in tried] + [attention_start(engine, job, match)]
    return list(dict.fromkeys(places))[:MAX_PLACES]


def starts_word(pieces: list[str], at: int) -> bool:
    """True if the piece at ``at`` begins a new word (or punctuation, or the sentence ends)."""
    return at >= len(pieces) or starts_piece(pieces[at])


def starts_piece(piece: str) -> bool:
    """A piece that begins a word, punctuation or the end ("</s>"): what may follow a
    forced term without gluing onto it ("HVACurity")."""
    return piece.startswith("▁") or not piece[:1].isalnum()


Try = tuple[Job, int, list[str]]          # job, index of the forced match, target prefix
# id(job) -> (candidate, index of the forced match, pieces locked, starts a new word)
Found = dict[int, list[tuple[Candidate, int, int, bool]]]


def prefix_repair(engine: Engine, jobs: list[Job], options: DecodeOptions) -> None:
    """Round by round, force the leftmost missing term of each sentence via target_prefix.

    First the cheap try: the greedy continuation from every place the term may go, all
    sentences in one batch; where none of those keeps the sentence whole (each loses
    content, glues onto the term or is cut short), the continuations from the other likely
    next pieces that start a word; where none of those either, a beam search from every
    place. Among all candidates the one that meets the terms, loses no content and
    has the best model score (``score_batch``) is kept. A forced prefix may cut off a term
    the model had produced later in the sentence, so a sentence gets up to two rounds per
    term; what is still missing after that is reported.
    """
    pending = [(j, unmet) for j in jobs if j.active and (unmet := j.unmet())]
    for _ in range(2 * max((len(j.active) for j, _ in pending), default=0)):
        if not pending:
            break
        places: dict[int, list[Try]] = {}
        for job, missing in pending:
            at, index = min((placements(engine, job, job.matches[i]), i) for i in missing)
            term = engine.target_pieces(job.matches[index].term.target)
            places[id(job)] = [(job, index, job.hypothesis[:k] + term) for k in at]
            if job.hints:  # a term already in the prefix needs no hint: it only invites a copy
                job.hint_targets = list(dict.fromkeys(
                    job.matches[i].term.target for i in missing if i != index))
                job.hints = [engine.target_pieces(t) for t in job.hint_targets]
        found: Found = defaultdict(list)
        _continue(engine, [t for j, _ in pending for t in places[id(j)]], options, found,
                  alternatives=True, enough=keeps_whole)
        harder = [(job, missing) for job, missing in pending
                  if not keeps_whole(job, found[id(job)])]
        _continue(engine, [t for job, _ in harder for t in places[id(job)]], options, found,
                  alternatives=False)
        # a continuation glued onto the term ("HVACurity") only if nothing else
        chosen_from = {id(job): [c[:3] for c in found[id(job)] if c[3]]
                       or [c[:3] for c in found[id(job)]] for job, _ in pending}
        _score(engine, [(job, chosen_from[id(job)]) for job, _ in pending], options)
        for job, _ in pending:
            cands = chosen_from[id(job)]
            chosen, index, locked = cands[choose([c for c, _, _ in cands])]
            _keep(job, chosen)
            job.locked = locked
            job.strategy[index] = "prefix"
        pending = [(j, unmet) for j, _ in pending if (unmet := j.unmet())]
    for job in jobs:  # met as a side effect of a prefixed decode
        unmet = job.unmet() if job.active else []
        for i in job.active:
            if i not in unmet:
                job.strategy.setdefault(i, "prefix")


SPLICE_WORDS = 2  # words of the model's own rendering that a spliced term may replace
ALIGNED = 0.3     # a word with this share of its attention on the term's Korean renders it
RENDERS = 0.5     # ... and with this share it is a place of its own for the term


def splice_repair(engine: Engine, jobs: list[Job], options: DecodeOptions) -> None:
    """Round by round, put the leftmost missing term of each sentence in place of the
    model's own rendering of it, without calling the model.

    The model's sentence is kept whole (no hint made it stop early, no continuation can
    wander off), so only the words where the term goes are in question. From each place the
    term may go (a forbidden rendering, a garbled attempt, the attention peak, then any word
    with half its attention on the term's Korean) the term replaces 0 to SPLICE_WORDS words;
    the candidates are judged as every other (terms, then lost content), and among equals the
    one closest to what the model itself wrote for the term wins: the attempt, else the words
    whose attention rests on the term's Korean. (Scoring the candidates with ``score_batch``
    instead cost a quarter of the pipeline's time on term-dense text, re-encoding the source
    for every candidate, for the same chrF on the held-out sets: docs/notes/speed4.md.) A
    splice is kept only if it loses nothing the sentence had not lost already; the rest are
    left to the prefix step, which decodes.
    """
    pending = [job for job in jobs if job.active and job.unmet()]
    for _ in range(max((len(job.active) for job in pending), default=0)):
        kept = []
        for job in pending:
            index, cands = _splices(engine, job)
            before = candidate(engine, job, job.hypothesis, job.attention, job.draft)
            best = cands[choose(cands)] if cands else before
            if best.unmet < before.unmet and best.flaws <= before.flaws:
                _keep(job, best)
                job.strategy[index] = "splice"
                kept.append(job)
        pending = [job for job in kept if job.unmet()]
        if not pending:
            break


def _splices(engine: Engine, job: Job) -> tuple[int, list[Candidate]]:
    """(the leftmost missing match, its spliced candidates, scored by closeness to the
    model's own rendering) for one job."""
    unmet = job.unmet()
    tried = {i: attempts(engine, job, job.matches[i]) for i in unmet}
    at, index = min((placements(engine, job, job.matches[i], tried[i]), i) for i in unmet)
    match = job.matches[index]
    if not job.source[:match.start].strip() and not job.source[match.end:].strip(" .!?…"):
        # the Korean is the term alone (a menu label, a cell): the prefix step ends the
        # English after the term, where a splice would keep the model's other words
        return index, []
    term = engine.target_pieces(match.term.target)
    hyp, attention = job.hypothesis, job.attention
    # words start at a word piece, and at the start of what is not locked
    bounds = [k for k in range(job.locked, len(hyp)) if k == job.locked or starts_piece(hyp[k])]
    bounds.append(len(hyp))
    # then every word that renders the term's Korean by its attention, surest first: tried
    # only if the places above lose content ("The first fruits of the electric business"
    # for 전장 사업: the attention peak is on "first", 처음's word; "electric" is 전장's)
    at = list(dict.fromkeys(at + aligned_words(engine, job, match, bounds)))
    own_try = dict(reversed(tried[index]))  # an attempt's span, by its start
    spans: dict[tuple[int, int], float] = {}  # (start, end) -> closeness to the model's own
    for rank, a in enumerate(k for k in at if k in bounds):
        i = bounds.index(a)
        own = own_try.get(a) or bounds[min(i + rendered_words(engine, job, match, bounds[i:]),
                                         len(bounds) - 1)]
        for b in dict.fromkeys([own, *bounds[i:i + SPLICE_WORDS + 1]]):
            words = sum(a <= k < b for k in bounds) - sum(a <= k < own for k in bounds)
            spans.setdefault((a, b), -abs(words) - 0.01 * rank)
    # what the model wrote for a term has a content word: a splice never takes out only
    # "has" or "the" (attention often rests on the next source word, not the one rendered)
    spans = {(a, b): v for (a, b), v in spans.items() if a == b or any(
        w.lower() not in STOPWORDS for w in engine.detokenize(hyp[a:b]).split())}
    missing = len(unmet)
    cands, seen = [], set()
    # closest first; the first that meets the term and loses nothing wins, so the checks
    # of the others are not needed
    for (a, b), score in sorted(spans.items(), key=lambda item: -item[1]):
        pieces = hyp[:a] + term + hyp[b:]
        if tuple(pieces) in seen:
            continue
        seen.add(tuple(pieces))
        rows = None
        if attention:  # the term's rows: those of the words it replaces
            old = attention[a:b] or [[0.0] * len(attention[0])]
            rows = attention[:a] + [[sum(c) / len(old) for c in zip(*old)]] * len(term) \
                + attention[b:]
        cand = candidate(engine, job, pieces, rows, job.draft)
        cand.score = score
        cands.append(cand)
        if not cand.flaws and cand.unmet < missing:
            break
    return index, cands


def _share(job: Job, span: range, lo: int, hi: int) -> tuple[float, bool]:
    """(share of the attention of pieces lo..hi on the source span, whether it peaks there)."""
    n_src = len(job.pieces)
    rows = [row[:n_src] for row in (job.attention or [])[lo:hi]]
    if not rows:
        return 0.0, False
    mean = [sum(c) / len(rows) for c in zip(*rows)]
    share = sum(mean[j] for j in span if j < len(mean)) / (sum(mean) or 1.0)
    return share, max(range(len(mean)), key=mean.__getitem__) in span


def aligned_words(engine: Engine, job: Job, match: TermMatch, bounds: list[int]) -> list[int]:
    """Starts of the words that put most of their attention on the term's Korean (at least
    RENDERS of it), surest first; none without attention."""
    if not job.attention:
        return []
    span = source_span(engine, job, match)
    shares = [(_share(job, span, lo, hi)[0], lo) for lo, hi in zip(bounds, bounds[1:])]
    return [lo for share, lo in sorted(shares, key=lambda x: -x[0]) if share >= RENDERS]


def rendered_words(engine: Engine, job: Job, match: TermMatch, starts: list[int]) -> int:
    """How many of the words beginning at ``starts`` (word starts, the first where the term
    goes) render the term's Korean: consecutive words whose attention peaks on its source
    pieces or puts ALIGNED of its mass there, at most SPLICE_WORDS (0 without attention)."""
    if not job.attention:
        return 0
    span = source_span(engine, job, match)
    count = 0
    for lo, hi in zip(starts[:SPLICE_WORDS], starts[1:SPLICE_WORDS + 1]):
        share, peaks = _share(job, span, lo, hi)
        if not peaks and share < ALIGNED:
            break
        count += 1
    return count


def keeps_whole(job: Job, found: list[tuple[Candidate, int, int, bool]]) -> bool:
    """Whether a candidate of this round is good enough to stop decoding for the job: it
    meets more terms than the job's text, loses nothing, starts a word after the term and
    is not much shorter than the draft."""
    missing = len(job.unmet())
    return any(c.flaws == 0 and c.unmet < missing and w and len(c.text) >= WHOLE * len(job.draft)
               for c, _, _, w in found)


def _continue(engine: Engine, tries: list[Try], options: DecodeOptions, found: Found,
              *, alternatives: bool,
              enough: Callable[[Job, list[tuple[Candidate, int, int, bool]]], bool] | None
              = None) -> None:
    """Decode from each try's prefix; add (candidate, index, locked, starts a word) to found.

    With ``alternatives``, the greedy continuations come first and the other alternatives
    are decoded only for the jobs that ``enough`` does not find whole with those.
    """
    if not tries:
        return

    def add(k: int, pieces: list[str], attention) -> tuple[Candidate, int, int, bool]:
        job, index, prefix = tries[k]
        return (candidate(engine, job, pieces, attention, job.draft), index, len(prefix),
                starts_word(pieces, len(prefix)))

    greedy: dict[int, tuple[Candidate, int, int, bool]] = {}

    def wanted(first: list) -> list[bool]:
        by_job: dict[int, list] = defaultdict(list)
        for k, result in enumerate(first):
            greedy[k] = add(k, result.hypotheses[0],
                            result.attention[0] if result.attention else None)
            by_job[id(tries[k][0])].append(greedy[k])
        return [enough is None or not enough(job, found[id(job)] + by_job[id(job)])
                for job, _, _ in tries]

    results = _decode(engine, [t[0] for t in tries], options, prefixes=[t[2] for t in tries],
                      hypotheses=PREFIX_ALTERNATIVES if alternatives else options.beam_size,
                      alternatives=alternatives, wanted=wanted if alternatives else None)
    for k, ((job, _, _), result) in enumerate(zip(tries, results)):
        for h, pieces in enumerate(result.hypotheses):
            if h == 0 and k in greedy:
                found[id(job)].append(greedy[k])
                continue
            found[id(job)].append(add(k, pieces, result.attention[h] if result.attention
                                      else None))


def _score(engine: Engine, groups: list[tuple[Job, list[tuple[Candidate, int, int]]]],
           options: DecodeOptions) -> None:
    """Model scores for the candidates that tie on terms and flaws (the rest cannot win),
    for all sentences of the round in one ``score_batch`` call.

    Scored against the source without hints: the question is how likely the sentence is
    as a translation, not how faithfully it copies a hint.
    """
    todo: list[tuple[Candidate, list[str]]] = []
    for job, cands in groups:
        top = min((c.key[:2] for c, _, _ in cands), default=None)
        tied = [c for c, _, _ in cands if c.key[:2] == top]
        if len(tied) > 1:
            source = engine.source_tokens(job.pieces)
            todo += [(c, source) for c in tied]
    if todo:
        scores = engine.score_batch([s for _, s in todo], [c.pieces for c, _ in todo],
                                    options.max_batch_size)
        for (c, _), score in zip(todo, scores):
            c.score = score


def polish(job: Job) -> str:
    """Article and capital fixes around every glossary target present in the sentence."""
    text = job.text
    for i in job.active:
        text = fix_around(text, job.matches[i].term.target)
    return text


def finish(engine: Engine, job: Job) -> None:
    """The final text and its checks: terms (each applied one credited to the step that
    made it) and segment QA, against the first pass where enforcement changed the text."""
    job.text = polish(job)
    job.records = [
        replace(r, strategy=job.strategy.get(i)) if r.status is TermStatus.APPLIED else r
        for i, r in enumerate(check_segment(job.matches, job.text))
    ]
    draft = job.draft if job.draft and job.draft != job.text else None
    job.qa = sorted({*check_pair(job.source, job.text, draft=draft),
                     *term_artefacts(job, job.text, job.records, draft),
                     *beside(engine, job, job.records, job.text, job.hypothesis,
                             job.attention)}, key=QAIssue.sort_key)


def enforce(engine: Engine, sources: list[str], matches: list[list[TermMatch]],
            options: DecodeOptions | None = None, *,
            forbidden: Sequence[str] | None = None) -> list[Job]:
    """Translate a batch of sentences so that every applicable term is rendered as listed.

    ``forbidden``: the glossary's forbidden renderings, all of them suppressed in every
    sentence that carries a term (one suppress list lets those sentences share one
    CTranslate2 call, and one that comes from the glossary alone keeps a sentence's
    translation independent of what it is batched with). Default: those of the terms
    matched in this batch. Each returned job carries its final ``text`` and checked
    ``records``: nothing downstream needs to check again.
    """
    options = options or DecodeOptions()
    if forbidden is None:
        forbidden = [f for ms in matches for m in ms if m.applies for f in m.term.forbidden]
    suppress = forbidden_pieces(engine, sorted(set(forbidden)))
    jobs = [prepare(engine, s, m, options, suppress) for s, m in zip(sources, matches)]
    first_pass(engine, jobs, options)
    if "splice" in options.strategies:
        splice_repair(engine, jobs, options)
    if "prefix" in options.strategies:
        prefix_repair(engine, jobs, options)
    for job in jobs:
        finish(engine, job)
    assess(engine, jobs)
    return jobs
