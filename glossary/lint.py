"""Problems a reviewer should not have to spot by eye in a glossary pull request.

Codes (stable, so CI logs and suppressions can name them):

====  ==========================================================================
G001  schema: the loader refuses the entry or file (its own message; validation is
      never duplicated here, every entry is passed through ``glossary.load.parse_term``)
G002  duplicate: two entries with the same headword and the same target
G003  conflict: the same headword with different targets (matching would be ambiguous)
G004  a variant equal to another term's source or variant (spacing/case-insensitively)
G005  the target is listed in (or found by) its own ``forbidden``: every correct
      translation would be reported forbidden-present
G006  context that cannot hold: a ``when`` word that contains an ``unless`` word (its
      presence always blocks the term), or an ``unless`` word inside the term's own spelling
      (the term can never apply when written that way)
G007  text not in Unicode NFC (Korean typed on macOS is often NFD; it never matches)
G008  stray whitespace: leading/trailing spaces, double spaces or tabs in a value, or
      trailing whitespace at the end of a line
G009  an item repeated within one list (variants, forbidden, context words)
G010  hint (``glossary lint --morph``): Kiwi reads a spelling as more than one word
      (전장치 = 전/MM 장치/NNG), so the matcher finds it on its own and before particles but
      its compounds, suffixes or inflections may be missed; hints are printed but do not
      fail ``glossary lint``. Asked for, because Kiwi costs 2–3 s to load and warm up, more
      than all other checks together: a CI job or a pre-commit hook lints in a fraction of
      a second without it
====  ==========================================================================

Lint reads the raw file as well as the parsed terms: the loader strips and normalises,
which is right for matching but would hide exactly the G007/G008 problems.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from glossary.check import find_rendering
from glossary.load import KEY_LINES, LINE, glossary_files, parse_file, parse_term, read_yaml
from glossary.model import GlossaryError, Term, match_key
from glossary.morph import describe, not_one_word

CODES = {
    "G001": "schema", "G002": "duplicate", "G003": "conflict", "G004": "variant-collision",
    "G005": "target-forbidden", "G006": "context-contradiction", "G007": "not-nfc",
    "G008": "whitespace", "G009": "repeated-item", "G010": "not-one-word",
}
HINTS = frozenset({"G010"})  # advice, not an error: reported, exit status unaffected
_STRAY = re.compile(r"^\s|\s$| {2}|\t")


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.code}: {self.message}"

    def to_dict(self) -> dict:
        return {**asdict(self), "name": CODES[self.code],
                "severity": "hint" if self.code in HINTS else "error"}


def _error(e: GlossaryError, path: str) -> Problem:
    return Problem(e.path or path, e.line or 1, "G001", e.message)


def _parse_terms(path: Path, data: Any) -> tuple[list[Term], list[Problem]]:
    """Every valid term of a file plus one G001 per invalid entry (not just the first)."""
    try:
        return parse_file(path), []
    except GlossaryError as first:
        problems = [_error(first, str(path))]
    entries = data.get("terms") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return [], problems
    terms = []
    line = data.get(KEY_LINES, {}).get("terms", 1)
    for entry in entries:
        try:
            terms.append(parse_term(entry, str(path), line))
        except GlossaryError as e:
            problem = _error(e, str(path))
            if problem not in problems:
                problems.append(problem)
    return terms, problems


def _raw_text_problems(path: str, text: str) -> Iterable[Problem]:
    for number, line in enumerate(text.splitlines(), start=1):
        if unicodedata.normalize("NFC", line) != line:
            yield Problem(path, number, "G007", "text is not NFC-normalised (re-save as NFC)")
        if line != line.rstrip():
            yield Problem(path, number, "G008", "trailing whitespace at end of line")


def _raw_value_problems(path: str, node: Any, where: str = "", line: int = 1
                        ) -> Iterable[Problem]:
    """Whitespace in the values as written (before the loader strips them)."""
    if isinstance(node, dict):
        here = node.get(LINE, line)
        key_lines = node.get(KEY_LINES, {})
        for key, value in node.items():
            if key in (LINE, KEY_LINES):
                continue
            yield from _raw_value_problems(path, value, f"{where}.{key}".strip("."),
                                           key_lines.get(key, here))
    elif isinstance(node, list):
        for item in node:
            yield from _raw_value_problems(path, item, where, line)
    elif isinstance(node, str) and "\n" not in node.strip() and _STRAY.search(node):
        yield Problem(path, line, "G008",
                      f"stray whitespace in {where or 'value'} {node!r} (leading/trailing, "
                      "double space or tab)")


def _term_problems(term: Term, morph: bool = False) -> Iterable[Problem]:
    assert term.origin is not None, "lint reads terms from files, which set their origin"
    path, line = term.origin.path, term.origin.line
    for name in ("variants", "forbidden"):
        yield from _repeats(path, line, name, getattr(term, name))
    yield from _repeats(path, line, "context words", term.context.words)
    for bad in term.forbidden:
        if find_rendering(bad, term.target):
            yield Problem(path, line, "G005",
                          f"target {term.target!r} of {term.source!r} is matched by its own "
                          f"forbidden rendering {bad!r}")
    unless = [match_key(u) for u in term.context.unless]
    for word in term.context.when:
        blocker = next((u for u in term.context.unless if match_key(u) in match_key(word)), None)
        if blocker:
            yield Problem(path, line, "G006",
                          f"context word {word!r} is in `when` but contains the `unless` word "
                          f"{blocker!r}: it can never let {term.source!r} apply")
    for spelling in term.spellings:
        pieces = not_one_word(spelling) if morph else None
        if pieces:
            yield Problem(path, line, "G010",
                          f"hint: Kiwi reads {spelling!r} as more than one word "
                          f"({describe(pieces)}); it is found on its own and before particles, "
                          "but its compounds, suffixes or inflections may be missed")
        blocker = next((u for u, k in zip(term.context.unless, unless) if k in match_key(spelling)),
                       None)
        if blocker:
            yield Problem(path, line, "G006",
                          f"`unless` word {blocker!r} occurs in the spelling {spelling!r} itself: "
                          "the term never applies when written that way")


def _repeats(path: str, line: int, what: str, items: Iterable[str]) -> Iterable[Problem]:
    seen: set[str] = set()
    for item in items:
        key = item.casefold()  # exact repeats only: respaced variants document spellings
        if key in seen:
            yield Problem(path, line, "G009", f"{item!r} is listed twice in {what}")
        seen.add(key)


def _collisions(terms: list[Term]) -> Iterable[Problem]:
    """Spellings claimed by two entries, across all files: G002/G003 for headwords, else G004."""
    owner: dict[str, tuple[Term, bool]] = {}
    for term in terms:
        claimed: set[str] = set()
        for index, spelling in enumerate(term.spellings):
            key = match_key(spelling)
            if key in claimed:
                continue  # a variant that only respaces its own source: harmless
            claimed.add(key)
            headword = index == 0
            if key not in owner:
                owner[key] = (term, headword)
                continue
            other, other_headword = owner[key]
            where = f"{other.origin}"
            assert term.origin is not None, "lint reads terms from files"
            path, line = term.origin.path, term.origin.line
            if headword and other_headword:
                if other.target == term.target:
                    yield Problem(path, line, "G002",
                                  f"duplicate entry for {spelling!r} (also at {where})")
                else:
                    yield Problem(path, line, "G003",
                                  f"conflicting entries for {spelling!r}: {term.target!r} here, "
                                  f"{other.target!r} at {where}")
            else:
                yield Problem(path, line, "G004",
                              f"{spelling!r} ({'source' if headword else 'variant'} of "
                              f"{term.source!r}) is also a "
                              f"{'source' if other_headword else 'variant'} of {other.source!r} "
                              f"at {where}")


def lint_paths(paths: Iterable[str | Path], morph: bool = False) -> list[Problem]:
    """All problems in the given files/folders, sorted by file and line; ``morph`` adds the
    hints that need Kiwi's analysis of each spelling (G010)."""
    problems: list[Problem] = []
    terms: list[Term] = []
    for path in paths:
        for file in glossary_files(path):
            name = str(file)
            try:
                data = read_yaml(file)
            except GlossaryError as e:
                problems.append(_error(e, name))
                continue
            problems.extend(_raw_text_problems(name, file.read_text(encoding="utf-8")))
            problems.extend(_raw_value_problems(name, data))
            file_terms, schema = _parse_terms(file, data)
            problems.extend(schema)
            terms.extend(file_terms)
    for term in terms:
        problems.extend(_term_problems(term, morph))
    problems.extend(_collisions(terms))
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.code, p.message))
