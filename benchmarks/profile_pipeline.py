"""Where the warm pipeline spends its time: cProfile around ``Translator.translate_sentences``.

Why: a speed ratio says how far from bare CTranslate2 the pipeline is, not what to cut. This
times bare ``translate_batch`` on the same sentences, then profiles the pipeline (engine loaded
and warmed with one sentence first) on news test lines 1-N and on the term test set, and
prints the top functions by cumulative and by own time.
Run: ``python benchmarks/profile_pipeline.py --model DIR [--n 100] [--sets news,terms]``.
"""
from __future__ import annotations

import cProfile
import io
import pstats
import sys

import common
from common import timed

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


def main(argv: list[str] | None = None) -> int:
    p = common.parser(__doc__.splitlines()[0], n=100)
    p.add_argument("--sets", default="news,terms", help="comma-separated: news, terms")
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
    for name, src in sets.items():
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
