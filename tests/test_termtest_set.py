"""The shipped term test set and the matcher agree on every row.

Why: ``benchmarks/bench_terms.py`` scores translations against what the matcher finds; if the
set's expectations and the matcher drift apart, the benchmark silently measures the wrong
thing. Checking every row also gives the matcher ~100 realistic cases (particles, spacing,
context traps, word-inside-word traps) for free.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from glossary import TermMatcher, load_glossary

ROOT = Path(__file__).resolve().parents[1]
TSV = ROOT / "resources" / "termtest" / "ko-en-terms.tsv"
GLOSSARY = ROOT / "resources" / "glossary"

def _rows() -> list[dict[str, str]]:
    with TSV.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def _split(cell: str | None) -> list[str]:
    return [t for t in (cell or "").split(";") if t]


ROWS = _rows()


@pytest.fixture(scope="module")
def matcher() -> TermMatcher:
    return TermMatcher(load_glossary(GLOSSARY))


def test_set_is_well_formed() -> None:
    glossary = {t.source for t in load_glossary(GLOSSARY)}
    ids = [r["id"] for r in ROWS]
    assert len(ids) == len(set(ids)), "duplicate ids"
    assert 80 <= len(ROWS) <= 140
    for row in ROWS:
        assert row["source"].strip(), row["id"]
        for term in _split(row["expected_terms"]) + _split(row["expected_skipped"]):
            assert term in glossary, f"{row['id']}: {term!r} is not a glossary headword"
    categories = {r["id"][0] for r in ROWS}
    assert categories >= {"p", "s", "m", "r", "b", "w", "c", "v"}


@pytest.mark.parametrize("row", [pytest.param(r, id=r["id"]) for r in ROWS])
def test_matcher_finds_exactly_the_expected_terms(matcher: TermMatcher, row: dict) -> None:
    matches = matcher.find(row["source"])
    applied = [m.term.source for m in matches if m.applies]
    skipped = [m.term.source for m in matches if not m.applies]
    assert applied == _split(row["expected_terms"])
    assert skipped == _split(row["expected_skipped"])


def test_compound_and_inflection_rows_need_morphology() -> None:
    """Every c/v row is one the automaton and particle rule alone get wrong (the old matcher):
    the rows test what Kiwi adds, not what already worked."""
    old = TermMatcher(load_glossary(GLOSSARY), morphology=False)
    rows = [r for r in ROWS if r["id"][0] in "cv"]
    assert len(rows) >= 20
    for row in rows:
        applied = [m.term.source for m in old.find(row["source"]) if m.applies]
        assert applied != _split(row["expected_terms"]), row["id"]
