"""Which format module reads a file: discovered, not registered.

Every module in ``documents/formats/`` that exports ``EXTENSIONS`` and ``read`` is a format
(found with :mod:`pkgutil`), so a new format is one new file. The format is the one the user
names (``--input-format``, a module's name) or the one the extension implies. Files this
toolkit cannot read yet, and zipped CAT packages whose XLIFF files it can read once
unpacked, get a one-line error that says what to do instead of a parse failure.
"""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from pathlib import Path
from types import ModuleType

from bitext.errors import InputError
from documents import formats
from documents.model import Document, DocumentOptions

NOT_YET = {".doc": "Word 97-2003 (.doc)", ".odt": "OpenDocument text (.odt)",
           ".pptx": "PowerPoint (.pptx)", ".xlsx": "Excel (.xlsx)", ".pdf": "PDF"}
PACKAGES = {".sdlppx": "Trados project package", ".sdlrpx": "Trados return package",
            ".mqxlz": "memoQ XLIFF package"}


@lru_cache(maxsize=1)
def available() -> dict[str, ModuleType]:
    """Format name → module, for every module of ``documents/formats/`` with a ``read``."""
    found: dict[str, ModuleType] = {}
    for info in sorted(pkgutil.iter_modules(formats.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{formats.__name__}.{info.name}")
        if hasattr(module, "EXTENSIONS") and hasattr(module, "read"):
            found[info.name] = module
    return found


def extensions() -> dict[str, str]:
    """Extension (lower-case, with the dot) → format name."""
    table: dict[str, str] = {}
    for name, module in available().items():
        for ext in module.EXTENSIONS:
            table.setdefault(ext.lower(), name)
    return table


def format_of(name: str, input_format: str | None = None) -> str:
    """The format to read ``name`` with, or a one-line InputError saying why there is none."""
    known = available()
    if input_format:
        fmt = input_format.lower().lstrip(".")
        if fmt in known:
            return fmt
        by_ext = extensions().get("." + fmt)
        if by_ext:
            return by_ext
        raise InputError(f"unknown input format {input_format!r} (choose from "
                         f"{', '.join(sorted(known))})", name)
    suffix = Path(name).suffix.lower()
    if suffix in PACKAGES:
        raise InputError(f"a zipped {PACKAGES[suffix]} ({suffix}): unpack it first and "
                         "translate the XLIFF files inside", name)
    if suffix in NOT_YET:
        raise InputError(f"{NOT_YET[suffix]} files are not supported yet (supported: "
                         f"{supported()})", name)
    found = extensions().get(suffix)
    if found is None:
        what = f"extension {suffix!r}" if suffix else "a name without an extension"
        raise InputError(f"cannot tell the document format from {what} (supported: "
                         f"{supported()}; or name one with --input-format)", name)
    return found


def supported() -> str:
    return " ".join(sorted(extensions()))


def is_document(name: str, input_format: str | None = None) -> bool:
    """True when ``name`` (or the named format) is a document this layer reads."""
    if input_format:
        return True
    return Path(name).suffix.lower() in extensions()


def read_document(data: bytes, name: str, input_format: str | None = None,
                  options: DocumentOptions | None = None) -> Document:
    """Read a file's bytes into a :class:`~documents.model.Document` with its format module."""
    module = available()[format_of(name, input_format)]
    if not data.strip():
        raise InputError("input is empty", name)
    return module.read(data, name, options or DocumentOptions())
