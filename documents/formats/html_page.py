"""HTML pages (``.html``, ``.htm``, ``.xhtml``) read into units and written back by splicing.

Why Python's ``html.parser`` and not lxml or html5lib: the page must come back byte for byte
outside the translated text, so the reader needs the source position of every tag, and only
``html.parser`` gives those (lxml gives a line at best; html5lib and selectolax give none).
Its tokenizer follows the HTML5 tokenizer rules, so invalid markup (unclosed ``<p>``,
unquoted attributes, stray ``</b>``, a ``<`` in text) is tokenized as a browser does.
It builds no tree, and none is needed: a unit is a run of text and *inline* elements, and
any other tag (a block, a table cell, a tag this module does not know) ends the run,
whatever tree a browser would make around it. The tests check the result with html5lib,
the reference HTML5 tree builder: the element tree without its text is the same before and
after translation.

What is translated: each run of text between block boundaries (inline elements such as
``<b>``, ``<a>``, ``<br>``, ``<img>`` become inline codes); ``title``, ``alt``,
``placeholder`` and ``aria-label`` attributes, ``<title>`` and ``<meta name="description">``
(and its Open Graph / Twitter twins), each its own unit. Untouched: ``<script>``, ``<style>``,
``<pre>``, ``<code>``, ``<kbd>``, ``<samp>``, ``<textarea>``, ``<svg>``, ``<math>`` and
every element with ``translate="no"`` or class ``notranslate``, with all they contain (an
inline one inside a sentence is one code; ``translate="yes"`` inside them is not honoured).
``lang="ko…"`` becomes ``lang="en"`` once anything is translated. The page is read in the
encoding it declares (a ``<meta charset>``, ``http-equiv`` or XML declaration; EUC-KR means
Windows-949, as browsers read it), else UTF-8, else CP949; it is always written as UTF-8,
with the declaration changed to say so.
"""
from __future__ import annotations

import bisect
import codecs
import html
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

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
from documents.model import Code, CodeKind, Content, DocumentOptions, Unit, UnitState
from documents.text import classify

EXTENSIONS = (".html", ".htm", ".xhtml")
NAME = "html"  # what --input-format and the report call this format

INLINE = frozenset("""a abbr acronym b bdi bdo big br cite data del dfn em font i img input
ins label mark nobr q rp rt ruby s small span strike strong sub sup time tt u var wbr""".split())
UNTOUCHED = frozenset("script style pre code kbd samp textarea svg math".split())
VOID = frozenset("""area base br col embed hr img input keygen link meta param source track
wbr""".split())
ATTRIBUTES = frozenset({"title", "alt", "placeholder", "aria-label"})
META_NAMES = frozenset({"description", "og:title", "og:description", "twitter:title",
                        "twitter:description"})
_NOT_SHOWN = frozenset({"link", "meta", "base", "script", "style"})   # a title here names a
                                                                     # stylesheet, not text
MAX_CODES = 500          # a "sentence" with more inline codes than this is markup, not prose
_SPACE = re.compile(r"[ \t\n\r\f]+")
_KOREAN_LABELS = frozenset("""euc-kr cseuckr csksc56011987 iso-ir-149 korean ks_c_5601-1987
ks_c_5601-1989 ksc5601 ksc_5601 windows-949 cp949 uhc x-windows-949""".split())
_LATIN1_LABELS = frozenset("iso-8859-1 latin1 l1 ascii us-ascii iso8859-1 cp819".split())
_DECLARED = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)"""
    rb"""|<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_CHARSET_IN_CONTENT = re.compile(r"(charset\s*=\s*)([^\s;\"']+)", re.I)
_XML_ENCODING = re.compile(r"""(encoding\s*=\s*["'])([^"']+)""")
_UNFINISHED = re.compile(r"<[!?/A-Za-z]")
_TAG_NAME = re.compile(r"</?[^\s/>]*")
_ATTR = re.compile(r"""[\s/]*([^\s/>][^\s/=>]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]*))?""")


# ----------------------------------------------------------------------------- reading bytes

def _codec_for(label: str) -> str | None:
    label = label.lower()
    if label in _KOREAN_LABELS:
        return "cp949"
    if label in _LATIN1_LABELS:
        return "cp1252"                       # as browsers read "iso-8859-1"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _decode(data: bytes, name: str, warnings: list[str]) -> tuple[str, str, bool]:
    """(text, encoding, had a UTF-8 BOM): the declared charset first, as a browser does."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            text = data[3:].decode("utf-8", "strict")
        except UnicodeDecodeError as e:    # a browser goes by the mark: the page is garbled
            line = data[:3 + e.start].count(b"\n") + 1
            raise InputError(f"starts with a UTF-8 byte-order mark but is not UTF-8 (byte "
                             f"{e.object[e.start]:#04x}); save it again in one encoding",
                             name, line) from None
        return unicodedata.normalize("NFC", text), "utf-8", True
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode(data, name).text, "utf-16", True     # written as UTF-8 with its BOM
    declared = _DECLARED.search(data[:4096])
    if declared:
        label = (declared.group(1) or declared.group(2)).decode("ascii")
        codec = _codec_for(label)
        if codec is None:
            warnings.append(f"line 1: unknown charset {label!r}; read as UTF-8 or CP949")
        else:
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as e:
                line = data[:e.start].count(b"\n") + 1
                warnings.append(f"line {line}: declared {label} but is not; read as UTF-8 "
                                "or CP949")
            else:
                if "\x00" in text:
                    raise InputError("binary file (contains NUL bytes), not HTML", name,
                                     text[:text.index("\x00")].count("\n") + 1)
                return unicodedata.normalize("NFC", text), codec, False
    decoded = decode(data, name)
    if decoded.notice:
        warnings.append(f"line 1: {decoded.notice}")
    # a page that declared nothing and was not UTF-8 is written as UTF-8 with a byte-order
    # mark: the one signal every browser honours that adds no element to the page
    return decoded.text, decoded.encoding, decoded.encoding != "utf-8" and not declared


# ----------------------------------------------------------------------------- tokens

@dataclass
class _Token:
    kind: str                      # "start", "end", "text", "other"
    start: int
    end: int = 0
    tag: str = ""
    self_closing: bool = False


class _Tokenizer(HTMLParser):
    """``html.parser`` events with their source offsets (an event ends where the next begins)."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=False)
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.tokens: list[_Token] = []

    def _add(self, kind: str, tag: str = "", self_closing: bool = False) -> None:
        line, col = self.getpos()
        self.tokens.append(_Token(kind, self.line_starts[line - 1] + col, tag=tag,
                                  self_closing=self_closing))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add("start", tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add("start", tag, True)

    def handle_endtag(self, tag: str) -> None:
        self._add("end", tag)

    def handle_data(self, data: str) -> None:
        self._add("text")

    def handle_entityref(self, name: str) -> None:
        self._add("text")

    def handle_charref(self, name: str) -> None:
        self._add("text")

    def handle_comment(self, data: str) -> None:
        self._add("other")

    def handle_decl(self, decl: str) -> None:
        self._add("other")

    def handle_pi(self, data: str) -> None:
        self._add("other")

    def unknown_decl(self, data: str) -> None:
        self._add("other")


def _tokens(text: str) -> tuple[list[_Token], list[int]]:
    parser = _Tokenizer(text)
    parser.feed(text)
    parser.close()
    tokens = parser.tokens
    for this, following in zip(tokens, tokens[1:]):
        this.end = following.start
    if tokens:
        tokens[-1].end = len(text)
    # html.parser may report one piece of text in several calls: merge them. What it hands
    # over as text but starts like markup is what it could not finish at the end of the file
    # (``<!-- never closed``): a browser makes that a comment or drops it, never text.
    merged: list[_Token] = []
    tail = max((n for n, t in enumerate(tokens) if t.kind != "text"), default=-1) + 1
    unfinished = False
    for n, tok in enumerate(tokens):
        if tok.end <= tok.start:
            continue
        if tok.kind == "text" and (unfinished or _UNFINISHED.match(text, tok.start)):
            unfinished = unfinished or n >= tail        # the rest of the file is text too
            tok.kind = "other"
        if merged and tok.kind == "text" and merged[-1].kind == "text":
            merged[-1].end = tok.end
        else:
            merged.append(tok)
    return merged, parser.line_starts


@dataclass
class _Attr:
    name: str
    value: str                     # unescaped
    start: int                     # offsets of the value in the page (inside the quotes)
    end: int
    quote: str                     # '"', "'" or "" (unquoted)


def _attributes(raw: str, offset: int) -> list[_Attr]:
    """The attributes of a start tag with the offsets of their values."""
    attrs: list[_Attr] = []
    m = _TAG_NAME.match(raw)
    pos = m.end() if m else 1
    while True:
        m = _ATTR.match(raw, pos)
        if not m or m.end() == pos or m.group(1).startswith(">"):
            return attrs
        pos = m.end()
        value = m.group(2)
        if value is None:
            attrs.append(_Attr(m.group(1).lower(), "", offset + m.end(1), offset + m.end(1), ""))
            continue
        quote = value[0] if value[:1] in ("'", '"') else ""
        vs = offset + m.start(2) + len(quote)
        ve = offset + m.end(2) - len(quote)
        attrs.append(_Attr(m.group(1).lower(), html.unescape(value[len(quote):len(value)
                                                                    - len(quote)]),
                           vs, ve, quote))


# ----------------------------------------------------------------------------- the document

_WORD_ELEMENT = re.compile(r"<(?:code|kbd|samp|var)\b", re.I)


def _tidy(source: Content, target: Content) -> Content:
    """``<code>user.cgi</code>는`` is glued to its particle in Korean, not in English."""
    return space_glued(source, target, lambda code: code.kind is CodeKind.ISOLATED
                       and _WORD_ELEMENT.match(code.data) is not None)


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute_escape(quote: str) -> Callable[[str], str]:
    def escape(text: str) -> str:
        text = _escape_text(text).replace('"', "&quot;").replace("'", "&#39;")
        return text if quote else f'"{text}"'
    return escape


@dataclass
class HtmlPage:
    name: str
    text: str
    encoding: str
    bom: bool
    units: list[Unit] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    format: str = NAME
    lang_spans: list[tuple[int, int]] = field(default_factory=list)
    charset_spans: list[tuple[int, int]] = field(default_factory=list)

    def render(self) -> bytes:
        ref: list[Splicer] = []
        edits: list[Edit] = [(s, e, lambda: "utf-8") for s, e in self.charset_spans]
        touched = [u for u in self.units if changed(u)]
        if touched:
            edits += [(s, e, lambda: "en") for s, e in self.lang_spans]
        for unit in touched:
            edits.append((unit.handle.start, unit.handle.end,
                          unit_writer(ref, unit, _escape_text, _tidy)))
        ref.append(Splicer(self.text, edits))
        return (("\ufeff" if self.bom else "") + ref[0].render()).encode("utf-8")


# ----------------------------------------------------------------------------- the walk

@dataclass
class _Part:
    kind: str                      # "text" or a CodeKind value
    start: int
    end: int
    code_id: str = ""
    tag: str = ""


class _Reader:
    def __init__(self, page: HtmlPage, line_starts: list[int], source_lang: str | None = None):
        self.page = page
        self.source_lang = source_lang
        self.text = page.text
        self.line_starts = line_starts
        self.run: list[_Part] = []
        self.open: list[_Part] = []          # inline OPEN codes of the run, innermost last
        self.next_id = 0
        # an untouched element being skipped: tag, depth, its start, whether it began in a run
        self.skip: tuple[str, int, int, bool] | None = None
        self.skip_had_block = False

    # -- units
    def _where(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def _add_unit(self, source: Content, start: int, end: int,
                  codes: dict[tuple[str, CodeKind], tuple[int, int]],
                  escape: Callable[[str], str] | None = None) -> None:
        line, column = self._where(start)
        unit = classify(Unit(id="", source=source, line=line, column=column,
                             handle=Spliced(start, end, codes, escape)))
        n_codes = sum(1 for p in source if isinstance(p, Code))
        if unit.state is UnitState.FILL and n_codes > MAX_CODES:
            unit.state, unit.reason = UnitState.SKIP, f"{n_codes} inline codes"
            self.page.warnings.append(f"line {line}: text with {n_codes} inline codes "
                                      "left untranslated")
        self.page.units.append(unit)

    def flush(self) -> None:
        """The run of text and inline codes so far becomes a unit (trimmed of space)."""
        run, self.run, self.open = self.run, [], []
        if not any(p.kind == "text" and self.text[p.start:p.end].strip() for p in run):
            return
        closed = {p.code_id for p in run if p.kind == CodeKind.CLOSE}
        for part in run:                     # an OPEN never closed stands alone
            if part.kind == CodeKind.OPEN and part.code_id not in closed:
                part.kind = CodeKind.ISOLATED
        first_kept, last_kept = 0, len(run)
        while self._blank_edge(run[first_kept]):
            first_kept += 1
        while self._blank_edge(run[last_kept - 1]):
            last_kept -= 1
        run = run[first_kept:last_kept]
        first, last = run[0], run[-1]
        start, end = first.start, last.end
        if first.kind == "text":
            raw = self.text[first.start:first.end]
            start += len(raw) - len(raw.lstrip(" \t\n\r\f"))
        if last.kind == "text":
            raw = self.text[last.start:last.end]
            end -= len(raw) - len(raw.rstrip(" \t\n\r\f"))
        source: list[str | Code] = []
        codes: dict[tuple[str, CodeKind], tuple[int, int]] = {}
        for part in run:
            if part.kind == "text":
                raw = self.text[max(part.start, start):min(part.end, end)]
                piece = _SPACE.sub(" ", html.unescape(raw))
                if source and isinstance(source[-1], str):
                    source[-1] += piece
                else:
                    source.append(piece)
            else:
                kind = CodeKind(part.kind)
                source.append(Code(part.code_id, kind, self.text[part.start:part.end]))
                codes[(part.code_id, kind)] = (part.start, part.end)
        self._add_unit(tuple(source), start, end, codes)

    def _blank_edge(self, part: _Part) -> bool:
        """Space or a lone code: left outside the unit when it begins or ends the run."""
        return part.kind == CodeKind.ISOLATED or (
            part.kind == "text" and not self.text[part.start:part.end].strip(" \t\n\r\f"))

    def _code(self, kind: CodeKind, start: int, end: int, tag: str = "",
              code_id: str = "") -> _Part:
        if not code_id:
            self.next_id += 1
            code_id = str(self.next_id)
        part = _Part(kind.value, start, end, code_id, tag)
        self.run.append(part)
        return part

    # -- attributes
    def _attribute_units(self, tag: str, attrs: list[_Attr]) -> None:
        by_name = {a.name: a for a in attrs}
        for attr in attrs:
            if attr.name in ("lang", "xml:lang") and attr.value.lower().startswith("ko"):
                self.page.lang_spans.append((attr.start, attr.end))
            elif tag == "html" and attr.name == "lang" and attr.value.strip() \
                    and self.source_lang is None:
                # pages made from templates often say lang="en" over Korean text: read on
                line, _ = self._where(attr.start)
                self.page.warnings.append(f"line {line}: the page says lang=\"{attr.value}\"; "
                                          "its Korean text is translated all the same")
        if tag == "meta":
            if "charset" in by_name:
                self.charset(by_name["charset"].start, by_name["charset"].end)
            content = by_name.get("content")
            equiv = by_name.get("http-equiv")
            if content is not None and equiv is not None and \
                    equiv.value.lower() == "content-type":
                m = _CHARSET_IN_CONTENT.search(self.text, content.start, content.end)
                if m:
                    self.charset(m.start(2), m.end(2))
            key = by_name.get("name") or by_name.get("property")
            if content is not None and key is not None and key.value.lower() in META_NAMES:
                self._attribute_unit(content)
        if tag not in _NOT_SHOWN:
            for attr in attrs:
                if attr.name in ATTRIBUTES:
                    self._attribute_unit(attr)

    def _attribute_unit(self, attr: _Attr) -> None:
        if attr.value.strip():
            self._add_unit((_SPACE.sub(" ", attr.value).strip(),), attr.start, attr.end, {},
                           _attribute_escape(attr.quote))

    def charset(self, start: int, end: int) -> None:
        """A charset label: it will say UTF-8, as the written page is (whatever was read)."""
        if self.text[start:end].strip().lower() not in ("utf-8", "utf8"):
            self.page.charset_spans.append((start, end))

    # -- tokens
    def walk(self, tokens: list[_Token]) -> None:
        for tok in tokens:
            if self.skip is not None:
                self._skipping(tok)
            elif tok.kind == "text":
                self.run.append(_Part("text", tok.start, tok.end))
            elif tok.kind == "other":
                if self.run:
                    self._code(CodeKind.ISOLATED, tok.start, tok.end)
                else:
                    m = _XML_ENCODING.search(self.text, tok.start, tok.end)
                    if m and self.text.startswith("<?xml", tok.start):
                        self.charset(m.start(2), m.end(2))
            elif tok.kind == "start":
                self._start(tok)
            else:
                self._end(tok)
        if self.skip is not None:
            self._end_skip(len(self.text))
        self.flush()

    def _untouched(self, tag: str, attrs: list[_Attr]) -> bool:
        if tag in UNTOUCHED:
            return True
        for attr in attrs:
            if attr.name == "translate" and attr.value.strip().lower() == "no":
                return True
            if attr.name == "class" and "notranslate" in attr.value.split():
                return True
        return False

    def _start(self, tok: _Token) -> None:
        attrs = _attributes(self.text[tok.start:tok.end], tok.start)
        tag = tok.tag
        if self._untouched(tag, attrs):
            in_run = tag in INLINE or tag in ("code", "kbd", "samp", "math", "svg")
            if not in_run:
                self.flush()
            if tok.self_closing or tag in VOID:
                if in_run:
                    self._code(CodeKind.ISOLATED, tok.start, tok.end)
                return
            self.skip, self.skip_had_block = (tag, 1, tok.start, in_run), False
            return
        if tag not in INLINE:
            self.flush()
            self._attribute_units(tag, attrs)
            return
        if tok.self_closing or tag in VOID:
            self._code(CodeKind.ISOLATED, tok.start, tok.end)
        else:
            self.open.append(self._code(CodeKind.OPEN, tok.start, tok.end, tag))
        self._attribute_units(tag, attrs)

    def _end(self, tok: _Token) -> None:
        if tok.tag not in INLINE:
            self.flush()
        elif self.open and self.open[-1].tag == tok.tag:
            self._code(CodeKind.CLOSE, tok.start, tok.end, code_id=self.open.pop().code_id)
        else:
            self._code(CodeKind.ISOLATED, tok.start, tok.end)

    def _skipping(self, tok: _Token) -> None:
        assert self.skip is not None
        tag, depth, start, in_run = self.skip
        if tok.kind == "start" and tok.tag not in INLINE:
            self.skip_had_block = True
        if tok.kind == "start" and tok.tag == tag and not tok.self_closing:
            self.skip = (tag, depth + 1, start, in_run)
        elif tok.kind == "end" and tok.tag == tag:
            if depth == 1:
                self._end_skip(tok.end)
            else:
                self.skip = (tag, depth - 1, start, in_run)

    def _end_skip(self, end: int) -> None:
        assert self.skip is not None
        _, _, start, in_run = self.skip
        self.skip = None
        if in_run and not self.skip_had_block:
            self._code(CodeKind.ISOLATED, start, end)
        else:
            self.flush()


def read(data: bytes, name: str, options: DocumentOptions) -> HtmlPage:
    """Read a page into units (see the module docstring for what is translated)."""
    warnings: list[str] = []
    text, encoding, bom = _decode(data, name, warnings)
    if not text.strip():
        raise InputError("input is empty", name)
    page = HtmlPage(name=name, text=text, encoding=encoding, bom=bom, warnings=warnings)
    tokens, line_starts = _tokens(text)
    _Reader(page, line_starts, options.source_lang).walk(tokens)
    page.units.sort(key=lambda u: u.handle.start)     # attributes come before their block
    return page
