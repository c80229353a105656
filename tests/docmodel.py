"""A document made in a test: units given directly, ``render`` shows what was written back.

For layer tests that need codes before any format module exists (and for format engineers
who want to feed the layer a hand-made unit).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from documents.model import Code, Content, Unit


def content_text(content: Content | None) -> str:
    """``<b>``-style view of a content: ``[id>`` open, ``<id]`` close, ``[id]`` isolated."""
    if content is None:
        return "<none>"
    out = []
    for p in content:
        if isinstance(p, Code):
            out.append({"open": f"[{p.id}>", "close": f"<{p.id}]",
                        "isolated": f"[{p.id}]"}[p.kind.value])
        else:
            out.append(p)
    return "".join(out)


@dataclass
class MemoryDocument:
    name: str
    units: list[Unit]
    warnings: list[str] = field(default_factory=list)
    format: str = "memory"

    def render(self) -> bytes:
        return json.dumps([content_text(u.target) for u in self.units],
                          ensure_ascii=False).encode()
