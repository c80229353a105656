"""The CTranslate2 model with its SentencePiece models: text in, pieces through, text out.

Everything model-specific (end-of-sentence handling, the term-hint separator, Moses
detokenisation) is settled here so the enforcement code speaks only in pieces.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from collections.abc import Sequence
from typing import Any

import ctranslate2
import sentencepiece as spm
from sacremoses import MosesDetokenizer

from translate.model_files import ModelError, ModelFiles, locate_model
from translate.options import DecodeOptions

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
        # per engine, not per class: a class-level lru_cache would keep every engine alive
        self._target_pieces = lru_cache(maxsize=65536)(self._encode_target)

    @classmethod
    def load(cls, model: str | os.PathLike | ModelFiles | None = None, **options) -> "Engine":
        files = model if isinstance(model, ModelFiles) else locate_model(model)
        return cls(files, **options)

    # --- source side -------------------------------------------------------------------
    def source_pieces(self, text: str) -> list[str]:
        return self.sp_source.encode(text, out_type=str)

    def source_tokens(self, pieces: list[str], hints: Sequence[list[str]] = ()) -> list[str]:
        """What the encoder reads: pieces, then ``<sep> term`` per hint, then ``</s>``."""
        tokens = list(pieces)
        if hints and self.hint_separator:
            for hint in hints:
                tokens += [self.hint_separator, *hint]
        return tokens + [EOS] if self.append_eos else tokens

    # --- target side -------------------------------------------------------------------
    def _encode_target(self, text: str) -> tuple[str, ...]:
        return tuple(self.sp_target.encode(text, out_type=str))

    def target_pieces(self, text: str) -> list[str]:
        """Pieces of an English phrase as the decoder would write it mid-sentence."""
        return list(self._target_pieces(text))

    def detokenize(self, pieces: list[str]) -> str:
        text = self.sp_target.decode(pieces)
        return self._detok.detokenize(text.split()) if text else text

    # --- decoding ----------------------------------------------------------------------
    def translate_batch(self, sources: list[list[str]], **options: Any) -> list:
        return self.translator.translate_batch(sources, **options)

    def score_batch(self, sources: list[list[str]], targets: list[list[str]],
                    max_batch_size: int = 32) -> list[float]:
        """Mean log-probability per target piece (``</s>`` included) of complete translations.

        One number comparable across hypotheses of any length or origin (beam, alternatives,
        forced prefixes), which the scores returned by ``translate_batch`` are not.
        """
        results = self.translator.score_batch(sources, targets, max_batch_size=max_batch_size)
        return [sum(r.log_probs) / max(1, len(r.log_probs)) for r in results]

    def translate_plain(self, texts: list[str], options: DecodeOptions | None = None,
                        **changes: Any) -> list[str]:
        """The bare model, no glossary: the baseline every enforcement result is compared to.

        ``changes`` override fields of ``options`` (``beam_size=2``).
        """
        opts = (options or DecodeOptions()).replace(**changes)
        sources = [self.source_tokens(self.source_pieces(t)) for t in texts]
        results = self.translate_batch(
            sources, beam_size=opts.beam_size, max_batch_size=opts.max_batch_size,
            max_decoding_length=opts.max_decoding_length, length_penalty=opts.length_penalty)
        return [self.detokenize(r.hypotheses[0]) for r in results]
