"""Bilingual formats: one module per format that reads and/or writes it, and one registry.

``write_segments`` and ``read_bilingual`` are the two doors; the format comes from the caller,
else from the file's extension (the registry's, so a new format needs one module and one
line here).  Writes are atomic; reads are NFC and name the file and line of any problem,
because translations read back may be a vendor's and untrusted (XML through defusedxml).
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, TextIO

from bitext.errors import InputError
from bitext.files import STDIO, atomic_open, decode, read_bytes
from bitext.formats import html, jsonl, markdown, tmx, tsv, xliff
from bitext.formats.common import BilingualPair, Meta
from bitext.records import AlignedSegment
from bitext.xmlio import decode_xml, parse_xml

__all__ = ["FORMATS", "READ_BACK_FORMATS", "READ_FORMATS", "BilingualPair", "Format", "Meta",
           "extension_for", "format_for", "format_from_extension", "read_bilingual",
           "write_segments"]

Writer = Callable[[list[AlignedSegment], TextIO, Meta], None]


@dataclass(frozen=True)
class Format:
    name: str
    extensions: tuple[str, ...]
    writer: Writer
    module: ModuleType

    def write(self, segments: list[AlignedSegment], stream: TextIO, **meta: Any) -> None:
        """Write to an open stream; ``meta`` are :class:`Meta` fields (a typo is a TypeError)."""
        self.writer(segments, stream, Meta(**meta))

    @property
    def readable(self) -> bool:
        return hasattr(self.module, "read")

    def read(self, data: bytes, name: str, source_lang: str, target_lang: str
             ) -> list[BilingualPair]:
        if self.name in ("tmx", "xliff"):
            root, lines = parse_xml(data, name)
            return self.module.read(root, lines, name, source_lang, target_lang)
        return self.module.read(decode(data, name).text, name)


FORMATS: dict[str, Format] = {
    m.NAME: Format(m.NAME, m.EXTENSIONS, m.write, m)
    for m in (tsv, jsonl, tmx, xliff, markdown, html)
}
READ_FORMATS = tuple(name for name, f in FORMATS.items() if f.readable)
READ_BACK_FORMATS = ("md", "html")   # opened by people: they follow the input's line ends


def format_from_extension(path: str | os.PathLike) -> str | None:
    """The format a file name implies, or None (stdin/stdout and unknown endings)."""
    if str(path) == STDIO:
        return None
    suffix = Path(path).suffix.lower()
    return next((f.name for f in FORMATS.values() if suffix in f.extensions), None)


def extension_for(fmt: str) -> str:
    """The file suffix a format is written with (``xliff`` → ``.xlf``)."""
    return FORMATS[fmt].extensions[0]


def format_for(path: str, explicit: str | None = None) -> str:
    """The output format: ``explicit`` if given, else from the extension; stdout is TSV."""
    if explicit:
        fmt = explicit.lower()
        if fmt not in FORMATS:
            raise InputError(f"unknown format {explicit!r} (choose from "
                             f"{', '.join(FORMATS)})", path)
        return fmt
    if str(path) == STDIO:
        return "tsv"
    found = format_from_extension(path)
    if found is None:
        raise InputError("cannot tell the output format from the file name; name it "
                         f"{', '.join('.' + f for f in FORMATS)} or pass a format", path)
    return found


def write_segments(segments: list[AlignedSegment], path: str, fmt: str | None = None,
                   newline: str = "\n", **meta: Any) -> None:
    """Write ``segments`` to ``path`` (``-`` = stdout) atomically in ``fmt`` (or inferred).

    ``newline`` (the input's, see :attr:`bitext.files.DecodedText.newline`) applies to the
    formats a person opens (:data:`READ_BACK_FORMATS`: TSV in a spreadsheet, Markdown, HTML),
    so a Windows user's CRLF file comes back CRLF; TMX, XLIFF and JSONL stay LF, which every
    XML and JSON reader expects.
    """
    name = format_for(path, fmt)
    writer = FORMATS[name]
    Meta(**meta)                 # a bad keyword fails before the old file is at risk
    if newline not in ("\n", "\r\n"):
        raise ValueError(f"newline must be LF or CRLF, not {newline!r}")
    ends = newline if name in READ_BACK_FORMATS else "\n"
    if getattr(writer, "OWN_LINE_ENDS", False):   # TSV: CRLF rows as RFC 4180 has them
        ends = ""                                 # (a translating stream would double the CR)
    with atomic_open(path, "w", encoding="utf-8", newline=ends) as stream:
        writer.write(segments, stream, **meta)  # type: ignore[arg-type]  # text mode


def read_bilingual(path: str | os.PathLike, fmt: str | None = None, *,
                   source_lang: str = "ko", target_lang: str = "en") -> list[BilingualPair]:
    """Source/translation pairs of a bilingual file, NFC-normalised, in file order.

    ``fmt`` is one of :data:`READ_FORMATS`; without it the extension decides, and failing
    that the first character (``<`` XML, ``{`` JSONL, else TSV).  The language codes only
    matter for TMX and XLIFF, which name the language of each side.
    """
    name = str(path)
    data = read_bytes(path)
    fmt = (fmt or format_from_extension(path) or _sniff(data)).lower()
    if fmt not in READ_FORMATS:
        raise InputError(f"cannot read {fmt!r} as a bilingual file (choose from "
                         f"{', '.join(READ_FORMATS)})", name)
    pairs = FORMATS[fmt].read(data, name, source_lang.lower(), target_lang.lower())
    if not pairs and fmt in ("tmx", "xliff"):
        raise InputError(f"no {source_lang}/{target_lang} segment pairs in this {fmt} file",
                         name)
    return pairs


def _sniff(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:2] in (b"<\x00", b"\x00<"):
        try:
            data = decode_xml(data[:8192], "<sniff>").text.encode("utf-8")
        except InputError:                       # cut inside a character: it is XML anyway
            return "xliff"
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head == b"{":
        return "jsonl"
    if head == b"<":
        return "tmx" if re.search(rb"<tmx[\s>]", data[:4096]) else "xliff"
    return "tsv"
