"""JSONL: one :meth:`AlignedSegment.to_dict` per line, the lossless format for machines.

Reading needs only ``source`` and ``translation`` (and ``doc`` if present), so JSONL made by
other tools with those fields is checked too.
"""
from __future__ import annotations

import json
from typing import TextIO

from bitext import jsonsafe
from bitext.errors import InputError
from bitext.formats.common import BilingualPair, Meta
from bitext.records import AlignedSegment

NAME = "jsonl"
EXTENSIONS = (".jsonl", ".ndjson")


def write(segments: list[AlignedSegment], stream: TextIO, meta: Meta) -> None:
    for seg in segments:
        stream.write(json.dumps(seg.to_dict(), ensure_ascii=False) + "\n")


def read(text: str, name: str) -> list[BilingualPair]:
    pairs = []
    for no, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            d = jsonsafe.loads(line)
        except jsonsafe.JsonDepthError as e:
            raise InputError(f"not a JSONL record: {e.msg}", name, no) from None
        except json.JSONDecodeError as e:
            raise InputError(f"not JSON: {e.msg} (column {e.colno})", name, no) from None
        if not isinstance(d, dict) or not all(isinstance(d.get(k), str)
                                              for k in ("source", "translation")):
            raise InputError("a line needs string fields 'source' and 'translation'", name, no)
        pairs.append(BilingualPair(d["source"], d["translation"], no, str(d.get("doc") or "")))
    return pairs
