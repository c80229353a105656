"""Localisation files through the document layer: XLIFF and PO, real and hand-made.

Per file: units, units filled/kept/skipped, inline codes in the filled units' sources and in
their targets, whether the output reads back (our reader), validates (XLIFF 1.2/2.0 XSD from
``../shared/schemas``; ``msgfmt --check`` for PO), and whether everything outside the
targets is unchanged (the identity check the tests make). Term accuracy on the Korean files
is the share of glossary occurrences applied.

    python benchmarks/bench_l10n.py --model resources/models/ko-en-small
    python benchmarks/bench_l10n.py --copy          # the identity engine, no model
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from benchmarks.common import GLOSSARY_DIR, table  # noqa: E402
from bitext.errors import InputError  # noqa: E402
from bitext.records import TermStatus  # noqa: E402
from documents import translate_file  # noqa: E402
from documents.model import Code, DocumentOptions, UnitState  # noqa: E402
from documents.registry import read_document  # noqa: E402

XLIFF = ROOT / "tests" / "fixtures" / "xliff"
PO = ROOT / "tests" / "fixtures" / "po"
# file → (source, target) languages it declares
FILES = {
    XLIFF / "trados-TTSExample.docx.sdlxliff": ("en", "de"),
    XLIFF / "memoq-MQ-12-Test01.mqxliff": ("en", "fr"),
    XLIFF / "okapi-htmltest.html.xlf": ("en", "fr"),
    XLIFF / "okapi-xlifftest.xlf": ("en", "fr"),
    XLIFF / "omegat-RFE1506-translated.xliff": ("en", "ja"),
    XLIFF / "openxliff-en-es_translate-no.xlf": ("en", "es"),
    XLIFF / "oasis-xliff2-ex.14.5.xlf": ("en", "pt"),
    XLIFF / "ko-en-press.xlf": ("ko", "en"),
    XLIFF / "ko-en-press.mqxliff": ("ko", "en"),
    XLIFF / "ko-en-press.sdlxliff": ("ko", "en"),
    XLIFF / "ko-en-press.xliff": ("ko", "en"),
    ROOT / "resources" / "samples" / "press.ko.xlf": ("ko", "en"),
    PO / "press-ko.po": ("ko", "en"),
    PO / "solanum-ko-reversed.po": ("ko", "en"),
    ROOT / "resources" / "samples" / "press.ko.po": ("ko", "en"),
}


def validates(data: bytes, fmt: str, xliff_version: int) -> str:
    if fmt == "po":
        if shutil.which("msgfmt") is None:
            return "n/a"
        with tempfile.NamedTemporaryFile(suffix=".po") as f:
            f.write(data)
            f.flush()
            done = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", f.name],
                                  capture_output=True)
        return "msgfmt ok" if done.returncode == 0 else "msgfmt FAILED"
    from xmlschemas import xliff_errors  # tests/xmlschemas.py: the shared schemas
    if b"document:1.1" in data[:600]:
        return "n/a (1.1)"
    try:
        return "XSD ok" if not xliff_errors(data, xliff_version) else "XSD FAILED"
    except BaseException as e:  # noqa: BLE001 - pytest.skip when the schemas are absent
        return f"n/a ({type(e).__name__})"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    engine = p.add_mutually_exclusive_group(required=True)
    engine.add_argument("--model", type=Path, help="model directory (the bundled ko-en-small)")
    engine.add_argument("--copy", action="store_true", help="the identity engine (no model)")
    p.add_argument("--glossary", type=Path, default=GLOSSARY_DIR)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    if args.copy:
        from copyengine import CopyTranslator
        translator = CopyTranslator()
        print("engine: copy (identity round trip)\n")
    else:
        from translate.pipeline import Translator
        translator = Translator(args.model, args.glossary, intra_threads=args.threads)
        print(f"engine: {args.model}, glossary {args.glossary}\n")
    rows, applied, found = [], 0, 0
    for path, (src, tgt) in FILES.items():
        data = path.read_bytes()
        options = DocumentOptions(source_lang=src, target_lang=tgt)
        start = time.perf_counter()
        result = translate_file(data, translator, name=path.name, options=options)
        seconds = time.perf_counter() - start
        doc = result.document
        filled = [u for u in doc.units if u.state is UnitState.FILL and u.target is not None]
        codes_in = sum(isinstance(p, Code) for u in filled for p in u.source)
        codes_out = sum(isinstance(p, Code) for u in filled for p in (u.target or ()))
        try:
            reread = read_document(result.data, path.name, options=options)
            reads = f"yes ({len(reread.units)} units)"
        except InputError as e:
            reads = f"NO: {e}"
        version = 2 if b"document:2.0" in result.data.decode(
            "utf-16" if result.data[:2] == b"\xff\xfe" else "utf-8-sig").encode()[:800] else 1
        for seg in result.segments:
            for rec in seg.terms:
                found += 1
                applied += rec.status is TermStatus.APPLIED
        c = result.counts
        rows.append([path.name, len(doc.units), c["filled"], c["kept"], c["skipped"],
                     codes_in, codes_out, reads, validates(result.data, doc.format, version),
                     seconds])
    print(table(["file", "units", "filled", "kept", "skipped", "codes in", "codes out",
                 "re-reads", "validates", "s"], rows, digits=2))
    if found:
        print(f"\nterm accuracy on the Korean files: {applied}/{found} glossary occurrences "
              f"applied ({100 * applied / found:.1f} %)")


if __name__ == "__main__":
    main()
