"""What a glossary change means term by term: the summary a reviewer reads in a PR comment.

A line diff of YAML shows moved lines; this shows "전장: target vehicle parts → vehicle
components", which is what a terminologist approves or not.  Terms are paired by their
headword (spacing/case-insensitively), so a changed target is a change, not a remove + add.
"""
from __future__ import annotations

import json
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from bitext.errors import InputError
from glossary.fmt import term_to_data
from glossary.load import load_glossary
from glossary.model import Glossary, Term, match_key

FIELDS = ("target", "variants", "forbidden", "compounds", "context", "note", "examples")


@dataclass
class GlossaryDiff:
    added: list[Term] = field(default_factory=list)
    removed: list[Term] = field(default_factory=list)
    changed: list[tuple[Term, Term, dict[str, tuple[Any, Any]]]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def to_dict(self) -> dict:
        return {
            "added": [term_to_data(t) for t in self.added],
            "removed": [term_to_data(t) for t in self.removed],
            "changed": [{"source": new.source, "fields": {k: {"old": o, "new": n}
                                                          for k, (o, n) in fields.items()}}
                        for _, new, fields in self.changed],
        }


def _fields(term: Term) -> dict[str, Any]:
    data = {**term_to_data(term), "compounds": term.compounds}  # shown as true/false
    return {k: data[k] for k in FIELDS}


def diff_glossaries(old: Glossary, new: Glossary) -> GlossaryDiff:
    before = {match_key(t.source): t for t in old}
    after = {match_key(t.source): t for t in new}
    result = GlossaryDiff()
    for key, term in after.items():
        if key not in before:
            result.added.append(term)
            continue
        a, b = _fields(before[key]), _fields(term)
        changes = {f: (a[f], b[f]) for f in FIELDS if a[f] != b[f]}
        if changes or before[key].source != term.source:
            if before[key].source != term.source:
                changes = {"source": (before[key].source, term.source), **changes}
            result.changed.append((before[key], term, changes))
    result.removed = [t for k, t in before.items() if k not in after]
    for group in (result.added, result.removed):
        group.sort(key=lambda t: match_key(t.source))
    result.changed.sort(key=lambda c: match_key(c[1].source))
    return result


def _show(value: Any) -> str:
    """A field value inline in Markdown: lists comma-joined, mappings compact JSON."""
    if value in (None, [], {}):
        return "—"
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(value)
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(diff: GlossaryDiff, title: str = "Glossary changes") -> str:
    counts = (f"{len(diff.added)} added, {len(diff.removed)} removed, "
              f"{len(diff.changed)} changed")
    lines = [f"### {title}: {counts}", ""]
    if diff.empty:
        return "\n".join([*lines, "No term changed."]) + "\n"
    if diff.added:
        lines += ["#### Added", "", "| source | target | variants | forbidden | note |",
                  "|---|---|---|---|---|"]
        lines += [f"| {_cell(t.source)} | {_cell(t.target)} | {_cell(_show(list(t.variants)))} "
                  f"| {_cell(_show(list(t.forbidden)))} | {_cell(_show(t.note))} |"
                  for t in diff.added]
        lines.append("")
    if diff.removed:
        lines += ["#### Removed", "", "| source | target |", "|---|---|"]
        lines += [f"| {_cell(t.source)} | {_cell(t.target)} |" for t in diff.removed]
        lines.append("")
    if diff.changed:
        lines += ["#### Changed", "", "| source | field | old | new |", "|---|---|---|---|"]
        for _, new, fields in diff.changed:
            for name, (old_value, new_value) in fields.items():
                lines.append(f"| {_cell(new.source)} | {name} | {_cell(_show(old_value))} "
                             f"| {_cell(_show(new_value))} |")
        lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------- git revisions

def _git(*args: str, cwd: str | None = None) -> bytes:
    try:
        done = subprocess.run(["git", *args], capture_output=True, check=False, cwd=cwd)
    except FileNotFoundError:
        raise InputError("git is not installed", "git") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(message[-1] if message else "git failed", f"git {' '.join(args)}")
    return done.stdout


def glossary_at_revision(rev: str, path: str = "resources/glossary") -> Glossary:
    """The glossary under ``path`` as it was at git revision ``rev``.

    Files are copied out with ``git show REV:file`` into a temporary folder and loaded by
    the ordinary loader, so the revision is validated exactly as a checkout would be; error
    messages name ``REV:file`` rather than the temporary copy.  A path absent at that
    revision is an empty glossary (the PR that adds the first file).
    """
    top = _git("rev-parse", "--show-toplevel").decode().strip()
    prefix = _git("rev-parse", "--show-prefix").decode().strip()
    spec = str(PurePosixPath(prefix) / path) if prefix else path
    listing = _git("ls-tree", "-r", "--name-only", rev, "--", spec, cwd=top).decode("utf-8")
    files = [f for f in listing.splitlines() if f.endswith((".yaml", ".yml"))]
    if not files:
        return Glossary()
    with tempfile.TemporaryDirectory(prefix="glossary-rev-") as tmp:
        copies = {}
        for index, name in enumerate(sorted(files)):
            copy = Path(tmp) / f"{index:04d}-{PurePosixPath(name).name}"
            copy.write_bytes(_git("show", f"{rev}:{name}", cwd=top))
            copies[str(copy)] = f"{rev}:{name}"
        paths = list(copies)
        try:
            return load_glossary(*paths)
        except InputError as e:
            e.path = copies.get(e.path or "", e.path)
            for copy_path, name in copies.items():
                e.message = e.message.replace(copy_path, name)
            raise
