"""gettext PO: Korean ``msgid`` → English ``msgstr``, written into the file's own lines.

polib parses (it knows escapes, plurals, contexts, obsolete entries and the header), and each
entry to fill becomes one unit, two for a plural entry (``msgid`` → ``msgstr[0]``,
``msgid_plural`` → ``msgstr[1]``). Entries with a ``msgstr`` are kept unless
``options.overwrite``; ``options.mark_fuzzy`` adds ``#, fuzzy`` to what was filled.

polib would re-wrap every entry when saving (its wrapping is not gettext's), so the output is
not polib's serialisation: only the ``msgstr`` lines (and the ``#,`` flags line) of filled
entries are replaced, by the lines polib writes for them, and the header's ``Plural-Forms``
and empty ``Language`` fields are set; every other line stays as it was. A Korean PO says
``nplurals=1``: English needs ``nplurals=2; plural=(n != 1);``, so the header is changed and
both forms filled (a kept plural entry with one form gets it twice, with a warning), and
``msgfmt --check`` passes on the result.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

import polib

from bitext.errors import InputError
from bitext.states import Progress, Signals, classify
from bitext.xmlio import is_lang
from documents.model import Code, Content, DocumentOptions, Unit, UnitState

EXTENSIONS = (".po", ".pot")
NOTE_AUTHOR = "koen-terminology"   # names our translator comments (# koen-terminology: …)
ENGLISH_PLURALS = "nplurals=2; plural=(n != 1);"
_CHARSET = re.compile(rb"charset=([A-Za-z0-9._-]+)")
_POLIB_LINE = re.compile(r"\(line (\d+)\)")
_PLURALS = re.compile(r'^"Plural-Forms:[^"]*?\\n"', re.M)
_LANGUAGE = re.compile(r'^"Language: *\\n"', re.M)
_STRING = r'"(?:[^"\\]|\\.)*"'
_KEYWORD_LINE = re.compile(rf"(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+{_STRING}\s*")
_CONTINUATION = re.compile(rf"{_STRING}\s*")
_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")


@dataclass
class _Place:
    entry: polib.POEntry
    form: int | None                 # None: msgstr; 0/1: msgstr[n]


@dataclass
class PoDocument:
    name: str
    lines: list[str]                 # the file's lines with their ends
    charset: str
    bom: bytes
    po: polib.POFile
    target_lang: str
    mark_fuzzy: bool
    english: bool                    # the msgstrs are English: two plural forms
    units: list[Unit] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    format: str = "po"

    def render(self) -> bytes:
        filled: dict[int, list[Unit]] = {}
        for unit in self.units:
            if unit.state is UnitState.FILL and unit.target is not None:
                filled.setdefault(id(unit.handle.entry), []).append(unit)
        lines = list(self.lines)
        starts = sorted({_line(e) for e in self.po} |
                        {_line(e) for e in self.po.obsolete_entries()})
        entries = {id(u[0].handle.entry): u[0].handle.entry for u in filled.values()}
        if filled and self.english:  # kept plural entries get English's two forms
            for entry in self.po:
                if not entry.msgid_plural or id(entry) in entries or not entry.translated():
                    continue
                if len(entry.msgstr_plural) == 1:
                    entries[id(entry)] = entry
                    self.warnings.append(f"line {_line(entry)}: one plural form for "
                                         "English's two; written for both")
                elif max(entry.msgstr_plural) >= 2:
                    entries[id(entry)] = entry
                    self.warnings.append(f"line {_line(entry)}: {len(entry.msgstr_plural)} "
                                         "plural forms for English's two; the first two kept")
        # bottom up, then the header: line numbers above an edit stay valid
        for entry in sorted(entries.values(), key=lambda e: -_line(e)):
            self._write(lines, entry, filled.get(id(entry), []), starts)
        if filled and self.english:
            self._english_plurals(lines)
        return self.bom + "".join(lines).encode(self.charset, errors="strict")

    def _write(self, lines: list[str], entry: polib.POEntry, units: list[Unit],
               starts: list[int]) -> None:
        for unit in units:
            text = _text(unit.target or ())
            if unit.handle.form is None:
                entry.msgstr = text
            else:
                entry.msgstr_plural[unit.handle.form] = text
        if entry.msgid_plural and self.english:
            entry.msgstr_plural.setdefault(1, entry.msgstr_plural.get(0, ""))
            entry.msgstr_plural.setdefault(0, entry.msgstr_plural[1])
            for form in [n for n in entry.msgstr_plural if n >= 2]:   # the header says two
                del entry.msgstr_plural[form]
        if self.mark_fuzzy and "fuzzy" not in entry.flags:
            entry.flags.insert(0, "fuzzy")
        new = str(entry).splitlines()
        eol = _eol(lines[_line(entry) - 1])
        lo = _line(entry) - 1
        hi = next((s - 1 for s in starts if s > _line(entry)), len(lines))
        block = lines[lo:hi]
        first = next(i for i, line in enumerate(block) if line.startswith("msgstr"))
        last = first + 1
        while last < len(block) and block[last].startswith(('"', "msgstr")):
            last += 1
        msgstr = next(i for i, line in enumerate(new) if line.startswith("msgstr"))
        block[first:last] = [line + eol for line in new[msgstr:]]
        flags = next((line for line in new if line.startswith("#,")), None)
        if flags is not None:
            at = next((i for i, line in enumerate(block) if line.startswith("#,")), None)
            if at is not None:
                block[at] = flags + eol
            else:
                at = next(i for i, line in enumerate(block)
                          if line.startswith(("#|", "msgctxt", "msgid")))
                block.insert(at, flags + eol)
        scores = [u.confidence for u in units if u.confidence is not None]
        if scores:   # a translator comment: msgmerge keeps it, unlike an extracted ``#.``
            note = f"# {NOTE_AUTHOR}: confidence {min(scores):.2f}"
            at = next((i for i, line in enumerate(block) if line.startswith(f"# {NOTE_AUTHOR}:")),
                      None)
            if at is not None:
                block[at] = note + eol
            else:
                block.insert(next((i for i, line in enumerate(block) if not line.startswith("# ")
                                   and line.strip() != "#"), 0), note + eol)
        lines[lo:hi] = block

    def _english_plurals(self, lines: list[str]) -> None:
        """The header says English plurals (and the language, when it was left empty)."""
        first_entry = min((_line(e) for e in self.po), default=len(lines) + 1)
        header = "".join(lines[:first_entry - 1])
        if 'msgid ""' not in header:
            return
        has_plurals = any(e.msgid_plural for e in self.po)
        wanted = f'"Plural-Forms: {ENGLISH_PLURALS}\\n"'
        if _PLURALS.search(header):
            header = _PLURALS.sub(lambda m: wanted, header, count=1)
        elif has_plurals:
            eol = _eol(header.splitlines(keepends=True)[0])
            body = header.rstrip()
            header = body + eol + wanted + header[len(body):]
        header = _LANGUAGE.sub(lambda m: f'"Language: {self.target_lang}\\n"', header, count=1)
        lines[:first_entry - 1] = header.splitlines(keepends=True)


def _eol(line: str) -> str:
    """The line end a line has (CRLF, CR as old Mac editors write, LF), LF when it has none."""
    body = line.rstrip("\r\n")
    return line[len(body):] or "\n"


def _line(entry: polib.POEntry) -> int:
    """The 1-based line an entry starts on (polib says 0 for an entry on the first line)."""
    return max(entry.linenum or 1, 1)


def _text(content: Content) -> str:
    """The English as a msgstr: codes (placeholders) are their own text."""
    return "".join(p.data if isinstance(p, Code) else p for p in content)


def read(data: bytes, name: str, options: DocumentOptions) -> PoDocument:
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    charset = _charset(data, name)
    try:
        text = data[len(bom):].decode(charset)
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise InputError(f"not valid {charset} (the header's charset)", name, line) from None
    # polib takes a string without a newline for a file name: never let content be read so.
    try:
        po = polib.pofile(text if "\n" in text else text + "\n", encoding=charset,
                          wrapwidth=78)
    except (OSError, ValueError) as e:
        message = str(e)
        found = _POLIB_LINE.search(message)
        message = re.sub(r"Syntax error in po file\s*(\(line \d+\))?:?\s*", "", message)
        raise InputError(f"PO syntax error{': ' + message if message else ''}", name,
                         int(found.group(1)) if found else None) from None
    _check_lines(text, name)
    _check_sections(text, name)
    _check_duplicates(po, name)
    want = (options.target_lang or "en").lower()
    language = po.metadata.get("Language", "").strip()
    if language and not is_lang(language.replace("_", "-"), want):
        raise InputError(f"this PO file translates into {language!r}, not {want!r} (its msgids "
                         "should be Korean and its msgstrs English); name the languages with "
                         "--source-lang/--target-lang to translate it anyway", name, 1)
    english = is_lang(want, "en")
    doc = PoDocument(name, text.splitlines(keepends=True), charset, bom, po, want,
                     options.mark_fuzzy, english)
    found = _NPLURALS.search(po.metadata.get("Plural-Forms", ""))
    nplurals = 2 if english else int(found.group(1)) if found else 2
    source_lang = options.source_lang or "ko"
    for entry in po:
        if entry.obsolete or not entry.msgid:
            continue
        progress = (("fuzzy", Progress.OPEN),) if "fuzzy" in entry.flags else ()
        signals = Signals(progress)
        forms: list[tuple[str, str | None, int | None]]
        if entry.msgid_plural:
            forms = [(entry.msgid if n == 0 else entry.msgid_plural, entry.msgstr_plural.get(n), n)
                     for n in range(max(nplurals, 1))]
        else:
            forms = [(entry.msgid, entry.msgstr, None)]
        for source, target, form in forms:
            verdict = classify(source, target or None, signals, source_lang=source_lang,
                               overwrite=options.overwrite)
            state = UnitState(verdict.disposition.value)
            unit_id = f"{_line(entry)}" + ("" if form is None else f"[{form}]")
            doc.units.append(Unit(id=unit_id, source=(source,), line=_line(entry),
                                  state=state,
                                  reason="" if state is UnitState.FILL else verdict.reason,
                                  handle=_Place(entry, form)))
    return doc


def _check_lines(text: str, name: str) -> None:
    """What polib lets through but msgfmt refuses: an unterminated string (a truncated
    file), a line that is neither a keyword with a string, a string, nor a comment."""
    for number, line in enumerate(text.splitlines(), start=1):
        body = line.strip()
        if not body or body.startswith("#"):
            continue
        if not (_KEYWORD_LINE.fullmatch(body) or _CONTINUATION.fullmatch(body)):
            what = "unterminated string" if body.count('"') % 2 else "not a PO line"
            raise InputError(f"PO syntax error: {what}: {body[:60]!r}", name, number)


def _check_sections(text: str, name: str) -> None:
    """Every ``msgid`` has its ``msgstr`` (``msgstr[n]`` after a ``msgid_plural``, plain
    ``msgstr`` otherwise), as msgfmt requires. polib accepts a file cut after a ``msgid`` or
    a ``msgid_plural`` (the entry gets an empty ``msgstr`` that has no line to be written
    into) and a ``msgstr[0]`` without a ``msgid_plural`` (never filled)."""
    pending: tuple[int, bool] | None = None      # (line of msgid, has msgid_plural)
    for number, line in enumerate(text.splitlines(), start=1):
        keyword = line.split(None, 1)[0] if line.strip() else ""
        if keyword in ("msgctxt", "msgid"):
            if pending is not None:
                _missing_msgstr(pending, name)
            if keyword == "msgid":
                pending = (number, False)
        elif keyword == "msgid_plural" and pending is not None:
            pending = (pending[0], True)
        elif keyword.startswith("msgstr"):
            plural = keyword != "msgstr"
            if pending is not None and plural != pending[1]:
                what = ("'msgstr[n]' without a 'msgid_plural'" if plural else
                        "a 'msgid_plural' with a plain 'msgstr' (it needs 'msgstr[n]')")
                raise InputError(f"PO syntax error: {what}", name, number)
            pending = None
    if pending is not None:
        _missing_msgstr(pending, name)


def _missing_msgstr(pending: tuple[int, bool], name: str) -> None:
    section = "msgstr[]" if pending[1] else "msgstr"
    raise InputError(f"PO syntax error: missing '{section}' section (a cut-off file?)", name,
                     pending[0])


def _check_duplicates(po: polib.POFile, name: str) -> None:
    seen: dict[tuple[str | None, str], int] = {}
    for entry in po:
        if entry.obsolete:
            continue
        key = (entry.msgctxt, entry.msgid)
        if key in seen:
            raise InputError(f"duplicate message definition (first at line {seen[key]})", name,
                             _line(entry))
        seen[key] = _line(entry)


def _charset(data: bytes, name: str) -> str:
    found = _CHARSET.search(data[:4096])
    label = found.group(1).decode("ascii") if found else "utf-8"
    if label.upper() == "CHARSET":            # a fresh .pot
        return "utf-8"
    try:
        return codecs.lookup(label).name
    except LookupError:
        raise InputError(f"unknown charset {label!r} in the PO header", name, None) from None
