"""Turning sentence pairs into id sequences and token-budgeted batches.

Batches are formed by token count (``batch_tokens`` ≥ sentences × longest side), from examples
sorted by length inside large shuffled pools, as Marian does: similar lengths in one batch waste
little padding, and shuffling the pools and the batches keeps the order random across epochs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable, Iterator, Sequence

import torch

from .augment import sample_terms, with_terms
from .vocab import Tokenizer


@dataclass
class EncodedPair:
    """A tokenised pair: source pieces (no ``</s>``), target ids (no ``</s>``), reference text."""

    source_pieces: list[str]
    target_ids: list[int]
    reference: str


@dataclass
class Example:
    """One training example: full source ids (ending in ``</s>``) and target ids (no ``</s>``)."""

    src: list[int]
    tgt: list[int]
    augmented: bool = False


@dataclass
class Batch:
    """Padded tensors for one step. Padding is masked by lengths; its id value is irrelevant."""

    src: torch.Tensor
    src_lengths: torch.Tensor
    tgt_in: torch.Tensor  # </s> + target
    tgt_out: torch.Tensor  # target + </s>, -100 at padding (ignored by the loss)
    n_tokens: int  # real target tokens (incl. </s>)

    def to(self, device: torch.device | str) -> "Batch":
        return Batch(
            self.src.to(device, non_blocking=True),
            self.src_lengths.to(device, non_blocking=True),
            self.tgt_in.to(device, non_blocking=True),
            self.tgt_out.to(device, non_blocking=True),
            self.n_tokens,
        )


def encode_pairs(
    tokenizer: Tokenizer, sources: Sequence[str], targets: Sequence[str], max_pieces: int
) -> tuple[list[EncodedPair], int]:
    """Tokenise pairs; drop those with more than ``max_pieces`` pieces on either side."""
    encoded: list[EncodedPair] = []
    dropped = 0
    for src, tgt in zip(sources, targets):
        src_pieces = tokenizer.source_pieces(src)
        tgt_ids = tokenizer.ids(tokenizer.target_pieces(tgt))
        if not src_pieces or not tgt_ids or len(src_pieces) + 1 > max_pieces or len(tgt_ids) + 1 > max_pieces:
            dropped += 1
            continue
        encoded.append(EncodedPair(src_pieces, tgt_ids, tgt))
    return encoded, dropped


def plain_examples(tokenizer: Tokenizer, pairs: Sequence[EncodedPair]) -> list[Example]:
    """Examples without term hints (used for the dev set)."""
    return [Example(tokenizer.ids(with_terms(p.source_pieces, [])), p.target_ids) for p in pairs]


def epoch_examples(
    tokenizer: Tokenizer,
    pairs: Sequence[EncodedPair],
    rng: random.Random,
    term_prob: float,
    max_terms: int,
    max_term_words: int,
    max_pieces: int,
) -> list[Example]:
    """All pairs once, plus (with probability ``term_prob``) a copy with appended target terms.

    The terms are re-sampled every epoch so that the model sees different hints for a sentence.
    """
    examples: list[Example] = []
    for pair in pairs:
        examples.append(Example(tokenizer.ids(with_terms(pair.source_pieces, [])), pair.target_ids))
        if term_prob <= 0 or rng.random() >= term_prob:
            continue
        terms = sample_terms(pair.reference, rng, max_terms=max_terms, max_words=max_term_words)
        if not terms:
            continue
        src = with_terms(pair.source_pieces, [tokenizer.target_pieces(t) for t in terms])
        if len(src) <= max_pieces:
            examples.append(Example(tokenizer.ids(src), pair.target_ids, augmented=True))
    return examples


def make_batches(
    examples: Sequence[Example], batch_tokens: int, rng: random.Random | None, pool_factor: int = 100
) -> list[list[Example]]:
    """Group examples into batches of at most ``batch_tokens`` padded tokens per side.

    With ``rng`` None the order is deterministic (sorted by length; used for evaluation).
    """
    order = list(range(len(examples)))
    if rng is not None:
        rng.shuffle(order)
    batches: list[list[Example]] = []
    approx_batch = max(1, batch_tokens // 32)
    pool_size = max(1, approx_batch * pool_factor) if rng is not None else max(1, len(order))
    for start in range(0, len(order), pool_size):
        pool = sorted(order[start : start + pool_size], key=lambda i: (len(examples[i].tgt), len(examples[i].src)))
        batch: list[Example] = []
        longest = 0
        for i in pool:
            ex = examples[i]
            length = max(len(ex.src), len(ex.tgt) + 1)
            if batch and max(longest, length) * (len(batch) + 1) > batch_tokens:
                batches.append(batch)
                batch, longest = [], 0
            batch.append(ex)
            longest = max(longest, length)
        if batch:
            batches.append(batch)
    if rng is not None:
        rng.shuffle(batches)
    return batches


def collate(batch: Sequence[Example], eos_id: int) -> Batch:
    """Pad a list of examples into tensors."""
    n = len(batch)
    src_len = max(len(ex.src) for ex in batch)
    tgt_len = max(len(ex.tgt) for ex in batch) + 1
    src = torch.full((n, src_len), eos_id, dtype=torch.long)
    tgt_in = torch.full((n, tgt_len), eos_id, dtype=torch.long)
    tgt_out = torch.full((n, tgt_len), -100, dtype=torch.long)
    for row, ex in enumerate(batch):
        src[row, : len(ex.src)] = torch.tensor(ex.src)
        tgt_in[row, : len(ex.tgt) + 1] = torch.tensor([eos_id] + ex.tgt)
        tgt_out[row, : len(ex.tgt) + 1] = torch.tensor(ex.tgt + [eos_id])
    lengths = torch.tensor([len(ex.src) for ex in batch])
    return Batch(src, lengths, tgt_in, tgt_out, sum(len(ex.tgt) + 1 for ex in batch))


def iterate_forever(
    make_epoch: Callable[[int], list[list[Example]]],
) -> Iterator[tuple[int, list[Example]]]:
    """Yield (epoch, batch) endlessly, building each epoch's batches on demand."""
    epoch = 0
    while True:
        epoch += 1
        for batch in make_epoch(epoch):
            yield epoch, batch
