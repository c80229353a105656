"""Is ``import translate`` this project's package?  translate-toolkit ships one of that name.

Both distributions install a top-level ``translate`` package, and pip says nothing: installed
second, translate-toolkit either shadows this project's package (its folder comes first on
``sys.path``, so ``translate.pipeline`` is missing) or overwrites ``translate/__init__.py``
in the shared folder (so ``from translate import Translator`` fails).  The check lives here,
in ``koen/``, because translate-toolkit can overwrite ``translate/__init__.py`` but ships no
``koen``; it looks for a module only this project has (``translate/pipeline.py``) and for the
marker :data:`MARKER` that this project's ``translate/__init__.py`` defines.
"""
from __future__ import annotations

import importlib
import sys
from pathlib import Path

MARKER = "KOEN_TERMINOLOGY"
EXIT_BROKEN_INSTALL = 3
FIX = ("pip uninstall translate-toolkit (then pip install --force-reinstall koen-terminology), "
       "or install the commands apart with pipx install koen-terminology")


def translate_package_problem() -> str | None:
    """One sentence saying what is wrong with ``import translate`` here, or None."""
    try:
        package = importlib.import_module("translate")
    except ImportError as e:
        return f"cannot import the 'translate' package ({e}); reinstall koen-terminology"
    folders = [Path(p) for p in getattr(package, "__path__", [])]
    # Looked up in the package's own folders: an editable install's finder would otherwise
    # supply translate.pipeline from the project even when another translate/ was imported.
    ours = any((folder / "pipeline.py").is_file() for folder in folders)
    where = getattr(package, "__file__", None) or ", ".join(map(str, folders))
    if not ours:
        return (f"'import translate' finds another package at {where} (translate-toolkit's?), "
                f"not koen-terminology's: both ship a top-level 'translate' package; {FIX}")
    if getattr(package, "__file__", None) is None:
        return (f"{where} has no __init__.py (removed by pip uninstall translate-toolkit, "
                "which shares the folder?): pip install --force-reinstall koen-terminology")
    if not getattr(package, MARKER, False):
        return (f"{where} is not koen-terminology's translate/__init__.py (translate-toolkit "
                f"installed over it?): both ship a top-level 'translate' package; {FIX}")
    return None


def exit_on_collision() -> None:
    """One line on stderr and exit 3 when the ``translate`` package is not this project's."""
    problem = translate_package_problem()
    if problem:
        print(f"koen-terminology: {problem}", file=sys.stderr)
        raise SystemExit(EXIT_BROKEN_INSTALL)
