"""What the document layer costs: the same sentences as plain text and as a document.

The term test set's sentences are translated twice with one engine, interleaved, median of
``--repeats`` runs after a warm-up: (1) plain, through ``Translator.translate_segments``
(what ``translate file.txt`` does); (2) as one document whose units are those sentences,
every other one with a bold pair around its second word and a ``{name}`` placeholder,
through ``documents.translate_document`` (masking, splitting, the forced-decoding pass that
returns attention for the sentences with codes, placement, render). Goal: ≤ 1.15×.

    python benchmarks/bench_doc_overhead.py --model resources/models/ko-en-small --n 60
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import glossary, header, load_termtest, median, parser, setup, table  # noqa: E402
from documents.model import Code, CodeKind, Content, Unit, UnitsDocument  # noqa: E402
from documents.translate_doc import translate_document  # noqa: E402
from translate.options import DecodeOptions  # noqa: E402
from translate.pipeline import Translator  # noqa: E402
from translate.segment import Segment  # noqa: E402


def marked(sentence: str, k: int) -> Content:
    words = sentence.split(" ")
    if k % 2 or len(words) < 3:
        return (sentence,)
    return (words[0] + " ", Code("b", CodeKind.OPEN, "<b>"), words[1],
            Code("b", CodeKind.CLOSE, "</b>"), " {name} " + " ".join(words[2:]))


def main() -> None:
    p = parser(__doc__.splitlines()[0], n=60)
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args()
    s = setup(args)
    header("Document layer overhead", args, s, n=args.n, repeats=args.repeats)
    sentences = [r["source"] for r in load_termtest()][:args.n]
    translator = Translator(s.engine(args.threads), glossary(args.glossary),
                            options=DecodeOptions(beam_size=args.beam,
                                                  max_batch_size=args.batch))

    def plain() -> None:
        segments = [Segment(i, x, i, i) for i, x in enumerate(sentences, start=1)]
        list(translator.translate_segments(segments))

    def document() -> None:
        units = [Unit(str(k), marked(x, k), line=k) for k, x in enumerate(sentences)]
        translate_document(translator, UnitsDocument("bench", units, []))

    plain()
    document()                                          # warm-up: Kiwi, caches
    times: dict[str, list[float]] = {"plain": [], "document": []}
    for _ in range(args.repeats):
        for name, fn in (("plain", plain), ("document", document)):
            started = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - started)
    base = median(times["plain"])
    rows = [(name, len(sentences), median(t), len(sentences) / median(t), median(t) / base)
            for name, t in times.items()]
    print(table(["run", "sentences", "seconds (median)", "sentences/s", "× plain"], rows, 2))


if __name__ == "__main__":
    main()
