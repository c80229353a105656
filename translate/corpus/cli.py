"""``translate corpus``: many files, many workers, one resumable run (``koen.cli`` calls
:func:`main` with the arguments after ``corpus``).

Exit codes: 0 done (failed segments are listed in ``OUTDIR/failures.txt`` and do not change
the exit code unless ``--strict``), 1 with ``--strict`` when segments failed or a glossary
term was missed or a forbidden rendering is present, or with ``--fail-on CODES`` when a
segment has a finding with one of those codes, 2 bad input / options / Ray missing,
3 the run stopped part-way (rerun the same command to resume), 130 interrupted.
"""
from __future__ import annotations

import argparse
import json
import sys

from bitext.errors import InputError
from bitext.formats import FORMATS
from bitext.gate import TERM_CODES, add_fail_on_argument, describe, failing, parse_fail_on
from bitext.metavars import plain_metavars
from translate.options import DecodeOptions, add_translation_arguments

RESUME_HINT = "finished shards are kept; rerun the same command to resume"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="translate corpus",
        description="Translate a corpus (text, TSV, JSONL files or folders of them) on Ray Data: "
                    "sharded, resumable results in OUTDIR/shards, merged outputs, one terminology "
                    "report and a failures list. The model must exist at the same path on every "
                    "node; --max-chars also fails longer TSV/JSONL cells.")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files or folders")
    p.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="output folder")
    p.add_argument("--address", default=None,
                   help="Ray cluster (ray://host:10001, auto); default or 'local': this machine")
    p.add_argument("--workers", type=int, default=None,
                   help="model actors (default: as many as the cluster's CPUs/GPUs allow)")
    p.add_argument("--threads", type=int, default=1, help="CPU threads per worker (default 1)")
    p.add_argument("--device", default="cpu", choices=("cpu", "cuda"),
                   help="cuda gives each worker a GPU share (--gpus-per-worker)")
    p.add_argument("--gpus-per-worker", type=float, default=1.0)
    p.add_argument("-f", "--format", default="tmx,tsv",
                   help=f"merged outputs, comma-separated from {','.join(FORMATS)} "
                        "(default tmx,tsv)")
    p.add_argument("--shard-size", type=int, default=500, help="segments per shard (default 500)")
    p.add_argument("--shard-format", default="jsonl", choices=("jsonl", "parquet"))
    add_translation_arguments(p)
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="progress bar (default: on for a terminal)")
    p.add_argument("--strict", action="store_true",
                   help="exit 1 when segments failed or terms were missed/forbidden")
    add_fail_on_argument(p)
    p.add_argument("--json", action="store_true", help="print the result as JSON on stdout")
    return plain_metavars(p)


def settings_from(args: argparse.Namespace):
    from translate.corpus.run import CorpusSettings

    formats = tuple(f.strip().lower() for f in args.format.split(",") if f.strip())
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ValueError(f"unknown format(s) {unknown}; choose from {', '.join(FORMATS)}")
    return CorpusSettings(
        model=args.model, glossary=args.glossary, formats=formats, shard_size=args.shard_size,
        shard_format=args.shard_format, decoding=DecodeOptions.from_args(args),
        max_chars=args.max_chars, device=args.device, threads=args.threads,
        workers=args.workers, gpus_per_worker=args.gpus_per_worker, address=args.address)


def main(argv: list[str] | None = None) -> int:
    """Entry point for ``translate corpus …`` (``argv`` without the word ``corpus``)."""
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    from translate.corpus.runtime import RayMissing, require_ray

    try:
        fail_on = parse_fail_on(args.fail_on)
        require_ray()
        from translate.corpus.run import run_corpus

        result = run_corpus(args.inputs, args.output, settings_from(args), progress=args.progress)
    except RayMissing as e:
        print(f"translate corpus: {e}", file=sys.stderr)
        return 2
    except (InputError, ValueError) as e:      # also GlossaryError, ModelError
        print(f"translate corpus: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"translate corpus: interrupted; {RESUME_HINT}", file=sys.stderr)
        return 130
    except Exception as e:                       # noqa: BLE001 - Ray task errors and the like
        first = str(e).strip().splitlines()[-1] if str(e).strip() else type(e).__name__
        print(f"translate corpus: stopped: {first}\ntranslate corpus: {RESUME_HINT}",
              file=sys.stderr)
        return 3
    if args.json:
        print(json.dumps({**result.__dict__, "rate": result.rate}, indent=2))
    report = _terms_report(args.output) if args.strict or fail_on else {}
    gate = failing(report, fail_on)
    if gate:
        print(f"translate corpus: {describe(gate)}", file=sys.stderr)
    strict = args.strict and bool(result.failures or failing(report, TERM_CODES))
    return 1 if strict or gate else 0


def _terms_report(outdir: str) -> dict:
    """The run's report as written (``terms.json``): the gate reads what the user sees."""
    from pathlib import Path

    return json.loads((Path(outdir) / "terms.json").read_text(encoding="utf-8"))


if __name__ == "__main__":
    sys.exit(main())
