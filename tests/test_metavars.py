"""Every command's help names what a flag takes (``--threads N``), never ``--threads THREADS``
(issue 18, item 20)."""
from __future__ import annotations

import argparse

import pytest

from bitext.metavars import plain_metavars
from glossary.cli import build_parser as glossary_parser
from koen.cli import build_parser as translate_parser
from koen.glossary_cli import EXTRA
from translate.corpus.cli import build_parser as corpus_parser
from translate.train.cli import build_parser as train_parser

ALLOWED = {"NAME"}          # --name NAME: a model's name is what it takes


def options(parser: argparse.ArgumentParser, prefix: str = ""):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from options(sub, f"{prefix}{name} ")
        elif action.option_strings and action.nargs != 0 and action.choices is None:
            yield prefix + action.option_strings[-1], action


PARSERS = {"translate": translate_parser, "translate corpus": corpus_parser,
           "glossary": lambda: glossary_parser(EXTRA), "train": train_parser}


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_no_metavar_is_the_field_name(name):
    parser = PARSERS[name]()
    field_named = [f"{flag} {action.dest.upper()}" for flag, action in options(parser)
                   if (action.metavar or action.dest.upper()) == action.dest.upper()
                   and action.dest.upper() not in ALLOWED]
    assert field_named == []


def test_translate_help_shows_plain_words():
    usage = translate_parser().format_help()
    assert "--threads N" in usage and "--workers N" in usage and "THREADS" not in usage


def test_types_give_the_names():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int)
    parser.add_argument("--rate", type=float)
    parser.add_argument("--kind", choices=["a", "b"])
    parser.add_argument("--label", metavar="TEXT")
    help_text = plain_metavars(parser).format_help()
    assert "--count N" in help_text and "--rate X" in help_text
    assert "--kind {a,b}" in help_text and "--label TEXT" in help_text
