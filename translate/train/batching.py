"""The input side of training: pairs tokenised once into integer arrays, batches built ahead.

Why it looks like this: a GPU step of a small transformer takes milliseconds, so per-step
Python work (tokenising, sampling hints, padding lists) left an H100 1–9 % busy at 3.3 steps/s.
Now

* the corpus is tokenised **once** into flat ``int32`` arrays with offsets
  (:class:`TokenizedCorpus`), about 4 bytes a token, instead of Python lists of ints;
* each epoch, only the term-hint copies are new (a fresh sample of hints per epoch, see
  augment.py); their sources go into one more flat array;
* batches are formed by token count (``batch_tokens`` ≥ sentences × longest side) from
  examples sorted by length inside large shuffled pools, as Marian does (little padding,
  random order across epochs), and padded with vectorised numpy gathers;
* :func:`batch_loader` runs all of this in ``torch.utils.data.DataLoader`` worker processes
  (each builds the batches of its share of the pairs, ahead of the training loop) and pins
  the batches' memory for asynchronous copies when training on CUDA. Workers are forked, so
  the corpus arrays are shared with the parent, not copied.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
import torch
from torch.utils.data import DataLoader, IterableDataset, get_worker_info

from translate.term_hints import hinted_source

from .augment import sample_terms
from .vocab import Tokenizer

IGNORE = -100  # cross_entropy's ignore_index: target padding


@dataclass
class TokenizedCorpus:
    """Pairs as flat id arrays: pair ``i`` is ``src[src_offsets[i]:src_offsets[i+1]]`` (ending
    in ``</s>``) and ``tgt[tgt_offsets[i]:tgt_offsets[i+1]]`` (no ``</s>``). ``references``
    keeps the target text for term-hint sampling."""

    src: np.ndarray
    src_offsets: np.ndarray
    tgt: np.ndarray
    tgt_offsets: np.ndarray
    references: list[str]

    def __len__(self) -> int:
        return len(self.references)

    @property
    def src_lengths(self) -> np.ndarray:
        return np.diff(self.src_offsets)

    @property
    def tgt_lengths(self) -> np.ndarray:
        return np.diff(self.tgt_offsets)

    @property
    def nbytes(self) -> int:
        return self.src.nbytes + self.src_offsets.nbytes + self.tgt.nbytes + self.tgt_offsets.nbytes


def _flatten(rows: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    offsets = _offsets(np.fromiter(map(len, rows), dtype=np.int64, count=len(rows)))
    flat = np.fromiter(chain.from_iterable(rows), dtype=np.int32, count=int(offsets[-1]))
    return flat, offsets


def _offsets(lengths: np.ndarray) -> np.ndarray:
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return offsets


def tokenize_corpus(
    tokenizer: Tokenizer, sources: Sequence[str], targets: Sequence[str], max_pieces: int
) -> tuple[TokenizedCorpus, int]:
    """Tokenise all pairs at once (SentencePiece's batch encoder, numpy after that); drop empty
    pairs and those with more than ``max_pieces`` pieces on a side (``</s>`` included).
    Returns the corpus and the number dropped."""
    src, src_len = tokenizer.id_arrays(sources, "source")
    tgt, tgt_len = tokenizer.id_arrays(targets, "target")
    keep = (src_len > 0) & (tgt_len > 0) & (src_len < max_pieces) & (tgt_len < max_pieces)
    rows = np.arange(len(src_len))
    src = src[keep[np.repeat(rows, src_len)]]
    tgt = tgt[keep[np.repeat(rows, tgt_len)]]
    src_len, tgt_len = src_len[keep], tgt_len[keep]
    src = np.insert(src, np.cumsum(src_len), tokenizer.eos_id)  # </s> after every source
    references = [t for t, k in zip(targets, keep.tolist()) if k]
    corpus = TokenizedCorpus(src, _offsets(src_len + 1), tgt, _offsets(tgt_len), references)
    return corpus, int((~keep).sum())


@dataclass
class Batch:
    """Padded tensors for one step. Padding is masked by lengths; its id value is irrelevant."""

    src: torch.Tensor
    src_lengths: torch.Tensor
    tgt_in: torch.Tensor  # </s> + target
    tgt_out: torch.Tensor  # target + </s>, -100 at padding (ignored by the loss)
    n_tokens: int  # real target tokens (incl. </s>)
    src_tokens: int = 0  # real source tokens
    epoch: int = 0
    examples: int = 0
    augmented: int = 0

    def to(self, device: torch.device | str) -> Batch:
        return Batch(
            self.src.to(device, non_blocking=True),
            self.src_lengths.to(device, non_blocking=True),
            self.tgt_in.to(device, non_blocking=True),
            self.tgt_out.to(device, non_blocking=True),
            self.n_tokens, self.src_tokens, self.epoch, self.examples, self.augmented,
        )

    def pin_memory(self) -> Batch:
        """Called by DataLoader(pin_memory=True) so that ``to(cuda)`` can copy asynchronously."""
        return Batch(
            self.src.pin_memory(), self.src_lengths.pin_memory(), self.tgt_in.pin_memory(),
            self.tgt_out.pin_memory(), self.n_tokens, self.src_tokens, self.epoch,
            self.examples, self.augmented,
        )


def _gather(flat: np.ndarray, starts: np.ndarray, lengths: np.ndarray, width: int,
            pad: int) -> np.ndarray:
    """Rows ``flat[start:start+length]`` padded with ``pad`` to ``width`` columns (int64)."""
    cols = np.arange(width)
    mask = cols[None, :] < lengths[:, None]
    index = np.where(mask, starts[:, None] + cols[None, :], 0)
    return np.where(mask, flat[index], pad).astype(np.int64)


@dataclass
class EpochExamples:
    """One epoch's examples: pair index and source span (plain sources live in the corpus
    array, hinted ones in ``src`` after it)."""

    src: np.ndarray  # corpus sources followed by this epoch's hinted sources
    src_starts: np.ndarray
    src_lengths: np.ndarray
    pair: np.ndarray  # example -> pair (its target)
    augmented: np.ndarray  # bool

    def __len__(self) -> int:
        return len(self.pair)


def plain_examples(corpus: TokenizedCorpus) -> EpochExamples:
    """Every pair once, no hints (the dev set)."""
    n = len(corpus)
    return EpochExamples(corpus.src, corpus.src_offsets[:-1], corpus.src_lengths,
                         np.arange(n), np.zeros(n, dtype=bool))


def epoch_examples(
    corpus: TokenizedCorpus,
    pairs: np.ndarray,
    tokenizer: Tokenizer,
    rng: random.Random,
    term_prob: float,
    max_terms: int,
    max_term_words: int,
    max_pieces: int,
) -> EpochExamples:
    """``pairs`` once each, plus (with probability ``term_prob``) a copy whose source carries
    target terms after ``<sep>`` (re-sampled every epoch, so a sentence gets different hints).
    The epoch's terms are encoded in one SentencePiece call, each on its own as a glossary
    term would be."""
    sampled: list[tuple[int, list[str]]] = []
    if term_prob > 0:
        draws = np.random.default_rng(rng.getrandbits(64)).random(len(pairs)) < term_prob
        for i in pairs[draws].tolist():
            terms = sample_terms(corpus.references[i], rng, max_terms=max_terms,
                                 max_words=max_term_words)
            if terms:
                sampled.append((i, terms))
    term_flat, term_lengths = tokenizer.id_arrays(
        [t for _, terms in sampled for t in terms], "target"
    )
    term_ids = np.split(term_flat, np.cumsum(term_lengths)[:-1]) if len(term_lengths) else []
    hinted: list[list[int]] = []
    hinted_pairs: list[int] = []
    k = 0
    for i, terms in sampled:
        start, end = corpus.src_offsets[i], corpus.src_offsets[i + 1] - 1  # without </s>
        ids = [t.tolist() for t in term_ids[k : k + len(terms)]]
        k += len(terms)
        src = hinted_source(corpus.src[start:end].tolist(), ids, tokenizer.sep_id, tokenizer.eos_id)
        if len(src) <= max_pieces:
            hinted.append(src)
            hinted_pairs.append(i)
    flat, offsets = _flatten(hinted)
    base = len(corpus.src)
    return EpochExamples(
        src=np.concatenate([corpus.src, flat]),
        src_starts=np.concatenate([corpus.src_offsets[pairs], base + offsets[:-1]]),
        src_lengths=np.concatenate([corpus.src_lengths[pairs], np.diff(offsets)]),
        pair=np.concatenate([pairs, np.asarray(hinted_pairs, dtype=np.int64)]),
        augmented=np.concatenate(
            [np.zeros(len(pairs), dtype=bool), np.ones(len(hinted), dtype=bool)]
        ),
    )


def make_batches(
    examples: EpochExamples, corpus: TokenizedCorpus, batch_tokens: int,
    rng: np.random.Generator | None, pool_factor: int = 100,
) -> list[np.ndarray]:
    """Example indices of each batch: at most ``batch_tokens`` padded tokens per side.

    Pools of ~``pool_factor`` batches are sorted by length and cut greedily; with ``rng`` None
    the order is deterministic (one pool, sorted; used for evaluation).
    """
    n = len(examples)
    tgt_lengths = corpus.tgt_lengths[examples.pair]
    key = np.maximum(examples.src_lengths, tgt_lengths + 1)
    order = rng.permutation(n) if rng is not None else np.arange(n)
    pool_size = max(1, (batch_tokens // 32) * pool_factor) if rng is not None else max(1, n)
    batches: list[np.ndarray] = []
    for start in range(0, n, pool_size):
        pool = order[start : start + pool_size]
        # Sorted by target length first: the decoder and the output layer, the costly part of a
        # step, then see little padding (sorting by the longer side packed more sentences per
        # batch but padded targets 25 % more per epoch).
        pool = pool[np.lexsort((examples.src_lengths[pool], tgt_lengths[pool]))]
        lengths = key[pool]
        i = 0
        while i < len(pool):
            cap = min(len(pool) - i, max(1, batch_tokens))
            cost = np.maximum.accumulate(lengths[i : i + cap]) * np.arange(1, cap + 1)
            over = np.flatnonzero(cost > batch_tokens)
            size = max(1, int(over[0]) if len(over) else cap)
            batches.append(pool[i : i + size])
            i += size
    if rng is not None:
        rng.shuffle(batches)
    return batches


def collate(examples: EpochExamples, corpus: TokenizedCorpus, index: np.ndarray,
            eos_id: int) -> Batch:
    """Pad the examples ``index`` into tensors (vectorised)."""
    src_lengths = examples.src_lengths[index]
    src = _gather(examples.src, examples.src_starts[index], src_lengths,
                  int(src_lengths.max()), eos_id)
    pair = examples.pair[index]
    tgt_lengths = corpus.tgt_lengths[pair]
    width = int(tgt_lengths.max()) + 1
    tgt = _gather(corpus.tgt, corpus.tgt_offsets[pair], tgt_lengths, width - 1, IGNORE)
    rows = np.arange(len(index))
    tgt_out = np.full((len(index), width), IGNORE, dtype=np.int64)
    tgt_out[:, : width - 1] = tgt
    tgt_out[rows, tgt_lengths] = eos_id
    tgt_in = np.full((len(index), width), eos_id, dtype=np.int64)
    tgt_in[:, 1:] = np.where(tgt == IGNORE, eos_id, tgt)
    return Batch(
        torch.from_numpy(src), torch.from_numpy(src_lengths.astype(np.int64)),
        torch.from_numpy(tgt_in), torch.from_numpy(tgt_out),
        n_tokens=int(tgt_lengths.sum()) + len(index), src_tokens=int(src_lengths.sum()),
        examples=len(index), augmented=int(examples.augmented[index].sum()),
    )


def fixed_batches(corpus: TokenizedCorpus, batch_tokens: int, eos_id: int) -> list[Batch]:
    """The dev set's batches: plain pairs, sorted by length, built once."""
    examples = plain_examples(corpus)
    return [collate(examples, corpus, b, eos_id)
            for b in make_batches(examples, corpus, batch_tokens, None)]


class EpochBatches(IterableDataset):
    """Endless training batches; each DataLoader worker serves the pairs ``i % workers == id``.

    Each worker re-samples hints, shuffles and batches its share every epoch, with a seed of
    its own derived from (seed, epoch, worker), so runs are reproducible for a worker count.
    """

    def __init__(self, corpus: TokenizedCorpus, tokenizer: Tokenizer, batch_tokens: int, seed: int,
                 term_prob: float, max_terms: int, max_term_words: int, max_pieces: int) -> None:
        self.corpus = corpus
        self.tokenizer = tokenizer
        self.batch_tokens = batch_tokens
        self.seed = seed
        self.term_prob, self.max_terms, self.max_term_words = term_prob, max_terms, max_term_words
        self.max_pieces = max_pieces

    def epoch(self, epoch: int, worker: int = 0, workers: int = 1) -> Iterator[Batch]:
        """The batches of one worker's share of one epoch."""
        rng = random.Random(f"{self.seed}/{epoch}/{worker}")
        pairs = np.arange(worker, len(self.corpus), workers)
        examples = epoch_examples(
            self.corpus, pairs, self.tokenizer, rng, self.term_prob, self.max_terms,
            self.max_term_words, self.max_pieces,
        )
        for index in make_batches(examples, self.corpus, self.batch_tokens,
                                  np.random.default_rng(rng.getrandbits(64))):
            batch = collate(examples, self.corpus, index, self.tokenizer.eos_id)
            batch.epoch = epoch
            yield batch

    def __iter__(self) -> Iterator[Batch]:
        info = get_worker_info()
        worker, workers = (info.id, info.num_workers) if info else (0, 1)
        if worker >= len(self.corpus):
            return  # more workers than pairs: this one has none (an endless empty loop would hang)
        epoch = 0
        while True:
            epoch += 1
            yield from self.epoch(epoch, worker, workers)


def batch_loader(dataset: EpochBatches, workers: int, pin_memory: bool) -> Iterator[Batch]:
    """Batches from ``workers`` background processes (0: built in this process, on demand)."""
    loader = DataLoader(
        dataset, batch_size=None, num_workers=workers, pin_memory=pin_memory,
        prefetch_factor=8 if workers else None, persistent_workers=workers > 0,
    )
    return iter(loader)
