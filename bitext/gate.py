"""``--fail-on CODES``: which findings make a run exit 1, for every command that reports.

One place for the names, their parsing and the decision, because ``translate``, ``translate
corpus`` and ``glossary check`` must agree on them (a CI job moves between the three), and the
decision works on the report's JSON shape so the corpus command can gate on its ``terms.json``.
"""
from __future__ import annotations

import argparse
from collections.abc import Iterable, Mapping
from typing import Any

from bitext.errors import InputError
from bitext.qa.issue import ALL_CODES
from bitext.records import TermStatus

TERM_CODES = (TermStatus.MISSED.value, TermStatus.FORBIDDEN.value)
FAIL_ON_CODES = (*ALL_CODES, *TERM_CODES)
HELP = ("exit 1 when any segment has a finding with one of these codes (comma-separated): "
        f"QA codes {', '.join(ALL_CODES)} (at any severity, warnings too) and term statuses "
        f"{', '.join(TERM_CODES)}")


def parse_fail_on(text: str | None) -> frozenset[str]:
    """The codes in a ``--fail-on`` value; an unknown one is bad input (exit 2, one line)."""
    if not text:
        return frozenset()
    codes = [c.strip().lower() for c in text.split(",") if c.strip()]
    unknown = [c for c in codes if c not in FAIL_ON_CODES]
    if unknown or not codes:
        raise InputError(f"unknown code(s) {', '.join(unknown) or repr(text)}; choose from "
                         f"{', '.join(FAIL_ON_CODES)}", "--fail-on")
    return frozenset(codes)


def add_fail_on_argument(parser: argparse.ArgumentParser) -> None:
    """The option as every command declares it; the value is parsed by :func:`parse_fail_on`
    in the command (not as an argparse ``type``) so a typo is one line, not a usage dump."""
    parser.add_argument("--fail-on", metavar="CODES", default=None, help=HELP)


def failing(report: Mapping[str, Any], codes: Iterable[str]) -> dict[str, int]:
    """How many findings of each wanted code ``report`` (``TermReport.to_dict()`` or a corpus
    ``terms.json``) holds, for the codes that have any; empty means the gate passes."""
    qa = report.get("qa") or {}
    found = {}
    for code in sorted(codes, key=FAIL_ON_CODES.index):
        n = (report["status"].get(code, 0) if code in TERM_CODES
             else sum((qa.get(code) or {}).values()))
        if n:
            found[code] = n
    return found


def describe(found: Mapping[str, int]) -> str:
    """``--fail-on: 2 omission, 1 missed``: the one line a command prints when it exits 1."""
    return "--fail-on: " + ", ".join(f"{n} {code}" for code, n in found.items())
