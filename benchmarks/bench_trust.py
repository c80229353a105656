"""Translations you can trust: glossary off vs on, terms AND the rest of the sentence.

Why: term accuracy alone called a segment "applied" when enforcement had thrown away half of
it. This measures, per test set, term accuracy, chrF, the share of segments the segment QA
flags for omission, repetition and numbers (errors, the same checks for both rows: length
model, no draft, so the rows compare like with like), the share of enforced sentences under
0.7x the bare model's length, and speed against bare CTranslate2 (a ratio from one run).
Which sets were used to tune enforcement is stated in each row: the term test set and news
DEV were; the press set's heldout rows (h01-h80) and news TEST were not.
Run: ``python benchmarks/bench_trust.py --model resources/models/ko-en-small [--n 2000]``
"""
from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import common
from common import TermScore, table

from bitext.qa import check_pair
from glossary import TermMatcher, load_glossary
from translate.pipeline import Translator

PRESS = common.ROOT / "resources" / "termtest" / "press-heldout.tsv"
PRESS_GLOSSARY = common.ROOT / "resources" / "termtest" / "press-glossary.yaml"
NEWS_GLOSSARY = common.ROOT / "resources" / "termtest" / "news-glossary.yaml"
COUNTED = ("omission", "repetition", "number")
SHORT = 0.7


def flagged(sources: Sequence[str], outputs: Sequence[str], rows: list[int]) -> list[float]:
    """% of the given rows with a QA error of each counted code."""
    hits = {c: 0 for c in COUNTED}
    for i in rows:
        codes = {q.code for q in check_pair(sources[i], outputs[i], codes=COUNTED)
                 if q.severity == "error"}
        for c in codes:
            hits[c] += 1
    return [100 * hits[c] / max(1, len(rows)) for c in COUNTED]


def measure(name: str, tuned: str, src: list[str], ref: list[str], glossary: Path,
            engine, args) -> list[list]:
    gl = load_glossary(glossary)
    matcher = TermMatcher(gl)
    with_terms = [i for i, s in enumerate(src) if any(m.applies for m in matcher.find(s))]
    engine.translate_plain(src[:8], beam_size=args.beam, max_batch_size=args.batch)  # warm
    bare, t_bare = common.timed(lambda: engine.translate_plain(
        src, beam_size=args.beam, max_batch_size=args.batch))
    tr = Translator(engine, gl, beam_size=args.beam, max_batch_size=args.batch)
    segs, t_on = common.timed(lambda: tr.translate_sentences(src))
    on = [s.translation for s in segs]
    score_off = common.score_plain(matcher, src, bare)
    score_on = common.score_segments(segs)
    short = sum(len(on[i]) < SHORT * len(bare[i]) for i in with_terms)
    print(f"... {name}: bare {t_bare:.0f}s, glossary on {t_on:.0f}s", file=sys.stderr)

    def row(label: str, out: list[str], score: TermScore, seconds: float, extra: list) -> list:
        term_refs = [ref[i] for i in with_terms]
        return [f"{name}: {label}", tuned, len(src), len(with_terms), 100 * score.accuracy,
                common.chrf(out, ref), common.chrf([out[i] for i in with_terms], term_refs),
                *flagged(src, out, list(range(len(src)))),
                *flagged(src, out, with_terms), *extra, t_bare / seconds]

    return [row("off", bare, score_off, t_bare, ["–"]),
            row("on", on, score_on, t_on, [100 * short / max(1, len(with_terms))])]


def main(argv: list[str] | None = None) -> int:
    p = common.parser(__doc__.splitlines()[0], n=2000)
    p.add_argument("--sets", default="press,news,terms",
                   help="comma-separated subset of press,news,terms (default all)")
    args = p.parse_args(argv)
    sets = set(args.sets.split(","))
    s = common.setup(args)
    engine = s.engine(args.threads)
    press = common.load_termtest(PRESS)
    held = [r for r in press if r["id"].startswith("h")]
    terms = common.load_termtest()
    rows = []
    if "press" in sets:
        rows += measure("press heldout (h01-h80)", "no", [r["source"] for r in held],
                        [r["reference"] for r in held], PRESS_GLOSSARY, engine, args)
    news = common.load_news(args.n) if "news" in sets else None
    if news:
        rows += measure(f"news test ({len(news[0])})", "no", list(news[0]), list(news[1]),
                        NEWS_GLOSSARY, engine, args)
    if "terms" in sets:
        rows += measure("term test set", "yes", [r["source"] for r in terms],
                        [r["reference"] for r in terms], common.GLOSSARY_DIR, engine, args)
    common.header("Glossary off vs on: terms, chrF, QA flags, speed", args, s)
    flags = [f"{c} %" for c in COUNTED]
    print(table(["set: glossary", "tuned on", "n", "with terms", "term acc. %", "chrF",
                 "chrF (term sents)", *[f"all: {f}" for f in flags],
                 *[f"term sents: {f}" for f in flags], f"on < {SHORT}x bare %",
                 "speed vs bare"], rows, digits=1))
    print("\nQA columns: % of segments with an error of that code from bitext.qa.check_pair "
          "(length model and numbers against the source; no draft, so off and on are judged "
          "alike). 'on < 0.7x bare': enforced term sentences under 70 % of the bare model's "
          "length. Speed: bare CTranslate2 time / pipeline time, same run.")
    if s.tiny:
        print(f"\n{common.TINY_WARNING}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
