"""Decoding options: their defaults live here once, and so do the command-line flags for them.

The library (:class:`translate.Translator`), ``translate``, ``translate corpus``, ``glossary
test`` and the benchmarks all take a :class:`DecodeOptions`, so a default changes in one place;
the flags are declared next to the fields they set (as CTranslate2's converters declare
their own arguments) so the CLIs cannot drift from the library.
"""
from __future__ import annotations

import argparse
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from translate.model_files import ENV_VAR
from translate.segment import MAX_CHARS

STRATEGIES = ("hint", "rerank", "splice", "prefix")
# Hints are opt-in: they make the model write about half of its terms itself, but the
# unhinted draft that guards against a hint cutting the sentence short doubles the first
# pass, and splicing into the model's own sentence measured as good (docs/notes/speed4.md).
DEFAULT_STRATEGIES = ("rerank", "splice", "prefix")

# field → (flag, help); the default in the help text is read from the dataclass
_FLAGS = {
    "beam_size": ("--beam", "beam size"),
    "num_hypotheses": ("--hypotheses", "alternatives ranked by terms met"),
    "max_batch_size": ("--batch", "max batch size"),
    "max_decoding_length": ("--max-length", "max target pieces per sentence"),
    "no_repeat_ngram_size": ("--no-repeat-ngram", "forbid repeating any N-gram of target "
                             "pieces; 0 = off"),
    "repetition_penalty": ("--repetition-penalty", "penalise pieces already written "
                           "(>1 penalises; 1 = off)"),
}


@dataclass(frozen=True)
class DecodeOptions:
    beam_size: int = 4
    num_hypotheses: int = 4          # alternatives ranked by terms met (rerank)
    max_batch_size: int = 32
    max_decoding_length: int = 256
    length_penalty: float = 1.0
    no_repeat_ngram_size: int = 3    # CTranslate2's loop controls: chosen on news dev (see
    repetition_penalty: float = 1.1  # docs/notes/trust.md), reported on news test
    strategies: tuple[str, ...] = DEFAULT_STRATEGIES

    def __post_init__(self) -> None:
        object.__setattr__(self, "strategies", tuple(self.strategies))
        unknown = sorted(set(self.strategies) - set(STRATEGIES))
        if unknown:
            raise ValueError(f"unknown strategies {unknown}; known: {', '.join(STRATEGIES)}")
        if self.no_repeat_ngram_size < 0 or self.repetition_penalty <= 0:
            raise ValueError("no_repeat_ngram_size must be >= 0 and repetition_penalty > 0")

    def repetition(self) -> dict[str, Any]:
        """The loop controls as CTranslate2 keywords (``translate_batch``/``generate_batch``)."""
        return {"no_repeat_ngram_size": self.no_repeat_ngram_size,
                "repetition_penalty": self.repetition_penalty}

    def replace(self, **changes: Any) -> DecodeOptions:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["strategies"] = list(self.strategies)
        return d

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        defaults = cls()
        for name, (flag, text) in _FLAGS.items():
            value = getattr(defaults, name)
            parser.add_argument(flag, dest=name, type=type(value), default=value,
                                metavar="X" if isinstance(value, float) else "N",
                                help=f"{text} (default {value})")
        parser.add_argument("--strategies", default=",".join(defaults.strategies),
                            help="enforcement steps, comma-separated "
                                 f"(default {','.join(defaults.strategies)})")

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> DecodeOptions:
        names = {f.name for f in fields(cls)} & set(vars(args))
        values = {n: getattr(args, n) for n in names}
        values["strategies"] = tuple(s for s in args.strategies.split(",") if s)
        return cls(**values)


def add_translation_arguments(parser: argparse.ArgumentParser) -> None:
    """Model, glossary, decoding and splitting flags shared by ``translate`` and its corpus."""
    parser.add_argument("-g", "--glossary", action="append", default=[],
                        help="glossary YAML file or folder (repeatable)")
    parser.add_argument("-m", "--model",
                        help=f"model directory or .argosmodel (default: ${ENV_VAR}, then the "
                             "bundled ko-en-small; see --list-models)")
    DecodeOptions.add_arguments(parser)
    parser.add_argument("--max-chars", type=int, default=MAX_CHARS,
                        help=f"split longer sentences (default {MAX_CHARS})")
