"""Speed: the full pipeline (glossary on) against bare CTranslate2, and the matcher alone.

Why in one run: the ratio pipeline/bare is only meaningful on the same machine, model,
threads, beam and batch at the same moment (other load on the host moves both). The issue's
goal is ratio ≥ 0.9. The matcher part (``bench_matcher.py``, also runnable alone) checks that a
100,000-entry glossary costs time linear in the text (per-MB time flat across 1×, 2×, 4× the
text), before and after Kiwi, and what memory it takes.
Run: ``python benchmarks/bench_speed.py --model DIR [--n N] [--threads T] [--beam B] [--batch K]``.
"""
from __future__ import annotations

import sys
from collections.abc import Sequence

import common
from bench_matcher import SYNTHETIC_TERMS, bench_matcher, text_lines
from common import median, peak_rss_mb, table, timed

from translate.engine import Engine
from translate.pipeline import Translator


# --- translation -------------------------------------------------------------------------
def bare_run(engine: Engine, src: Sequence[str], beam: int, batch: int,
             tokens: list[list[str]] | None) -> tuple[list[str], float, float]:
    """(outputs, seconds with SentencePiece+detok, seconds of translate_batch alone)."""
    import time  # noqa: PLC0415
    t0 = time.perf_counter()
    toks = tokens if tokens is not None else [
        engine.source_tokens(engine.source_pieces(t)) for t in src]
    t1 = time.perf_counter()
    results = engine.translate_batch(toks, beam_size=beam, max_batch_size=batch)
    t2 = time.perf_counter()
    outs = [engine.detokenize(r.hypotheses[0]) for r in results]
    t3 = time.perf_counter()
    return outs, t3 - t0, t2 - t1


def bench_translation(label: str, engine: Engine, tr: Translator, src: list[str], beam: int,
                      batch: int, repeats: int) -> list[list]:
    """Alternate bare and pipeline runs (fair under drifting load) and take medians."""
    tokens = [engine.source_tokens(engine.source_pieces(t)) for t in src]
    bare_run(engine, src[:16], beam, batch, None)          # warm up both paths
    tr.translate_sentences(src[:16])
    bare_full, bare_ct2, pipe = [], [], []
    outs_bare, outs_pipe = [], []
    for _ in range(repeats):
        outs_bare, full, _ = bare_run(engine, src, beam, batch, None)
        bare_full.append(full)
        _, _, ct2_only = bare_run(engine, src, beam, batch, tokens)
        bare_ct2.append(ct2_only)
        segs, sec = timed(lambda: tr.translate_sentences(src))
        outs_pipe = [s.translation for s in segs]
        pipe.append(sec)
    n = len(src)
    tok_bare = sum(len(engine.target_pieces(t)) for t in outs_bare)
    tok_pipe = sum(len(engine.target_pieces(t)) for t in outs_pipe)
    t_ct2, t_full, t_pipe = median(bare_ct2), median(bare_full), median(pipe)
    return [
        [f"{label}: bare ct2 translate_batch (pre-tokenised)", n, n / t_ct2, tok_bare / t_ct2,
         1.0, "—"],
        [f"{label}: bare ct2 + SentencePiece + detok", n, n / t_full, tok_bare / t_full,
         t_ct2 / t_full, "—"],
        [f"{label}: pipeline, glossary on", n, n / t_pipe, tok_pipe / t_pipe, t_ct2 / t_pipe,
         t_full / t_pipe],
    ]


def main(argv: list[str] | None = None) -> int:
    p = common.parser(__doc__.splitlines()[0], n=200)
    p.add_argument("--repeats", type=int, default=3, help="timed repeats (median; default 3)")
    p.add_argument("--skip-matcher", action="store_true")
    args = p.parse_args(argv)
    s = common.setup(args)
    news = common.load_news()
    termtest = [r["source"] for r in common.load_termtest()]
    gl = common.glossary(args.glossary)
    common.header("Speed", args, s, repeats=args.repeats, n=args.n,
                  glossary=f"{args.glossary} ({len(gl)} terms)")

    if not args.skip_matcher:
        lines, where = text_lines()
        print(f"### Matcher alone: {SYNTHETIC_TERMS:,}-entry glossary over the {where}\n")
        print(bench_matcher(lines, args.repeats))
        print()

    engine = s.engine(args.threads)
    tr = Translator(engine, gl, beam_size=args.beam, max_batch_size=args.batch)
    rows = []
    if news:
        rows += bench_translation(f"news[:{args.n}]", engine, tr, news[0][:args.n], args.beam,
                                  args.batch, args.repeats)
    rows += bench_translation("term test set", engine, tr, termtest, args.beam, args.batch,
                              args.repeats)
    print("### Translation: full pipeline (glossary on, all strategies) vs bare CTranslate2\n")
    print(table(["run", "sentences", "sent/s", "target tokens/s", "ratio vs ct2 alone",
                 "ratio vs ct2+spm"], rows, digits=2))
    print("\nratio = throughput of the row / throughput of bare translate_batch (time ratio, "
          "medians); goal for the pipeline ≥ 0.9. target tokens = target.spm pieces of the "
          f"final text. Peak RSS of the whole run: {peak_rss_mb():.0f} MB.")
    if s.tiny:
        print(f"\n{common.TINY_WARNING} (Speed ratios of the tiny model exaggerate the "
              "pipeline's fixed costs: its decoder is ~1000× cheaper than a real one.)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
