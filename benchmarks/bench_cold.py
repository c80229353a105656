"""Cold commands as a user times them: a fresh process each, wall time and peak memory.

Why cold: a translator running one file and a CI job linting a glossary pay every import,
the model load and Kiwi's load each time; a warm loop hides all of that. Each command runs
``--repeats`` times, alternating with the others (fair under drifting load), and the faster
run is kept; the ratios (glossary run / plain run) come from the same rounds.
Goals (issue 21): the sample with the glossary ≤ 1.5× the same run without it and at most
150 MB more peak RSS; ``glossary lint``, ``fmt`` and ``diff`` on the curated glossary ≤ 2 s.
Run: ``python benchmarks/bench_cold.py [--model DIR] [--repeats N]``.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:          # run as `python benchmarks/x.py` from a checkout
    sys.path.insert(0, str(ROOT))

from common import table  # noqa: E402

SAMPLE = ROOT / "resources" / "samples" / "lg-ai-strategy.ko.txt"
GLOSSARY = ROOT / "resources" / "glossary"


def run_cold(argv: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(wall seconds, peak RSS in MB, exit status) of one fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            cwd=ROOT, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def commands(model: Path | None, out: Path) -> dict[str, list[str]]:
    py = sys.executable
    model_args = ["--model", str(model)] if model else []
    translate = [py, "-m", "koen.cli", str(SAMPLE), "-q", *model_args]
    glossary = [py, "-m", "koen.glossary_cli"]
    copy = out / "copy"
    shutil.copytree(GLOSSARY, copy, dirs_exist_ok=True)
    return {
        "translate sample (no glossary)": [*translate, "-o", str(out / "plain.tsv")],
        "translate sample -g resources/glossary": [*translate, "-g", str(GLOSSARY),
                                                   "-o", str(out / "terms.tsv")],
        "glossary lint resources/glossary": [*glossary, "lint", str(GLOSSARY)],
        "glossary fmt --check resources/glossary": [*glossary, "fmt", "--check", str(GLOSSARY)],
        "glossary diff (two copies)": [*glossary, "diff", str(copy), str(GLOSSARY)],
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", type=Path, help="model directory (default: the bundled one)")
    p.add_argument("--repeats", type=int, default=2, help="runs per command (the faster kept)")
    args = p.parse_args(argv)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    with tempfile.TemporaryDirectory() as tmp:
        cmds = commands(args.model, Path(tmp))
        best: dict[str, tuple[float, float, int]] = {}
        for _ in range(args.repeats):
            for name, argv_ in cmds.items():
                wall, rss, code = run_cold(argv_, env)
                if name not in best or wall < best[name][0]:
                    best[name] = (wall, rss, code)
    plain = best["translate sample (no glossary)"]
    rows = []
    for name, (wall, rss, code) in best.items():
        versus = (f"{wall / plain[0]:.2f}× / {rss - plain[1]:+.0f} MB"
                  if name.startswith("translate") else "—")
        rows.append([name, wall, rss, versus, code])
    print(f"### Cold commands ({os.cpu_count()} CPUs, faster of {args.repeats} runs, "
          f"{time.strftime('%Y-%m-%d')})\n")
    print(table(["command", "wall s", "peak RSS MB", "vs no glossary", "exit"], rows,
                digits=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
