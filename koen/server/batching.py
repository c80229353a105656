"""The queue that turns many small requests into few CTranslate2 calls.

Every text a request brings becomes a :class:`Job`; a single worker collects the jobs that
arrive within ``window`` seconds (up to ``max_batch`` texts), segments them and translates
each glossary's share with one ``Translator.translate_segments`` call, on one thread. One
thread is on purpose: CTranslate2 uses every core for one call (``intra_threads``), Kiwi
is shared, and a reload of the glossary then never races a batch.

A sentence's translation does not depend on what it is batched with: sentences are split
per text, looked up per sentence, the suppress list is the glossary's, and the engine decodes
every sentence of a batch independently (it re-reads the first step's attention, which
CTranslate2's batched beam search takes from another sentence; ``tests/test_server_api.py``
checks alone vs. among others). One limit stays: a short sentence padded in a batch can differ
in the last digits of its scores, rarely enough to change a choice between near-equal
candidates.

The queue is bounded: ``submit`` refuses work past ``max_queue`` texts (the caller answers
503 with Retry-After); a job whose request timed out is dropped before it is translated.
``close`` lets the worker finish everything queued, so a graceful shutdown answers every
request it accepted.
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from bitext.records import AlignedSegment
from translate.segment import MAX_CHARS, Segment, cut_long, segment_text


class QueueFull(Exception):
    """More texts are waiting than ``max_queue`` allows."""


class ShuttingDown(Exception):
    """The server is stopping and takes no new work."""


@dataclass
class Job:
    """One text to translate, with the glossary it asks for."""

    text: str
    glossary: str | None = None       # an API glossary id (added to the curated one), or None
    split: bool = True                # split into sentences (DeepL ``split_sentences=0``: no)
    future: asyncio.Future = field(default_factory=lambda: asyncio.get_running_loop()
                                   .create_future())
    cancelled: bool = False           # the request gave up (timeout): skip if not started


def segments_of(text: str, split: bool = True) -> list[Segment]:
    """The segments of one text: sentences (Kiwi), or each line whole when ``split`` is off."""
    if split:
        return segment_text(text)
    segments: list[Segment] = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        for part in cut_long(line.strip(), MAX_CHARS) if line.strip() else ():
            segments.append(Segment(len(segments) + 1, part, 1, line_no))
    return segments


TranslatorFor = Callable[[str | None], Any]
"""Returns the ``translate.pipeline.Translator`` for a glossary id (None: the curated one)."""


class BatchQueue:
    """Collects jobs from concurrent requests and runs them in batches on one thread."""

    def __init__(self, translator_for: TranslatorFor, *, window: float = 0.01,
                 max_batch: int = 32, max_queue: int = 1024):
        self.translator_for = translator_for
        self.window = window
        self.max_batch = max_batch
        self.max_queue = max_queue
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="translate")
        self._pending: list[Job] = []
        self._wake: asyncio.Event | None = None
        self._worker: asyncio.Task | None = None
        self._closing = False
        self.in_flight = 0
        self.batches = 0
        self.translated = 0          # texts answered since start
        self.characters = 0          # source characters translated since start (/v2/usage)
        self.last_batch_seconds = 0.0

    # --- lifecycle ----------------------------------------------------------------------
    def start(self) -> None:
        self._wake = asyncio.Event()
        self._worker = asyncio.get_running_loop().create_task(self._run(), name="batch-worker")

    async def close(self) -> None:
        """Stop taking work, finish what is queued and in flight, then stop the thread."""
        self._closing = True
        if self._wake:
            self._wake.set()
        if self._worker:
            await self._worker
        self.executor.shutdown(wait=True)

    @property
    def depth(self) -> int:
        return sum(1 for job in self._pending if not job.cancelled)

    # --- requests -----------------------------------------------------------------------
    def submit(self, jobs: list[Job]) -> None:
        """Queue a request's jobs, all or none."""
        if self._closing:
            raise ShuttingDown()
        if self.depth + len(jobs) > self.max_queue:
            raise QueueFull()
        self._pending.extend(jobs)
        assert self._wake is not None, "BatchQueue.start() was not called"
        self._wake.set()

    async def translate(self, jobs: list[Job], timeout: float | None) -> list[list[AlignedSegment]]:
        """Queue the jobs and wait for them; on timeout they are dropped if not started."""
        self.submit(jobs)
        try:
            return list(await asyncio.wait_for(
                asyncio.gather(*(asyncio.shield(j.future) for j in jobs)), timeout))
        except asyncio.TimeoutError:
            for job in jobs:
                job.cancelled = True
            raise

    async def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run other engine work (a document, a glossary reload) on the translation thread."""
        if self._closing:
            raise ShuttingDown()
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)

    # --- the worker ---------------------------------------------------------------------
    async def _run(self) -> None:
        assert self._wake is not None
        loop = asyncio.get_running_loop()
        while True:
            if not self._pending:
                if self._closing:
                    return
                self._wake.clear()
                await self._wake.wait()
                continue
            if self.window > 0 and len(self._pending) < self.max_batch and not self._closing:
                await asyncio.sleep(self.window)      # let concurrent requests join
            batch = [j for j in self._pending[:self.max_batch] if not j.cancelled]
            taken = len(batch)
            del self._pending[:self.max_batch]
            if not batch:
                continue
            self.in_flight = taken
            started = time.perf_counter()
            try:
                results = await loop.run_in_executor(self.executor, self._translate, batch)
            except Exception as e:  # noqa: BLE001 - the requests get the error, the worker lives
                for job in batch:
                    if not job.future.done():
                        job.future.set_exception(e)
            else:
                for job, result in zip(batch, results):
                    if not job.future.done():
                        job.future.set_result(result)
                self.translated += taken
                self.characters += sum(len(j.text) for j in batch)
            finally:
                self.in_flight = 0
                self.batches += 1
                self.last_batch_seconds = time.perf_counter() - started

    def _translate(self, batch: list[Job]) -> list[list[AlignedSegment]]:
        """On the translation thread: one ``translate_segments`` call per glossary."""
        per_job = [segments_of(job.text, job.split) for job in batch]
        results: list[list[AlignedSegment]] = [[] for _ in batch]
        for key in dict.fromkeys(job.glossary for job in batch):
            members = [i for i, job in enumerate(batch) if job.glossary == key]
            segments = [seg for i in members for seg in per_job[i]]
            if not segments:
                continue
            aligned = iter(self.translator_for(key).translate_segments(segments))
            for i in members:
                results[i] = [next(aligned) for _ in per_job[i]]
        return results
