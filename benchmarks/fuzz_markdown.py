"""Random Markdown made of markup pieces, read and written back by ``markdown_doc``.

Counts, per run: identity round trips that are not byte-equal (must be 0), exceptions other
than the documented front-matter error (0), blocks left untranslated because their markup
could not be placed (warnings), and skeletons (markdown-it's HTML tree, text left out) that
change once every Hangul run is replaced by English. Shortcodes are left out of the pieces:
the reader masks them as Hugo does, markdown-it on the raw file does not, so emphasis next to
one may parse differently in the two.

    python benchmarks/fuzz_markdown.py --seed 1 --n 3000
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from skeletons import markdown_skeleton  # noqa: E402
from test_markdown_doc import english  # noqa: E402

from bitext.errors import InputError  # noqa: E402
from documents.formats import markdown_doc  # noqa: E402
from documents.model import DocumentOptions  # noqa: E402

PIECES = ["가나", "다라 ", "*", "**", "_", "`", "[", "](x)", "![", "<b>", "</b>", "\n", "\n\n",
          "> ", "- ", "1. ", "  \n", "\\", "&amp;", "|", "\t", "# ", "~~", "<http://a>", " ",
          "---\n", "===\n", "    ", "[r]", "\n[r]: /u\n", '"', "(", ")"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--show", type=int, default=5, help="print this many changed skeletons")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    counts = {"inputs": 0, "not identical": 0, "exceptions": 0, "warned": 0, "skeleton": 0}
    for _ in range(args.n):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 25)))
        if not text.strip():
            continue
        counts["inputs"] += 1
        try:
            doc = markdown_doc.read(text.encode(), "fuzz.md", DocumentOptions())
        except InputError as e:
            if "front matter" not in str(e):
                counts["exceptions"] += 1
            continue
        counts["not identical"] += doc.render() != text.encode()
        counts["warned"] += bool(doc.warnings)
        out = english(doc, "EN")
        if markdown_skeleton(out) != markdown_skeleton(text):
            counts["skeleton"] += 1
            if counts["skeleton"] <= args.show:
                print(f"skeleton changed: {text!r} -> {out!r}")
    print(" | ".join(f"{k}: {v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
