"""Unpacking an ``.argosmodel`` (issue 18, item 9): bounded size, safe under concurrency.

The audit's archive was 53 MB and unpacked to 2.1 GB; two runs unpacking one archive at
once crashed and left a ``.partial`` folder.  Bombs are built small here by lowering the
limit (``$KOEN_MAX_UNPACKED_MB``), the same code path a real one takes.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

import translate.model_files as model_files
from translate.model_files import ModelError, extract_argos, open_model

ROOT = Path(__file__).resolve().parents[1]


def leftovers(cache: Path) -> list[Path]:
    return [p for p in cache.rglob("*") if "partial" in p.name]


def test_declared_size_over_the_limit_is_refused_before_writing(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("KOEN_MAX_UNPACKED_MB", "1")
    bomb = tmp_path / "bomb.argosmodel"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("pkg/model/model.bin", os.urandom(600_000))   # incompressible, 0.6 MB
        z.writestr("pkg/sentencepiece.model", os.urandom(600_000))
    with pytest.raises(ModelError, match=r"unpacks to over 1 MB \(raise KOEN_MAX_UNPACKED_MB"):
        open_model(bomb)
    cache = tmp_path / "cache"
    assert not [p for p in cache.rglob("*") if p.is_file()] and not leftovers(cache)


def test_compression_ratio_of_a_zip_bomb_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    bomb = tmp_path / "zeros.argosmodel"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("pkg/model/model.bin", b"\0" * 20_000_000)      # 20 MB → about 20 KB
    assert bomb.stat().st_size < 100_000
    with pytest.raises(ModelError, match="over 100x: a zip bomb"):
        open_model(bomb)
    assert not leftovers(tmp_path / "cache")


def test_bytes_written_are_counted_too(tmp_path, monkeypatch):
    """Headers can lie: the copy itself stops at the limit (declared check bypassed here)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("KOEN_MAX_UNPACKED_MB", "1")
    monkeypatch.setattr(model_files, "_check_members", lambda *a: None)
    archive = tmp_path / "big.argosmodel"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("pkg/model/model.bin", os.urandom(3_000_000))
    with pytest.raises(ModelError, match="unpacks to over 1 MB"):
        extract_argos(archive)
    assert not list((tmp_path / "cache").rglob("model.bin"))


def test_a_lost_race_uses_the_winners_folder(tiny_argos_zip, tmp_path, monkeypatch):
    """Another run renames its copy into place first: ours is removed, theirs is used."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    real_rename = os.rename

    def other_run_wins(src, dst):
        Path(dst).mkdir()
        (Path(dst) / "winner").write_text("x")
        real_rename(src, dst)                       # raises: the target is not empty
    monkeypatch.setattr(model_files.os, "rename", other_run_wins)
    target = extract_argos(tiny_argos_zip)
    assert (target / "winner").exists()
    assert [p.name for p in target.parent.iterdir()] == [target.name]


def test_a_day_old_partial_folder_from_a_killed_run_is_swept(tiny_argos_zip, tmp_path,
                                                            monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    target = extract_argos(tiny_argos_zip)
    shutil.rmtree(target)
    old = target.parent / f".{target.name}.killed.partial"
    fresh = target.parent / f".{target.name}.running.partial"
    for folder in (old, fresh):
        (folder / "pkg").mkdir(parents=True)
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))
    assert extract_argos(tiny_argos_zip) == target
    assert not old.exists() and fresh.exists()


WORKER = """
import sys, time
from pathlib import Path
from translate.model_files import open_model
go = Path(sys.argv[2])
while not go.exists():
    time.sleep(0.001)
print(open_model(sys.argv[1]).ct2_dir)
"""


def test_two_processes_unpacking_one_archive_at_once(tiny_argos_zip, tmp_path):
    for round_no in range(3):
        cache, go = tmp_path / f"cache{round_no}", tmp_path / f"go{round_no}"
        env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(cache)}
        procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(tiny_argos_zip), str(go)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  env=env) for _ in range(2)]
        time.sleep(1.0)                 # both interpreters started and polling
        go.touch()
        results = [p.communicate(timeout=60) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], results
        dirs = {out.strip() for out, _ in results}
        assert len(dirs) == 1 and Path(dirs.pop()).joinpath("model.bin").exists()
        assert not leftovers(cache)
        assert len(list((cache / "koen-terminology" / "argos").iterdir())) == 1
