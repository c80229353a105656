"""TMX 1.4b: translation memories for CAT tools; a ``<tu>`` per segment.

Term statuses travel as ``<note>``, the place in the input (document, paragraph, line) as
``<prop>``, so a TMX read back (``glossary check``) still names the document.  QA findings are
``<prop type="x-qa">code:severity: message</prop>``, one per finding, and the confidence
``<prop type="x-confidence">0.83</prop>``: props (not notes)
because CAT tools filter and search TM entries by prop type.  The DTD allows ``(note|prop)*``
in any order before the ``<tuv>``s.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TextIO

from bitext.errors import InputError
from bitext.formats.common import (
    TOOL,
    BilingualPair,
    Meta,
    confidence_text,
    nfc,
    qa_message,
    term_summary,
)
from bitext.records import AlignedSegment
from bitext.xmlio import XML_LANG, inline_text, is_lang, local_name, serialize, sub

NAME = "tmx"
EXTENSIONS = (".tmx",)


def write(segments: list[AlignedSegment], stream: TextIO, meta: Meta) -> None:
    root = ET.Element("tmx", version="1.4")
    header = sub(root, "header", creationtool=TOOL, creationtoolversion=meta.version,
                 segtype="sentence", **{"o-tmf": TOOL}, adminlang="en",
                 srclang=meta.source_lang, datatype="plaintext")
    if meta.glossary_name:
        sub(header, "prop", meta.glossary_name, type="x-glossary")
    if meta.signature:
        sub(header, "prop", meta.signature, type="x-signature")
    body = sub(root, "body")
    for seg in segments:
        tu = sub(body, "tu", tuid=f"{seg.doc}:{seg.index}" if seg.doc else str(seg.index))
        if seg.doc:
            sub(tu, "prop", seg.doc, type="x-doc")
        sub(tu, "prop", str(seg.paragraph), type="x-paragraph")
        if seg.line is not None:
            sub(tu, "prop", str(seg.line), type="x-line")
        if seg.confidence is not None:
            sub(tu, "prop", confidence_text(seg), type="x-confidence")
        for issue in seg.qa:
            sub(tu, "prop", qa_message(issue), type="x-qa")
        for rec in seg.terms:
            sub(tu, "note", f"term: {term_summary(rec)}")
        for note in seg.notes:
            sub(tu, "note", note)
        for lang, text in ((meta.source_lang, seg.source), (meta.target_lang, seg.translation)):
            sub(sub(tu, "tuv", **{XML_LANG: lang}), "seg", text)
    stream.write(serialize(root))


def read(root: ET.Element, lines: dict[ET.Element, int], name: str, source_lang: str,
         target_lang: str) -> list[BilingualPair]:
    """A pair per ``<tu>`` that has a tuv in each language (``ko-KR`` counts as ``ko``)."""
    if local_name(root.tag) != "tmx":
        raise InputError(f"not TMX: the root element is <{local_name(root.tag)}>", name,
                         lines.get(root))
    pairs = []
    for tu in root.iter("tu"):
        segs: dict[str, ET.Element | None] = {}
        for tuv in tu.findall("tuv"):
            lang = tuv.get(XML_LANG) or tuv.get("lang")
            for want in (source_lang, target_lang):
                if want not in segs and is_lang(lang, want):
                    segs[want] = tuv.find("seg")
        if source_lang in segs and target_lang in segs:
            doc = next((p.text or "" for p in tu.findall("prop")
                        if p.get("type") == "x-doc"), "")
            pairs.append(BilingualPair(nfc(inline_text(segs[source_lang])),
                                       nfc(inline_text(segs[target_lang])), lines.get(tu), doc))
    return pairs
