"""JSON app strings (``.json``: i18next, vue-i18n, Chrome/React locale files).

String values are translated; everything else (keys, nesting, order, numbers, booleans,
null, indentation, spacing, escapes of untranslated values) is the file's own text: a small
position-keeping parser finds each string value, and the English is spliced back where the
Korean stood. Re-dumping with ``json.dumps`` would reorder nothing but would rewrite
spacing, escapes and number spellings, so an untouched file would not come back byte-equal.
The English is escaped the way the file escapes (``\\uXXXX`` for non-ASCII when the file
does so, ``\\/`` when it does). Limits: nesting deeper than 64 levels or more than 200,000
values is refused with one line (``file:line``). Plural keys and the locale root: see
``documents.appstrings``.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from bitext.errors import InputError

from ..appstrings import (
    LOCALE_ROOTS,
    MAX_DEPTH,
    MAX_VALUES,
    KeyFilter,
    StringHandle,
    one_text,
    one_unit,
    plural_additions,
    splice,
    translated,
    value_unit,
)
from ..model import DocumentOptions, Unit
from ..textdata import TextData, line_of, read_text_data

EXTENSIONS = (".json",)
NAME = "json"  # what --input-format and the report call this format

WS = re.compile(r"[ \t\n\r]*")
STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"')
NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")
LITERAL = re.compile(r"true|false|null")


@dataclass
class Str:
    start: int          # offset of the opening quote
    end: int            # after the closing quote
    value: str


@dataclass
class Member:
    key: Str
    value: object       # Str | Obj | list | None (other scalars)
    lead: str           # the whitespace before the key (to copy for an added member)
    colon: str          # the text between the key and the value (": ")


@dataclass
class Obj:
    members: list[Member]


class Parser:
    """Recursive descent over the text, keeping offsets; depth and size bounded."""

    def __init__(self, text: str, name: str):
        self.text, self.name, self.values = text, name, 0

    def fail(self, message: str, pos: int) -> InputError:
        return InputError(message, self.name, line_of(self.text, pos))

    def ws(self, pos: int) -> int:
        m = WS.match(self.text, pos)
        assert m is not None
        return m.end()

    def value(self, pos: int, depth: int) -> tuple[object, int]:
        text = self.text
        if depth > MAX_DEPTH:
            raise self.fail(f"nesting deeper than {MAX_DEPTH} levels; not an app strings file",
                            pos)
        self.values += 1
        if self.values > MAX_VALUES:
            raise self.fail(f"more than {MAX_VALUES} values; not an app strings file", pos)
        ch = text[pos:pos + 1]
        if ch == "{":
            return self.obj(pos, depth)
        if ch == "[":
            items: list[object] = []
            pos = self.ws(pos + 1)
            if text.startswith("]", pos):
                return items, pos + 1
            while True:
                item, pos = self.value(self.ws(pos), depth + 1)
                items.append(item)
                pos = self.ws(pos)
                if text.startswith(",", pos):
                    pos += 1
                elif text.startswith("]", pos):
                    return items, pos + 1
                else:
                    raise self.fail("expected , or ] in an array", pos)
        if ch == '"':
            return self.string(pos)
        m = NUMBER.match(text, pos) or LITERAL.match(text, pos)
        if m:
            return None, m.end()
        raise self.fail(f"unexpected {text[pos:pos + 10]!r}" if ch else "unexpected end of file",
                        pos)

    def string(self, pos: int) -> tuple[Str, int]:
        m = STRING.match(self.text, pos)
        if not m:
            raise self.fail("unterminated or invalid string", pos)
        return Str(pos, m.end(), json.loads(m.group())), m.end()

    def obj(self, pos: int, depth: int) -> tuple[Obj, int]:
        text = self.text
        members: list[Member] = []
        pos += 1
        while True:
            key_at = self.ws(pos)
            if not members and text.startswith("}", key_at):
                return Obj(members), key_at + 1
            if not text.startswith('"', key_at):
                raise self.fail("expected a key in double quotes", key_at)
            key, after = self.string(key_at)
            colon_at = self.ws(after)
            if not text.startswith(":", colon_at):
                raise self.fail("expected : after a key", colon_at)
            value_at = self.ws(colon_at + 1)
            value, pos = self.value(value_at, depth + 1)
            members.append(Member(key, value, text[pos_before(text, key_at):key_at],
                                  text[after:value_at]))
            pos = self.ws(pos)
            if text.startswith(",", pos):
                pos += 1
            elif text.startswith("}", pos):
                return Obj(members), pos + 1
            else:
                raise self.fail("expected , or } in an object", pos)


def pos_before(text: str, pos: int) -> int:
    """Start of the whitespace run that ends at ``pos``."""
    k = pos
    while k > 0 and text[k - 1] in " \t\r\n":
        k -= 1
    return k


@dataclass
class JsonDocument:
    name: str
    data: TextData
    units: list[Unit]
    root: Str | None             # a ``"ko"`` root key, renamed when something is translated
    ascii_only: bool             # the file writes non-ASCII as \uXXXX
    slash: bool                  # the file writes / as \/
    format: str = NAME
    warnings: list[str] = field(default_factory=list)

    def dump(self, value: str) -> str:
        out = json.dumps(value, ensure_ascii=self.ascii_only)
        return out.replace("/", "\\/") if self.slash else out

    def render(self) -> bytes:
        edits: list[tuple[int, int, str]] = []
        for unit in self.units:
            h: StringHandle = unit.handle
            if h.insert_at is None:
                english = translated(unit)
                if english is not None:
                    edits.append((h.start, h.end, self.dump(english)))
                continue
            one = one_text(unit)
            if one is not None:
                lead, colon = h.style
                edits.append((h.insert_at, h.insert_at,
                              f"{self.dump(h.new_key)}{colon}{self.dump(one)},{lead}"))
        if edits and self.root is not None:
            edits.append((self.root.start, self.root.end,
                          self.dump(LOCALE_ROOTS[self.root.value])))
        return self.data.encode(splice(self.data.text, edits))


def read(data: bytes, name: str, options: DocumentOptions) -> JsonDocument:
    text_data = read_text_data(data, name)
    text = text_data.text
    parser = Parser(text, name)
    start = parser.ws(0)
    if start == len(text):
        raise InputError("empty JSON file", name, 1)
    try:
        tree, end = parser.value(start, 0)
    except RecursionError:
        raise InputError("nesting too deep; not an app strings file", name) from None
    end = parser.ws(end)
    if end != len(text):
        raise parser.fail("text after the end of the JSON value", end)
    keys = KeyFilter(options.extra.get("keys"))
    root = None
    if isinstance(tree, Obj) and len(tree.members) == 1 and \
            tree.members[0].key.value in LOCALE_ROOTS and isinstance(tree.members[0].value, Obj):
        root = tree.members[0].key
    units: list[Unit] = []

    def walk(node: object, path: tuple[str, ...]) -> None:
        if isinstance(node, Str):
            units.append(value_unit(path, node.value, line_of(text, node.start), keys,
                                    root is not None, StringHandle(path, node.start, node.end)))
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, (*path, str(i)))
        elif isinstance(node, Obj):
            names = [m.key.value for m in node.members]
            values = [m.value.value if isinstance(m.value, Str) else None for m in node.members]
            added = dict(plural_additions(names, values))
            for i, member in enumerate(node.members):
                if i in added and isinstance(member.value, Str):
                    new_path = (*path, added[i])
                    handle = StringHandle(new_path, insert_at=member.key.start,
                                          new_key=added[i], style=(member.lead, member.colon))
                    units.append(one_unit(new_path, member.value.value,
                                          line_of(text, member.key.start), keys,
                                          root is not None, handle))
                walk(member.value, (*path, member.key.value))

    walk(tree, ())
    non_ascii = any(ord(c) > 127 for c in text)
    ascii_only = not non_ascii and "\\u" in text
    return JsonDocument(name, text_data, units, root, ascii_only, "\\/" in text,
                        warnings=[text_data.warning] if text_data.warning else [])
