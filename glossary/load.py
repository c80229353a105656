"""Reading glossary YAML with the file and line of every entry kept for error messages.

Only PyYAML's safe loader is used: a glossary arrives by pull request from anyone, and
``!!python/object`` tags must never build objects.  For the same reason aliases and anchors
are refused while composing, before anything could expand them (a 1 KB alias bomb would hang
``glossary lint``), and so are nesting past :data:`MAX_DEPTH` and non-string keys.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bitext.errors import InputError
from bitext.qa.issue import ALL_CODES as QA_CODES
from bitext.yamlsafe import BoundedLoader, load_yaml
from glossary.model import Context, Example, Glossary, GlossaryError, Location, Term, match_key, nfc

TERM_KEYS = ("source", "target", "variants", "forbidden", "compounds", "note", "context",
             "examples")
CONTEXT_KEYS = ("when", "unless")
EXAMPLE_KEYS = ("source", "translation", "contains", "accept")
TOP_KEYS = ("terms", "name", "description")
LINE = "__line__"
KEY_LINES = "__key_lines__"
MAX_DEPTH = 20           # a glossary nests six levels (file, terms, term, examples, …)


class _LineLoader(BoundedLoader):
    """Safe loader whose mappings remember the line of themselves and of each key; no
    aliases or anchors, shallow nesting, scalar keys only."""

    allow_aliases = False
    max_depth = MAX_DEPTH

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        key_lines: dict[Any, int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise GlossaryError("a key must be a plain string, not a list or mapping "
                                    "(`? [a, b]` complex keys are not allowed)",
                                    self.source_name, key_node.start_mark.line + 1)
            key = self.construct_object(key_node, deep=deep)
            if key in key_lines:
                raise GlossaryError(f"duplicate key {key!r} in one entry", self.source_name,
                                    key_node.start_mark.line + 1)
            key_lines[key] = key_node.start_mark.line + 1
        mapping = super().construct_mapping(node, deep=True)
        mapping[LINE] = node.start_mark.line + 1
        mapping[KEY_LINES] = key_lines
        return mapping


def glossary_files(path: str | Path) -> list[Path]:
    """A file, or the sorted ``*.yaml``/``*.yml`` files of a folder (sorted: merges are
    reproducible)."""
    p = Path(path)
    if p.is_dir():
        files = sorted([*p.glob("*.yaml"), *p.glob("*.yml")])
        if not files:
            raise GlossaryError("no *.yaml files in this folder", str(p))
        return files
    if not p.exists():
        raise GlossaryError("glossary not found", str(p))
    return [p]


def read_yaml(path: Path) -> Any:
    """Parse one file with line-annotated mappings; every failure becomes a one-line error."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as e:
        line = path.read_bytes()[: e.start].count(b"\n") + 1
        raise GlossaryError("not UTF-8 (save the glossary as UTF-8)", str(path), line) from None
    try:
        return load_yaml(text, str(path), _LineLoader)
    except GlossaryError:
        raise
    except InputError as e:
        raise GlossaryError(e.message, e.path, e.line) from None


def _accepted(value: Any, path: str, line: int) -> tuple[str, ...]:
    """An example's ``accept:`` list: QA codes a reviewer found to be false positives on
    its output (``glossary test`` then does not fail on them); unknown codes are refused."""
    codes = _strings(value, "accept", path, line)
    unknown = [c for c in codes if c not in QA_CODES]
    if unknown:
        raise GlossaryError(f"accept: unknown QA code(s) {', '.join(unknown)}; choose from "
                            f"{', '.join(QA_CODES)}", path, line)
    return codes


def _strings(value: Any, what: str, path: str, line: int) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise GlossaryError(f"{what} must be a list of non-empty strings", path, line)
    return tuple(nfc(v.strip()) for v in value)


def _check_keys(entry: dict, allowed: tuple[str, ...], what: str, path: str) -> None:
    for key, line in entry.get(KEY_LINES, {}).items():
        if key not in allowed:
            raise GlossaryError(f"unknown key {key!r} in {what} (allowed: {', '.join(allowed)})",
                                path, line)


def parse_term(entry: Any, path: str, line: int) -> Term:
    """One ``terms:`` entry to a Term, or an error at the line that is wrong."""
    if not isinstance(entry, dict):
        raise GlossaryError("a term must be a mapping with source and target", path, line)
    line = entry.get(LINE, line)
    key_lines = entry.get(KEY_LINES, {})
    _check_keys(entry, TERM_KEYS, "term", path)
    for key in ("source", "target"):
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            raise GlossaryError(f"term has no {key} (a non-empty string is required)", path,
                                key_lines.get(key, line))
    ctx = entry.get("context") or {}
    if not isinstance(ctx, dict):
        raise GlossaryError("context must be a mapping with when/unless lists", path,
                            key_lines.get("context", line))
    _check_keys(ctx, CONTEXT_KEYS, "context", path)
    examples = []
    for item in entry.get("examples") or []:
        if isinstance(item, str):
            item = {"source": item}
        if not isinstance(item, dict) or not isinstance(item.get("source"), str):
            raise GlossaryError("an example needs a Korean `source` sentence", path,
                                key_lines.get("examples", line))
        _check_keys(item, EXAMPLE_KEYS, "example", path)
        item_line = item.get(LINE, line)
        examples.append(Example(
            source=nfc(item["source"].strip()),
            translation=item.get("translation"),
            contains=_strings(item.get("contains"), "contains", path, item_line),
            accept=_accepted(item.get("accept"), path, item_line),
        ))
    note = entry.get("note")
    compounds = entry.get("compounds", True)
    if not isinstance(compounds, bool):
        raise GlossaryError("compounds must be true or false", path,
                            key_lines.get("compounds", line))
    return Term(
        source=nfc(entry["source"].strip()),
        target=nfc(entry["target"].strip()),
        variants=_strings(entry.get("variants"), "variants", path, key_lines.get("variants", line)),
        forbidden=_strings(entry.get("forbidden"), "forbidden", path,
                           key_lines.get("forbidden", line)),
        note=str(note).strip() if note is not None else None,
        context=Context(
            when=_strings(ctx.get("when"), "context.when", path, line),
            unless=_strings(ctx.get("unless"), "context.unless", path, line),
        ),
        examples=tuple(examples),
        compounds=compounds,
        origin=Location(path, line),
    )


def parse_file(path: Path) -> list[Term]:
    data = read_yaml(path)
    if data is None:
        return []
    if not isinstance(data, dict) or "terms" not in data:
        raise GlossaryError("a glossary file is a mapping with a `terms:` list", str(path), 1)
    _check_keys(data, TOP_KEYS, "glossary file", str(path))
    terms = data["terms"] or []
    if not isinstance(terms, list):
        raise GlossaryError("`terms:` must be a list", str(path), data[KEY_LINES]["terms"])
    return [parse_term(entry, str(path), data[KEY_LINES]["terms"]) for entry in terms]


def check_conflicts(terms: list[Term]) -> None:
    """Every source spelling must belong to exactly one term, across all files.

    Two entries that claim one spelling make matching ambiguous; the error names both places
    so a reviewer sees the pair at once.
    """
    owner: dict[str, Term] = {}
    for term in terms:
        for spelling in term.spellings:
            key = match_key(spelling)
            other = owner.get(key)
            if other is None:
                owner[key] = term
                continue
            if other is term:
                continue
            here = term.origin
            if other.target != term.target:
                why = (f"conflicting entries for {spelling!r}: {term.target!r} here, "
                       f"{other.target!r} at {other.origin}")
            else:
                why = f"duplicate entry for {spelling!r} (also at {other.origin})"
            raise GlossaryError(why, here.path if here else None, here.line if here else None)


def load_glossary(*paths: str | Path) -> Glossary:
    """Load and merge glossary files or folders; raise GlossaryError on the first problem."""
    glossary = Glossary()
    for path in paths:
        for file in glossary_files(path):
            glossary.terms.extend(parse_file(file))
            glossary.sources.append(str(file))
    check_conflicts(glossary.terms)
    return glossary
