"""Fit the omission length model on parallel text and write ``length-model.json``.

    python -m bitext.qa.calibrate [--train DIR] [--dev PREFIX] [--target-fp 0.02] [--dry-run]

The weights (English characters per Hangul syllable and per other character) and the shape of
the tolerance come from the training pairs (``DIR/*.ko`` + ``*.en``); the quantile the floor
sits at is then chosen on the news dev set (``PREFIX.ko``/``PREFIX.en``) as the highest one that
flags at most ``--target-fp`` of those human translations, because the training pairs (Bible,
documentation, dialogue) are not the news/business prose the check will mostly see.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path

from .length import MODEL_FILE, LengthModel, source_units, target_units

REPO = Path(__file__).resolve().parents[2]
DATA = REPO.parent / "shared" / "data"
BUCKETS = (12, 20, 35, 60, 100, 160, 260, math.inf)     # expected English characters
QUANTILES = (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5)       # printed per bucket
LEVELS = (0.001, 0.002, 0.003, 0.004, 0.005, 0.0075, 0.01, 0.02, 0.05)   # floors tried


def read_prefix(prefix: Path) -> list[tuple[str, str]]:
    """``PREFIX.ko`` + ``PREFIX.en`` (the news splits are named korean-english-park.dev.ko)."""
    return read_pairs(Path(f"{prefix}.ko"), Path(f"{prefix}.en"))


def read_pairs(ko: Path, en: Path) -> list[tuple[str, str]]:
    src = ko.read_text(encoding="utf-8").splitlines()
    tgt = en.read_text(encoding="utf-8").splitlines()
    if len(src) != len(tgt):
        raise SystemExit(f"{ko}:{len(src)}: {len(src)} lines but {en} has {len(tgt)}")
    return [(s, t) for s, t in zip(src, tgt) if s.strip() and t.strip()]


def fit_weights(pairs: Sequence[tuple[str, str]]) -> tuple[float, float]:
    """Least squares T ≈ a·H + b·O (no intercept) over pairs long enough to be informative;
    b = 1 (Latin letters and digits come through one for one) when no pair has any O."""
    shh = sho = soo = sth = sto = 0.0
    for s, t in pairs:
        h, o = source_units(s)
        n = target_units(t)
        if h + o < 8:
            continue
        shh += h * h
        sho += h * o
        soo += o * o
        sth += n * h
        sto += n * o
    if not shh:
        raise SystemExit("no training pair has enough Hangul to fit a length model")
    det = shh * soo - sho * sho
    if det <= 1e-9 * shh * max(soo, 1.0):     # no Latin/digits at all: one for one
        return sth / shh, 1.0
    return (sth * soo - sto * sho) / det, (sto * shh - sth * sho) / det


def quantile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(q * len(values))))]


def log_ratios(model: LengthModel, pairs: Sequence[tuple[str, str]]):
    for s, t in pairs:
        e = model.expected(s)
        if e >= model.min_expected:
            yield e, math.log(max(target_units(t), 1) / e)


def bucket_table(model: LengthModel, pairs: Sequence[tuple[str, str]]) -> list[dict]:
    by: list[list[float]] = [[] for _ in BUCKETS[:-1]]
    mids: list[list[float]] = [[] for _ in BUCKETS[:-1]]
    for e, r in log_ratios(model, pairs):
        i = next(i for i in range(len(BUCKETS) - 1) if e < BUCKETS[i + 1])
        by[i].append(r)
        mids[i].append(e)
    return [{"from": BUCKETS[i], "to": BUCKETS[i + 1], "n": len(v),
             "mean_expected": sum(mids[i]) / len(v),
             **{f"q{q}": quantile(v, q) for q in QUANTILES}}
            for i, v in enumerate(by) if len(v) >= 50]


def fit_spread(table: list[dict], q: float = 0.02) -> float:
    """How the tolerance widens for short sentences: the slope of the ``q`` quantile against
    1/sqrt(expected length), weighted least squares over the well-filled buckets below 260
    characters (the longest training pairs are mostly misaligned verses and code listings)."""
    total = sum(r["n"] for r in table)
    rows = [r for r in table if r["n"] >= 0.01 * total and r["to"] <= 260]
    if len(rows) < 2:
        return 0.0
    xs = [1 / math.sqrt(row["mean_expected"]) for row in rows]
    ys = [row[f"q{q}"] for row in rows]
    ws = [math.sqrt(row["n"]) for row in rows]
    sw = sum(ws)
    mx = sum(w * x for w, x in zip(ws, xs)) / sw
    my = sum(w * y for w, y in zip(ws, ys)) / sw
    sxx = sum(w * (x - mx) ** 2 for w, x in zip(ws, xs))
    sxy = sum(w * (x - mx) * (y - my) for w, x, y in zip(ws, xs, ys))
    return min(sxy / sxx, 0.0) if sxx else 0.0


def fit_offset(model: LengthModel, pairs: Sequence[tuple[str, str]], q: float) -> float:
    """The offset that puts the floor at the ``q`` quantile of the pairs, given the spread."""
    return quantile([r - model.spread / math.sqrt(e) for e, r in log_ratios(model, pairs)], q)


def flag_rate(model: LengthModel, pairs: Sequence[tuple[str, str]]) -> float:
    return sum(model.shortfall(s, t) is not None for s, t in pairs) / max(len(pairs), 1)


def print_table(title: str, table: list[dict]) -> None:
    print(f"\n{title}: log(actual / expected English characters) quantiles by expected length")
    head = ["expected", "n", *[f"q{q:g}" for q in QUANTILES]]
    print("  ".join(f"{h:>9}" for h in head))
    for row in table:
        cells = [f"{row['from']:g}-{row['to']:g}", str(row["n"]),
                 *[f"{row[f'q{q}']:+.3f}" for q in QUANTILES]]
        print("  ".join(f"{c:>9}" for c in cells))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--train", type=Path, default=DATA / "train")
    p.add_argument("--dev", type=Path, default=DATA / "korean-english-park.dev")
    p.add_argument("--test", type=Path, default=DATA / "korean-english-park.test",
                   help="only reported, never used to choose anything")
    p.add_argument("--target-fp", type=float, default=0.02,
                   help="highest share of dev human pairs the floor may flag (default 0.02)")
    p.add_argument("--out", type=Path, default=Path(__file__).with_name(MODEL_FILE))
    p.add_argument("--dry-run", action="store_true", help="print, do not write the JSON")
    args = p.parse_args(argv)

    files = sorted(args.train.glob("*.ko"))
    if not files:
        print(f"{args.train}: no *.ko files to calibrate on", file=sys.stderr)
        return 1
    train = [pair for ko in files for pair in read_pairs(ko, ko.with_suffix(".en"))]
    dev = read_prefix(args.dev)
    a, b = fit_weights(train)
    print(f"train: {len(train)} pairs from {len(files)} files; "
          f"expected English chars = {a:.3f} x Hangul + {b:.3f} x other")
    base = LengthModel(per_hangul=a, per_other=b, offset=0.0, spread=0.0)
    table = bucket_table(base, train)
    print_table("train", table)
    print_table("news dev", bucket_table(base, dev))

    print(f"\n{'quantile':>9} {'offset':>8} {'spread':>8} {'train flagged':>14} "
          f"{'dev flagged':>12}")
    spread = fit_spread(table)
    chosen = None
    for q in LEVELS:
        shaped = LengthModel(per_hangul=a, per_other=b, offset=0.0, spread=spread)
        model = LengthModel(per_hangul=a, per_other=b, spread=spread,
                            offset=fit_offset(shaped, train, q))
        dev_rate = flag_rate(model, dev)
        print(f"{q:>9g} {model.offset:>+8.3f} {spread:>+8.3f} {flag_rate(model, train):>14.2%} "
              f"{dev_rate:>12.2%}")
        if dev_rate <= args.target_fp:
            chosen = (q, model)
    if chosen is None:
        print(f"no quantile flags at most {args.target_fp:.1%} of dev", file=sys.stderr)
        return 1
    q, model = chosen
    model = LengthModel(**{**model.to_dict(), "fitted": {
        "train_pairs": len(train), "train_files": [f.stem for f in files], "quantile": q,
        "dev_flagged": round(flag_rate(model, dev), 4), "target_fp": args.target_fp}})
    print(f"\nchosen: the q={q:g} floor (dev flags {flag_rate(model, dev):.2%})")
    if Path(f"{args.test}.ko").exists():
        test = read_prefix(args.test)
        print(f"held-out news test flagged: {flag_rate(model, test):.2%} of {len(test)}")
    if not args.dry_run:
        tmp = args.out.with_suffix(".tmp")
        values = {k: round(v, 4) if isinstance(v, float) else v
                  for k, v in model.to_dict().items()}
        tmp.write_text(json.dumps(values, indent=2) + "\n", encoding="utf-8")
        tmp.replace(args.out)
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
