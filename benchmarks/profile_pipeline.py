"""Where the warm pipeline spends its time: cProfile around ``Translator.translate_sentences``.

Why: a speed ratio says how far from bare CTranslate2 the pipeline is, not what to cut. This
times bare ``translate_batch`` on the same sentences, then profiles the pipeline (engine loaded
and warmed with one sentence first) on news test lines 1-N and on the term test set, and
prints a table of the enforcement steps (seconds and CTranslate2 calls each, without the
profiler's overhead) and the top functions by cumulative and by own time. The steps are found
by name in ``translate.enforce``, so the same command profiles an older checkout too.
Run: ``python benchmarks/profile_pipeline.py --model DIR [--n 100] [--sets news,terms,sample]``.
"""
from __future__ import annotations

import cProfile
import io
import pstats
import sys
import time
from collections import Counter

import common
from common import table, timed

import translate.enforce as enforce_module
from translate.pipeline import Translator


def profile(engine, tr: Translator, src: list[str], args) -> tuple[float, float,
                                                                     cProfile.Profile]:
    """(bare seconds, pipeline seconds under the profiler, the profile)."""
    tokens = [engine.source_tokens(engine.source_pieces(t)) for t in src]
    _, bare = timed(lambda: engine.translate_batch(tokens, beam_size=args.beam,
                                                   max_batch_size=args.batch))
    prof = cProfile.Profile()
    _, pipe = timed(lambda: prof.runcall(tr.translate_sentences, src))
    return bare, pipe, prof


STEPS = {"first_pass": "first pass (with hints on: the hinted and the unhinted drafts)",
         "splice_repair": "splice repair, all rounds (no model call)",
         "prefix_repair": "prefix repair, all rounds (with scoring)",
         "_score": "  of which: scoring tied candidates (score_batch)",
         "finish": "final checks (terms, QA)", "assess": "confidence"}


class _Counting:
    """Stands in for the CTranslate2 model: counts its decode and score calls."""

    def __init__(self, model, calls: Counter):
        self._model, self._calls = model, calls

    def translate_batch(self, *a, **k):
        self._calls["translate_batch"] += 1
        return self._model.translate_batch(*a, **k)

    def score_batch(self, *a, **k):
        self._calls["score_batch"] += 1
        return self._model.score_batch(*a, **k)

    def __getattr__(self, name):
        return getattr(self._model, name)


def steps(tr: Translator, src: list[str]) -> tuple[float, dict[str, float], Counter]:
    """(pipeline seconds, seconds per enforcement step, model calls), no profiler."""
    spent: dict[str, float] = {}
    calls: Counter = Counter()
    saved = {name: getattr(enforce_module, name) for name in STEPS
             if hasattr(enforce_module, name)}

    def timing(name, fn):
        def run(*a, **k):
            start = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - start
        return run

    model = tr.engine.model
    tr.engine.model = _Counting(model, calls)
    for name, fn in saved.items():
        setattr(enforce_module, name, timing(name, fn))
    try:
        _, seconds = timed(lambda: tr.translate_sentences(src))
    finally:
        tr.engine.model = model
        for name, fn in saved.items():
            setattr(enforce_module, name, fn)
    return seconds, spent, calls


def main(argv: list[str] | None = None) -> int:
    p = common.parser(__doc__.splitlines()[0], n=100)
    p.add_argument("--sets", default="news,terms",
                   help="comma-separated: news, terms, sample (the README's sample file)")
    p.add_argument("--top", type=int, default=30, help="functions listed per table")
    args = p.parse_args(argv)
    s = common.setup(args)
    engine = s.engine(args.threads)
    tr = Translator(engine, common.glossary(args.glossary), beam_size=args.beam,
                    max_batch_size=args.batch)
    tr.translate_sentences(["LG전자는 냉난방 공조 매출이 늘었다."])     # warm
    sets = {}
    if "news" in args.sets:
        news = common.load_news(args.n)
        if news:
            sets[f"news[:{args.n}]"] = list(news[0])
    if "terms" in args.sets:
        sets["term test set"] = [r["source"] for r in common.load_termtest()]
    if "sample" in args.sets:
        from translate.segment import segment_text  # noqa: PLC0415
        text = (common.ROOT / "resources/samples/lg-ai-strategy.ko.txt").read_text("utf-8")
        sets["the sample (lg-ai-strategy)"] = [seg.source for seg in segment_text(text)]
    for name, src in sets.items():
        seconds, spent, calls = steps(tr, src)
        print(f"### {name}: enforcement steps ({len(src)} sentences, {seconds:.1f} s; "
              f"CTranslate2 calls: {calls['translate_batch']} translate_batch, "
              f"{calls['score_batch']} score_batch)\n")
        print(table(["step", "s", "share"],
                    [[label, spent[key], f"{100 * spent[key] / seconds:.0f} %"]
                     for key, label in STEPS.items() if key in spent], digits=2) + "\n")
        bare, pipe, prof = profile(engine, tr, src, args)
        print(f"### {name}: {len(src)} sentences, bare translate_batch {bare:.1f} s, "
              f"pipeline under the profiler {pipe:.1f} s (ratio {bare / pipe:.2f})\n")
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(prof, stream=out).sort_stats(order).print_stats(args.top)
            print("```\n" + out.getvalue().strip() + "\n```\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
