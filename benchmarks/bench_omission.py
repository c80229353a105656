"""Omission by enforcement: term-bearing sentences whose enforced translation is under 0.7x the
bare model's length, per set, with the step that rendered their terms and each case printed.

Why: ``bench_trust.py`` reports the same share over whole sets; this script decodes only the
term-bearing sentences (a quarter of the work) and shows the cases, to find what they share.
Sets: the press set's held-out rows (h01-h80), news TEST 1-N (both never used for tuning) and
the term test set (used for tuning enforcement).

    python benchmarks/bench_omission.py --model resources/models/ko-en-small --n 200
"""
from __future__ import annotations

import sys
from collections import Counter

import common
from common import table

from glossary import TermMatcher, load_glossary
from translate.options import DecodeOptions
from translate.pipeline import Translator

PRESS = common.ROOT / "resources" / "termtest" / "press-heldout.tsv"
PRESS_GLOSSARY = common.ROOT / "resources" / "termtest" / "press-glossary.yaml"
NEWS_GLOSSARY = common.ROOT / "resources" / "termtest" / "news-glossary.yaml"
SHORT = 0.7


def main(argv: list[str] | None = None) -> int:
    p = common.parser(__doc__.splitlines()[0], n=200)
    args = p.parse_args(argv)
    s = common.setup(args)
    engine = s.engine(args.threads)
    options = DecodeOptions(beam_size=args.beam, max_batch_size=args.batch)
    press = [r["source"] for r in common.load_termtest(PRESS) if r["id"].startswith("h")]
    sets = [("press heldout h01-h80", "no", press, PRESS_GLOSSARY)]
    news = common.load_news(args.n)
    if news:
        sets.append((f"news test 1-{len(news[0])}", "no", list(news[0]), NEWS_GLOSSARY))
    sets.append(("term test set", "yes", [r["source"] for r in common.load_termtest()],
                 common.GLOSSARY_DIR))
    rows, cases = [], []
    for name, tuned, sources, path in sets:
        glossary = load_glossary(path)
        matcher = TermMatcher(glossary)
        bearing = [x for x in sources if any(m.applies for m in matcher.find(x))]
        bare = engine.translate_plain(bearing, options)
        segs = Translator(engine, glossary, options=options).translate_sentences(bearing)
        short = [(seg, b) for seg, b in zip(segs, bare)
                 if len(seg.translation) < SHORT * len(b)]
        steps = Counter(r.strategy for seg, _ in short for r in seg.terms if r.strategy)
        flagged = sum(1 for seg, _ in short if any(q.severity == "error" for q in seg.qa))
        rows.append([name, tuned, len(bearing), len(short),
                     100 * len(short) / max(1, len(bearing)),
                     ", ".join(f"{k} {v}" for k, v in sorted(steps.items())) or "–",
                     f"{flagged}/{len(short)}"])
        cases += [(name, seg, b) for seg, b in short]
    common.header("Omission by enforcement (term-bearing sentences)", args, s)
    print(table(["set", "tuned on", "term sentences", f"under {SHORT}x bare", "%",
                 "steps of their terms", "with a QA error"], rows))
    for name, seg, b in cases:
        print(f"\n{name}: {seg.source}\n  bare: {b}\n  on:   {seg.translation}\n  qa:   "
              + ", ".join(f"{q.code}:{q.severity}" for q in seg.qa))
    if s.tiny:
        print(f"\n{common.TINY_WARNING}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
