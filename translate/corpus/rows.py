"""The one row shape of a corpus run, from input file to shard on disk and back.

A row is :meth:`AlignedSegment.to_dict` plus ``error`` (why the row was not translated, or
None); in transit through Ray it also carries ``shard`` and ``doc_no``.  The Arrow types are
spelled here once, fixed so that an all-empty ``terms`` batch does not become ``list<null>``.
"""
from __future__ import annotations

from typing import Any

from bitext.records import AlignedSegment
from translate.segment import Segment

ROUTING = ("shard", "doc_no")                 # only between the driver and the actors
INPUT = ("doc", "index", "paragraph", "line", "source", "notes", "error")
OUTPUT = ("translation", "terms", "notes", "qa", "confidence", "error")  # an actor (re)writes
STORED = ("doc", "index", "paragraph", "line", "source", "translation", "terms", "notes",
          "qa", "confidence", "error")


def _types() -> dict[str, Any]:
    import pyarrow as pa

    term = pa.struct([("source", pa.string()), ("surface", pa.string()),
                      ("start", pa.int64()), ("end", pa.int64()), ("target", pa.string()),
                      ("status", pa.string()), ("strategy", pa.string()),
                      ("found", pa.string()), ("target_start", pa.int64()),
                      ("target_end", pa.int64())])
    qa = pa.struct([("code", pa.string()), ("severity", pa.string()), ("side", pa.string()),
                    ("start", pa.int64()), ("end", pa.int64()), ("message", pa.string())])
    return {"shard": pa.string(), "doc_no": pa.int64(), "doc": pa.string(),
            "index": pa.int64(), "paragraph": pa.int64(), "line": pa.int64(),
            "source": pa.string(), "translation": pa.string(), "terms": pa.list_(term),
            "notes": pa.list_(pa.string()), "qa": pa.list_(qa), "confidence": pa.float64(),
            "error": pa.string()}


def schema(names: tuple[str, ...]):
    """The Arrow schema of those columns, in that order."""
    import pyarrow as pa

    types = _types()
    return pa.schema([(n, types[n]) for n in names])


def to_segment(row: dict, position: int) -> Segment:
    """A row as the pipeline's ``Segment``; only ``source`` is required (dataset users)."""
    return Segment(int(row.get("index") or position), row["source"],
                   int(row.get("paragraph") or 1), int(row.get("line") or 0),
                   row.get("doc") or "", tuple(row.get("notes") or ()))


def output(aligned: AlignedSegment | None, row: dict, error: str | None = None) -> dict:
    """The output columns of one row, from the record's own ``to_dict``."""
    if aligned is None:
        return {"translation": "", "terms": [], "notes": list(row.get("notes") or ()),
                "qa": [], "confidence": None, "error": error}
    d = aligned.to_dict()
    return {**{k: d[k] for k in ("translation", "terms", "notes", "qa", "confidence")},
            "error": None}


def to_aligned(row: dict) -> AlignedSegment:
    """A stored row back as the record the writers and the report take."""
    seg = AlignedSegment.from_dict(row)
    if row.get("error"):
        seg.notes += (f"not translated: {row['error']}",)
    return seg
