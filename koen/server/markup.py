"""HTML and XML snippets (DeepL ``tag_handling``, LibreTranslate ``format=html``) as a
document of the document layer: block elements split units, inline elements become inline
codes, ``ignore_tags`` elements (and HTML ``script``/``style``) are kept verbatim.

The snippet is tokenised, not parsed into a tree: a request's markup may be a fragment, and
whatever is not text stays byte for byte as it came. Entities are decoded for translation
and the English is escaped again when written back.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from bitext.errors import InputError
from documents.model import Code, CodeKind, Content, Unit, UnitState

TOKEN = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<![^>]*>|</?[A-Za-z][^>]*>",
                   re.S)
NAME = re.compile(r"</?\s*([A-Za-z][\w:.-]*)")
HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
HTML_BLOCKS = frozenset(
    "address article aside blockquote body caption dd details dialog div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 head header hr html legend li main nav "
    "ol option p pre section summary table tbody td tfoot th thead title tr ul".split())
HTML_VOID = frozenset("area base br col embed hr img input link meta param source track "
                      "wbr".split())
HTML_RAW = frozenset({"script", "style", "template"})
MAX_DEPTH = 64      # inline elements open at once; deeper markup is refused, not recursed into


@dataclass
class _Tag:
    raw: str
    name: str
    kind: CodeKind


def _tag(raw: str, html_mode: bool) -> _Tag | None:
    m = NAME.match(raw)
    if not m:
        return None               # comment, CDATA, declaration, processing instruction
    name = m.group(1).lower() if html_mode else m.group(1)
    if raw.startswith("</"):
        return _Tag(raw, name, CodeKind.CLOSE)
    if raw.rstrip(">").rstrip().endswith("/") or (html_mode and name in HTML_VOID):
        return _Tag(raw, name, CodeKind.ISOLATED)
    return _Tag(raw, name, CodeKind.OPEN)


@dataclass
class MarkupDocument:
    """A markup snippet read into units; ``render`` writes the targets back."""

    name: str
    format: str
    units: list[Unit] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    parts: list[str | Unit] = field(default_factory=list)

    def render(self) -> bytes:
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            for item in part.target if part.target is not None else part.source:
                out.append(html.escape(item, quote=False) if isinstance(item, str) else item.data)
        return "".join(out).encode("utf-8")


def read_markup(text: str, mode: str, ignore_tags: frozenset[str] = frozenset(),
                splitting_tags: frozenset[str] = frozenset()) -> MarkupDocument:
    """``mode`` is ``html`` or ``xml``. In XML every tag is inline unless named in
    ``splitting_tags`` (DeepL's default without outline detection)."""
    html_mode = mode == "html"
    doc = MarkupDocument("request", mode)
    splitting = (HTML_BLOCKS if html_mode else frozenset()) | splitting_tags
    raw_elements = (HTML_RAW if html_mode else frozenset()) | ignore_tags
    buffer: list[tuple[str, str | Code]] = []     # (raw markup, content item)
    ids = 0

    def flush() -> None:
        nonlocal buffer
        content = [item for _, item in buffer]
        if any(isinstance(i, str) and HANGUL.search(i) for i in content):
            _emit_unit(doc, buffer)
        else:
            doc.parts.append("".join(raw for raw, _ in buffer))
        buffer = []

    pos = 0
    open_ids: list[tuple[str, str]] = []       # (tag name, code id) of unclosed inline tags
    tokens = list(TOKEN.finditer(text))
    i = 0
    while i < len(tokens) or pos < len(text):
        m = tokens[i] if i < len(tokens) else None
        start = m.start() if m else len(text)
        if start > pos:
            chunk = text[pos:start]
            buffer.append((chunk, html.unescape(chunk)))
        if m is None:
            break
        raw, pos, i = m.group(0), m.end(), i + 1
        tag = _tag(raw, html_mode)
        if tag is None:
            ids += 1
            buffer.append((raw, Code(f"c{ids}", CodeKind.ISOLATED, raw)))
            continue
        if tag.kind is CodeKind.OPEN and tag.name in raw_elements:
            depth, end = 1, pos          # keep the element whole: nothing inside is touched
            while i < len(tokens) and depth:
                t = _tag(tokens[i].group(0), html_mode)
                if t and t.name == tag.name:
                    depth += {CodeKind.OPEN: 1, CodeKind.CLOSE: -1}.get(t.kind, 0)
                end, i = tokens[i].end(), i + 1
            element = raw + text[pos:end] if depth == 0 else raw + text[pos:]
            pos = end if depth == 0 else len(text)
            if tag.name in splitting or tag.name in HTML_RAW:
                flush()
                doc.parts.append(element)
            else:
                ids += 1
                buffer.append((element, Code(f"c{ids}", CodeKind.ISOLATED, element)))
            continue
        if tag.name in splitting:
            flush()
            doc.parts.append(raw)
            open_ids = []
            continue
        if tag.kind is CodeKind.OPEN:
            if len(open_ids) >= MAX_DEPTH:
                raise InputError(f"markup nests more than {MAX_DEPTH} inline elements",
                                 "request", text.count("\n", 0, m.start()) + 1)
            ids += 1
            open_ids.append((tag.name, f"c{ids}"))
            buffer.append((raw, Code(f"c{ids}", CodeKind.OPEN, raw)))
        elif tag.kind is CodeKind.CLOSE and open_ids and open_ids[-1][0] == tag.name:
            buffer.append((raw, Code(open_ids.pop()[1], CodeKind.CLOSE, raw)))
        else:
            ids += 1
            buffer.append((raw, Code(f"c{ids}", CodeKind.ISOLATED, raw)))
    flush()
    return doc


def _emit_unit(doc: MarkupDocument, buffer: list[tuple[str, str | Code]]) -> None:
    """A unit from a buffer with text; its outer whitespace stays outside the unit. An OPEN
    whose CLOSE fell into another unit (or none) is made isolated, so every unit is balanced."""
    lead = trail = ""
    items = [item for _, item in buffer]
    if isinstance(items[0], str):
        stripped = items[0].lstrip()
        lead = buffer[0][0][:len(buffer[0][0]) - len(buffer[0][0].lstrip())]
        items[0] = stripped
    if isinstance(items[-1], str):
        stripped = items[-1].rstrip()
        raw = buffer[-1][0]
        trail = raw[len(raw.rstrip()):]
        items[-1] = stripped
    opened = {c.id for c in items if isinstance(c, Code) and c.kind is CodeKind.OPEN}
    closed = {c.id for c in items if isinstance(c, Code) and c.kind is CodeKind.CLOSE}
    content: Content = tuple(
        Code(c.id, CodeKind.ISOLATED, c.data)
        if isinstance(c, Code) and c.kind is not CodeKind.ISOLATED and not (
            c.id in opened and c.id in closed) else c
        for c in items if not (isinstance(c, str) and not c))
    unit = Unit(id=f"u{len(doc.units) + 1}", source=content, state=UnitState.FILL)
    doc.units.append(unit)
    doc.parts.extend([lead, unit, trail])
