"""Output shards on disk: written atomically, each with a ``.done`` marker that proves it whole.

A rerun must trust a finished shard and redo everything else, so "finished" is checked, not
assumed: the marker records the row count, the SHA-256 of the shard file, the digest of the
input rows and the run settings.  A shard file without a marker (killed between the two
renames), with a different checksum (edited, truncated) or made from other input or settings
(edited source file, other model) is translated again.
"""
from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

from bitext.files import atomic_write
from translate.corpus.rows import STORED, schema

SHARD_FORMATS = ("jsonl", "parquet")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def encode(rows: list[dict], fmt: str) -> bytes:
    """The shard's bytes: the same rows always give the same bytes (resume compares them)."""
    rows = [{k: r.get(k) for k in STORED} for r in rows]
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()
    import pyarrow as pa
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(rows, schema=schema(STORED)), buf)
    return buf.getvalue()


def decode(data: bytes, fmt: str) -> list[dict]:
    if fmt == "jsonl":
        return [json.loads(line) for line in data.decode().splitlines() if line]
    import pyarrow.parquet as pq

    return pq.read_table(io.BytesIO(data)).to_pylist()


class ShardStore:
    """``OUTDIR/shards/<shard>.<fmt>`` plus ``<shard>.done``; ``settings`` is the run's key."""

    def __init__(self, outdir: Path, fmt: str, settings: str):
        if fmt not in SHARD_FORMATS:
            raise ValueError(f"shard format {fmt!r}: choose {', '.join(SHARD_FORMATS)}")
        self.dir = Path(outdir) / "shards"
        self.fmt = fmt
        self.settings = settings

    def path(self, name: str) -> Path:
        return self.dir / f"{name}.{self.fmt}"

    def marker(self, name: str) -> Path:
        return self.dir / f"{name}.done"

    def is_done(self, name: str, count: int, input_digest: str) -> bool:
        """True only for a complete shard made from this input with these settings."""
        try:
            mark = json.loads(self.marker(name).read_text(encoding="utf-8"))
            data = self.path(name).read_bytes()
        except (OSError, ValueError):
            return False
        return (mark.get("count") == count and mark.get("input") == input_digest
                and mark.get("settings") == self.settings and mark.get("sha256") == _sha256(data))

    def write(self, name: str, rows: list[dict], input_digest: str) -> None:
        """Shard first, marker second: a crash in between leaves an unmarked shard, redone."""
        self.dir.mkdir(parents=True, exist_ok=True)
        data = encode(rows, self.fmt)
        atomic_write(self.path(name), data)
        atomic_write(self.marker(name), json.dumps(
            {"shard": name, "count": len(rows), "sha256": _sha256(data),
             "input": input_digest, "settings": self.settings}, sort_keys=True) + "\n")

    def read(self, name: str) -> list[dict]:
        return decode(self.path(name).read_bytes(), self.fmt)
