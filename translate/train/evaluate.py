"""Quality of an exported model, measured on the text users get.

The export is loaded by the toolkit's own :class:`translate.engine.Engine` and translated with
``Engine.translate_plain``: source pieces + ``</s>``, CTranslate2, SentencePiece decoding and
then the Moses detokeniser, exactly as ``translate`` writes a sentence with no glossary. Scoring
the raw SentencePiece decode instead would measure text no user sees (Moses moves spaces
around punctuation and quotes, which chrF and BLEU count).

chrF and BLEU come from sacrebleu, an optional dependency (the ``eval`` extra); without it the
model card simply has no quality figures.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from translate.engine import Engine
from translate.model_files import open_model

logger = logging.getLogger(__name__)

TEXT = "Engine.translate_plain: SentencePiece decode + Moses detokeniser, as `translate` outputs it"


@dataclass
class DevScores:
    """Corpus-level scores of the export on one evaluation set."""

    sentences: int
    beam_size: int
    compute_type: str
    chrf: float
    bleu: float
    seconds: float
    name: str = "dev"
    prefix: str = ""
    text: str = TEXT

    def to_dict(self) -> dict:
        return asdict(self)


def translate_sentences(
    export_dir: Path,
    sentences: Sequence[str],
    beam_size: int = 4,
    compute_type: str = "default",
    max_batch_size: int = 32,
    threads: int = 0,
) -> list[str]:
    """Translate Korean sentences with the exported model as the toolkit does (no glossary)."""
    engine = Engine(open_model(export_dir), compute_type=compute_type, intra_threads=threads)
    return engine.translate_plain(list(sentences), beam_size=beam_size,
                                  max_batch_size=max_batch_size)


def dev_scores(
    export_dir: Path,
    sources: Sequence[str],
    references: Sequence[str],
    beam_size: int = 4,
    compute_type: str = "default",
    threads: int = 0,
    name: str = "dev",
    prefix: str = "",
) -> DevScores | None:
    """chrF/BLEU of the export on the pairs, or None when sacrebleu is not installed."""
    try:
        import sacrebleu
    except ImportError:
        logger.info("sacrebleu not installed: no chrF/BLEU in the model card "
                    "(pip install '.[eval]')")
        return None
    start = time.monotonic()
    hypotheses = translate_sentences(
        export_dir, sources, beam_size=beam_size, compute_type=compute_type, threads=threads
    )
    seconds = time.monotonic() - start
    chrf = sacrebleu.corpus_chrf(hypotheses, [list(references)]).score
    bleu = sacrebleu.corpus_bleu(hypotheses, [list(references)]).score
    logger.info("%s: chrF %.1f, BLEU %.2f (%d sentences, beam %d, "
                "detokenised as translate does, %.0f s)",
                name, chrf, bleu, len(sources), beam_size, seconds)
    return DevScores(len(sources), beam_size, compute_type, round(chrf, 2), round(bleu, 2),
                     round(seconds, 1), name, prefix)
