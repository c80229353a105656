"""The engine's side of the confidence score: evidence from a finished job, and the tables.

:mod:`bitext.qa.confidence` turns :class:`~bitext.qa.confidence.Evidence` into a score; this
module gathers that evidence where only the translate layer can: Korean content words (cut by
rule: Kiwi would cost every run seconds and ~300 MB, and the lexicon built on rule-cut words
finds bad sentences as well: see docs/notes/speed2.md), the log-probability of each piece of the
final text (``score_batch``, scored without hints as in enforcement; only for a fit that
weights it), and the attention mass each source piece received (sentences with terms: the
others are decoded without attention, as the bare model would be).

    python -m translate.confidence lexicon [--pairs N]   # rebuild bitext/qa/lexicon-ko-en.json.gz
"""
from __future__ import annotations

import argparse
import logging
import lzma
import sys
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from bitext.qa.confidence import (
    ConfidenceModel,
    Evidence,
    check_confidence,
    features,
    model_for,
)
from bitext.qa.lexicon import LEXICON_FILE, fit_ibm1, target_stems
from glossary.korean import content_words

if TYPE_CHECKING:
    from translate.enforce import Job
    from translate.engine import Engine

log = logging.getLogger("koen")


def content_tokens(text: str) -> list[str]:
    """The Korean content words of a sentence, as the lexicon keys them (Latin lower): by
    the rules of :func:`glossary.korean.content_words`, never by Kiwi."""
    return content_words(text)


@lru_cache(maxsize=8)
def confidence_model(model_dir: str) -> ConfidenceModel:
    """The fit beside the model, else the generic one, with a notice (once per model)."""
    model = model_for(model_dir)
    if not model.calibrated:
        log.warning("%s: no confidence.json beside this model: confidence scores are "
                    "uncalibrated (fit one with benchmarks/bench_confidence.py --fit)", model_dir)
    return model


def attention_mass(job: Job) -> list[float] | None:
    """Attention each source piece received over the final hypothesis (hint columns and the
    end token left out), or None when the engine returned no attention."""
    if not job.attention:
        return None
    n = len(job.pieces)
    mass = [0.0] * n
    for row in job.attention[:len(job.hypothesis)]:
        for j in range(min(n, len(row))):
            mass[j] += row[j]
    return mass


def evidence(engine: Engine, jobs: Sequence[Job], scores: bool = True) -> list[Evidence]:
    """One :class:`Evidence` per finished job (``job.text``, ``job.qa`` already final).
    ``scores``: score the final texts (one ``score_batch`` pass: about a quarter of the time
    of the translation itself), else ``log_probs`` stays None."""
    todo = [i for i, job in enumerate(jobs) if job.hypothesis] if scores else []
    logs: dict[int, list[float]] = {}
    if todo:
        # one sentence per batch: padding beside other sentences moves the scores in the last
        # digits, and a confidence must not depend on which sentences were translated with it
        scored = engine.log_probs([engine.source_tokens(jobs[i].pieces) for i in todo],
                                  [jobs[i].hypothesis for i in todo], 1)
        logs = dict(zip(todo, scored))
    return [Evidence(job.source, job.text, content_tokens(job.source), logs.get(i),
                     attention_mass(job), job.draft if job.draft != job.text else None,
                     list(job.qa), sum(s in ("prefix", "splice") for s in job.strategy.values()))
            for i, job in enumerate(jobs)]


def assess(engine: Engine, jobs: Sequence[Job]) -> None:
    """Give every job its ``confidence`` and, when low, a ``low-confidence`` finding."""
    model = confidence_model(str(engine.files.ct2_dir))
    for job, ev in zip(jobs, evidence(engine, jobs, scores=model.uses("lp_"))):
        job.evidence = ev
        if not job.source.strip():
            continue
        job.confidence = model.score(features(ev))
        job.qa = sorted([*job.qa, *check_confidence(job.confidence, model, job.text)],
                        key=lambda q: q.sort_key())


# --- building the lexicon -------------------------------------------------------------------
DATA = Path(__file__).resolve().parents[2] / "shared" / "data"   # ../shared beside the clone
LEXICON_SOURCES = ("tatoeba", "context_aware_dialogue", "jhe", "grimm", "kiss_idioms",
                   "bible_krv_web", "python_docs")
DEV = "korean-english-park.dev"
DEV_HELD = 300      # dev lines 1-300 fit the confidence model: the lexicon never sees them


def _lines(path: Path) -> list[str]:
    if path.suffix == ".xz":
        return lzma.decompress(path.read_bytes()).decode("utf-8").splitlines()
    return path.read_text(encoding="utf-8").splitlines()


def lexicon_pairs(data: Path, per_source: int) -> Iterator[tuple[str, str]]:
    """Up to ``per_source`` pairs from each training file, then news dev lines after
    :data:`DEV_HELD` (the news vocabulary the training files lack)."""
    for name in LEXICON_SOURCES:
        ko, en = data / "train" / f"{name}.ko", data / "train" / f"{name}.en"
        if ko.is_file() and en.is_file():
            yield from list(zip(_lines(ko), _lines(en)))[:per_source]
    ko, en = data / f"{DEV}.ko", data / f"{DEV}.en"
    yield from list(zip(_lines(ko), _lines(en)))[DEV_HELD:]


def build_lexicon(data: Path, per_source: int, out: Path) -> None:
    pairs = [(s, t) for s, t in lexicon_pairs(data, per_source) if s.strip() and t.strip()]
    print(f"tokenising {len(pairs)} pairs …", file=sys.stderr)
    tokens = [(content_tokens(s), target_stems(t)) for s, t in pairs]
    print("fitting IBM Model 1 …", file=sys.stderr)
    lexicon = fit_ibm1(tokens)
    lexicon.fitted.update({"sources": list(LEXICON_SOURCES), "per_source": per_source,
                           "news_dev_lines": f"{DEV_HELD + 1}-"})
    lexicon.save(out)
    print(f"{out}: {len(lexicon.table)} Korean words, {len(lexicon.targets)} English stems",
          file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m translate.confidence")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("lexicon", help="rebuild the lexical table from the training pairs")
    p.add_argument("--data", type=Path, default=DATA)
    p.add_argument("--pairs", type=int, default=4000, help="pairs per training file")
    p.add_argument("-o", "--output", type=Path,
                   default=Path(__file__).resolve().parents[1] / "bitext" / "qa" / LEXICON_FILE)
    args = parser.parse_args(argv)
    build_lexicon(args.data, args.pairs, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
