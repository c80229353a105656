"""The glossary's own examples run through the real pipeline (the ``glossary test`` command).

An entry's ``examples:`` are regression tests for the terminology: a Korean sentence and
what its English must contain (``contains``) or be (``translation``).  An example with
neither expects the entry's own target, which is the least a term should guarantee. Every
output is also QA-checked (``bitext.qa``: loops, lost numbers, glued terms, low confidence …)
and an error fails the example, unless a reviewer listed its code under the example's
``accept:`` (a false positive must not block a glossary pull request).  Lives
on the ``translate`` side because it needs the engine; the ``glossary`` package stays free
of it and only offers the subcommand hook this module registers through.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field

from bitext.qa.issue import QAIssue
from glossary.check import find_rendering
from glossary.cli import EXIT_OK, EXIT_PROBLEMS, emit_json
from glossary.load import load_glossary
from glossary.model import Example, Term
from translate.options import DecodeOptions


@dataclass
class ExampleResult:
    term: Term
    example: Example
    translation: str
    missing: list[str] = field(default_factory=list)   # expected phrases not found
    mismatch: bool = False                               # translation differs from expected
    qa: list[QAIssue] = field(default_factory=list)      # the output's findings (all)

    @property
    def qa_errors(self) -> list[QAIssue]:
        """Errors the example does not list as reviewed (its ``accept:`` codes)."""
        return [q for q in self.qa
                if q.severity == "error" and q.code not in self.example.accept]

    @property
    def passed(self) -> bool:
        return not self.missing and not self.mismatch and not self.qa_errors

    def to_dict(self) -> dict:
        origin = self.term.origin
        return {"file": origin.path if origin else None, "line": origin.line if origin else None,
                "term": self.term.source, "source": self.example.source,
                "translation": self.translation, "expected": self.example.translation,
                "missing": self.missing, "mismatch": self.mismatch,
                "qa": [q.to_dict() for q in self.qa],
                "qa_errors": [q.to_dict() for q in self.qa_errors], "passed": self.passed}


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def judge(term: Term, example: Example, translation: str,
          qa: list[QAIssue] | None = None) -> ExampleResult:
    """Whether one translated example holds (pure: testable without a model): its expected
    phrases are there, and its output has no QA error (a loop, a lost number, a glued term)
    beyond the codes the example lists under ``accept:``."""
    expected = example.contains or (() if example.translation else (term.target,))
    result = ExampleResult(term, example, translation, qa=list(qa or ()))
    result.missing = [p for p in expected if not find_rendering(p, translation)]
    result.mismatch = example.translation is not None and not _same(example.translation,
                                                                   translation)
    return result


def run_examples(paths: list[str], model: str | None = None,
                 options: DecodeOptions | None = None) -> list[ExampleResult]:
    """Translate every example with the whole glossary enforced (as ``translate`` would)."""
    from translate.pipeline import Translator  # loads CTranslate2: only when there is work
    glossary = load_glossary(*paths)
    cases = [(t, ex) for t in glossary for ex in t.examples]
    if not cases:
        return []
    translator = Translator(model=model, glossary=glossary, options=options)
    segments = translator.translate_sentences([ex.source for _, ex in cases])
    return [judge(t, ex, seg.translation, seg.qa) for (t, ex), seg in zip(cases, segments)]


def run(args: argparse.Namespace) -> int:
    results = run_examples(args.paths, args.model, DecodeOptions.from_args(args))
    failed = [r for r in results if not r.passed]
    if args.json:
        emit_json({"examples": len(results), "failed": len(failed),
                   "results": [r.to_dict() for r in results]})
    else:
        for r in results:
            where = f"{r.term.origin}" if r.term.origin else r.term.source
            status = "ok" if r.passed else "FAIL"
            why = []
            if r.missing:
                why.append("missing " + ", ".join(repr(m) for m in r.missing))
            if r.mismatch:
                why.append(f"expected {r.example.translation!r}")
            why += [f"qa {q.code}: {q.message}" for q in r.qa_errors]
            print(f"{where}: {status}: {r.example.source} → {r.translation}"
                  + (f" ({'; '.join(why)})" if why else ""))
        print(f"{len(results) - len(failed)} of {len(results)} example(s) hold"
              if results else "no examples in these glossary files", file=sys.stderr)
    return EXIT_PROBLEMS if failed else EXIT_OK


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``glossary test`` to the glossary CLI (see glossary.cli's extension hook)."""
    p = sub.add_parser("test", parents=[common],
                       help="run the entries' examples through the translation pipeline")
    p.add_argument("paths", nargs="+", metavar="PATH", help="glossary files or folders")
    p.add_argument("--model", metavar="DIR",
                   help="CTranslate2 model (default: $KOEN_MODEL, then the default locations)")
    DecodeOptions.add_arguments(p)
    p.set_defaults(run=run)


__all__ = ["ExampleResult", "judge", "register", "run_examples"]
