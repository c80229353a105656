"""The actor that ``map_batches`` runs: one ``Translator`` per actor, rows in, rows out.

Why an actor class and not a function: loading the CTranslate2 model and building the glossary
matcher takes seconds and hundreds of MB, so it must happen once per worker (``__init__``),
not once per batch.  Rows are translated shard by shard through ``translate_segments`` — the
same code path as the ``translate`` command — so a shard's translation depends only on its own
rows, never on which other shards Ray happened to bundle into the same batch.  That is what
makes a resumed run byte-identical to an uninterrupted one.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from itertools import groupby

from glossary.check import TermRecord
from glossary.segment import AlignedSegment
from translate.segment import Segment

FAIL_SHARD_ENV = "KOEN_CORPUS_FAIL_SHARD"   # test hook: the actor raises on this shard
OUTPUT_COLUMNS = ("translation", "terms", "notes", "error")


def output_schema():
    """Fixed Arrow types, so an all-empty ``terms`` batch does not become ``list<null>``."""
    import pyarrow as pa

    term = pa.struct([("source", pa.string()), ("surface", pa.string()),
                      ("start", pa.int64()), ("end", pa.int64()), ("target", pa.string()),
                      ("status", pa.string()), ("strategy", pa.string()),
                      ("found", pa.string())])
    return pa.schema([("translation", pa.string()), ("terms", pa.list_(term)),
                      ("notes", pa.list_(pa.string())), ("error", pa.string())])


def to_segment(row: dict, position: int) -> Segment:
    """A dataset row as the pipeline's ``Segment``; only ``source`` is required."""
    return Segment(int(row.get("index") or position), row["source"],
                   int(row.get("paragraph") or 1), int(row.get("line") or 0),
                   row.get("doc") or "", tuple(row.get("notes") or ()))


def result(aligned: AlignedSegment | None, row: dict, error: str | None = None) -> dict:
    """The output columns of one row: JSON-serialisable, the shape ``AlignedSegment`` reads."""
    if aligned is None:
        return {"translation": "", "terms": [], "notes": list(row.get("notes") or ()),
                "error": error}
    return {"translation": aligned.translation, "terms": [t.to_dict() for t in aligned.terms],
            "notes": list(aligned.notes), "error": None}


def _error_text(e: BaseException) -> str:
    return f"translation failed: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"


def translate_rows(translator, rows: list[dict]) -> list[dict]:
    """Output columns for ``rows`` (same order); rows with ``error`` set pass through.

    A chunk that raises is retried one segment at a time, so one bad segment fails alone
    and is reported with its file and line instead of taking its neighbours down.
    """
    todo = [(i, to_segment(r, i + 1)) for i, r in enumerate(rows) if not r.get("error")]
    out: list[dict] = [result(None, r, r.get("error")) for r in rows]
    try:
        for (i, _), aligned in zip(todo, translator.translate_segments([s for _, s in todo])):
            out[i] = result(aligned, rows[i])
    except Exception:                                   # noqa: BLE001 - isolate the culprit
        for i, seg in todo:
            try:
                out[i] = result(next(translator.translate_segments([seg])), rows[i])
            except Exception as e:                      # noqa: BLE001 - reported per row
                out[i] = result(None, rows[i], _error_text(e))
    return out


class ShardTranslator:
    """Callable class for ``Dataset.map_batches`` (``batch_format="pyarrow"``)."""

    def __init__(self, model, glossary, options: dict, fail_shard: str | None = None):
        from translate.pipeline import Translator

        self.translator = Translator(model, glossary, **options)
        self.fail_shard = fail_shard or os.environ.get(FAIL_SHARD_ENV) or None

    def __call__(self, batch):
        import pyarrow as pa

        rows = batch.to_pylist()
        out: list[dict] = []
        for shard, group in groupby(rows, key=lambda r: r.get("shard")):
            group = list(group)
            if shard is not None and shard == self.fail_shard:
                raise RuntimeError(f"test hook {FAIL_SHARD_ENV}: failing on shard {shard}")
            out += translate_rows(self.translator, group)
        table = batch.drop_columns([c for c in OUTPUT_COLUMNS if c in batch.column_names])
        new = pa.Table.from_pylist(out, schema=output_schema())
        for name in OUTPUT_COLUMNS:
            table = table.append_column(name, new.column(name))
        return table


def aligned_from_row(row: dict) -> AlignedSegment:
    """An output row back as ``AlignedSegment`` (for the writers and the report)."""
    notes = tuple(row.get("notes") or ())
    if row.get("error"):
        notes += (f"not translated: {row['error']}",)
    return AlignedSegment(row["index"], row["source"], row["translation"] or "",
                          [TermRecord.from_dict(t) for t in row.get("terms") or ()],
                          row.get("doc") or "", row.get("paragraph") or 1, row.get("line"),
                          notes)


def aligned_segments(rows: Iterable[dict]) -> list[AlignedSegment]:
    return [aligned_from_row(r) for r in rows]
