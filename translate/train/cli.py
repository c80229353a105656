"""Command line of the training recipe: ``python -m translate.train --output DIR [options]``.

Relative paths (``--data``, ``--dev``, ``--output``, ``--work-dir``) are resolved against
the current working directory; the data defaults (``../shared/data/...``) therefore assume the
command runs from the repository root, next to the shared data folder.
"""

from __future__ import annotations

import argparse
import logging
import shlex
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

from bitext.metavars import plain_metavars

from .config import ModelConfig, TrainConfig

MODEL, TRAIN = ModelConfig(), TrainConfig()  # the defaults every option below shows
DEFAULT_DATA_DIR = "../shared/data/train"
DEFAULT_DEV = "../shared/data/korean-english-park.dev"
DEFAULT_TEST = "../shared/data/korean-english-park.test"

DESCRIPTION = """\
Train a Korean→English Marian-style transformer from scratch and export it as a CTranslate2
model directory (OPUS-MT layout, toolkit.json, README.md model card).

Steps: pick sources (by default only those whose licence SOURCES.md states), train Korean and
English unigram SentencePiece models (shared vocabulary = union, <sep> user-defined), add
term-hint copies of pairs (source + <sep> + target n-grams), train with a time and a step budget
keeping the best checkpoint on the dev set, export to CTranslate2, check the export against the
PyTorch model (greedy outputs and log-probs), measure chrF/BLEU on dev (if sacrebleu is
installed) and write the model card.
"""


def _sources_epilog(argv: Sequence[str]) -> str:
    """Describe the default source selection for the --data-dir in ``argv`` (for --help)."""
    from .sources import describe_sources

    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--data", "--data-dir", dest="data_dirs", action="append", type=Path)
    known, _ = pre.parse_known_args(argv)
    data_dirs = [d.resolve() for d in known.data_dirs or [Path(DEFAULT_DATA_DIR)]]
    try:
        return describe_sources(data_dirs)
    except Exception as exc:  # --help must not fail on a malformed SOURCES.md
        return f"(could not read the SOURCES.md files: {exc})"


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The argument parser; ``argv`` is used only to describe the chosen data dir in the epilog."""
    rule = (
        "Source selection: a source is used by default only if the licence cell of its row in "
        "SOURCES.md states a licence; cells starting with 'unstated' (or empty, 'unknown', 'none') "
        "and sources missing from the table are excluded, and the logs say which and why. "
        "Name sources explicitly with --sources (a warning is logged for each without a stated "
        "licence) or use --sources all."
    )
    epilog = textwrap.fill(rule, width=96) + "\n\n" + _sources_epilog(argv)
    p = argparse.ArgumentParser(
        prog="python -m translate.train",
        description=DESCRIPTION,
        epilog=epilog,
        formatter_class=lambda prog: argparse.RawDescriptionHelpFormatter(
            prog, max_help_position=34
        ),
    )
    g = p.add_argument_group("data")
    g.add_argument("--output", "-o", required=True, type=Path,
                   help="CTranslate2 model directory to write")
    g.add_argument("--force", action="store_true", help="replace --output if it exists")
    g.add_argument("--work-dir", type=Path,
                   help="SentencePiece models, best.pt, summary.json (default: OUTPUT.work)")
    g.add_argument("--name",
                   help="model name for toolkit.json and the card (default: the output folder's "
                        "name)")
    g.add_argument("--data", "--data-dir", dest="data_dirs", action="append", type=Path,
                   metavar="DIR",
                   help="folder of NAME.ko/NAME.en pairs (or NAME.ko.xz/NAME.en.xz) and its "
                        f"SOURCES.md; repeat for several folders (default: {DEFAULT_DATA_DIR}, "
                        "relative to the current directory)")
    g.add_argument("--sources",
                   help="comma-separated source names, or 'all' (default: sources with a "
                        "stated licence)")
    g.add_argument("--dev", default=DEFAULT_DEV, type=Path,
                   help=f"dev set prefix: PREFIX.ko/PREFIX.en (default: {DEFAULT_DEV}, relative "
                        "to the current directory)")
    g.add_argument("--dev-limit", type=int, help="use only the first N dev pairs")
    g.add_argument("--test", type=Path,
                   help="test set prefix for the card's chrF/BLEU next to dev (default: "
                        f"{DEFAULT_TEST} when it exists)")
    g.add_argument("--max-chars", type=int, default=300,
                   help="skip pairs with a side longer than this (default: 300)")
    g.add_argument("--max-pieces", type=int, default=TRAIN.max_pieces,
                   help="skip pairs with a side longer than this many pieces "
                        "(default: %(default)s)")

    g = p.add_argument_group("vocabulary and augmentation")
    g.add_argument("--src-vocab-size", type=int, default=12_000,
                   help="Korean SentencePiece size (default: 12000)")
    g.add_argument("--tgt-vocab-size", type=int, default=8_000,
                   help="English SentencePiece size (default: 8000)")
    g.add_argument("--term-prob", type=float, default=TRAIN.term_prob,
                   help="probability of adding a term-hint copy of a pair "
                        "(default: %(default)s)")
    g.add_argument("--max-terms", type=int, default=TRAIN.max_terms,
                   help="terms per hinted copy: 1..N (default: %(default)s)")
    g.add_argument("--max-term-words", type=int, default=TRAIN.max_term_words,
                   help="words per term: 1..N (default: %(default)s)")

    g = p.add_argument_group("model")
    g.add_argument("--enc-layers", type=int, default=MODEL.encoder_layers,
                   help="encoder layers (default: %(default)s)")
    g.add_argument("--dec-layers", type=int, default=MODEL.decoder_layers,
                   help="decoder layers (default: %(default)s)")
    g.add_argument("--d-model", type=int, default=MODEL.d_model,
                   help="model width (default: %(default)s)")
    g.add_argument("--heads", type=int, default=MODEL.heads,
                   help="attention heads (default: %(default)s)")
    g.add_argument("--ffn", type=int, default=MODEL.ffn_dim,
                   help="feed-forward width (default: %(default)s)")
    g.add_argument("--dropout", type=float, default=MODEL.dropout,
                   help="dropout on embeddings and sublayer outputs (default: %(default)s)")
    g.add_argument("--attention-dropout", type=float, default=MODEL.attention_dropout,
                   help="dropout on attention weights (default: %(default)s)")

    g = p.add_argument_group("training")
    g.add_argument("--max-minutes", type=float, default=TRAIN.max_minutes,
                   help="wall-clock budget of the training loop (default: %(default)s)")
    g.add_argument("--max-steps", type=int, default=TRAIN.max_steps,
                   help="step budget (default: %(default)s)")
    g.add_argument("--eval-every", type=int, default=TRAIN.eval_every,
                   help="dev loss every N steps; best checkpoint kept (default: %(default)s)")
    g.add_argument("--log-every", type=int, default=TRAIN.log_every,
                   help="train loss log interval (default: %(default)s)")
    g.add_argument("--batch-tokens", type=int, default=TRAIN.batch_tokens,
                   help="max padded tokens per side and batch (default: %(default)s)")
    g.add_argument("--lr", type=float, default=TRAIN.lr,
                   help="peak learning rate (default: %(default)s)")
    g.add_argument("--warmup-steps", type=int, default=TRAIN.warmup_steps,
                   help="most linear warmup steps, then inverse-sqrt decay "
                        "(default: %(default)s)")
    g.add_argument("--warmup-fraction", type=float, default=TRAIN.warmup_fraction,
                   help="warmup = min(--warmup-steps, this share of the step budget: --max-steps, "
                        "or the steps --max-minutes allows at the speed of the first 50 steps); "
                        "0 = exactly --warmup-steps (default: %(default)s)")
    g.add_argument("--weight-decay", type=float, default=TRAIN.weight_decay,
                   help="AdamW weight decay on matrices (default: %(default)s)")
    g.add_argument("--label-smoothing", type=float, default=TRAIN.label_smoothing,
                   help="(default: %(default)s)")
    g.add_argument("--clip-norm", type=float, default=TRAIN.clip_norm,
                   help="gradient norm clipping, 0 = off (default: %(default)s)")
    g.add_argument("--seed", type=int, default=TRAIN.seed)
    g.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto",
                   help="(default: auto = cuda if available)")
    g.add_argument("--amp", action="store_true", help="bfloat16 autocast on CUDA")
    g.add_argument("--loader-workers", type=int, default=TRAIN.loader_workers,
                   help="processes building batches ahead of the training loop; -1 = 2 on CUDA, "
                        "0 (in-process) on CPU (default: %(default)s)")
    g.add_argument("--threads", type=int,
                   help="CPU threads for torch and CTranslate2 (default: their own defaults)")

    g = p.add_argument_group("export")
    g.add_argument("--quantization", default="int8",
                   choices=("int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16",
                            "float16", "bfloat16", "float32"),
                   help="CTranslate2 weight type (default: int8)")
    g.add_argument("--verify-sentences", type=int, default=8,
                   help="dev sentences for the torch-vs-CTranslate2 check (default: 8)")
    g.add_argument("--no-eval", action="store_true",
                   help="skip chrF/BLEU on the dev and test sets for the model card")
    g.add_argument("--eval-beam", type=int, default=4,
                   help="beam size for the card's chrF/BLEU (default: 4)")
    g.add_argument("--quiet", action="store_true", help="log warnings only")
    return plain_metavars(p)


def _test_prefix(given: Path | None) -> Path | None:
    """``--test``, or the news test beside the repository when present (else dev only)."""
    if given is not None:
        return given.resolve()
    default = Path(DEFAULT_TEST).resolve()
    return default if default.with_name(default.name + ".ko").is_file() else None


def config_from_args(args: argparse.Namespace, command: str = ""):
    """Turn parsed arguments into the pipeline's RunConfig."""
    from .pipeline import RunConfig

    sources = None
    if args.sources:
        sources = [s.strip() for s in args.sources.split(",") if s.strip()]
    train_cfg = TrainConfig(
        lr=args.lr,
        warmup_steps=args.warmup_steps,
        warmup_fraction=args.warmup_fraction,
        weight_decay=args.weight_decay,
        clip_norm=args.clip_norm,
        label_smoothing=args.label_smoothing,
        batch_tokens=args.batch_tokens,
        max_steps=args.max_steps,
        max_minutes=args.max_minutes,
        eval_every=args.eval_every,
        log_every=args.log_every,
        term_prob=args.term_prob,
        max_terms=args.max_terms,
        max_term_words=args.max_term_words,
        max_pieces=args.max_pieces,
        seed=args.seed,
        device=args.device,
        amp=args.amp,
        loader_workers=args.loader_workers,
    )
    return RunConfig(
        output=args.output.resolve(),
        data_dirs=[d.resolve() for d in args.data_dirs or [Path(DEFAULT_DATA_DIR)]],
        dev_prefix=args.dev.resolve(),
        test_prefix=_test_prefix(args.test),
        sources=sources,
        work_dir=args.work_dir.resolve() if args.work_dir else None,
        name=args.name,
        source_vocab_size=args.src_vocab_size,
        target_vocab_size=args.tgt_vocab_size,
        max_chars=args.max_chars,
        dev_limit=args.dev_limit,
        model=ModelConfig(
            encoder_layers=args.enc_layers,
            decoder_layers=args.dec_layers,
            d_model=args.d_model,
            heads=args.heads,
            ffn_dim=args.ffn,
            dropout=args.dropout,
            attention_dropout=args.attention_dropout,
        ),
        train=train_cfg,
        quantization=args.quantization,
        force=args.force,
        verify_sentences=args.verify_sentences,
        card_eval=not args.no_eval,
        card_beam=args.eval_beam,
        threads=args.threads,
        command=command,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(argv).parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        import torch  # noqa: F401
    except ImportError:
        print("translate.train needs PyTorch: pip install '.[train]'", file=sys.stderr)
        return 2
    from .pipeline import run

    command = "python -m translate.train " + " ".join(shlex.quote(a) for a in argv)
    try:
        summary = run(config_from_args(args, command))
    except (FileExistsError, FileNotFoundError, ValueError) as exc:  # incl. ExportMismatchError
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"error: {message}", file=sys.stderr)
        return 1
    r = summary.result
    print(
        f"{summary.output}: {r.steps} steps in {r.seconds / 60:.1f} min, "
        f"best dev loss {r.best_dev_loss:.4f} at step {r.best_step}"
        + "".join(f", {e.name} chrF {e.chrf:.1f} BLEU {e.bleu:.2f}" for e in summary.evaluations)
    )
    return 0
