"""HTML: a standalone review page, Korean and English side by side, terms marked by status and
QA findings marked on their span (the message as the mark's title, listed in the ``qa`` column;
the summary counts them per code). A row's English cell is shaded by its confidence: red
under 0.4, yellow under 0.7 (the number in its own column).

Everything from the texts is HTML-escaped (quotes included): translations are untrusted.
"""
from __future__ import annotations

import html
import re
from typing import TextIO

from bitext.formats.common import (
    TOOL,
    Meta,
    confidence_band,
    confidence_text,
    marked,
    paragraphs,
    qa_message,
    term_summary,
)
from bitext.qa.issue import QAIssue
from bitext.records import AlignedSegment, TermStatus
from bitext.report import qa_line, summarise

NAME = "html"
EXTENSIONS = (".html", ".htm")
_BREAK = re.compile(r"\r\n|\r|\n")
_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;line-height:1.5}
table{border-collapse:collapse;width:100%;margin-bottom:1.5em}
td,th{border:1px solid #ccc;padding:.3em .5em;vertical-align:top;text-align:left}
td.n{color:#888;width:2em}td.terms{font-size:.85em;color:#444}
mark{padding:0 .1em;border-radius:2px}
mark.applied{background:#c8f7c5}mark.missed{background:#ffd27f}
mark.forbidden-present{background:#ff9c9c}mark.skipped-by-context{background:#ddd}
mark.qa-error{background:none;text-decoration:underline wavy #d00}
mark.qa-warning{background:none;text-decoration:underline dotted #c80}
td.qa{font-size:.85em}span.qa-error{color:#b00}span.qa-warning{color:#960}
tr.conf-low td.en{background:#fde0dc}tr.conf-medium td.en{background:#fff4d6}
td.conf{font-size:.85em;text-align:right}
""".strip()


def escape(text: str) -> str:
    """HTML-escape text, quotes included, keeping line breaks visible."""
    return _BREAK.sub("<br>", html.escape(text, quote=True))


def _wrap(text: str, mark: TermStatus | QAIssue) -> str:
    if isinstance(mark, QAIssue):
        return (f'<mark class="qa-{mark.severity}" title="{html.escape(qa_message(mark))}">'
                f"{text}</mark>")
    return f'<mark class="{mark.value}" title="{mark.value}">{text}</mark>'


def _qa(seg: AlignedSegment) -> str:
    return "<br>".join(f'<span class="qa-{q.severity}">{escape(qa_message(q))}</span>'
                       for q in seg.qa)


def _summary(segments: list[AlignedSegment]) -> str:
    report = summarise(segments)
    counts = ", ".join(f"{report.status[s]} {s.value}" for s in TermStatus)
    return (f"<p class=\"summary\">{report.segments} segments, {report.found} terms: "
            f"{escape(counts)}; {escape(qa_line(report))}.</p>")


def write(segments: list[AlignedSegment], stream: TextIO, meta: Meta) -> None:
    title = f"Translation {meta.source_lang} → {meta.target_lang}"
    legend = " ".join(_wrap(s.value, s) for s in TermStatus)
    src, tgt = escape(meta.source_lang), escape(meta.target_lang)
    parts = [
        "<!DOCTYPE html>", f'<html lang="{tgt}">', "<head>",
        '<meta charset="utf-8">', f"<title>{escape(title)}</title>", f"<style>{_CSS}</style>",
        "</head>", "<body>", f"<h1>{escape(title)}</h1>",
        f"<p>{TOOL} {escape(meta.version)}"
        + (f", glossary {escape(meta.glossary_name)}" if meta.glossary_name else "") + "</p>",
        _summary(segments), f'<p class="legend">Legend: {legend}</p>',
    ]
    for doc, para, segs in paragraphs(segments):
        where = f"{doc}, paragraph {para}" if doc else f"Paragraph {para}"
        parts += [f"<h2>{escape(where)}</h2>", "<table>",
                  f'<tr><th>#</th><th lang="{src}">Korean</th>'
                  f'<th lang="{tgt}">English</th><th>terms</th><th>qa</th>'
                  f'<th title="how far to trust the translation, 0-1">confidence</th></tr>']
        for seg in segs:
            ko, en = marked(seg, "source", escape, _wrap), marked(seg, "target", escape, _wrap)
            terms = "<br>".join(_wrap(escape(term_summary(r)), r.status) for r in seg.terms)
            band = confidence_band(seg)
            shade = f' class="conf-{band}"' if band else ""
            parts.append(f'<tr{shade}><td class="n">{seg.index}</td>'
                         f'<td lang="{src}">{ko}</td>'
                         f'<td class="en" lang="{tgt}">{en}</td>'
                         f'<td class="terms">{terms}</td>'
                         f'<td class="qa">{_qa(seg)}</td>'
                         f'<td class="conf">{confidence_text(seg)}</td></tr>')
        parts.append("</table>")
    parts += ["</body>", "</html>"]
    stream.write("\n".join(parts) + "\n")
