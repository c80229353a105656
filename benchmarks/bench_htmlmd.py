"""HTML and Markdown documents, measured on real Korean files (tests/fixtures/htmlmd/).

Per format: the identity round trip (copy translator: Markdown byte-equal; HTML equal except
the charset label, since an EUC-KR page is written as UTF-8), then a real translation with the
model and glossary of at most ``--max-sentences`` sentences (units past the budget are KEPT),
reporting codes kept (every inline code of the source in the English exactly once), ``tags``
findings, structure equal (html5lib element tree of source and output, text left out;
Markdown: the tree of the HTML markdown-it renders), terms, and the time against plain text:
the same units' text, one line each, translated as a ``.txt`` document (goal: ≤ 1.15×; best
of ``--repeat`` alternating runs, since the machine may be shared). "read + write" is the
format module's own share: reading the file into units and writing it back.

    python benchmarks/bench_htmlmd.py --model resources/models/ko-en-small
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "tests"):
    if str(path) not in sys.path:          # run as `python benchmarks/x.py` from a checkout
        sys.path.insert(0, str(path))

from copyengine import CopyTranslator  # noqa: E402
from skeletons import html_skeleton, markdown_skeleton  # noqa: E402

from benchmarks.common import sentence_budget  # noqa: E402
from bitext.records import TermStatus  # noqa: E402
from documents import read_document, translate_document, translate_file  # noqa: E402
from documents.codes import missing_or_extra  # noqa: E402
from documents.formats._spans import Splicer  # noqa: E402
from documents.model import Code, UnitState, plain_text  # noqa: E402
from translate.pipeline import Translator  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "htmlmd"
FILES = {"html": ["httpd-ko-cgi_path.html", "httpd-ko-bind.html"],
         "markdown": ["k8s-ko-names.md", "k8s-ko-components.md"]}


def identity_ok(name: str, data: bytes) -> bool:
    doc = read_document(data, name)
    out = translate_document(CopyTranslator(), doc).data
    if doc.format == "markdown":
        return out == data
    expected = Splicer(doc.text, [(s, e, lambda: "utf-8") for s, e in doc.charset_spans])
    return out.decode("utf-8") == expected.render()


def skeleton(fmt: str, text: str) -> list[str]:
    return html_skeleton(text) if fmt == "html" else markdown_skeleton(text)



def measure(fmt: str, translator: Translator, left: int, repeat: int) -> tuple[dict, int]:
    row = {"files": 0, "identity": 0, "units": 0, "sentences": 0, "coded": 0, "codes_kept": 0,
           "tags": 0, "structure": 0, "applied": 0, "found": 0, "t_doc": 0.0, "t_plain": 0.0,
           "t_format": 0.0}
    for name in FILES[fmt]:
        if left <= 0:
            break
        data = (FIXTURES / name).read_bytes()
        row["files"] += 1
        row["identity"] += identity_ok(name, data)
        start = time.perf_counter()
        doc = read_document(data, name)
        row["t_format"] += time.perf_counter() - start
        used = sentence_budget(doc, left)
        left -= used
        filled = [u for u in doc.units if u.state is UnitState.FILL]
        plain = "\n".join(plain_text(u.source) for u in filled) + "\n"
        t_doc = t_plain = float("inf")
        for _ in range(repeat):            # alternating, best of each: the machine is shared
            for unit in filled:
                unit.target, unit.qa = None, []
            start = time.perf_counter()
            result = translate_document(translator, doc)
            t_doc = min(t_doc, time.perf_counter() - start)
            start = time.perf_counter()
            translate_file(plain.encode(), translator, name=name + ".txt")
            t_plain = min(t_plain, time.perf_counter() - start)
        start = time.perf_counter()
        doc.render()
        row["t_format"] += time.perf_counter() - start
        row["t_doc"] += t_doc
        row["t_plain"] += t_plain
        row["units"] += len(filled)
        row["sentences"] += len(result.segments)
        for unit in filled:
            if any(isinstance(p, Code) for p in unit.source):
                row["coded"] += 1
                row["codes_kept"] += not missing_or_extra(unit.source, unit.target or ())
            row["tags"] += len(unit.qa)
        source_text = doc.text
        out = result.data.decode("utf-8")
        row["structure"] += skeleton(fmt, out) == skeleton(fmt, source_text)
        terms = [t for s in result.segments for t in s.terms]
        row["found"] += len(terms)
        row["applied"] += sum(t.status is TermStatus.APPLIED for t in terms)
    return row, left


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(ROOT / "resources/models/ko-en-small"))
    parser.add_argument("--glossary", default=str(ROOT / "resources/glossary"))
    parser.add_argument("--max-sentences", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=2, help="timings: best of N")
    args = parser.parse_args(argv)
    translator = Translator(args.model, args.glossary)
    translator.translate_sentences(["모델을 미리 불러 둔다."])      # load and warm up once
    left = args.max_sentences
    print("| format | files | identity round trip | units | sentences | units with codes, "
          "all kept | tags findings | structure equal | terms applied / found | doc s | "
          "plain s | overhead | read + write s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    share = {"html": left // 2, "markdown": left - left // 2}
    for fmt in FILES:
        row, _ = measure(fmt, translator, share[fmt], args.repeat)
        print(f"| {fmt} | {row['files']} | {row['identity']}/{row['files']} | {row['units']} | "
              f"{row['sentences']} | {row['codes_kept']}/{row['coded']} | {row['tags']} | "
              f"{row['structure']}/{row['files']} | {row['applied']}/{row['found']} | "
              f"{row['t_doc']:.2f} | {row['t_plain']:.2f} | "
              f"{row['t_doc'] / max(row['t_plain'], 1e-9):.2f}× | {row['t_format']:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
