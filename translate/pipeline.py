"""The one direction data flows: text → segments → term matches → enforced translation → check.

``Translator`` is the library's front door; the CLI, the benchmarks and the distributed runner
all go through ``translate_segments`` so every path reports terms the same way.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from bitext.records import AlignedSegment
from glossary import Glossary, TermMatcher, load_glossary
from translate.enforce import enforce
from translate.engine import Engine
from translate.model_files import ModelFiles
from translate.options import DecodeOptions
from translate.segment import Segment, segment_text

CHUNK = 256  # sentences per CTranslate2 call: it sorts by length within a call, so larger is faster


def as_glossary(glossary: Glossary | str | os.PathLike | list | None) -> Glossary:
    if glossary is None:
        return Glossary()
    if isinstance(glossary, Glossary):
        return glossary
    if isinstance(glossary, (list, tuple)):
        return load_glossary(*glossary)
    return load_glossary(os.fspath(glossary))


class Translator:
    """Korean→English with a glossary enforced and every segment checked.

    >>> Translator(model="ko-en", glossary="resources/glossary").translate("공감지능은 …")
    """

    def __init__(self, model: str | os.PathLike | ModelFiles | Engine | None = None,
                 glossary: Glossary | str | os.PathLike | list | None = None, *,
                 options: DecodeOptions | None = None, device: str = "cpu",
                 inter_threads: int = 1, intra_threads: int = 0,
                 compute_type: str = "default", **decoding: Any):
        """``decoding`` overrides fields of ``options`` (``beam_size=2``, ``strategies=…``)."""
        self.options = (options or DecodeOptions()).replace(**decoding)
        self.engine = model if isinstance(model, Engine) else Engine.load(
            model, device=device, inter_threads=inter_threads, intra_threads=intra_threads,
            compute_type=compute_type)
        self.glossary = as_glossary(glossary)
        self.matcher = TermMatcher(self.glossary)
        self.forbidden = sorted({f for term in self.glossary for f in term.forbidden})

    def translate(self, text: str, doc: str = "") -> list[AlignedSegment]:
        """Translate a document: paragraphs and sentences kept, terms enforced and checked."""
        return list(self.translate_segments(segment_text(text, doc=doc)))

    def translate_sentences(self, sentences: list[str]) -> list[AlignedSegment]:
        """Translate already-segmented sentences (one segment each, nothing re-split)."""
        segments = [Segment(i, s, i, i) for i, s in enumerate(sentences, start=1)]
        return list(self.translate_segments(segments))

    def translate_segments(self, segments: Iterable[Segment],
                           progress: Callable[[int], None] | None = None
                           ) -> Iterator[AlignedSegment]:
        chunk: list[Segment] = []
        for segment in segments:
            chunk.append(segment)
            if len(chunk) == CHUNK:
                yield from self._translate_chunk(chunk)
                if progress:
                    progress(len(chunk))
                chunk = []
        if chunk:
            yield from self._translate_chunk(chunk)
            if progress:
                progress(len(chunk))

    def _translate_chunk(self, segments: list[Segment]) -> list[AlignedSegment]:
        sources = [s.source for s in segments]
        matches = [self.matcher.find(s.source) + list(s.forced) for s in segments]
        jobs = enforce(self.engine, sources, matches, self.options, forbidden=self.forbidden)
        return [AlignedSegment(seg.index, seg.source, job.text, job.records, seg.doc,
                               seg.paragraph, seg.line, seg.notes, job.qa,
                               confidence=job.confidence, column=seg.column)
                for seg, job in zip(segments, jobs)]

