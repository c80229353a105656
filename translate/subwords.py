"""SentencePiece models and Hugging Face ``tokenizer.json`` files behind one interface.

The enforcement steps reason about pieces in SentencePiece's spelling: ``▁`` opens a word.
Byte-level BPE tokenizers (Qwen, Llama 3, EXAONE) open a word with ``Ġ`` instead; since ``▁``
is never a character of their byte-level alphabet, the two spellings map one to one, so
pieces are shown to the rest of the toolkit with ``▁`` and turned back at the model.
"""
from __future__ import annotations

from pathlib import Path
from typing import Protocol

import sentencepiece as spm

from translate.model_files import ModelError

WORD = "▁"
BYTE_LEVEL_SPACE = "Ġ"


class Subwords(Protocol):
    def encode(self, text: str) -> list[str]: ...
    def encode_word(self, text: str) -> list[str]: ...
    def decode(self, pieces: list[str]) -> str: ...
    def to_model(self, pieces: list[str]) -> list[str]: ...
    def from_model(self, tokens: list[str]) -> list[str]: ...


class SentencePiece:
    def __init__(self, path: Path):
        try:
            self.sp = spm.SentencePieceProcessor(model_file=str(path))
        except (OSError, RuntimeError) as e:
            raise ModelError(f"corrupt SentencePiece model: {str(e).splitlines()[0]}",
                             str(path)) from None
        # Gemma's model adds no "▁" before the first word; mid-sentence words still have one
        self.dummy_prefix = self.sp.encode("a", out_type=str)[:1] != ["a"]

    def encode(self, text: str) -> list[str]:
        return self.sp.encode(text, out_type=str)

    def encode_word(self, text: str) -> list[str]:
        """Pieces of a phrase as written mid-sentence (after a space)."""
        return self.encode(text if self.dummy_prefix else " " + text)

    def decode(self, pieces: list[str]) -> str:
        return self.sp.decode(pieces)

    def to_model(self, pieces: list[str]) -> list[str]:
        return pieces

    def from_model(self, tokens: list[str]) -> list[str]:
        return tokens


class TokenizerJson:
    """A ``tokenizer.json`` read with the ``tokenizers`` package (the optional ``llm`` extra)."""

    def __init__(self, path: Path):
        try:
            from tokenizers import Tokenizer
        except ImportError:
            raise ModelError("this model ships only tokenizer.json: install the `tokenizers` "
                             "package (pip install 'koen-terminology[llm]')", str(path)) from None
        try:
            self.tok = Tokenizer.from_file(str(path))
        except Exception as e:  # noqa: BLE001  (the Rust side raises plain Exception)
            raise ModelError(f"corrupt tokenizer.json: {str(e).splitlines()[0]}",
                             str(path)) from None
        vocab = self.tok.get_vocab(with_added_tokens=True)
        self.byte_level = any(t.startswith(BYTE_LEVEL_SPACE) for t in vocab)

    def from_model(self, tokens: list[str]) -> list[str]:
        if not self.byte_level:
            return tokens
        return [t.replace(BYTE_LEVEL_SPACE, WORD) for t in tokens]

    def to_model(self, pieces: list[str]) -> list[str]:
        if not self.byte_level:
            return pieces
        return [p.replace(WORD, BYTE_LEVEL_SPACE) for p in pieces]

    def encode(self, text: str) -> list[str]:
        return self.from_model(self.tok.encode(text, add_special_tokens=False).tokens)

    def encode_word(self, text: str) -> list[str]:
        return self.encode(" " + text)

    def decode(self, pieces: list[str]) -> str:
        ids = [self.tok.token_to_id(t) for t in self.to_model(pieces)]
        return self.tok.decode([i for i in ids if i is not None])


def load_subwords(path: Path) -> Subwords:
    return TokenizerJson(path) if path.suffix == ".json" else SentencePiece(path)
