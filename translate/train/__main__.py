"""``python -m translate.train``: see cli.py."""

import sys

from .cli import main

sys.exit(main())
