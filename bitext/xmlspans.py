"""XML read with where every element sits in the file, so a writer can splice instead of
re-serialising.

A CAT tool re-imports a file only if everything it wrote is still there: namespace prefixes,
attribute order and quoting, whitespace, comments, processing instructions, the DOCTYPE, the
encoding and its byte-order mark. No serialiser (ElementTree, lxml) promises all of that, so
pre-translation never re-serialises: it parses once (the same defused expat parser as
:func:`bitext.xmlio.parse_xml`) recording the byte span of each element's start tag, content
and end tag in the UTF-8 form of the file, and the format module replaces only the spans it
changes (:func:`splice`). Everything else is the file's own bytes, decoded and re-encoded
with its own codec.

The tree is built with an explicit stack and walked without recursion, so thousands of nested
inline elements cost memory, not the Python stack.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from bitext.errors import InputError
from bitext.xmlio import XmlText, decode_xml, defused_parser, feed_xml, xml_text

# A start tag from '<' to its '>' (attribute values may hold '>').
_START_TAG = re.compile(rb"""<[^\s/>]+(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*/?>""")


@dataclass(eq=False)
class Raw:
    """A comment or processing instruction inside an element's content."""

    start: int
    end: int


@dataclass(eq=False)
class Node:
    """An element and its spans (offsets into :attr:`SpanDocument.utf8`)."""

    tag: str                       # "{namespace}local" as ElementTree names it
    attrib: dict[str, str]         # "{namespace}local" keys, file order
    line: int
    column: int
    start: int                     # '<' of the start tag
    open_end: int                  # after the start tag's '>'
    close_start: int = -1          # '<' of the end tag (== open_end when empty)
    end: int = -1                  # after the element
    parent: Node | None = None
    content: list[str | Node | Raw] = field(default_factory=list)

    @property
    def local(self) -> str:
        return self.tag.rsplit("}", 1)[-1]

    @property
    def namespace(self) -> str:
        return self.tag[1:].split("}", 1)[0] if self.tag.startswith("{") else ""

    @property
    def empty(self) -> bool:
        """Written ``<x/>`` (no end tag)."""
        return self.close_start == self.open_end == self.end

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrib.get(name, default)

    def children(self) -> Iterator[Node]:
        return (c for c in self.content if isinstance(c, Node))

    def find(self, local: str) -> Node | None:
        return next((c for c in self.children() if c.local == local), None)

    def iter(self, local: str | None = None) -> Iterator[Node]:
        """This element and all below it in document order (no recursion)."""
        stack: list[Node] = [self]
        while stack:
            node = stack.pop()
            if local is None or node.local == local:
                yield node
            stack.extend(reversed([c for c in node.content if isinstance(c, Node)]))

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


@dataclass
class SpanDocument:
    name: str
    source: XmlText                # the decoded file and its codec
    utf8: bytes                    # the file's characters as UTF-8: offsets point here
    root: Node

    def raw(self, start: int, end: int) -> str:
        return self.utf8[start:end].decode("utf-8")

    def start_tag(self, node: Node) -> str:
        return self.raw(node.start, node.open_end)

    def end_tag(self, node: Node) -> str:
        return self.raw(node.close_start, node.end)

    def inner(self, node: Node) -> str:
        return self.raw(node.open_end, node.close_start)

    def outer(self, node: Node) -> str:
        return self.raw(node.start, node.end)

    def render(self, edits: list[tuple[int, int, str]]) -> bytes:
        """The file with ``edits`` (start, end, new text) applied, in its own encoding."""
        return self.source.encode(splice(self.utf8, edits).decode("utf-8"))


def splice(data: bytes, edits: list[tuple[int, int, str]]) -> bytes:
    """Replace each span ``data[start:end]`` by its text; spans must not overlap (an
    insertion is an empty span)."""
    out, pos = [], 0
    for start, end, text in sorted(edits, key=lambda e: (e[0], e[1])):
        if start < pos:
            raise ValueError(f"overlapping edits at byte {start}")
        out += [data[pos:start], text.encode("utf-8")]
        pos = end
    out.append(data[pos:])
    return b"".join(out)


class _SpanTarget:
    """ElementTree parser target that builds :class:`Node`s with their spans."""

    def __init__(self, utf8: bytes, name: str = "") -> None:
        self.utf8 = utf8
        self.name = name
        self.parser: object = None
        self.stack: list[Node] = []
        self.root: Node | None = None

    def _where(self) -> tuple[int, int, int]:
        expat = self.parser.parser  # type: ignore[attr-defined]
        return expat.CurrentByteIndex, expat.CurrentLineNumber, expat.CurrentColumnNumber + 1

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        index, line, column = self._where()
        match = _START_TAG.match(self.utf8, index)
        if match is None:    # expat read other bytes than these (it guessed an encoding)
            raise InputError("cannot find this start tag in the file's bytes (an encoding "
                             "the file does not declare?)", self.name, line)
        parent = self.stack[-1] if self.stack else None
        node = Node(tag, dict(attrs), line, column, index, match.end(), parent=parent)
        if parent is None:
            self.root = node
        else:
            parent.content.append(node)
        self.stack.append(node)

    def end(self, tag: str) -> None:
        node = self.stack.pop()
        if self.utf8[node.open_end - 2:node.open_end] == b"/>":
            node.close_start = node.end = node.open_end
        else:
            index = self._where()[0]
            node.close_start = index
            node.end = self.utf8.index(b">", index) + 1

    def data(self, text: str) -> None:
        if self.stack:
            content = self.stack[-1].content
            if content and isinstance(content[-1], str):
                content[-1] += text
            else:
                content.append(text)

    def comment(self, text: str) -> None:
        self._raw(b"-->")

    def pi(self, target: str, text: str) -> None:
        self._raw(b"?>")

    def _raw(self, closer: bytes) -> None:
        if self.stack:                       # outside the root: nothing to keep track of
            index = self._where()[0]
            self.stack[-1].content.append(Raw(index, self.utf8.index(closer, index) +
                                              len(closer)))

    def close(self) -> Node | None:
        return self.root


def parse_spans(data: bytes, name: str) -> SpanDocument:
    """Parse untrusted XML (defused, any encoding :func:`decode_xml` reads) with spans."""
    source = decode_xml(data, name)
    utf8 = source.text.encode("utf-8")
    target = _SpanTarget(utf8, name)
    parser = defused_parser(target)
    target.parser = parser
    root = feed_xml(parser, utf8, name)
    assert isinstance(root, Node)
    return SpanDocument(name, source, utf8, root)


def set_attributes(start_tag: str, values: dict[str, str]) -> str:
    """``start_tag`` with each attribute (its qualified name as written) set to its value:
    an existing one changed in place with its own quotes, a new one added at the end."""
    for qname, value in values.items():
        pattern = re.compile(r"(\s" + re.escape(qname) + r"""\s*=\s*)(["'])(.*?)\2""", re.S)
        found = pattern.search(start_tag)
        if found:
            quote = found.group(2)
            start_tag = (start_tag[:found.start(3)] + escape_attr(value, quote) +
                         start_tag[found.end(3):])
        else:
            cut = len(start_tag) - (2 if start_tag.endswith("/>") else 1)
            while cut > 0 and start_tag[cut - 1].isspace():
                cut -= 1
            start_tag = (start_tag[:cut] + f' {qname}="{escape_attr(value, chr(34))}"' +
                         start_tag[cut:])
    return start_tag


def escape_attr(value: str, quote: str = '"') -> str:
    value = escape_text(value)
    return value.replace(quote, "&quot;" if quote == '"' else "&apos;")


def escape_text(text: str) -> str:
    """Character data for XML 1.0: markup characters escaped, CR as ``&#13;`` (a raw one
    reads back as LF), forbidden characters (C0 controls, lone surrogates) replaced by
    U+FFFD (:func:`bitext.xmlio.xml_text`)."""
    return (xml_text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))
