"""Loop controls of the decoder: how often the bare model loops, and its chrF, per setting.

Why: this model repeats itself ("daily daily life", "in 1997, and in 1997"); CTranslate2's
``no_repeat_ngram_size`` and ``repetition_penalty`` stop that at decoding time. The defaults
in ``translate/options.py`` were chosen on news DEV with this script and are reported on news
TEST (``--split test``). Loops: sentences with a ``repetition`` finding (bitext.qa).

    python benchmarks/bench_repetition.py --model resources/models/ko-en-small \\
        --split dev --n 200
"""
from __future__ import annotations

import sys

import common
from common import table
from sacrebleu.metrics import CHRF

from bitext.qa.repetition import check_repetition
from translate.options import DecodeOptions

SETTINGS = ((0, 1.0), (3, 1.0), (4, 1.0), (0, 1.2), (3, 1.1))   # (no_repeat_ngram, penalty)


def main(argv: list[str] | None = None) -> int:
    p = common.parser(__doc__.splitlines()[0], n=200)
    p.add_argument("--split", choices=("dev", "test"), default="dev")
    args = p.parse_args(argv)
    s = common.setup(args)
    engine = s.engine(args.threads)
    prefix = common.DATA / f"korean-english-park.{args.split}"
    if not prefix.with_suffix(f".{args.split}.ko").is_file():
        print(f"SKIPPED: {prefix}.ko not found", file=sys.stderr)
        return 0
    src = prefix.with_suffix(f".{args.split}.ko").read_text("utf-8").splitlines()[:args.n]
    ref = prefix.with_suffix(f".{args.split}.en").read_text("utf-8").splitlines()[:args.n]
    rows = []
    for ngram, penalty in SETTINGS:
        options = DecodeOptions(beam_size=args.beam, max_batch_size=args.batch,
                                no_repeat_ngram_size=ngram, repetition_penalty=penalty)
        out, seconds = common.timed(lambda o=options: engine.translate_plain(src, o))
        loops = sum(1 for o in out if check_repetition(o))
        rows.append([ngram, penalty, loops, CHRF().corpus_score(out, [ref]).score, seconds])
    common.header(f"Loop controls, bare model, news {args.split} 1-{len(src)}", args, s)
    print(table(["no_repeat_ngram_size", "repetition_penalty", "sentences that loop",
                 "chrF", "seconds"], rows, digits=2))
    defaults = DecodeOptions()
    print(f"\ndefaults now: no_repeat_ngram_size={defaults.no_repeat_ngram_size}, "
          f"repetition_penalty={defaults.repetition_penalty}")
    if s.tiny:
        print(f"\n{common.TINY_WARNING}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
