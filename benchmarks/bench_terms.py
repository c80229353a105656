"""Term accuracy on the shipped term test set, glossary off (bare model) vs on, per strategy.

Why each row: "off" is what the model does on its own; each strategy set shows what that step
buys (and costs in chrF and time), so a strategy that does not earn its keep is visible.
Run: ``python benchmarks/bench_terms.py --model DIR`` (or ``--tiny``).
"""
from __future__ import annotations

import sys
from collections.abc import Sequence

import common
from common import TermScore, table

from glossary import TermMatcher
from translate.options import DEFAULT_STRATEGIES, STRATEGIES
from translate.pipeline import Translator


def strategy_sets(hints: bool) -> list[tuple[str, tuple[str, ...]]]:
    """The rows of the table; hint rows only where the model declares term hints."""
    sets = [("none (suppress forbidden only)", ())]
    if hints:
        sets.append(("hint", ("hint",)))
    sets.append(("rerank", ("rerank",)))
    if hints:
        sets.append(("hint+rerank", ("hint", "rerank")))
    sets.append(("splice", ("splice",)))
    sets.append(("prefix", ("prefix",)))
    if hints:
        sets.append(("hint+rerank+prefix (the default before splice)",
                     ("hint", "rerank", "prefix")))
    sets.append(("default: " + "+".join(DEFAULT_STRATEGIES), DEFAULT_STRATEGIES))
    if hints:
        sets.append(("all: " + "+".join(STRATEGIES), STRATEGIES))
    return sets


def row(name: str, score: TermScore, chrf: float, seconds: float, n: int) -> list:
    by = score.strategy
    return [name, 100 * score.accuracy, score.applied, score.missed, score.forbidden,
            score.skipped, score.leaked, by["model"], by["hint"], by["rerank"], by["splice"],
            by["prefix"], chrf, n / seconds]


HEADERS = ["glossary / strategies", "term acc. %", "applied", "missed", "forbidden",
           "skipped (context)", "trap leaks", "by model", "by hint", "by rerank", "by splice",
           "by prefix",
           "chrF", "sent/s"]


def per_category(rows: list[dict], outputs: dict[str, Sequence[TermScore]]) -> str:
    """Accuracy per row category (p, s, m, r, b, w, c, v): where the misses are."""
    names = {"p": "particles", "s": "spacing", "m": "several", "r": "repeated",
             "b": "battlefield traps", "w": "word traps", "c": "compounds",
             "v": "inflected verbs"}
    cats = sorted({r["id"][0] for r in rows}, key=list(names).index)
    body = []
    for label, scores in outputs.items():
        line: list = [label]
        for c in cats:
            total = TermScore()
            for r, s in zip(rows, scores):
                if r["id"][0] == c:
                    total.applied += s.applied
                    total.missed += s.missed
                    total.forbidden += s.forbidden
                    total.leaked += s.leaked
            line.append(f"{100 * total.accuracy:.0f}" if total.applying
                        else f"{total.leaked} leaks")
        body.append(line)
    return table(["term acc. % by category"] + [names[c] for c in cats], body)


def main(argv: list[str] | None = None) -> int:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--termtest", type=common.Path, default=common.TERMTEST)
    args = p.parse_args(argv)
    s = common.setup(args)
    rows = common.load_termtest(args.termtest)
    sources = [r["source"] for r in rows]
    with_ref = [i for i, r in enumerate(rows) if r.get("reference")]
    refs = [rows[i]["reference"] for i in with_ref]
    gl = common.glossary(args.glossary)
    matcher = TermMatcher(gl)
    engine = s.engine(args.threads)
    common.header("Terminology: term test set", args, s, sentences=len(rows),
                  references=len(refs), glossary=f"{args.glossary} ({len(gl)} terms)")

    engine.translate_plain(sources[:8], beam_size=args.beam, max_batch_size=args.batch)  # warm
    table_rows = []
    outs, sec = common.timed(lambda: engine.translate_plain(
        sources, beam_size=args.beam, max_batch_size=args.batch))
    per_row: dict[str, list[TermScore]] = {"off (bare model)": [
        common.score_plain(matcher, [src], [out]) for src, out in zip(sources, outs)]}
    table_rows.append(row("off (bare model)", common.score_plain(matcher, sources, outs),
                          common.chrf([outs[i] for i in with_ref], refs), sec, len(rows)))
    for name, strategies in strategy_sets(s.hints):
        tr = Translator(engine, gl, beam_size=args.beam, max_batch_size=args.batch,
                        strategies=strategies)
        segs, sec = common.timed(lambda tr=tr: tr.translate_sentences(sources))
        texts = [seg.translation for seg in segs]
        table_rows.append(row(f"on: {name}", common.score_segments(segs),
                              common.chrf([texts[i] for i in with_ref], refs), sec, len(rows)))
        per_row[f"on: {name}"] = [common.score_segments([seg]) for seg in segs]
        print(f"... on: {name}: done in {sec:.0f}s", file=sys.stderr)
    print(table(HEADERS, table_rows))
    print("\nterm acc. = applied / (applied + missed + forbidden) over matches that apply "
          "(case-, spacing- and inflection-aware, `glossary.check`); trap leaks = context-"
          "skipped terms whose glossary target still appears; by X = applied terms credited "
          "to that step (model = the first pass met it unaided); chrF vs the `reference` "
          "column.\n")
    keep = ["off (bare model)", *[k for k in per_row if k.startswith("on: all")]]
    print(per_category(rows, {k: per_row[k] for k in keep}))
    if s.tiny:
        print(f"\n{common.TINY_WARNING}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
