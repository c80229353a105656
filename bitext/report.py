"""The terminology report: what was found, applied, missed or forbidden, per term.

One summary shape for ``translate`` and ``glossary check`` so CI logs read the same.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from bitext.records import AlignedSegment, TermRecord, TermStatus

PROBLEMS = (TermStatus.MISSED, TermStatus.FORBIDDEN)


@dataclass
class TermReport:
    segments: int = 0
    status: Counter = field(default_factory=Counter)        # status -> count
    strategy: Counter = field(default_factory=Counter)      # strategy -> count (applied only)
    per_term: dict = field(default_factory=lambda: defaultdict(Counter))
    problems: list[tuple[AlignedSegment, TermRecord]] = field(default_factory=list)

    @property
    def found(self) -> int:
        return sum(self.status.values())

    @property
    def failed(self) -> bool:
        return any(self.status[s] for s in PROBLEMS)

    def to_dict(self) -> dict:
        return {
            "segments": self.segments,
            "found": self.found,
            "status": {s.value: self.status[s] for s in TermStatus},
            "strategy": dict(sorted(self.strategy.items())),
            "terms": {src: {s.value: c[s] for s in TermStatus if c[s]}
                      for src, c in sorted(self.per_term.items())},
            "problems": [
                {"index": seg.index, "doc": seg.doc, "line": seg.line, "term": rec.source,
                 "target": rec.target, "status": rec.status.value, "found": rec.found,
                 "source": seg.source, "translation": seg.translation}
                for seg, rec in self.problems
            ],
        }


def summarise(segments: list[AlignedSegment]) -> TermReport:
    report = TermReport()
    for seg in segments:
        report.segments += 1
        for rec in seg.terms:
            report.status[rec.status] += 1
            report.per_term[rec.source][rec.status] += 1
            if rec.status is TermStatus.APPLIED and rec.strategy:
                report.strategy[rec.strategy] += 1
            if rec.status in PROBLEMS:
                report.problems.append((seg, rec))
    return report


def render_text(report: TermReport, max_problems: int = 20) -> str:
    """A few lines for stderr: totals, per-strategy counts, then each problem with its place."""
    s = report.status
    lines = [
        f"terms: {report.found} found in {report.segments} segments — "
        f"{s[TermStatus.APPLIED]} applied, {s[TermStatus.MISSED]} missed, "
        f"{s[TermStatus.FORBIDDEN]} forbidden-present, {s[TermStatus.SKIPPED]} skipped-by-context"
    ]
    if report.strategy:
        lines.append("applied by: " + ", ".join(f"{k} {v}" for k, v in
                                                 sorted(report.strategy.items())))
    for seg, rec in report.problems[:max_problems]:
        where = f"{seg.doc or '<input>'}:{seg.line}" if seg.line else f"segment {seg.index}"
        extra = f" (found {rec.found!r})" if rec.found else ""
        lines.append(f"{where}: {rec.status.value}: {rec.surface} → {rec.target!r}{extra}")
    if len(report.problems) > max_problems:
        lines.append(f"… and {len(report.problems) - max_problems} more (see --json)")
    return "\n".join(lines)


def render_json(report: TermReport, signature: str | None = None) -> str:
    """The report as JSON; ``signature`` says what produced the translations (corpus runs)."""
    data = report.to_dict()
    return json.dumps({"signature": signature, **data} if signature else data,
                      ensure_ascii=False, indent=2)
