"""``translate FILE…`` for documents: each file translated into the same format.

Everything that can be refused is refused before the model loads: output paths
(:mod:`koen.outputs`), unreadable or malformed inputs (every file is read and parsed first),
an unknown ``--bilingual`` extension. The model is loaded once for all files; outputs are
written only after every file is translated, each atomically, so an error leaves nothing
half-written.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bitext.files import STDIO, atomic_write, read_bytes
from bitext.formats import format_for, write_segments
from bitext.gate import describe, failing
from bitext.records import AlignedSegment, TermStatus
from bitext.report import TermReport, render_totals, summarise
from documents.model import Document, DocumentOptions, Unit
from documents.registry import extensions, read_document
from documents.translate_doc import DocumentResult, translate_document
from koen import outputs

MAX_LISTED = 20


@dataclass
class Loaded:
    target: outputs.Target
    data: bytes
    document: Document
    result: DocumentResult | None = None


def options_from(args: argparse.Namespace) -> DocumentOptions:
    return DocumentOptions(source_lang=args.source_lang, target_lang=args.target_lang,
                           overwrite=args.overwrite, mark_fuzzy=args.fuzzy)


def run_documents(args: argparse.Namespace, inputs: list[str], fail_on: frozenset[str]) -> int:
    from translate.options import DecodeOptions
    from translate.pipeline import Translator  # after every refusal: loading takes a moment

    wanted = set(extensions())
    expanded = outputs.expand(inputs, wanted)
    folder = len(inputs) > 1 or any(i != STDIO and Path(i).is_dir() for i in inputs)
    targets = outputs.plan(expanded, args.output if args.output != STDIO else None,
                           in_place=args.in_place, folder=folder, bilingual=args.bilingual)
    if args.bilingual:
        format_for(args.bilingual)                  # an unknown extension fails now
    options = options_from(args)
    loaded = []
    for target in targets:
        data = read_bytes(target.source)
        name = "<stdin>" if target.source == STDIO else target.source
        loaded.append(Loaded(target, data, read_document(data, name, args.input_format,
                                                         options)))
    translator = Translator(
        args.model, args.glossary or None, options=DecodeOptions.from_args(args),
        device=args.device, inter_threads=args.workers, intra_threads=args.threads)
    for item in loaded:
        item.result = translate_document(translator, item.document, aligner=args.aligner,
                                         max_chars=args.max_chars)
    segments = [s for item in loaded for s in item.result.segments]  # type: ignore[union-attr]
    for item in loaded:
        _write(item)
    if args.bilingual:
        write_segments(segments, args.bilingual, glossary_name=", ".join(args.glossary))
    report = summarise(segments)
    gate = failing(report.to_dict(), fail_on)
    if not args.quiet:
        if args.json:
            print(json.dumps({**report.to_dict(), "documents": [_doc_json(i) for i in loaded]},
                             ensure_ascii=False, indent=2), file=sys.stderr)
        else:
            print("\n".join(report_lines(loaded, report)), file=sys.stderr)
            if gate:
                print(describe(gate), file=sys.stderr)
    return 1 if (args.strict and report.failed) or gate else 0


def _write(item: Loaded) -> None:
    assert item.result is not None
    target = item.target
    if target.output == STDIO:
        sys.stdout.buffer.write(item.result.data)
        sys.stdout.flush()
        return
    if target.in_place:
        atomic_write(target.backup, item.data)
    Path(target.output).parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target.output, item.result.data)


def where(name: str, unit: Unit) -> str:
    """``file:line:column`` where the file has lines, else ``file: unit ID``."""
    return f"{name}:{unit.location}" if unit.line is not None else f"{name}: unit {unit.id}"


def _problems(item: Loaded) -> list[str]:
    lines = []
    name = item.document.name
    for unit in item.document.units:
        place = where(name, unit)
        for seg in unit.segments:
            for rec in seg.terms:
                if rec.status in (TermStatus.MISSED, TermStatus.FORBIDDEN):
                    extra = f" (found {rec.found!r})" if rec.found else ""
                    lines.append(f"{place}: {rec.status.value}: {rec.surface} → "
                                 f"{rec.target!r}{extra}")
            for q in seg.qa:
                if q.code != "tags" and q.severity == "error":
                    lines.append(f"{place}: qa {q.code}: {q.message}")
        for q in unit.qa:
            lines.append(f"{place}: {q.code} {q.severity}: {q.message}")
    return lines


def report_lines(loaded: list[Loaded], report: TermReport) -> list[str]:
    lines = []
    for item in loaded:
        assert item.result is not None
        c = item.result.counts
        for warning in item.document.warnings:
            lines.append(f"{item.document.name}: warning: {warning}")
        for line, note in sorted({(s.line, n) for s in item.result.segments for n in s.notes},
                                 key=lambda ln: (ln[0] or 0, ln[1])):
            lines.append(f"{item.document.name}:{line or '?'}: warning: {note}")
        lines.append(f"{item.document.name}: {item.document.format}, "
                     f"{len(item.document.units)} units — {c['filled']} filled, "
                     f"{c['kept']} kept, {c['skipped']} skipped")
    lines += render_totals(report)
    problems = [p for item in loaded for p in _problems(item)]
    lines += problems[:MAX_LISTED]
    if len(problems) > MAX_LISTED:
        lines.append(f"… and {len(problems) - MAX_LISTED} more (see --json)")
    return lines


def _segment_ids(segments: list[AlignedSegment]) -> list[int]:
    return [s.index for s in segments]


def _doc_json(item: Loaded) -> dict[str, Any]:
    assert item.result is not None
    doc = item.document
    return {
        "file": doc.name, "format": doc.format, "output": item.target.output,
        "units": len(doc.units), "counts": item.result.counts, "warnings": list(doc.warnings),
        "findings": [
            {"unit": u.id, "location": u.location, "segments": _segment_ids(u.segments),
             **q.to_dict()}
            for u in doc.units for q in u.qa
        ],
    }
