"""Architecture and training settings, kept free of torch.

The CLI takes its defaults from these dataclasses (so ``--help`` and the recipe never disagree)
and must be able to print ``--help`` before PyTorch is installed.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

MAX_POSITIONS = 2048


@dataclass
class ModelConfig:
    """Architecture hyper-parameters (stored in checkpoints and the model card)."""

    vocab_size: int = 0  # known once the SentencePiece models exist
    encoder_layers: int = 6
    decoder_layers: int = 6
    d_model: int = 512
    heads: int = 8
    ffn_dim: int = 2048
    dropout: float = 0.1
    attention_dropout: float = 0.0
    layer_norm_eps: float = 1e-5
    max_positions: int = MAX_POSITIONS

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class TrainConfig:
    """Optimisation and budget settings."""

    lr: float = 5e-4
    warmup_steps: int = 4000  # at most this many (see warmup_fraction)
    warmup_fraction: float = 0.1  # of the step budget; 0 = exactly warmup_steps
    weight_decay: float = 0.0
    adam_beta2: float = 0.98
    clip_norm: float = 1.0
    label_smoothing: float = 0.1
    batch_tokens: int = 8192
    max_steps: int = 100_000
    max_minutes: float = 60.0
    eval_every: int = 500
    log_every: int = 50
    term_prob: float = 0.5
    max_terms: int = 2
    max_term_words: int = 3
    max_pieces: int = 200
    seed: int = 1234
    device: str = "cpu"
    amp: bool = False
    loader_workers: int = -1  # batch-building processes; -1 = 2 on CUDA, 0 (in-process) on CPU
