"""Where each translated file goes, settled and checked before anything is translated.

A run that would overwrite its Korean source (``translate X -o X``, also through a symbolic
link or a second name for the same file), write into a folder named as a file, or write two
inputs to one output is refused with one line before the model loads, so no time is spent on
a translation that cannot be saved and nothing is half-written. Overwriting the input is
for an explicit ``--in-place``, which keeps the original beside it as ``FILE.orig``.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bitext.errors import InputError
from bitext.files import STDIO

ORIG = ".orig"


@dataclass(frozen=True)
class Target:
    source: str          # the input as the user named it (a path, or "-")
    output: str          # where its translation goes ("-" = stdout)
    in_place: bool = False

    @property
    def backup(self) -> str:
        return self.source + ORIG


def same_file(a: str, b: str) -> bool:
    """True when two paths name one file (links and ``..`` resolved; hard links too)."""
    if STDIO in (a, b):
        return False
    try:
        if os.path.exists(a) and os.path.exists(b) and os.path.samefile(a, b):
            return True
    except OSError:
        pass
    return os.path.realpath(a) == os.path.realpath(b)


def expand(inputs: list[str], wanted: set[str]) -> list[tuple[str, str]]:
    """Each input as (path, path relative to the folder it came from); a folder gives every
    file below it whose extension is in ``wanted`` (hidden files and ``*.orig`` left out)."""
    out: list[tuple[str, str]] = []
    for given in inputs:
        path = Path(given)
        if given != STDIO and path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file()
                           and p.suffix.lower() in wanted
                           and not any(part.startswith(".") for part in
                                       p.relative_to(path).parts))
            if not found:
                raise InputError("no files to translate in this folder (looked for "
                                 f"{' '.join(sorted(wanted))})", given)
            out += [(str(p), str(p.relative_to(path))) for p in found]
        else:
            out.append((given, path.name))
    return out


def plan(inputs: list[tuple[str, str]], output: str | None, *, in_place: bool,
         folder: bool, bilingual: str | None = None) -> list[Target]:
    """The output of every input; InputError (one line) for any path that must not be
    written. ``folder``: the run writes into a folder (several inputs, or a folder given)."""
    if in_place and output not in (None, STDIO):
        raise InputError("give either -o or --in-place, not both", output)
    targets: list[Target] = []
    if in_place:
        for source, _ in inputs:
            if source == STDIO:
                raise InputError("--in-place needs a file, not stdin", STDIO)
            backup = source + ORIG
            if os.path.exists(backup):
                raise InputError(f"{backup} already exists (the original of an earlier "
                                 "--in-place run?); move it away first", source)
            targets.append(Target(source, source, in_place=True))
    elif folder:
        if output in (None, STDIO):
            raise InputError("several inputs (or a folder) need -o FOLDER or --in-place",
                             inputs[0][0])
        assert output is not None
        if os.path.exists(output) and not os.path.isdir(output):
            raise InputError("-o names a file, but several inputs (or a folder) are written "
                             "into a folder", output)
        targets = [Target(source, os.path.join(output, rel)) for source, rel in inputs]
    else:
        ((source, _),) = inputs
        out = output or STDIO
        if out != STDIO:
            if os.path.isdir(out):
                raise InputError("-o names a folder; give the output file's name (a folder "
                                 "is for several inputs)", out)
            parent = os.path.dirname(os.path.abspath(out))
            if not os.path.isdir(parent):
                raise InputError(f"the folder {parent} does not exist", out)
        targets = [Target(source, out)]
    _check(targets, bilingual)
    return targets


def _check(targets: list[Target], bilingual: str | None) -> None:
    sources = [t.source for t in targets]
    seen: dict[str, str] = {}
    for t in targets:
        if t.output == STDIO:
            continue
        if not t.in_place:
            for s in sources:
                if same_file(t.output, s):
                    raise InputError(f"the output is the input file {s}; use --in-place to "
                                     f"overwrite it (the original is kept as {s}{ORIG})",
                                     t.output)
        key = os.path.realpath(t.output)
        if key in seen:
            raise InputError(f"{seen[key]} and {t.source} would both be written here",
                             t.output)
        seen[key] = t.source
    if bilingual and bilingual != STDIO:
        if os.path.isdir(bilingual):
            raise InputError("--bilingual names a folder; give a file name", bilingual)
        for t in targets:
            for other in {t.source, t.output}:
                if same_file(bilingual, other):
                    raise InputError(f"--bilingual would overwrite {other}", bilingual)
