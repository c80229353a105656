"""Input files → ordered segment rows → fixed-size input shards (no Ray needed here).

The plan is computed on the driver, before anything is translated, because resuming depends
on it: a shard's name and content must come out the same on every run of the same command,
so a rerun can tell which output shards are already finished and which still have to be made.
A line that cannot be decoded, a JSONL line without a source, or a too-long TSV/JSONL cell
becomes a row with ``error`` set (file and line kept), so it is reported, never dropped.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bitext import jsonsafe
from bitext.errors import InputError
from bitext.files import decode, read_bytes
from translate.segment import MAX_CHARS, segment_text

TEXT_SUFFIXES = {".txt", ".text", ".ko", ".md"}
TSV_SUFFIXES = {".tsv"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
KNOWN_SUFFIXES = TEXT_SUFFIXES | TSV_SUFFIXES | JSONL_SUFFIXES
SOURCE_FIELDS = ("source", "text")   # JSONL field holding the Korean, first present wins


@dataclass(frozen=True)
class Document:
    path: Path
    doc: str            # document id written to every output row (TMX x-doc, XLIFF original)
    kind: str           # "text", "tsv" or "jsonl"


@dataclass(frozen=True)
class InputShard:
    name: str           # ``<doc-slug>-<shard-no>``: output shards are named after it
    doc_no: int         # position of the document in the input order (the global sequence key)
    rows: tuple[dict, ...]

    @property
    def digest(self) -> str:
        """Fingerprint of the content, so an edited input file never reuses an old output."""
        data = json.dumps(self.rows, ensure_ascii=False, sort_keys=True).encode()
        return hashlib.sha256(data).hexdigest()


def kind_of(path: Path) -> str:
    suffix = path.suffix.lower()
    return "tsv" if suffix in TSV_SUFFIXES else "jsonl" if suffix in JSONL_SUFFIXES else "text"


def discover(inputs: Iterable[str | Path]) -> list[Document]:
    """Files as given, and the known-format files of each folder in sorted order.

    Folders skip unknown extensions (images, ``.DS_Store``) instead of failing on them; a
    file named explicitly is always read (as plain text unless ``.tsv``/``.jsonl``).
    """
    docs: list[Document] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            for f in sorted(p for p in path.rglob("*") if p.is_file()):
                if f.suffix.lower() in KNOWN_SUFFIXES and not f.name.startswith("."):
                    docs.append(Document(f, f"{path.name}/{f.relative_to(path).as_posix()}",
                                         kind_of(f)))
        elif path.exists():
            docs.append(Document(path, path.name, kind_of(path)))
        else:
            raise InputError("file not found", str(path))
    seen: dict[str, Path] = {}
    for d in docs:
        if d.doc in seen:
            raise InputError(f"two inputs share the document id {d.doc!r} ({seen[d.doc]}); "
                             "rename one or pass their folder instead", str(d.path))
        seen[d.doc] = d.path
    if not docs:
        raise InputError("no input files (folders are searched for "
                         f"{', '.join(sorted(KNOWN_SUFFIXES))})", ", ".join(map(str, inputs)))
    return docs


def _row(doc: str, line: int | None, source: str, paragraph: int = 1,
         notes: tuple[str, ...] = (), error: str | None = None) -> dict:
    return {"doc": doc, "paragraph": paragraph, "line": line, "source": source,
            "notes": list(notes), "error": error}


def _read(doc: Document) -> bytes:
    """The file's bytes; an empty file is no segments (not an error) in a corpus."""
    try:
        return read_bytes(doc.path)
    except InputError as e:
        if e.message == "input is empty":
            return b""
        raise


def _lines(data: bytes, name: str) -> Iterator[tuple[int, str, str | None]]:
    """(line number, text, error) per line; undecodable lines get an error, not an exception.

    The whole file is decoded first (so CP949 detection sees enough text to be sure); only a
    file that fails as a whole is decoded line by line, so a few bad bytes (a pasted binary,
    a mixed-encoding concatenation) cost one line each, not the file.
    """
    try:
        text = decode(data, name).text
    except InputError:
        text = None
    if text is not None:
        yield from ((no, line, None) for no, line in enumerate(text.splitlines(), start=1))
        return
    for no, raw in enumerate(data.split(b"\n"), start=1):
        raw = raw.rstrip(b"\r")
        try:
            yield no, (decode(raw, name).text if raw.strip() else ""), None
        except InputError as e:
            yield no, raw.decode("utf-8", errors="replace"), f"undecodable line: {e.message}"


def _text_rows(doc: Document, max_chars: int) -> list[dict]:
    """Sentences by ``segment_text`` (paragraphs, lines, long-sentence cuts as everywhere)."""
    lines = list(_lines(_read(doc), str(doc.path)))
    good = "\n".join("" if error else text for _, text, error in lines)
    rows = [(s.line, _row(doc.doc, s.line, s.source, s.paragraph, s.notes))
            for s in segment_text(good, doc=doc.doc, max_chars=max_chars)]
    rows += [(no, _row(doc.doc, no, text, error=error)) for no, text, error in lines if error]
    return [row for _, row in sorted(rows, key=lambda x: x[0])]


def _cell_row(doc: Document, line: int, source: str, max_chars: int) -> dict:
    """A TSV/JSONL row is an aligned unit: too long means fail it, not split it."""
    source = source.strip()
    if len(source) > max_chars:
        return _row(doc.doc, line, source, error=f"segment too long: {len(source)} characters "
                                                 f"(limit {max_chars}; raise --max-chars)")
    return _row(doc.doc, line, source)


def _tsv_source(no: int, line: str) -> tuple[str | None, str | None]:
    cell = line.split("\t", 1)[0].strip()
    if not cell or (no == 1 and cell.lower() == "source"):   # blank line or header
        return None, None
    return cell, None


def _jsonl_source(no: int, line: str) -> tuple[str | None, str | None]:
    if not line.strip():
        return None, None
    try:
        obj = jsonsafe.loads(line)
    except (json.JSONDecodeError, jsonsafe.JsonDepthError) as e:
        return None, f"not JSON: {e.msg}"
    for key in SOURCE_FIELDS:
        if isinstance(obj, dict) and isinstance(obj.get(key), str):
            return (obj[key] if obj[key].strip() else None), None
    return None, "no string 'source' or 'text' field"


def _cell_rows(doc: Document, max_chars: int) -> list[dict]:
    """One row per TSV/JSONL line: the source cell as is (already segmented upstream)."""
    pick = _tsv_source if doc.kind == "tsv" else _jsonl_source
    rows = []
    for no, text, error in _lines(_read(doc), str(doc.path)):
        source, error = (None, error) if error else pick(no, text)
        if error:
            rows.append(_row(doc.doc, no, text, error=error))
        elif source is not None:
            rows.append(_cell_row(doc, no, source, max_chars))
    return rows


READERS = {"text": _text_rows, "tsv": _cell_rows, "jsonl": _cell_rows}


def slug(doc: str) -> str:
    """A file-name-safe, collision-free stem for a document id (``a/b.txt`` ≠ ``a_b.txt``)."""
    safe = re.sub(r"[^0-9A-Za-z._-]+", "_", doc).strip("._")[:60] or "doc"
    return f"{safe}-{hashlib.sha1(doc.encode()).hexdigest()[:6]}"


def read_document(doc: Document, max_chars: int = MAX_CHARS) -> list[dict]:
    """Rows of one document with their 1-based ``index`` (document order)."""
    rows = READERS[doc.kind](doc, max_chars)
    for i, row in enumerate(rows, start=1):
        row["index"] = i
    return rows


def plan_shards(docs: list[Document], shard_size: int,
                max_chars: int = MAX_CHARS) -> Iterator[InputShard]:
    """Each document cut into shards of ``shard_size`` rows, in input order.

    Shards never span documents, so a shard's name (and so its resumability) depends only
    on its own document, not on which other files were passed alongside it.
    """
    if shard_size < 1:
        raise ValueError("shard size must be at least 1")
    for doc_no, doc in enumerate(docs):
        rows = read_document(doc, max_chars)
        for no, start in enumerate(range(0, len(rows), shard_size), start=1):
            yield InputShard(f"{slug(doc.doc)}-{no:05d}", doc_no,
                             tuple(rows[start:start + shard_size]))
