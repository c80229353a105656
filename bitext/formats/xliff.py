"""XLIFF 2.1 out (a ``<file>`` per document, a ``<unit>`` per paragraph, a ``<segment>`` per
sentence); XLIFF 2.x and 1.2 in, since vendors still deliver 1.2.

Glossary pairs go in the Glossary module so CAT tools show them; statuses go in
``<note category="terminology">`` because the module has no place for them.  QA findings go in
``<note category="qa" appliesTo="source|target">``. The confidence of each segment is an
``<mtc:match type="mt" matchQuality="83.0">`` (Translation Candidates module, 0-100) that
repeats the segment's source and target, as the module requires. A segment with a QA error keeps
``state="translated"`` (it is translated) with ``subState="koen:qa-error"``: the spec's own
hook for a tool's finer status (a ``prefix:value`` that needs ``state`` set), which CAT tools
can filter on without us inventing a state.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from itertools import groupby
from typing import TextIO

from bitext.errors import InputError
from bitext.formats.common import (
    TOOL,
    BilingualPair,
    Meta,
    has_qa_error,
    nfc,
    paragraphs,
    qa_message,
    term_summary,
)
from bitext.records import AlignedSegment
from bitext.states import NOT_SEGMENTS, SDL_NS, Signals, classify, xliff1_signals, xliff2_signals
from bitext.xmlio import XML_SPACE, inline_text, is_lang, local_name, serialize, sub

NAME = "xliff"
EXTENSIONS = (".xlf", ".xliff", ".sdlxliff", ".mqxliff")   # written as .xlf
XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
XLIFF1_NS = "urn:oasis:names:tc:xliff:document:1.2"
GLS_NS = "urn:oasis:names:tc:xliff:glossary:2.0"
MTC_NS = "urn:oasis:names:tc:xliff:matches:2.0"
QA_SUBSTATE = "koen:qa-error"
ET.register_namespace("", XLIFF_NS)
ET.register_namespace("gls", GLS_NS)
ET.register_namespace("mtc", MTC_NS)


def _x(tag: str) -> str:
    return f"{{{XLIFF_NS}}}{tag}"


def write(segments: list[AlignedSegment], stream: TextIO, meta: Meta) -> None:
    if not segments:
        raise ValueError("XLIFF needs at least one segment (a <file> needs a <unit>)")
    root = ET.Element(_x("xliff"), version="2.1", srcLang=meta.source_lang,
                      trgLang=meta.target_lang)
    for f_no, (doc, group) in enumerate(groupby(segments, key=lambda s: s.doc), 1):
        file = sub(root, _x("file"), id=f"f{f_no}", **({"original": doc} if doc else {}))
        for u_no, (_, para, segs) in enumerate(paragraphs(group), 1):
            unit = sub(file, _x("unit"), id=f"u{u_no}", name=f"paragraph {para}")
            _unit_terms(unit, segs)
            for seg in segs:
                flag = {"subState": QA_SUBSTATE} if has_qa_error(seg) else {}
                s = sub(unit, _x("segment"), id=f"s{seg.index}", state="translated", **flag)
                space = {XML_SPACE: "preserve"}
                sub(s, _x("source"), seg.source, **space)
                sub(s, _x("target"), seg.translation, **space)
    stream.write(serialize(root))


def _unit_terms(unit: ET.Element, segs: list[AlignedSegment]) -> None:
    """Unit content before the segments, in the schema's order: module elements, notes."""
    records = [(seg, r) for seg in segs for r in seg.terms]
    pairs = dict.fromkeys((r.source, r.target) for _, r in records)
    if pairs:
        glossary = sub(unit, f"{{{GLS_NS}}}glossary")
        for source, target in pairs:
            entry = sub(glossary, f"{{{GLS_NS}}}glossEntry")
            sub(entry, f"{{{GLS_NS}}}term", source, source="glossary")
            sub(entry, f"{{{GLS_NS}}}translation", target, source="glossary")
    scored = [seg for seg in segs if seg.confidence is not None]
    if scored:      # the Translation Candidates module: the machine translation and its quality
        matches = sub(unit, f"{{{MTC_NS}}}matches")
        for seg in scored:
            match = sub(matches, f"{{{MTC_NS}}}match", ref=f"#s{seg.index}", type="mt",
                        origin=TOOL, matchQuality=f"{100 * (seg.confidence or 0.0):.1f}")
            space = {XML_SPACE: "preserve"}
            sub(match, _x("source"), seg.source, **space)
            sub(match, _x("target"), seg.translation, **space)
    notes: list[tuple[str, dict[str, str]]] = [
        (f"s{seg.index}: {term_summary(r)}", {"category": "terminology"}) for seg, r in records]
    notes += [(f"s{seg.index}: {n}", {"category": "warning"}) for seg in segs for n in seg.notes]
    notes += [(f"s{seg.index}: {qa_message(q)}", {"category": "qa", "appliesTo": q.side})
              for seg in segs for q in seg.qa]
    if notes:
        holder = sub(unit, _x("notes"))
        for n_no, (text, attrs) in enumerate(notes, 1):
            sub(holder, _x("note"), text, id=f"n{n_no}", **attrs)


# --------------------------------------------------------------------------- reading

Units = Iterator[tuple[ET.Element | None, ET.Element | None, ET.Element, Signals]]


def read(root: ET.Element, lines: dict[ET.Element, int], name: str, source_lang: str,
         target_lang: str) -> list[BilingualPair]:
    """XLIFF 2.x segments or XLIFF 1.2 trans-units; a file going en→ko is read swapped.

    A file in other languages is refused (the caller's languages say what is expected);
    units marked ``translate="no"`` and whitespace-only ones are not segments; a target
    still to be translated comes back with ``untranslated`` set (see ``bitext.states``)."""
    if local_name(root.tag) != "xliff":
        raise InputError(f"not XLIFF: the root element is <{local_name(root.tag)}>", name,
                         lines.get(root))
    ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    v2 = ns == XLIFF_NS or (root.get("version", "").startswith("2") and ns != XLIFF1_NS)
    q: Callable[[str], str] = (lambda t: f"{{{ns}}}{t}") if ns else (lambda t: t)
    pairs = []
    for file in root.iter(q("file")):
        langs = ((root.get("srcLang"), root.get("trgLang")) if v2 else
                 (file.get("source-language"), file.get("target-language")))
        swap = check_languages(langs, source_lang, target_lang, name, lines.get(file))
        doc = file.get("original") or ""
        units = _segments_v2(file, q) if v2 else _segments_v1(file, q)
        for src, tgt, elem, signals in units:
            source, target = nfc(inline_text(src)), nfc(inline_text(tgt))
            verdict = classify(source, None if tgt is None else target, signals,
                               source_lang=source_lang)
            if verdict.reason in NOT_SEGMENTS:
                continue
            # no Korean (``OLED TV``) and no target: untranslated too, not an omission
            untranslated = verdict.untranslated or not target.strip()
            if swap:
                source, target = target, source
            pairs.append(BilingualPair(source, target, lines.get(elem), doc,
                                       untranslated=untranslated and not swap))
    return pairs


def check_languages(langs: tuple[str | None, str | None], source_lang: str,
                    target_lang: str, name: str, line: int | None) -> bool:
    """Whether the file goes target→source (read swapped); other languages are an error."""
    src, tgt = langs
    if src is None or (is_lang(src, source_lang) and (tgt is None or is_lang(tgt, target_lang))):
        return False
    if is_lang(src, target_lang) and tgt is not None and is_lang(tgt, source_lang):
        return True
    raise InputError(f"this XLIFF file is {src}→{tgt or '?'}, not {source_lang}→{target_lang}; "
                     "name its languages with --source-lang/--target-lang to read it anyway",
                     name, line)


def _not_translatable(container: ET.Element) -> set[ET.Element]:
    """Elements under (or being) a ``translate="no"`` file, group or unit."""
    off: set[ET.Element] = set()
    for elem in container.iter():
        if elem.get("translate") == "no" and elem not in off:
            off.update(elem.iter())
    return off


def _segments_v2(file: ET.Element, q: Callable[[str], str]) -> Units:
    """(source, target, element for the line) per ``<segment>``; ``<ignorable>`` skipped."""
    off = _not_translatable(file)
    for seg in file.iter(q("segment")):
        yield (seg.find(q("source")), seg.find(q("target")), seg,
               xliff2_signals(seg.attrib, translate=seg not in off))


def _segments_v1(file: ET.Element, q: Callable[[str], str]) -> Units:
    """Per ``<trans-unit>``; when it has ``<seg-source>``, per ``<mrk mtype="seg">``."""
    off = _not_translatable(file)
    for tu in file.iter(q("trans-unit")):
        seg_source, target = tu.find(q("seg-source")), tu.find(q("target"))
        sdl = {s.get("id"): s.attrib for s in tu.iter(f"{{{SDL_NS}}}seg")}
        target_attrs = None if target is None else target.attrib
        marks = [] if seg_source is None else [
            m for m in seg_source.iter(q("mrk")) if m.get("mtype") == "seg"]
        if not marks:
            yield tu.find(q("source")), target, tu, xliff1_signals(
                tu.attrib, target_attrs, next(iter(sdl.values()), None), translate=tu not in off)
            continue
        targets = {} if target is None else {
            m.get("mid"): m for m in target.iter(q("mrk")) if m.get("mtype") == "seg"}
        for mrk in marks:
            mid = mrk.get("mid")
            yield mrk, targets.get(mid), tu, xliff1_signals(
                tu.attrib, target_attrs, sdl.get(mid), translate=tu not in off)
