"""Ray datasets in and out: the library entry point for users who already have a dataset.

    import ray, translate.corpus as corpus
    ds = ray.data.read_json("s3://bucket/tickets/")          # rows with "source" [+ doc, index]
    out = corpus.translate_dataset(ds, model="/models/ko-en", glossary="glossary/", workers=8)
    out.write_parquet("s3://bucket/tickets-en/")

The corpus command builds its input with :func:`segments_dataset` and calls the same
``translate_dataset``, so library users and the CLI run one code path.
"""
from __future__ import annotations

import inspect
import os
import warnings
from collections.abc import Iterable
from pathlib import Path

from translate.corpus.rows import INPUT, ROUTING, schema
from translate.corpus.runtime import cluster_slots, require_ray
from translate.corpus.worker import ShardWorker
from translate.options import DecodeOptions
from translate.pipeline import CHUNK, as_glossary


def _model_arg(model):
    """An absolute path string (actors may run in another working directory) or as given."""
    if isinstance(model, (str, os.PathLike)) and Path(model).exists():
        return str(Path(model).resolve())
    return model


def translate_dataset(ds, *, model=None, glossary=None, workers: int | None = None,
                      threads: int = 1, device: str = "cpu", gpus_per_worker: float = 1.0,
                      batch_size: int | None = CHUNK, fail_shard: str | None = None,
                      options: DecodeOptions | None = None):
    """Translate the ``source`` column of ``ds`` with a pool of ``workers`` model actors.

    Rows keep their other columns and gain ``translation`` (str), ``terms`` (list of term
    records as dicts, see ``TermRecord.to_dict``), ``notes`` (list of str) and ``error``
    (None, or why the row was not translated).  Rows that arrive with ``error`` set pass
    through untranslated.  ``workers`` defaults to what the cluster holds (one per GPU share
    with ``device="cuda"``, else one per ``threads`` CPUs).  The model path must exist on
    every node; the glossary is loaded here once and shipped to the actors.
    ``options`` are the decoding options (:class:`translate.options.DecodeOptions`).
    """
    ray = require_ray()
    if workers is None:
        workers = cluster_slots(device, threads, gpus_per_worker)
    resources = ({"num_gpus": gpus_per_worker, "num_cpus": threads} if device == "cuda"
                 else {"num_cpus": threads})
    translator = {"device": device, "inter_threads": 1, "intra_threads": threads,
                  "options": options or DecodeOptions()}
    with warnings.catch_warnings():
        # max_restarts has no named parameter yet; Ray 2.60 calls the **kwargs deprecated
        warnings.filterwarnings("ignore", message="`ray_remote_args` is deprecated")
        return ds.map_batches(
            ShardWorker, batch_size=batch_size, batch_format="pyarrow",
            fn_constructor_kwargs={"model": _model_arg(model),
                                   "glossary": as_glossary(glossary),
                                   "options": translator, "fail_shard": fail_shard},
            compute=ray.data.ActorPoolStrategy(size=workers), **resources, **_restarts(ray))


def _restarts(ray) -> dict:
    """No actor restarts on a one-machine cluster.

    Ray Data restarts dead actors forever by default (``max_restarts=-1``), and since its
    actors' constructor arguments live in the object store, Ray 2.60's core worker logs an
    ``E … core_worker.cc`` line on every run saying such a restart may fail.  On one machine
    a restart only repeats a crash (the run is resumable instead); on several nodes it
    survives the loss of a node, so the default (and the line) stays there.
    """
    takes_kwargs = any(p.kind is p.VAR_KEYWORD for p in
                       inspect.signature(ray.data.Dataset.map_batches).parameters.values())
    alive = [node for node in ray.nodes() if node.get("Alive")]
    return {"max_restarts": 0} if takes_kwargs and len(alive) <= 1 else {}


def segments_dataset(shards: Iterable):
    """One Arrow block per input shard, so Ray's batches line up with shards."""
    ray = require_ray()
    import pyarrow as pa

    columns = schema(ROUTING + INPUT)
    tables = [pa.Table.from_pylist([{**r, "shard": s.name, "doc_no": s.doc_no} for r in s.rows],
                                   schema=columns) for s in shards]
    return ray.data.from_arrow(tables)
