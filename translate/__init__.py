"""Korean→English translation on CTranslate2 with the glossary enforced and checked.

    from translate import Translator
    segments = Translator(model="path/to/model", glossary="resources/glossary").translate(text)

Names load on first use, so ``glossary lint`` (whose ``test`` subcommand lives here) and the
corpus planner never import CTranslate2 unless they translate.
"""
from __future__ import annotations

import importlib
from typing import Any

from bitext.formats.common import tool_version

__version__ = tool_version()
# This project's, not translate-toolkit's (both ship a top-level ``translate``): koen/ checks
# this marker so a collision is one line that says what to do (koen/install_check.py).
KOEN_TERMINOLOGY = True
__all__ = ["DecodeOptions", "Engine", "ModelError", "ModelFiles", "Segment", "Translator",
           "locate_model", "open_model", "segment_text", "__version__"]

_LAZY = {"Engine": "translate.engine", "Translator": "translate.pipeline",
         "DecodeOptions": "translate.options", "ModelError": "translate.model_files",
         "ModelFiles": "translate.model_files", "locate_model": "translate.model_files",
         "open_model": "translate.model_files", "Segment": "translate.segment",
         "segment_text": "translate.segment"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'translate' has no attribute {name!r}")
