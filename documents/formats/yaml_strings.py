"""YAML app strings (``.yaml``, ``.yml``: Rails ``config/locales/ko.yml``, vue-i18n, i18next).

PyYAML's composer gives every scalar with its position and quoting style; the English is
spliced into the original text where the Korean stood, in the same style where it can be
(plain stays plain unless the English needs quotes, single and double quotes stay, ``|``
and ``>`` blocks keep their header and indentation). Comments, anchors, key order, flow
collections and spacing are the file's own text. ruamel.yaml's round-trip mode was the
alternative: it is not installed here, and it still re-emits the whole file (re-indenting
some sequences and flow mappings), where splicing leaves every untouched byte alone.

Aliases are allowed (Rails files share defaults with ``&default`` / ``<<: *default``) and
cannot blow up: the composer shares an anchored node instead of copying it, the walk below
visits each node once (the value is translated at its anchor, once), and nesting deeper than
64 levels is refused with one line, as are files PyYAML cannot parse (``file:line``).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import yaml

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
from ..textdata import TextData, read_text_data

EXTENSIONS = (".yaml", ".yml")
NAME = "yaml"  # what --input-format and the report call this format

STR_TAG = "tag:yaml.org,2002:str"
# libyaml's composer when PyYAML was built with it: the pure-Python scanner takes seconds per
# megabyte of one scalar (2.7 s for 1 MB, over 15 s for 5 MB; libyaml 0.1 s) and recurses in
# Python on deep nesting, where libyaml stops at 1,000 levels with a one-line error. Its
# marks are character offsets like the Python loader's, so the splicing is the same.
_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
PROPERTIES = re.compile(r"(?:[&!][^\s]*\s+)+")
PLAIN_UNSAFE = re.compile(r"^[-?:,\[\]{}#&*!|>'\"%@`\s]|:\s|\s#|:$|\s$|[\n\r\t]")
FLOW_UNSAFE = re.compile(r"[,\[\]{}]")


def _plain_ok(value: str, flow: bool) -> bool:
    """Can the English be written plain and read back as this very string (not true,
    null, 1.5, a mapping, a comment)? Checked by reading it where it will stand: after a
    key, or inside a flow collection (PyYAML's flow rules are stricter)."""
    if not value or PLAIN_UNSAFE.search(value) or (flow and FLOW_UNSAFE.search(value)) \
            or not value.isprintable():
        return False
    try:
        if flow:
            return yaml.safe_load(f"[{value}, x]") == [value, "x"]
        return yaml.safe_load(f"k: {value}\nz: x") == {"k": value, "z": "x"}
    except yaml.YAMLError:
        return False


def _double(value: str) -> str:
    """A double-quoted YAML scalar; characters YAML may not carry raw are escaped."""
    out = json.dumps(value, ensure_ascii=False)
    if out.isprintable():
        return out
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" if ord(c) < 0x10000
                   else f"\\U{ord(c):08x}" for c in out)


def quote_style(raw: str) -> str:
    return raw[0] if raw[:1] in ("'", '"', "|", ">") else ""


def emit(value: str, raw: str, flow: bool, newline: str) -> str:
    """The English as a YAML scalar written like the Korean one was (``raw``).

    Block scalars keep their header (a ``>`` whose English has line breaks becomes ``|``,
    which keeps them) and indentation; English a style cannot carry (a leading space in a
    block, ``: `` or ``yes`` plain, a control character anywhere) is double-quoted."""
    style = quote_style(raw)
    if style in ("|", ">"):
        head, _, body = raw.partition("\n")
        core = body.rstrip(" \t\r\n")
        trailing = body[len(core):]          # the line break(s) that end the block
        if not (value.strip() and not value[0].isspace()
                and all(c == "\n" or c.isprintable() for c in value)):
            return _double(value) + trailing
        head = head.rstrip("\r")
        if style == ">" and "\n" in value.rstrip("\n"):
            head = "|" + head[1:]
        indent = re.match(r"[ \t]*", next((x for x in body.splitlines() if x.strip()), ""))
        pad = indent.group() if indent and indent.group() else "  "
        lines = value.rstrip("\n").split("\n")
        return head + newline + newline.join(pad + x if x else "" for x in lines) + trailing
    if style == "" and _plain_ok(value, flow):
        return value
    if style == "'" and value.isprintable():
        return "'" + value.replace("'", "''") + "'"
    return _double(value)


@dataclass
class YamlDocument:
    name: str
    data: TextData
    units: list[Unit]
    root: tuple[int, int, str] | None      # span and text of a ``ko`` root key
    format: str = NAME
    warnings: list[str] = field(default_factory=list)

    def render(self) -> bytes:
        text = self.data.text
        newline = "\r\n" if "\r\n" in text else "\n"
        edits: list[tuple[int, int, str]] = []
        for unit in self.units:
            h: StringHandle = unit.handle
            raw, flow, indent = h.style
            if h.insert_at is None:
                english = translated(unit)
                if english is not None:
                    edits.append((h.start, h.end, emit(english, raw, flow, newline)))
                continue
            one = one_text(unit)
            if one is not None:
                value = emit(one, raw if quote_style(raw) not in ("|", ">") else '"', flow,
                             newline)
                sep = ", " if flow else newline + indent
                edits.append((h.insert_at, h.insert_at, f"{h.new_key}: {value}{sep}"))
        if edits and self.root is not None:
            start, end, key = self.root
            edits.append((start, end, text[start:end].replace(key, LOCALE_ROOTS[key], 1)))
        return self.data.encode(splice(text, edits))


def _scalar_span(text: str, node: yaml.ScalarNode) -> tuple[int, int]:
    """The scalar's own text (after any ``&anchor`` / ``!tag``)."""
    start, end = node.start_mark.index, node.end_mark.index
    m = PROPERTIES.match(text, start)
    if m and m.end() <= end:
        start = m.end()
    return start, end


def read(data: bytes, name: str, options: DocumentOptions) -> YamlDocument:
    text_data = read_text_data(data, name)
    text = text_data.text
    try:
        roots = [n for n in yaml.compose_all(text, Loader=_LOADER) if n is not None]
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        raise InputError(f"not valid YAML: {e.problem or e.context}", name,
                         mark.line + 1 if mark else None) from None
    except yaml.reader.ReaderError as e:      # a character YAML does not allow
        raise InputError(f"not valid YAML: character {e.character!r} is not allowed", name,
                         text.count("\n", 0, e.position) + 1) from None
    except yaml.YAMLError as e:
        raise InputError(f"not valid YAML: {' '.join(str(e).split())}", name) from None
    except RecursionError:
        raise InputError(f"nesting deeper than {MAX_DEPTH} levels; not an app strings file",
                         name) from None
    keys = KeyFilter(options.extra.get("keys"))
    units: list[Unit] = []
    seen: set[int] = set()
    root = None
    if len(roots) == 1 and isinstance(roots[0], yaml.MappingNode) and len(roots[0].value) == 1:
        key = roots[0].value[0][0]
        if isinstance(key, yaml.ScalarNode) and key.value in LOCALE_ROOTS:
            start, end = _scalar_span(text, key)
            root = (start, end, key.value)

    def walk(node: yaml.Node, path: tuple[str, ...], depth: int, flow: bool) -> None:
        if id(node) in seen:
            return                         # an alias: translated where its anchor is
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise InputError(f"nesting deeper than {MAX_DEPTH} levels; not an app strings "
                             "file", name, node.start_mark.line + 1)
        if len(seen) > MAX_VALUES:
            raise InputError(f"more than {MAX_VALUES} values; not an app strings file", name,
                             node.start_mark.line + 1)
        if isinstance(node, yaml.ScalarNode):
            if node.tag != STR_TAG:
                return
            start, end = _scalar_span(text, node)
            handle = StringHandle(path, start, end, (text[start:end], flow, ""))
            units.append(value_unit(path, node.value, node.start_mark.line + 1, keys,
                                    root is not None, handle))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, (*path, str(i)), depth + 1, flow or bool(node.flow_style))
        elif isinstance(node, yaml.MappingNode):
            inner_flow = flow or bool(node.flow_style)
            pairs = [(k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]
            names = [k.value for k, _ in pairs]
            values = [v.value if isinstance(v, yaml.ScalarNode) and v.tag == STR_TAG
                      and id(v) not in seen else None for _, v in pairs]
            added = dict(plural_additions(names, values))
            for i, (k, v) in enumerate(pairs):
                if i in added:
                    start, end = _scalar_span(text, v)
                    indent = " " * k.start_mark.column
                    new_path = (*path, added[i])
                    handle = StringHandle(new_path, insert_at=k.start_mark.index,
                                          new_key=added[i],
                                          style=(text[start:end], inner_flow, indent))
                    units.append(one_unit(new_path, v.value, k.start_mark.line + 1, keys,
                                          root is not None, handle))
                if k.value == "<<":
                    continue                   # a merge key: its mapping is an alias
                walk(v, (*path, str(k.value)), depth + 1, inner_flow)

    try:
        for node in roots:
            walk(node, (), 0, False)
    except RecursionError:
        raise InputError("nesting too deep; not an app strings file", name) from None
    return YamlDocument(name, text_data, units, root,
                        warnings=[text_data.warning] if text_data.warning else [])
