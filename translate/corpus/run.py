"""The corpus run: plan shards, translate the unfinished ones on Ray, merge, write, report.

Only the driver touches the output folder: actors return translated rows and the driver writes
each shard as soon as all its rows are back.  So a cluster needs no shared file system for the
output, and a crash or Ctrl-C loses at most the shards still in flight.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bitext.errors import InputError
from bitext.files import atomic_write
from bitext.formats import extension_for, write_segments
from bitext.formats.common import tool_version
from bitext.report import render_json, render_text, summarise
from glossary.load import glossary_files
from translate.corpus.inputs import InputShard, discover, plan_shards
from translate.corpus.shards import ShardStore
from translate.corpus.worker import FAIL_SHARD_ENV, aligned_segments
from translate.model_files import ModelFiles, locate_model
from translate.options import DecodeOptions
from translate.segment import MAX_CHARS


@dataclass
class CorpusSettings:
    """Everything that decides the output; the translation-relevant part keys resumption."""

    model: str | None = None
    glossary: list[str] = field(default_factory=list)
    formats: tuple[str, ...] = ("tmx", "tsv")
    shard_size: int = 500
    shard_format: str = "jsonl"
    decoding: DecodeOptions = field(default_factory=DecodeOptions)
    max_chars: int = MAX_CHARS
    device: str = "cpu"
    threads: int = 1                 # CPU threads per worker (intra_threads)
    workers: int | None = None       # None: as many as the cluster holds
    gpus_per_worker: float = 1.0
    address: str | None = None       # None or "local": Ray in this process

    def signature(self, model: ModelFiles) -> str:
        """What produced the translations, as a sacrebleu-style signature for the outputs.

        Contents, not paths: an edited glossary or a retrained model at the same path must
        not reuse shards made with the old one.
        """
        parts = {
            "model": f"{model.name}@{_digest(_model_files(model))}",
            "glossary": _digest([f for g in self.glossary for f in glossary_files(g)]),
            "beam": self.decoding.beam_size, "hyp": self.decoding.num_hypotheses,
            "batch": self.decoding.max_batch_size, "maxlen": self.decoding.max_decoding_length,
            "lp": self.decoding.length_penalty, "steps": "+".join(self.decoding.strategies),
            "device": self.device, "threads": self.threads, "version": tool_version(),
        }
        return "|".join(f"{k}:{v}" for k, v in parts.items())

    @staticmethod
    def key(signature: str) -> str:
        """Digest of the signature; a finished shard is reused only if it matches."""
        return hashlib.sha256(signature.encode()).hexdigest()[:16]


def _model_files(model: ModelFiles) -> list[Path]:
    """Every file of the model, once (an Argos package's tokenizer folder holds the model)."""
    folders = {model.ct2_dir, model.source_spm.parent, model.target_spm.parent}
    return sorted({f for folder in folders for f in folder.rglob("*") if f.is_file()})


def _digest(files: list[Path]) -> str:
    """SHA-256 over the files' names and bytes, read in blocks (models can be gigabytes)."""
    h = hashlib.sha256()
    for path in files:
        h.update(path.name.encode() + b"\0")
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()[:12]


@dataclass
class CorpusResult:
    segments: int
    shards: int
    reused_shards: int
    translated: int                  # segments translated in this run (not reused)
    failures: int
    seconds: float
    outputs: list[str]

    @property
    def rate(self) -> float:
        return self.translated / self.seconds if self.seconds else 0.0


Log = Callable[[str], None]


def _stderr(message: str) -> None:
    print(f"translate corpus: {message}", file=sys.stderr)


def _progress(total: int, initial: int, enabled: bool | None):
    """Segments done / total with throughput (tqdm's rate is seg/s)."""
    if enabled is False or (enabled is None and not sys.stderr.isatty()):
        return None
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, unit="seg", file=sys.stderr,
                desc="translate corpus", smoothing=0.1)


def translate_pending(pending: list[InputShard], store: ShardStore, settings: CorpusSettings,
                      update: Callable[[int], None]) -> None:
    """Run the pending shards through Ray and write each one the moment it is complete."""
    from translate.corpus.dataset import segments_dataset, translate_dataset
    from translate.corpus.runtime import init_ray

    init_ray(settings.address)
    out = translate_dataset(
        segments_dataset(pending), model=settings.model, glossary=settings.glossary or None,
        workers=settings.workers, threads=settings.threads, device=settings.device,
        gpus_per_worker=settings.gpus_per_worker,
        # whole blocks (= shards) per batch keep each shard's batching identical across
        # runs; Ray demands an explicit batch size when GPUs are requested
        batch_size=settings.shard_size if settings.device == "cuda" else None,
        fail_shard=os.environ.get(FAIL_SHARD_ENV), options=settings.decoding)
    expected = {s.name: s for s in pending}
    partial: dict[str, list[dict]] = defaultdict(list)
    for batch in out.iter_batches(batch_format="pyarrow", batch_size=None):
        rows = batch.to_pylist()
        for row in rows:
            partial[row["shard"]].append(row)
        for name in {r["shard"] for r in rows}:
            shard = expected[name]
            if len(partial[name]) == len(shard.rows):
                store.write(name, sorted(partial.pop(name), key=lambda r: r["index"]),
                            shard.digest)
        update(len(rows))
    if partial:   # Ray returned fewer rows than sent: never write a short shard
        raise RuntimeError(f"incomplete shards from Ray: {sorted(partial)}")


def merged_rows(shards: list[InputShard], store: ShardStore) -> list[dict]:
    """All output rows in input order, checked one-for-one against the input rows."""
    rows: list[dict] = []
    for shard in shards:
        got = store.read(shard.name)
        want = [(r["doc"], r["index"], r["source"]) for r in shard.rows]
        if [(r["doc"], r["index"], r["source"]) for r in got] != want:
            raise RuntimeError(f"shard {shard.name} does not match its input; delete "
                               f"{store.path(shard.name)} and rerun")
        rows += got
    return rows


def write_failures(outdir: Path, rows: list[dict], files: dict[str, str]) -> int:
    """``failures.jsonl`` (always written, so 'none' is visible) and ``failures.txt``."""
    failed = [{"file": files.get(r["doc"], r["doc"]), "line": r["line"], "doc": r["doc"],
               "index": r["index"], "error": r["error"], "source": r["source"]}
              for r in rows if r.get("error")]
    atomic_write(outdir / "failures.jsonl",
                 "".join(json.dumps(f, ensure_ascii=False) + "\n" for f in failed))
    atomic_write(outdir / "failures.txt",
                 "".join(f"{f['file']}:{f['line']}: {f['error']}\n" for f in failed))
    return len(failed)


def write_outputs(outdir: Path, rows: list[dict], settings: CorpusSettings,
                  signature: str) -> list[str]:
    """The usual writers on the merged corpus, then one terminology report for all of it."""
    segments = aligned_segments(rows)
    written = []
    for fmt in settings.formats:
        path = outdir / f"corpus{extension_for(fmt)}"
        write_segments(segments, str(path), fmt, signature=signature,
                       glossary_name=", ".join(settings.glossary) or None)
        written.append(str(path))
    report = summarise(segments)
    atomic_write(outdir / "terms.json", render_json(report, signature=signature) + "\n")
    atomic_write(outdir / "terms.txt", render_text(report, max_problems=200) + "\n")
    return written + [str(outdir / "terms.json"), str(outdir / "terms.txt")]


def run_corpus(inputs: Sequence[str | Path], outdir: str | Path,
               settings: CorpusSettings | None = None, *, progress: bool | None = None,
               log: Log = _stderr) -> CorpusResult:
    """Translate ``inputs`` into ``outdir``; rerunning the same command resumes."""
    settings = settings or CorpusSettings()
    outdir = Path(outdir)
    start = time.perf_counter()
    model = locate_model(settings.model)  # a bad model fails here, not inside every actor
    signature = settings.signature(model)
    docs = discover(inputs)
    shards = list(plan_shards(docs, settings.shard_size, settings.max_chars))
    total = sum(len(s.rows) for s in shards)
    if not total:
        raise InputError("no segments in the input", ", ".join(map(str, inputs)))
    outdir.mkdir(parents=True, exist_ok=True)
    store = ShardStore(outdir, settings.shard_format, settings.key(signature))
    pending = [s for s in shards if not store.is_done(s.name, len(s.rows), s.digest)]
    todo = sum(len(s.rows) for s in pending)
    log(f"{total} segments in {len(docs)} files, {len(shards)} shards; "
        f"{len(shards) - len(pending)} shards already done, {len(pending)} to translate")
    if pending:
        bar = _progress(total, total - todo, progress)
        try:
            translate_pending(pending, store, settings, bar.update if bar else (lambda n: None))
        finally:
            if bar:
                bar.close()
    rows = merged_rows(shards, store)
    outputs = write_outputs(outdir, rows, settings, signature)
    failures = write_failures(outdir, rows, {d.doc: str(d.path) for d in docs})
    seconds = time.perf_counter() - start
    result = CorpusResult(total, len(shards), len(shards) - len(pending), todo, failures,
                          seconds, outputs)
    log(f"{total} segments ({todo} translated now, {result.rate:.1f} seg/s overall), "
        f"{failures} failed (see failures.txt); wrote {', '.join(outputs)}")
    return result
