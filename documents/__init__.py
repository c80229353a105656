"""The document layer: files people have (XLIFF, PO, DOCX, HTML, Markdown, subtitles, app
strings) read into units with inline codes, translated through the pipeline, written back.

It sits above ``translate`` and below the commands (``koen``): format modules in
``documents/formats/`` know only their format; ``documents.model`` is the contract between
them and the layer.

The library API (implemented in ``documents/translate_doc.py`` and ``documents/registry.py``;
the server and the CLI call only these):

    read_document(data: bytes, name: str, input_format: str | None = None,
                  options: DocumentOptions | None = None) -> Document
    translate_document(translator, document: Document) -> DocumentResult
    translate_file(source: bytes | str | os.PathLike, translator, *, name: str | None = None,
                   input_format: str | None = None,
                   options: DocumentOptions | None = None) -> DocumentResult

``DocumentResult`` has ``data`` (the translated file's bytes), ``document``, ``segments``
(every translated sentence as an ``AlignedSegment``, in file order, ``doc`` = the file name,
``line`` = the line its unit starts on) and ``counts`` (``filled``, ``kept``, ``skipped``).
The format is chosen by ``input_format`` (a format module's name) or the file's extension.

The names are imported lazily (PEP 562) so that a format module importing
``documents.model`` does not pull in the whole pipeline.
"""
from __future__ import annotations

from typing import Any

__all__ = ["DocumentResult", "read_document", "translate_document", "translate_file"]


def __getattr__(name: str) -> Any:
    if name == "read_document":
        from documents.registry import read_document

        return read_document
    if name in ("DocumentResult", "translate_document", "translate_file"):
        from documents import translate_doc

        return getattr(translate_doc, name)
    raise AttributeError(f"module 'documents' has no attribute {name!r}")
