"""Markdown documents (``.md``, ``.markdown``): CommonMark with GFM tables and strikethrough,
read with markdown-it-py (the parser the skeleton check renders with too) and written back by
splicing, so that every byte outside the translated text stays as it was.

markdown-it gives source lines for blocks only; inline tokens carry no positions. The reader
finds them itself: each inline token's text is located on its block's source lines, and its
children (text, emphasis, links, code spans…) are matched one after another against that
text, so every code knows the exact source markup it stands for. A block whose inline text
cannot be placed that way is left untranslated, with a warning, rather than guessed at.

Translated: paragraphs, headings, list items, blockquotes and table cells (each inline text
is one unit), link text and image alt text; emphasis, strikethrough, links, images, inline
HTML, hard breaks and Hugo/Jekyll shortcodes inside them become inline codes (a paired
shortcode, ``{{< note >}}…{{< /note >}}``, is an OPEN/CLOSE pair and the text between is
translated). Untouched: code blocks, code spans, link targets and titles, image paths, HTML
blocks, link reference definitions, shortcodes and their arguments (and the body of the code
shortcodes ``highlight`` and ``code``), heading ids ``{#id}``, footnote
references ``[^1]`` and task boxes ``- [ ]`` (Goldmark's extensions, which markdown-it's
CommonMark would read as text and the writer would escape), front matter keys, and front matter
values except those of the keys in ``options.extra["front_matter_keys"]`` (default ``title``
and ``description``; top-level string values of YAML ``---`` or TOML ``+++`` front matter);
a front matter ``lang``, ``language`` or ``locale`` that says Korean becomes ``en`` once
anything is translated, as HTML's ``lang`` does.

A translated paragraph is written on one line (its soft line breaks become spaces, as a
renderer shows them); hard breaks keep their line and its prefix. Front matter opened with
``---`` whose next line is a ``key:`` (or opened with ``+++``) and never closed is an error,
one line, exit 2: Hugo and Jekyll refuse such a file too, and reading it as Markdown would
translate its keys. A ``---`` followed by anything else is a thematic break, as CommonMark
says.
"""
from __future__ import annotations

import bisect
import codecs
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.common.utils import normalizeReference
from markdown_it.helpers import parseLinkDestination, parseLinkTitle
from markdown_it.token import Token
from mdit_py_plugins.deflist import deflist_plugin

from bitext.errors import InputError
from bitext.files import decode
from documents.formats._spans import (
    Edit,
    Spliced,
    Splicer,
    changed,
    space_glued,
    unit_writer,
)
from documents.model import Code, CodeKind, Content, DocumentOptions, Unit
from documents.text import classify

EXTENSIONS = (".md", ".markdown")
NAME = "markdown"  # what --input-format and the report call this format
FRONT_MATTER_KEYS = ("title", "description")
LANG_KEYS = ("lang", "language", "locale")    # ko… becomes en, as HTML's lang does
MASK = "\ue000"          # stands in for a shortcode while markdown-it parses (same length)
# Bodies kept as code. Not Liquid's ``raw``: it only stops Liquid from running the tags in
# its body, which is still Markdown prose (the Django Girls tutorial wraps whole Korean
# paragraphs in it to show ``{% for %}`` in code spans); its tags become codes like any other.
CODE_SHORTCODES = frozenset({"highlight", "code"})
_SHORTCODE = re.compile(
    r"\{\{<(?:(?!\n[ \t]*\n).){0,2000}?>\}\}|\{\{%(?:(?!\n[ \t]*\n).){0,2000}?%\}\}"
    r"|\{%(?:(?!\n[ \t]*\n).){0,2000}?%\}|\{\{(?:(?!\n[ \t]*\n).){0,2000}?\}\}"
    r"|\{#[A-Za-z][\w:.-]*\}"                    # a heading id: ## 이름 {#names}
    r"|\[\^[^\]\s]{1,100}\]", re.S)                  # a footnote (Goldmark): 본문[^1]
_TASK_BOX = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(\[[ xX]\])(?=[ \t])", re.M)
_SHORTCODE_NAME = re.compile(r"\{[{%][<%]?-?\s*(/|end)?\s*([\w.-]+)")
_SELF_CLOSING = re.compile(r"/\s*[>%]\}\}$")
_SOFTBREAK = re.compile(r"[ \t]*\n[ \t]*")
_HARDBREAK = re.compile(r"[ \t]*\\?\n[ \t]*")
_BREAK_CODE = re.compile(r"[ \t]*\\?\r?\n[ \t>]*")     # a hard break code's text (with prefix)
_MASKED_RUN = re.compile(MASK + "+")
_ESCAPE = re.compile(r"([\\`*_\[\]<>|~#])")
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
_BLOCK_START = re.compile(r"^(?:([-+=])|(\d{1,9})([.)])(?=\s|$))")
_DELIMITER = re.compile(r"^(?:[*_]{1,3}|~~)$")
_HTML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)\b[^>]*?(/?)>$")
_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())
_FENCE = {"---": "yaml", "+++": "toml"}
_YAML_KEY = re.compile(r"^[\w\"'][^:\n]*:(\s|$)")
_TOML_KEY = re.compile(r"""^([A-Za-z0-9_-]+)[ \t]*=[ \t]*("(?:[^"\\\n]|\\.)*"|'[^'\n]*')"""
                       r"""[ \t]*(?:#.*)?$""")


def parser() -> MarkdownIt:
    """CommonMark, GFM tables and strikethrough, and definition lists (Hugo's Goldmark has
    them, and Korean Hugo docs use them: without, a term and its definition would be read as
    one paragraph and written back on one line)."""
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(deflist_plugin)


def _located_parser() -> MarkdownIt:
    # text_join off: escapes and entities stay separate tokens, so text tokens are verbatim
    return parser().disable("text_join")


# ----------------------------------------------------------------------------- the document

@dataclass
class MarkdownDoc:
    name: str
    text: str
    bom: bool
    units: list[Unit] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    format: str = NAME
    lang_spans: list[tuple[int, int, Callable[[str], str]]] = field(default_factory=list)

    def render(self) -> bytes:
        ref: list[Splicer] = []
        edits: list[Edit] = [(u.handle.start, u.handle.end,
                              unit_writer(ref, u, _escape, _tidy))
                             for u in self.units if changed(u)]
        if edits:
            edits += [(s, e, partial(write, "en")) for s, e, write in self.lang_spans]
        ref.append(Splicer(self.text, edits))
        return (("\ufeff" if self.bom else "") + ref[0].render()).encode("utf-8")


def _escape(text: str) -> str:
    """English text made literal Markdown: markup characters backslash-escaped, one line."""
    text = _ENTITY_LIKE.sub("&amp;", _ESCAPE.sub(r"\\\1", text.replace("\n", " ")))
    return text[:-1] + "\\!" if text.endswith("!") else text   # ! before a link's [ : image


def _escape_block_start(text: str) -> str:
    """Also keep text that begins a line from starting a list, a rule or a setext underline."""
    m = _BLOCK_START.match(text)
    if not m:
        return _escape(text)
    if m.group(1):
        return "\\" + m.group(1) + _escape(text[1:])
    return m.group(2) + "\\" + m.group(3) + _escape(text[m.end():])


def _tidy(source: Content, target: Content) -> Content:
    """The English's codes made to read back as they were: spaces moved out of emphasis, and a
    space between two codes that would run together (`` `a``b` `` is one code span, ``*a**b*``
    one run where a closing met an opening), and between a code span and a letter glued to
    it."""
    parts = _drop_edge_breaks(_drop_empty_emphasis(
        list(space_glued(source, _tight_emphasis(target), lambda code: code.placeholder))))
    out: list[str | Code] = []
    for part in parts:
        if (isinstance(part, Code) and out and isinstance(out[-1], Code) and out[-1].data
                and part.data and out[-1].data[-1] == part.data[0] and part.data[0] in "`*_~"
                and not _same_side(out[-1], part)):
            out.append(" ")
        out.append(part)
    return tuple(out)


def _drop_empty_emphasis(parts: list[str | Code]) -> list[str | Code]:
    """Emphasis the English left empty (more pairs than English words to wrap: ``*가나*다라*``
    as one word) is dropped: ``**`` with nothing inside is not emphasis but two literal
    asterisks on the page."""
    out: list[str | Code] = []
    for part in parts:
        if (isinstance(part, Code) and part.kind is CodeKind.CLOSE and out
                and isinstance(out[-1], Code) and out[-1].kind is CodeKind.OPEN
                and out[-1].id == part.id and _DELIMITER.match(part.data)):
            out.pop()
            continue
        out.append(part)
    return out


def _drop_edge_breaks(parts: list[str | Code]) -> list[str | Code]:
    """A hard line break the English put before all its words or after them is dropped: a
    paragraph cannot start with one (``  \n`` first leaves an empty line and the indented
    rest may read as code), and one at the end is no break at all."""
    def is_break(part: str | Code) -> bool:
        return (isinstance(part, Code) and part.kind is CodeKind.ISOLATED
                and _BREAK_CODE.fullmatch(part.data) is not None)

    words = [i for i, part in enumerate(parts) if not (isinstance(part, str)
                                                       and not part.strip())]
    drop = set()
    for order, around in ((words, CodeKind.OPEN), (words[::-1], CodeKind.CLOSE)):
        for i in order:                 # breaks before the first word (openings between
            part = parts[i]             # them do not count), then after the last one
            if is_break(part):
                drop.add(i)
            elif not (isinstance(part, Code) and part.kind is around):
                break
    return [part for i, part in enumerate(parts) if i not in drop]


def _same_side(a: Code, b: Code) -> bool:
    """Two openings (``*`` then ``**``) or two closings: one delimiter run, as in
    ``***both***``, read back as the same nesting. A space between them would make the
    opening run no opening at all (``* **x** *`` is literal asterisks)."""
    return a.kind is b.kind and a.kind in (CodeKind.OPEN, CodeKind.CLOSE)


def _tight_emphasis(target: Content) -> Content:
    """Spaces moved out of emphasis: ``** HVAC **`` is no emphasis to Markdown, so a space the
    English has just inside an opening or closing delimiter goes just outside it."""
    parts = list(target)
    for i, part in enumerate(parts):
        if not (isinstance(part, Code) and _DELIMITER.match(part.data)):
            continue
        if part.kind is CodeKind.OPEN and i + 1 < len(parts) and isinstance(parts[i + 1], str):
            after = str(parts[i + 1])
            stripped = after.lstrip()
            if stripped != after:
                parts[i + 1] = stripped
                if i > 0 and isinstance(parts[i - 1], str):
                    parts[i - 1] = str(parts[i - 1]) + after[:len(after) - len(stripped)]
                else:
                    parts.insert(i, after[:len(after) - len(stripped)])
                    return _tight_emphasis(tuple(parts))
        elif part.kind is CodeKind.CLOSE and i > 0 and isinstance(parts[i - 1], str):
            before = str(parts[i - 1])
            stripped = before.rstrip()
            if stripped != before:
                parts[i - 1] = stripped
                if i + 1 < len(parts) and isinstance(parts[i + 1], str):
                    parts[i + 1] = before[len(stripped):] + str(parts[i + 1])
                else:
                    parts.insert(i + 1, before[len(stripped):])
                    return _tight_emphasis(tuple(parts))
    return tuple(p for p in parts if p != "")


# ----------------------------------------------------------------------------- front matter

def _keys(options: DocumentOptions) -> tuple[str, ...]:
    keys = options.extra.get("front_matter_keys", FRONT_MATTER_KEYS)
    if isinstance(keys, str):
        keys = [k.strip() for k in keys.split(",")]
    return tuple(k for k in keys if k)


def _front_matter(text: str, name: str) -> tuple[str, int, int, int] | None:
    """(kind, start, end of its text, end of the closing line) of front matter, or None."""
    first = text.split("\n", 1)[0].rstrip("\r \t")
    kind = _FENCE.get(first)
    if kind is None:
        return None
    start = text.index("\n") + 1 if "\n" in text else len(text)
    pos = start
    closers = ("---", "...") if kind == "yaml" else ("+++",)
    while pos < len(text):
        nl = text.find("\n", pos)
        end = len(text) if nl < 0 else nl + 1
        if text[pos:end].rstrip("\r\n \t") in closers:
            return kind, start, pos, end
        pos = end
    second = text[start:].split("\n", 1)[0]
    if kind == "toml" or _YAML_KEY.match(second):
        raise InputError(f"front matter opened with {first!r} is never closed", name, 1)
    return None                          # a thematic break, then Markdown


@dataclass
class _Value:
    key: str
    value: str
    start: int
    end: int
    write: Callable[[str], str]


def _yaml_values(fm: str, offset: int, keys: Sequence[str], name: str) -> list[_Value]:
    try:
        node = yaml.compose(fm, Loader=yaml.SafeLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = 2 + mark.line if mark is not None else 1
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise InputError(f"front matter is not valid YAML: {problem}", name, line) from None
    values: list[_Value] = []
    if not isinstance(node, yaml.MappingNode):
        return values
    for key, value in node.value:
        if not (isinstance(key, yaml.ScalarNode) and key.value in keys
                and isinstance(value, yaml.ScalarNode)
                and value.tag == "tag:yaml.org,2002:str"):
            continue
        start, end = value.start_mark.index, value.end_mark.index
        span = fm[start:end]
        end -= len(span) - len(span.rstrip("\r\n"))       # block scalars end after a newline
        values.append(_Value(key.value, value.value, offset + start, offset + end,
                             _yaml_writer(value.style)))
    return values


def _yaml_writer(style: str | None) -> Callable[[str], str]:
    def write(text: str) -> str:
        text = " ".join(text.split())
        if style is None and text:
            try:
                if yaml.safe_load(f"k: {text}") == {"k": text}:
                    return text
            except yaml.YAMLError:
                pass
        if style == "'":
            return "'" + text.replace("'", "''") + "'"
        return json.dumps(text, ensure_ascii=False)     # a valid YAML double-quoted scalar
    return write


def _toml_values(fm: str, offset: int, keys: Sequence[str], name: str) -> list[_Value]:
    try:
        import tomllib
    except ImportError:                                   # Python 3.10: values still found
        pass
    else:
        try:
            tomllib.loads(fm)
        except tomllib.TOMLDecodeError as e:
            m = re.search(r"line (\d+)", str(e))
            raise InputError(f"front matter is not valid TOML: {str(e).split(' (at')[0]}",
                             name, 1 + int(m.group(1)) if m else 1) from None
    values: list[_Value] = []
    pos = 0
    for line in fm.splitlines(keepends=True):
        if line.lstrip().startswith("["):
            break                                          # tables: not top-level any more
        m = _TOML_KEY.match(line.rstrip("\r\n"))
        if m and m.group(1) in keys:
            raw = m.group(2)
            value = json.loads(raw) if raw[0] == '"' else raw[1:-1]
            quote = raw[0]
            values.append(_Value(m.group(1), value, offset + pos + m.start(2),
                                 offset + pos + m.end(2), _toml_writer(quote)))
        pos += len(line)
    return values


def _toml_writer(quote: str) -> Callable[[str], str]:
    def write(text: str) -> str:
        text = " ".join(text.split())
        if quote == "'" and "'" not in text:
            return f"'{text}'"
        return json.dumps(text, ensure_ascii=False)     # a valid TOML basic string
    return write


# ----------------------------------------------------------------------------- shortcodes

@dataclass
class _Shortcode:
    start: int
    end: int
    name: str
    closing: bool
    paired: bool                   # could open a pair (not self-closing, not a closer)


def _shortcodes(text: str, start: int) -> list[_Shortcode]:
    found: list[_Shortcode] = []
    for m in _SHORTCODE.finditer(text, start):
        n = _SHORTCODE_NAME.match(m.group())
        name = n.group(2) if n else ""
        closing = bool(n and n.group(1))
        found.append(_Shortcode(m.start(), m.end(), name, closing,
                                not closing and not _SELF_CLOSING.search(m.group())))
    for m in _TASK_BOX.finditer(text, start):              # - [ ] a GFM task: the box stays
        if not any(sc.start <= m.start(1) < sc.end for sc in found):
            found.append(_Shortcode(m.start(1), m.end(1), "", False, False))
    return sorted(found, key=lambda sc: sc.start)


def _masked(text: str, body: int, shortcodes: list[_Shortcode]) -> str:
    """The text markdown-it parses: front matter blanked, shortcodes (and the bodies of code
    shortcodes) replaced by MASK, line breaks kept, every offset unchanged."""
    chars = list(text)
    for i in range(body):
        if chars[i] not in "\r\n":
            chars[i] = " "
    spans = [(s.start, s.end) for s in shortcodes]
    for i, sc in enumerate(shortcodes):              # highlight/code bodies: untouched
        if sc.name in CODE_SHORTCODES and sc.paired:
            for later in shortcodes[i + 1:]:
                if later.closing and later.name in (sc.name, "end" + sc.name):
                    spans.append((sc.end, later.start))
                    break
    for s, e in spans:
        for i in range(s, e):
            if chars[i] not in "\r\n":
                chars[i] = MASK
    masked = "".join(chars)
    # markdown-it turns CRLF into LF; a space for each CR keeps the offsets (and the meaning)
    return masked.replace("\r\n", " \n").replace("\r", "\n")


# ----------------------------------------------------------------------------- inline text

class _NotLocated(Exception):
    pass


@dataclass
class _Piece:
    kind: str                      # "text" or a CodeKind value
    text: str = ""                 # text: what the unit says
    start: int = 0                 # code: its source span
    end: int = 0
    code_id: str = ""
    pair: tuple[str, bool] | None = None     # (name, closes) of a shortcode or HTML tag
    line_break: bool = False                 # a hard break: the text after it begins a line
    placeholder: bool = False


class _Inline:
    """Matches an inline token's children against its text, giving each code its source."""

    def __init__(self, content: str, idx: list[int], masked: str,
                 shortcodes: list[_Shortcode], references: set[str]):
        self.content = content
        self.idx = idx                # content offset → source offset (one past the end too)
        self.masked = masked
        self.shortcodes = shortcodes
        self.references = references
        self.pieces: list[_Piece] = []
        self.next_id = 0
        self.stack: list[str] = []

    def _id(self) -> str:
        self.next_id += 1
        return str(self.next_id)

    def _expect(self, cur: int, text: str) -> int:
        if not self.content.startswith(text, cur):
            raise _NotLocated(f"expected {text!r}")
        return cur + len(text)

    def _code(self, kind: CodeKind, a: int, b: int, code_id: str = "",
              placeholder: bool = False) -> None:
        self.pieces.append(_Piece(kind.value, start=self.idx[a], end=self._src_end(b),
                                  code_id=code_id or self._id(), placeholder=placeholder))

    def _src_end(self, b: int) -> int:
        return self.idx[b - 1] + 1 if b > 0 else self.idx[0]

    def walk(self, children: list[Token], cur: int = 0) -> int:
        i = 0
        while i < len(children):
            tok = children[i]
            kind = tok.type
            if kind == "text":
                end = self._expect(cur, tok.content)
                self._text(cur, end)
                cur = end
            elif kind == "text_special":
                cur = self._expect(cur, tok.markup)
                self.pieces.append(_Piece("text", tok.content))
            elif kind == "softbreak":
                m = _SOFTBREAK.match(self.content, cur)
                if not m:
                    raise _NotLocated("soft break")
                self.pieces.append(_Piece("text", " "))
                cur = m.end()
            elif kind == "hardbreak":
                m = _HARDBREAK.match(self.content, cur)
                if not m:
                    raise _NotLocated("hard break")
                # the code runs to the next line's text: its container prefix goes with it
                self.pieces.append(_Piece(CodeKind.ISOLATED.value, start=self.idx[cur],
                                          end=self.idx[m.end()], code_id=self._id(),
                                          line_break=True))
                cur = m.end()
            elif kind == "code_inline":
                ticks = tok.markup
                start = cur
                cur = self._expect(cur, ticks)
                close = re.compile(f"(?<!`){ticks}(?!`)").search(self.content, cur)
                if not close:
                    raise _NotLocated("code span")
                cur = close.end()
                self._code(CodeKind.ISOLATED, start, cur, placeholder=True)
            elif kind in ("em_open", "strong_open", "s_open"):
                code_id = self._id()
                self.stack.append(code_id)
                end = self._expect(cur, tok.markup)
                self._code(CodeKind.OPEN, cur, end, code_id)
                cur = end
            elif kind in ("em_close", "strong_close", "s_close"):
                end = self._expect(cur, tok.markup)
                if not self.stack:
                    raise _NotLocated("closing emphasis")
                self._code(CodeKind.CLOSE, cur, end, self.stack.pop())
                cur = end
            elif kind == "link_open" and tok.markup == "autolink":
                start = cur
                cur = self._expect(cur, "<")
                gt = self.content.find(">", cur)
                if gt < 0:
                    raise _NotLocated("autolink")
                cur = gt + 1
                self._code(CodeKind.ISOLATED, start, cur, placeholder=True)
                while i < len(children) and children[i].type != "link_close":
                    i += 1
            elif kind == "link_open":
                code_id = self._id()
                self.stack.append(code_id)
                end = self._expect(cur, "[")
                self._code(CodeKind.OPEN, cur, end, code_id)
                cur = end
            elif kind == "link_close":
                if not self.stack:
                    raise _NotLocated("link end")
                end = self._tail(cur)
                self._code(CodeKind.CLOSE, cur, end, self.stack.pop())
                cur = end
            elif kind == "image":
                code_id = self._id()
                end = self._expect(cur, "![")
                self._code(CodeKind.OPEN, cur, end, code_id)
                cur = self.walk(tok.children or [], end)
                end = self._tail(cur)
                self._code(CodeKind.CLOSE, cur, end, code_id)
                cur = end
            elif kind == "html_inline":
                end = self._expect(cur, tok.content)
                self._code(CodeKind.ISOLATED, cur, end)
                tag = _HTML_TAG.match(tok.content)
                if tag and not tag.group(3) and tag.group(2).lower() not in _VOID:
                    self.pieces[-1].pair = (tag.group(2).lower(), bool(tag.group(1)))
                cur = end
            else:
                raise _NotLocated(f"unexpected {kind}")
            i += 1
        return cur

    def _text(self, a: int, b: int) -> None:
        """Plain text, with each masked shortcode in it turned into a code."""
        pos = a
        for m in _MASKED_RUN.finditer(self.content, a, b):
            if m.start() > pos:
                self.pieces.append(_Piece("text", self.content[pos:m.start()]))
            src_a, src_b = self.idx[m.start()], self._src_end(m.end())
            for sc in self.shortcodes:
                if sc.end <= src_a or sc.start >= src_b:
                    continue
                s, e = max(src_a, sc.start), min(src_b, sc.end)
                whole = (s, e) == (sc.start, sc.end)
                pair = None
                if whole and (sc.paired or sc.closing):
                    pair = (sc.name.removeprefix("end") if sc.closing else sc.name, sc.closing)
                self.pieces.append(_Piece(CodeKind.ISOLATED.value, start=s, end=e,
                                          code_id=self._id(), pair=pair))
                src_a = e
            if src_a < src_b:                       # a code shortcode's masked body
                self.pieces.append(_Piece(CodeKind.ISOLATED.value, start=src_a, end=src_b,
                                          code_id=self._id()))
            pos = m.end()
        if pos < b:
            self.pieces.append(_Piece("text", self.content[pos:b]))

    def _tail(self, cur: int) -> int:
        """The end of a link's ``](destination "title")`` or ``][label]`` after its text."""
        text, end = self.content, len(self.content)
        cur = self._expect(cur, "]")
        if cur < end and text[cur] == "(":
            pos = cur + 1
            while pos < end and text[pos] in " \t\n":
                pos += 1
            res = parseLinkDestination(text, pos, end)
            if res.ok:
                pos = res.pos
                start = pos
                while pos < end and text[pos] in " \t\n":
                    pos += 1
                title = parseLinkTitle(text, pos, end)
                if pos < end and start != pos and title.ok:
                    pos = title.pos
                    while pos < end and text[pos] in " \t\n":
                        pos += 1
            if pos < end and text[pos] == ")":
                return pos + 1
        if cur < end and text[cur] == "[":
            close = text.find("]", cur + 1)
            if close >= 0:
                label = text[cur + 1:close]
                if not label or normalizeReference(label) in self.references:
                    return close + 1
        return cur


def _pair(pieces: list[_Piece]) -> None:
    """A shortcode or HTML tag opened and closed inside one text: an OPEN/CLOSE pair (not two
    lone codes) where the pair nests with the emphasis and links around it."""
    stack: list[_Piece] = []             # OPEN codes and pair candidates, innermost last
    for piece in pieces:
        if piece.kind == CodeKind.OPEN.value:
            stack.append(piece)
        elif piece.kind == CodeKind.CLOSE.value:
            while stack and stack[-1].kind != CodeKind.OPEN.value:
                stack.pop()              # candidates never closed inside the pair
            if stack:
                stack.pop()
        elif piece.pair is not None:
            name, closes = piece.pair
            if not closes:
                stack.append(piece)
                continue
            for j in range(len(stack) - 1, -1, -1):
                opener = stack[j]
                if opener.kind == CodeKind.OPEN.value:
                    break                # it would close across an emphasis: stays alone
                if opener.pair is not None and opener.pair[0] == name:
                    opener.kind, piece.kind = CodeKind.OPEN.value, CodeKind.CLOSE.value
                    piece.code_id = opener.code_id
                    del stack[j:]
                    break


# ----------------------------------------------------------------------------- reading

class _Reader:
    def __init__(self, doc: MarkdownDoc, masked: str, shortcodes: list[_Shortcode],
                 references: set[str]):
        self.doc = doc
        self.text = doc.text
        self.masked = masked
        self.shortcodes = shortcodes
        self.references = references
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", masked)]

    def where(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def _line(self, n: int) -> tuple[int, str]:
        """Start offset and text (without its line break) of 0-based line ``n``."""
        start = self.line_starts[n]
        end = self.line_starts[n + 1] - 1 if n + 1 < len(self.line_starts) else len(self.masked)
        return start, self.masked[start:end]

    def index(self, content: str, first_line: int, cells: bool, after: int) -> list[int]:
        """Source offset of each character of an inline token's text (and one past it)."""
        idx: list[int] = []
        lines = content.split("\n")
        for n, piece in enumerate(lines):
            start, line = self._line(first_line + n)
            core = piece.lstrip(" \t")
            lead = len(piece) - len(core)
            if cells:
                col = self._cell(line, core, max(0, after - start))
                positions = col
            else:
                body = line.rstrip(" \t") if n == len(lines) - 1 else line
                if body.endswith(core):
                    k = len(body) - len(core)
                else:
                    k = line.rfind(core)
                if k < 0 or (n == 0 and start + k < after):
                    raise _NotLocated("text not on its line")
                positions = list(range(k, k + len(core)))
            idx.extend([start + (positions[0] if positions else len(line))] * lead)
            idx.extend(start + p for p in positions)
            if n < len(lines) - 1:
                idx.append(start + len(line))               # the line break
        idx.append((idx[-1] + 1) if idx else after)
        for j, ch in enumerate(content):                    # the check that makes it safe
            if ch not in " \t\n|" and self.masked[idx[j]] != ch:
                raise _NotLocated("text differs from its line")
        return idx

    def _cell(self, line: str, core: str, after: int) -> list[int]:
        """Offsets in ``line`` of a table cell's text (``|`` in the text is ``\\|`` there)."""
        k = line.find(core.replace("|", "\\|"), after) if core else after
        if k < 0:
            raise _NotLocated("table cell")
        positions, p = [], k
        for ch in core:
            if ch == "|" and line[p] == "\\":
                p += 1
            positions.append(p)
            p += 1
        return positions

    def walk(self, tokens: list[Token]) -> None:
        row_pos: dict[int, int] = {}                 # table row line → where the last cell ended
        for i, tok in enumerate(tokens):
            if tok.type != "inline" or not tok.map or not tok.content.strip():
                continue
            parent = tokens[i - 1].type if i else ""
            cells = parent in ("th_open", "td_open")
            line0 = tok.map[0]
            after = row_pos.get(line0, self.line_starts[line0]) if cells else \
                self.line_starts[line0]
            try:
                idx = self.index(tok.content, line0, cells, after)
                inline = _Inline(tok.content, idx, self.masked, self.shortcodes,
                                 self.references)
                if inline.walk(tok.children or []) != len(tok.content):
                    raise _NotLocated("text left over")
            except (_NotLocated, IndexError) as e:
                line, _ = self.where(self.line_starts[line0])
                self.doc.warnings.append(f"line {line}: text left untranslated (could not "
                                         f"place its markup: {e})")
                continue
            if cells:
                row_pos[line0] = idx[-1]
            self._unit(inline, idx)

    def _unit(self, inline: _Inline, idx: list[int]) -> None:
        _pair(inline.pieces)
        source: list[str | Code] = []
        codes: dict[tuple[str, CodeKind], tuple[int, int]] = {}
        for piece in inline.pieces:
            if piece.kind == "text":
                if source and isinstance(source[-1], str):
                    source[-1] += piece.text
                else:
                    source.append(piece.text)
            else:
                kind = CodeKind(piece.kind)
                source.append(Code(piece.code_id, kind, self.text[piece.start:piece.end],
                                   placeholder=piece.placeholder))
                codes[(piece.code_id, kind)] = (piece.start, piece.end)
        start, end = idx[0], idx[-1]
        line, column = self.where(start)
        breaks = frozenset((p.code_id, CodeKind(p.kind)) for p in inline.pieces if p.line_break)
        handle = Spliced(start, end, codes, breaks=breaks, lead_escape=_escape_block_start)
        unit = classify(Unit(id="", source=tuple(source), line=line, column=column,
                             handle=handle))
        self.doc.units.append(unit)


def read(data: bytes, name: str, options: DocumentOptions) -> MarkdownDoc:
    """Read a Markdown file into units (see the module docstring for what is translated)."""
    decoded = decode(data, name)
    doc = MarkdownDoc(name=name, text=decoded.text, bom=data.startswith(codecs.BOM_UTF8))
    if decoded.notice:
        doc.warnings.append(f"line 1: {decoded.notice}")
    text = doc.text
    body = 0
    fm = _front_matter(text, name)
    if fm is not None:
        kind, start, end, body = fm
        reader = _yaml_values if kind == "yaml" else _toml_values
        keys = _keys(options)
        for value in reader(text[start:end], start, keys + LANG_KEYS, name):
            line = text.count("\n", 0, value.start) + 1
            if value.key in LANG_KEYS and value.key not in keys:
                if value.value.lower().startswith("ko"):
                    doc.lang_spans.append((value.start, value.end, value.write))
                continue
            unit = classify(Unit(id="", source=(" ".join(value.value.split()),), line=line,
                                 handle=Spliced(value.start, value.end, {}, value.write)))
            doc.units.append(unit)
    shortcodes = _shortcodes(text, body)
    masked = _masked(text, body, shortcodes)
    env: dict[str, Any] = {}
    tokens = _located_parser().parse(masked, env)
    references = set(env.get("references", {}))
    _Reader(doc, masked, shortcodes, references).walk(tokens)
    return doc
