"""How well the confidence score finds the bad translations, on sets it was not fitted on.

Why: a confidence number is only worth publishing if low values mark the sentences a reader
would reject. Sentence chrF against the reference stands in for that reader; because chrF
punishes short sentences whatever their quality, sentences are put into source-length terciles
and "bad" means the worst quarter by chrF *within* its tercile. Per set this prints the AUROC
of the confidence (and of the log-probability alone, and of source length alone) for finding
the bad quarter, averaged over the terciles, with a 95 % bootstrap interval, and the mean chrF
of the sentences flagged ``low-confidence`` against the rest.

Sets: news dev lines 1-N (``--dev``, the fit: the lexicon was built from dev lines 301-1000,
so these lines are unseen by it), news TEST lines 1-N (``--test``, held out) and the press set's
held-out rows h01-h80 (held out). Decoding is the heavy part and is done once: the evidence
(output, scores, attention, tokens, QA) is cached per set under ``--cache`` (default
/tmp/koen-confidence) and everything after reads the cache.

    python benchmarks/bench_confidence.py --model resources/models/ko-en-small \\
        [--data ../shared/data] [--fit]      # --fit writes confidence.json beside the model
"""
from __future__ import annotations

import json
import random
import statistics
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import common
from common import table
from sacrebleu.metrics import CHRF

from bitext.qa.confidence import (
    FITTED,
    GENERIC,
    GENERIC_FILE,
    ConfidenceModel,
    Evidence,
    features,
    fit_logistic,
)
from bitext.qa.issue import QAIssue
from translate.confidence import content_tokens, evidence
from translate.enforce import enforce
from translate.options import DecodeOptions

PRESS = common.ROOT / "resources" / "termtest" / "press-heldout.tsv"
PRESS_GLOSSARY = common.ROOT / "resources" / "termtest" / "press-glossary.yaml"
NEWS_GLOSSARY = common.ROOT / "resources" / "termtest" / "news-glossary.yaml"
BAD_SHARE = 0.25          # the worst quarter by sentence chrF, within a length tercile
WARN_SHARE = 0.25         # the fit's warning threshold flags this share of dev
ERROR_SHARE = 0.08        # and its error threshold this share
BOOT = 1000
L2 = 200.0                # chosen by 5-fold cross-validation on the dev rows (see FITTED)
_chrf = CHRF()


def sentence_chrf(hyp: str, ref: str) -> float:
    return _chrf.sentence_score(hyp, [ref]).score


# --- decoding once, into a cache ------------------------------------------------------------
def decode(name: str, sources: list[str], refs: list[str], glossary: Path, engine, args,
           cache: Path) -> list[dict]:
    """Rows of {source, reference, translation, chrf, evidence} for one set, cached."""
    path = cache / f"{name}-{len(sources)}.jsonl"
    if path.is_file():
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    from glossary import TermMatcher, load_glossary  # noqa: PLC0415
    matcher = TermMatcher(load_glossary(glossary))
    options = DecodeOptions(beam_size=args.beam, max_batch_size=args.batch)
    rows = []
    print(f"... decoding {name} ({len(sources)} sentences)", file=sys.stderr)
    for at in range(0, len(sources), 64):
        chunk = sources[at:at + 64]
        jobs = enforce(engine, chunk, [matcher.find(s) for s in chunk], options)
        # every feature cached, those the shipped fit leaves out too (log-probs: a next fit
        # may weigh them)
        for job, ev, ref in zip(jobs, evidence(engine, jobs, scores=True), refs[at:at + 64]):
            qa = [q for q in job.qa if q.code != "low-confidence"]
            data = asdict(ev)
            data["qa"] = [q.to_dict() for q in qa]
            rows.append({"source": job.source, "reference": ref, "translation": job.text,
                         "chrf": sentence_chrf(job.text, ref), "evidence": data})
    cache.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    return rows


def evidence_of(row: dict) -> Evidence:
    """The cached evidence, with the Korean content words cut again by today's tokeniser
    (so a new tokeniser and lexicon are measured on the same decodes)."""
    data = dict(row["evidence"])
    data["qa"] = [QAIssue.from_dict(q) for q in data["qa"]]
    data["source_tokens"] = content_tokens(row["source"])
    return Evidence(**data)


# --- labels, AUROC ----------------------------------------------------------------------------
def terciles(rows: Sequence[dict]) -> list[int]:
    """Source-length tercile (0, 1, 2) of each row, cut at the set's own length quantiles."""
    lengths = sorted(len(r["source"]) for r in rows)
    cuts = (lengths[len(lengths) // 3], lengths[2 * len(lengths) // 3])
    return [0 if len(r["source"]) < cuts[0] else 1 if len(r["source"]) < cuts[1] else 2
            for r in rows]


def bad_labels(rows: Sequence[dict], bins: Sequence[int]) -> list[int]:
    """1 for the worst BAD_SHARE by chrF within each tercile."""
    labels = [0] * len(rows)
    for b in set(bins):
        members = sorted((i for i in range(len(rows)) if bins[i] == b),
                         key=lambda i: rows[i]["chrf"])
        for i in members[:max(1, round(BAD_SHARE * len(members)))]:
            labels[i] = 1
    return labels


def auroc(badness: Sequence[float], labels: Sequence[int]) -> float:
    """P(a bad sentence scores worse than a good one), ties half (Mann-Whitney)."""
    order = sorted(range(len(badness)), key=lambda i: badness[i])
    ranks = [0.0] * len(badness)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and badness[order[j + 1]] == badness[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    pos = sum(labels)
    neg = len(labels) - pos
    if not pos or not neg:
        return float("nan")
    return (sum(r for r, y in zip(ranks, labels) if y) - pos * (pos + 1) / 2) / (pos * neg)


def binned_auroc(badness: Sequence[float], labels: Sequence[int], bins: Sequence[int],
                 rng: random.Random) -> tuple[float, float, float]:
    """Mean over terciles of the AUROC, with a 95 % bootstrap interval (resampling within
    each tercile)."""
    groups = [[i for i in range(len(labels)) if bins[i] == b] for b in sorted(set(bins))]

    def mean_auc(samples: list[list[int]]) -> float:
        return statistics.fmean(auroc([badness[i] for i in s], [labels[i] for i in s])
                                for s in samples)

    point = mean_auc(groups)
    boots = []
    for _ in range(BOOT):
        sample = [[rng.choice(g) for _ in g] for g in groups]
        value = mean_auc(sample)
        if value == value:
            boots.append(value)
    boots.sort()
    return point, boots[int(0.025 * len(boots))], boots[int(0.975 * len(boots)) - 1]


# --- fit and report ---------------------------------------------------------------------------
def fit(rows: list[dict], names: Sequence[str]) -> ConfidenceModel:
    feats = [features(evidence_of(r)) for r in rows]
    labels = bad_labels(rows, terciles(rows))
    model = fit_logistic(feats, labels, names, l2=L2)
    scores = sorted(model.score(f) for f in feats)
    warn = scores[int(WARN_SHARE * len(scores))]
    error = scores[int(ERROR_SHARE * len(scores))]
    return ConfidenceModel(model.names, model.mean, model.scale, model.weights, model.bias,
                           round(warn, 4), round(error, 4), True,
                           {"rows": len(rows), "set": "news dev", "bad": "worst quarter by "
                            "sentence chrF within source-length terciles",
                            "warn_share": WARN_SHARE, "error_share": ERROR_SHARE, "l2": L2})


def evaluate(name: str, tuned: str, rows: list[dict], model: ConfidenceModel,
             generic: ConfidenceModel, seed: int) -> list:
    rng = random.Random(seed)
    bins = terciles(rows)
    labels = bad_labels(rows, bins)
    feats = [features(evidence_of(r)) for r in rows]
    conf = [model.score(f) for f in feats]
    gen = [generic.score(f) for f in feats]
    auc = binned_auroc([-c for c in conf], labels, bins, rng)
    auc_generic = binned_auroc([-c for c in gen], labels, bins, rng)
    auc_lp = binned_auroc([-f["lp_mean"] for f in feats], labels, bins, rng)
    auc_len = auroc([-len(r["source"]) for r in rows], bad_labels(rows, [0] * len(rows)))
    flagged = [r["chrf"] for r, c in zip(rows, conf) if c < model.warn_below]
    kept = [r["chrf"] for r, c in zip(rows, conf) if c >= model.warn_below]
    corpus = _chrf.corpus_score([r["translation"] for r in rows],
                                [[r["reference"] for r in rows]]).score

    def ci(v: tuple[float, float, float]) -> str:
        return f"{v[0]:.3f} [{v[1]:.3f}, {v[2]:.3f}]"

    return [name, tuned, len(rows), f"{corpus:.1f}", ci(auc), ci(auc_generic), ci(auc_lp),
            f"{auc_len:.3f}", f"{100 * len(flagged) / len(rows):.0f}",
            f"{statistics.fmean(flagged):.1f}" if flagged else "–",
            f"{statistics.fmean(kept):.1f}" if kept else "–"]


def main(argv: list[str] | None = None) -> int:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, default=common.DATA,
                   help="folder with korean-english-park.{dev,test}.{ko,en} (default "
                        "../shared/data, or $KOEN_DATA)")
    p.add_argument("--dev", type=int, default=300, help="news dev lines to fit on")
    p.add_argument("--test", type=int, default=600, help="news test lines to report on")
    p.add_argument("--cache", type=Path, default=Path("/tmp/koen-confidence"))
    p.add_argument("--fit", action="store_true",
                   help="write confidence.json beside the model and the generic fit")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    s = common.setup(args)
    engine = s.engine(args.threads)
    cache = args.cache / engine.files.name

    def news(split: str, n: int) -> tuple[list[str], list[str]]:
        ko = (args.data / f"korean-english-park.{split}.ko").read_text("utf-8").splitlines()
        en = (args.data / f"korean-english-park.{split}.en").read_text("utf-8").splitlines()
        pairs = [(k, e) for k, e in list(zip(ko, en))[:n] if k.strip() and e.strip()]
        return [k for k, _ in pairs], [e for _, e in pairs]

    if not (args.data / "korean-english-park.dev.ko").is_file():
        print(f"SKIPPED: news data not found in {args.data}", file=sys.stderr)
        return 0
    dev = decode("news-dev", *news("dev", args.dev), NEWS_GLOSSARY, engine, args, cache)
    test = decode("news-test", *news("test", args.test), NEWS_GLOSSARY, engine, args, cache)
    held = [r for r in common.load_termtest(PRESS) if r["id"].startswith("h")]
    press = decode("press-heldout", [r["source"] for r in held],
                   [r["reference"] for r in held], PRESS_GLOSSARY, engine, args, cache)
    model, generic = fit(dev, FITTED), fit(dev, GENERIC)
    if args.fit:
        model.save(engine.files.ct2_dir / "confidence.json")
        generic.save(common.ROOT / "bitext" / "qa" / GENERIC_FILE)
        print(f"wrote {engine.files.ct2_dir / 'confidence.json'} and bitext/qa/{GENERIC_FILE}",
              file=sys.stderr)
    rows = [evaluate("news dev (fit)", "yes", dev, model, generic, args.seed),
            evaluate("news test", "no", test, model, generic, args.seed),
            evaluate("press heldout h01-h80", "no", press, model, generic, args.seed)]
    common.header("Confidence: finding the worst quarter (sentence chrF) per length tercile",
                  args, s)
    print(table(["set", "fitted on", "n", "chrF", "AUROC confidence [95% CI]",
                 "AUROC generic fit", "AUROC log-prob alone", "AUROC length alone",
                 "flagged %", "chrF flagged", "chrF unflagged"], rows))
    print("\nAUROC: mean over source-length terciles of P(a bad sentence gets lower "
          "confidence than a good one); bad = worst quarter by sentence chrF within its "
          "tercile; 95 % bootstrap interval (1000 resamples within terciles). 'length alone' "
          "is the AUROC of shorter-is-worse for the worst quarter of the whole set, without "
          "terciles. Flagged: confidence under the fit's warning threshold "
          f"({model.warn_below:.2f}, set to flag {WARN_SHARE:.0%} of dev).")
    print("\nweights (standardised features; positive = more likely bad):")
    for n, w in sorted(zip(model.names, model.weights), key=lambda nw: -abs(nw[1])):
        print(f"  {n:12s} {w:+.2f}")
    if s.tiny:
        print(f"\n{common.TINY_WARNING}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
