"""XML in and out for every format the toolkit reads or writes (TMX, XLIFF, TBX).

One place parses untrusted XML (defusedxml: a DOCTYPE is accepted, entity declarations and
external entities are not) and one place builds and serialises it, so a fix to escaping or to
what is refused reaches all formats at once.

The bytes are decoded here, not by expat (:func:`decode_xml`): expat knows few encodings (no
CP949, and a ``LookupError`` for an unknown name), while a CAT tool may write UTF-16 with a BOM
or a legacy code page; the parser then reads UTF-8 whatever the declaration says.
"""
from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException

from bitext.errors import InputError

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# Characters XML 1.0 cannot carry at all (not even as &#..;): C0 controls but tab/LF/CR.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_DECLARED = re.compile(rb"""^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]*)["']""")
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))
# UTF-16 without a byte-order mark: '<' and a NUL, whether '<?xml' or the root's '<' comes
# first (XML 1.0 appendix F; UTF-8 text never starts with a NUL next to '<').
_NO_BOM_UTF16 = ((b"<\x00", "utf-16-le"), (b"\x00<", "utf-16-be"))


# --------------------------------------------------------------------------- reading

@dataclass(frozen=True)
class XmlText:
    """An XML file's characters, and how to encode them back exactly as they came."""

    text: str        # without the byte-order mark
    encoding: str    # a Python codec name
    bom: bytes       # the byte-order mark the file started with (b"" when none)

    def encode(self, text: str) -> bytes:
        """``text`` in the file's own encoding; a character it cannot hold becomes ``&#N;``
        (only new text can hold one: the original characters all came from it)."""
        return self.bom + text.encode(self.encoding, errors="xmlcharrefreplace")


def decode_xml(data: bytes, name: str) -> XmlText:
    """Decode an XML file by its byte-order mark, else its declaration, else UTF-8.

    An unknown or unusable encoding name is a one-line error (expat raised ``LookupError``
    or ``ValueError: multi-byte encodings are not supported``)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return XmlText(_decode(data[len(bom):], encoding, name), encoding, bom)
    for head, encoding in _NO_BOM_UTF16:
        if data.startswith(head):
            return XmlText(_decode(data, encoding, name), encoding, b"")
    declared = _DECLARED.match(data[:512])
    encoding = "utf-8"
    if declared:
        label = declared.group(1).decode("ascii")
        try:
            encoding = codecs.lookup(label).name
        except LookupError:
            raise InputError(f"unknown encoding {label!r} in the XML declaration", name,
                             1) from None
        if encoding.startswith(("utf-16", "utf-32")):
            # The declaration is ASCII, so the bytes are not UTF-16: expat reads them as UTF-8.
            encoding = "utf-8"
    return XmlText(_decode(data, encoding, name), encoding, b"")


def _decode(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        wide = encoding.startswith(("utf-16", "utf-32"))
        line = None if wide else data[:e.start].count(b"\n") + 1
        raise InputError(f"not valid {encoding}: byte {e.object[e.start]:#04x} at offset "
                         f"{e.start}", name, line) from None


def defused_parser(target: object) -> DET.DefusedXMLParser:
    """An expat parser that reads UTF-8 whatever the declaration says, accepts a DOCTYPE
    (OmegaT's TMX, translate-toolkit's TBX have one) and refuses entity declarations (bombs)
    and external entities (file reads)."""
    return DET.DefusedXMLParser(target=target, encoding="utf-8", forbid_dtd=False,
                                forbid_entities=True, forbid_external=True)


def feed_xml(parser: DET.DefusedXMLParser, utf8: bytes, name: str) -> object:
    """Feed the whole document and close; defusedxml and expat errors → one line."""
    try:
        parser.feed(utf8)
        return parser.close()
    except DefusedXmlException:
        raise InputError("XML with a DOCTYPE that declares entities is refused (they can "
                         "expand without bound or read local files); export it without them",
                         name, parser.parser.CurrentLineNumber) from None
    except DET.ParseError as e:
        message = re.sub(r": line \d+, column \d+$", "", str(e))
        raise InputError(f"not well-formed XML: {message}", name, e.position[0]) from None


class _LineTarget:
    """TreeBuilder target that remembers the line of each start tag (for messages)."""

    def __init__(self) -> None:
        self.builder = ET.TreeBuilder()
        self.lines: dict[ET.Element, int] = {}
        self.parser: DET.DefusedXMLParser | None = None

    def start(self, tag: str, attrs: dict) -> ET.Element:
        elem = self.builder.start(tag, attrs)
        assert self.parser is not None, "parse_xml sets the parser before feeding"
        self.lines[elem] = self.parser.parser.CurrentLineNumber
        return elem

    def end(self, tag: str) -> ET.Element:
        return self.builder.end(tag)

    def data(self, text: str) -> None:
        self.builder.data(text)

    def close(self) -> ET.Element:
        return self.builder.close()


def parse_xml(data: bytes, name: str) -> tuple[ET.Element, dict[ET.Element, int]]:
    """Parse untrusted XML with defusedxml; → root and start lines.

    defusedxml's ElementTree parser (not lxml) so that one audited library does the
    refusing; its expat parser gives the line of each element and of each error.
    """
    target = _LineTarget()
    parser = defused_parser(target)
    target.parser = parser
    root = feed_xml(parser, decode_xml(data, name).text.encode("utf-8"), name)
    assert isinstance(root, ET.Element)
    return root, target.lines


def local_name(tag: object) -> str:
    """``{ns}name`` → ``name``; comments and processing instructions (non-str tags) → ``""``."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


# Inline elements whose content is native markup (``<b>``, ``{1}``), not translatable text:
# their text is skipped, their tails (the text after them) kept.  TMX ``<sub>`` is a
# sub-flow of such code (an alt attribute, say), so it is skipped as well.
CODE_ELEMENTS = frozenset({"bpt", "ept", "ph", "it", "ut", "sub"})


def inline_text(elem: ET.Element | None) -> str:
    """Text of a ``<seg>``/``<source>``/``<target>``, with wrapping inline elements' text
    (``<hi>``, ``<g>``, ``<pc>``, ``<mrk>``), XLIFF 2 ``<cp hex>`` characters, and
    without the native code inside ``<bpt>``, ``<ph>`` and the like.

    The walk keeps its own stack: 3,000 nested ``<g>`` must not reach Python's recursion
    limit."""
    if elem is None:
        return ""
    parts: list[str] = []
    # Items are elements to enter, or strings (tails) to emit once their element is done.
    stack: list[ET.Element | str] = [elem]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        parts.append(item.text or "")
        for child in reversed(item):
            stack.append(child.tail or "")
            local = local_name(child.tag)
            if local == "cp":
                stack.append(code_point(child.get("hex", "")))
            elif local not in CODE_ELEMENTS:
                stack.append(child)
    return "".join(parts)


def code_point(hex_value: str) -> str:
    """The character an XLIFF 2 ``<cp hex="…"/>`` stands for.

    ``<cp>`` exists for characters XML cannot carry (C0 controls), so those are returned;
    what is no character at all (beyond U+10FFFF, a lone surrogate, unparsable) and NUL
    (which no text consumer downstream takes) become U+FFFD, the replacement character."""
    try:
        value = int(hex_value, 16) if len(hex_value) <= 8 else -1
    except ValueError:
        value = -1
    if value <= 0 or value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        return "\ufffd"
    return chr(value)


def is_lang(code: str | None, want: str) -> bool:
    """``ko-KR`` counts as ``ko``: language tags compare by their primary subtag."""
    code = (code or "").lower()
    return code == want or code.startswith(want + "-")


# --------------------------------------------------------------------------- writing

def xml_text(text: str) -> str:
    """Text XML can carry: characters XML 1.0 forbids outright become U+FFFD."""
    return _XML_ILLEGAL.sub("\ufffd", text)


def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    """A child element with text and attributes made safe for XML 1.0."""
    elem = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        elem.text = xml_text(text)
    return elem


def serialize(root: ET.Element) -> str:
    """Pretty-printed XML with its declaration; a CR in text is written ``&#13;``.

    ElementTree escapes CR only in attributes; a raw CR in text would be read back as LF.
    """
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body.replace("\r", "&#13;") + "\n"
