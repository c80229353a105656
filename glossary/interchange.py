"""``glossary export`` / ``glossary import``: pick the format, keep the file's name, write
atomically.

The format modules (:mod:`glossary.tbx`, :mod:`glossary.tabular`) know their formats; this
one knows the YAML side (its ``name``/``description``) and the rule that an output file is
replaced whole or not at all.
"""
from __future__ import annotations

from pathlib import Path

from bitext.errors import InputError
from bitext.files import atomic_write
from glossary.fmt import dump_terms
from glossary.load import check_conflicts, glossary_files, load_glossary, read_yaml
from glossary.model import Term
from glossary.tabular import FLAVORS, export_table, read_table
from glossary.tbx import read_tbx, to_tbx

FORMATS = ("tbx", "csv", "tsv")
DELIMITER = {"csv": ",", "tsv": "\t"}


def glossary_meta(path: str | Path) -> tuple[str | None, str | None]:
    """``name`` and ``description`` of a single glossary file (None for a merged folder)."""
    files = glossary_files(path)
    if len(files) != 1:
        return None, None
    data = read_yaml(files[0])
    if not isinstance(data, dict):
        return None, None
    return data.get("name"), data.get("description")


def export_glossary(path: str | Path, to: str, out: str | Path, flavor: str | None = None,
                    source_lang: str = "ko", target_lang: str = "en",
                    warnings: list[InputError] | None = None) -> int:
    """Write the glossary at ``path`` as ``to``; returns the number of terms written.

    What the chosen form drops (context rules in a vendor CSV) is appended to ``warnings``.
    """
    if to not in FORMATS:
        raise InputError(f"unknown export format {to!r} (choose from {', '.join(FORMATS)})")
    glossary = load_glossary(path)
    if to == "tbx":
        if flavor not in (None, "full"):
            raise InputError("--flavor applies to csv/tsv only (TBX has one form)")
        name, description = glossary_meta(path)
        data: str | bytes = to_tbx(glossary.terms, name, description, source_lang, target_lang)
    else:
        data = export_table(glossary.terms, flavor or "full", DELIMITER[to], source_lang,
                            target_lang, warnings)
    atomic_write(out, data)
    return len(glossary)


def import_glossary(path: str | Path, from_: str, out: str | Path,
                    source_lang: str = "ko", target_lang: str = "en",
                    warnings: list[InputError] | None = None) -> list[Term]:
    """Read a TBX/CSV/TSV glossary and write it as canonical YAML; returns the terms.

    Entries skipped on the way (a TBX concept without one of the two languages) are appended
    to ``warnings``.

    The result is checked with the loader's own conflict rule before anything is written, so
    an import never produces a YAML file the loader would refuse.
    """
    if from_ not in FORMATS:
        raise InputError(f"unknown import format {from_!r} (choose from {', '.join(FORMATS)})")
    name = description = None
    if from_ == "tbx":
        terms, name, description = read_tbx(path, source_lang, target_lang, warnings)
    else:
        terms = read_table(path, DELIMITER[from_])
    check_conflicts(terms)
    atomic_write(out, dump_terms(terms, name, description))
    return terms


__all__ = ["DELIMITER", "FLAVORS", "FORMATS", "export_glossary", "glossary_meta",
           "import_glossary"]
