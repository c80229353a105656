"""SentencePiece models and the shared vocabulary.

As in ko-en-small (and Marian/OPUS-MT), each language gets its own unigram SentencePiece model
(``source.spm`` for Korean, ``target.spm`` for English) and the network uses one shared
vocabulary: the union of both piece lists, Korean first. The SentencePiece models are trained
with Marian's special-token convention (``</s>`` = 0, ``<unk>`` = 1, no ``<s>``/``<pad>``) so
the union starts with ``</s>``, ``<unk>``, ``<sep>``; ``<sep>`` is a user-defined symbol in both
models so that it is never split and always has one id.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import numpy as np
import sentencepiece as spm

logger = logging.getLogger(__name__)

EOS = "</s>"
UNK = "<unk>"
SEP = "<sep>"


def train_sentencepiece(
    lines: Sequence[str],
    model_path: Path,
    vocab_size: int,
    character_coverage: float,
    max_sentences: int = 2_000_000,
    seed_sentencepiece_size: int = 1_000_000,
    num_threads: int = 2,
    option: str = "vocab_size",
) -> Path:
    """Train a unigram SentencePiece model on ``lines`` and write it to ``model_path``.

    ``hard_vocab_limit`` is off so that small corpora (tests, ablations) get a model with at
    most ``vocab_size`` pieces instead of a training error. A size below the number of
    characters to cover (Korean has over a thousand) is a :class:`ValueError` naming
    ``option`` and the least size that works, instead of SentencePiece's internal error.
    """
    model_path.parent.mkdir(parents=True, exist_ok=True)
    text_path = model_path.with_suffix(".train.txt")
    text_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    prefix = model_path.with_suffix("")
    try:
        _train(text_path, prefix, vocab_size, character_coverage, max_sentences,
               seed_sentencepiece_size, num_threads)
    except RuntimeError as exc:
        text_path.unlink()
        needed = re.search(r"smaller than required_chars\. \d+ vs (\d+)", str(exc))
        if needed:
            raise ValueError(
                f"{option} {vocab_size} is too small: the corpus needs {needed.group(1)} "
                f"pieces for its characters and special tokens alone "
                f"(character coverage {character_coverage}); "
                f"use several times that"
            ) from None
        raise ValueError(f"SentencePiece training failed: {str(exc).splitlines()[0]}") from None
    prefix.with_suffix(".model").replace(model_path)
    vocab_file = prefix.with_suffix(".vocab")
    if vocab_file.exists():
        vocab_file.unlink()
    text_path.unlink()
    return model_path


def _train(text_path: Path, prefix: Path, vocab_size: int, character_coverage: float,
           max_sentences: int, seed_sentencepiece_size: int, num_threads: int) -> None:
    spm.SentencePieceTrainer.train(
        input=str(text_path),
        model_prefix=str(prefix),
        model_type="unigram",
        vocab_size=vocab_size,
        character_coverage=character_coverage,
        hard_vocab_limit=False,
        input_sentence_size=max_sentences,
        shuffle_input_sentence=True,
        seed_sentencepiece_size=seed_sentencepiece_size,
        eos_id=0,
        unk_id=1,
        bos_id=-1,
        pad_id=-1,
        eos_piece=EOS,
        unk_piece=UNK,
        user_defined_symbols=[SEP],
        num_threads=num_threads,
        minloglevel=2,
    )


def pieces_of(model_path: Path) -> list[str]:
    """All pieces of a SentencePiece model in id order."""
    processor = spm.SentencePieceProcessor(model_file=str(model_path))
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def shared_vocabulary(source_model: Path, target_model: Path) -> list[str]:
    """Union of the source and target pieces (source order first, then new target pieces)."""
    tokens: list[str] = []
    seen: set[str] = set()
    for piece in pieces_of(source_model) + pieces_of(target_model):
        if piece not in seen:
            seen.add(piece)
            tokens.append(piece)
    if tokens[:2] != [EOS, UNK] or SEP not in seen:
        raise ValueError(f"unexpected special pieces at the start of the vocabulary: {tokens[:3]}")
    return tokens


@dataclass
class Tokenizer:
    """Source/target SentencePiece processors plus the shared piece→id map."""

    source: spm.SentencePieceProcessor
    target: spm.SentencePieceProcessor
    tokens: list[str]

    def __post_init__(self) -> None:
        self.index = {piece: i for i, piece in enumerate(self.tokens)}
        self.eos_id = self.index[EOS]
        self.unk_id = self.index[UNK]
        self.sep_id = self.index[SEP]

    @classmethod
    def load(cls, source_model: Path, target_model: Path) -> Tokenizer:
        """Load both models and build the shared vocabulary from them."""
        return cls(
            source=spm.SentencePieceProcessor(model_file=str(source_model)),
            target=spm.SentencePieceProcessor(model_file=str(target_model)),
            tokens=shared_vocabulary(source_model, target_model),
        )

    def source_pieces(self, text: str) -> list[str]:
        """Korean pieces, without ``</s>`` (the caller decides where the sentence ends)."""
        return self.source.encode(text, out_type=str)

    def target_pieces(self, text: str) -> list[str]:
        """English pieces, without ``</s>``."""
        return self.target.encode(text, out_type=str)

    def id_arrays(self, texts: Sequence[str], side: str) -> tuple[np.ndarray, np.ndarray]:
        """Shared-vocabulary ids of many sentences (``side`` "source" or "target", no ``</s>``)
        as one flat ``int32`` array and the per-sentence lengths: one SentencePiece call for all
        and a table lookup in numpy, instead of Python work per token."""
        processor = self.source if side == "source" else self.target
        rows = processor.encode(list(texts), out_type=int)
        lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
        flat = np.fromiter(chain.from_iterable(rows), dtype=np.int32, count=int(lengths.sum()))
        table = np.array(
            [self.index.get(processor.id_to_piece(i), self.unk_id)
             for i in range(processor.get_piece_size())],
            dtype=np.int32,
        )
        return table[flat], lengths

    def ids(self, pieces: Sequence[str]) -> list[int]:
        """Map pieces to shared-vocabulary ids (unknown pieces → ``<unk>``)."""
        return [self.index.get(p, self.unk_id) for p in pieces]

    def detokenize(self, pieces: Sequence[str]) -> str:
        """Decode target pieces into text."""
        return self.target.decode(list(pieces))
