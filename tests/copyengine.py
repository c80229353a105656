"""A translator whose English is its Korean: the identity round trip of every format.

Translating a file with it must change nothing but what pre-translation adds (targets, their
state, notes): each unit's target is its source, codes and all, because a copied sentence
keeps every code where it was. It implements what ``documents.translate_document`` calls
(``translate_segments``; ``engine`` None, so no attention is asked for) and goes through
the same layer code as the real pipeline: masking, sentence splitting, code placement,
``render()``. Format tests use it as::

    from copyengine import CopyTranslator, identity_round_trip
    result = identity_round_trip(data, "job.xlf")   # translate_file with the copy engine
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from bitext.records import AlignedSegment
from documents import DocumentResult, translate_file
from documents.model import DocumentOptions
from translate.segment import Segment


class CopyTranslator:
    engine = None

    def __init__(self) -> None:
        self.calls = 0            # translate_segments calls (one per document is the contract)
        self.sentences: list[str] = []

    def translate_segments(self, segments: Iterable[Segment],
                           progress: Callable[[int], None] | None = None
                           ) -> Iterator[AlignedSegment]:
        self.calls += 1
        for s in segments:
            self.sentences.append(s.source)
            yield AlignedSegment(s.index, s.source, s.source, [], s.doc, s.paragraph, s.line,
                                 s.notes, [])


def identity_round_trip(data: bytes, name: str, input_format: str | None = None,
                        options: DocumentOptions | None = None) -> DocumentResult:
    """``translate_file`` of the bytes with the copy translator."""
    return translate_file(data, CopyTranslator(), name=name, input_format=input_format,
                          options=options)
