"""DOCX overhead: the same Korean sentences as a Word document and as plain text.

The glossary defaults to ``resources/termtest/press-glossary.yaml``, the one the held-out
sentences were written for.

The document is built from ``resources/termtest/press-heldout.tsv`` (real press sentences):
paragraphs of four sentences, runs split where a writer splits them (at every change between
Hangul and Latin/digits, as LibreOffice does, so every paragraph has same-looking runs to
merge), a glossary term in bold in every other paragraph, and every fifth paragraph in a
table cell, in a package with the styles of ``tests/fixtures/docx/press-release.docx``.
The text file has the same paragraphs, one per line. Both go through
``documents.translate_file`` with one Translator (same model, glossary, beam, threads), each
timed ``--repeats`` times alternately; the table gives medians and the ratio DOCX / text (the
issue's goal is ≤ 1.15×). "read+render" is the DOCX module alone (no model).

Run: ``python benchmarks/bench_docx.py --model resources/models/ko-en-small [--n 100]``.
"""
from __future__ import annotations

import csv
import io
import re
import sys
import zipfile
from xml.sax.saxutils import escape

import common
from common import ROOT, median, table, timed

from documents import read_document, translate_file
from documents.model import UnitState
from translate.pipeline import Translator

HELDOUT = ROOT / "resources" / "termtest" / "press-heldout.tsv"
TEMPLATE = ROOT / "tests" / "fixtures" / "docx" / "press-release.docx"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_PKG = "http://schemas.openxmlformats.org/package/2006"
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"
CONTENT_TYPES = (
    f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{_PKG}/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/word/document.xml" ContentType="{_WML}.document.main+xml"/>'
    f'<Override PartName="/word/styles.xml" ContentType="{_WML}.styles+xml"/></Types>')
RELS = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{_OFFICE}/officeDocument" Target="word/document.xml"/>'
        '</Relationships>')
DOCUMENT_RELS = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}/'
                 f'relationships"><Relationship Id="rId1" Type="{_OFFICE}/styles" '
                 'Target="styles.xml"/></Relationships>')
_SCRIPT = re.compile(r"[A-Za-z0-9.%,]+|[^A-Za-z0-9.%,]+")


def sentences(n: int) -> list[tuple[str, str]]:
    """(sentence, a term it should contain) for the first ``n`` held-out press sentences."""
    with HELDOUT.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return [(r["source"], (r["expected_terms"] or "").split(";")[0].strip()) for r in rows][:n]


def _runs(text: str, bold: str) -> str:
    out = []
    for i, part in enumerate(text.split(bold) if bold else [text]):
        if i:
            out.append(f'<w:r><w:rPr><w:b/></w:rPr><w:t>{escape(bold)}</w:t></w:r>')
        for piece in _SCRIPT.findall(part):       # a run per script change, same look
            out.append(f'<w:r><w:t xml:space="preserve">{escape(piece)}</w:t></w:r>')
    return "".join(out)


def build(rows: list[tuple[str, str]]) -> tuple[bytes, bytes]:
    """(docx bytes, txt bytes) with the same paragraphs."""
    paragraphs = [rows[i:i + 4] for i in range(0, len(rows), 4)]
    body, lines = [], []
    for number, group in enumerate(paragraphs):
        text = " ".join(s for s, _ in group)
        term = group[0][1] if number % 2 == 0 and group[0][1] in text else ""
        p = f"<w:p>{_runs(text, term)}</w:p>"
        if number % 5 == 4:
            p = f"<w:tbl><w:tr><w:tc>{p}</w:tc></w:tr></w:tbl><w:p/>"
        body.append(p)
        lines.append(text)
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<w:document {W}><w:body>{"".join(body)}</w:body></w:document>').encode()
    out = io.BytesIO()
    with zipfile.ZipFile(TEMPLATE) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        dst.writestr("[Content_Types].xml", CONTENT_TYPES)
        dst.writestr("_rels/.rels", RELS)
        dst.writestr("word/_rels/document.xml.rels", DOCUMENT_RELS)
        dst.writestr("word/document.xml", document)
        dst.writestr("word/styles.xml", src.read("word/styles.xml"))
    return out.getvalue(), ("\n".join(lines) + "\n").encode()


def main(argv: list[str] | None = None) -> int:
    p = common.parser(__doc__.splitlines()[0], n=100)
    p.set_defaults(glossary=ROOT / "resources" / "termtest" / "press-glossary.yaml")
    p.add_argument("--repeats", type=int, default=3, help="timed runs of each (default 3)")
    args = p.parse_args(argv)
    rows = sentences(min(args.n, 200))
    docx_data, txt_data = build(rows)
    s = common.setup(args)
    tr = Translator(s.engine(args.threads), common.glossary(args.glossary),
                    beam_size=args.beam, max_batch_size=args.batch)
    common.header("DOCX against plain text (same sentences)", args, s, sentences=len(rows),
                  repeats=args.repeats)
    translate_file(txt_data, tr, name="warm-up.txt")                # load Kiwi, warm caches
    times: dict[str, list[float]] = {"txt": [], "docx": []}
    results = {}
    for _ in range(args.repeats):
        results["txt"], t = timed(lambda: translate_file(txt_data, tr, name="press.txt"))
        times["txt"].append(t)
        results["docx"], t = timed(lambda: translate_file(docx_data, tr, name="press.docx"))
        times["docx"].append(t)

    def read_render() -> bytes:
        doc = read_document(docx_data, "press.docx")
        for unit in doc.units:
            if unit.state == UnitState.FILL:
                unit.target = unit.source
        return doc.render()

    _, format_only = timed(lambda: [read_render() for _ in range(5)])
    base = median(times["txt"])
    out = []
    for kind in ("txt", "docx"):
        r = results[kind]
        terms = sum(1 for seg in r.segments for t in seg.terms if t.status == "applied")
        out.append([kind, f"{len(kind == 'txt' and txt_data or docx_data):,}",
                    len(r.segments), terms, len(r.findings), median(times[kind]),
                    median(times[kind]) / base])
    print(table(["input", "bytes", "sentences", "terms applied", "tags findings",
                 "seconds (median)", "× text"], out, digits=2))
    print(f"\nDOCX read+render alone (no model): {format_only / 5 * 1000:.1f} ms per file")
    return 0


if __name__ == "__main__":
    sys.exit(main())
