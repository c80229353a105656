"""XML in and out for every format the toolkit reads or writes (TMX, XLIFF, TBX).

One place parses untrusted XML (defusedxml, no DOCTYPE) and one place builds and serialises
it, so a fix to escaping or to what is refused reaches all formats at once.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException

from bitext.errors import InputError

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# Characters XML 1.0 cannot carry at all (not even as &#..;): C0 controls but tab/LF/CR.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


# --------------------------------------------------------------------------- reading

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
    """Parse untrusted XML with defusedxml, refusing any DOCTYPE; → root and start lines.

    defusedxml's ElementTree parser (not lxml) so that one audited library does the
    refusing; its expat parser gives the line of each element and of each error.
    """
    target = _LineTarget()
    parser = DET.DefusedXMLParser(target=target, forbid_dtd=True, forbid_entities=True,
                                  forbid_external=True)
    target.parser = parser
    try:
        parser.feed(data)
        return parser.close(), target.lines
    except DefusedXmlException:
        raise InputError("XML with a DOCTYPE or entity declarations is refused (they can "
                         "read local files or expand without bound); export it without one",
                         name, parser.parser.CurrentLineNumber) from None
    except DET.ParseError as e:
        message = re.sub(r": line \d+, column \d+$", "", str(e))
        raise InputError(f"not well-formed XML: {message}", name, e.position[0]) from None


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
    without the native code inside ``<bpt>``, ``<ph>`` and the like."""
    if elem is None:
        return ""
    parts = [elem.text or ""]
    for child in elem:
        local = local_name(child.tag)
        if local == "cp":
            try:
                parts.append(chr(int(child.get("hex", ""), 16)))
            except ValueError:
                pass
        elif local not in CODE_ELEMENTS:
            parts.append(inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


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
