"""Word documents (.docx): every paragraph a unit, runs and their markup inline codes.

Read with lxml on the package parts, not python-docx: python-docx reaches only the body,
tables, headers and footers, not footnotes, endnotes, text boxes or content controls, and
it has no view of fields (``w:fldChar``/``w:instrText``) or of what a hyperlink wraps. lxml
(not ElementTree) because a part must be written back with its own namespace prefixes:
``mc:Ignorable="w14 wp14"`` names prefixes, and ElementTree renames them ``ns0``.

Units are the ``w:p`` paragraphs of the main document, headers, footers, footnotes and
endnotes, wherever they sit: body, tables (nested too), content controls (``w:sdt``) and
text boxes (``w:txbxContent``, a unit of its own inside the paragraph that anchors it).

A paragraph's runs are flattened to text plus codes, and runs that *look the same*
(their ``w:rPr`` compared canonically: children sorted, the font ``w:hint`` and ``w:lang``
ignored) merge into one string, because Word and LibreOffice split text into runs for
reasons a reader never sees (LibreOffice writes "LG" and "전자" as two runs): unmerged,
a glossary term split across runs is never found. The formatting that covers most of the
paragraph's text is its base and needs no code; other formatting becomes a paired code
around its text. Hyperlinks, simple fields, smart tags and inline content controls are
paired codes too; a complex field's instruction (``begin … separate``) and its ``end`` are
the paired code around its displayed result, its instruction never translated. Tabs,
breaks, drawings, footnote references and bookmarks are isolated codes that carry the
original element. Spell-check marks (``w:proofErr``) and Word's layout cache
(``w:lastRenderedPageBreak``) are dropped from translated paragraphs: Word recomputes them.

Rendering rebuilds only translated paragraphs, from the target's text and codes, reusing
the original elements; ``w:lang`` ``ko-*`` becomes ``en-US`` in their runs and in the
styles. Every other package part (images, fonts, settings, untranslated parts) is copied
byte for byte (:mod:`documents.zippackage`).

Tracked changes (``w:ins``, ``w:del``, formatting changes) and comments are kept
untranslated, with a warning: translating around a pending revision would misstate it.
"""
from __future__ import annotations

import copy
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from lxml import etree

from bitext.errors import InputError
from bitext.xmlio import xml_text
from documents.model import (
    Code,
    CodeKind,
    Content,
    DocumentOptions,
    Unit,
    UnitState,
    joined,
)
from documents.text import has_korean
from documents.zippackage import ZipPackage, open_package, write_package

EXTENSIONS = (".docx", ".docm", ".dotx")

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
MAX_PART = 128 * 1024 * 1024       # one XML part, declared uncompressed
TARGET_LANG = "en-US"


def w(local: str) -> str:
    return f"{{{W_NS}}}{local}"


# Content types of the parts whose paragraphs are translated, in reading order.
_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
_MAIN_TYPES = (_WML + "document.main+xml", "application/vnd.ms-word.document.macroEnabled."
               "main+xml", _WML + "template.main+xml", "application/vnd.ms-word.template."
               "macroEnabledTemplate.main+xml")
_PART_ORDER = {**{t: 0 for t in _MAIN_TYPES}, _WML + "header+xml": 1,
               _WML + "footer+xml": 2, _WML + "footnotes+xml": 3, _WML + "endnotes+xml": 4}
_STYLES_TYPE = _WML + "styles+xml"
_COMMENTS_TYPE = _WML + "comments+xml"

# Elements that wrap runs inside a paragraph and become paired codes.
_WRAPPERS = {w("hyperlink"), w("fldSimple"), w("smartTag"), w("customXml"), w("dir"),
             w("bdo"), w("sdt")}
# A wrapper's own properties: copied with its shell, never content.
_WRAPPER_PROPS = {w("customXmlPr"), w("smartTagPr"), w("fldData"), w("sdtPr"), w("sdtEndPr")}
_TRACKED = {w("ins"), w("del"), w("moveFrom"), w("moveTo"), w("rPrChange"), w("pPrChange"),
            w("delText"), w("delInstrText")}
_DROPPED = {w("proofErr"), w("lastRenderedPageBreak")}
# rPr details that do not change how text looks: ignored when runs are compared.
_RPR_IGNORED = {w("lang"), w("noProof"), w("rPrChange")}



# --------------------------------------------------------------------------- XML parts

def _parse(data: bytes, part: str, name: str) -> etree._Element:
    """Parse one package part as untrusted XML: no DOCTYPE, no entities, no network."""
    head = data[:4096].lstrip()
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise InputError(f"{part}: XML with a DOCTYPE or entity declarations is refused "
                         "(an entity bomb or a file read); Word never writes one", name)
    if not head.startswith((b"<", b"\xef\xbb\xbf<", b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{part}: not XML", name)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_blank_text=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        line = e.lineno if e.lineno else None
        message = re.sub(r", line \d+, column \d+$", "", e.msg)
        raise InputError(f"{part}, line {line}: not well-formed XML: {message}", name) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise InputError(f"{part}: XML with a DOCTYPE is refused", name)
    return root


def _serialize(root: etree._Element) -> bytes:
    standalone = root.getroottree().docinfo.standalone
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                          standalone=standalone)


# --------------------------------------------------------------------------- run formatting

def _canonical(rpr: etree._Element | None) -> str:
    """A run's look as a string: children sorted, attributes sorted, noise left out."""
    if rpr is None:
        return ""
    parts = []
    for child in rpr:
        if not isinstance(child.tag, str) or child.tag in _RPR_IGNORED:
            continue
        attrs = sorted((k, v) for k, v in child.attrib.items()
                       if not (child.tag == w("rFonts") and k == w("hint")))
        if child.tag == w("rFonts") and not attrs:
            continue
        inner = _canonical(child) if len(child) else ""
        parts.append(f"{etree.QName(child).localname}{attrs}{inner}")
    return "|".join(sorted(parts))


def _summary(rpr: etree._Element | None) -> str:
    """What a formatting code stands for, for people reading a review file: ``b i color``."""
    if rpr is None:
        return "plain"
    names = [etree.QName(c).localname for c in rpr
             if isinstance(c.tag, str) and c.tag not in _RPR_IGNORED]
    return " ".join(names) or "plain"


def _to_english(elem: etree._Element) -> bool:
    """``w:lang w:val="ko-KR"`` (and ``w:bidi``) → en-US under ``elem``; True if changed.

    ``w:eastAsia`` is left: it governs East Asian characters only, and any Hangul left in
    the English (a name the model copied) is still Korean."""
    changed = False
    for lang in elem.iter(w("lang")):
        for attr in (w("val"), w("bidi")):
            value = lang.get(attr)
            if value is not None and value.lower().startswith("ko"):
                lang.set(attr, TARGET_LANG)
                changed = True
    return changed


# --------------------------------------------------------------------------- flattening

@dataclass
class _Text:
    text: str
    key: str
    rpr: etree._Element | None


@dataclass
class _Inline:
    """A run child that is not text (tab, break, drawing, field char, note reference)."""
    elem: etree._Element
    key: str
    rpr: etree._Element | None
    run_attrs: dict[str, str]


@dataclass
class _Edge:
    """The start or end of a wrapper element (hyperlink, simple field, content control)."""
    elem: etree._Element
    opening: bool


@dataclass
class _Raw:
    """A paragraph-level element kept as it is (bookmark, comment anchor, equation)."""
    elem: etree._Element


_Token = Any   # _Text | _Inline | _Edge | _Raw


def _own_elements(p: etree._Element):
    """Elements of ``p`` not inside a nested paragraph (a text box's own paragraphs)."""
    stack = list(p)[::-1]
    while stack:
        elem = stack.pop()
        yield elem
        if elem.tag != w("p"):
            stack.extend(list(elem)[::-1])


def _flatten(container: etree._Element, tokens: list[_Token]) -> None:
    for child in container:
        tag = child.tag
        if not isinstance(tag, str):          # comments, processing instructions
            tokens.append(_Raw(child))
        elif tag == w("pPr") or tag in _DROPPED or tag in _WRAPPER_PROPS:
            continue
        elif tag == w("r"):
            _flatten_run(child, tokens)
        elif tag in _WRAPPERS:
            tokens.append(_Edge(child, True))
            inner = child.find(w("sdtContent")) if tag == w("sdt") else child
            if inner is not None:
                _flatten(inner, tokens)
            tokens.append(_Edge(child, False))
        else:
            tokens.append(_Raw(child))


def _flatten_run(run: etree._Element, tokens: list[_Token]) -> None:
    rpr = run.find(w("rPr"))
    key = _canonical(rpr)
    for child in run:
        if child is rpr or child.tag in _DROPPED:
            continue
        if child.tag == w("t"):
            if child.text:
                tokens.append(_Text(child.text, key, rpr))
        else:
            tokens.append(_Inline(child, key, rpr, dict(run.attrib)))


def _field_char(token: _Token) -> str | None:
    if isinstance(token, _Inline) and token.elem.tag == w("fldChar"):
        return token.elem.get(w("fldCharType"))
    return None


def _all_inline(tokens: list[_Token]) -> bool:
    return all(isinstance(t, _Inline) for t in tokens)


def _group_fields(tokens: list[_Token]) -> list[_Token]:
    """Complex fields whose begin, separate and end lie in this paragraph at one wrapper
    level become one _Field each for ``begin…separate`` and ``end``; others stay as they are."""
    out: list[_Token] = []
    i = 0
    while i < len(tokens):
        if _field_char(tokens[i]) == "begin":
            level, sep, end = 0, None, None
            for j in range(i, len(tokens)):
                kind = _field_char(tokens[j])
                if isinstance(tokens[j], _Edge):
                    break                                  # crosses a wrapper: leave it
                if kind == "begin":
                    level += 1
                elif kind == "separate" and level == 1 and sep is None:
                    sep = j
                elif kind == "end":
                    level -= 1
                    if level == 0:
                        end = j
                        break
            if end is not None and sep is not None:
                result = tokens[sep + 1:end]
                if not any(_field_char(t) for t in result) and _all_inline(tokens[i:sep + 1]):
                    out.append(_Field(tokens[i:sep + 1], True))
                    out.extend(result)
                    out.append(_Field([tokens[end]], False))
                    i = end + 1
                    continue
            if end is not None and _all_inline(tokens[i:end + 1]):   # no result: one code
                out.append(_Field(tokens[i:end + 1], None))
                i = end + 1
                continue
        out.append(tokens[i])
        i += 1
    return out


@dataclass
class _Field:
    """Runs of a complex field kept together: ``opening`` True = begin…separate, False = end,
    None = a whole field without a displayed result."""
    runs: list[_Inline]
    opening: bool | None

    def instruction(self) -> str:
        return "".join(t.elem.text or "" for t in self.runs if t.elem.tag == w("instrText"))


# --------------------------------------------------------------------------- codes

@dataclass
class _CodeInfo:
    kind: str                         # "format" | "wrapper" | "inline" | "raw" | "field"
    rpr: etree._Element | None = None
    elems: list[Any] = field(default_factory=list)
    run_attrs: dict[str, str] = field(default_factory=dict)


@dataclass
class _Paragraph:
    """Where a unit's target goes: the ``w:p`` element and what each code id stands for."""
    p: etree._Element
    part: str
    base: etree._Element | None
    codes: dict[str, _CodeInfo]
    twin: Unit | None = None          # the mc:Choice paragraph this mc:Fallback one repeats


def _content(p: etree._Element, part: str) -> tuple[Content, _Paragraph]:
    tokens: list[_Token] = []
    _flatten(p, tokens)
    tokens = _group_fields(tokens)
    weight: Counter[str] = Counter()
    rprs: dict[str, etree._Element | None] = {}
    for t in tokens:
        if isinstance(t, _Text):
            weight[t.key] += len(t.text.strip()) or 1
            rprs.setdefault(t.key, t.rpr)
    base_key = weight.most_common(1)[0][0] if weight else ""
    handle = _Paragraph(p, part, rprs.get(base_key), {})
    content: list[str | Code] = []
    counter = 0

    def new_id() -> str:
        nonlocal counter
        counter += 1
        return str(counter)

    span: tuple[str, str] | None = None     # (format key, code id) of the open format span

    def close_span() -> None:
        nonlocal span
        if span is not None:
            content.append(Code(span[1], CodeKind.CLOSE, "</w:r>"))
            span = None

    wrappers: list[str] = []
    for t in tokens:
        if isinstance(t, _Text):
            if span is not None and span[0] != t.key:
                close_span()
            if span is None and t.key != base_key:
                cid = new_id()
                handle.codes[cid] = _CodeInfo("format", t.rpr)
                content.append(Code(cid, CodeKind.OPEN, f"<w:r {_summary(t.rpr)}>"))
                span = (t.key, cid)
            content.append(t.text)
        elif isinstance(t, _Inline):
            cid = new_id()
            handle.codes[cid] = _CodeInfo("inline", t.rpr, [t.elem], t.run_attrs)
            content.append(Code(cid, CodeKind.ISOLATED, f"<w:{etree.QName(t.elem).localname}/>"))
        elif isinstance(t, _Raw):
            cid = new_id()
            name = etree.QName(t.elem).localname if isinstance(t.elem.tag, str) else "comment"
            handle.codes[cid] = _CodeInfo("raw", elems=[t.elem])
            content.append(Code(cid, CodeKind.ISOLATED, f"<w:{name}/>"))
        elif isinstance(t, _Field):
            close_span()
            data = f"<field {t.instruction().strip()}>"
            if t.opening is None:
                cid = new_id()
                handle.codes[cid] = _CodeInfo("field", elems=t.runs)
                content.append(Code(cid, CodeKind.ISOLATED, data))
            elif t.opening:
                cid = new_id()
                wrappers.append(cid)
                handle.codes[cid] = _CodeInfo("field", elems=t.runs)
                content.append(Code(cid, CodeKind.OPEN, data))
            else:
                cid = wrappers.pop()
                handle.codes[cid + "/end"] = _CodeInfo("field", elems=t.runs)
                content.append(Code(cid, CodeKind.CLOSE, "</field>"))
        elif isinstance(t, _Edge):
            close_span()
            if t.opening:
                cid = new_id()
                wrappers.append(cid)
                handle.codes[cid] = _CodeInfo("wrapper", elems=[t.elem])
                local = etree.QName(t.elem).localname
                content.append(Code(cid, CodeKind.OPEN, f"<w:{local}>"))
            else:
                cid = wrappers.pop()
                local = etree.QName(t.elem).localname
                content.append(Code(cid, CodeKind.CLOSE, f"</w:{local}>"))
    close_span()
    return joined(content), handle   # runs merged because they look the same: one string


# --------------------------------------------------------------------------- rendering

class _Builder:
    """Writes a target's text and codes back into a paragraph, run by run."""

    def __init__(self, handle: _Paragraph):
        self.handle = handle
        self.containers: list[tuple[etree._Element, str | None]] = [(handle.p, None)]
        self.formats: list[tuple[str, etree._Element | None]] = []
        self.run: etree._Element | None = None
        self.run_key: str | None = None
        self.placed: set[int] = set()

    @property
    def container(self) -> etree._Element:
        return self.containers[-1][0]

    def _place(self, elem: etree._Element) -> etree._Element:
        """The original element the first time, a copy after that (a duplicated code)."""
        if id(elem) in self.placed:
            return copy.deepcopy(elem)
        self.placed.add(id(elem))
        return elem

    def _run_for(self, rpr: etree._Element | None, attrs: dict[str, str] | None = None
                 ) -> etree._Element:
        key = _canonical(rpr)
        if self.run is not None and self.run_key == key and self.run.getparent() is \
                self.container and self.container[-1] is self.run:
            return self.run
        run = etree.SubElement(self.container, w("r"), attrs or {})
        if rpr is not None:
            new = copy.deepcopy(rpr)
            _to_english(new)
            run.append(new)
        self.run, self.run_key = run, key
        return run

    def text(self, text: str) -> None:
        rpr = self.formats[-1][1] if self.formats else self.handle.base
        run = self._run_for(rpr)
        last = run[-1] if len(run) else None
        if last is not None and last.tag == w("t"):
            last.text = (last.text or "") + xml_text(text)
        else:
            t = etree.SubElement(run, w("t"))
            t.text = xml_text(text)
        t = run[-1]
        t.set(XML_SPACE, "preserve")

    def code(self, code: Code, info: _CodeInfo, end: _CodeInfo | None) -> None:
        if info.kind == "format":
            if code.kind == CodeKind.OPEN:
                self.formats.append((code.id, info.rpr))
            elif code.kind == CodeKind.CLOSE:
                self.formats = [f for f in self.formats if f[0] != code.id]
        elif info.kind == "wrapper":
            if code.kind == CodeKind.OPEN:
                original = info.elems[0]
                shell = etree.SubElement(self.container, original.tag, dict(original.attrib))
                for child in original:
                    if child.tag in _WRAPPER_PROPS:
                        shell.append(copy.deepcopy(child))
                target = shell
                if original.tag == w("sdt"):
                    target = etree.SubElement(shell, w("sdtContent"))
                self.containers.append((target, code.id))
                self.run = None
            elif code.kind == CodeKind.CLOSE:
                ids = [cid for _, cid in self.containers]
                if code.id in ids:
                    del self.containers[ids.index(code.id):]
                    self.run = None
        elif info.kind == "inline":
            run = self._run_for(info.rpr, info.run_attrs)
            run.append(self._place(info.elems[0]))
        elif info.kind == "raw":
            self.container.append(self._place(info.elems[0]))
            self.run = None
        elif info.kind == "field":
            # each field character and instruction in a run of its own, as Word writes them
            runs = info.elems if code.kind != CodeKind.CLOSE else (end.elems if end else [])
            for token in runs:
                self.run = None
                run = self._run_for(token.rpr, token.run_attrs)
                run.append(self._place(token.elem))
            self.run = None


def _balanced(target: Content) -> set[str]:
    """Ids of paired codes whose OPEN comes before their CLOSE, each exactly once."""
    opens: dict[str, int] = {}
    closes: dict[str, int] = {}
    for i, part in enumerate(target):
        if isinstance(part, Code):
            if part.kind == CodeKind.OPEN:
                opens[part.id] = -1 if part.id in opens else i
            elif part.kind == CodeKind.CLOSE:
                closes[part.id] = -1 if part.id in closes else i
    return {cid for cid, i in opens.items() if i >= 0 and 0 <= i < closes.get(cid, -1)}


def _render_paragraph(handle: _Paragraph, source: Content, target: Content) -> None:
    p = handle.p
    ppr = p.find(w("pPr"))
    for child in list(p):
        if child is not ppr:
            p.remove(child)
    if ppr is not None:
        _to_english(ppr)
    builder = _Builder(handle)
    pairs = _balanced(target)
    used: set[tuple[str, CodeKind]] = set()
    for part in target:
        if isinstance(part, str):
            if part:
                builder.text(part)
            continue
        info = handle.codes.get(part.id)
        if info is None:
            continue
        if part.kind != CodeKind.ISOLATED and part.id not in pairs:
            continue                        # a half pair: its text stays unformatted
        used.add((part.id, part.kind))
        builder.code(part, info, handle.codes.get(part.id + "/end"))
    # Codes the translation lost that carry content (a footnote reference, a drawing, a
    # bookmark, a field) go to the paragraph's end rather than vanish.
    builder.containers = builder.containers[:1]
    builder.formats = []
    for part in source:
        if isinstance(part, Code) and (part.id, part.kind) not in used:
            info = handle.codes[part.id]
            if info.kind in ("inline", "raw") or (info.kind == "field" and part.kind !=
                                                  CodeKind.CLOSE):
                builder.code(part, info, None)
                if info.kind == "field" and part.kind == CodeKind.OPEN:
                    builder.code(Code(part.id, CodeKind.CLOSE), info,
                                 handle.codes.get(part.id + "/end"))


# --------------------------------------------------------------------------- the document

@dataclass
class DocxDocument:
    name: str
    package: ZipPackage
    roots: dict[str, etree._Element]           # translated parts, parsed
    styles: str | None
    units: list[Unit] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    format: str = "docx"

    def render(self) -> bytes:
        touched: set[str] = set()
        for unit in self.units:
            handle: _Paragraph = unit.handle
            target = unit.target if unit.state == UnitState.FILL else None
            if handle.twin is not None and handle.twin.state == UnitState.FILL:
                target = handle.twin.target
            if target is None:
                continue
            _render_paragraph(handle, unit.source, target)
            touched.add(handle.part)
        replaced = {part: _serialize(self.roots[part]) for part in touched}
        if touched and self.styles:
            styles = _parse(self.package.read(self.styles), self.styles, self.name)
            if _to_english(styles):
                replaced[self.styles] = _serialize(styles)
        return write_package(self.package, replaced)


def _content_types(package: ZipPackage) -> dict[str, str]:
    """Part name (without the leading slash) → content type, from ``[Content_Types].xml``."""
    if "[Content_Types].xml" not in package.names():
        raise InputError("not a Word document: the zip has no [Content_Types].xml", package.name)
    root = _parse(_read(package, "[Content_Types].xml"), "[Content_Types].xml", package.name)
    types = {}
    for override in root.iter(f"{{{CT_NS}}}Override"):
        part = (override.get("PartName") or "").lstrip("/")
        types[part] = override.get("ContentType") or ""
    return types


def _read(package: ZipPackage, part: str) -> bytes:
    info = package.archive.getinfo(part)
    if info.file_size > MAX_PART:
        raise InputError(f"{part}: part of {info.file_size:,} bytes refused (more than "
                         f"{MAX_PART:,})", package.name)
    return package.read(part)


def _order(part: str, kind: int) -> tuple[int, int, str]:
    digits = re.findall(r"\d+", PurePosixPath(part).stem)
    return kind, int(digits[-1]) if digits else 0, part


def read(data: bytes, name: str, options: DocumentOptions) -> DocxDocument:
    package = open_package(data, name, "Word document")
    present = set(package.names())
    types = _content_types(package)
    parts = sorted((_order(part, _PART_ORDER[ctype]) for part, ctype in types.items()
                    if ctype in _PART_ORDER and part in present))
    if not parts or parts[0][0] != 0:
        raise InputError("not a Word document: no main document part (word/document.xml)",
                         name)
    styles = next((p for p, t in types.items() if t == _STYLES_TYPE and p in present), None)
    doc = DocxDocument(name, package, {}, styles)
    for _, _, part in parts:
        root = _parse(_read(package, part), part, name)
        doc.roots[part] = root
        _units(doc, root, part)
    tracked = sum(1 for u in doc.units if u.reason.startswith("tracked"))
    if tracked:
        doc.warnings.append(f"{tracked} paragraph(s) with tracked changes kept untranslated "
                            "(accept or reject the changes in Word, then translate)")
    comments = [p for p, t in types.items() if t == _COMMENTS_TYPE and p in present]
    for part in comments:
        root = _parse(_read(package, part), part, name)
        count = len(root.findall(w("comment")))
        if count:
            doc.warnings.append(f"{part}: {count} comment(s) kept untranslated")
    return doc


def _units(doc: DocxDocument, root: etree._Element, part: str) -> None:
    stem = PurePosixPath(part).stem
    by_element: dict[etree._Element, Unit] = {}
    for number, p in enumerate(root.iter(w("p")), start=1):
        source, handle = _content(p, part)
        unit = Unit(id=f"{stem}:{number}", source=source, handle=handle)
        by_element[p] = unit
        text = "".join(s for s in source if isinstance(s, str))
        twin = _choice_twin(p, by_element)
        if any(e.tag in _TRACKED for e in _own_elements(p)):
            unit.state, unit.reason = UnitState.KEEP, "tracked changes"
        elif not has_korean(text):
            unit.state, unit.reason = UnitState.SKIP, "no Korean"
        elif twin is not None and twin.source == source:
            handle.twin = twin
            unit.state, unit.reason = UnitState.SKIP, f"the same text box as {twin.id}"
        doc.units.append(unit)


def _choice_twin(p: etree._Element, seen: dict[etree._Element, Unit]) -> Unit | None:
    """For a paragraph in a text box's ``mc:Fallback`` (the VML copy older readers show),
    the unit of the same paragraph in its ``mc:Choice`` (DrawingML): one translation for both.
    """
    fallback = next((a for a in p.iterancestors(f"{{{MC_NS}}}Fallback")), None)
    if fallback is None:
        return None
    choice = fallback.getparent().find(f"{{{MC_NS}}}Choice") \
        if fallback.getparent() is not None else None
    if choice is None:
        return None
    mine = [q for q in fallback.iter(w("p"))]
    theirs = [q for q in choice.iter(w("p"))]
    if len(mine) != len(theirs):
        return None
    return seen.get(theirs[mine.index(p)])
