"""Plain text: each non-empty line is a unit, written back line by line.

The simplest document, and the one the layer is tested on before richer formats: line ends
(LF, CRLF, CR, mixed) and blank lines are kept exactly, the encoding is the file's (UTF-8
with or without a byte-order mark, UTF-16 with one, CP949), and leading/trailing spaces of a
line stay outside the translation.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from bitext.files import decode
from documents.model import Code, DocumentOptions, Unit, UnitState
from documents.text import has_korean

EXTENSIONS = (".txt",)
_LINE = re.compile(r"([^\r\n]*)(\r\n|\r|\n|$)")
_BOMS = {"utf-8": b"\xef\xbb\xbf"}


@dataclass
class TextDocument:
    name: str
    lines: list[tuple[str, str]]           # (text, line end) in file order
    encoding: str
    bom: bytes
    units: list[Unit] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    format: str = "text"

    def render(self) -> bytes:
        lines = [text for text, _ in self.lines]
        for unit in self.units:
            if unit.target is not None:
                lead, trail = unit.handle
                body = "".join(p.data if isinstance(p, Code) else p for p in unit.target)
                lines[int(unit.id) - 1] = lead + body + trail
        text = "".join(t + end for t, (_, end) in zip(lines, self.lines))
        if self.encoding == "utf-16":
            return text.encode("utf-16")         # Python writes the BOM it read
        return self.bom + text.encode(self.encoding)


def read(data: bytes, name: str, options: DocumentOptions) -> TextDocument:
    decoded = decode(data, name)
    bom = _BOMS["utf-8"] if decoded.encoding == "utf-8" and data.startswith(_BOMS["utf-8"]) \
        else b""
    lines = [(m.group(1), m.group(2)) for m in _LINE.finditer(decoded.text)]
    if lines and lines[-1] == ("", ""):
        lines.pop()
    doc = TextDocument(name, lines, decoded.encoding, bom)
    if decoded.notice:
        doc.warnings.append(decoded.notice)
    for number, (text, _) in enumerate(lines, start=1):
        body = text.strip()
        if not body:
            continue
        lead = text[:len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()):]
        state = UnitState.FILL if has_korean(body) else UnitState.SKIP
        doc.units.append(Unit(id=str(number), source=(body,), line=number,
                              column=len(lead) + 1, state=state,
                              reason="" if state is UnitState.FILL else "no Korean",
                              handle=(lead, trail)))
    return doc
