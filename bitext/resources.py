"""Where the project's data files are: a checkout's ``resources/``, or an installed copy's.

``pyproject.toml`` ships the bundled model, the curated glossary and the samples as data
files (``<prefix>/share/koen-terminology/…``); a checkout has them under ``resources/``.
Every default (the model, ``glossary check``'s glossary) is looked up here, in one order.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

DATA_DIR = "koen-terminology"   # share/<DATA_DIR>/ in a non-editable install


def source_checkout() -> Path | None:
    """The repository these packages run from, or None for an installed copy (whose parent
    folder is site-packages, where ``resources/`` never is)."""
    root = Path(__file__).resolve().parents[1]
    return root if (root / "pyproject.toml").is_file() else None


def data_locations(*parts: str) -> list[Path]:
    """``resources/<parts>`` of a checkout, then ``share/koen-terminology/<parts>`` under the
    installation prefix and under the user's data folder (``pip install --user``)."""
    repo = source_checkout()
    user = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return [*([repo.joinpath("resources", *parts)] if repo else []),
            Path(sys.prefix).joinpath("share", DATA_DIR, *parts),
            user.joinpath(DATA_DIR, *parts)]


__all__ = ["DATA_DIR", "data_locations", "source_checkout"]
