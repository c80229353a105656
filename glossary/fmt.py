"""One canonical layout for glossary YAML, so a review diff shows one entry per change.

Canonical means: top-level keys in the order name, description, terms; entries sorted by
source (Hangul code-point order, which is 가나다 dictionary order, spacing and case
ignored); keys in the fixed order of :data:`TERM_ORDER`; short lists in flow
style (``[a, b]``); empty keys dropped; string examples written as ``- source: …``.
Values are never changed (no NFC, no trimming): that is ``glossary lint``'s job, and a
formatter that silently edits terminology would hide changes from review.

Comments are kept and travel with what follows them (a full-line comment belongs to the next
entry or key, an end-of-line comment to the key on its line).  ruamel.yaml's round-trip mode
was tried and rejected for this: it stores a comment on the *preceding* node, so sorting
entries moved "# about term B" onto term A.  Instead the comments are located with PyYAML's
own token stream (a ``#`` outside every scalar token is a comment) and the file is re-emitted
from the line-annotated safe load, one PyYAML-quoted scalar at a time.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from glossary.load import (
    CONTEXT_KEYS,
    EXAMPLE_KEYS,
    KEY_LINES,
    LINE,
    TERM_KEYS,
    TOP_KEYS,
    glossary_files,
    parse_file,
    read_yaml,
)
from glossary.model import GlossaryError, Term, match_key, nfc

INDENT = "  "
TOP_ORDER = ("name", "description", "terms")
# Rules (context) before prose (note), examples last: the order a reviewer reads a term in.
TERM_ORDER = ("source", "target", "variants", "forbidden", "compounds", "context", "note",
              "examples")
assert set(TOP_ORDER) == set(TOP_KEYS) and set(TERM_ORDER) == set(TERM_KEYS)


@dataclass
class Comments:
    """Comments of one file by line: full-line ones owned by the next anchor, EOL ones by theirs."""

    before: dict[int, list[str]] = field(default_factory=dict)  # anchor line -> comment lines
    eol: dict[int, str] = field(default_factory=dict)           # anchor line -> "# text"
    trailing: list[str] = field(default_factory=list)           # after the last anchor

    def take_before(self, line: int | None) -> list[str]:
        return self.before.pop(line, []) if line else []

    def take_eol(self, line: int | None) -> str:
        return self.eol.pop(line, "") if line else ""


def find_comments(text: str) -> dict[int, tuple[str, bool]]:
    """line → (comment text, whether it is alone on its line), found outside all scalars."""
    inside: list[tuple[int, int]] = []
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        if isinstance(token, yaml.ScalarToken):
            inside.append((token.start_mark.index, token.end_mark.index))
    inside.sort()
    found: dict[int, tuple[str, bool]] = {}
    offset, span = 0, 0
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        start = offset
        offset += len(line)
        pos = line.find("#")
        while pos >= 0:
            at = start + pos
            while span < len(inside) and inside[span][1] <= at:
                span += 1
            in_scalar = span < len(inside) and inside[span][0] <= at < inside[span][1]
            if not in_scalar and (pos == 0 or line[pos - 1] in " \t"):
                found[number] = (line[pos:].rstrip(), not line[:pos].strip())
                break
            pos = line.find("#", pos + 1)
    return found


def anchor_lines(data: Any) -> list[int]:
    """Every line that starts a mapping key or a mapping: where comments can be attached."""
    lines: set[int] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            lines.add(node.get(LINE, 0))
            lines.update(node.get(KEY_LINES, {}).values())
            for key, value in node.items():
                if key not in (LINE, KEY_LINES):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(data)
    lines.discard(0)
    return sorted(lines)


def attach_comments(text: str, data: Any) -> Comments:
    anchors = anchor_lines(data)
    comments = Comments()
    pending: list[str] = []
    for line, (comment, alone) in sorted(find_comments(text).items()):
        if alone:
            nxt = next((a for a in anchors if a > line), None)
            if nxt is None:
                comments.trailing.append(comment)
            else:
                comments.before.setdefault(nxt, []).append(comment)
            continue
        owner = max((a for a in anchors if a <= line), default=None)
        if owner is None:
            pending.append(comment)
            continue
        joined = f"{comments.eol[owner]} {comment}" if owner in comments.eol else comment
        comments.eol[owner] = joined
    if pending:
        comments.before.setdefault(anchors[0] if anchors else 0, []).extend(pending)
    return comments


def _scalar_lines(key: str, value: Any) -> list[str]:
    """``key: value`` as PyYAML quotes it (flow style for lists), possibly several lines."""
    if isinstance(value, list):
        flow = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True,
                              width=float("inf")).rstrip("\n")
        return f"{key}: {flow}".split("\n")
    dumped = yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False,
                            default_flow_style=False, width=float("inf"))
    return dumped.rstrip("\n").split("\n")


def _clean(value: Any) -> Any:
    """Strip the loader's line bookkeeping so PyYAML sees plain data."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if k not in (LINE, KEY_LINES)}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, (list, dict, str)) and not _clean(value))


class _Emitter:
    def __init__(self, comments: Comments):
        self.comments = comments
        self.out: list[str] = []

    def comment_block(self, line: int | None, indent: str) -> None:
        for comment in self.comments.take_before(line):
            self.out.append(indent + comment)

    def key(self, mapping: dict, key: str, indent: str, first_prefix: str | None = None) -> None:
        """Emit ``key: value`` (a leaf) with its comments; ``first_prefix`` replaces the indent
        of the first line (``- `` for the first key of a list item)."""
        line = mapping.get(KEY_LINES, {}).get(key)
        self.comment_block(line, indent)
        lines = _scalar_lines(key, _clean(mapping[key]))
        eol = self.comments.take_eol(line)
        lines[0] = (first_prefix if first_prefix is not None else indent) + lines[0]
        lines[1:] = [indent + piece for piece in lines[1:]]
        if eol:
            lines[0] += "  " + eol
        self.out.extend(lines)

    def header(self, mapping: dict, key: str, indent: str, prefix: str | None = None) -> None:
        """``key:`` opening a nested block, with its comments."""
        line = mapping.get(KEY_LINES, {}).get(key)
        self.comment_block(line, indent)
        eol = self.comments.take_eol(line)
        self.out.append((prefix if prefix is not None else indent) + f"{key}:"
                        + (f"  {eol}" if eol else ""))

    def mapping(self, mapping: dict, order: Iterable[str], indent: str,
                nested: dict[str, Any], item_prefix: str | None = None) -> None:
        """Keys of ``mapping`` in ``order``; ``nested`` maps a key to the function that writes
        its block value.  With ``item_prefix`` the mapping is a list item (``- key: …``)."""
        first = True
        for key in order:
            if key not in mapping or _empty(mapping[key]):
                continue
            prefix = item_prefix if first and item_prefix is not None else None
            if key in nested:
                self.header(mapping, key, indent, prefix)
                nested[key](mapping[key], indent + INDENT)
            else:
                self.key(mapping, key, indent, prefix)
            first = False


def _example_dict(item: Any, line: int | None) -> dict:
    if isinstance(item, str):
        return {"source": item, LINE: line, KEY_LINES: {}}
    return item


def sort_key(entry: dict) -> tuple[str, str]:
    source = nfc(str(entry.get("source", "")))
    return match_key(source), source


def render(data: dict, comments: Comments) -> str:
    """The canonical text of an already validated glossary document."""
    em = _Emitter(comments)
    top_line = min([v for v in data.get(KEY_LINES, {}).values()] or [0])

    def context(ctx: dict, indent: str) -> None:
        em.mapping(ctx, CONTEXT_KEYS, indent, {})

    def examples(items: list, indent: str) -> None:
        for item in items:
            ex = _example_dict(item, None)
            em.comment_block(ex.get(LINE), indent)
            em.mapping(ex, EXAMPLE_KEYS, indent + INDENT, {}, item_prefix=indent + "- ")

    def terms(entries: list, indent: str) -> None:
        for entry in sorted(entries, key=sort_key):
            em.comment_block(entry.get(LINE), indent)
            em.mapping(entry, TERM_ORDER, indent + INDENT,
                       {"context": context, "examples": examples}, item_prefix=indent + "- ")

    em.comment_block(top_line, "")
    for key in TOP_ORDER:
        if key not in data:
            continue
        if key == "terms":
            em.header(data, key, "")
            terms(data["terms"] or [], INDENT)
        elif not _empty(data[key]):
            em.key(data, key, "")
    leftover = [c for lines in em.comments.before.values() for c in lines]
    leftover += list(em.comments.eol.values()) + em.comments.trailing
    em.out.extend(leftover)
    return "\n".join(em.out) + "\n"


def format_text(text: str, path: Path) -> str:
    """Canonical form of one glossary file's text (which must be a valid glossary)."""
    parse_file(path)  # validation lives in the loader; refuse what it refuses
    data = read_yaml(path)
    if data is None:
        return text
    return render(data, attach_comments(text, data))


def term_to_data(term: Term) -> dict:
    """A Term as the plain YAML mapping it would be written as (for import)."""
    entry: dict[str, Any] = {"source": term.source, "target": term.target,
                             "variants": list(term.variants),
                             "forbidden": list(term.forbidden)}
    ctx = {k: list(getattr(term.context, k)) for k in CONTEXT_KEYS if getattr(term.context, k)}
    entry["compounds"] = None if term.compounds else False  # the default is not written
    entry["context"] = ctx
    entry["note"] = term.note
    examples = []
    for ex in term.examples:
        item: dict[str, Any] = {"source": ex.source}
        if ex.translation is not None:
            item["translation"] = ex.translation
        if ex.contains:
            item["contains"] = list(ex.contains)
        if ex.accept:
            item["accept"] = list(ex.accept)
        examples.append(item)
    entry["examples"] = examples
    return entry


def dump_terms(terms: Iterable[Term], name: str | None = None,
               description: str | None = None) -> str:
    """Canonical YAML for terms built in memory (import from TBX/CSV)."""
    data: dict[str, Any] = {"name": name, "description": description,
                            "terms": [term_to_data(t) for t in terms]}
    return render(data, Comments())


def format_paths(paths: Iterable[str | Path]) -> list[tuple[Path, str, str]]:
    """(file, current text, canonical text) for every glossary file under ``paths``."""
    results = []
    for path in paths:
        for file in glossary_files(path):
            try:
                text = file.read_bytes().decode("utf-8")
            except UnicodeDecodeError:
                raise GlossaryError("not UTF-8 (save the glossary as UTF-8)", str(file)) from None
            results.append((file, text, format_text(text, file)))
    return results
