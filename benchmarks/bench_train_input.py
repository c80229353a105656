"""Speed and memory of the training input pipeline alone (no model): the per-step Python
batching the recipe had before issue 14 against the integer-array pipeline it has now.

    python benchmarks/bench_train_input.py [--data ../shared/data/train] [--pairs 20000]
        [--rounds 3]

Both build the same kind of batches from the same pairs and SentencePiece models: the
licence-stated default sources, term-hint copies with probability 0.5, token-budgeted batches
(--batch-tokens, default 8192) sorted by length inside shuffled pools. Rows:

* ``before``: pieces per pair in Python, ``Example`` objects holding Python int lists, each
  epoch rebuilt, and each step padded row by row with ``torch.tensor`` (the code of commit
  2220a79, kept below as the baseline);
* ``now, in-process``: :mod:`translate.train.batching` with no worker (what a CPU run uses);
* ``now, N workers``: the same through ``DataLoader`` worker processes (what a CUDA run uses);
  on a machine whose cores are all busy this row cannot be faster than in-process.

Columns: one-off tokenisation time, batches/s and tokens/s (source + target, real tokens)
over whole epochs including the epoch's hint sampling (best of interleaved rounds, since other
processes share the machine; the worker row is one epoch's worth after the workers started),
and the memory the token data takes (Python objects measured with tracemalloc; arrays by their
size). A GPU step of the recipe's
default model takes ~0.1 s at Marian's 10 steps/s, so the input side must give well over 10
batches/s to keep a GPU fed.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import torch  # noqa: E402

from translate.train.augment import sample_terms, with_terms  # noqa: E402
from translate.train.batching import EpochBatches, batch_loader, tokenize_corpus  # noqa: E402
from translate.train.sources import load_corpus, select_sources  # noqa: E402
from translate.train.vocab import Tokenizer, train_sentencepiece  # noqa: E402

DATA = REPO.parent / "shared" / "data" / "train"


# --- the baseline: the recipe's input code before issue 14 (commit 2220a79) -------------------
@dataclass
class _Pair:
    source_pieces: list[str]
    target_ids: list[int]
    reference: str


@dataclass
class _Example:
    src: list[int]
    tgt: list[int]


def _before_encode(tok: Tokenizer, sources: Sequence[str], targets: Sequence[str],
                   max_pieces: int) -> list[_Pair]:
    pairs = []
    for s, t in zip(sources, targets):
        sp, ti = tok.source_pieces(s), tok.ids(tok.target_pieces(t))
        if sp and ti and len(sp) + 1 <= max_pieces and len(ti) + 1 <= max_pieces:
            pairs.append(_Pair(sp, ti, t))
    return pairs


def _before_epoch(tok: Tokenizer, pairs: Sequence[_Pair], rng: random.Random,
                  max_pieces: int) -> list[_Example]:
    examples = []
    for p in pairs:
        examples.append(_Example(tok.ids(with_terms(p.source_pieces, [])), p.target_ids))
        if rng.random() >= 0.5:
            continue
        terms = sample_terms(p.reference, rng)
        src = with_terms(p.source_pieces, [tok.target_pieces(t) for t in terms])
        if terms and len(src) <= max_pieces:
            examples.append(_Example(tok.ids(src), p.target_ids))
    return examples


def _before_batches(examples: Sequence[_Example], batch_tokens: int,
                    rng: random.Random) -> list[list[_Example]]:
    order = list(range(len(examples)))
    rng.shuffle(order)
    batches: list[list[_Example]] = []
    pool_size = max(1, batch_tokens // 32 * 100)
    for start in range(0, len(order), pool_size):
        pool = sorted(order[start:start + pool_size],
                      key=lambda i: (len(examples[i].tgt), len(examples[i].src)))
        batch: list[_Example] = []
        longest = 0
        for i in pool:
            length = max(len(examples[i].src), len(examples[i].tgt) + 1)
            if batch and max(longest, length) * (len(batch) + 1) > batch_tokens:
                batches.append(batch)
                batch, longest = [], 0
            batch.append(examples[i])
            longest = max(longest, length)
        if batch:
            batches.append(batch)
    rng.shuffle(batches)
    return batches


def _before_collate(batch: Sequence[_Example], eos: int) -> tuple[torch.Tensor, ...]:
    n, sl, tl = len(batch), max(len(e.src) for e in batch), max(len(e.tgt) for e in batch) + 1
    src = torch.full((n, sl), eos, dtype=torch.long)
    tgt_in = torch.full((n, tl), eos, dtype=torch.long)
    tgt_out = torch.full((n, tl), -100, dtype=torch.long)
    for row, e in enumerate(batch):
        src[row, : len(e.src)] = torch.tensor(e.src)
        tgt_in[row, : len(e.tgt) + 1] = torch.tensor([eos] + e.tgt)
        tgt_out[row, : len(e.tgt) + 1] = torch.tensor(e.tgt + [eos])
    return src, torch.tensor([len(e.src) for e in batch]), tgt_in, tgt_out


# --- measurement -------------------------------------------------------------------------------
def _measure_memory(build):
    tracemalloc.start()
    result = build()
    size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return result, size


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, default=DATA)
    p.add_argument("--pairs", type=int, default=20_000,
                   help="use the first N pairs, 0 = all (default: 20000)")
    p.add_argument("--rounds", type=int, default=3,
                   help="epochs per pipeline, interleaved; best kept (default: 3)")
    p.add_argument("--batch-tokens", type=int, default=8192)
    p.add_argument("--workers", type=int, default=2)
    args = p.parse_args()
    if not (args.data / "SOURCES.md").is_file():
        print(f"SKIPPED: {args.data}/SOURCES.md not found")
        return 0
    selection, _ = select_sources(args.data)
    corpus = load_corpus(args.data, selection.included, 300)
    src, tgt = corpus.sources, corpus.targets
    if args.pairs:
        src, tgt = src[: args.pairs], tgt[: args.pairs]
    with tempfile.TemporaryDirectory() as tmp:
        tok = Tokenizer.load(
            train_sentencepiece(src, Path(tmp) / "source.spm", 12_000, 0.9995),
            train_sentencepiece(tgt, Path(tmp) / "target.spm", 8_000, 1.0),
        )
    rows: list[tuple[str, float, float, float, float]] = []

    def before_epoch(pairs: list[_Pair], rng: random.Random) -> tuple[int, int]:
        n_batches = n_tokens = 0
        for batch in _before_batches(_before_epoch(tok, pairs, rng, 200), args.batch_tokens, rng):
            _, lengths, _, tgt_out = _before_collate(batch, tok.eos_id)
            n_batches += 1
            n_tokens += int(lengths.sum()) + int((tgt_out != -100).sum())
        return n_batches, n_tokens

    def now_epoch(dataset: EpochBatches, epoch: int) -> tuple[int, int]:
        n_batches = n_tokens = 0
        for b in dataset.epoch(epoch):
            n_batches += 1
            n_tokens += b.n_tokens + b.src_tokens
        return n_batches, n_tokens

    def best_rate(seconds: list[float], counts: tuple[int, int]) -> tuple[float, float]:
        return counts[0] / min(seconds), counts[1] / min(seconds)

    t0 = time.perf_counter()
    pairs = _before_encode(tok, src, tgt, 200)
    t_tok_before = time.perf_counter() - t0
    t0 = time.perf_counter()
    data, _ = tokenize_corpus(tok, src, tgt, 200)
    t_tok_now = time.perf_counter() - t0
    dataset = EpochBatches(data, tok, args.batch_tokens, 1, 0.5, 2, 3, 200)
    rng = random.Random(1)
    before_s: list[float] = []
    now_s: list[float] = []
    for r in range(args.rounds):  # interleaved, best of: other processes share this machine
        t0 = time.perf_counter()
        before_counts = before_epoch(pairs, rng)
        before_s.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        now_counts = now_epoch(dataset, r + 1)
        now_s.append(time.perf_counter() - t0)
    # memory measured apart: tracemalloc slows Python allocation down
    _, pair_bytes = _measure_memory(lambda: _before_encode(tok, src, tgt, 200))
    _, epoch_bytes = _measure_memory(lambda: _before_epoch(tok, pairs, rng, 200))
    rows.append(("before (Python lists, per-step collate)", t_tok_before,
                 *best_rate(before_s, before_counts), (pair_bytes + epoch_bytes) / 1e6))
    rows.append(("now, in-process", t_tok_now, *best_rate(now_s, now_counts), data.nbytes / 1e6))
    if args.workers:
        loader = batch_loader(dataset, args.workers, pin_memory=False)
        next(loader)  # workers started
        n_tokens = 0
        t0 = time.perf_counter()
        for _ in range(now_counts[0]):
            b = next(loader)
            n_tokens += b.n_tokens + b.src_tokens
        seconds = time.perf_counter() - t0
        rows.append((f"now, {args.workers} DataLoader workers", t_tok_now, now_counts[0] / seconds,
                     n_tokens / seconds, data.nbytes / 1e6))
        del loader

    print(f"{len(src):,} pairs, one epoch per round, best of {args.rounds} interleaved rounds, "
          f"batch_tokens {args.batch_tokens}, "
          f"torch threads {torch.get_num_threads()}\n")
    print("| input pipeline | tokenise once (s) | batches/s | tokens/s | token data (MB) |")
    print("|---|---:|---:|---:|---:|")
    for label, tt, bps, tps, mb in rows:
        print(f"| {label} | {tt:.1f} | {bps:.1f} | {tps:,.0f} | {mb:.1f} |")
    base = rows[0]
    print(f"\nbatches/s ratio now (in-process) / before: {rows[1][2] / base[2]:.1f}×; "
          f"token data: {rows[1][4] / base[4]:.2f}× the memory")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
