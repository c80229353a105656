"""The training loop: AdamW with warmup, label smoothing, time/step budgets, best-on-dev checkpoint.

Two budgets stop training, whichever comes first: ``max_steps`` (reproducible runs) and
``max_minutes`` (wall-clock, measured over the loop including the periodic dev evaluations; no
step is started that would, at the mean step time so far, end past the budget; the final dev
evaluation comes on top, and data preparation, SentencePiece training and export are outside
it). The dev loss (per-token negative log-likelihood without label smoothing, on the plain dev
pairs) is measured every
``eval_every`` steps and once at the end; the weights with the lowest dev loss are kept, written
to ``best.pt`` and loaded back into the model before export.
"""

from __future__ import annotations

import logging
import math
import subprocess
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
import torch.nn.functional as F

from .batching import Batch, EpochBatches, TokenizedCorpus, batch_loader, fixed_batches
from .config import TrainConfig
from .model import Seq2SeqTransformer
from .vocab import Tokenizer

logger = logging.getLogger(__name__)


@dataclass
class TrainResult:
    """What happened in training (for logs, the model card and tests)."""

    steps: int = 0
    epochs: int = 0
    seconds: float = 0.0
    stop_reason: str = ""
    best_step: int = 0
    best_dev_loss: float = math.inf
    first_train_loss: float = math.nan
    last_train_loss: float = math.nan
    train_examples_last_epoch: int = 0
    augmented_last_epoch: int = 0
    history: list[dict] = field(default_factory=list)
    checkpoint: str = ""
    warmup_steps: int = 0
    steps_per_second: float = 0.0
    tokens_per_second: float = 0.0  # source + target, real (not padding)

    def to_dict(self) -> dict:
        return asdict(self)


def resolve_device(name: str) -> str:
    """``auto`` → ``cuda`` when available, else ``cpu``."""
    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("--device cuda requested but torch sees no CUDA device")
    return name


def learning_rate(step: int, base_lr: float, warmup_steps: int) -> float:
    """Linear warmup to ``base_lr``, then inverse-square-root decay (Marian's lr-decay-inv-sqrt)."""
    step = max(step, 1)
    if warmup_steps <= 0:
        return base_lr
    return base_lr * min(step / warmup_steps, math.sqrt(warmup_steps / step))


CALIBRATION_STEPS = 50  # steps after which the time budget's step estimate (and warmup) is kept


def warmup_for(cfg: TrainConfig, budget_steps: int) -> int:
    """``min(warmup_steps, warmup_fraction × budget_steps)`` (at least 1).

    Why relative: a fixed 4,000 steps was still warming up when a 17-minute GPU run ended
    (step 3,500), and on a CPU a run never leaves warmup. With the warmup a fixed share of the
    budget, the schedule has the same shape at any speed: peak at 10 %, then inverse-sqrt decay
    to ``sqrt(0.1)`` ≈ 0.32 × peak at the end.
    """
    if cfg.warmup_fraction <= 0:
        return cfg.warmup_steps
    return max(1, min(cfg.warmup_steps, round(cfg.warmup_fraction * budget_steps)))


def _autocast(device: str, enabled: bool):
    return torch.autocast(device_type="cuda", dtype=torch.bfloat16,
                          enabled=enabled and device == "cuda")


def gpu_utilisation(device: str) -> str:
    """GPU busy share as reported by the driver ("n/a" on CPU or when it cannot be read)."""
    if device != "cuda":
        return "n/a"
    try:
        return f"{torch.cuda.utilization()} %"
    except Exception as exc:  # noqa: BLE001 (pynvml missing or any NVML error: ask nvidia-smi)
        logger.debug("torch.cuda.utilization: %s", exc)
    try:
        out = subprocess.run(
            ["nvidia-smi", "--query-gpu=utilization.gpu", "--format=csv,noheader,nounits", "-i",
             str(torch.cuda.current_device())],
            capture_output=True, text=True, timeout=5, check=True,
        )
        return f"{int(out.stdout.strip().splitlines()[0])} %"
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return "n/a"


def loader_workers(cfg: TrainConfig) -> int:
    """Batch-building processes: ``cfg.loader_workers``, or 2 on CUDA and 0 on CPU (where the
    cores are better spent on the model, and batches cost little next to a CPU step)."""
    if cfg.loader_workers >= 0:
        return cfg.loader_workers
    return 2 if cfg.device == "cuda" else 0


@torch.no_grad()
def dev_loss(model: Seq2SeqTransformer, batches: Sequence[Batch], device: str,
             amp: bool = False) -> float:
    """Per-token NLL (no label smoothing) over the dev batches."""
    was_training = model.training
    model.eval()
    total, tokens = 0.0, 0
    for cpu_batch in batches:
        batch = cpu_batch.to(device)
        with _autocast(device, amp):
            logits = model(batch.src, batch.src_lengths, batch.tgt_in)
        loss = F.cross_entropy(logits.float().flatten(0, 1), batch.tgt_out.flatten(),
                               ignore_index=-100, reduction="sum")
        total += float(loss)
        tokens += batch.n_tokens
    model.train(was_training)
    return total / max(tokens, 1)


def train(
    model: Seq2SeqTransformer,
    tokenizer: Tokenizer,
    train_corpus: TokenizedCorpus,
    dev_corpus: TokenizedCorpus,
    cfg: TrainConfig,
    work_dir: Path,
    extra_checkpoint: dict | None = None,
) -> TrainResult:
    """Train ``model`` in place; on return it holds the best-on-dev weights."""
    device = cfg.device
    torch.manual_seed(cfg.seed)
    model.to(device).train()
    decay: list[torch.nn.Parameter] = []
    no_decay: list[torch.nn.Parameter] = []
    for name, param in model.named_parameters():
        (no_decay if param.ndim < 2 or name == "output_bias" else decay).append(param)
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": cfg.weight_decay},
         {"params": no_decay, "weight_decay": 0.0}],
        lr=cfg.lr,
        betas=(0.9, cfg.adam_beta2),
        eps=1e-9,
    )
    dev_batches = fixed_batches(dev_corpus, cfg.batch_tokens, tokenizer.eos_id)
    result = TrainResult()
    work_dir.mkdir(parents=True, exist_ok=True)
    checkpoint_path = work_dir / "best.pt"
    best_state: dict[str, torch.Tensor] | None = None
    epochs: dict[int, list[int]] = {}  # epoch -> [examples, with hints] served so far

    def evaluate(step: int, train_loss: float) -> None:
        nonlocal best_state
        loss = dev_loss(model, dev_batches, device, cfg.amp)
        elapsed = time.monotonic() - start
        improved = loss < result.best_dev_loss
        result.history.append({"step": step, "minutes": round(elapsed / 60, 3),
                               "train_loss": train_loss, "dev_loss": loss})
        logger.info("step %d: dev loss %.4f%s (%.1f min)", step, loss,
                    " (best)" if improved else "", elapsed / 60)
        if improved:
            result.best_dev_loss, result.best_step = loss, step
            best_state = {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}
            torch.save(
                {"model_config": model.cfg.to_dict(), "state_dict": best_state, "step": step,
                 "dev_loss": loss, **(extra_checkpoint or {})},
                checkpoint_path,
            )

    workers = loader_workers(cfg)
    dataset = EpochBatches(
        train_corpus, tokenizer, cfg.batch_tokens, cfg.seed, cfg.term_prob, cfg.max_terms,
        cfg.max_term_words, cfg.max_pieces,
    )
    batches = batch_loader(dataset, workers, pin_memory=device == "cuda")
    logger.info(
        "input: %d pairs in %.1f MB of id arrays, batches built %s%s", len(train_corpus),
        train_corpus.nbytes / 1e6, f"by {workers} worker processes" if workers else "in-process",
        ", pinned memory" if device == "cuda" else "",
    )
    warmup = warmup_for(cfg, cfg.max_steps)
    start = time.monotonic()
    step = 0
    window_loss: torch.Tensor | float = 0.0
    window_tokens, window_src, window_start, window_wait = 0, 0, start, 0.0
    total_tokens = 0
    last_logged = math.nan
    last_eval_step = -1
    epoch = 0
    while True:
        if step >= cfg.max_steps:
            result.stop_reason = f"max_steps ({cfg.max_steps})"
            break
        elapsed = time.monotonic() - start
        if step and elapsed + elapsed / step >= cfg.max_minutes * 60:  # the next step would overrun
            result.stop_reason = f"max_minutes ({cfg.max_minutes:g})"
            break
        if 0 < step <= CALIBRATION_STEPS and cfg.warmup_fraction > 0:
            # Re-estimated each step from the speed so far (so the first steps are not spent at a
            # learning rate meant for a longer run), then kept.
            budget = min(cfg.max_steps, int(step * cfg.max_minutes * 60 / max(elapsed, 1e-9)))
            warmup = warmup_for(cfg, budget)
            if step == CALIBRATION_STEPS:
                logger.info("warmup: %d steps (step budget about %d: max_steps %d, "
                            "or %.3g min at %.2f steps/s)",
                            warmup, budget, cfg.max_steps, cfg.max_minutes,
                            step / max(elapsed, 1e-9))
        waited = time.monotonic()
        cpu_batch = next(batches)
        window_wait += time.monotonic() - waited
        if cpu_batch.epoch > epoch:  # workers' epochs overlap a little: the highest is "current"
            if epoch in epochs:
                logger.info("epoch %d: %d examples (%d with appended terms)", epoch, *epochs[epoch])
            epoch = cpu_batch.epoch
        counts = epochs.setdefault(cpu_batch.epoch, [0, 0])
        counts[0] += cpu_batch.examples
        counts[1] += cpu_batch.augmented
        step += 1
        lr = learning_rate(step, cfg.lr, warmup)
        for group in optimizer.param_groups:
            group["lr"] = lr
        batch = cpu_batch.to(device)
        with _autocast(device, cfg.amp):
            logits = model(batch.src, batch.src_lengths, batch.tgt_in)
        loss_sum = F.cross_entropy(
            logits.float().flatten(0, 1),
            batch.tgt_out.flatten(),
            ignore_index=-100,
            reduction="sum",
            label_smoothing=cfg.label_smoothing,
        )
        optimizer.zero_grad(set_to_none=True)
        (loss_sum / batch.n_tokens).backward()
        if cfg.clip_norm > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.clip_norm)
        optimizer.step()

        window_loss += loss_sum.detach()  # a device tensor: no host-GPU sync until the log line
        window_tokens += batch.n_tokens
        window_src += batch.src_tokens
        total_tokens += batch.n_tokens + batch.src_tokens
        if step == 1:
            result.first_train_loss = float(loss_sum.detach()) / batch.n_tokens
        if step % cfg.log_every == 0:
            now = time.monotonic()
            seconds = max(now - window_start, 1e-9)
            last_logged = float(window_loss) / window_tokens
            result.last_train_loss = last_logged
            logger.info(
                "step %d epoch %d: train loss %.4f (label-smoothed), lr %.2e, %.2f steps/s, "
                "%.0f tokens/s (source+target), input wait %.0f %%, GPU %s, %.1f min",
                step, epoch, last_logged, lr, cfg.log_every / seconds,
                (window_tokens + window_src) / seconds,
                100 * window_wait / seconds, gpu_utilisation(device), (now - start) / 60,
            )
            window_loss, window_tokens, window_src, window_start, window_wait = 0.0, 0, 0, now, 0.0
        if cfg.eval_every > 0 and step % cfg.eval_every == 0:
            evaluate(step, last_logged)
            last_eval_step = step
            window_start = time.monotonic()  # evaluation time is not training speed

    if window_tokens:
        result.last_train_loss = float(window_loss) / window_tokens
    if step != last_eval_step:
        evaluate(step, result.last_train_loss)
    result.steps = step
    result.seconds = time.monotonic() - start
    result.warmup_steps = warmup
    result.steps_per_second = step / max(result.seconds, 1e-9)
    result.tokens_per_second = total_tokens / max(result.seconds, 1e-9)
    result.epochs = max(epochs, default=0)
    last = epochs.get(result.epochs - 1) or epochs.get(result.epochs, [0, 0])
    result.train_examples_last_epoch, result.augmented_last_epoch = last
    result.checkpoint = str(checkpoint_path)
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    logger.info(
        "stopped after %d steps (%s), %.1f min (%.2f steps/s, %.0f tokens/s including dev "
        "evaluations); best dev loss %.4f at step %d",
        step, result.stop_reason, result.seconds / 60, result.steps_per_second,
        result.tokens_per_second, result.best_dev_loss, result.best_step,
    )
    return result
