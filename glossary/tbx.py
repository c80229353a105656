"""TBX-Basic (ISO 30042:2019, DCA style) export and import: the lossless interchange form.

One ``conceptEntry`` per term.  The Korean ``langSec`` holds the headword
(``preferredTerm-admn-sts``) and its variants (``admittedTerm-admn-sts``); the English one
holds the target (preferred) and the forbidden renderings (``deprecatedTerm-admn-sts``, the
status terminology tools show as "do not use").  The term's note is the concept's ``<note>``;
each example sentence is a standard ``<descrip type="context">`` on the Korean headword.

What TBX-Basic has no data category for is kept as ``<note>`` text that other tools show
to a person and this importer reads back, so YAML → TBX → YAML is identical:

* context rules: Korean ``langSec`` notes ``when: ["…"]`` / ``unless: ["…"]`` (JSON lists);
* ``compounds: false`` (match only as a word of its own): a Korean ``langSec`` note of
  exactly that text;
* an example's expected translation / terms: headword ``termSec`` note
  ``example N: {"translation": …, "contains": […]}`` (N counts the context descrips).

Import also reads TBX from other tools (TBX v2 ``martif``/``termEntry``/``langSet``/``tig``
too); English terms that are neither preferred nor deprecated have no place in the YAML
form and are dropped.  Untrusted XML goes through :func:`bitext.xmlio.parse_xml`
(defusedxml, no DOCTYPE, no entities).
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

from bitext.errors import InputError
from bitext.files import read_bytes
from bitext.xmlio import XML_LANG, local_name, parse_xml, serialize, sub
from glossary.model import Context, Example, Term, nfc

TBX_NS = "urn:iso:std:iso:30042:ed-2"
STATUS = "administrativeStatus"
PREFERRED, ADMITTED, DEPRECATED = ("preferredTerm-admn-sts", "admittedTerm-admn-sts",
                                   "deprecatedTerm-admn-sts")
FORBIDDEN_STATUSES = {DEPRECATED, "supersededTerm-admn-sts", "forbidden", "obsolete",
                      "deprecatedTerm", "supersededTerm"}
CONTEXT_NOTE = re.compile(r"^(when|unless): (\[.*\])$", re.S)
EXAMPLE_NOTE = re.compile(r"^example (\d+): (\{.*\})$", re.S)
NO_COMPOUNDS_NOTE = "compounds: false"
GENERATOR = "koen-terminology glossary export"
ORIGIN = "a koen-terminology YAML glossary"
TITLE, DESCRIPTION = "title", "description"     # ``<p type="…">`` in ``sourceDesc``


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _term_sec(lang_sec: ET.Element, term: str, status: str) -> ET.Element:
    sec = sub(lang_sec, "termSec")
    sub(sec, "term", term)
    sub(sec, "termNote", status, type=STATUS)
    return sec


def to_tbx(terms: Iterable[Term], name: str | None = None, description: str | None = None,
           source_lang: str = "ko", target_lang: str = "en") -> bytes:
    """TBX-Basic document (UTF-8 bytes) for the terms."""
    # Unqualified tags plus a literal default-namespace attribute: the output reads as the
    # spec's examples do (no ns0: prefixes).
    root = ET.Element("tbx", {"type": "TBX-Basic", "style": "dca", XML_LANG: target_lang,
                              "xmlns": TBX_NS})
    # The header both schemas accept (the TBX core RelaxNG wants publicationStmt before
    # titleStmt, TBX-Basic the opposite, and both a sourceDesc): publicationStmt, then one
    # sourceDesc holding the title and description as typed paragraphs.
    file_desc = sub(sub(root, "tbxHeader"), "fileDesc")
    sub(sub(file_desc, "publicationStmt"), "p", GENERATOR)
    source_desc = sub(file_desc, "sourceDesc")
    if name:
        sub(source_desc, "p", name, type=TITLE)
    if description:
        sub(source_desc, "p", description, type=DESCRIPTION)
    if not name and not description:
        sub(source_desc, "p", ORIGIN)
    body = sub(sub(root, "text"), "body")
    for number, term in enumerate(terms, start=1):
        entry = sub(body, "conceptEntry", id=f"c{number}")
        if term.note is not None:
            sub(entry, "note", term.note)
        ko = sub(entry, "langSec", **{XML_LANG: source_lang})
        for key in ("when", "unless"):
            words = getattr(term.context, key)
            if words:
                sub(ko, "note", f"{key}: {_json(list(words))}")
        if not term.compounds:
            sub(ko, "note", NO_COMPOUNDS_NOTE)
        head = _term_sec(ko, term.source, PREFERRED)
        for example in term.examples:
            sub(head, "descrip", example.source, type="context")
        for index, example in enumerate(term.examples, start=1):
            extra: dict[str, str | list[str]] = {}
            if example.translation is not None:
                extra["translation"] = example.translation
            if example.contains:
                extra["contains"] = list(example.contains)
            if extra:
                sub(head, "note", f"example {index}: {_json(extra)}")
        for variant in term.variants:
            _term_sec(ko, variant, ADMITTED)
        en = sub(entry, "langSec", **{XML_LANG: target_lang})
        _term_sec(en, term.target, PREFERRED)
        for bad in term.forbidden:
            _term_sec(en, bad, DEPRECATED)
    return serialize(root).encode("utf-8")


# --------------------------------------------------------------------------- import

def _children(elem: ET.Element, *names: str) -> list[ET.Element]:
    return [c for c in elem if local_name(c.tag) in names]


def _text(elem: ET.Element | None) -> str:
    return "".join(elem.itertext()) if elem is not None else ""


def _lang(elem: ET.Element) -> str:
    return (elem.get(XML_LANG) or elem.get("lang") or "").lower()


def _status(term_sec: ET.Element) -> str | None:
    for note in _children(term_sec, "termNote", "termGrp"):
        if note.get("type") == STATUS:
            return _text(note).strip()
    return None


def _lang_terms(lang_sec: ET.Element) -> tuple[str | None, list[str], list[str], ET.Element | None]:
    """(preferred term, admitted terms, forbidden terms, the preferred termSec)."""
    preferred, head, admitted, forbidden = None, None, [], []
    for sec in _children(lang_sec, "termSec", "tig", "ntig"):
        term_elem = next((e for e in sec.iter() if local_name(e.tag) == "term"), None)
        term = _text(term_elem)
        if not term.strip():
            continue
        status = _status(sec)
        if status in FORBIDDEN_STATUSES:
            forbidden.append(term)
        elif preferred is None and status in (PREFERRED, None, "preferredTerm"):
            preferred, head = term, sec
        else:
            admitted.append(term)
    if preferred is None and admitted:
        preferred = admitted.pop(0)
    return preferred, admitted, forbidden, head


def _lang_sec(entry: ET.Element, lang: str) -> ET.Element | None:
    return next((s for s in _children(entry, "langSec", "langSet")
                 if _lang(s).split("-")[0] == lang), None)


def _entry_to_term(entry: ET.Element, lines: dict, name: str, source_lang: str,
                   target_lang: str) -> Term:
    line = lines.get(entry)
    ko, en = _lang_sec(entry, source_lang), _lang_sec(entry, target_lang)
    if ko is None or en is None:
        raise InputError(f"concept entry without both a {source_lang!r} and a {target_lang!r} "
                         "language section", name, line)
    source, variants, _, head = _lang_terms(ko)
    target, _, forbidden, _ = _lang_terms(en)
    if not source or not target:
        raise InputError("concept entry without a source or target term", name, line)
    context: dict[str, tuple[str, ...]] = {}
    compounds = True
    for note in _children(ko, "note"):
        m = CONTEXT_NOTE.match(_text(note))
        if m:
            context[m.group(1)] = tuple(json.loads(m.group(2)))
        compounds = compounds and _text(note).strip() != NO_COMPOUNDS_NOTE
    examples = []
    if head is not None:
        sentences = [_text(d) for d in head.iter() if local_name(d.tag) == "descrip"
                     and d.get("type") == "context"]
        extras: dict[int, dict] = {}
        for note in _children(head, "note"):
            m = EXAMPLE_NOTE.match(_text(note))
            if m:
                extras[int(m.group(1))] = json.loads(m.group(2))
        for index, sentence in enumerate(sentences, start=1):
            extra = extras.get(index, {})
            examples.append(Example(nfc(sentence.strip()), extra.get("translation"),
                                    tuple(extra.get("contains", ()))))
    notes = [_text(n) for n in _children(entry, "note")]
    if not notes:
        notes = [_text(d) for d in entry.iter() if local_name(d.tag) == "descrip"
                 and d.get("type") == "definition"][:1]
    return Term(source=nfc(source.strip()), target=nfc(target.strip()),
                variants=tuple(nfc(v.strip()) for v in variants),
                forbidden=tuple(nfc(f.strip()) for f in forbidden),
                note="\n".join(notes).strip() if notes else None,
                context=Context(**context), examples=tuple(examples), compounds=compounds)


def read_tbx(path: str | Path, source_lang: str = "ko", target_lang: str = "en",
             warnings: list[InputError] | None = None
             ) -> tuple[list[Term], str | None, str | None]:
    """Terms, title and description of a TBX file; DOCTYPE/entities refused.

    A multilingual termbase often has concepts without one of the two languages (a
    German-French entry in a ko/en/de/fr file): those are skipped, each with a warning
    appended to ``warnings``, rather than refusing the whole file.
    """
    name = str(path)
    root, lines = parse_xml(read_bytes(path), name)
    if local_name(root.tag) not in ("tbx", "martif"):
        raise InputError(f"not a TBX file (root element <{local_name(root.tag)}>)", name,
                         lines.get(root))
    entries = [e for e in root.iter() if local_name(e.tag) in ("conceptEntry", "termEntry")]
    if not entries:
        raise InputError("no concept entries in this TBX file", name)
    source_lang, target_lang = source_lang.lower(), target_lang.lower()
    terms = []
    for entry in entries:
        missing = [lang for lang in (source_lang, target_lang) if _lang_sec(entry, lang) is None]
        if missing:
            if warnings is not None:
                warnings.append(InputError(
                    f"skipped a concept entry without a {' or '.join(map(repr, missing))} "
                    "language section", name, lines.get(entry)))
            continue
        terms.append(_entry_to_term(entry, lines, name, source_lang, target_lang))
    if not terms:
        raise InputError(f"no concept entry has both a {source_lang!r} and a {target_lang!r} "
                         "language section", name)
    title, description = _header(root)
    return terms, title, description


def _header(root: ET.Element) -> tuple[str | None, str | None]:
    """Title and description: this exporter's typed ``sourceDesc`` paragraphs, else (other
    tools) a ``titleStmt/title`` and the ``sourceDesc`` text."""
    header = next((e for e in root if local_name(e.tag) in ("tbxHeader", "martifHeader")), None)
    if header is None:
        return None, None
    source_desc = next((e for e in header.iter() if local_name(e.tag) == "sourceDesc"), None)
    paragraphs = _children(source_desc, "p") if source_desc is not None else []
    typed = {p.get("type"): _text(p).strip() for p in paragraphs if p.get("type")}
    if TITLE in typed or DESCRIPTION in typed:
        return typed.get(TITLE) or None, typed.get(DESCRIPTION) or None
    title = next((_text(e) for e in header.iter() if local_name(e.tag) == "title"), None)
    description = _text(source_desc).strip() or None if source_desc is not None else None
    return title, description
