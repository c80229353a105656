"""The document layer's attention pass: how many sentences take it, and its CPU time.

The other overhead benchmarks time a whole document against plain text; on a machine shared
with other work their ratio moves by more than the pass costs. This one counts and times the
pass itself, on the documents those benchmarks use (the subtitle and app-string fixtures,
the HTML/Markdown fixtures up to ``--n`` sentences a format, the bold + ``{name}`` document of
``bench_doc_overhead.py``, the DOCX of ``bench_docx.py``), each translated once per repeat
with one translator (best of ``--repeats``):

- sentences; *with codes*: translated sentences with a code inside (the pass's candidates);
- *pass*: sentences the forced-decoding pass ran on;
- *pipeline cpu s*: CPU seconds of ``Translator.translate_segments`` (translation, terms);
- *pass cpu s*: CPU seconds of the pass (``documents.translate_doc._attention``);
- *pass / pipeline*: what the pass adds to the engine's work.

CPU seconds of this process (all its threads). The counters wrap the layer's functions by
name, so the same script measures an older checkout (``PYTHONPATH=old/ python …``).

    python benchmarks/bench_attention_pass.py --model resources/models/ko-en-small
"""
from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "tests", ROOT / "benchmarks"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from benchmarks.common import header, parser, sentence_budget, setup, table  # noqa: E402
from documents import read_document, translate_document  # noqa: E402
from documents import translate_doc as layer  # noqa: E402
from documents.model import Document, Unit  # noqa: E402
from translate.pipeline import Translator  # noqa: E402

FIX = ROOT / "tests" / "fixtures"
SUBS = ["subtitles/interview.ko.srt", "subtitles/lecture.ko.vtt", "appstrings/i18next.ko.json",
        "appstrings/jspaint.ko.json", "appstrings/rails-own.ko.yml",
        "appstrings/rails-i18n.ko.yml"]
HTMLMD = {"html": ["htmlmd/httpd-ko-cgi_path.html", "htmlmd/httpd-ko-bind.html"],
          "markdown": ["htmlmd/k8s-ko-names.md", "htmlmd/k8s-ko-components.md"]}


class Counters:
    """CPU time of the pipeline and of the pass, and the sentences each saw."""

    def __init__(self, translators: Iterable[Translator]) -> None:
        self.pipeline = self.attention = 0.0
        self.candidates = self.passed = 0
        for t in translators:
            t.translate_segments = self._timed(t.translate_segments)  # type: ignore[method-assign]
        self._attention_fn = layer._attention
        self._needs = layer._needs_alignment
        layer._attention = self._timed_attention  # type: ignore[assignment]
        layer._needs_alignment = self._counted_needs  # type: ignore[assignment]

    def _timed(self, translate: Callable[[Iterable[Any]], Iterator[Any]]
               ) -> Callable[[Iterable[Any]], Iterator[Any]]:
        def segments(items: Iterable[Any]) -> Iterator[Any]:
            start = time.process_time()
            out = list(translate(items))
            self.pipeline += time.process_time() - start
            return iter(out)
        return segments

    def _timed_attention(self, engine: Any, results: list[Any]) -> Any:
        start = time.process_time()
        out = self._attention_fn(engine, results)
        self.attention += time.process_time() - start
        self.passed += len(results)
        return out

    def _counted_needs(self, plan: Any, i: int, inside: dict[int, list[Any]]) -> bool:
        r = plan.sentences[i].result
        self.candidates += bool(inside.get(i)) and r.translation != r.source
        return self._needs(plan, i, inside)

    def reset(self) -> None:
        self.pipeline = self.attention = 0.0
        self.candidates = self.passed = 0



PRESS = ROOT / "resources" / "termtest" / "press-glossary.yaml"   # as the last two benchmarks


def documents(n: int) -> dict[str, tuple[bool, Callable[[], list[Document]]]]:
    """Each set: whether it uses the press glossary, and a function that reads its
    documents afresh (units are filled in place)."""
    from bench_doc_overhead import marked
    from bench_docx import build
    from bench_docx import sentences as press

    from benchmarks.common import load_termtest
    from documents.model import UnitsDocument

    def files(names: list[str], budget: int | None = None) -> list[Document]:
        out, left = [], budget
        for rel in names:
            doc = read_document((FIX / rel).read_bytes(), Path(rel).name)
            if left is not None:
                left -= sentence_budget(doc, left)
            out.append(doc)
        return out

    termtest = [r["source"] for r in load_termtest()][:n]
    docx = build(press(n))[0]
    return {
        "subtitles + app strings": (False, lambda: files(SUBS)),
        "html": (False, lambda: files(HTMLMD["html"], n)),
        "markdown": (False, lambda: files(HTMLMD["markdown"], n)),
        "bold + {name} (bench_doc_overhead)": (True, lambda: [UnitsDocument(
            "overhead", [Unit(str(k), marked(s, k)) for k, s in enumerate(termtest)], [])]),
        "docx (bench_docx)": (True, lambda: [read_document(docx, "press.docx")]),
    }


def main() -> None:
    p = parser(__doc__.split("\n", 1)[0], n=100)
    p.add_argument("--repeats", type=int, default=2, help="runs per set, best kept")
    args = p.parse_args()
    s = setup(args)
    translator = Translator(s.files, glossary=args.glossary, intra_threads=args.threads,
                            beam_size=args.beam, max_batch_size=args.batch)
    press = Translator(translator.engine, glossary=PRESS, beam_size=args.beam,
                       max_batch_size=args.batch)
    header("The attention pass (bench_attention_pass)", args, s, n=args.n,
           repeats=args.repeats)
    sets = documents(min(args.n, 200))
    for doc in sets["subtitles + app strings"][1]():       # warm up: Kiwi, the engine
        translate_document(translator, doc)
    counters = Counters([translator, press])
    rows = []
    for name, (uses_press, make) in sets.items():
        user = press if uses_press else translator
        best: tuple[float, float, int, int, int] | None = None
        for _ in range(args.repeats):
            counters.reset()
            sentences = 0
            for doc in make():
                sentences += len(translate_document(user, doc).segments)
            got = (counters.pipeline, counters.attention, counters.candidates,
                   counters.passed, sentences)
            best = got if best is None else (min(best[0], got[0]), min(best[1], got[1]),
                                             *got[2:])
        assert best is not None
        pipeline, attention, candidates, passed, sentences = best
        rows.append([name, sentences, candidates, passed, f"{pipeline:.2f}",
                     f"{attention:.2f}", f"{100 * attention / max(pipeline, 1e-9):.0f}%"])
    print(table(["set", "sentences", "with codes", "pass", "pipeline cpu s", "pass cpu s",
                 "pass / pipeline"], rows))


if __name__ == "__main__":
    main()
