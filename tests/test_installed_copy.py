"""An installed copy (not a checkout) finds its installed data (issue 18, item 20).

A real venv gets this project's packages copied into its site-packages, the glossary into
``<prefix>/share/koen-terminology/glossary`` (where pyproject's data-files put it), and runs
from a folder without ``resources/``.  Dependencies come from the running interpreter's
site-packages through PYTHONPATH (no .pth files, so no editable finder).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bitext", "glossary", "translate", "documents", "koen")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    prefix = tmp_path_factory.mktemp("installed") / "venv"
    venv.EnvBuilder(with_pip=False).create(prefix)
    python = prefix / "bin" / "python"
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path("
                                "'purelib'))"], capture_output=True, text=True,
                               check=True).stdout.strip())
    for package in PACKAGES:
        shutil.copytree(ROOT / package, site / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    glossary = prefix / "share" / "koen-terminology" / "glossary"
    glossary.mkdir(parents=True)
    (glossary / "installed.yaml").write_text(
        "terms:\n  - source: 사이니지\n    target: signage\n", encoding="utf-8")
    return prefix


def run_installed(prefix: Path, code: str, cwd: Path) -> subprocess.CompletedProcess:
    deps = sysconfig.get_path("purelib")
    return subprocess.run([prefix / "bin" / "python", "-c", code], capture_output=True,
                          text=True, cwd=cwd, timeout=120,
                          env={**os.environ, "PYTHONPATH": deps, "XDG_DATA_HOME": str(cwd)})


def test_glossary_check_defaults_to_the_installed_glossary(installed, tmp_path):
    pair = tmp_path / "pair.tsv"
    pair.write_text("사이니지를 설치했다.\tWe installed signboards.\n", encoding="utf-8")
    done = run_installed(installed, "import sys; from koen.glossary_cli import main; "
                         f"sys.exit(main(['check', '--no-qa', '--json', {str(pair)!r}]))",
                         tmp_path)
    assert done.returncode == 1, done.stderr          # the installed term was missed
    assert '"signage"' in done.stdout and "missed" in done.stdout


def test_list_models_in_an_installed_copy(installed, tmp_path):
    done = run_installed(installed, "import sys; from koen.cli import main; "
                         "sys.exit(main(['--list-models']))", tmp_path)
    assert done.returncode == 0, done.stderr
    rows = done.stdout.splitlines()
    assert not any("site-packages" in row for row in rows)
    assert [row.split()[0] for row in rows] == ["fallback", "fallback"]   # none exists
    assert rows[0].split()[1] == str(installed / "share/koen-terminology/models/ko-en-small")


def test_list_models_marks_only_the_chosen_row(tiny_model, monkeypatch, capsys):
    from koen.cli import main
    monkeypatch.delenv("KOEN_MODEL", raising=False)
    assert main(["--list-models"]) == 0
    labels = [row.split()[0] for row in capsys.readouterr().out.splitlines()]
    bundled = (ROOT / "resources/models/ko-en-small/model.bin").exists()
    assert labels.count("default") == (1 if bundled else 0)
    assert main(["--list-models", "--model", str(tiny_model)]) == 0
    labels = [row.split()[0] for row in capsys.readouterr().out.splitlines()]
    assert labels[0] == "--model" and set(labels[1:]) == {"unused"}
