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

from bitext.records import AlignedSegment
from translate.corpus.rows import OUTPUT, output, schema, to_aligned, to_segment

FAIL_SHARD_ENV = "KOEN_CORPUS_FAIL_SHARD"   # test hook: the actor raises on this shard


def _error_text(e: BaseException) -> str:
    return f"translation failed: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"


def translate_rows(translator, rows: list[dict]) -> list[dict]:
    """Output columns for ``rows`` (same order); rows with ``error`` set pass through.

    A chunk that raises is retried one segment at a time, so one bad segment fails alone
    and is reported with its file and line instead of taking its neighbours down.
    """
    todo = [(i, to_segment(r, i + 1)) for i, r in enumerate(rows) if not r.get("error")]
    out: list[dict] = [output(None, r, r.get("error")) for r in rows]
    try:
        for (i, _), aligned in zip(todo, translator.translate_segments([s for _, s in todo])):
            out[i] = output(aligned, rows[i])
    except Exception:                                   # noqa: BLE001 - isolate the culprit
        for i, seg in todo:
            try:
                out[i] = output(next(translator.translate_segments([seg])), rows[i])
            except Exception as e:                      # noqa: BLE001 - reported per row
                out[i] = output(None, rows[i], _error_text(e))
    return out


class ShardWorker:
    """Callable class for ``Dataset.map_batches`` (``batch_format="pyarrow"``)."""

    def __init__(self, model, glossary, options: dict, fail_shard: str | None = None):
        from translate.pipeline import Translator

        self.translator = Translator(model, glossary, **options)
        self.fail_shard = fail_shard or os.environ.get(FAIL_SHARD_ENV) or None

    def __call__(self, batch):
        import pyarrow as pa

        rows = batch.to_pylist()
        out: list[dict] = []
        for shard, members in groupby(rows, key=lambda r: r.get("shard")):
            group = list(members)
            if shard is not None and shard == self.fail_shard:
                raise RuntimeError(f"test hook {FAIL_SHARD_ENV}: failing on shard {shard}")
            out += translate_rows(self.translator, group)
        table = batch.drop_columns([c for c in OUTPUT if c in batch.column_names])
        new = pa.Table.from_pylist(out, schema=schema(OUTPUT))
        for name in OUTPUT:
            table = table.append_column(name, new.column(name))
        return table


def aligned_segments(rows: Iterable[dict]) -> list[AlignedSegment]:
    return [to_aligned(r) for r in rows]
