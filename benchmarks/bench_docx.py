"""DOCX overhead: the same Korean sentences as a Word document and as plain text.

The glossary defaults to ``resources/termtest/press-glossary.yaml``, the one the held-out
sentences were written for.

The document is built from ``resources/termtest/press-heldout.tsv`` (real press sentences):
paragraphs of four sentences, runs split where a writer splits them (at every change between
Hangul and Latin/digits, as LibreOffice does, so every paragraph has same-looking runs to
merge), a glossary term in bold in every other paragraph, and every fifth paragraph in a
table cell, in a package with the styles of ``tests/fixtures/docx/press-release.docx``.
The text file has the same paragraphs, one per line. Both go through
``documents.translate_file`` with one Translator (same model, glossary, beam, threads),
``--repeats`` times alternately, the time inside the model call recorded apart; then both
again with the recorded results replayed (the real engine still gives the attention that
places codes), which times the layer and the format module alone. On a shared machine the
model's time for the same sentences moves by ±20% between runs, more than the whole
difference being measured, so the ratio (the issue's goal is ≤ 1.15×) adds each input's
layer+format time to one shared model time; the end-to-end ratio is printed too.

Run: ``python benchmarks/bench_docx.py --model resources/models/ko-en-small [--n 100]``.
"""
from __future__ import annotations

import csv
import dataclasses
import io
import re
import sys
import time
import zipfile
from collections.abc import Iterable, Iterator
from functools import partial
from xml.sax.saxutils import escape

import common
from common import ROOT, median, table, timed

from bitext.records import AlignedSegment
from documents import translate_file
from translate.pipeline import Translator
from translate.segment import Segment

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


class Recorder:
    """The real Translator, timed, remembering each sentence's result for the replay."""

    def __init__(self, translator: Translator):
        self.translator = translator
        self.engine = translator.engine
        self.seconds = 0.0
        self.sentences: list[str] = []
        self.results: dict[str, AlignedSegment] = {}

    def translate_segments(self, segments: Iterable[Segment]) -> Iterator[AlignedSegment]:
        segments = list(segments)
        start = time.perf_counter()
        results = list(self.translator.translate_segments(segments))
        self.seconds += time.perf_counter() - start
        for segment, result in zip(segments, results):
            self.sentences.append(segment.source)
            self.results[segment.source] = result
        return iter(results)


class Replay:
    """The recorded results handed back at once, with the real engine for code placement
    (its attention pass is part of the document's cost and is timed with it)."""

    def __init__(self, recorder: Recorder):
        self.engine = recorder.engine
        self.results = recorder.results

    def translate_segments(self, segments: Iterable[Segment]) -> Iterator[AlignedSegment]:
        for s in segments:
            yield dataclasses.replace(self.results[s.source], index=s.index, doc=s.doc,
                                      paragraph=s.paragraph, line=s.line, notes=s.notes)


def main(argv: list[str] | None = None) -> int:
    p = common.parser(__doc__.splitlines()[0], n=100)
    p.set_defaults(glossary=ROOT / "resources" / "termtest" / "press-glossary.yaml")
    p.add_argument("--repeats", type=int, default=3, help="timed runs of each (default 3)")
    args = p.parse_args(argv)
    rows = sentences(min(args.n, 200))
    inputs = dict(zip(("txt", "docx"), build(rows)[::-1]))
    s = common.setup(args)
    tr = Translator(s.engine(args.threads), common.glossary(args.glossary),
                    beam_size=args.beam, max_batch_size=args.batch)
    common.header("DOCX against plain text (same sentences)", args, s, sentences=len(rows),
                  repeats=args.repeats)
    translate_file(inputs["txt"], tr, name="warm-up.txt")          # load Kiwi, warm caches
    model: dict[str, list[float]] = {"txt": [], "docx": []}
    total: dict[str, list[float]] = {"txt": [], "docx": []}
    layer: dict[str, list[float]] = {"txt": [], "docx": []}
    recorders: dict[str, Recorder] = {}
    results = {}
    for _ in range(args.repeats):
        for kind, data in inputs.items():
            recorders[kind] = Recorder(tr)
            results[kind], seconds = timed(partial(translate_file, data, recorders[kind],
                                                   name=f"press.{kind}"))
            total[kind].append(seconds)
            model[kind].append(recorders[kind].seconds)
    if recorders["txt"].sentences != recorders["docx"].sentences:
        sys.exit("the DOCX and the text file did not send the model the same sentences")
    for _ in range(args.repeats):
        for kind, data in inputs.items():
            _, seconds = timed(partial(translate_file, data, Replay(recorders[kind]),
                                       name=f"press.{kind}"))
            layer[kind].append(seconds)
    shared_model = median(model["txt"] + model["docx"])
    out = []
    for kind in ("txt", "docx"):
        r = results[kind]
        terms = sum(1 for seg in r.segments for t in seg.terms if t.status == "applied")
        out.append([kind, f"{len(inputs[kind]):,}", len(r.segments), terms, len(r.findings),
                    median(total[kind]), median(model[kind]), median(layer[kind]),
                    (shared_model + median(layer[kind])) /
                    (shared_model + median(layer["txt"]))])
    print(table(["input", "bytes", "sentences", "terms applied", "tags findings",
                 "end to end s", "model s", "layer+format s", "× text"], out, digits=2))
    print(f"\nBoth inputs send the model the same {len(recorders['txt'].sentences)} sentences "
          f"(checked), so the model's work is identical; × text = (median model time of all "
          f"{2 * args.repeats} runs, {shared_model:.2f} s, + this input's layer+format time) / "
          f"(the same + the text's). End to end ratio of the medians, noise included: "
          f"{median(total['docx']) / median(total['txt']):.2f}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
