"""Placeholders seen by the engine as stand-ins vs cut out of the text: the sentence around them.

``resources/codetest/placeholders.tsv`` holds Korean app/PO strings with placeholders
(``{name}``, ``%d``, ``{{count}}``, ``%(user)s``, URLs, paths, e-mail addresses, an isolated
``<x/>``) and an English reference written by hand. Each sentence goes through the document
layer as a file's unit would (``documents.translate_document``), once with stand-ins
(the default) and once the older way (every placeholder cut out and placed by attention).

Scores per mode:
- kept once: every placeholder of the source is in the English exactly once;
- position: a placeholder is placed right when the word (or punctuation, or sentence edge)
  right before it, or the one right after it, is the same as in the reference (first four
  letters, case-insensitive); "both" asks for both neighbours. A coarse judge, since the
  model's English is not the reference's: read the printed sentences before trusting it;
- chrF of the unit's English (placeholders included) against the reference (sacrebleu);
- stand-ins: kept by the engine, forced (dropped, then enforced through a target prefix),
  lost (enforcement could not keep it; placed by alignment instead);
- stand-in leaks: ``XA``…/``1234``… in the English that the source did not have (must be 0).

    python benchmarks/bench_placeholders.py --model resources/models/ko-en-small --threads 1
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sacrebleu.metrics import CHRF  # noqa: E402

from benchmarks.bench_codes import parse  # noqa: E402
from benchmarks.common import glossary, header, parser, setup, table  # noqa: E402
from documents import standins  # noqa: E402
from documents.model import (  # noqa: E402
    Code,
    Content,
    Unit,
    UnitsDocument,  # noqa: E402
)
from documents.placeholders import mask  # noqa: E402
from documents.translate_doc import translate_document  # noqa: E402
from translate.pipeline import Translator  # noqa: E402

SET = ROOT / "resources" / "codetest" / "placeholders.tsv"
_TOKEN = re.compile(r"\w+|[^\w\s]")
_STANDIN = re.compile("|".join([r"(?<![A-Z])(?:" + "|".join(standins.WORDS) + r")",
                                *standins.NUMBERS]))


def flat(content: Content) -> str:
    return "".join(p.data if isinstance(p, Code) else p for p in content)


def placeholders(content: Content) -> list[str]:
    """The placeholders of a source (what the layer masks), and its isolated codes."""
    return [p.data for p in mask(content).content if isinstance(p, Code)]


def neighbours(text: str, ph: str) -> tuple[str, str] | None:
    at = text.find(ph)
    if at < 0:
        return None
    before = _TOKEN.findall(text[:at])
    after = _TOKEN.findall(text[at + len(ph):])
    return ((before[-1].lower()[:4] if before else "<s>"),
            (after[0].lower()[:4] if after else "</s>"))


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--set", type=Path, default=SET)
    p.add_argument("--quiet", action="store_true", help="print the table only")
    args = p.parse_args()
    s = setup(args)
    header("Placeholders: stand-ins vs masking", args, s, set=str(args.set))
    rows = [line.split("\t") for line in args.set.read_text("utf-8").splitlines()[1:] if line]
    sources = [parse(src) for src, _ in rows]
    refs = [ref for _, ref in rows]
    translator = Translator(s.engine(args.threads), glossary(args.glossary),
                            beam_size=args.beam, max_batch_size=args.batch)
    chrf = CHRF()
    results, shown = [], {}
    n_ph = sum(len(placeholders(src)) for src in sources)
    for mode, use in (("masked (before)", False), ("stand-ins (new)", True)):
        units = [Unit(str(i), src) for i, src in enumerate(sources, start=1)]
        result = translate_document(translator, UnitsDocument("set", units, []),
                                    use_standins=use)
        once = either = both = leaks = 0
        hyps = []
        for unit, src, ref in zip(units, sources, refs):
            english = flat(unit.target or ())
            hyps.append(english)
            leaks += sum(m not in flat(src) for m in _STANDIN.findall(english))
            for ph in placeholders(src):
                once += english.count(ph) == 1
                got, want = neighbours(english, ph), neighbours(ref, ph)
                if got is not None and want is not None:
                    either += got[0] == want[0] or got[1] == want[1]
                    both += got == want
        shown[mode] = hyps
        sentence_chrf = sum(chrf.sentence_score(h, [r]).score for h, r in zip(hyps, refs))
        tally = result.standins
        results.append((mode, f"{once}/{n_ph}", f"{100 * once / n_ph:.1f}",
                        f"{either}/{n_ph}", f"{100 * either / n_ph:.1f}",
                        f"{both}/{n_ph}", f"{sentence_chrf / len(refs):.1f}",
                        f"{chrf.corpus_score(hyps, [refs]).score:.1f}",
                        f"{tally.get('kept', 0)}/{tally.get('forced', 0)}/"
                        f"{tally.get('lost', 0)}" if use else "-", leaks))
    if not args.quiet:
        for i, (src, ref) in enumerate(rows):
            print(src)
            print(f"  reference        {ref}")
            for mode, hyps in shown.items():
                print(f"  {mode:16} {hyps[i]}")
        print()
    print(f"{len(rows)} sentences, {n_ph} placeholders and isolated codes\n")
    print(table(["mode", "kept once", "%", "position (a neighbour)", "%", "both neighbours",
                 "chrF (mean)", "chrF (corpus)", "stand-ins kept/forced/lost",
                 "stand-in leaks"], results))


if __name__ == "__main__":
    main()
