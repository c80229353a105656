"""A successful ``translate corpus`` run prints only its own lines (issue 18, item 20): no
Ray token-authentication ``WARNING``, no ``E … core_worker.cc`` line, no deprecation notice.

A fresh process, as a user runs it (Ray starts locally, about 10-40 s here).
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("ray")
pytest.importorskip("pyarrow")

REPO = Path(__file__).resolve().parents[1]


def test_successful_corpus_run_prints_only_its_own_lines(tiny_model, tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("전장 사업이 커졌다.\n구독 서비스가 늘었다.\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO), "HOME": str(tmp_path)}   # no saved token
    env.pop("RAY_AUTH_MODE", None)
    done = subprocess.run(
        [sys.executable, "-m", "koen.cli", "corpus", str(source), "-o", str(tmp_path / "out"),
         "--model", str(tiny_model), "--workers", "1", "--threads", "1", "--beam", "1"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    others = [line for line in done.stderr.splitlines()
              if not line.startswith("translate corpus: ")]
    assert others == []
    assert (tmp_path / "out" / "corpus.tmx").exists()
