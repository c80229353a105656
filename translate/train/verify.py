"""Check that a CTranslate2 export computes what the PyTorch model computes.

A wrong tensor mapping (a transposed weight, Q/K/V in the wrong order, a different position
table or start token) still produces a loadable model that translates *something*, so the
export is checked numerically: the same sentences are greedy-decoded by both, and the torch
greedy hypothesis is scored by both (teacher forcing), comparing per-token log-probabilities.

For a float32 export the outputs must be identical, except where two tokens are tied within
``tie_margin`` in log-probability (then either choice is correct arithmetic). Quantized exports
(int8, …) legitimately differ a little; their agreement is reported, not enforced.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Sequence

import ctranslate2

from .model import Seq2SeqTransformer
from .vocab import Tokenizer

logger = logging.getLogger(__name__)


@dataclass
class AgreementReport:
    """Outcome of a torch-vs-CTranslate2 comparison."""

    compute_type: str
    sentences: int = 0
    identical: int = 0
    near_ties: int = 0
    max_logprob_diff: float = 0.0
    logprob_tolerance: float = 0.0
    examples: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.identical + self.near_ties == self.sentences and self.max_logprob_diff <= self.logprob_tolerance

    def summary(self) -> str:
        return (
            f"{self.identical}/{self.sentences} greedy outputs identical"
            + (f" (+{self.near_ties} differing only at a near-tie)" if self.near_ties else "")
            + f", max |Δ log-prob| {self.max_logprob_diff:.2e} (compute_type {self.compute_type})"
        )

    def to_dict(self) -> dict:
        d = asdict(self)
        d["ok"] = self.ok
        return d


def compare(
    model: Seq2SeqTransformer,
    tokenizer: Tokenizer,
    export_dir: Path,
    sources: Sequence[Sequence[str]],
    compute_type: str = "float32",
    max_len: int = 64,
    tie_margin: float = 1e-3,
    logprob_tolerance: float = 1e-3,
    threads: int = 0,
) -> AgreementReport:
    """Greedy-decode and score ``sources`` (full source token lists, ending in ``</s>``) with both.

    The torch model is evaluated on CPU in float32 (a copy is not made: the caller's model is
    moved to CPU).
    """
    model.to("cpu").float().eval()
    translator = ctranslate2.Translator(str(export_dir), device="cpu", compute_type=compute_type, intra_threads=threads)
    report = AgreementReport(compute_type=compute_type, logprob_tolerance=logprob_tolerance)
    batch = [list(s) for s in sources]
    ct2_results = translator.translate_batch(batch, beam_size=1, max_decoding_length=max_len)
    torch_hyps: list[list[str]] = []
    for src_tokens, ct2_result in zip(batch, ct2_results):
        src_ids = tokenizer.ids(src_tokens)
        ids, _, margins = model.greedy(src_ids, tokenizer.eos_id, tokenizer.eos_id, max_len=max_len)
        torch_hyp = [tokenizer.tokens[i] for i in ids]
        ct2_hyp = list(ct2_result.hypotheses[0])
        torch_hyps.append(torch_hyp)
        report.sentences += 1
        if torch_hyp == ct2_hyp:
            report.identical += 1
        else:
            first = next((i for i, (a, b) in enumerate(zip(torch_hyp, ct2_hyp)) if a != b), min(len(torch_hyp), len(ct2_hyp)))
            if first < len(margins) and margins[first] < tie_margin:
                report.near_ties += 1
        if len(report.examples) < 5:
            report.examples.append(
                {"source": src_tokens, "torch": tokenizer.detokenize(torch_hyp), "ctranslate2": tokenizer.detokenize(ct2_hyp)}
            )
    scores = translator.score_batch(batch, torch_hyps)
    for src_tokens, hyp, scored in zip(batch, torch_hyps, scores):
        torch_lp = model.score(tokenizer.ids(src_tokens), tokenizer.ids(hyp), tokenizer.eos_id, tokenizer.eos_id)
        ct2_lp = list(scored.log_probs)
        if len(ct2_lp) != len(torch_lp):
            report.max_logprob_diff = float("inf")
            continue
        diff = max((abs(a - b) for a, b in zip(torch_lp, ct2_lp)), default=0.0)
        report.max_logprob_diff = max(report.max_logprob_diff, diff)
    return report
