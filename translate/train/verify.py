"""Check that a CTranslate2 export computes what the PyTorch model computes.

A wrong tensor mapping (a transposed weight, Q/K/V in the wrong order, a different position
table or start token) still produces a loadable model that translates *something*, so the
export is checked numerically on the same sentences:

* both greedy-decode them, under the same rules (CTranslate2's ``min_decoding_length=1``: no
  ``</s>`` as the first token, and the same maximum length). Comparing greedy outputs alone is
  not enough: an untrained model's first choice is often ``</s>``, which CTranslate2 refuses by
  default, so the two outputs differed on every sentence while the arithmetic was identical;
* each side's output is then *forced* through both models (teacher forcing: CTranslate2's
  ``score_batch`` and :meth:`Seq2SeqTransformer.score`) and the per-token log-probabilities are
  compared. This is what decides: same weights give the same scores, whatever the outputs;
* where the outputs differ, the first differing token must be a near-tie: under torch, the two
  choices at that position (same prefix, so the same distribution) are within ``tie_margin``.

A float32 export must pass (see :func:`require_agreement`); quantized exports (int8, …)
legitimately differ a little, so their agreement is reported, not enforced.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import ctranslate2

from .model import Seq2SeqTransformer
from .vocab import Tokenizer

logger = logging.getLogger(__name__)


class ExportMismatchError(ValueError):
    """The export does not compute what the torch model computes (a one-line message)."""


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
        return (
            self.identical + self.near_ties == self.sentences
            and self.max_logprob_diff <= self.logprob_tolerance
        )

    def summary(self) -> str:
        return (
            f"{self.identical}/{self.sentences} greedy outputs identical"
            + (f" (+{self.near_ties} differing only at a near-tie)" if self.near_ties else "")
            + f", max |Δ log-prob| {self.max_logprob_diff:.2e} on the same forced outputs"
            + f" (tolerance {self.logprob_tolerance:.0e}, compute_type {self.compute_type})"
        )

    def to_dict(self) -> dict:
        d = asdict(self)
        d["ok"] = self.ok
        return d


def _first_difference(a: Sequence[str], b: Sequence[str]) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))


def _max_diff(a: Sequence[float], b: Sequence[float]) -> float:
    if len(a) != len(b):
        return float("inf")
    return max((abs(x - y) for x, y in zip(a, b)), default=0.0)


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
    """Greedy-decode ``sources`` (full source token lists, ending in ``</s>``) with both and
    score both outputs with both.

    The torch model is evaluated on CPU in float32 (a copy is not made: the caller's model is
    moved to CPU).
    """
    model.to("cpu").float().eval()
    translator = ctranslate2.Translator(
        str(export_dir), device="cpu", compute_type=compute_type, intra_threads=threads
    )
    report = AgreementReport(compute_type=compute_type, logprob_tolerance=logprob_tolerance)
    batch = [list(s) for s in sources]
    ct2_results = translator.translate_batch(
        batch, beam_size=1, max_decoding_length=max_len, min_decoding_length=1
    )
    torch_hyps: list[list[str]] = []
    ct2_hyps: list[list[str]] = []
    for src_tokens, ct2_result in zip(batch, ct2_results):
        ids, _, _ = model.greedy(
            tokenizer.ids(src_tokens), tokenizer.eos_id, tokenizer.eos_id, max_len=max_len,
            min_len=1,
        )
        torch_hyps.append([tokenizer.tokens[i] for i in ids])
        ct2_hyps.append(list(ct2_result.hypotheses[0]))
    ct2_on_torch = translator.score_batch(batch, torch_hyps)
    ct2_on_ct2 = translator.score_batch(batch, ct2_hyps)
    for i, src_tokens in enumerate(batch):
        src_ids = tokenizer.ids(src_tokens)
        eos = tokenizer.eos_id
        torch_hyp, ct2_hyp = torch_hyps[i], ct2_hyps[i]
        torch_on_torch = model.score(src_ids, tokenizer.ids(torch_hyp), eos, eos)
        torch_on_ct2 = model.score(src_ids, tokenizer.ids(ct2_hyp), eos, eos)
        diff = max(
            _max_diff(torch_on_torch, list(ct2_on_torch[i].log_probs)),
            _max_diff(torch_on_ct2, list(ct2_on_ct2[i].log_probs)),
        )
        report.max_logprob_diff = max(report.max_logprob_diff, diff)
        report.sentences += 1
        if torch_hyp == ct2_hyp:
            report.identical += 1
        else:
            # Same prefix up to ``first``, so both scores at ``first`` come from one distribution.
            first = _first_difference(torch_hyp, ct2_hyp)
            if abs(torch_on_torch[first] - torch_on_ct2[first]) <= tie_margin:
                report.near_ties += 1
        if len(report.examples) < 5:
            report.examples.append({
                "source": src_tokens,
                "torch": tokenizer.detokenize(torch_hyp),
                "ctranslate2": tokenizer.detokenize(ct2_hyp),
            })
    return report


def require_agreement(report: AgreementReport, export_dir: Path) -> None:
    """Raise :class:`ExportMismatchError` (one line) unless ``report`` is a pass."""
    if not report.ok:
        raise ExportMismatchError(
            f"{export_dir}: CTranslate2 export disagrees with the torch model: {report.summary()}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m translate.train.verify CHECKPOINT EXPORT_DIR``: check an existing export.

    The checkpoint is a ``best.pt`` of the recipe (it holds the config and the vocabulary);
    the export's own ``source.spm``/``target.spm`` tokenise the dev sentences. Exit status 0 on
    agreement, 1 with one line on stderr otherwise.
    """
    import argparse
    import sys

    import torch

    from .model import ModelConfig
    from .sources import read_pairs

    p = argparse.ArgumentParser(prog="python -m translate.train.verify", description=main.__doc__)
    p.add_argument("checkpoint", type=Path)
    p.add_argument("export_dir", type=Path)
    p.add_argument("--dev", type=Path, required=True, help="PREFIX of PREFIX.ko/PREFIX.en")
    p.add_argument("--sentences", type=int, default=8)
    p.add_argument("--compute-type", default="float32")
    p.add_argument("--threads", type=int, default=0,
                   help="CPU threads for torch and CTranslate2 (0: their defaults)")
    args = p.parse_args(argv)
    previous_threads = torch.get_num_threads()
    if args.threads:
        torch.set_num_threads(args.threads)
    try:
        checkpoint = torch.load(args.checkpoint, map_location="cpu")
        model = Seq2SeqTransformer(ModelConfig(**checkpoint["model_config"]))
        model.load_state_dict(checkpoint["state_dict"])
        tokenizer = Tokenizer.load(args.export_dir / "source.spm", args.export_dir / "target.spm")
        src, _ = read_pairs(args.dev)
        sources = [tokenizer.source_pieces(s) + ["</s>"]
                   for s in src[: args.sentences] if s.strip()]
        report = compare(model, tokenizer, args.export_dir, sources, compute_type=args.compute_type,
                         threads=args.threads)
        require_agreement(report, args.export_dir)
    except (ExportMismatchError, OSError, ValueError, RuntimeError, KeyError) as exc:
        print(f"error: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}",
              file=sys.stderr)
        return 1
    finally:
        torch.set_num_threads(previous_threads)
    print(report.summary())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
