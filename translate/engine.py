"""The CTranslate2 model with its SentencePiece models: text in, pieces through, text out.

Everything model-specific (end-of-sentence handling, the term-hint separator, Moses
detokenisation) is settled here so the enforcement code speaks only in pieces.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import ctranslate2
import sentencepiece as spm
from sacremoses import MosesDetokenizer

from translate.model_files import ModelError, ModelFiles, locate_model
from translate.term_hints import hinted_source

EOS = "</s>"


def _load_spm(path: Path) -> spm.SentencePieceProcessor:
    try:
        return spm.SentencePieceProcessor(model_file=str(path))
    except (OSError, RuntimeError) as e:
        raise ModelError(f"corrupt SentencePiece model: {str(e).splitlines()[0]}",
                         str(path)) from None


class Engine:
    """One loaded model. Thread options map straight onto ``ctranslate2.Translator``."""

    def __init__(self, files: ModelFiles, *, device: str = "cpu", inter_threads: int = 1,
                 intra_threads: int = 0, compute_type: str = "default"):
        self.files = files
        try:
            self.translator = ctranslate2.Translator(
                str(files.ct2_dir), device=device, compute_type=compute_type,
                inter_threads=inter_threads, intra_threads=intra_threads)
        except (RuntimeError, ValueError, OSError) as e:
            raise ModelError(f"cannot load CTranslate2 model: {str(e).splitlines()[0]}",
                             str(files.ct2_dir)) from None
        self.sp_source = _load_spm(files.source_spm)
        self.sp_target = self.sp_source if files.target_spm == files.source_spm else _load_spm(
            files.target_spm)
        self.append_eos = files.append_source_eos
        self.hint_separator = files.term_hint_separator
        self._detok = MosesDetokenizer(lang="en")

    @classmethod
    def load(cls, model: str | os.PathLike | ModelFiles | None = None, **options) -> "Engine":
        files = model if isinstance(model, ModelFiles) else locate_model(model)
        return cls(files, **options)

    # --- source side -------------------------------------------------------------------
    def source_pieces(self, text: str) -> list[str]:
        return self.sp_source.encode(text, out_type=str)

    def source_tokens(self, pieces: list[str], hints: list[list[str]] = ()) -> list[str]:
        """What the encoder reads: pieces, then ``<sep> term`` per hint, then ``</s>``."""
        return hinted_source(pieces, hints, self.hint_separator or None,
                             EOS if self.append_eos else None)

    # --- target side -------------------------------------------------------------------
    @lru_cache(maxsize=65536)
    def _target_pieces(self, text: str) -> tuple[str, ...]:
        return tuple(self.sp_target.encode(text, out_type=str))

    def target_pieces(self, text: str) -> list[str]:
        """Pieces of an English phrase as the decoder would write it mid-sentence."""
        return list(self._target_pieces(text))

    def detokenize(self, pieces: list[str]) -> str:
        text = self.sp_target.decode(pieces)
        return self._detok.detokenize(text.split()) if text else text

    # --- decoding ----------------------------------------------------------------------
    def translate_batch(self, sources: list[list[str]], **options) -> list:
        return self.translator.translate_batch(sources, **options)

    def translate_plain(self, texts: list[str], beam_size: int = 4,
                        max_batch_size: int = 32) -> list[str]:
        """The bare model, no glossary: the baseline every enforcement result is compared to."""
        sources = [self.source_tokens(self.source_pieces(t)) for t in texts]
        results = self.translate_batch(sources, beam_size=beam_size,
                                       max_batch_size=max_batch_size)
        return [self.detokenize(r.hypotheses[0]) for r in results]
