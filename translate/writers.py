"""Writers of aligned segments: TSV, JSONL, TMX 1.4b, XLIFF 2.1, Markdown and HTML.

Each format serves a different reader: TSV/JSONL for scripts and ``glossary check``,
TMX/XLIFF for CAT tools and translation memories, Markdown/HTML for a person reviewing
the terminology side by side.  All writers take the same ``list[AlignedSegment]`` and the
same metadata, and :func:`write_segments` writes atomically, so a failed run never leaves
a truncated file in place of a good one.
"""
from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from importlib import metadata
from itertools import groupby
from typing import Callable, Iterable, Iterator, TextIO

from glossary.check import TermRecord, TermStatus, find_rendering
from glossary.errors import InputError
from glossary.files import STDIO, atomic_open, format_from_extension
from glossary.report import summarise
from glossary.segment import AlignedSegment
from glossary.xmlio import XML_LANG, XML_SPACE, serialize, sub

TOOL = "koen-terminology"
XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
GLS_NS = "urn:oasis:names:tc:xliff:glossary:2.0"
ET.register_namespace("", XLIFF_NS)
ET.register_namespace("gls", GLS_NS)

MARK = {TermStatus.MISSED: "⚠", TermStatus.FORBIDDEN: "⚠"}
_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Meta:
    """What every format may record about the run; unknown keys are a caller's typo."""

    source_lang: str = "ko"
    target_lang: str = "en"
    tool_version: str | None = None
    glossary_name: str | None = None

    @property
    def version(self) -> str:
        if self.tool_version:
            return self.tool_version
        try:
            return metadata.version(TOOL)
        except metadata.PackageNotFoundError:
            return "unknown"


# --------------------------------------------------------------------------- shared helpers

def term_summary(rec: TermRecord) -> str:
    """``공감지능=Affectionate Intelligence:applied`` (with the forbidden rendering found)."""
    found = f"[{rec.found}]" if rec.found else ""
    return f"{rec.source}={rec.target}:{rec.status.value}{found}"


def paragraphs(segments: Iterable[AlignedSegment]
               ) -> Iterator[tuple[str, int, list[AlignedSegment]]]:
    """Consecutive segments of one (doc, paragraph), in input order."""
    for (doc, para), group in groupby(segments, key=lambda s: (s.doc, s.paragraph)):
        yield doc, para, list(group)


def source_spans(seg: AlignedSegment) -> list[tuple[int, int, TermStatus]]:
    """Where each term record sits in the Korean (its own offsets), if they fit the text."""
    return [(r.start, r.end, r.status) for r in seg.terms
            if 0 <= r.start < r.end <= len(seg.source)]


def target_spans(seg: AlignedSegment) -> list[tuple[int, int, TermStatus]]:
    """Where the English renders each term: the target if applied, the forbidden word found."""
    spans = []
    for r in seg.terms:
        phrase = r.target if r.status is TermStatus.APPLIED else (
            r.found if r.status is TermStatus.FORBIDDEN else None)
        if phrase:
            spans += [(a, b, r.status) for a, b in find_rendering(phrase, seg.translation)]
    return spans


def highlight(text: str, spans: list[tuple[int, int, TermStatus]],
              escape: Callable[[str], str], wrap: Callable[[str, TermStatus], str]) -> str:
    """Escape ``text`` and wrap each span; overlapping spans keep the first (leftmost)."""
    out, pos = [], 0
    for start, end, status in sorted(set(spans), key=lambda s: (s[0], -s[1])):
        if start < pos:
            continue
        out += [escape(text[pos:start]), wrap(escape(text[start:end]), status)]
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


# --------------------------------------------------------------------------- TSV / JSONL

_TSV_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
TSV_HEADER = ("index", "source", "translation", "terms")


def tsv_escape(text: str) -> str:
    """One cell on one line: backslash, tab, LF and CR become ``\\\\ \\t \\n \\r``."""
    return re.sub(r"[\\\t\n\r]", lambda m: _TSV_ESCAPES[m.group()], text)


def write_tsv(segments: list[AlignedSegment], stream: TextIO, **meta) -> None:
    Meta(**meta)
    stream.write("\t".join(TSV_HEADER) + "\n")
    for seg in segments:
        terms = "; ".join(term_summary(r) for r in seg.terms)
        cells = (str(seg.index), seg.source, seg.translation, terms)
        stream.write("\t".join(tsv_escape(c) for c in cells) + "\n")


def write_jsonl(segments: list[AlignedSegment], stream: TextIO, **meta) -> None:
    Meta(**meta)
    for seg in segments:
        stream.write(json.dumps(seg.to_dict(), ensure_ascii=False) + "\n")


# --------------------------------------------------------------------------- XML formats

def _tuv(tu: ET.Element, lang: str, text: str) -> None:
    tuv = sub(tu, "tuv", **{XML_LANG: lang})
    sub(tuv, "seg", text)


def write_tmx(segments: list[AlignedSegment], stream: TextIO, **meta) -> None:
    """TMX 1.4b: a ``<tu>`` per segment; term statuses as ``<note>``, place as ``<prop>``."""
    m = Meta(**meta)
    root = ET.Element("tmx", version="1.4")
    header = sub(root, "header", creationtool=TOOL, creationtoolversion=m.version,
                  segtype="sentence", **{"o-tmf": TOOL}, adminlang="en",
                  srclang=m.source_lang, datatype="plaintext")
    if m.glossary_name:
        sub(header, "prop", m.glossary_name, type="x-glossary")
    body = sub(root, "body")
    for seg in segments:
        tu = sub(body, "tu", tuid=f"{seg.doc}:{seg.index}" if seg.doc else str(seg.index))
        if seg.doc:
            sub(tu, "prop", seg.doc, type="x-doc")
        sub(tu, "prop", str(seg.paragraph), type="x-paragraph")
        if seg.line is not None:
            sub(tu, "prop", str(seg.line), type="x-line")
        for rec in seg.terms:
            sub(tu, "note", f"term: {term_summary(rec)}")
        for note in seg.notes:
            sub(tu, "note", note)
        _tuv(tu, m.source_lang, seg.source)
        _tuv(tu, m.target_lang, seg.translation)
    stream.write(serialize(root))


def write_xliff(segments: list[AlignedSegment], stream: TextIO, **meta) -> None:
    """XLIFF 2.1: a ``<file>`` per document, a ``<unit>`` per paragraph, a ``<segment>`` per
    sentence.  Glossary pairs go in the Glossary module (so CAT tools show them), statuses
    in ``<note category="terminology">`` (the module has no place for them)."""
    if not segments:
        raise ValueError("XLIFF needs at least one segment (a <file> needs a <unit>)")
    m = Meta(**meta)
    x = lambda tag: f"{{{XLIFF_NS}}}{tag}"                              # noqa: E731
    root = ET.Element(x("xliff"), version="2.1", srcLang=m.source_lang, trgLang=m.target_lang)
    for f_no, (doc, group) in enumerate(groupby(segments, key=lambda s: s.doc), 1):
        file = sub(root, x("file"), id=f"f{f_no}", **({"original": doc} if doc else {}))
        for u_no, (_, para, segs) in enumerate(paragraphs(group), 1):
            unit = sub(file, x("unit"), id=f"u{u_no}", name=f"paragraph {para}")
            _xliff_unit_terms(unit, segs)
            for seg in segs:
                s = sub(unit, x("segment"), id=f"s{seg.index}", state="translated")
                space = {XML_SPACE: "preserve"}
                sub(s, x("source"), seg.source, **space)
                sub(s, x("target"), seg.translation, **space)
    stream.write(serialize(root))


def _xliff_unit_terms(unit: ET.Element, segs: list[AlignedSegment]) -> None:
    """Unit content before the segments, in the schema's order: module elements, notes."""
    records = [(seg, r) for seg in segs for r in seg.terms]
    pairs = dict.fromkeys((r.source, r.target) for _, r in records)
    if pairs:
        glossary = sub(unit, f"{{{GLS_NS}}}glossary")
        for source, target in pairs:
            entry = sub(glossary, f"{{{GLS_NS}}}glossEntry")
            sub(entry, f"{{{GLS_NS}}}term", source, source="glossary")
            sub(entry, f"{{{GLS_NS}}}translation", target, source="glossary")
    notes = [(f"s{seg.index}: {term_summary(r)}", "terminology") for seg, r in records]
    notes += [(f"s{seg.index}: {n}", "warning") for seg in segs for n in seg.notes]
    if notes:
        holder = sub(unit, f"{{{XLIFF_NS}}}notes")
        for n_no, (text, category) in enumerate(notes, 1):
            sub(holder, f"{{{XLIFF_NS}}}note", text, id=f"n{n_no}", category=category)


# --------------------------------------------------------------------------- Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#!])")


def md_escape(text: str) -> str:
    """Literal text in a Markdown table cell: punctuation escaped, line breaks as ``<br>``."""
    return _BREAK.sub("<br>", _MD_SPECIAL.sub(r"\\\1", text))


def _md_wrap(text: str, status: TermStatus) -> str:
    return f"**{text}**{MARK.get(status, '')}"


def _md_terms(seg: AlignedSegment) -> str:
    flag = lambda r: MARK[r.status] + " " if r.status in MARK else ""   # noqa: E731
    return "<br>".join(flag(r) + md_escape(term_summary(r)) for r in seg.terms)


def write_markdown(segments: list[AlignedSegment], stream: TextIO, **meta) -> None:
    """A table per paragraph; terms in **bold**, missed and forbidden ones flagged ⚠."""
    m = Meta(**meta)
    title = f"# Translation {m.source_lang} → {m.target_lang}"
    stream.write(title + (f" (glossary: {md_escape(m.glossary_name)})" if m.glossary_name
                          else "") + "\n")
    for doc, para, segs in paragraphs(segments):
        where = f"{md_escape(doc)}, paragraph {para}" if doc else f"Paragraph {para}"
        stream.write(f"\n## {where}\n\n| # | Korean | English | terms |\n|---|---|---|---|\n")
        for seg in segs:
            ko = highlight(seg.source, source_spans(seg), md_escape, _md_wrap)
            en = highlight(seg.translation, target_spans(seg), md_escape, _md_wrap)
            stream.write(f"| {seg.index} | {ko} | {en} | {_md_terms(seg)} |\n")


# --------------------------------------------------------------------------- HTML

_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;line-height:1.5}
table{border-collapse:collapse;width:100%;margin-bottom:1.5em}
td,th{border:1px solid #ccc;padding:.3em .5em;vertical-align:top;text-align:left}
td.n{color:#888;width:2em}td.terms{font-size:.85em;color:#444}
mark{padding:0 .1em;border-radius:2px}
mark.applied{background:#c8f7c5}mark.missed{background:#ffd27f}
mark.forbidden-present{background:#ff9c9c}mark.skipped-by-context{background:#ddd}
""".strip()


def esc(text: str) -> str:
    """HTML-escape text, quotes included, keeping line breaks visible."""
    return _BREAK.sub("<br>", html.escape(text, quote=True))


def _html_wrap(text: str, status: TermStatus) -> str:
    return f'<mark class="{status.value}" title="{status.value}">{text}</mark>'


def _html_summary(segments: list[AlignedSegment]) -> str:
    report = summarise(segments)
    counts = ", ".join(f"{report.status[s]} {s.value}" for s in TermStatus)
    return (f"<p class=\"summary\">{report.segments} segments, {report.found} terms: "
            f"{esc(counts)}.</p>")


def write_html(segments: list[AlignedSegment], stream: TextIO, **meta) -> None:
    """A standalone review page: Korean and English side by side, terms marked by status."""
    m = Meta(**meta)
    title = f"Translation {m.source_lang} → {m.target_lang}"
    legend = " ".join(_html_wrap(s.value, s) for s in TermStatus)
    parts = [
        "<!DOCTYPE html>", f'<html lang="{esc(m.target_lang)}">', "<head>",
        '<meta charset="utf-8">', f"<title>{esc(title)}</title>", f"<style>{_CSS}</style>",
        "</head>", "<body>", f"<h1>{esc(title)}</h1>",
        f"<p>{TOOL} {esc(m.version)}"
        + (f", glossary {esc(m.glossary_name)}" if m.glossary_name else "") + "</p>",
        _html_summary(segments), f'<p class="legend">Legend: {legend}</p>',
    ]
    for doc, para, segs in paragraphs(segments):
        where = f"{doc}, paragraph {para}" if doc else f"Paragraph {para}"
        parts += [f"<h2>{esc(where)}</h2>", "<table>",
                  f'<tr><th>#</th><th lang="{esc(m.source_lang)}">Korean</th>'
                  f'<th lang="{esc(m.target_lang)}">English</th><th>terms</th></tr>']
        for seg in segs:
            ko = highlight(seg.source, source_spans(seg), esc, _html_wrap)
            en = highlight(seg.translation, target_spans(seg), esc, _html_wrap)
            terms = "<br>".join(_html_wrap(esc(term_summary(r)), r.status) for r in seg.terms)
            parts.append(f'<tr><td class="n">{seg.index}</td>'
                         f'<td lang="{esc(m.source_lang)}">{ko}</td>'
                         f'<td lang="{esc(m.target_lang)}">{en}</td>'
                         f'<td class="terms">{terms}</td></tr>')
        parts.append("</table>")
    parts += ["</body>", "</html>"]
    stream.write("\n".join(parts) + "\n")


# --------------------------------------------------------------------------- dispatch

Writer = Callable[..., None]
FORMATS: dict[str, Writer] = {
    "tsv": write_tsv, "jsonl": write_jsonl, "tmx": write_tmx, "xliff": write_xliff,
    "md": write_markdown, "html": write_html,
}


def format_for(path: str, explicit: str | None = None) -> str:
    """The output format: ``explicit`` if given, else from the extension; stdout is TSV."""
    if explicit:
        fmt = explicit.lower()
        if fmt not in FORMATS:
            raise InputError(f"unknown format {explicit!r} (choose from "
                             f"{', '.join(FORMATS)})", path)
        return fmt
    if str(path) == STDIO:
        return "tsv"
    fmt = format_from_extension(path)
    if fmt not in FORMATS:
        raise InputError("cannot tell the output format from the file name; name it "
                         f"{', '.join('.' + f for f in FORMATS)} or pass a format", path)
    return fmt


def write_segments(segments: list[AlignedSegment], path: str, fmt: str | None = None,
                   **meta) -> None:
    """Write ``segments`` to ``path`` (``-`` = stdout) atomically in ``fmt`` (or inferred)."""
    writer = FORMATS[format_for(path, fmt)]
    Meta(**meta)                 # a bad keyword fails before the old file is at risk
    with atomic_open(path, "w", encoding="utf-8") as stream:
        writer(segments, stream, **meta)
