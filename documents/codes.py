"""Checks on a content's inline codes: well-formed in the Korean, all there in the English."""
from __future__ import annotations

from collections import Counter

from documents.model import Code, CodeKind, Content


def nesting_problem(content: Content) -> str | None:
    """Why the codes of ``content`` are not well-formed, or None.

    Every OPEN has one CLOSE with its id later on, pairs nest properly, ids are not reused.
    """
    stack: list[str] = []
    seen: set[str] = set()
    for part in content:
        if not isinstance(part, Code):
            continue
        if part.kind is CodeKind.OPEN:
            if part.id in seen:
                return f"code id {part.id!r} is used twice"
            seen.add(part.id)
            stack.append(part.id)
        elif part.kind is CodeKind.CLOSE:
            if not stack:
                return f"closing code {part.id!r} has no opening code before it"
            if stack[-1] != part.id:
                return (f"codes do not nest: {part.id!r} closes while {stack[-1]!r} is still "
                        "open")
            stack.pop()
        else:
            if part.id in seen:
                return f"code id {part.id!r} is used twice"
            seen.add(part.id)
    if stack:
        return f"opening code {stack[-1]!r} is never closed"
    return None


def _key(code: Code) -> tuple[str, str]:
    return code.id, code.kind.value


def missing_or_extra(source: Content, target: Content) -> list[str]:
    """Codes of the source lost or duplicated in the target, and target codes it never had
    (each as a message); nesting problems of the target too. Empty when all is well."""
    want = Counter(_key(p) for p in source if isinstance(p, Code))
    have = Counter(_key(p) for p in target if isinstance(p, Code))
    problems = []
    for key in sorted(want | have):
        if have[key] < want[key]:
            problems.append(f"code {key[0]!r} ({key[1]}) lost")
        elif have[key] > want[key]:
            problems.append(f"code {key[0]!r} ({key[1]}) "
                            f"{'duplicated' if want[key] else 'not in the source'}")
    nesting = nesting_problem(target)
    if nesting and not problems:
        problems.append(nesting)
    return problems
