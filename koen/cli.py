"""The ``translate`` command: Korean text to aligned bilingual output, or a document
(XLIFF, PO, DOCX, … : every format of ``documents/formats/``) to the same document in English.

Plain text (a ``.txt`` file or stdin) gives the bilingual outputs as it always did (TSV, TMX,
…); a document file, ``--input-format``, several files or a folder give translated documents
(:mod:`koen.documents_cmd`); a ``.txt`` written to ``-o X.txt`` or ``--in-place`` is a text
document too (translated line by line).

Exit codes: 0 done, 2 bad input or no usable model (or an unknown ``--fail-on`` code); with
``--strict``, 1 when a glossary term was missed or a forbidden rendering is present (so CI can
gate on terminology); with ``--fail-on CODES``, 1 when a segment has a finding with one of
those codes (QA at any severity, or ``missed``/``forbidden-present``); 3 for an unexpected
error (a bug: one line, ``--debug`` shows the traceback), so that a gate never reads a crash
as a term failure.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import traceback
from pathlib import Path

from bitext.errors import InputError
from bitext.files import STDIO, read_text
from bitext.formats import FORMATS, format_for, write_segments
from bitext.formats.common import tool_version
from bitext.gate import add_fail_on_argument, describe, failing, parse_fail_on
from bitext.metavars import plain_metavars
from bitext.report import render_json, render_text, summarise
from documents.registry import NOT_YET, PACKAGES, extensions
from documents.translate_doc import ALIGNERS
from koen import outputs
from translate.model_files import ENV_VAR, ModelError, candidates, chosen_candidate, open_model
from translate.options import DecodeOptions, add_translation_arguments
from translate.segment import segment_text


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="translate",
        description="Translate Korean text, or files (XLIFF, PO, DOCX, HTML, Markdown, subtitles, "
                    "app strings) into the same format, to English with a glossary enforced; "
                    "report which terms were applied, missed or forbidden. "
                    "`translate corpus --help` runs the same pipeline on Ray Data; "
                    "`translate serve --help` answers the LibreTranslate and DeepL APIs.")
    p.add_argument("input", nargs="*",
                   help="Korean text file (or - for stdin): bilingual output; a document "
                        "(.xlf, .po, …), several files or a folder: translated documents")
    p.add_argument("-o", "--output", default="-",
                   help="output file (default: stdout); a folder for several inputs")
    p.add_argument("-f", "--format", choices=sorted(FORMATS),
                   help="bilingual output format for text input (default: from the output's "
                        "extension, else tsv)")
    p.add_argument("--input-format", metavar="NAME",
                   help="read the input as this document format (default: from the extension)")
    p.add_argument("--bilingual", metavar="FILE",
                   help="documents: also write the aligned sentences as a review file "
                        "(.tmx, .xlf, .tsv, .jsonl, .html, .md)")
    p.add_argument("--in-place", action="store_true",
                   help="documents: overwrite each input (the original kept as FILE.orig)")
    p.add_argument("--source-lang", metavar="LANG",
                   help="accept a document labelled with this source language (default: ko)")
    p.add_argument("--target-lang", metavar="LANG",
                   help="accept a document labelled with this target language (default: en)")
    p.add_argument("--overwrite", action="store_true",
                   help="documents: translate units that already have a translation too")
    p.add_argument("--fuzzy", action="store_true",
                   help="PO: mark filled entries '#, fuzzy'")
    p.add_argument("--keys", metavar="PATTERNS", action="append",
                   help="JSON/YAML app strings: translate only values whose dotted key path "
                        "matches one of these globs (comma-separated, repeatable; "
                        "'errors.*', 'ko.home.title')")
    p.add_argument("--max-line-length", type=int, metavar="N",
                   help="SRT/WebVTT: characters per subtitle line when re-wrapping "
                        "(default 42)")
    p.add_argument("--aligner", choices=ALIGNERS, default="attention",
                   help="how inline codes find their place in the English (default: attention)")
    add_translation_arguments(p)
    p.add_argument("--list-models", action="store_true",
                   help="show where models are looked for, and each model's family")
    p.add_argument("--threads", type=int, default=0,
                   help="CPU threads per translation (intra_threads; 0 = all cores)")
    p.add_argument("--workers", type=int, default=1,
                   help="parallel translations (inter_threads, default 1)")
    p.add_argument("--device", default="cpu", help="cpu, cuda or auto")
    p.add_argument("--json", action="store_true", help="terminology report as JSON on stderr")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="progress bar (default: on for a terminal and inputs over a screen)")
    p.add_argument("--strict", action="store_true",
                   help="exit 1 when a term is missed or a forbidden rendering is present")
    add_fail_on_argument(p)
    p.add_argument("-q", "--quiet", action="store_true", help="no report on stderr")
    p.add_argument("--debug", action="store_true",
                   help="show the traceback of an unexpected error")
    p.add_argument("--version", action="version", version=f"%(prog)s {tool_version()}")
    return plain_metavars(p)


def list_models(explicit: str | None) -> int:
    """Every place looked in, in order; the one a run would use says how it was chosen
    (``--model``, ``$KOEN_MODEL`` or ``default``), the other default places ``fallback``
    (or ``unused`` when an explicit choice wins, absent or not)."""
    chosen = chosen_candidate(explicit)
    for how, path in candidates(explicit):
        if how == "default" and path != chosen:
            how = "unused" if explicit or os.environ.get(ENV_VAR) else "fallback"
        if not path.exists():
            print(f"{how:10} {path}  (absent)")
            continue
        try:
            files = open_model(path)
        except ModelError as e:
            print(f"{how:10} {path}  (unusable: {e.message})")
            continue
        hints = ("glossary in the prompt" if files.family.generator else "term hints"
                 if files.term_hint_separator else "no term hints")
        print(f"{how:10} {path}  ({files.layout}: {files.family.describe()}, {files.name}, "
              f"{hints})")
    return 0


def _progress(total: int, wanted: bool | None):
    """A tqdm bar when asked, or when a terminal shows an input longer than one screen."""
    if wanted is False or (wanted is None and not (
            sys.stderr.isatty() and total > shutil.get_terminal_size().lines)):
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="seg", file=sys.stderr, leave=False)


def is_documents(args: argparse.Namespace) -> bool:
    """Documents (translated into their own format) rather than text to bilingual output."""
    if args.in_place or args.input_format or len(args.input) > 1:
        return True
    (given,) = args.input
    if given == STDIO:
        return False
    path = Path(given)
    suffix = path.suffix.lower()
    if path.is_dir() or suffix in NOT_YET or suffix in PACKAGES:
        return True
    if suffix == ".txt":
        return Path(args.output).suffix.lower() == ".txt"
    return suffix in extensions()


def run(args: argparse.Namespace) -> int:
    fail_on = parse_fail_on(args.fail_on)         # a typo fails before the model loads
    if is_documents(args):
        from koen.documents_cmd import run_documents

        return run_documents(args, args.input, fail_on)
    return run_text(args, fail_on)


def run_text(args: argparse.Namespace, fail_on: frozenset[str]) -> int:
    from translate.pipeline import Translator  # after argument errors: loading takes a moment

    (given,) = args.input
    outputs.plan([(given, Path(given).name)], args.output, in_place=False, folder=False,
                 bilingual=args.bilingual)
    fmt = format_for(args.output, args.format)    # an unknown extension fails now
    name = "<stdin>" if given == "-" else given
    decoded = read_text(given)
    if decoded.notice and not args.quiet:
        print(f"translate: {name}: notice: {decoded.notice}", file=sys.stderr)
    segments = segment_text(decoded.text, doc="" if given == "-" else Path(name).name,
                            max_chars=args.max_chars)
    if not segments:
        raise InputError("input is empty", name)
    if not args.quiet:
        for line, note in sorted({(s.line, n) for s in segments for n in s.notes}):
            print(f"{name}:{line}: warning: {note}", file=sys.stderr)
    translator = Translator(
        args.model, args.glossary or None, options=DecodeOptions.from_args(args),
        device=args.device, inter_threads=args.workers, intra_threads=args.threads)
    bar = _progress(len(segments), args.progress)
    aligned = list(translator.translate_segments(segments, bar.update if bar else None))
    if bar:
        bar.close()
    write_segments(aligned, args.output, fmt, newline=decoded.newline,
                   glossary_name=", ".join(args.glossary))
    if args.bilingual:
        write_segments(aligned, args.bilingual, glossary_name=", ".join(args.glossary))
    report = summarise(aligned)
    gate = failing(report.to_dict(), fail_on)
    if not args.quiet:
        print(render_json(report) if args.json else render_text(report), file=sys.stderr)
        if gate and not args.json:
            print(describe(gate), file=sys.stderr)
    return 1 if (args.strict and report.failed) or gate else 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["corpus"]:
        from translate.corpus.cli import main as corpus_main

        return corpus_main(argv[1:])
    if argv[:1] == ["serve"]:
        from koen.server.serve import main as serve_main

        return serve_main(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.list_models:
        return list_models(args.model)
    if not args.input:
        parser.error("give an input file, or - for stdin")
    try:
        return run(args)
    except InputError as e:
        print(f"translate: {e}", file=sys.stderr)
        return 2
    except ValueError as e:  # bad option values (unknown strategy, …)
        print(f"translate: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("translate: interrupted; nothing was written", file=sys.stderr)
        return 130
    except OSError as e:     # a disk full, a permission: the world, not a bug
        where = f"{e.filename}: " if e.filename else ""
        print(f"translate: {where}{e.strerror or e}", file=sys.stderr)
        return 2
    except Exception as e:   # a bug: its own exit code, so a CI gate does not read it as 1
        return unexpected(e, args.debug)


def unexpected(error: BaseException, debug: bool) -> int:
    """One line (the traceback with ``--debug``) and exit 3."""
    if debug:
        traceback.print_exc()
    first = (str(error).splitlines() or [""])[0]
    print(f"translate: unexpected error: {type(error).__name__}: {first} (a bug: please "
          "report it; --debug shows the traceback)", file=sys.stderr)
    return 3


if __name__ == "__main__":
    sys.exit(main())
