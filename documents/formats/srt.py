"""SubRip (``.srt``): numbered cues, ``HH:MM:SS,mmm --> HH:MM:SS,mmm``, text lines.

Read with a small reader of our own rather than the ``srt`` library: ``srt.compose`` writes
cues back normalised (renumbered, timestamps reformatted, blank lines collapsed, CRLF lost),
which breaks the byte-equal round trip, and ``srt.parse`` skips what it cannot read where a
user needs the file and line. Here only the text lines of translated cues are replaced in
the original text; numbers, timings, coordinates, blank lines, BOM and CRLF stay as they
were. Cue handling (tags as codes, cross-cue sentences, re-wrapping) is ``documents.cues``.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bitext.errors import InputError

from ..cues import MAX_LINE_LENGTH, Cue, prepare, render_cues, units_for
from ..model import DocumentOptions, Unit
from ..textdata import TextData, read_text_data, split_lines

EXTENSIONS = (".srt",)

TIME = r"(\d{1,3}):(\d{1,2}):(\d{1,2})[,.](\d{1,3})"
TIMING = re.compile(rf"^\s*{TIME}\s*-->\s*{TIME}(?:\s+.*)?\s*$")   # (X1:… Y2:… allowed)
NUMBER = re.compile(r"^\s*\d+\s*$")


def seconds(h: str, m: str, s: str, ms: str) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms.ljust(3, "0")) / 1000


def stamp(t: float) -> str:
    ms = round(t * 1000)
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


def max_line_length(options: DocumentOptions) -> int:
    value = options.extra.get("max_line_length", MAX_LINE_LENGTH)
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise InputError(f"max_line_length must be a whole number, not {value!r}") from None
    if n < 1:
        raise InputError(f"max_line_length must be at least 1, not {n}")
    return n


def _called(cue: Cue) -> str:
    return f"cue {cue.ident}" if cue.ident else f"the cue at line {cue.line - 1}"


def overlap_warnings(cues: list[Cue], fmt: Callable[[float], str] = stamp) -> list[str]:
    """Cues that start before the previous one ends: kept as they are, translated alone
    (``documents.cues.continues`` never joins them), and named in the report."""
    out = []
    for a, b in zip(cues, cues[1:]):
        if b.start < a.end:
            out.append(f"line {b.line - 1}: {_called(b)} starts at {fmt(b.start)}, before "
                       f"{_called(a)} ends ({fmt(a.end)}); timings kept, the cue is "
                       "translated on its own")
    for c in cues:
        if c.end < c.start:
            out.append(f"line {c.line - 1}: {_called(c)} ends before it starts; timings kept")
    return out


@dataclass
class SrtDocument:
    name: str
    data: TextData
    units: list[Unit]
    max_len: int
    format: str = "srt"
    warnings: list[str] = field(default_factory=list)

    def render(self) -> bytes:
        return self.data.encode(render_cues(self.data.text, self.units, self.max_len))


def read(data: bytes, name: str, options: DocumentOptions) -> SrtDocument:
    text_data = read_text_data(data, name)
    text = text_data.text
    lines = split_lines(text)
    cues: list[Cue] = []
    warnings: list[str] = [text_data.warning] if text_data.warning else []
    i = 0
    while i < len(lines):
        start, end, _ = lines[i]
        if not text[start:end].strip():
            i += 1
            continue
        block_start = i
        while i < len(lines) and text[lines[i][0]:lines[i][1]].strip():
            i += 1
        block = lines[block_start:i]
        first = text[block[0][0]:block[0][1]]
        ident, k = "", 0
        if NUMBER.match(first) and len(block) > 1:
            ident, k = first.strip(), 1
        timing_line = text[block[k][0]:block[k][1]]
        m = TIMING.match(timing_line)
        if not m:
            if "-->" in timing_line or k == 1:
                raise InputError(f"malformed timing {timing_line.strip()[:60]!r} (expected "
                                 "HH:MM:SS,mmm --> HH:MM:SS,mmm)", name, block_start + k + 1)
            if NUMBER.match(first):   # a lone number: a cue cut short at the end of the file
                raise InputError(f"cue {first.strip()} has no timing line", name,
                                 block_start + 1)
            warnings.append(f"line {block_start + 1}: text outside any cue (a blank line "
                            "inside a cue?); left as it is")
            continue
        g = m.groups()
        body = block[k + 1:]
        if not body:
            continue
        cue = Cue(ident, seconds(*g[:4]), seconds(*g[4:]),
                  [text[s:e] for s, e, _ in body], block_start + k + 2,
                  (body[0][0], body[-1][1]), body[0][2] or "\n")
        prepare(cue)
        cues.append(cue)
    warnings += overlap_warnings(cues)
    return SrtDocument(name, text_data, units_for(cues), max_line_length(options),
                       warnings=warnings)
