"""What every benchmark shares: arguments, the model (real or tiny), data, and table printing.

Kept in one module so the scripts measure the same thing the same way (same engine options,
same term scoring, same table format) and so ``run_all.py`` can pass one set of flags to all.
"""
from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime
import os
import platform
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:          # run as `python benchmarks/x.py` from a checkout
    sys.path.insert(0, str(ROOT))

from bitext.records import TermRecord  # noqa: E402
from glossary import Glossary, TermMatcher, TermStatus, check_segment, load_glossary  # noqa: E402
from glossary.check import find_rendering  # noqa: E402
from translate.engine import Engine  # noqa: E402
from translate.model_files import ModelFiles, open_model, read_vocabulary  # noqa: E402
from translate.options import DecodeOptions  # noqa: E402

GLOSSARY_DIR = ROOT / "resources" / "glossary"
TERMTEST = ROOT / "resources" / "termtest" / "ko-en-terms.tsv"
# ../shared/data beside the checkout; KOEN_DATA names another place (a worktree's data)
DATA = Path(os.environ.get("KOEN_DATA") or ROOT.parent / "shared" / "data")
NEWS = DATA / "korean-english-park.test"   # .ko / .en
TINY_NAME = "tiny-test"          # toolkit.json name written by tests/tinymodel.py
TINY_WARNING = ("NOTE: tiny random-weight test model — quality and term-accuracy numbers "
                "mean NOTHING for it; this run only shows the benchmark works end to end.")
SEP = "<sep>"


# --- arguments ---------------------------------------------------------------------------
def parser(description: str, *, n: int | None = None) -> argparse.ArgumentParser:
    """The flags every benchmark accepts, so run_all.py can forward one command line."""
    p = argparse.ArgumentParser(description=description)
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--model", type=Path, help="CTranslate2 model directory (OPUS-MT/Argos)")
    where.add_argument("--tiny", action="store_true",
                       help="build the tiny random-weight test model in a temp dir and use it")
    p.add_argument("--glossary", type=Path, default=GLOSSARY_DIR,
                   help="glossary file or folder (default: the curated resources/glossary)")
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                   help="CTranslate2 intra_threads (default: all cores)")
    defaults = DecodeOptions()
    p.add_argument("--beam", type=int, default=defaults.beam_size,
                   help=f"beam size (default {defaults.beam_size})")
    p.add_argument("--batch", type=int, default=defaults.max_batch_size,
                   help=f"max batch size (default {defaults.max_batch_size})")
    p.add_argument("--term-hints", choices=("auto", "on", "off"), default="auto",
                   help="auto: as the model's toolkit.json declares; on: assume the model was "
                        "trained with <sep> term hints (e.g. ko-en-small before it ships a "
                        "toolkit.json); off: never use them")
    if n is not None:
        p.add_argument("--n", type=int, default=n, help=f"sentences to use (default {n})")
    return p


@dataclass
class Setup:
    """The model as the benchmark will use it, plus what the table headers should say."""

    files: ModelFiles
    tiny: bool
    hints_source: str                   # where the term-hint declaration came from
    _tmp: Any = field(default=None, repr=False)   # keeps a --tiny temp dir alive

    @property
    def hints(self) -> bool:
        """Whether the hint step reaches the model: ``<sep>`` hints, or a chat LLM's prompt."""
        return bool(self.files.term_hint_separator) or self.files.family.generator

    def engine(self, threads: int) -> Engine:
        return Engine(self.files, inter_threads=1, intra_threads=threads)


def build_tiny(out_dir: Path) -> Path:
    """The tiny real CTranslate2 model from tests/tinymodel.py, with term hints declared."""
    sys.path.insert(0, str(ROOT / "tests"))
    from tinymodel import build_tiny_model  # noqa: PLC0415
    return build_tiny_model(out_dir, term_hints=True)


def setup(args: argparse.Namespace) -> Setup:
    tmp = None
    if args.tiny:
        tmp = tempfile.TemporaryDirectory(prefix="bench-tiny-")
        path = build_tiny(Path(tmp.name) / "ko-en")
    else:
        path = args.model
    files = open_model(path)
    how = ("toolkit.json" if files.term_hint_separator else
           "glossary in the chat prompt" if files.family.generator else "none declared")
    if args.term_hints == "on" and not files.term_hint_separator:
        if not _in_vocabulary(files, SEP):
            sys.exit(f"--term-hints on: {SEP!r} is not in the model's vocabulary")
        files = dataclasses.replace(files, meta={**files.meta, "term_hints": {"separator": SEP}})
        how = "--term-hints on"
    elif args.term_hints == "off" and files.term_hint_separator:
        meta = {k: v for k, v in files.meta.items() if k != "term_hints"}
        files = dataclasses.replace(files, meta=meta)
        how = "--term-hints off"
    tiny = files.meta.get("name") == TINY_NAME
    return Setup(files, tiny, how, tmp)


def _in_vocabulary(files: ModelFiles, token: str) -> bool:
    return token in read_vocabulary(files.ct2_dir)


def header(title: str, args: argparse.Namespace, s: Setup, **extra: Any) -> None:
    """What was measured, on what, so a pasted table carries its own context."""
    model = "tiny test model (built in a temp dir)" if args.tiny else str(args.model)
    print(f"## {title}\n")
    print(f"- date: {datetime.date.today().isoformat()}; host: {platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}, "
          f"ctranslate2 {_version('ctranslate2')}, sacrebleu {_version('sacrebleu')}")
    print(f"- model: {model} ({s.files.layout}); term hints: "
          f"{'yes' if s.hints else 'no'} ({s.hints_source})")
    print(f"- beam {args.beam}, batch {args.batch}, intra_threads {args.threads}"
          + "".join(f", {k} {v}" for k, v in extra.items()))
    if s.tiny:
        print(f"\n**{TINY_WARNING}**")
    print()


def _version(module: str) -> str:
    try:
        return __import__(module).__version__
    except Exception:  # noqa: BLE001 - only for the header line
        return "n/a"


# --- data --------------------------------------------------------------------------------
def load_termtest(path: Path = TERMTEST) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def load_news(n: int | None = None) -> tuple[list[str], list[str]] | None:
    """The first n news pairs, or None (with a message on stderr) when ../shared is absent."""
    ko, en = NEWS.with_suffix(".test.ko"), NEWS.with_suffix(".test.en")
    if not (ko.exists() and en.exists()):
        print(f"SKIPPED: news test set not found at {ko} / {en} (it lives in ../shared/data, "
              "outside the repository, and is never copied into it)", file=sys.stderr)
        return None
    src = ko.read_text(encoding="utf-8").splitlines()
    ref = en.read_text(encoding="utf-8").splitlines()
    if len(src) != len(ref):
        sys.exit(f"{ko} and {en} differ in length ({len(src)} vs {len(ref)})")
    return (src[:n], ref[:n]) if n else (src, ref)


def glossary(path: Path) -> Glossary:
    return load_glossary(path)


# --- term scoring ------------------------------------------------------------------------
@dataclass
class TermScore:
    """Counts over applying/skipped matches, scored the same way for any translation."""

    applied: int = 0
    missed: int = 0
    forbidden: int = 0
    skipped: int = 0
    leaked: int = 0                   # skipped (context) term whose target appears anyway
    segments_with_terms: int = 0
    strategy: Counter = field(default_factory=Counter)

    @property
    def applying(self) -> int:
        return self.applied + self.missed + self.forbidden

    @property
    def accuracy(self) -> float:
        return self.applied / self.applying if self.applying else float("nan")

    def add(self, records: Sequence[TermRecord], translation: str) -> None:
        """Count one segment's term records (strategies come with the pipeline's records)."""
        if any(r.status is not TermStatus.SKIPPED for r in records):
            self.segments_with_terms += 1
        for rec in records:
            if rec.status is TermStatus.APPLIED:
                self.applied += 1
                if rec.strategy:
                    self.strategy[rec.strategy] += 1
            elif rec.status is TermStatus.MISSED:
                self.missed += 1
            elif rec.status is TermStatus.FORBIDDEN:
                self.forbidden += 1
            else:
                self.skipped += 1
                if find_rendering(rec.target, translation):
                    self.leaked += 1


def score_plain(matcher: TermMatcher, sources: Sequence[str], outputs: Sequence[str]) -> TermScore:
    """Score any translation (the bare model's) by matching and checking it here."""
    score = TermScore()
    for src, out in zip(sources, outputs):
        score.add(check_segment(matcher.find(src), out), out)
    return score


def score_segments(segments: Sequence) -> TermScore:
    """Score pipeline output (AlignedSegment) from its own records, strategies included."""
    score = TermScore()
    for seg in segments:
        score.add(seg.terms, seg.translation)
    return score


# --- metrics and timing ------------------------------------------------------------------
def chrf(hyps: Sequence[str], refs: Sequence[str]) -> float:
    import sacrebleu  # noqa: PLC0415 - optional extra [eval]
    return sacrebleu.corpus_chrf(list(hyps), [list(refs)]).score


def bleu(hyps: Sequence[str], refs: Sequence[str]) -> float:
    import sacrebleu  # noqa: PLC0415
    return sacrebleu.corpus_bleu(list(hyps), [list(refs)]).score


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def median(xs: Sequence[float]) -> float:
    return statistics.median(xs)


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (ru_maxrss is KiB on Linux)."""
    import resource  # noqa: PLC0415 - POSIX only
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


# --- output ------------------------------------------------------------------------------
def fmt(x: Any, digits: int = 1) -> str:
    if isinstance(x, float):
        return "n/a" if x != x else f"{x:.{digits}f}"
    return str(x)


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], digits: int = 1) -> str:
    """A Markdown table; numbers right-aligned, floats with ``digits`` decimals."""
    rows = [[fmt(c, digits) for c in r] for r in rows]
    align = ["---" if i == 0 else "---:" for i in range(len(headers))]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def sentence_budget(doc: Any, left: int) -> int:
    """Keep a document's units past a budget of ``left`` sentences as they are (state KEEP),
    so a benchmark translates at most that many; return the sentences used."""
    from documents.model import UnitState, plain_text  # noqa: PLC0415 - document benchmarks only
    from translate.segment import split_sentences  # noqa: PLC0415

    used = 0
    for unit in doc.units:
        if unit.state is not UnitState.FILL:
            continue
        n = len(split_sentences(plain_text(unit.source)))
        if used + n > left:
            unit.state, unit.reason = UnitState.KEEP, "past the benchmark's sentence budget"
        else:
            used += n
    return used
