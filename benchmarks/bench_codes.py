"""Where inline codes land in the English: attention vs proportional placement.

``resources/codetest/placement.tsv`` holds Korean sentences with bold/italic/link markup and a
hand-written English reference with the markup where a translator would put it (see its
README). Each sentence goes through the document layer exactly as a file would
(``documents.translate_document``), except that the "translation" returned for it is the
reference, so both aligners are judged on the same English: the only difference is where
the codes go. The reference's glossary terms are found and checked as the pipeline does
(so term edges anchor codes, for both aligners alike).

Scores: a code end is right when it sits at the annotated character offset of the English;
a pair is right when both its ends are; a sentence when all its codes are.

    python benchmarks/bench_codes.py --model resources/models/ko-en-small
"""
from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import glossary, header, parser, setup, table  # noqa: E402
from bitext.records import AlignedSegment  # noqa: E402
from documents.model import Code, CodeKind, Content, Unit, UnitsDocument  # noqa: E402
from documents.translate_doc import ALIGNERS, translate_document  # noqa: E402
from glossary import TermMatcher, check_segment  # noqa: E402
from translate.engine import Engine  # noqa: E402
from translate.segment import Segment  # noqa: E402

SETS = ROOT / "resources" / "codetest"
_TAG = re.compile(r"<(/?)([abi])>|<x/>")


def parse(marked: str) -> Content:
    """``<b>…</b>``, ``<i>``, ``<a>`` pairs and ``<x/>`` as codes (id = the tag name)."""
    out: list[str | Code] = []
    at = 0
    for m in _TAG.finditer(marked):
        if m.start() > at:
            out.append(marked[at:m.start()])
        if m.group() == "<x/>":
            out.append(Code("x", CodeKind.ISOLATED, "<x/>"))
        else:
            kind = CodeKind.CLOSE if m.group(1) else CodeKind.OPEN
            out.append(Code(m.group(2), kind, m.group()))
        at = m.end()
    if at < len(marked):
        out.append(marked[at:])
    return tuple(out)


def positions(content: Content) -> dict[tuple[str, str], int]:
    """Character offset of each code end in the content's text."""
    at, out = 0, {}
    for part in content:
        if isinstance(part, Code):
            out[part.id, part.kind.value] = at
        else:
            at += len(part)
    return out


@dataclass
class ReferenceTranslator:
    """Returns the reference English for each sentence, with the glossary checked on it."""

    engine: Engine
    matcher: TermMatcher
    references: dict[str, str]

    def translate_segments(self, segments: Iterable[Segment]) -> Iterator[AlignedSegment]:
        for s in segments:
            english = self.references[s.source]
            records = check_segment(self.matcher.find(s.source), english)
            yield AlignedSegment(s.index, s.source, english, records, s.doc, s.paragraph,
                                 s.line, s.notes)



def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--set", default="placement.tsv",
                   help="file of resources/codetest/ (placement.tsv, placement-heldout.tsv)")
    p.add_argument("--own", action="store_true",
                   help="translate with the model and glossary instead, and print each "
                        "aligner's placement for a person to judge (no score)")
    args = p.parse_args()
    s = setup(args)
    path = SETS / args.set
    header("Inline-code placement", args, s, set=str(path.relative_to(ROOT)))
    rows = [line.split("\t") for line in path.read_text("utf-8").splitlines()[1:] if line]
    if args.own:
        own(args, s, rows)
        return
    sources = [parse(src) for src, _ in rows]
    expected = [parse(ref) for _, ref in rows]
    plain = {"".join(p for p in src if isinstance(p, str)).strip():
             "".join(p for p in ref if isinstance(p, str)) for src, ref in zip(sources, expected)}
    translator = ReferenceTranslator(s.engine(args.threads), TermMatcher(glossary(args.glossary)),
                                     plain)
    results = []
    for aligner in ALIGNERS:
        units = [Unit(str(i), src) for i, src in enumerate(sources, start=1)]
        translate_document(translator, UnitsDocument("set", units, []), aligner=aligner)
        ends = pairs = sentences = ends_total = pairs_total = warnings = 0
        misses = []
        for unit, want in zip(units, expected):
            got, ref = positions(unit.target or ()), positions(want)
            right = {k for k in ref if got.get(k) == ref[k]}
            ends += len(right)
            ends_total += len(ref)
            ids = {k[0] for k in ref if k[1] == "open"}
            pairs += sum((i, "open") in right and (i, "close") in right for i in ids)
            pairs_total += len(ids)
            sentences += len(right) == len(ref)
            warnings += len(unit.qa)
            if len(right) != len(ref):
                misses.append(_show(unit.target or ()))
        results.append((aligner, f"{ends}/{ends_total}", 100 * ends / ends_total,
                        f"{pairs}/{pairs_total}", 100 * pairs / max(1, pairs_total),
                        f"{sentences}/{len(units)}", 100 * sentences / len(units), warnings))
        print(f"\n{aligner}: misplaced in {len(misses)} sentences")
        for m in misses:
            print(f"  {m}")
    print()
    print(table(["aligner", "code ends", "%", "pairs", "%", "sentences", "%", "tags warnings"],
                results))


def own(args, s, rows: list[list[str]]) -> None:
    """The model's own English with the codes each aligner placed, side by side."""
    from translate.pipeline import Translator

    translator = Translator(s.engine(args.threads), glossary(args.glossary))
    shown = {}
    for aligner in ALIGNERS:
        units = [Unit(str(i), parse(src)) for i, (src, _) in enumerate(rows, start=1)]
        translate_document(translator, UnitsDocument("set", units, []), aligner=aligner)
        shown[aligner] = [_show(u.target or ()) for u in units]
    for i, (src, _) in enumerate(rows):
        print(src)
        for aligner in ALIGNERS:
            print(f"  {aligner:12} {shown[aligner][i]}")


def _show(content: Content) -> str:
    out = []
    for p in content:
        if isinstance(p, Code):
            out.append(p.data if p.kind is not CodeKind.CLOSE or p.data.startswith("</")
                       else f"</{p.id}>")
        else:
            out.append(p)
    return "".join(out)


if __name__ == "__main__":
    main()
