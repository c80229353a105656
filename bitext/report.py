"""The terminology report: what was found, applied, missed or forbidden, per term, and the
segment QA findings (``bitext.qa``) counted per code and severity beside them.

One summary shape for ``translate``, ``translate corpus`` and ``glossary check`` so CI logs read
the same.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from bitext.qa.issue import (
    ALL_CODES,
    CODES,
    ENGINE_CODES,
    LAYOUT_CODES,
    SEVERITIES,
    STATE_CODES,
    QAIssue,
)
from bitext.records import AlignedSegment, TermRecord, TermStatus

PROBLEMS = (TermStatus.MISSED, TermStatus.FORBIDDEN)


@dataclass
class TermReport:
    segments: int = 0
    status: Counter = field(default_factory=Counter)        # status -> count
    strategy: Counter = field(default_factory=Counter)      # strategy -> count (applied only)
    per_term: dict = field(default_factory=lambda: defaultdict(Counter))
    problems: list[tuple[AlignedSegment, TermRecord]] = field(default_factory=list)
    qa: Counter = field(default_factory=Counter)            # (code, severity) -> count
    qa_problems: list[tuple[AlignedSegment, QAIssue]] = field(default_factory=list)  # errors
    qa_checked: bool = True     # False when QA was turned off: "no findings" would mislead
    confidences: list[float] = field(default_factory=list)   # of the segments that have one
    low_confidence: list[tuple[AlignedSegment, QAIssue]] = field(default_factory=list)

    @property
    def found(self) -> int:
        return sum(self.status.values())

    @property
    def failed(self) -> bool:
        """Terms only: ``--strict`` and ``glossary check`` keep their meaning; QA gates are
        asked for by name (``--fail-on``, :mod:`bitext.gate`)."""
        return any(self.status[s] for s in PROBLEMS)

    def qa_count(self, severity: str) -> int:
        return sum(n for (_, sev), n in self.qa.items() if sev == severity)

    def to_dict(self) -> dict:
        return {
            "segments": self.segments,
            "found": self.found,
            "status": {s.value: self.status[s] for s in TermStatus},
            "strategy": dict(sorted(self.strategy.items())),
            "terms": {src: {s.value: c[s] for s in TermStatus if c[s]}
                      for src, c in sorted(self.per_term.items())},
            "problems": [
                {"index": seg.index, "doc": seg.doc, "line": seg.line,
                 "column": column(seg, rec.start), "term": rec.source,
                 "target": rec.target, "status": rec.status.value, "found": rec.found,
                 "source": seg.source, "translation": seg.translation}
                for seg, rec in self.problems
            ],
            # the layout codes (documents' inline codes) and the state codes (untranslated
            # targets of a bilingual file) only where a run had them
            "qa": ({code: {sev: self.qa[code, sev] for sev in SEVERITIES}
                    for code in (*CODES, *(c for c in (*ENGINE_CODES, *LAYOUT_CODES, *STATE_CODES)
                                           if self._reports(c)))}
                   if self.qa_checked else None),
            "qa_problems": [
                {"index": seg.index, "doc": seg.doc, "line": seg.line,
                 "column": column(seg, issue.start if issue.side == "source" else 0),
                 "code": issue.code,
                 "severity": issue.severity, "side": issue.side, "start": issue.start,
                 "end": issue.end, "message": issue.message, "text": _flagged(seg, issue),
                 "source": seg.source, "translation": seg.translation}
                for seg, issue in self.qa_problems
            ],
            "confidence": self._confidence(),
        }

    def _reports(self, code: str) -> bool:
        """Whether the ``qa`` counts list a code beyond :data:`CODES`: the engine's codes for
        machine output (segments with a confidence) or where found, layout codes where found."""
        found = any(self.qa[code, s] for s in SEVERITIES)
        return found or (code in ENGINE_CODES and bool(self.confidences))

    def _confidence(self) -> dict | None:
        """Mean and least confidence, and every segment flagged ``low-confidence`` (warnings
        too: the list a reviewer starts from); None when no segment has a confidence."""
        if not self.confidences:
            return None
        return {
            "segments": len(self.confidences),
            "mean": round(sum(self.confidences) / len(self.confidences), 4),
            "min": min(self.confidences),
            "low": [{"index": seg.index, "doc": seg.doc, "line": seg.line,
                     "column": column(seg, 0), "confidence": seg.confidence,
                     "severity": issue.severity, "source": seg.source,
                     "translation": seg.translation}
                    for seg, issue in self.low_confidence],
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
        for issue in seg.qa:
            report.qa[issue.code, issue.severity] += 1
            if issue.severity == "error":
                report.qa_problems.append((seg, issue))
            if issue.code == "low-confidence":
                report.low_confidence.append((seg, issue))
        if seg.confidence is not None:
            report.confidences.append(seg.confidence)
    return report


def _flagged(seg: AlignedSegment, issue: QAIssue) -> str:
    """The text a finding points at (a number in the Korean, a repeated phrase)."""
    return (seg.source if issue.side == "source" else seg.translation)[issue.start:issue.end]


def column(seg: AlignedSegment, offset: int = 0) -> int | None:
    """1-based column in the input line of ``offset`` (a code-point offset into the
    segment's source), or None when the segment's place in its line is unknown."""
    if seg.column is None or seg.line is None:
        return None
    return seg.column + max(0, min(offset, len(seg.source)))


def _where(seg: AlignedSegment, offset: int = 0) -> str:
    """``file:line:column`` (the column of the sentence, or of the flagged source text), or
    ``file:line`` / ``segment N`` as far as the place is known."""
    doc = seg.doc or "<input>"
    if not seg.line:
        return f"{doc}: segment {seg.index}" if seg.doc else f"segment {seg.index}"
    col = column(seg, offset)
    return f"{doc}:{seg.line}:{col}" if col is not None else f"{doc}:{seg.line}"


def qa_line(report: TermReport) -> str:
    """``qa: 3 errors (2 omission, 1 number), 5 warnings (5 punctuation)``: codes by count."""
    parts = []
    for sev in SEVERITIES:
        per_code = [(code, report.qa[code, sev]) for code in ALL_CODES
                    if report.qa[code, sev]]
        per_code.sort(key=lambda cn: -cn[1])            # stable: ties keep CODES order
        detail = f" ({', '.join(f'{n} {code}' for code, n in per_code)})" if per_code else ""
        total = report.qa_count(sev)
        parts.append(f"{total} {sev}{'' if total == 1 else 's'}{detail}")
    return "qa: " + ", ".join(parts)


def render_totals(report: TermReport) -> list[str]:
    """The count lines of the report (terms, steps, QA), without the problems."""
    s = report.status
    lines = [
        f"terms: {report.found} found in {report.segments} segments — "
        f"{s[TermStatus.APPLIED]} applied, {s[TermStatus.MISSED]} missed, "
        f"{s[TermStatus.FORBIDDEN]} forbidden-present, {s[TermStatus.SKIPPED]} skipped-by-context"
    ]
    if report.strategy:
        lines.append("applied by: " + ", ".join(f"{k} {v}" for k, v in
                                                 sorted(report.strategy.items())))
    if report.qa_checked:
        lines.append(qa_line(report))
    if report.confidences:
        lines.append(confidence_line(report))
    return lines


def render_text(report: TermReport, max_problems: int = 20) -> str:
    """A few lines for stderr: term totals, per-strategy counts, QA counts, then each term
    problem and each QA error with its place (``file:line:column``; warnings are counted, not
    listed: they are many and often fine), then every low-confidence segment."""
    lines = render_totals(report)
    for seg, rec in report.problems[:max_problems]:
        extra = f" (found {rec.found!r})" if rec.found else ""
        lines.append(f"{_where(seg, rec.start)}: {rec.status.value}: {rec.surface} → "
                     f"{rec.target!r}{extra}")
    if len(report.problems) > max_problems:
        lines.append(f"… and {len(report.problems) - max_problems} more (see --json)")
    listed = [(seg, q) for seg, q in report.qa_problems if q.code != "low-confidence"]
    for seg, issue in listed[:max_problems]:
        text = _flagged(seg, issue)
        whole = len(text) == len(seg.source if issue.side == "source" else seg.translation)
        at = "" if whole or not text else f" ({issue.side} {text!r})"
        offset = issue.start if issue.side == "source" else 0
        lines.append(f"{_where(seg, offset)}: qa {issue.code}: {issue.message}{at}")
    if len(listed) > max_problems:
        lines.append(f"… and {len(listed) - max_problems} more QA errors (see --json)")
    for seg, issue in report.low_confidence[:max_problems]:
        lines.append(f"{_where(seg)}: {issue.severity} low-confidence "
                     f"{seg.confidence if seg.confidence is not None else 0:.2f}: "
                     f"{seg.translation}")
    if len(report.low_confidence) > max_problems:
        lines.append(f"… and {len(report.low_confidence) - max_problems} more low-confidence "
                     "segments (see --json)")
    return "\n".join(lines)


def confidence_line(report: TermReport) -> str:
    """``confidence: mean 0.64, lowest 0.08; 3 low (1 error, 2 warnings)``."""
    sev = {s: sum(q.severity == s for _, q in report.low_confidence) for s in SEVERITIES}
    mean = sum(report.confidences) / len(report.confidences)
    return (f"confidence: mean {mean:.2f}, lowest {min(report.confidences):.2f} over "
            f"{len(report.confidences)} segments; {len(report.low_confidence)} low "
            f"({sev['error']} error{'' if sev['error'] == 1 else 's'}, {sev['warning']} "
            f"warning{'' if sev['warning'] == 1 else 's'})")


def render_json(report: TermReport, signature: str | None = None) -> str:
    """The report as JSON; ``signature`` says what produced the translations (corpus runs)."""
    data = report.to_dict()
    return json.dumps({"signature": signature, **data} if signature else data,
                      ensure_ascii=False, indent=2)
