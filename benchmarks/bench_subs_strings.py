"""Subtitles and app strings through the document layer: round trip, codes, structure, cost.

Per file (the fixtures of tests/test_subtitles.py and tests/test_appstrings.py: two real
public app-string files, rails-i18n's ko.yml and jspaint's ko translation.json, excerpts,
MIT; and hand-made Korean SRT/WebVTT/JSON/YAML, since real Korean subtitles with a licence
are scarce):

- round trip: ``translate_file`` with the copy translator gives the same bytes back;
- codes kept: inline codes and placeholders of the translated units found in the English
  (same data, same count), out of all;
- structure: SRT read by the ``srt`` library and WebVTT by webvtt-py give the same cue
  numbers/identifiers and timings before and after; JSON/YAML give the same key paths
  (``ko`` root read as ``en``, English plural keys the layer added listed apart);
- format ms: what the format module itself costs (read + render, no translation);
- overhead: seconds of the document run over seconds of translating the same sentences as
  plain text with the same translator (best of ``--reps`` each, interleaved; goal at most
  1.15). Times are CPU seconds of this process (all its threads), not wall time: on a
  shared machine wall times of one run vary by 2x. The document run also splits sentences
  with Kiwi and, for units with codes, asks the engine for attention to place them.

    python benchmarks/bench_subs_strings.py --model resources/models/ko-en-small
"""
from __future__ import annotations

import io
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "tests"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import yaml  # noqa: E402
from copyengine import identity_round_trip  # noqa: E402

from benchmarks.common import header, parser, setup, table  # noqa: E402
from documents import read_document, translate_file  # noqa: E402
from documents.model import Code, UnitState  # noqa: E402
from documents.translate_doc import ALIGNERS  # noqa: E402
from translate.pipeline import Translator  # noqa: E402
from translate.segment import Segment  # noqa: E402

FIX = ROOT / "tests" / "fixtures"
FILES = ["subtitles/interview.ko.srt", "subtitles/lecture.ko.vtt",
         "appstrings/i18next.ko.json", "appstrings/jspaint.ko.json",
         "appstrings/rails-own.ko.yml", "appstrings/rails-i18n.ko.yml"]


def structure(name: str, before: bytes, after: bytes) -> tuple[bool, str]:
    """(same structure, what was added)."""
    if name.endswith(".srt"):
        import srt
        a, b = (list(srt.parse(x.decode())) for x in (before, after))
        return [(c.index, c.start, c.end) for c in a] == [(c.index, c.start, c.end)
                                                          for c in b], ""
    if name.endswith(".vtt"):
        import webvtt
        a, b = (webvtt.from_buffer(io.StringIO(x.decode())) for x in (before, after))
        return ([(c.identifier, c.start, c.end) for c in a] ==
                [(c.identifier, c.start, c.end) for c in b]
                and len(a.styles) == len(b.styles)), ""
    load = json.loads if name.endswith(".json") else yaml.safe_load
    old, new = load(before.decode()), load(after.decode())

    def paths(node, path=()):
        if isinstance(node, dict):
            for k, v in node.items():
                k = {"ko": "en"}.get(k, k) if not path else k
                yield (*path, str(k))
                yield from paths(v, (*path, str(k)))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from paths(v, (*path, str(i)))

    p_old, p_new = list(paths(old)), list(paths(new))
    added = [p for p in p_new if p not in set(p_old)]
    plural = all(p[-1] == "one" or p[-1].endswith("_one") for p in added)
    kept_order = [p for p in p_new if p not in set(added)] == p_old
    return kept_order and plural, f"+{len(added)} plural" if added else ""


def codes_kept(document) -> tuple[int, int]:
    kept = total = 0
    for unit in document.units:
        if unit.state is not UnitState.FILL or unit.target is None:
            continue
        want = Counter((p.kind, p.data) for p in unit.source if isinstance(p, Code))
        got = Counter((p.kind, p.data) for p in unit.target if isinstance(p, Code))
        if unit.handle is not None and getattr(unit.handle, "count", None):
            want.pop(next((k for k in want if k[1] == unit.handle.count), None), None)
        total += sum(want.values())
        kept += sum(min(n, got[k]) for k, n in want.items())
    return kept, total


def main() -> None:
    p = parser(__doc__.split("\n", 1)[0])
    p.add_argument("--reps", type=int, default=3, help="timed runs per file (default 3)")
    p.add_argument("--aligner", choices=ALIGNERS, default="attention",
                   help="how the layer places codes (default attention, as the CLI)")
    args = p.parse_args()
    s = setup(args)
    translator = Translator(s.files, glossary=args.glossary, intra_threads=args.threads,
                            beam_size=args.beam, max_batch_size=args.batch)
    header("Subtitles and app strings (bench_subs_strings)", args, s, aligner=args.aligner)
    translate_file(FIX / FILES[0], translator)      # warm up: Kiwi, the engine
    rows = []
    sums = {"doc": 0.0, "plain": 0.0, "sentences": 0}
    for rel in FILES:
        path = FIX / rel
        data = path.read_bytes()
        identity = identity_round_trip(data, path.name).data == data
        doc_times, plain_times, result = [], [], None
        t0 = time.process_time()
        for _ in range(20):
            read_document(data, path.name).render()
        format_ms = (time.process_time() - t0) / 20 * 1000
        for _ in range(args.reps):
            t0 = time.process_time()
            result = translate_file(path, translator, aligner=args.aligner)
            doc_times.append(time.process_time() - t0)
            segments = [Segment(i, seg.source, i, seg.line or 0, path.name)
                        for i, seg in enumerate(result.segments, start=1)]
            t0 = time.process_time()
            list(translator.translate_segments(segments))
            plain_times.append(time.process_time() - t0)
        assert result is not None
        kept, total = codes_kept(result.document)
        same, added = structure(path.name, data, result.data)
        doc, plain = min(doc_times), min(plain_times)
        sums["doc"] += doc
        sums["plain"] += plain
        sums["sentences"] += len(result.segments)
        fit = sum(q.code == "subtitle-fit" for u in result.document.units for q in u.qa)
        rows.append([rel, result.counts["filled"], result.counts["skipped"],
                     len(result.segments), "yes" if identity else "NO",
                     f"{kept}/{total}", ("yes" if same else "NO") + (f" ({added})" if added
                                                                      else ""),
                     fit, format_ms, doc, plain, doc / plain if plain else float("nan")])
    rows.append(["all", "", "", sums["sentences"], "", "", "", "", "", sums["doc"],
                 sums["plain"], sums["doc"] / sums["plain"]])
    print(table(["file", "filled", "skipped", "sentences", "round trip", "codes kept",
                 "structure", "fit warnings", "format ms", "doc cpu s", "plain cpu s", "overhead"],
                rows, digits=2))


if __name__ == "__main__":
    main()
