"""Segment QA (bitext.qa): how often each check flags careful human translations (false
positives, news dev/test and the press set) and the bare model's output.

Why: a QA check is only useful if it stays quiet on good translations; the length model's floor
was chosen on news dev (≤ 2 % flagged), so news test and the press set are the honest numbers.
The model rows show what the checks catch in machine output of the same sentences: bare, and
with the glossary enforced (press set with its glossary, term test set with the curated one),
where the bare output serves as the unconstrained draft the omission check compares against.
Run: ``python benchmarks/bench_qa.py --model resources/models/ko-en-small [--n 500]``
(``--n 0`` skips the model rows).
"""
from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path

import common
from common import table

from bitext.qa import CODES, check_pair
from translate.pipeline import Translator

PRESS = common.ROOT / "resources" / "termtest" / "press-heldout.tsv"
PRESS_GLOSSARY = common.ROOT / "resources" / "termtest" / "press-glossary.yaml"
NEWS_DEV = common.NEWS.with_suffix(".dev")


def read_news(prefix: Path) -> tuple[list[str], list[str]] | None:
    ko, en = Path(f"{prefix}.ko"), Path(f"{prefix}.en")
    if not (ko.exists() and en.exists()):
        print(f"SKIPPED: {ko} not found (../shared/data is outside the repository)",
              file=sys.stderr)
        return None
    return ko.read_text(encoding="utf-8").splitlines(), en.read_text(encoding="utf-8").splitlines()


def flag_row(name: str, sources: Sequence[str], translations: Sequence[str],
             drafts: Sequence[str | None] | None = None) -> list:
    """% of segments with at least one finding of each code (any severity), then % with any
    finding and with any error, and the checks' own speed."""
    flagged = {c: 0 for c in CODES}
    anything = errors = 0
    start = time.perf_counter()
    for i, (s, t) in enumerate(zip(sources, translations)):
        issues = check_pair(s, t, draft=drafts[i] if drafts else None)
        for code in {x.code for x in issues}:
            flagged[code] += 1
        anything += bool(issues)
        errors += any(x.severity == "error" for x in issues)
    sec = time.perf_counter() - start
    n = max(len(sources), 1)
    return [name, len(sources), *[100 * flagged[c] / n for c in CODES], 100 * anything / n,
            100 * errors / n, len(sources) / sec if sec else float("nan")]


def main(argv: list[str] | None = None) -> int:
    p = common.parser(__doc__.splitlines()[0], n=500)
    args = p.parse_args(argv)
    press = common.load_termtest(PRESS)
    dev = [r for r in press if r["id"].startswith("d")]
    held = [r for r in press if r["id"].startswith("h")]
    rows = []
    news = {}
    for name, prefix in (("news dev", NEWS_DEV), ("news test", common.NEWS.with_suffix(".test"))):
        data = read_news(prefix)
        if data:
            news[name] = data
            rows.append(flag_row(f"human: {name}", *data))
    for name, part in (("press dev (d)", dev), ("press heldout (h)", held)):
        rows.append(flag_row(f"human: {name}", [r["source"] for r in part],
                             [r["reference"] for r in part]))

    s = None
    if args.n:
        s = common.setup(args)
        engine = s.engine(args.threads)
        test = news.get("news test")
        terms = common.load_termtest()
        # (name, sources, references, glossary for an enforced run or None)
        sets: list[tuple[str, list[str], list[str], Path | None]] = [
            ("press all 120", [r["source"] for r in press], [r["reference"] for r in press],
             PRESS_GLOSSARY),
            ("term test set", [r["source"] for r in terms], [r["reference"] for r in terms],
             common.GLOSSARY_DIR)]
        if test:
            sets.insert(0, (f"news test first {args.n}", test[0][:args.n], test[1][:args.n],
                            None))
        for name, src, ref, gl in sets:
            outs, sec = common.timed(lambda src=src: engine.translate_plain(
                src, beam_size=args.beam, max_batch_size=args.batch))
            print(f"... bare model on {name}: {sec:.0f}s", file=sys.stderr)
            rows.append(flag_row(f"human: {name}", src, ref))
            rows.append(flag_row(f"bare model: {name}", src, outs))
            if gl is not None:
                tr = Translator(engine, gl, beam_size=args.beam, max_batch_size=args.batch)
                segs, sec = common.timed(lambda src=src, tr=tr: tr.translate_sentences(src))
                print(f"... glossary on ({gl.name}) on {name}: {sec:.0f}s", file=sys.stderr)
                # the bare output is the unconstrained first pass: the omission check's draft
                rows.append(flag_row(f"glossary on ({gl.name}): {name}", src,
                                     [seg.translation for seg in segs], drafts=outs))
    if s is not None:
        common.header("Segment QA flag rates", args, s)
    else:
        print("## Segment QA flag rates (human references only)\n")
    print(table(["pairs", "n", *[f"{c} %" for c in CODES], "any %", "any error %",
                 "pairs/s"], rows, digits=1))
    print("\n% of segments with at least one finding of that code (warnings included); "
          "human rows are false-positive rates by definition only where the reference is "
          "faithful (the news corpus' references often drop or add content).")
    if s is not None and s.tiny:
        print(f"\n{common.TINY_WARNING}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
