"""End-to-end recipe: data → SentencePiece → training → CTranslate2 export → check → model card.

The CLI (cli.py) only parses arguments into a :class:`RunConfig` and calls :func:`run`, so tests
exercise exactly the code path users run.
"""

from __future__ import annotations

import json
import logging
import random
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path

import torch

from .augment import sample_terms, with_terms
from .batching import tokenize_corpus
from .evaluate import DevScores, dev_scores
from .export import export_ctranslate2
from .model import ModelConfig, Seq2SeqTransformer
from .model_card import CardInputs, render
from .sources import (
    clean_pairs,
    load_corpus,
    pair_file,
    read_pairs,
    select_from_folders,
)
from .trainer import TrainConfig, TrainResult, resolve_device, train
from .verify import AgreementReport, compare, require_agreement
from .vocab import Tokenizer, pieces_of, train_sentencepiece

logger = logging.getLogger(__name__)


@dataclass
class RunConfig:
    """Everything one run needs (the CLI's arguments, resolved)."""

    output: Path
    data_dirs: list[Path]
    dev_prefix: Path
    test_prefix: Path | None = None  # news test set for the card's chrF (None: dev only)
    sources: list[str] | None = None  # None: the licence-stated default selection
    work_dir: Path | None = None  # None: "<output>.work"
    name: str | None = None  # None: the output directory's name
    source_vocab_size: int = 12_000
    target_vocab_size: int = 8_000
    max_chars: int = 300
    dev_limit: int | None = None
    model: ModelConfig = field(default_factory=ModelConfig)  # vocab_size filled in by the run
    train: TrainConfig = field(default_factory=TrainConfig)
    quantization: str = "int8"
    force: bool = False
    verify_sentences: int = 8
    card_eval: bool = True
    card_beam: int = 4
    threads: int | None = None
    command: str = ""


@dataclass
class RunSummary:
    """Paths and figures of a finished run."""

    output: Path
    work_dir: Path
    result: TrainResult
    agreement: list[AgreementReport]
    dev_scores: DevScores | None
    included_sources: list[str]
    excluded_sources: dict[str, str]
    evaluations: list[DevScores] = field(default_factory=list)


def _dev_pairs(prefix: Path, limit: int | None) -> tuple[list[str], list[str]]:
    """The dev pairs, NFC-normalised; only empty pairs are dropped (no length limit), so that
    chrF/BLEU are computed on the whole set, comparable with other models' figures."""
    if not pair_file(prefix, ".ko").is_file():
        raise FileNotFoundError(
            f"evaluation set {prefix}.ko/.en not found (give --dev/--test PREFIX)"
        )
    src, tgt = read_pairs(prefix)
    src, tgt, _ = clean_pairs(src, tgt, max_chars=10**9)
    if limit:
        src, tgt = src[:limit], tgt[:limit]
    return src, tgt


def _check_sources(tokenizer: Tokenizer, dev_src: list[str], dev_tgt: list[str], n: int,
                   seed: int) -> list[list[str]]:
    """Dev sentences for the export check: some plain, some with appended terms (both paths)."""
    rng = random.Random(seed)
    out: list[list[str]] = []
    for i, (src, ref) in enumerate(zip(dev_src[:n], dev_tgt[:n])):
        pieces = tokenizer.source_pieces(src)
        terms = sample_terms(ref, rng) if i % 2 else []
        out.append(with_terms(pieces, [tokenizer.target_pieces(t) for t in terms]))
    return out


def run(cfg: RunConfig) -> RunSummary:
    """Run the whole recipe; raises ExportMismatchError if the float32 export disagrees with the
    torch model (then nothing is left at ``cfg.output``).

    ``cfg.threads`` applies to torch and CTranslate2 for this run only (torch's global thread
    count is restored afterwards, since the caller may be a longer-lived process such as pytest).
    """
    previous_threads = torch.get_num_threads()
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    try:
        return _run(cfg, ct2_threads=cfg.threads or 0)
    finally:
        torch.set_num_threads(previous_threads)


def _run(cfg: RunConfig, ct2_threads: int) -> RunSummary:
    output = cfg.output
    work_dir = cfg.work_dir or output.with_name(output.name + ".work")
    name = cfg.name or output.name
    if output.exists() and not cfg.force:
        raise FileExistsError(f"{output} exists (use --force to replace it)")
    work_dir.mkdir(parents=True, exist_ok=True)
    device = resolve_device(cfg.train.device)
    cfg.train.device = device

    # 1. Data, chosen by licence.
    selection, table, folders = select_from_folders(cfg.data_dirs, cfg.sources)
    for excluded, reason in selection.excluded.items():
        logger.info("source %s excluded: %s", excluded, reason)
    for warning in selection.warnings:
        logger.warning("%s", warning)
    if not selection.included:
        raise ValueError(f"no training source selected in {', '.join(map(str, cfg.data_dirs))}")
    logger.info("sources used: %s", ", ".join(selection.included))
    corpus = load_corpus(folders, selection.included, cfg.max_chars)
    dev_src, dev_tgt = _dev_pairs(cfg.dev_prefix, cfg.dev_limit)
    logger.info("%d training pairs, %d dev pairs", len(corpus), len(dev_src))
    if (cfg.card_eval and cfg.test_prefix is not None
            and not pair_file(cfg.test_prefix, ".ko").is_file()):
        raise FileNotFoundError(f"test set {cfg.test_prefix}.ko/.en not found (give --test PREFIX)")

    # 2. SentencePiece (Korean and English separately; shared vocabulary = union).
    spm_dir = work_dir / "spm"
    source_spm = train_sentencepiece(
        corpus.sources, spm_dir / "source.spm", cfg.source_vocab_size, 0.9995,
        option="--src-vocab-size",
    )
    target_spm = train_sentencepiece(
        corpus.targets, spm_dir / "target.spm", cfg.target_vocab_size, 1.0,
        option="--tgt-vocab-size",
    )
    tokenizer = Tokenizer.load(source_spm, target_spm)
    n_src_pieces, n_tgt_pieces = len(pieces_of(source_spm)), len(pieces_of(target_spm))
    logger.info("SentencePiece: %d Korean + %d English pieces → %d shared",
                n_src_pieces, n_tgt_pieces, len(tokenizer.tokens))

    # 3. Token ids, once, into integer arrays.
    max_pieces = cfg.train.max_pieces
    train_pairs, dropped = tokenize_corpus(tokenizer, corpus.sources, corpus.targets, max_pieces)
    dev_pairs, dev_dropped = tokenize_corpus(tokenizer, dev_src, dev_tgt, max_pieces)
    logger.info("%d pairs dropped for > %d pieces (dev: %d)", dropped, max_pieces, dev_dropped)

    # 4. Model and training.
    model_cfg = replace(cfg.model, vocab_size=len(tokenizer.tokens))
    if model_cfg.d_model % model_cfg.heads:
        raise ValueError("--d-model must be divisible by --heads")
    torch.manual_seed(cfg.train.seed)
    model = Seq2SeqTransformer(model_cfg)
    logger.info("model: %.2f M parameters, device %s", model.num_parameters() / 1e6, device)
    result = train(model, tokenizer, train_pairs, dev_pairs, cfg.train, work_dir,
                   extra_checkpoint={"vocabulary": tokenizer.tokens})
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}

    # 5. Export (into a staging folder: --output appears only once everything passed), then
    #    check it against the torch model.
    staging = output.with_name(f".{output.name}.partial")
    export_ctranslate2(model_cfg, state, tokenizer.tokens, source_spm, target_spm, staging, name,
                       cfg.quantization, force=True)
    try:
        agreement, evaluations = _check_and_evaluate(cfg, model, model_cfg, state, tokenizer,
                                                     staging, work_dir, name, dev_src, dev_tgt,
                                                     ct2_threads)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    scores = evaluations[0] if evaluations else None
    logger.info("exported %s (%s)", output, cfg.quantization)
    n_threads = torch.get_num_threads()
    device_name = (torch.cuda.get_device_name(0) if device == "cuda"
                   else f"CPU ({n_threads} thread{'s' if n_threads != 1 else ''})")
    card = CardInputs(
        name=name,
        model=model_cfg,
        parameters=model.num_parameters(),
        source_pieces=n_src_pieces,
        target_pieces=n_tgt_pieces,
        train=cfg.train,
        result=result,
        selection=selection,
        table=table,
        corpus=corpus,
        pairs_used=len(train_pairs),
        dev_prefix=str(cfg.dev_prefix),
        dev_pairs=len(dev_pairs),
        quantization=cfg.quantization,
        device_name=device_name,
        max_chars=cfg.max_chars,
        agreement=agreement,
        evaluations=evaluations,
        command=cfg.command,
        folders={n: str(folders[n]) for n in selection.included},
    )
    (staging / "README.md").write_text(render(card), encoding="utf-8")
    if output.exists():  # --force (checked at the start)
        shutil.rmtree(output)
    staging.rename(output)
    summary = {
        "output": str(output),
        "train": result.to_dict(),
        "agreement": [a.to_dict() for a in agreement],
        "dev_scores": scores.to_dict() if scores else None,
        "evaluations": [e.to_dict() for e in evaluations],
        "sources": selection.included,
        "excluded": selection.excluded,
    }
    (work_dir / "summary.json").write_text(
        json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return RunSummary(output, work_dir, result, agreement, scores, selection.included,
                      selection.excluded, evaluations)


def _check_and_evaluate(cfg: RunConfig, model: Seq2SeqTransformer, model_cfg: ModelConfig,
                        state: dict, tokenizer: Tokenizer, export_dir: Path, work_dir: Path,
                        name: str, dev_src: list[str], dev_tgt: list[str], ct2_threads: int,
                        ) -> tuple[list[AgreementReport], list[DevScores]]:
    """The export check (float32 must agree; raises ExportMismatchError) and, unless
    ``--no-eval``, chrF/BLEU on dev and on the test set, on the text users get."""
    agreement: list[AgreementReport] = []
    check = _check_sources(tokenizer, dev_src, dev_tgt, cfg.verify_sentences, cfg.train.seed)
    if check:
        if cfg.quantization != "float32":
            reference_dir = work_dir / "export-float32"
            export_ctranslate2(model_cfg, state, tokenizer.tokens, export_dir / "source.spm",
                               export_dir / "target.spm", reference_dir, name, "float32",
                               force=True)
            strict = compare(model, tokenizer, reference_dir, check, compute_type="float32",
                             threads=ct2_threads)
            shutil.rmtree(reference_dir)
        else:
            strict = compare(model, tokenizer, export_dir, check, compute_type="float32",
                             threads=ct2_threads)
        agreement.append(strict)
        logger.info("export check (float32): %s", strict.summary())
        require_agreement(strict, cfg.output)
        if cfg.quantization != "float32":
            loose = compare(
                model, tokenizer, export_dir, check, compute_type="default", tie_margin=0.05,
                logprob_tolerance=float("inf"), threads=ct2_threads,
            )
            agreement.append(loose)
            logger.info("export check (%s): %s", cfg.quantization, loose.summary())
    evaluations: list[DevScores] = []
    if not cfg.card_eval:
        return agreement, evaluations
    sets = [("dev", cfg.dev_prefix, dev_src, dev_tgt)]
    if cfg.test_prefix is not None:
        sets.append(("test", cfg.test_prefix, *_dev_pairs(cfg.test_prefix, None)))
    for set_name, prefix, src, ref in sets:
        scores = dev_scores(export_dir, src, ref, beam_size=cfg.card_beam, threads=ct2_threads,
                            name=set_name, prefix=str(prefix))
        if scores is not None:
            evaluations.append(scores)
    return agreement, evaluations
