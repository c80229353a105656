"""Making the engine say the glossary's term, with CTranslate2's own decoding controls.

A batch of sentences goes through replaceable steps, each recording which terms it brought
into the translation:

1. ``hint``    — models trained with ``<sep>`` term hints get the targets appended to the source.
2. ``rerank``  — decode ``num_hypotheses`` alternatives and keep the one meeting most terms
                 (forbidden renderings blocked with ``suppress_sequences`` throughout).
3. ``prefix``  — for a term still missing, find from the attention where its rendering starts
                 and decode again from ``target_prefix`` = hypothesis up to there + the term.

Step 3 guarantees the term (it is in the prefix); steps 1–2 make that rarely necessary and the
sentence more fluent. String replacement after the fact is never used.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from glossary.check import TermStatus, check_segment
from glossary.match import TermMatch
from translate.engine import Engine
from translate.english import fix_around

STRATEGIES = ("hint", "rerank", "prefix")
PREFIX_ALTERNATIVES = 4  # next-token alternatives after a forced term, to find a word start
LENGTH_KEPT = 0.7        # a repaired sentence should keep this share of its length
NEAR_MISS = 0.6          # similarity at which a span counts as a garbled try at the term
SAME_LENGTH_BONUS = 0.05  # "public intelligence" over "intelligence" for a two-word term


@dataclass(frozen=True)
class DecodeOptions:
    beam_size: int = 4
    num_hypotheses: int = 4          # alternatives ranked by terms met (rerank)
    max_batch_size: int = 32
    max_decoding_length: int = 256
    length_penalty: float = 1.0
    strategies: tuple[str, ...] = STRATEGIES


@dataclass
class Job:
    """One sentence on its way through the steps."""

    source: str
    matches: list[TermMatch]
    pieces: list[str]                              # source pieces, no hints, no </s>
    hints: list[list[str]] = field(default_factory=list)
    suppress: tuple[tuple[str, ...], ...] = ()     # forbidden renderings, as target pieces
    hypothesis: list[str] = field(default_factory=list)
    attention: list[list[float]] | None = None
    text: str = ""
    strategy: dict[int, str] = field(default_factory=dict)   # match index -> step
    locked: int = 0                                # target pieces fixed by a prefix

    @property
    def active(self) -> list[int]:
        return [i for i, m in enumerate(self.matches) if m.applies]

    def unmet(self, text: str | None = None) -> list[int]:
        records = check_segment(self.matches, self.text if text is None else text)
        return [i for i, r in enumerate(records)
                if r.status in (TermStatus.MISSED, TermStatus.FORBIDDEN)]


def forbidden_pieces(engine: Engine, phrases: list[str]) -> tuple[tuple[str, ...], ...]:
    """Piece sequences to suppress: each phrase as written, lowercased and capitalised."""
    seqs = set()
    for phrase in phrases:
        for form in {phrase, phrase.lower(), phrase[:1].upper() + phrase[1:]}:
            seqs.add(tuple(engine.target_pieces(form)))
    return tuple(sorted(seqs))


def prepare(engine: Engine, source: str, matches: list[TermMatch],
            options: DecodeOptions) -> Job:
    job = Job(source, matches, engine.source_pieces(source))
    active = [matches[i] for i in job.active]
    if "hint" in options.strategies and engine.takes_hints:
        targets = dict.fromkeys(m.term.target for m in active)
        job.hints = [engine.target_pieces(t) for t in targets]
    job.suppress = forbidden_pieces(engine, sorted({f for m in active for f in m.term.forbidden}))
    return job


def _decode(engine: Engine, jobs: list[Job], options: DecodeOptions, *,
            prefixes: list[list[str]] | None = None, hypotheses: int = 1) -> list:
    """Decode jobs, grouped so that each group shares its suppress list (a per-call option).

    With prefixes, ``return_alternatives`` gives the best continuations that each start with
    a different next token, so the caller can pick one that does not glue onto the term.
    """
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, job in enumerate(jobs):
        groups[(job.suppress, bool(job.active))].append(i)
    results: list = [None] * len(jobs)
    for (suppress, has_terms), members in groups.items():
        n = hypotheses if has_terms else 1  # alternatives only matter where terms are checked
        kwargs = dict(
            # after a forced term the alternatives give the breadth; continuing each greedily
            # measured the same chrF as beam 4 on the term test set, and a quarter faster
            beam_size=1 if prefixes is not None and n > 1 else max(options.beam_size, n),
            num_hypotheses=n,
            max_batch_size=options.max_batch_size, return_scores=True,
            return_attention=has_terms, max_decoding_length=options.max_decoding_length,
            length_penalty=options.length_penalty,
        )
        if suppress:
            kwargs["suppress_sequences"] = [list(s) for s in suppress]
        if prefixes is not None:
            kwargs["target_prefix"] = [prefixes[i] for i in members]
            kwargs["return_alternatives"] = hypotheses > 1
        sources = [engine.source_tokens(jobs[i].pieces, jobs[i].hints) for i in members]
        for i, result in zip(members, engine.translate_batch(sources, **kwargs)):
            results[i] = result
    return results


def first_pass(engine: Engine, jobs: list[Job], options: DecodeOptions) -> None:
    """Decode once with hints; keep the alternative that meets most terms (then best score)."""
    rerank = "rerank" in options.strategies
    n = max(1, options.num_hypotheses) if rerank else 1
    for job, result in zip(jobs, _decode(engine, jobs, options, hypotheses=n)):
        texts = [engine.detokenize(result.hypotheses[0])]
        unmet = [job.unmet(texts[0]) if job.active else []]
        if unmet[0]:  # only then are the alternatives worth detokenising and checking
            texts += [engine.detokenize(h) for h in result.hypotheses[1:]]
            unmet += [job.unmet(t) for t in texts[1:]]
        best = min(range(len(texts)), key=lambda k: (len(unmet[k]), k))
        job.hypothesis, job.text = result.hypotheses[best], texts[best]
        job.attention = result.attention[best] if result.attention else None
        for i in job.active:
            if i in unmet[best]:
                continue
            if best and i in unmet[0]:
                job.strategy[i] = "rerank"
            else:
                job.strategy[i] = "hint" if job.hints else "model"


def source_span(engine: Engine, job: Job, match: TermMatch) -> range:
    """Indices of the source pieces that spell the term (prefix lengths, no offsets needed)."""
    start = len(engine.source_pieces(job.source[: match.start])) if match.start else 0
    end = len(engine.source_pieces(job.source[: match.end]))
    return range(max(0, start - 1), max(end, start + 1))


def near_miss(job: Job, target: str) -> tuple[int, int] | None:
    """Piece span of a garbled attempt at ``target`` ("Afffection Intelligence", "BVAC").

    Hinted models often try to copy the term and get it slightly wrong; forcing the term
    anywhere else would leave both in the sentence, so the attempt is where it goes.
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
            ratio = SequenceMatcher(None, text.lower(), target.lower()).ratio()
            ratio += SAME_LENGTH_BONUS if n == size else 0.0
            if ratio > best:
                best, span = ratio, (words[w], words[w + n])
    return span


def rendering_start(engine: Engine, job: Job, match: TermMatch) -> int:
    """Target position where the model began rendering the term.

    A near-miss of the target wins; otherwise the peak of attention mass on the term's
    source pieces marks its rendering and we walk back while the mass stays high to find
    where that rendering starts. Without attention the place is proportional to the source.
    """
    attempt = near_miss(job, match.term.target)
    if attempt is not None:
        return attempt[0]
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


def starts_word(pieces: list[str], at: int) -> bool:
    """True if the piece at ``at`` begins a new word (or punctuation, or the sentence ends)."""
    if at >= len(pieces):
        return True
    piece = pieces[at]
    return piece.startswith("▁") or not piece[:1].isalnum()


def pick_continuation(result, prefix_len: int, before_len: int) -> int:
    """Best-scored alternative that starts a new word after the term and keeps the sentence.

    Weak models often end right after a forced term ("Affectionate Intelligence."); the
    term was to replace a rendering, not the rest of the sentence, so alternatives that keep
    most of the earlier length are preferred.
    """
    hyps = result.hypotheses
    fits = [k for k, h in enumerate(hyps) if starts_word(h, prefix_len)] or [0]
    whole = [k for k in fits if len(hyps[k]) >= LENGTH_KEPT * before_len] or fits
    return max(whole, key=lambda k: result.scores[k])


def prefix_repair(engine: Engine, jobs: list[Job], options: DecodeOptions) -> None:
    """Round by round, force the leftmost missing term of each sentence via target_prefix.

    A forced prefix may cut off a term the model had produced later in the sentence, so a
    sentence gets up to two rounds per term; what is still missing after that is reported.
    """
    pending = [(j, unmet) for j in jobs if j.active and (unmet := j.unmet())]
    for _ in range(2 * max((len(j.active) for j, _ in pending), default=0)):
        if not pending:
            break
        prefixes, chosen = [], []
        for job, missing in pending:
            placed = sorted((rendering_start(engine, job, job.matches[i]), i) for i in missing)
            at, index = placed[0]
            prefix = job.hypothesis[:at] + engine.target_pieces(job.matches[index].term.target)
            prefixes.append(prefix)
            chosen.append(index)
            if job.hints:  # a term already in the prefix needs no hint: it only invites a copy
                job.hints = [engine.target_pieces(t) for t in dict.fromkeys(
                    job.matches[i].term.target for i in missing if i != index)]
        jobs_now = [job for job, _ in pending]
        results = _decode(engine, jobs_now, options, prefixes=prefixes,
                          hypotheses=PREFIX_ALTERNATIVES)
        glued = [k for k, (prefix, result) in enumerate(zip(prefixes, results))
                 if not any(starts_word(h, len(prefix)) for h in result.hypotheses)]
        if glued:  # every alternative glues onto the term ("HVACurity"): a plain beam search
            # from the same prefix often starts a new word where the alternatives do not
            again = _decode(engine, [jobs_now[k] for k in glued], options,
                            prefixes=[prefixes[k] for k in glued])
            for k, result in zip(glued, again):
                results[k] = result
        for job, prefix, index, result in zip(jobs_now, prefixes, chosen, results):
            best = pick_continuation(result, len(prefix), len(job.hypothesis))
            job.hypothesis = result.hypotheses[best]
            job.attention = result.attention[best] if result.attention else None
            job.text = engine.detokenize(job.hypothesis)
            job.locked = len(prefix)
            job.strategy[index] = "prefix"
        pending = [(j, unmet) for j in jobs_now if (unmet := j.unmet())]
    for job in jobs:  # met as a side effect of a prefixed decode
        for i in job.active:
            job.strategy.setdefault(i, "prefix")


def polish(job: Job) -> str:
    """Article and capital fixes around every glossary target present in the sentence."""
    text = job.text
    for i in job.active:
        text = fix_around(text, job.matches[i].term.target)
    return text


def enforce(engine: Engine, sources: list[str], matches: list[list[TermMatch]],
            options: DecodeOptions = DecodeOptions()) -> list[Job]:
    """Translate a batch of sentences so that every applicable term is rendered as listed."""
    jobs = [prepare(engine, s, m, options) for s, m in zip(sources, matches)]
    first_pass(engine, jobs, options)
    if "prefix" in options.strategies:
        prefix_repair(engine, jobs, options)
    for job in jobs:
        job.text = polish(job)
    return jobs
