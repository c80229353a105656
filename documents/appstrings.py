"""What JSON and YAML app-string files (i18next, vue-i18n, Rails) share: which values are
translated, their interpolations as codes, the locale root key and English plural keys.

The format modules (``documents/formats/json_strings.py``, ``yaml_strings.py``) find string
values and where they sit in the file; this module decides what each becomes.

Interpolations are made codes here, before the layer's own placeholder masking, because some
are app-string syntax the general masker does not know: Rails ``%{count}`` and
``%<amount>.2f``, strftime and number formats (``%Y년 %m월``, ``%n%u``), Windows/Qt ``%1``
and accelerators ``(&W)``, i18next ``{{count, number}}``, ``{{- html}}`` and
``$t(other.key)``, vue-i18n linked messages ``@:common.ok`` / ``@.lower:key``, and the
numbered tags of react-i18next ``<Trans>`` (``<1>…</1>``). Plain ``{name}``, ``%s`` and ICU
are left to the layer (``documents.placeholders``).

English plural forms: Korean has one plural category (``other``), English two. Where a
file has the Korean ``other`` form only, a ``one`` form is added next to it: i18next
``key_other`` gets ``key_one`` (and a plain ``key`` whose value counts ``{{count}}`` gets
``key_one``; the plain key stays the ``other`` form, i18next's fallback), a Rails
``{other: …}`` mapping gets ``one:``. The ``one`` text is the Korean with the count
placeholder replaced by ``1``, translated on its own (so the model writes the singular),
and the ``1`` in the English is put back as the placeholder. Nothing is added for a unit
that came back untranslated, and the ``ko`` root becomes ``en`` only when something was
translated: an identity round trip stays byte-equal.
"""
from __future__ import annotations

import fnmatch
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .model import Code, CodeKind, Content, Unit, UnitState, joined
from .text import has_korean

MAX_DEPTH = 64          # nesting of objects/mappings; app strings use a handful
MAX_VALUES = 200_000    # string values in one file

INTERPOLATION = re.compile(
    r"%\{[^{}\s]+\}"                                    # Rails %{count}
    r"|%<\w+>[-+ 0#]*\d*(?:\.\d+)?[a-zA-Z]"             # Rails %<amount>.2f
    r"|\{\{[^{}]+\}\}"                                  # i18next {{x}}, {{x, number}}, {{- x}}
    r"|\$t\([^()]*\)"                                   # i18next nesting $t(key)
    r"|@(?:\.\w+)?:(?:\{[^{}]*\}|\([^()]*\)|[\w\-]+(?:\.[\w\-]+)*)"   # vue-i18n @:key
    r"|%[-_0^#]?[aAbBcCdDeFgGhHIjklmMnpPrRsStTuUVwWxXyYzZ]"  # Rails strftime %Y, number %n%u
    r"|\(&[A-Za-z0-9]\)"                                 # Windows accelerator (&W)
    r"|(?<![\w%])%\d{1,2}(?![\d$])"                       # Windows/Qt positional %1
)
TAG = re.compile(r"<(/?)([A-Za-z][\w\-]*|\d+)(?:\s[^<>]*)?(/?)>")
COUNT_NAMES = ("count", "n")
CATEGORIES = frozenset({"zero", "one", "two", "few", "many", "other"})
LOCALE_ROOTS = {"ko": "en", "ko-KR": "en-US", "ko_KR": "en_US", "kr": "en"}


def content_of(value: str) -> Content:
    """The value as unit content: interpolations as placeholder codes, tags as codes."""
    value = unicodedata.normalize("NFC", value)
    spans: list[tuple[int, int, str]] = []
    for m in INTERPOLATION.finditer(value):
        spans.append((m.start(), m.end(), "ph"))
    for m in TAG.finditer(value):
        if not any(s <= m.start() < e for s, e, _ in spans):
            spans.append((m.start(), m.end(), "tag"))
    spans.sort()
    parts: list[str | Code] = []
    open_tags: list[tuple[str, int]] = []
    pos, n = 0, 0
    for start, end, kind in spans:
        if start > pos:
            parts.append(value[pos:start])
        raw = value[start:end]
        n += 1
        if kind == "ph":
            parts.append(Code(f"s{n}", CodeKind.ISOLATED, raw, placeholder=True))
        else:
            tm = TAG.fullmatch(raw)
            assert tm is not None
            closing, tag, selfclosing = tm.group(1), tm.group(2), tm.group(3)
            if closing:
                opener = next((k for k in range(len(open_tags) - 1, -1, -1)
                               if open_tags[k][0] == tag), None)
                if opener is not None:
                    name, idx = open_tags[opener]
                    del open_tags[opener:]
                    first = parts[idx]
                    assert isinstance(first, Code)
                    parts[idx] = Code(first.id, CodeKind.OPEN, first.data)
                    parts.append(Code(first.id, CodeKind.CLOSE, raw))
                else:
                    parts.append(Code(f"s{n}", CodeKind.ISOLATED, raw))
            else:
                if not selfclosing and tag.lower() not in ("br", "img", "hr", "input"):
                    open_tags.append((tag, len(parts)))
                parts.append(Code(f"s{n}", CodeKind.ISOLATED, raw))
        pos = end
    if pos < len(value):
        parts.append(value[pos:])
    return tuple(parts)


def text_of(content: Content) -> str:
    """Unit content back to the string value (codes as their data)."""
    return "".join(p.data if isinstance(p, Code) else p for p in content)


def _glued(content: Content) -> set[tuple[str, str]]:
    """(code id, side) where a placeholder touches a Latin letter or digit in ``content``."""
    out: set[tuple[str, str]] = set()
    for i, part in enumerate(content):
        if not (isinstance(part, Code) and part.placeholder) or part.data.startswith("(&"):
            continue                       # an accelerator (&W) belongs to its word
        before = content[i - 1] if i > 0 else ""
        after = content[i + 1] if i + 1 < len(content) else ""
        if isinstance(before, str) and before[-1:].isascii() and before[-1:].isalnum():
            out.add((part.id, "left"))
        if isinstance(after, str) and after[:1].isascii() and after[:1].isalnum():
            out.add((part.id, "right"))
    return out


def spaced(source: Content, target: Content) -> Content:
    """The English with a space between a placeholder and a word it was glued to.

    Korean attaches particles and counters to a value (``%{count}개``, ``%{attribute}을``),
    and the English comes back glued the same way (``%{count}items``); a space goes in
    where the Korean had no Latin letter or digit on that side (``{{count}}px`` stays)."""
    keep = _glued(source)
    glued = _glued(target) - keep
    if not glued:
        return target
    out: list[str | Code] = []
    for part in target:
        if isinstance(part, Code) and (part.id, "left") in glued:
            out[-1] = f"{out[-1]} "
        out.append(part)
        if isinstance(part, Code) and (part.id, "right") in glued:
            out.append(" ")
    return joined(out)


def count_placeholder(value: str) -> str | None:
    """The count interpolation of a value (``{{count}}``, ``%{count}``, ``{count}``, ``{n}``)."""
    for name in COUNT_NAMES:
        m = re.search(r"\{\{\s*" + name + r"\s*(?:,[^{}]*)?\}\}|%\{" + name + r"\}"
                      r"|(?<![{%])\{" + name + r"\}(?!\})", value)
        if m:
            return m.group()
    return None


class KeyFilter:
    """``--keys``: glob patterns on dotted key paths (``*`` also crosses dots). A path
    matches with or without its locale root (``ko.errors.*`` and ``errors.*`` both work)."""

    def __init__(self, patterns: Sequence[str] | str | None):
        if isinstance(patterns, str):
            patterns = [p for p in re.split(r"[,\s]+", patterns) if p]
        self.patterns = list(patterns or [])

    def __call__(self, path: Sequence[str], has_root: bool) -> bool:
        if not self.patterns:
            return True
        dotted = [".".join(path)]
        if has_root and len(path) > 1:
            dotted.append(".".join(path[1:]))
        return any(fnmatch.fnmatchcase(d, p) for d in dotted for p in self.patterns)


@dataclass
class StringHandle:
    """Where a value goes back; for an added plural form, what to insert and where."""

    path: tuple[str, ...]
    start: int = 0
    end: int = 0
    style: Any = None                     # the format module's note on how it was written
    insert_at: int | None = None          # an added key: offset of the sibling it precedes
    new_key: str = ""
    count: str | None = None              # the count placeholder the "1" stands for


def value_unit(path: tuple[str, ...], value: str, line: int, keys: KeyFilter,
               has_root: bool, handle: StringHandle) -> Unit:
    unit = Unit(".".join(path), content_of(value), line=line, handle=handle)
    if not value.strip():
        unit.state, unit.reason = UnitState.SKIP, "empty"
    elif not keys(path, has_root):
        unit.state, unit.reason = UnitState.SKIP, "not in --keys"
    elif not has_korean(value):
        unit.state, unit.reason = UnitState.SKIP, "no Korean"
    return unit


def plural_additions(keys: Sequence[str], values: Sequence[str | None]
                     ) -> list[tuple[int, str]]:
    """(index of the sibling to insert before, new key) for each English ``one`` form the
    mapping lacks. ``values`` are the string values (None where not a string)."""
    present = set(keys)
    out: list[tuple[int, str]] = []
    if "other" in present and "one" not in present and present <= CATEGORIES:
        i = keys.index("other")
        if values[i] is not None:
            out.append((i, "one"))
        return out
    for i, (key, value) in enumerate(zip(keys, values, strict=True)):
        if value is None:
            continue
        if key.endswith("_other"):
            base = key[: -len("_other")]
            if base and base + "_one" not in present:
                out.append((i, base + "_one"))
        elif (not any(key.endswith("_" + c) for c in CATEGORIES)
              and key + "_one" not in present and key + "_other" not in present
              and re.search(r"\{\{\s*count\s*(?:,[^{}]*)?\}\}", value)):
            out.append((i, key + "_one"))
    return out


def one_unit(path: tuple[str, ...], value: str, line: int, keys: KeyFilter, has_root: bool,
             handle: StringHandle) -> Unit:
    """The unit for an added ``one`` form: the Korean with its count as ``1``."""
    count = count_placeholder(value)
    handle.count = count
    source = value.replace(count, "1", 1) if count else value
    unit = value_unit(path, source, line, keys, has_root, handle)
    unit.reason = unit.reason or "English plural form added"
    return unit


def one_text(unit: Unit) -> str | None:
    """The English ``one`` value, the ``1`` put back as the count placeholder; None when
    the unit was not translated (then nothing is added)."""
    if unit.target is None or unit.state is not UnitState.FILL or unit.target == unit.source:
        return None
    text = text_of(spaced(unit.source, unit.target))
    count = unit.handle.count
    if count:
        text = re.sub(r"(?<![\w.,])1(?![\w.,]\d)", lambda m: count, text, count=1)
    return text


def translated(unit: Unit) -> str | None:
    """The English value of a unit, or None when it is to stay as it was."""
    if unit.target is None or unit.state is not UnitState.FILL or unit.target == unit.source:
        return None
    return text_of(spaced(unit.source, unit.target))


def splice(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Replace (start, end) spans of ``text``; insertions have start == end."""
    out: list[str] = []
    pos = 0
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1])):
        out.append(text[pos:start])
        out.append(new)
        pos = max(pos, end)
    out.append(text[pos:])
    return "".join(out)
