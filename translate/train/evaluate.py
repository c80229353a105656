"""Dev-set quality of an exported model, measured through CTranslate2 (what users will run).

chrF and BLEU come from sacrebleu, an optional dependency (the ``eval`` extra); without it the
model card simply has no quality figures.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Sequence

import ctranslate2

from .vocab import EOS, Tokenizer

logger = logging.getLogger(__name__)


@dataclass
class DevScores:
    """Corpus-level scores of the export on the dev set."""

    sentences: int
    beam_size: int
    compute_type: str
    chrf: float
    bleu: float
    seconds: float

    def to_dict(self) -> dict:
        return asdict(self)


def translate_sentences(
    export_dir: Path,
    tokenizer: Tokenizer,
    sentences: Sequence[str],
    beam_size: int = 4,
    compute_type: str = "default",
    max_batch_size: int = 32,
    max_decoding_length: int = 256,
    threads: int = 0,
) -> list[str]:
    """Translate Korean sentences with the exported model (source pieces + ``</s>``)."""
    translator = ctranslate2.Translator(str(export_dir), device="cpu", compute_type=compute_type, intra_threads=threads)
    batch = [tokenizer.source_pieces(s) + [EOS] for s in sentences]
    results = translator.translate_batch(
        batch, beam_size=beam_size, max_batch_size=max_batch_size, max_decoding_length=max_decoding_length
    )
    return [tokenizer.detokenize(r.hypotheses[0]) for r in results]


def dev_scores(
    export_dir: Path,
    tokenizer: Tokenizer,
    sources: Sequence[str],
    references: Sequence[str],
    beam_size: int = 4,
    compute_type: str = "default",
    threads: int = 0,
) -> DevScores | None:
    """chrF/BLEU of the export on the dev pairs, or None when sacrebleu is not installed."""
    try:
        import sacrebleu
    except ImportError:
        logger.info("sacrebleu not installed: no chrF/BLEU in the model card (pip install '.[eval]')")
        return None
    start = time.monotonic()
    hypotheses = translate_sentences(
        export_dir, tokenizer, sources, beam_size=beam_size, compute_type=compute_type, threads=threads
    )
    seconds = time.monotonic() - start
    chrf = sacrebleu.corpus_chrf(hypotheses, [list(references)]).score
    bleu = sacrebleu.corpus_bleu(hypotheses, [list(references)]).score
    logger.info("dev: chrF %.1f, BLEU %.2f (%d sentences, beam %d, %.0f s)", chrf, bleu, len(sources), beam_size, seconds)
    return DevScores(len(sources), beam_size, compute_type, round(chrf, 2), round(bleu, 2), round(seconds, 1))
