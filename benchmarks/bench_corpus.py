"""Segments per second: ``translate corpus`` on 1, 2 and all local Ray workers against the
single-process ``Translator``, same model, glossary, settings and sentences, in one run.

    python benchmarks/bench_corpus.py --model /work/shared/models/ko-en-small [--n 200]

Ray rows time the whole corpus run (plan, actors loading the model, translation, shard
writes, merge, writers, report) but not Ray's own start, which a cluster pays once.
Single-process rows time ``Translator`` loading plus ``translate_segments``.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from translate.options import DecodeOptions  # noqa: E402
from translate.segment import MAX_CHARS  # noqa: E402

DATA = Path("/work/shared/data/korean-english-park.test.ko")
GLOSSARY = REPO / "resources" / "glossary"


def sentences(path: Path, n: int) -> list[str]:
    """The first ``n`` usable lines (non-empty, within the segment limit), one segment each."""
    lines = [s.strip() for s in path.read_text(encoding="utf-8").splitlines()]
    return [s for s in lines if s and len(s) <= MAX_CHARS][:n]


def bench_single(model: str, lines: list[str], threads: int, beam: int) -> float:
    from translate.pipeline import Translator

    start = time.perf_counter()
    translator = Translator(model, str(GLOSSARY), beam_size=beam, intra_threads=threads)
    out = translator.translate_sentences(lines)
    assert len(out) == len(lines)
    return time.perf_counter() - start


def bench_ray(model: str, corpus: Path, workers: int, threads: int, shard_size: int,
              beam: int) -> float:
    from translate.corpus import CorpusSettings, run_corpus

    settings = CorpusSettings(model=model, glossary=[str(GLOSSARY)], workers=workers,
                              threads=threads, shard_size=shard_size, beam_size=beam,
                              formats=("tmx", "tsv"))
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        result = run_corpus([corpus], out, settings, progress=False, log=lambda m: None)
        seconds = time.perf_counter() - start
    assert result.translated == result.segments and result.failures == 0
    return seconds


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", required=True)
    p.add_argument("--n", type=int, default=200, help="sentences (default 200)")
    p.add_argument("--data", type=Path, default=DATA)
    p.add_argument("--beam", type=int, default=DecodeOptions().beam_size)
    p.add_argument("--shard-size", type=int, default=25)
    p.add_argument("--json", type=Path, help="also write the table as JSON here")
    args = p.parse_args(argv)
    if not args.data.exists():
        print(f"skipped: {args.data} not found (pass --data FILE with Korean lines)")
        return 0
    try:
        from translate.corpus.runtime import init_ray

        ray_mod = init_ray()
    except RuntimeError as e:           # RayMissing
        print(f"skipped: {e}")
        return 0
    cpus = int(ray_mod.cluster_resources().get("CPU", 1))
    lines = sentences(args.data, args.n)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        corpus.write_text("".join(json.dumps({"source": s}, ensure_ascii=False) + "\n"
                                  for s in lines), encoding="utf-8")
        runs = [("Translator, 1 process, 1 thread", lambda: bench_single(
                    args.model, lines, 1, args.beam)),
                (f"Translator, 1 process, {os.cpu_count()} threads", lambda: bench_single(
                    args.model, lines, 0, args.beam))]
        layouts = [(w, 1) for w in sorted({1, 2, cpus})] + ([(1, cpus)] if cpus > 1 else [])
        for w, th in layouts:
            runs.append((f"corpus on Ray, {w} worker{'s' * (w > 1)} x {th} thread{'s' * (th > 1)}",
                         lambda w=w, th=th: bench_ray(args.model, corpus, w, th,
                                                      args.shard_size, args.beam)))
        rows = []
        for name, fn in runs:
            seconds = fn()
            rows.append({"run": name, "seconds": round(seconds, 1),
                         "seg_per_s": round(len(lines) / seconds, 2)})
            print(f"  {name}: {seconds:.1f} s", file=sys.stderr)
    base = rows[0]["seg_per_s"]
    print(f"\n{len(lines)} sentences from {args.data.name}, model {Path(args.model).name}, "
          f"beam {args.beam}, glossary {GLOSSARY.name}/, {os.cpu_count()} CPU cores, "
          f"shard size {args.shard_size}\n")
    print(f"| {'run':40} | {'seconds':>7} | {'seg/s':>6} | {'vs 1 thread':>11} |")
    print(f"|{'-' * 42}|{'-' * 9}|{'-' * 8}|{'-' * 13}|")
    for r in rows:
        print(f"| {r['run']:40} | {r['seconds']:7.1f} | {r['seg_per_s']:6.2f} | "
              f"{r['seg_per_s'] / base:10.2f}x |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
