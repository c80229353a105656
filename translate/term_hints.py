"""The one definition of how term hints are laid out in a model's source tokens.

Models trained with term hints (ko-en-small, ``python -m translate.train``) read
``source pieces + [sep] + hint 1 pieces + [sep] + hint 2 pieces … + ["</s>"]``. Training writes
this layout and the engine reads translations with it; if the two drifted apart, a model would
be fed hints in a form it never saw, and nothing would fail, it would just ignore them. Both
sides therefore call :func:`hinted_source`.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T", str, int)  # pieces (the engine) or vocabulary ids (training batches)


def hinted_source(pieces: Sequence[T], hints: Sequence[Sequence[T]], separator: T | None,
                  eos: T | None) -> list[T]:
    """``pieces``, then ``separator`` + pieces per hint, then ``eos`` when not None.

    Without a separator (a model not trained with hints) the hints are left out.
    """
    tokens = list(pieces)
    if separator is not None:
        for hint in hints:
            tokens.append(separator)
            tokens.extend(hint)
    if eos is not None:
        tokens.append(eos)
    return tokens
