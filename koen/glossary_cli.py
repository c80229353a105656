"""The installed ``glossary`` script: glossary.cli plus the subcommands that need an engine.

``glossary`` must not import ``translate``, so ``glossary test`` is added here through
``glossary.cli.main``'s ``extra`` hook; ``python -m glossary.cli`` works without it.
"""
from __future__ import annotations

import sys
from collections.abc import Sequence

from glossary.cli import main as glossary_main
from translate import examples

EXTRA = (examples.register,)


def main(argv: Sequence[str] | None = None) -> int:
    return glossary_main(argv, extra=EXTRA)


if __name__ == "__main__":
    sys.exit(main())
