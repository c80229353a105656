"""WebVTT (``.vtt``): the ``WEBVTT`` header, NOTE/STYLE/REGION blocks and cues (optional
identifier, timing line with settings, payload).

Read with a small reader of our own rather than webvtt-py: webvtt-py rebuilds the file from
its cue objects when saving, so header text, NOTE/STYLE/REGION blocks, identifiers, cue
settings and line ends are not guaranteed to come back as they were. Here only the payload
lines of translated cues are replaced in the original text; everything else is the file's
own bytes, except a YouTube-style ``Language: ko`` header line, which becomes ``en`` once
something was translated (as HTML ``lang`` and the Rails ``ko:`` root do). Character
references (``&amp;``, ``&lt;``, ``&nbsp;``) are decoded for the translator and the English
is escaped again. Cue handling is ``documents.cues``.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from bitext.errors import InputError

from ..cues import Cue, prepare, render_cues, units_for
from ..model import DocumentOptions, Unit
from ..textdata import TextData, read_text_data, split_lines
from .srt import max_line_length, overlap_warnings

EXTENSIONS = (".vtt",)

TIME = r"(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})"
TIMING = re.compile(rf"^{TIME}[ \t]+-->[ \t]+{TIME}(?:[ \t]+(.*))?$")
HEADER = re.compile(r"^WEBVTT(?:[ \t].*)?$")
SPECIAL = re.compile(r"^(?:NOTE|STYLE|REGION)(?:[ \t].*)?$")
LANGUAGE = re.compile(r"^(Language:[ \t]*)(ko(?:[-_]KR)?)[ \t]*$", re.I)   # YouTube's header
ENGLISH = {"ko": "en", "ko-kr": "en-US", "ko_kr": "en_US"}


def seconds(h: str | None, m: str, s: str, ms: str) -> float:
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def stamp(t: float) -> str:
    ms = round(t * 1000)
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass
class VttDocument:
    name: str
    data: TextData
    units: list[Unit]
    max_len: int
    language: tuple[int, int] | None = None    # the "ko" of a "Language: ko" header line
    format: str = "vtt"
    warnings: list[str] = field(default_factory=list)

    def render(self) -> bytes:
        text = render_cues(self.data.text, self.units, self.max_len, escape=escape)
        if self.language is not None and text != self.data.text:
            start, end = self.language   # the header precedes every cue: offsets still hold
            text = text[:start] + ENGLISH[text[start:end].lower()] + text[end:]
        return self.data.encode(text)


def read(data: bytes, name: str, options: DocumentOptions) -> VttDocument:
    text_data = read_text_data(data, name)
    text = text_data.text
    lines = split_lines(text)
    warnings: list[str] = [text_data.warning] if text_data.warning else []

    def at(k: int) -> str:
        return text[lines[k][0]:lines[k][1]]

    if not lines or not HEADER.match(at(0)):
        raise InputError("not a WebVTT file: the first line must be WEBVTT", name, 1)
    i = 1
    language = None
    while i < len(lines) and at(i).strip():        # header lines up to the first blank
        m = LANGUAGE.match(at(i))
        if m:
            language = (lines[i][0] + m.start(2), lines[i][0] + m.end(2))
        i += 1
    cues: list[Cue] = []
    while i < len(lines):
        if not at(i).strip():
            i += 1
            continue
        first = i
        while i < len(lines) and at(i).strip():
            i += 1
        block = list(range(first, i))
        head = at(block[0])
        if SPECIAL.match(head) and "-->" not in head:
            continue                               # NOTE / STYLE / REGION: kept verbatim
        k = 0 if "-->" in head else 1
        if k == 1 and (len(block) < 2 or "-->" not in at(block[1])):
            warnings.append(f"line {first + 1}: a block that is neither a cue nor "
                            "NOTE/STYLE/REGION; left as it is")
            continue
        m = TIMING.match(at(block[k]).strip())
        if not m:
            raise InputError(f"malformed timing {at(block[k]).strip()[:60]!r} (expected "
                             "[HH:]MM:SS.mmm --> [HH:]MM:SS.mmm [settings])", name,
                             block[k] + 1)
        g = m.groups()
        body = block[k + 1:]
        if not body:
            continue
        cue = Cue(head.strip() if k else "", seconds(*g[0:4]), seconds(*g[4:8]),
                  [at(j) for j in body], body[0] + 1,
                  (lines[body[0]][0], lines[body[-1]][1]), lines[body[0]][2] or "\n")
        prepare(cue, html.unescape)
        cues.append(cue)
    warnings += overlap_warnings(cues, stamp)
    return VttDocument(name, text_data, units_for(cues, html.unescape),
                       max_line_length(options), language, warnings=warnings)
