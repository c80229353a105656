"""What a format module hands the document layer, and what it gets back.

A file is read into translatable **units**: text interleaved with **inline codes**, opaque
stand-ins for markup (paired start/end, or standalone) that carry their original data.
Everything outside the units stays with the format module, verbatim, and only the module
knows how to write a unit's target back. The document layer (``documents.translate_doc``)
never sees markup: it translates the text between codes through the ordinary pipeline and
puts every code back into the English.

A format module (``documents/formats/NAME.py``) provides:

    EXTENSIONS: tuple[str, ...]            # lower-case, with the dot: (".po", ".pot")
    def read(data: bytes, name: str, options: DocumentOptions) -> Document

``read`` raises :class:`bitext.errors.InputError` with the file name and line for input it
cannot read (malformed, truncated, a bomb). The returned document's ``units`` lists every
unit in file order, each already classified (``UnitState``): the layer translates only the
``FILL`` ones, counts the rest, and then calls ``render()``, which returns the whole file with
each translated unit's ``target`` written back (and nothing else changed).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol

from bitext.qa.issue import QAIssue
from bitext.records import AlignedSegment


class CodeKind(str, Enum):
    OPEN = "open"          # start of a paired code (<b>, <g id="1">, a Word run's start)
    CLOSE = "close"        # its end; shares the id of its OPEN
    ISOLATED = "isolated"  # standalone (<br/>, <x/>, an image, a field, a placeholder)

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Code:
    """An inline code: opaque markup inside translatable text.

    ``id`` is unique within its unit for isolated codes; an OPEN and its CLOSE share one id.
    ``data`` is whatever the format module needs to write the code back (the original
    markup, usually); the layer never interprets it. A ``placeholder`` code stands for text
    that must appear verbatim in the English (``{name}``, ``%s``, a URL): its ``data`` is
    that text, and formats that store codes as plain text write it back as it was.
    """

    id: str
    kind: CodeKind
    data: str = ""
    placeholder: bool = False


Content = tuple["str | Code", ...]
"""A unit's text: strings and codes in reading order (adjacent strings are allowed)."""


def plain_text(content: Content) -> str:
    """The text of a content without its codes (what the sentence splitter sees)."""
    return "".join(part for part in content if isinstance(part, str))


def joined(parts: Iterable[str | Code]) -> Content:
    """A content with adjacent strings made one (runs merged, a space added beside a code)."""
    out: list[str | Code] = []
    for part in parts:
        if isinstance(part, str) and out and isinstance(out[-1], str):
            out[-1] += part
        else:
            out.append(part)
    return tuple(out)


class UnitState(str, Enum):
    FILL = "fill"    # to be translated
    KEEP = "keep"    # already translated, reviewed, locked, … (left as it is)
    SKIP = "skip"    # nothing to translate: no Korean, translate="no", whitespace only

    def __str__(self) -> str:
        return self.value


@dataclass
class Unit:
    """One translatable unit: an XLIFF segment, a PO entry, an HTML block, a subtitle cue."""

    id: str                          # the format's id for it, else "" (the line locates it)
    source: Content
    line: int | None = None          # 1-based line of the file where the unit's text starts
    column: int | None = None        # 1-based column there, where the format has lines
    state: UnitState = UnitState.FILL
    reason: str = ""                 # why it is kept or skipped, for the report
    placeholders: bool = True        # protect {name}, %s, URLs… in its text strings
    max_lines: int | None = None     # re-wrap the English to this many lines (subtitles)
    handle: Any = None               # private to the format module: where the target goes
    # filled by the document layer:
    target: Content | None = None
    segments: list[AlignedSegment] = field(default_factory=list)
    qa: list[QAIssue] = field(default_factory=list)   # unit-level findings (``tags``)

    @property
    def confidence(self) -> float | None:
        """How far to trust the unit's English: its least confident sentence (None when no
        sentence has a confidence, e.g. nothing was translated)."""
        scores = [s.confidence for s in self.segments if s.confidence is not None]
        return min(scores) if scores else None

    @property
    def location(self) -> str:
        """``line:column`` where the file has lines, else the unit id."""
        if self.line is not None:
            return f"{self.line}:{self.column}" if self.column is not None else str(self.line)
        return self.id


@dataclass
class DocumentOptions:
    """What the user said about a file, beyond its bytes.

    ``source_lang``/``target_lang`` accept a file labelled with other languages (a
    mislabelled XLIFF); ``None`` means the file must say Korean→English where it says
    anything. Format-specific choices go in ``extra`` under documented names (``keys`` for
    app strings, ``front_matter_keys`` for Markdown, ``max_line_length`` for subtitles).
    """

    source_lang: str | None = None
    target_lang: str | None = None
    overwrite: bool = False          # also re-translate units that already have a target
    mark_fuzzy: bool = False         # PO: mark filled entries ``#, fuzzy``
    extra: dict[str, Any] = field(default_factory=dict)


class Document(Protocol):
    """A file read by a format module."""

    name: str
    format: str                      # the format module's name: "xliff", "po", "docx", …
    units: list[Unit]
    warnings: list[str]              # best-effort notes for the report ("line 3: …")

    def render(self) -> bytes:
        """The whole file, each unit with a ``target`` written back, nothing else changed."""
        ...


@dataclass
class UnitsDocument:
    """A document made in code from units, for callers that have no file (benchmarks, a
    server's snippet): ``render`` has nothing to write back, the units' targets are the
    result."""

    name: str
    units: list[Unit]
    warnings: list[str] = field(default_factory=list)
    format: str = "units"

    def render(self) -> bytes:
        return b""
