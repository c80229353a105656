"""The house imports downward only: bitext → glossary → translate → documents → koen.

Checked on the source (every ``import``/``from`` statement, also those inside functions), so
a lazy import cannot hide an upward dependency.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FLOORS = ["bitext", "glossary", "translate", "documents", "koen"]


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("floor", FLOORS)
def test_floor_imports_only_downward(floor):
    above = set(FLOORS[FLOORS.index(floor) + 1:])
    offenders = []
    for path in sorted((ROOT / floor).rglob("*.py")):
        bad = imported_packages(path) & above
        if bad:
            offenders.append(f"{path.relative_to(ROOT)} imports {', '.join(sorted(bad))}")
    assert not offenders, "upward imports:\n" + "\n".join(offenders)


def test_every_floor_exists():
    for floor in FLOORS:
        assert (ROOT / floor / "__init__.py").is_file(), floor
