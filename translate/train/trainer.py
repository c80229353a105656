"""The training loop: AdamW with warmup, label smoothing, time/step budgets, best-on-dev checkpoint.

Two budgets stop training, whichever comes first: ``max_steps`` (reproducible runs) and
``max_minutes`` (wall-clock, measured over the loop including the periodic dev evaluations; no
step is started that would, at the mean step time so far, end past the budget; the final dev
evaluation comes on top, and data preparation, SentencePiece training and export are outside it). The dev loss (per-token
negative log-likelihood without label smoothing, on the plain dev pairs) is measured every
``eval_every`` steps and once at the end; the weights with the lowest dev loss are kept, written
to ``best.pt`` and loaded back into the model before export.
"""

from __future__ import annotations

import logging
import math
import random
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Sequence

import torch
import torch.nn.functional as F

from .config import TrainConfig
from .batching import EncodedPair, Example, collate, epoch_examples, iterate_forever, make_batches
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


def _autocast(device: str, enabled: bool):
    return torch.autocast(device_type="cuda", dtype=torch.bfloat16, enabled=enabled and device == "cuda")


@torch.no_grad()
def dev_loss(model: Seq2SeqTransformer, batches: Sequence[Sequence[Example]], eos_id: int, device: str, amp: bool = False) -> float:
    """Per-token NLL (no label smoothing) over the dev batches."""
    was_training = model.training
    model.eval()
    total, tokens = 0.0, 0
    for examples in batches:
        batch = collate(examples, eos_id).to(device)
        with _autocast(device, amp):
            logits = model(batch.src, batch.src_lengths, batch.tgt_in)
        loss = F.cross_entropy(logits.float().flatten(0, 1), batch.tgt_out.flatten(), ignore_index=-100, reduction="sum")
        total += float(loss)
        tokens += batch.n_tokens
    model.train(was_training)
    return total / max(tokens, 1)


def train(
    model: Seq2SeqTransformer,
    tokenizer: Tokenizer,
    train_pairs: Sequence[EncodedPair],
    dev_examples: Sequence[Example],
    cfg: TrainConfig,
    work_dir: Path,
    extra_checkpoint: dict | None = None,
) -> TrainResult:
    """Train ``model`` in place; on return it holds the best-on-dev weights."""
    device = cfg.device
    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    model.to(device).train()
    decay, no_decay = [], []
    for name, param in model.named_parameters():
        (no_decay if param.ndim < 2 or name == "output_bias" else decay).append(param)
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": cfg.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
        lr=cfg.lr,
        betas=(0.9, cfg.adam_beta2),
        eps=1e-9,
    )
    dev_batches = make_batches(dev_examples, cfg.batch_tokens, rng=None)
    result = TrainResult()
    work_dir.mkdir(parents=True, exist_ok=True)
    checkpoint_path = work_dir / "best.pt"
    best_state: dict[str, torch.Tensor] | None = None

    def build_epoch(epoch: int) -> list[list[Example]]:
        examples = epoch_examples(
            tokenizer, train_pairs, rng, cfg.term_prob, cfg.max_terms, cfg.max_term_words, cfg.max_pieces
        )
        result.epochs = epoch
        result.train_examples_last_epoch = len(examples)
        result.augmented_last_epoch = sum(ex.augmented for ex in examples)
        logger.info("epoch %d: %d examples (%d with appended terms)", epoch, len(examples), result.augmented_last_epoch)
        return make_batches(examples, cfg.batch_tokens, rng)

    def evaluate(step: int, train_loss: float) -> None:
        nonlocal best_state
        loss = dev_loss(model, dev_batches, tokenizer.eos_id, device, cfg.amp)
        elapsed = time.monotonic() - start
        improved = loss < result.best_dev_loss
        result.history.append({"step": step, "minutes": round(elapsed / 60, 3), "train_loss": train_loss, "dev_loss": loss})
        logger.info("step %d: dev loss %.4f%s (%.1f min)", step, loss, " (best)" if improved else "", elapsed / 60)
        if improved:
            result.best_dev_loss, result.best_step = loss, step
            best_state = {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}
            torch.save(
                {"model_config": model.cfg.to_dict(), "state_dict": best_state, "step": step, "dev_loss": loss, **(extra_checkpoint or {})},
                checkpoint_path,
            )

    start = time.monotonic()
    step = 0
    window_loss, window_tokens = 0.0, 0
    last_logged = math.nan
    last_eval_step = -1
    batches = iterate_forever(build_epoch)
    while True:
        if step >= cfg.max_steps:
            result.stop_reason = f"max_steps ({cfg.max_steps})"
            break
        elapsed = time.monotonic() - start
        if step and elapsed + elapsed / step >= cfg.max_minutes * 60:  # the next step would overrun
            result.stop_reason = f"max_minutes ({cfg.max_minutes:g})"
            break
        epoch, examples = next(batches)
        step += 1
        lr = learning_rate(step, cfg.lr, cfg.warmup_steps)
        for group in optimizer.param_groups:
            group["lr"] = lr
        batch = collate(examples, tokenizer.eos_id).to(device)
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

        window_loss += float(loss_sum.detach())
        window_tokens += batch.n_tokens
        if step == 1:
            result.first_train_loss = float(loss_sum.detach()) / batch.n_tokens
        if step % cfg.log_every == 0:
            last_logged = window_loss / window_tokens
            result.last_train_loss = last_logged
            logger.info(
                "step %d epoch %d: train loss %.4f (label-smoothed), lr %.2e, %.1f min",
                step, epoch, last_logged, lr, (time.monotonic() - start) / 60,
            )
            window_loss, window_tokens = 0.0, 0
        if cfg.eval_every > 0 and step % cfg.eval_every == 0:
            evaluate(step, last_logged)
            last_eval_step = step

    if window_tokens:
        result.last_train_loss = window_loss / window_tokens
    if step != last_eval_step:
        evaluate(step, result.last_train_loss)
    result.steps = step
    result.seconds = time.monotonic() - start
    result.checkpoint = str(checkpoint_path)
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    logger.info(
        "stopped after %d steps (%s), %.1f min; best dev loss %.4f at step %d",
        step, result.stop_reason, result.seconds / 60, result.best_dev_loss, result.best_step,
    )
    return result
