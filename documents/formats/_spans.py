"""What the HTML and Markdown modules share: units cut out of a text by character offsets and
written back by splicing, so that everything outside the translated text stays as it was.

A unit's ``handle`` is a :class:`Spliced`: the span of the source text the unit replaces and,
for each code, the span of source markup the code stands for. Writing a code back means
copying its span again, with any edit that lies inside it applied (an ``alt`` attribute
inside an ``<img>`` code, a ``lang`` inside a ``<span>`` code), so the edits nest.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from documents.model import Code, CodeKind, Content, Unit


@dataclass
class Spliced:
    """Where a unit sits in the source text: ``start``/``end``, and each code's span by key."""

    start: int
    end: int
    codes: dict[tuple[str, CodeKind], tuple[int, int]] = field(default_factory=dict)
    escape: Callable[[str], str] | None = None     # how this unit's text is escaped, if not
                                                   # the format's usual way (an attribute)
    lead_escape: Callable[[str], str] | None = None  # for text that begins a line (where
                                                     # Markdown reads a list marker): the
    breaks: frozenset[tuple[str, CodeKind]] = frozenset()   # unit's start, after these codes


def changed(unit: Unit) -> bool:
    """True when the unit has a target that differs from its source (else: copy the bytes)."""
    return unit.target is not None and tuple(unit.target) != tuple(unit.source)


Edit = tuple[int, int, Callable[[], str]]


def space_glued(source: Content, target: Content, is_word: Callable[[Code], bool]) -> Content:
    """A code that is a word of its own (a code span, ``<code>…</code>``) gets a space where the
    English glues a letter to it: Korean glues particles to it (`` `myapp`인 ``), English
    must not (`` `myapp`example ``). Where the source had Latin letters or digits glued to
    it already (`` `v`1 ``), the English may keep them glued."""
    def latin(ch: str) -> bool:
        return ch.isascii() and ch.isalnum()

    glued: set[tuple[str, str]] = set()          # (code id, "before"/"after") glued to Latin
    for n, part in enumerate(source):
        if isinstance(part, Code):
            before = source[n - 1] if n else None
            after = source[n + 1] if n + 1 < len(source) else None
            if isinstance(before, str) and latin(before[-1:]):
                glued.add((part.id, "before"))
            if isinstance(after, str) and latin(after[:1]):
                glued.add((part.id, "after"))
    out: list[str | Code] = []
    for n, part in enumerate(target):
        if isinstance(part, Code) and is_word(part):
            if out and isinstance(out[-1], str) and out[-1][-1:].isalnum() \
                    and (part.id, "before") not in glued:
                out[-1] += " "
            out.append(part)
            after = target[n + 1] if n + 1 < len(target) else None
            if isinstance(after, str) and after[:1].isalnum() \
                    and (part.id, "after") not in glued:
                out.append(" ")
        elif isinstance(part, str) and out and isinstance(out[-1], str):
            out[-1] += part
        else:
            out.append(part)
    return tuple(out)


class Splicer:
    """Writes ``text`` back with edits (start, end, producer) applied, nested edits included.

    Edits never partly overlap: each lies inside a code span of an enclosing edit or beside
    it. ``copy(start, end)`` is what a producer calls to write a code's source markup.
    """

    def __init__(self, text: str, edits: list[Edit]):
        self.text = text
        self.edits = sorted(edits, key=lambda e: (e[0], -e[1]))

    def copy(self, start: int, end: int, outer: tuple[int, int] | None = None) -> str:
        out: list[str] = []
        pos = start
        for es, ee, produce in self.edits:
            if es < pos or ee > end or (es, ee) == outer:
                continue
            out.append(self.text[pos:es])
            out.append(produce())
            pos = ee
        out.append(self.text[pos:end])
        return "".join(out)

    def render(self) -> str:
        return self.copy(0, len(self.text))


def unit_writer(splicer_ref: list[Splicer], unit: Unit, escape: Callable[[str], str],
                tidy: Callable[[Content, Content], Content] | None = None
                ) -> Callable[[], str]:
    """A producer that writes ``unit.target`` (through ``tidy(source, target)``, the format's
    last spacing fixes): text escaped, each code as its spliced span."""
    def produce() -> str:
        handle: Spliced = unit.handle
        splicer = splicer_ref[0]
        write = handle.escape or escape
        out: list[str] = []
        line_start = True
        target = unit.target or ()
        for part in tidy(unit.source, target) if tidy else target:
            if isinstance(part, Code):
                line_start = (part.id, part.kind) in handle.breaks
                span = handle.codes.get((part.id, part.kind))
                if span is None:            # a code the layer invented: write its data
                    out.append(part.data)
                else:
                    out.append(splicer.copy(span[0], span[1], (handle.start, handle.end)))
            else:
                lead = line_start and handle.lead_escape is not None
                out.append(handle.lead_escape(part) if lead and handle.lead_escape else
                           write(part))
                line_start = False
        return "".join(out)
    return produce

