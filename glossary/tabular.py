"""CSV/TSV glossaries in the shapes machine-translation services accept, and back.

Flavors (every source spelling becomes its own row, so variants keep working there):

* ``deepl``: two columns ``source,target``, no header (DeepL glossary CSV or TSV).
* ``google``: the same two columns, no header: Cloud Translation's unidirectional glossary
  ("the first row is data, not column names").
* ``amazon``: a header row of language codes ``ko,en`` then the rows (Amazon Translate
  custom terminology).
* ``google-sets``: Cloud Translation's equivalent-term-sets CSV: a header ``ko,en,pos,
  description`` (language codes, then the two optional columns it documents), one row per
  spelling, the term's note as its description.

The vendor flavors have no place for context rules: an entry with ``context:`` goes out
unconditionally (``전장,vehicle components`` would apply to war reports too), so each such
entry is reported as a warning.  Entries over a vendor's documented limit are refused, since
the service would refuse the whole upload: DeepL allows 1,024 UTF-8 bytes per source or
target text, Amazon Translate 200 bytes per source or target term.
* ``full`` (default): this project's own columns
  ``source,target,variants,forbidden,note,compounds`` with list items joined by ``|``; the
  tabular form that keeps notes, forbidden renderings and ``compounds: false`` (written
  ``false``; empty is the default, true).  Context rules and examples exist only in YAML and
  TBX (the lossless form).  Files without the last column are read as before.

Import reads any of them: a ``source,target,…`` header means ``full``, a header of two
language codes means ``amazon`` (with ``pos``/``description`` after them, ``google-sets``),
otherwise two-column rows.  Two-column rows that share a
target become one term whose first spelling is the source and the rest its variants (that is
how the export wrote variants).  A row with a different number of columns than the first is
an error naming its line.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path

from bitext.errors import InputError
from bitext.files import read_text
from glossary.model import Term, nfc

FLAVORS = ("full", "deepl", "google", "google-sets", "amazon")
VENDORS = ("deepl", "google", "google-sets", "amazon")
SET_EXTRAS = ("pos", "description")      # optional columns of an equivalent-term-sets CSV
BYTE_LIMITS = {"deepl": 1024, "amazon": 200}   # per source or target text, UTF-8 bytes
FULL_HEADER = ("source", "target", "variants", "forbidden", "note", "compounds")
FLAGS = {"": True, "true": True, "yes": True, "false": False, "no": False}
LIST_SEP = "|"


def _dialect(delimiter: str) -> dict:
    return {"delimiter": delimiter, "lineterminator": "\n",
            "quoting": csv.QUOTE_MINIMAL if delimiter == "," else csv.QUOTE_NONE,
            **({} if delimiter == "," else {"escapechar": None, "quotechar": None})}


def _plain(cell: str, what: str, delimiter: str) -> str:
    """TSV has no quoting: a tab or newline inside a cell would silently shift columns."""
    if delimiter == "\t" and ("\t" in cell or "\n" in cell or "\r" in cell):
        raise InputError(f"{what} {cell!r} contains a tab or line break; TSV cannot hold it "
                         "(export CSV instead)")
    return cell


def rows_for(terms: Iterable[Term], flavor: str, source_lang: str = "ko",
             target_lang: str = "en") -> list[list[str]]:
    if flavor not in FLAVORS:
        raise InputError(f"unknown flavor {flavor!r} (choose from {', '.join(FLAVORS)})")
    terms = list(terms)
    if flavor == "full":
        return [list(FULL_HEADER)] + [
            [t.source, t.target, LIST_SEP.join(t.variants), LIST_SEP.join(t.forbidden),
             t.note or "", "" if t.compounds else "false"] for t in terms]
    if flavor == "google-sets":
        rows = [[source_lang, target_lang, *SET_EXTRAS]]
        for term in terms:
            rows += [[spelling, term.target, "", term.note or ""] for spelling in term.spellings]
        return rows
    rows = [[source_lang, target_lang]] if flavor == "amazon" else []
    for term in terms:
        rows += [[spelling, term.target] for spelling in term.spellings]
    return rows


def _where(term: Term) -> tuple[str | None, int | None]:
    return (term.origin.path, term.origin.line) if term.origin else (None, None)


def vendor_problems(terms: Iterable[Term], flavor: str) -> list[InputError]:
    """Warnings for what ``flavor`` cannot hold; raises for an entry over its byte limit."""
    if flavor not in VENDORS:
        return []
    warnings = []
    limit = BYTE_LIMITS.get(flavor, 0)
    for term in terms:
        path, line = _where(term)
        for text in (*term.spellings, term.target) if limit else ():
            size = len(text.encode("utf-8"))
            if size > limit:
                raise InputError(f"{text[:40]!r}… is {size} bytes; {flavor} allows {limit} "
                                 "UTF-8 bytes per term (shorten it or leave it out)", path, line)
        if term.context.when or term.context.unless:
            warnings.append(InputError(
                f"term {term.source!r} has context rules; the {flavor} glossary applies it "
                "unconditionally", path, line))
    return warnings


def _check_lists(terms: Iterable[Term]) -> None:
    for term in terms:
        for item in (*term.variants, *term.forbidden):
            if LIST_SEP in item:
                raise InputError(f"{item!r} (term {term.source!r}) contains {LIST_SEP!r}, the "
                                 "list separator of the full CSV form; export TBX instead")


def export_table(terms: list[Term], flavor: str = "full", delimiter: str = ",",
                 source_lang: str = "ko", target_lang: str = "en",
                 warnings: list[InputError] | None = None) -> str:
    """CSV/TSV text for ``terms`` in ``flavor``; refuses cells the format cannot hold and
    appends to ``warnings`` what the flavor drops (see module doc)."""
    if flavor == "full":
        _check_lists(terms)
    if flavor == "google-sets" and delimiter != ",":
        raise InputError("the google-sets flavor is CSV only (Cloud Translation reads "
                         "equivalent term sets from .csv)")
    problems = vendor_problems(terms, flavor)
    if warnings is not None:
        warnings.extend(problems)
    rows = rows_for(terms, flavor, source_lang, target_lang)
    for row in rows:
        for cell in row:
            _plain(cell, "cell", delimiter)
    out = io.StringIO()
    csv.writer(out, **_dialect(delimiter)).writerows(rows)
    return out.getvalue()


# --------------------------------------------------------------------------- import

def _is_lang_code(cell: str) -> bool:
    head = cell.strip().lower().replace("_", "-").split("-")[0]
    return 2 <= len(head) <= 3 and head.isalpha() and head.isascii()


def _rows(reader: Iterator[list[str]], name: str) -> Iterator[list[str]]:
    """The reader's rows; a malformed row is an error at its line, not a ``csv.Error``."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            raise InputError(f"malformed CSV: {e}", name,
                             getattr(reader, "line_num", None)) from None
        yield row


def _one_line_end(cell: str) -> str:
    """A line break inside a quoted cell, whatever the file's line ends, is ``\\n``."""
    return cell.replace("\r\n", "\n").replace("\r", "\n")


def read_table(path: str | Path, delimiter: str = ",") -> list[Term]:
    """Terms of a CSV/TSV glossary in any flavor (see module doc).

    Line ends may be LF, CRLF or bare CR (Excel's "CSV (Macintosh)"): the reader sees the
    text through universal newlines, as the csv module's documentation asks (``newline=""``).
    """
    name = str(path)
    text = read_text(path).text
    reader = csv.reader(io.StringIO(text, newline=""), **_dialect(delimiter))
    rows: list[tuple[int, list[str]]] = []
    expected = None
    for row in _rows(reader, name):
        if not any(cell.strip() for cell in row):
            continue
        if expected is None:
            expected = len(row)
        elif len(row) != expected:
            raise InputError(f"row has {len(row)} columns, expected {expected} "
                             "(like the first row)", name, reader.line_num)
        rows.append((reader.line_num, [nfc(_one_line_end(c).strip()) for c in row]))
    if not rows:
        raise InputError("no rows in this table", name)
    first = [c.lower() for c in rows[0][1]]
    if tuple(first[:2]) == FULL_HEADER[:2]:
        return _full_terms(rows[1:], first, name)
    if (expected or 0) > 2 and all(_is_lang_code(c) for c in first[:2]) \
            and set(first[2:]) <= set(SET_EXTRAS):
        return _set_terms(rows[1:], first, name)
    if expected != 2:
        raise InputError(f"{expected} columns: expected source,target (two columns) or a "
                         f"header row {','.join(FULL_HEADER)}", name, rows[0][0])
    if all(_is_lang_code(c) for c in first):
        rows = rows[1:]
    return _pair_terms(rows, name)


def _set_terms(rows: list[tuple[int, list[str]]], header: list[str], name: str) -> list[Term]:
    """An equivalent-term-sets CSV: the two language columns, the description as the note."""
    column = {h: i for i, h in enumerate(header)}
    terms = _pair_terms([(line, row[:2]) for line, row in rows], name)
    notes: dict[str, str] = {}
    for _, row in rows:
        if "description" in column and row[column["description"]]:
            notes.setdefault(row[1], row[column["description"]])
    return [Term(t.source, t.target, t.variants, note=notes.get(t.target)) for t in terms]


def _full_terms(rows: list[tuple[int, list[str]]], header: list[str], name: str) -> list[Term]:
    unknown = [h for h in header if h not in FULL_HEADER]
    if unknown:
        raise InputError(f"unknown column {unknown[0]!r} (known: {', '.join(FULL_HEADER)})",
                         name, 1)
    terms = []
    for line, row in rows:
        cells = dict(zip(header, row))
        if not cells.get("source") or not cells.get("target"):
            raise InputError("row without source or target", name, line)

        def split(key: str, cells: dict[str, str] = cells) -> tuple[str, ...]:
            return tuple(s.strip() for s in cells.get(key, "").split(LIST_SEP) if s.strip())

        compounds = FLAGS.get(cells.get("compounds", "").lower())
        if compounds is None:
            raise InputError(f"compounds is {cells['compounds']!r}: write true, false or "
                             "nothing", name, line)
        terms.append(Term(cells["source"], cells["target"], split("variants"),
                          split("forbidden"), cells.get("note") or None, compounds=compounds))
    return terms


def _pair_terms(rows: list[tuple[int, list[str]]], name: str) -> list[Term]:
    by_target: dict[str, list[str]] = {}
    for line, (source, target) in rows:
        if not source or not target:
            raise InputError("row without source or target", name, line)
        spellings = by_target.setdefault(target, [])
        if source not in spellings:
            spellings.append(source)
    return [Term(spellings[0], target, tuple(spellings[1:]))
            for target, spellings in by_target.items()]
