"""How far to trust one machine translation: a number in [0, 1] from what a reader would see.

The model's own log-probability says little about this weak model's output (it is as sure of
"Affectionate Intelligence … intelligentible" as of a good sentence), so the score combines
signals that look at the text itself (see :data:`FEATURES`): source words left without a
counterpart and English words nothing in the source explains (:mod:`.lexicon`), words the
training text never had, loops, lost numbers and names, length against the length model, how
far enforcement moved the text from the first pass, how much of the source the attention never
visited, and the log-probability. A logistic regression over them is fitted on the news dev set
per model (``confidence.json`` beside the model: ``benchmarks/bench_confidence.py --fit``);
the confidence is the fitted probability that the sentence is *not* among the worst quarter by
sentence chrF of its length tercile.

Pure: the engine-side evidence (scores, attention, the draft) and the Korean content tokens
come in an :class:`Evidence`; nothing here loads a model.
"""
from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from importlib import resources
from pathlib import Path

from bitext.errors import InputError

from .issue import QAIssue
from .length import LengthModel, default_length_model, target_units
from .lexicon import Lexicon, default_lexicon

CONFIDENCE_FILE = "confidence.json"      # beside a model
GENERIC_FILE = "confidence-generic.json"  # shipped: model-independent features only
LOW_PROB = -2.5      # a piece the model gave under e^-2.5 ≈ 8 %
ATTENDED = 0.25      # attention mass below which a source piece counts as never visited

FEATURES = (
    "src_len",        # log(1 + source characters): short sentences score low on chrF
    "lp_mean",        # mean log-probability per piece of the final text
    "lp_min",         # its least likely piece (clipped at -12)
    "lp_low",         # share of pieces under LOW_PROB
    "attn_gap",       # share of source pieces that got under ATTENDED attention in total
    "uncovered",      # share of known source words with no likely rendering in the English
    "unseen",         # share of source words the lexicon never saw
    "unsupported",    # share of English content words no source word explains
    "unknown_en",     # share of English content words the training text never had
    "len_short",      # how far below the expected length (log units), 0 if not
    "len_long",       # how far above it
    "loops",          # repetition findings
    "qa_errors",      # other QA errors (numbers, omission, untranslated, names)
    "qa_warnings",    # QA warnings
    "draft_moved",    # 1 - similarity of the final text to the unconstrained first pass
    "forced",         # terms forced by a prefix (the least fluent way to meet a term)
)
# What the shipped fits use: chosen by 5-fold cross-validation on the news dev fit set (mean
# AUROC within length terciles 0.740 against 0.730 for all of FEATURES, L2 200 against 1); the
# others are computed and cached for the next fit but did not help on dev. lp_mean was in that
# choice too, and left out since: scoring every final text costs a quarter of the time of a
# plain translation, and without it the held-out AUROC moved 0.712 → 0.706 on news test and
# 0.632 → 0.704 on the press set (docs/notes/speed2.md). A fit that weights any lp_ or attn_
# feature still gets them computed (see :func:`ConfidenceModel.uses`).
FITTED = ("src_len", "uncovered", "unsupported", "unknown_en", "len_short", "len_long",
          "qa_errors", "qa_warnings", "forced")
# what a model-independent fit may use: no scores, no attention
GENERIC = tuple(f for f in FITTED if not f.startswith(("lp_", "attn_")))


@dataclass
class Evidence:
    """What one finished sentence offers to judge it by; engine fields are None when the
    engine gave none (a Generator has no attention; a read-back file has no scores)."""

    source: str
    translation: str
    source_tokens: Sequence[str] = ()          # Korean content morphemes (see .lexicon)
    log_probs: Sequence[float] | None = None   # per target piece, scored without hints
    attention_mass: Sequence[float] | None = None   # per source piece, summed over the output
    draft: str | None = None                   # the first pass, when enforcement changed it
    qa: Sequence[QAIssue] = ()
    forced: int = 0


def features(ev: Evidence, lexicon: Lexicon | None = None,
             length_model: LengthModel | None = None) -> dict[str, float]:
    """The :data:`FEATURES` of one sentence (every one defined: absent evidence is neutral)."""
    lexicon = lexicon if lexicon is not None else default_lexicon()
    lm = length_model or default_length_model()
    lps = [max(-12.0, float(x)) for x in ev.log_probs or ()]
    mass = list(ev.attention_mass or ())
    uncovered, unseen, _ = lexicon.coverage(ev.source_tokens, ev.translation)
    unsupported, unknown = lexicon.support(ev.source_tokens, ev.translation)
    expected = lm.expected(ev.source)
    ratio = math.log(max(target_units(ev.translation), 1) / max(expected, 1.0))
    moved = 0.0
    if ev.draft and ev.draft != ev.translation:
        moved = 1 - SequenceMatcher(None, ev.draft, ev.translation, autojunk=False).ratio()
    return {
        "src_len": math.log1p(len(ev.source)),
        "lp_mean": sum(lps) / len(lps) if lps else 0.0,
        "lp_min": min(lps) if lps else 0.0,
        "lp_low": sum(x < LOW_PROB for x in lps) / len(lps) if lps else 0.0,
        "attn_gap": sum(m < ATTENDED for m in mass) / len(mass) if mass else 0.0,
        "uncovered": 1 - uncovered,
        "unseen": unseen,
        "unsupported": unsupported,
        "unknown_en": unknown,
        "len_short": max(0.0, -ratio),
        "len_long": max(0.0, ratio),
        "loops": float(sum(q.code == "repetition" for q in ev.qa)),
        "qa_errors": float(sum(q.severity == "error" and q.code != "repetition"
                               for q in ev.qa)),
        "qa_warnings": float(sum(q.severity == "warning" for q in ev.qa)),
        "draft_moved": moved,
        "forced": float(ev.forced),
    }


@dataclass(frozen=True)
class ConfidenceModel:
    """A logistic regression on standardised features: P(bad) = σ(w·z + b), confidence
    = 1 − P(bad). ``warn_below``/``error_below`` are the thresholds of the ``low-confidence``
    finding, set on the dev set (see ``fitted``). ``calibrated`` is False for the generic
    fallback used with a model that has no fit of its own."""

    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    warn_below: float = 0.5
    error_below: float = 0.25
    calibrated: bool = True
    fitted: dict = field(default_factory=dict, compare=False)

    def uses(self, prefix: str) -> bool:
        """True if a feature whose name starts with ``prefix`` has a weight: the engine
        computes costly evidence (``lp_``: a scoring pass) only for a fit that reads it."""
        return any(n.startswith(prefix) and w for n, w in zip(self.names, self.weights))

    def score(self, feats: Mapping[str, float]) -> float:
        z = self.bias + sum(w * (feats.get(n, 0.0) - m) / s for n, m, s, w in
                            zip(self.names, self.mean, self.scale, self.weights))
        bad = 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
        return round(1 - bad, 4)

    def to_dict(self) -> dict:
        return {"format": 1, "names": list(self.names), "mean": list(self.mean),
                "scale": list(self.scale), "weights": list(self.weights), "bias": self.bias,
                "warn_below": self.warn_below, "error_below": self.error_below,
                "fitted": self.fitted}

    @classmethod
    def from_dict(cls, d: Mapping, calibrated: bool = True) -> ConfidenceModel:
        names = tuple(d["names"])
        unknown = set(names) - set(FEATURES)
        if unknown or not (len(names) == len(d["mean"]) == len(d["scale"]) == len(d["weights"])):
            raise ValueError(f"confidence fit names unknown or mismatched features "
                             f"{sorted(unknown)}")
        return cls(names, tuple(map(float, d["mean"])), tuple(float(s) or 1.0 for s in d["scale"]),
                   tuple(map(float, d["weights"])), float(d["bias"]),
                   float(d.get("warn_below", 0.5)), float(d.get("error_below", 0.25)),
                   calibrated, dict(d.get("fitted") or {}))

    @classmethod
    def load(cls, path: str | Path) -> ConfidenceModel:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=1) + "\n", encoding="utf-8")


@lru_cache(maxsize=1)
def generic_model() -> ConfidenceModel:
    """The shipped model-independent fit (no log-probabilities, no attention): what a model
    without its own ``confidence.json`` gets, marked uncalibrated."""
    ref = resources.files(__package__).joinpath(GENERIC_FILE)
    if not ref.is_file():     # before the first fit: every sentence 0.5, nothing flagged
        return ConfidenceModel((), (), (), (), 0.0, calibrated=False)
    return ConfidenceModel.from_dict(json.loads(ref.read_text(encoding="utf-8")),
                                     calibrated=False)


def model_for(model_dir: str | Path | None) -> ConfidenceModel:
    """The fit stored beside a model, else :func:`generic_model` (``calibrated`` False)."""
    if model_dir is not None:
        path = Path(model_dir) / CONFIDENCE_FILE
        if path.is_file():
            try:
                return ConfidenceModel.load(path)
            except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError,
                    ValueError) as e:
                what = e.msg if isinstance(e, json.JSONDecodeError) else str(e)
                raise InputError(f"not a confidence fit ({what or type(e).__name__}); "
                                 "refit it or remove it", str(path)) from None
    return generic_model()


def fit_logistic(rows: Sequence[Mapping[str, float]], labels: Sequence[int],
                 names: Sequence[str] = FEATURES, l2: float = 1.0, steps: int = 3000
                 ) -> ConfidenceModel:
    """Fit P(bad | features) by gradient descent on the L2-penalised log-loss (numpy; the
    problem is tiny: a few hundred rows, sixteen features)."""
    import numpy as np  # noqa: PLC0415 - only the fitting script needs it

    x = np.array([[r.get(n, 0.0) for n in names] for r in rows], dtype=float)
    y = np.array(labels, dtype=float)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = (x - mean) / scale
    w, b = np.zeros(len(names)), float(np.log((y.mean() + 1e-3) / (1 - y.mean() + 1e-3)))
    rate = 0.5 / (1 + l2 / len(y))      # a step the penalty cannot overshoot
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        grad_w = z.T @ (p - y) / len(y) + l2 * w / len(y)
        grad_b = float((p - y).mean())
        w -= rate * grad_w
        b -= rate * grad_b
    return ConfidenceModel(tuple(names), tuple(mean.tolist()), tuple(scale.tolist()),
                           tuple(w.tolist()), b)


def check_confidence(confidence: float | None, model: ConfidenceModel, translation: str
                     ) -> list[QAIssue]:
    """``low-confidence``: a warning under ``warn_below``, an error under ``error_below``;
    about the whole translation, so it spans all of it (listed, never marked)."""
    if confidence is None or confidence >= model.warn_below:
        return []
    severity = "error" if confidence < model.error_below else "warning"
    note = "" if model.calibrated else " (uncalibrated: no confidence fit for this model)"
    return [QAIssue("low-confidence", severity, "target", 0, len(translation),
                    f"confidence {confidence:.2f} is below {model.warn_below:.2f}{note}")]
