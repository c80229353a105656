"""The held-out press-release set, its glossary and the matcher agree on every row, and the
dev rows' human references pass the segment QA checks (a check that flags a careful human
translation is a false positive). The heldout rows are only measured (benchmarks/bench_qa.py),
never used as a test the checks are tuned against."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bitext.qa import check_pair
from glossary import TermMatcher, load_glossary

ROOT = Path(__file__).resolve().parents[1]
TSV = ROOT / "resources" / "termtest" / "press-heldout.tsv"
GLOSSARY = ROOT / "resources" / "termtest" / "press-glossary.yaml"


def _rows() -> list[dict[str, str]]:
    with TSV.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


ROWS = _rows()


@pytest.fixture(scope="module")
def glossary():
    return load_glossary(GLOSSARY)


def test_split_and_shape() -> None:
    ids = [r["id"] for r in ROWS]
    assert len(ids) == len(set(ids)) == 120
    assert [i for i in ids if i.startswith("d")] == [f"d{n:02d}" for n in range(1, 41)]
    assert [i for i in ids if i.startswith("h")] == [f"h{n:02d}" for n in range(1, 81)]
    assert all(r["source"].strip() and r["reference"].strip() for r in ROWS)


@pytest.mark.parametrize("row", [pytest.param(r, id=r["id"]) for r in ROWS])
def test_terms_found_and_rendered(glossary, row: dict) -> None:
    matches = TermMatcher(glossary).find(row["source"])
    applied = [m.term.source for m in matches if m.applies]
    assert applied == [t for t in row["expected_terms"].split(";") if t]
    targets = {t.source: t.target.lower() for t in glossary}
    for term in set(applied):
        assert row["reference"].lower().count(targets[term]) >= applied.count(term)


@pytest.mark.parametrize("row", [pytest.param(r, id=r["id"]) for r in ROWS
                                 if r["id"].startswith("d")])
def test_dev_references_pass_qa(row: dict) -> None:
    assert check_pair(row["source"], row["reference"]) == []
