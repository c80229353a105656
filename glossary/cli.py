"""The ``glossary`` command: lint, fmt, diff, check, export, import (and ``test``, added by
``translate``).

Exit codes are for CI: 0 clean, 1 the command found problems (lint issues, files ``fmt
--check`` would change, missed/forbidden terms, findings named by ``check --fail-on``), 2 bad
input (one line ``file:line: message`` on stderr).  Every command takes ``--json`` for machines.

Extension hook: ``main(argv, extra=[register, …])``.  Each ``register(subparsers, common)``
adds its own subcommand with ``subparsers.add_parser(name, parents=[common])`` and sets
``run=function(args) -> int`` as a default.  The terminology layer knows no engine, so
``glossary test`` (which needs one) is registered by ``koen.glossary_cli:main``, the
function the installed ``glossary`` script points at.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bitext.errors import InputError
from bitext.metavars import plain_metavars
from bitext.resources import data_locations

Register = Callable[[argparse._SubParsersAction, argparse.ArgumentParser], None]
EXIT_OK, EXIT_PROBLEMS, EXIT_BAD_INPUT = 0, 1, 2


def emit_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def default_glossary_path() -> Path | None:
    """``resources/glossary`` under the current folder, else the checkout's, else the
    installed copy's (``<prefix>/share/koen-terminology/glossary``)."""
    for path in (Path.cwd() / "resources" / "glossary", *data_locations("glossary")):
        if path.is_dir():
            return path
    return None


# --------------------------------------------------------------------------- commands

def run_lint(args: argparse.Namespace) -> int:
    from glossary.lint import HINTS, lint_paths
    problems = lint_paths(args.paths, morph=args.morph)
    errors = [p for p in problems if p.code not in HINTS]
    if args.json:
        emit_json({"problems": [p.to_dict() for p in problems], "count": len(errors),
                   "hints": len(problems) - len(errors)})
    else:
        for problem in problems:
            print(problem)
        if problems:
            print(f"{len(errors)} problem(s), {len(problems) - len(errors)} hint(s)",
                  file=sys.stderr)
    return EXIT_PROBLEMS if errors else EXIT_OK


def run_fmt(args: argparse.Namespace) -> int:
    from bitext.files import atomic_write
    from glossary.fmt import format_paths
    changed = []
    results = format_paths(args.paths)
    for file, text, canonical in results:
        if text == canonical:
            continue
        changed.append(str(file))
        if not args.check:
            atomic_write(file, canonical)
    if args.json:
        emit_json({"check": args.check, "changed": changed,
                   "unchanged": len(results) - len(changed)})
    else:
        verb = "would reformat" if args.check else "reformatted"
        for name in changed:
            print(f"{verb} {name}")
        print(f"{len(changed)} of {len(results)} file(s) {verb}", file=sys.stderr)
    return EXIT_PROBLEMS if args.check and changed else EXIT_OK


def run_diff(args: argparse.Namespace) -> int:
    from glossary.diff import diff_glossaries, glossary_at_revision, render_markdown
    from glossary.load import load_glossary
    if args.git:
        if len(args.args) not in (2, 3):
            raise InputError("usage: glossary diff --git REV1 REV2 [PATH]", "diff")
        rev1, rev2, *rest = args.args
        path = rest[0] if rest else "resources/glossary"
        old, new = glossary_at_revision(rev1, path), glossary_at_revision(rev2, path)
        title = f"Glossary changes {rev1}…{rev2}"
    else:
        if len(args.args) != 2:
            raise InputError("usage: glossary diff OLD NEW (paths) or --git REV1 REV2", "diff")
        old, new = load_glossary(args.args[0]), load_glossary(args.args[1])
        title = "Glossary changes"
    diff = diff_glossaries(old, new)
    if args.json:
        emit_json(diff.to_dict())
    else:
        print(render_markdown(diff, title), end="")
    return EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    """Terms and segment QA on a translation made elsewhere (a vendor's TMX, a reviewer's TSV).

    QA findings are reported but exit 1 only when ``--fail-on`` names their code: a human
    translation restructures freely, so a length or punctuation finding is a question for a
    reviewer, while a missed term is a broken contract."""
    from bitext.formats import read_bilingual
    from bitext.gate import TERM_CODES, describe, failing, parse_fail_on
    from bitext.qa import check_pair, untranslated_target
    from bitext.records import AlignedSegment
    from bitext.report import render_json, render_text, summarise
    from glossary.check import check_segment
    from glossary.load import load_glossary
    from glossary.match import TermMatcher
    fail_on = parse_fail_on(args.fail_on)
    if not args.qa and fail_on - set(TERM_CODES):
        raise InputError(f"{', '.join(sorted(fail_on - set(TERM_CODES)))} can never be found "
                         "with --no-qa; drop one of the two", "--fail-on")
    path = args.glossary or default_glossary_path()
    if path is None:
        raise InputError("no glossary: pass --glossary PATH", "resources/glossary")
    glossary = load_glossary(path)
    pairs = read_bilingual(args.file, args.format, source_lang=args.source_lang,
                           target_lang=args.target_lang)
    matcher = TermMatcher(glossary)      # after the input is read: Kiwi takes seconds to load
    segments = [
        AlignedSegment(index, pair.source, pair.translation,
                       [] if pair.untranslated else
                       check_segment(matcher.find(pair.source), pair.translation),
                       doc=pair.doc or str(args.file), line=pair.line,
                       qa=([untranslated_target(pair.translation)] if pair.untranslated else
                           check_pair(pair.source, pair.translation) if args.qa else []))
        for index, pair in enumerate(pairs, start=1)
    ]
    report = summarise(segments)
    report.qa_checked = args.qa
    print(render_json(report) if args.json else render_text(report))
    gate = failing(report.to_dict(), fail_on)
    if gate:
        print(describe(gate), file=sys.stderr)
    return EXIT_PROBLEMS if report.failed or gate else EXIT_OK


def _warn(warnings: list[InputError]) -> None:
    """One ``file:line: warning: message`` line each, on stderr."""
    for warning in warnings:
        where = str(warning)[: -len(warning.message)]
        print(f"{where}warning: {warning.message}", file=sys.stderr)


def run_export(args: argparse.Namespace) -> int:
    from glossary.interchange import export_glossary
    warnings: list[InputError] = []
    count = export_glossary(args.path, args.to, args.output, args.flavor,
                            args.source_lang, args.target_lang, warnings)
    _warn(warnings)
    if args.json:
        emit_json({"output": args.output, "format": args.to, "flavor": args.flavor,
                   "terms": count, "warnings": [str(w) for w in warnings]})
    elif args.output != "-":
        print(f"wrote {count} terms to {args.output}", file=sys.stderr)
    return EXIT_OK


def run_import(args: argparse.Namespace) -> int:
    from glossary.interchange import import_glossary
    warnings: list[InputError] = []
    terms = import_glossary(args.file, args.from_, args.output, args.source_lang,
                            args.target_lang, warnings)
    _warn(warnings)
    if args.json:
        emit_json({"output": args.output, "format": args.from_, "terms": len(terms),
                   "warnings": [str(w) for w in warnings]})
    elif args.output != "-":
        print(f"wrote {len(terms)} terms to {args.output}", file=sys.stderr)
    return EXIT_OK


# --------------------------------------------------------------------------- parser

def _languages(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source-lang", default="ko", help="source language code (ko)")
    parser.add_argument("--target-lang", default="en", help="target language code (en)")


def register_builtin(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    from bitext.formats import READ_FORMATS
    from bitext.gate import add_fail_on_argument
    from glossary.interchange import FLAVORS, FORMATS

    p = sub.add_parser("lint", parents=[common], help="report problems, exit 1 on any")
    p.add_argument("paths", nargs="+", metavar="PATH", help="glossary files or folders")
    p.add_argument("--morph", action="store_true",
                   help="also hint (G010) at spellings Kiwi splits into several words "
                        "(loads Kiwi: 2-3 s)")
    p.set_defaults(run=run_lint)

    p = sub.add_parser("fmt", parents=[common], help="rewrite in the canonical layout")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--check", action="store_true",
                   help="write nothing; list files that would change and exit 1 if any")
    p.set_defaults(run=run_fmt)

    p = sub.add_parser("diff", parents=[common],
                       help="added/removed/changed terms as Markdown for a PR comment")
    p.add_argument("args", nargs="+", metavar="OLD NEW | REV1 REV2 [PATH]")
    p.add_argument("--git", action="store_true",
                   help="compare git revisions REV1 and REV2 (PATH: resources/glossary)")
    p.set_defaults(run=run_diff)

    p = sub.add_parser("check", parents=[common],
                       help="check an existing bilingual file against the glossary, with QA",
                       description="Check a bilingual file (a vendor's or a reviewer's "
                                   "translation) against the glossary and run the segment QA "
                                   "checks on it. Exit 1 on missed or forbidden terms; QA "
                                   "findings are reported but exit 1 only for the codes "
                                   "--fail-on names.")
    p.add_argument("file", metavar="FILE")
    p.add_argument("-g", "--glossary", metavar="PATH",
                   help="glossary file or folder (default: resources/glossary, or the "
                        "installed one)")
    p.add_argument("--format", choices=READ_FORMATS,
                   help="bilingual format (default: from the extension)")
    p.add_argument("--qa", action=argparse.BooleanOptionalAction, default=True,
                   help="run the segment QA checks (omission, number, untranslated, "
                        "latin-missing, repetition, punctuation; default on)")
    add_fail_on_argument(p)
    _languages(p)
    p.set_defaults(run=run_check)

    p = sub.add_parser("export", parents=[common], help="write TBX-Basic, CSV or TSV")
    p.add_argument("path", metavar="PATH")
    p.add_argument("--to", required=True, choices=FORMATS)
    p.add_argument("--flavor", choices=FLAVORS,
                   help="csv/tsv shape: full (default, with notes), deepl, google, "
                        "google-sets (equivalent term sets, csv), amazon")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="output file or -")
    _languages(p)
    p.set_defaults(run=run_export)

    p = sub.add_parser("import", parents=[common], help="read TBX, CSV or TSV into YAML")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--from", dest="from_", required=True, choices=FORMATS)
    p.add_argument("-o", "--output", required=True, metavar="OUT.yaml")
    _languages(p)
    p.set_defaults(run=run_import)


def build_parser(extra: Sequence[Register] = ()) -> argparse.ArgumentParser:
    """The full parser: built-in subcommands plus those ``extra`` registers."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="machine-readable output")
    parser = argparse.ArgumentParser(
        prog="glossary", description="Maintain and apply the Korean→English glossary.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for register in (register_builtin, *extra):
        register(sub, common)
    return plain_metavars(parser)


def main(argv: Sequence[str] | None = None, extra: Sequence[Register] = ()) -> int:
    args = build_parser(extra).parse_args(argv)
    try:
        return args.run(args)
    except InputError as e:
        print(str(e), file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
