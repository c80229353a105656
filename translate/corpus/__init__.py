"""Corpus scale: the translate pipeline on Ray Data, resumable, every segment accounted for.

    translate corpus archive/ -o out/ --workers 8 --format tmx,xliff

Library: :func:`translate_dataset` (a Ray dataset in, a Ray dataset out) and
:func:`run_corpus` (files in, sharded results + merged outputs + terminology report out).
Ray is optional (``pip install -e ".[distributed]"``); importing this package does not import
it, so the names below load on first use.
"""
from __future__ import annotations

from translate.corpus.runtime import INSTALL_HINT, RayMissing, require_ray

__all__ = ["CorpusResult", "CorpusSettings", "INSTALL_HINT", "RayMissing", "require_ray",
           "run_corpus", "segments_dataset", "translate_dataset"]

_LAZY = {"translate_dataset": "translate.corpus.dataset",
         "segments_dataset": "translate.corpus.dataset",
         "run_corpus": "translate.corpus.run", "CorpusSettings": "translate.corpus.run",
         "CorpusResult": "translate.corpus.run"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'translate.corpus' has no attribute {name!r}")
