"""Help that says what a flag takes (``--threads N``), not the field it fills (``THREADS``).

argparse names a value after its destination, so ``--threads THREADS`` and ``--lr LR`` tell a
newcomer nothing.  :func:`plain_metavars` walks a finished parser, sub-commands included,
and gives every value-taking option without its own metavar or choices a name from its type
(``N`` for whole numbers, ``X`` for decimals, ``PATH`` for paths) or from :data:`BY_NAME`.
"""
from __future__ import annotations

import argparse
from pathlib import Path

BY_NAME = {
    "output": "FILE", "glossary": "PATH", "model": "PATH", "strategies": "LIST",
    "device": "cpu|cuda|auto", "address": "URL", "format": "LIST", "source_lang": "CODE",
    "target_lang": "CODE", "sources": "LIST", "dev": "PATH", "test": "PATH",
}


def _metavar(action: argparse.Action) -> str | None:
    if action.type is int:
        return "N"
    if action.type is float:
        return "X"
    if action.type is Path:
        return "PATH"
    return BY_NAME.get(action.dest)


def plain_metavars(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Set metavars in place (see module doc); returns ``parser`` for chaining."""
    for action in parser._actions:            # argparse has no public walk over actions
        if isinstance(action, argparse._SubParsersAction):
            for sub in set(action.choices.values()):
                plain_metavars(sub)
            continue
        if (action.option_strings and action.metavar is None and action.choices is None
                and action.nargs != 0):
            action.metavar = _metavar(action)
    return parser


__all__ = ["BY_NAME", "plain_metavars"]
