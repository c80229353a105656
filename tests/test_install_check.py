"""translate-toolkit also ships a top-level ``translate`` package (issue 18, item 19).

Each case fakes the other package on ``sys.path`` in a subprocess and runs what a console
script runs (``from koen.cli import main``): one line that says what to do, exit 3.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOOLKIT_INIT = '"""translate-toolkit: tools for localization and translation."""\n'


def entry_point(*front: Path, command: str = "from koen.cli import main"
                ) -> subprocess.CompletedProcess:
    """``command`` with ``front`` ahead of this checkout on the path, run outside it (as an
    installed script is: the current folder must not supply ``translate``)."""
    path = os.pathsep.join([*map(str, front), str(ROOT)])
    return subprocess.run([sys.executable, "-c", command], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": path}, timeout=60,
                          cwd=front[0].parent if front else ROOT.parent)


def test_ours_alone_is_fine():
    done = entry_point(command="from koen.cli import main; from koen.glossary_cli import main")
    assert (done.returncode, done.stderr) == (0, "")


def test_translate_toolkit_first_on_the_path_is_one_line(tmp_path):
    fake = tmp_path / "site"
    (fake / "translate" / "storage").mkdir(parents=True)
    (fake / "translate" / "__init__.py").write_text(TOOLKIT_INIT, encoding="utf-8")
    (fake / "translate" / "storage" / "__init__.py").write_text("", encoding="utf-8")
    for command in ("from koen.cli import main", "from koen.glossary_cli import main"):
        done = entry_point(fake, command=command)
        assert done.returncode == 3
        [line] = done.stderr.splitlines()
        assert line.startswith("koen-terminology: 'import translate' finds another package at "
                               f"{fake / 'translate' / '__init__.py'}")
        assert "pip uninstall translate-toolkit" in line and "pipx install" in line


def test_init_overwritten_by_translate_toolkit_is_one_line(tmp_path):
    """One shared folder, translate-toolkit installed second: our modules, its __init__."""
    site = tmp_path / "site"
    shutil.copytree(ROOT / "translate", site / "translate",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (site / "translate" / "__init__.py").write_text(TOOLKIT_INIT, encoding="utf-8")
    done = entry_point(site)
    assert done.returncode == 3
    [line] = done.stderr.splitlines()
    assert line.startswith(f"koen-terminology: {site / 'translate' / '__init__.py'} is not "
                           "koen-terminology's translate/__init__.py")
    assert "pip uninstall translate-toolkit" in line


def test_init_removed_by_uninstalling_translate_toolkit_is_one_line(tmp_path):
    """pip uninstall translate-toolkit removes the shared __init__.py it installed over ours."""
    site = tmp_path / "site"
    for package in ("bitext", "glossary", "translate", "documents", "koen"):
        shutil.copytree(ROOT / package, site / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    (site / "translate" / "__init__.py").unlink()
    done = subprocess.run([sys.executable, "-c", "from koen.cli import main"],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(site)})
    assert done.returncode == 3
    [line] = done.stderr.splitlines()
    assert line == (f"koen-terminology: {site / 'translate'} has no __init__.py (removed by pip "
                    "uninstall translate-toolkit, which shares the folder?): pip install "
                    "--force-reinstall koen-terminology")
