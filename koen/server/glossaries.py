"""The glossaries the server knows: the curated YAML ones named at start-up, and the ones
clients create through the DeepL API.

API glossaries are stored as canonical YAML (``glossary fmt`` layout), one file per id in a
folder named at start-up, so they survive a restart and can be reviewed like any glossary
(copy one into ``resources/glossary/`` to make it curated). A request's ``glossary_id`` adds
that glossary to the curated one; where both have a term, the API glossary wins.

Ids are UUIDs checked by pattern before they touch the file system, so no request can name
a path. Every entry is checked with the loader's own conflict rule before it is stored.
"""
from __future__ import annotations

import csv
import io
import re
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bitext.errors import InputError
from bitext.files import atomic_write
from glossary import Glossary, Term, load_glossary
from glossary.fmt import dump_terms
from glossary.load import check_conflicts
from glossary.model import match_key, nfc

CURATED_ID = "curated"
ID_PATTERN = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
CREATED = re.compile(r"created (\S+Z)")
MAX_ENTRIES = 10_000
MAX_TERM_CHARS = 1024


def timestamp(when: datetime) -> str:
    """DeepL's creation_time: ISO 8601 UTC with milliseconds (its clients parse exactly that)."""
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + \
        f"{when.microsecond // 1000:03d}Z"


class UnknownGlossary(KeyError):
    """No glossary has this id."""


@dataclass(frozen=True)
class GlossaryInfo:
    """What DeepL's ``/v2/glossaries`` says about a glossary."""

    glossary_id: str
    name: str
    creation_time: str
    entry_count: int

    def to_dict(self) -> dict[str, Any]:
        return {"glossary_id": self.glossary_id, "name": self.name, "ready": True,
                "source_lang": "ko", "target_lang": "en",
                "creation_time": self.creation_time, "entry_count": self.entry_count}


def parse_entries(text: str, entries_format: str) -> list[Term]:
    """DeepL's glossary entries: TSV ``source<TAB>target`` or CSV ``source,target[,ko,en]``
    rows, one term per row (DeepL keeps each pair as it is)."""
    if entries_format not in ("tsv", "csv"):
        raise InputError(f"unsupported entries_format {entries_format!r} (tsv or csv)")
    reader = csv.reader(io.StringIO(text), delimiter="\t" if entries_format == "tsv" else ",",
                        quoting=csv.QUOTE_NONE if entries_format == "tsv" else csv.QUOTE_MINIMAL)
    terms: list[Term] = []
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) not in (2, 4):
            raise InputError(f"entry has {len(row)} fields; expected source and target", None,
                             line)
        source, target = (nfc(cell.strip()) for cell in row[:2])
        if len(row) == 4 and (row[2].strip().lower(), row[3].strip().lower()) != ("ko", "en"):
            raise InputError("entry languages must be ko,en", None, line)
        if not source or not target:
            raise InputError("entry without source or target", None, line)
        if len(source) > MAX_TERM_CHARS or len(target) > MAX_TERM_CHARS:
            raise InputError(f"entry longer than {MAX_TERM_CHARS} characters", None, line)
        terms.append(Term(source, target))
        if len(terms) > MAX_ENTRIES:
            raise InputError(f"more than {MAX_ENTRIES} entries")
    if not terms:
        raise InputError("no entries")
    check_conflicts(terms)
    return terms


def entries_tsv(terms: list[Term]) -> str:
    """Entries as DeepL returns them: ``source<TAB>target`` per line, every spelling a row."""
    return "\n".join(f"{s}\t{t.target}" for t in terms for s in t.spellings)


def with_priority(api: Glossary, curated: Glossary) -> Glossary:
    """The API glossary plus every curated term none of whose spellings it has."""
    taken = {match_key(s) for term in api for s in term.spellings}
    kept = [t for t in curated if not any(match_key(s) in taken for s in t.spellings)]
    return Glossary([*api.terms, *kept], [*api.sources, *curated.sources])


class GlossaryStore:
    """Curated glossary paths plus a folder of API glossaries, and one Translator per mix.

    ``make_translator(glossary)`` builds a ``Translator`` sharing the loaded engine; they are
    cached per id and dropped when a glossary changes or on ``reload``.
    """

    def __init__(self, curated_paths: list[str], folder: Path | None, make_translator):
        self.curated_paths = curated_paths
        self.folder = folder
        self.make_translator = make_translator
        self._lock = threading.Lock()
        self._translators: dict[str | None, Any] = {}
        self._api: dict[str, tuple[GlossaryInfo, Glossary]] = {}
        self.curated = Glossary()
        self.reload()

    # --- loading ------------------------------------------------------------------------
    def reload(self) -> int:
        """Read the curated glossary and the API folder again (SIGHUP, ``/admin/reload``).

        A broken file leaves the previous glossaries in place (the error is raised).
        """
        curated = load_glossary(*self.curated_paths) if self.curated_paths else Glossary()
        api: dict[str, tuple[GlossaryInfo, Glossary]] = {}
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            for path in sorted(self.folder.glob("*.yaml")):
                if ID_PATTERN.match(path.stem):
                    api[path.stem] = self._read(path)
        with self._lock:
            self.curated, self._api = curated, api
            self._translators = {}
        return len(curated) + sum(len(g) for _, g in api.values())

    def _read(self, path: Path) -> tuple[GlossaryInfo, Glossary]:
        from glossary.load import read_yaml

        glossary = load_glossary(path)
        data = read_yaml(path) or {}
        created = CREATED.search(str(data.get("description") or ""))
        when = created.group(1) if created else timestamp(
            datetime.fromtimestamp(path.stat().st_mtime, timezone.utc))
        info = GlossaryInfo(path.stem, str(data.get("name") or path.stem), when,
                            sum(len(t.spellings) for t in glossary))
        return info, glossary

    # --- the DeepL API's view -----------------------------------------------------------
    def curated_info(self) -> GlossaryInfo:
        return GlossaryInfo(CURATED_ID, "curated", "1970-01-01T00:00:00.000Z",
                            sum(len(t.spellings) for t in self.curated))

    def infos(self) -> list[GlossaryInfo]:
        with self._lock:
            return [self.curated_info(), *(info for info, _ in self._api.values())]

    def get(self, glossary_id: str) -> tuple[GlossaryInfo, Glossary]:
        if glossary_id == CURATED_ID:
            return self.curated_info(), self.curated
        with self._lock:
            if glossary_id not in self._api:
                raise UnknownGlossary(glossary_id)
            return self._api[glossary_id]

    def create(self, name: str, terms: list[Term]) -> GlossaryInfo:
        if self.folder is None:
            raise InputError("this server keeps no API glossaries (start it with "
                             "--glossary-dir)")
        glossary_id = str(uuid.uuid4())
        now = timestamp(datetime.now(timezone.utc))
        path = self.folder / f"{glossary_id}.yaml"
        atomic_write(path, dump_terms(terms, name=name[:200],
                                      description=f"created {now} through the DeepL API"))
        info, glossary = self._read(path)
        with self._lock:
            self._api[glossary_id] = (info, glossary)
        return info

    def delete(self, glossary_id: str) -> None:
        with self._lock:
            if glossary_id not in self._api:
                raise UnknownGlossary(glossary_id)
            del self._api[glossary_id]
            self._translators.pop(glossary_id, None)
        assert self.folder is not None and ID_PATTERN.match(glossary_id)
        (self.folder / f"{glossary_id}.yaml").unlink(missing_ok=True)

    # --- translation --------------------------------------------------------------------
    def check(self, glossary_id: str | None) -> str | None:
        """The key a job carries: None for the curated glossary alone; raises if unknown."""
        if glossary_id in (None, "", CURATED_ID):
            return None
        self.get(glossary_id)
        return glossary_id

    def translator_for(self, key: str | None) -> Any:
        with self._lock:
            cached = self._translators.get(key)
            if cached is not None:
                return cached
            glossary = (self.curated if key is None
                        else with_priority(self._api[key][1], self.curated))
        translator = self.make_translator(glossary)
        with self._lock:
            self._translators[key] = translator
        return translator

    def search(self, query: str, limit: int = 50) -> list[dict[str, Any]]:
        """Curated terms whose spellings, target or note contain ``query`` (the web page)."""
        q = nfc(query.strip()).lower()
        found = []
        for term in self.curated:
            hay = " ".join([*term.spellings, term.target, term.note or "", *term.forbidden])
            if q and q not in hay.lower() and match_key(q) not in match_key(hay):
                continue
            found.append({
                "source": term.source, "target": term.target, "variants": list(term.variants),
                "forbidden": list(term.forbidden), "note": term.note,
                "context": {"when": list(term.context.when),
                            "unless": list(term.context.unless)},
                "examples": [{"source": e.source, "translation": e.translation,
                              "contains": list(e.contains)} for e in term.examples],
                "file": Path(term.origin.path).name if term.origin else None,
                "line": term.origin.line if term.origin else None,
            })
            if len(found) >= limit:
                break
        return found
