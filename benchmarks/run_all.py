"""Run every benchmark with one command line and print all their tables, in order.

Each benchmark runs in its own process so peak-RSS figures and thread pools do not leak from
one into the next. With ``--tiny`` the tiny model is built once here and passed to all.
Run: ``python benchmarks/run_all.py --model DIR [--n N] [flags shared by all benchmarks]``.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import common

HERE = Path(__file__).resolve().parent
SCRIPTS = ("bench_terms.py", "bench_quality.py", "bench_speed.py", "bench_trust.py")


def main(argv: list[str] | None = None) -> int:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=None,
                   help="sentences for bench_quality and bench_speed (default: theirs)")
    p.add_argument("--only", nargs="*", choices=SCRIPTS, default=list(SCRIPTS))
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-tiny-") as tmp:
        model = common.build_tiny(Path(tmp) / "ko-en") if args.tiny else args.model
        shared = ["--model", str(model), "--glossary", str(args.glossary),
                  "--threads", str(args.threads), "--beam", str(args.beam),
                  "--batch", str(args.batch), "--term-hints", args.term_hints]
        failed = []
        for script in args.only:
            extra = ["--n", str(args.n)] if args.n and script != "bench_terms.py" else []
            print(f"\n<!-- python benchmarks/{script} {' '.join(shared + extra)} -->\n",
                  flush=True)
            rc = subprocess.call([sys.executable, str(HERE / script), *shared, *extra])
            if rc:
                failed.append(script)
        if failed:
            print(f"\nFAILED: {', '.join(failed)}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
