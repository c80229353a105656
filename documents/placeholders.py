"""Placeholders in a unit's text become inline codes, so the engine never sees (or mangles) them.

``{name}``, ``{{count}}``, ``%s``, ``%1$d``, ``%(name)s``, ``${var}``, URLs, e-mail addresses
and file paths must reach the English verbatim; the model would translate, respell or drop
them. :func:`mask` cuts them out of the text strings of a unit's content as ISOLATED codes
with ``placeholder=True`` whose ``data`` is the text itself, so the layer places them like
any other code and :func:`unmask` turns them back into text.

ICU MessageFormat ``{n, plural, one {…} other {…}}`` (and ``select``, ``selectordinal``) is
different: its *syntax* is masked, but the text of every branch is translated. The syntax
codes are *hard*: the layer never lets a sentence run across one, so each branch is translated
on its own and the braces stay exactly where they were; ``#`` inside a plural branch is an
ordinary placeholder. Malformed ICU (an unclosed brace, nesting deeper than
:data:`MAX_ICU_DEPTH`) is left as text rather than guessed at.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from documents.model import Code, CodeKind, Content

MAX_ICU_DEPTH = 8

_URL_CHARS = r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]"
_URL = rf"(?:https?|ftp)://{_URL_CHARS}+|www\.[A-Za-z0-9\-]+\.{_URL_CHARS}+"
_EMAIL = (r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+"        # the look-behind keeps it linear
          r"@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_PATH = (r"(?<![\w/])(?:~|\.{1,2})?/(?:[A-Za-z0-9_.\-]+/)*[A-Za-z0-9_.\-]+/?"       # /usr/bin
         r"|\b[A-Za-z]:\\(?:[\w.\-]+\\)*[\w.\-]*"                                  # C:\x\y
         r"|(?<![\w/.\-])[A-Za-z0-9_\-]+(?:/[A-Za-z0-9_.\-]+)*/[A-Za-z0-9_\-]+\.[A-Za-z0-9]{1,6}\b")
_DOUBLE_BRACE = r"\{\{\s*[\w.\-$]+\s*\}\}"
_BRACE = r"\{[\w.\[\]$\-]*(?:![rsa])?(?::[^{}\s]*)?\}"
_DOLLAR = r"\$\{[\w.\-]+\}"
_PRINTF = (r"%\([^)\n]{1,64}\)[-+0#]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]"
           r"|%(?:\d+\$)?[-+0#]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:hh|h|ll|l|L|q|j|z|t)?[diouxXeEfFgGcsp@]"
           r"|%%")
# what the scanner looks for; ``{`` ``}`` ``#`` are structural (ICU) and handled by hand
_SCAN = re.compile(
    f"(?P<url>{_URL})|(?P<email>{_EMAIL})|(?P<dbrace>{_DOUBLE_BRACE})|(?P<brace>{_BRACE})"
    f"|(?P<dollar>{_DOLLAR})|(?P<printf>{_PRINTF})|(?P<path>{_PATH})|(?P<open>\\{{)"
    f"|(?P<close>\\}})|(?P<hash>#)")
_ICU_HEAD = re.compile(r"\{\s*[\w.]+\s*,\s*(?:plural|selectordinal|select)\s*,\s*")
_SELECTOR = re.compile(r"\s*(?:offset:\s*\d+\s+)?(=?[\w\-.]+)\s*\{")
_URL_TRAILING = ".,;:!?'\")]"


@dataclass(frozen=True)
class Masked:
    """A content with its placeholders as codes; ``ids`` are the codes made here, ``hard``
    those a sentence must not run across (ICU syntax)."""

    content: Content
    ids: frozenset[str]
    hard: frozenset[str]


class _Ids:
    def __init__(self, taken: Iterable[str]):
        self.taken, self.n = set(taken), 0

    def __call__(self) -> str:
        while True:
            self.n += 1
            candidate = f"ph{self.n}"
            if candidate not in self.taken:
                self.taken.add(candidate)
                return candidate


class _Scan:
    """One pass over a string: text runs and placeholder codes, ICU parsed recursively."""

    def __init__(self, text: str, ids: _Ids):
        self.text, self.ids = text, ids
        self.hard: set[str] = set()

    def code(self, data: str, hard: bool = False) -> Code:
        code = Code(self.ids(), CodeKind.ISOLATED, data, placeholder=True)
        if hard:
            self.hard.add(code.id)
        return code

    def run(self, i: int, depth: int, plural: bool, in_branch: bool) -> tuple[list, int]:
        """Parts from ``i`` to the end (or, in a branch, to its closing brace: the index of
        that ``}`` is returned, or -1 when the branch is never closed)."""
        text = self.text
        parts: list[str | Code] = []
        start = i
        while True:
            m = _SCAN.search(text, i)
            if m is None:
                if in_branch:
                    return parts, -1
                _add(parts, text[start:])
                return parts, len(text)
            kind, at = m.lastgroup, m.start()
            if kind == "close":
                if in_branch:
                    _add(parts, text[start:at])
                    return parts, at
                i = m.end()
                continue
            if kind == "hash":
                if plural:
                    _add(parts, text[start:at])
                    parts.append(self.code("#"))
                    start = i = m.end()
                else:
                    i = m.end()
                continue
            if kind == "open":
                icu = self.icu(at, depth) if depth < MAX_ICU_DEPTH else None
                if icu is None:
                    if in_branch:     # an unbalanced brace inside a branch: not ICU after all
                        return parts, -1
                    i = m.end()
                    continue
                inner, end = icu
                _add(parts, text[start:at])
                parts += inner
                start = i = end
                continue
            found = m.group()
            if kind == "url":
                found = _trim_url(found)
            end = at + len(found)
            if kind in ("brace", "dbrace", "dollar", "printf"):
                at, end = _glued(text, start, at, end)
            _add(parts, text[start:at])
            parts.append(self.code(text[at:end]))
            start = i = end

    def icu(self, at: int, depth: int) -> tuple[list, int] | None:
        """The parts of an ICU plural/select starting at ``at``, and where it ends; None if
        the text there is not one (then it is left as text)."""
        text = self.text
        head = _ICU_HEAD.match(text, at)
        if head is None:
            return None
        plural = "plural" in head.group() or "selectordinal" in head.group()
        saved = set(self.hard)
        parts: list = []
        syntax_from, i, branches = at, head.end(), 0
        while True:
            sel = _SELECTOR.match(text, i)
            if sel is None:
                break
            parts.append(self.code(text[syntax_from:sel.end()], hard=True))
            inner, close = self.run(sel.end(), depth + 1, plural, in_branch=True)
            if close < 0:
                self.hard = saved
                return None
            parts += inner
            branches += 1
            syntax_from, i = close, close + 1
        rest = re.compile(r"\s*\}").match(text, i)
        if not branches or rest is None:
            self.hard = saved
            return None
        parts.append(self.code(text[syntax_from:rest.end()], hard=True))
        return parts, rest.end()


_GLUE = re.compile(r"[A-Za-z0-9_\-.]")


def _glued(text: str, floor: int, at: int, end: int) -> tuple[int, int]:
    """Widen a placeholder over the Latin letters, digits and ``._-`` glued to it
    (``v{version}``, ``%s.txt``, ``{n}px``): one token to keep, not a word for the model to
    translate apart from it. A final ``.`` stays outside (it ends the sentence)."""
    while at > floor and _GLUE.match(text[at - 1]):
        at -= 1
    while end < len(text) and _GLUE.match(text[end]):
        end += 1
    while end > at and text[end - 1] == "." and (end == len(text) or text[end].isspace()
                                                 or not _GLUE.match(text[end])):
        end -= 1
    return at, end


def _add(parts: list, text: str) -> None:
    if text:
        parts.append(text)


def _trim_url(url: str) -> str:
    """A URL does not end in the sentence's punctuation (unless a bracket it opened)."""
    while url and url[-1] in _URL_TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def mask(content: Content) -> Masked:
    """The content with every placeholder of its strings as a code (existing codes kept)."""
    ids = _Ids(p.id for p in content if isinstance(p, Code))
    out: list[str | Code] = []
    made: set[str] = set()
    hard: set[str] = set()
    for part in content:
        if isinstance(part, Code):
            out.append(part)
            continue
        scan = _Scan(part, ids)
        parts, _ = scan.run(0, 0, plural=False, in_branch=False)
        # a branch abandoned half-way may leave codes whose ids were drawn: harmless
        made.update(p.id for p in parts if isinstance(p, Code))
        hard.update(scan.hard & made)
        out += parts
    return Masked(tuple(out), frozenset(made), frozenset(hard))


def unmask(content: Content, ids: Iterable[str]) -> Content:
    """The content with the codes ``ids`` written back as their text, strings merged."""
    own = set(ids)
    out: list[str | Code] = []
    for part in content:
        if isinstance(part, Code) and part.id in own:
            part = part.data
        if isinstance(part, str):
            if not part:
                continue
            if out and isinstance(out[-1], str):
                out[-1] += part
                continue
        out.append(part)
    return tuple(out)


def mask_text(text: str) -> Masked:
    """:func:`mask` of one string (for tests and for formats with no codes)."""
    return mask((text,))
