"""Readers of existing bilingual files for ``glossary check``: TSV, TMX, XLIFF, JSONL.

The translations may be human ones from a vendor, so the files are untrusted: XML is parsed
only by defusedxml with DTDs refused outright (no XXE, no entity bombs), and every problem
becomes an :class:`InputError` naming the file and line, because the person fixing it has
the file open in an editor.
"""
from __future__ import annotations

import json
import os
import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Callable

from glossary.errors import InputError
from glossary.files import format_from_extension, read_bytes, decode
from glossary.xmlio import XML_LANG, local_name, parse_xml

XLIFF1_NS = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF2_NS = "urn:oasis:names:tc:xliff:document:2.0"
READ_FORMATS = ("tsv", "tmx", "xliff", "jsonl")

# Inline elements whose content is native markup (``<b>``, ``{1}``), not translatable text:
# their text is skipped, their tails (the text after them) kept.  TMX ``<sub>`` is a
# sub-flow of such code (an alt attribute, say), so it is skipped as well.
CODE_ELEMENTS = frozenset({"bpt", "ept", "ph", "it", "ut", "sub"})

SOURCE_NAMES = frozenset({"source", "src", "ko", "korean", "한국어", "원문"})
TARGET_NAMES = frozenset({"translation", "target", "tgt", "en", "english", "영어", "번역",
                          "번역문"})
OUR_HEADER = ("index", "source", "translation", "terms")


@dataclass(frozen=True)
class BilingualPair:
    source: str
    translation: str
    line: int | None = None     # 1-based line in the bilingual file, for messages
    doc: str = ""               # document named inside the file ("" when it names none)


def read_bilingual(path: str | os.PathLike, fmt: str | None = None, *,
                   source_lang: str = "ko", target_lang: str = "en") -> list[BilingualPair]:
    """Source/translation pairs of a bilingual file, NFC-normalised, in file order.

    ``fmt`` is one of :data:`READ_FORMATS`; without it the extension decides, and failing
    that the first character (``<`` XML, ``{`` JSONL, else TSV).  The language codes only
    matter for TMX and XLIFF, which name the language of each side.
    """
    name = str(path)
    data = read_bytes(path)
    fmt = (fmt or format_from_extension(path) or _sniff(data)).lower()
    if fmt not in READ_FORMATS:
        raise InputError(f"cannot read {fmt!r} as a bilingual file (choose from "
                         f"{', '.join(READ_FORMATS)})", name)
    if fmt in ("tsv", "jsonl"):
        text = decode(data, name).text
        return (_read_tsv if fmt == "tsv" else _read_jsonl)(text, name)
    root, lines = parse_xml(data, name)
    reader = _read_tmx if fmt == "tmx" else _read_xliff
    pairs = reader(root, lines, name, source_lang.lower(), target_lang.lower())
    if not pairs:
        raise InputError(f"no {source_lang}/{target_lang} segment pairs in this {fmt} file",
                         name)
    return pairs


def _sniff(data: bytes) -> str:
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head == b"{":
        return "jsonl"
    if head == b"<":
        return "tmx" if re.search(rb"<tmx[\s>]", data[:4096]) else "xliff"
    return "tsv"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# --------------------------------------------------------------------------- TSV / JSONL

_TSV_UNESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


def tsv_unescape(cell: str) -> str:
    """Inverse of the writer's escaping; an unknown ``\\x`` stays as written."""
    return re.sub(r"\\(.)", lambda m: _TSV_UNESCAPES.get(m.group(1), m.group()), cell)


def _read_tsv(text: str, name: str) -> list[BilingualPair]:
    """Two columns (source, translation), or the columns a header row names.

    Our own TSV (header ``index source translation terms``) is unescaped; other TSV is
    taken literally, since spreadsheets do not write backslash escapes.
    """
    rows = [(no, line.removesuffix("\r").split("\t"))
            for no, line in enumerate(text.split("\n"), 1) if line.strip()]
    src_col, tgt_col, ours = 0, 1, False
    if rows:
        cells = [c.strip().lower() for c in rows[0][1]]
        src = next((i for i, c in enumerate(cells) if c in SOURCE_NAMES), None)
        tgt = next((i for i, c in enumerate(cells) if c in TARGET_NAMES), None)
        if src is not None and tgt is not None:
            src_col, tgt_col, ours = src, tgt, tuple(cells[:4]) == OUR_HEADER
            rows = rows[1:]
    unescape: Callable[[str], str] = tsv_unescape if ours else (lambda c: c)
    need = max(src_col, tgt_col) + 1
    pairs = []
    for no, cells in rows:
        if len(cells) < need:
            raise InputError(f"expected at least {need} tab-separated columns, found "
                             f"{len(cells)}", name, no)
        pairs.append(BilingualPair(unescape(cells[src_col]), unescape(cells[tgt_col]), no))
    return pairs


def _read_jsonl(text: str, name: str) -> list[BilingualPair]:
    """Our JSONL (one ``AlignedSegment.to_dict()`` a line); only source/translation/doc used."""
    pairs = []
    for no, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"not JSON: {e.msg} (column {e.colno})", name, no) from None
        if not isinstance(d, dict) or not all(isinstance(d.get(k), str)
                                              for k in ("source", "translation")):
            raise InputError("a line needs string fields 'source' and 'translation'", name, no)
        pairs.append(BilingualPair(d["source"], d["translation"], no, str(d.get("doc") or "")))
    return pairs


def inline_text(elem: ET.Element | None) -> str:
    """Text of a ``<seg>``/``<source>``/``<target>``, with wrapping inline elements' text
    (``<hi>``, ``<g>``, ``<pc>``, ``<mrk>``), XLIFF 2 ``<cp hex>`` characters, and
    without the native code inside ``<bpt>``, ``<ph>`` and the like."""
    if elem is None:
        return ""
    parts = [elem.text or ""]
    for child in elem:
        local = local_name(child.tag)
        if local == "cp":
            try:
                parts.append(chr(int(child.get("hex", ""), 16)))
            except ValueError:
                pass
        elif local not in CODE_ELEMENTS:
            parts.append(inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _pair(src: ET.Element | None, tgt: ET.Element | None, line: int | None,
          doc: str) -> BilingualPair:
    return BilingualPair(_nfc(inline_text(src)), _nfc(inline_text(tgt)), line, doc)


# --------------------------------------------------------------------------- TMX

def _read_tmx(root: ET.Element, lines: dict, name: str, src_lang: str,
              tgt_lang: str) -> list[BilingualPair]:
    """A pair per ``<tu>`` that has a tuv in each language (``ko-KR`` counts as ``ko``)."""
    if local_name(root.tag) != "tmx":
        raise InputError(f"not TMX: the root element is <{local_name(root.tag)}>", name,
                         lines.get(root))
    pairs = []
    for tu in root.iter("tu"):
        segs: dict[str, ET.Element] = {}
        for tuv in tu.findall("tuv"):
            lang = (tuv.get(XML_LANG) or tuv.get("lang") or "").lower()
            for want in (src_lang, tgt_lang):
                if want not in segs and (lang == want or lang.startswith(want + "-")):
                    segs[want] = tuv.find("seg")
        if src_lang in segs and tgt_lang in segs:
            doc = next((p.text or "" for p in tu.findall("prop")
                        if p.get("type") == "x-doc"), "")
            pairs.append(_pair(segs[src_lang], segs[tgt_lang], lines.get(tu), doc))
    return pairs


# --------------------------------------------------------------------------- XLIFF

def _read_xliff(root: ET.Element, lines: dict, name: str, src_lang: str,
                tgt_lang: str) -> list[BilingualPair]:
    """XLIFF 2.x segments or XLIFF 1.2 trans-units; a file going en→ko is read swapped."""
    if local_name(root.tag) != "xliff":
        raise InputError(f"not XLIFF: the root element is <{local_name(root.tag)}>", name,
                         lines.get(root))
    ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    v2 = ns == XLIFF2_NS or (root.get("version", "").startswith("2") and ns != XLIFF1_NS)
    q = (lambda t: f"{{{ns}}}{t}") if ns else (lambda t: t)
    pairs = []
    for file in root.iter(q("file")):
        langs = ((root.get("srcLang"), root.get("trgLang")) if v2 else
                 (file.get("source-language"), file.get("target-language")))
        swap = _is_lang(langs[0], tgt_lang) and _is_lang(langs[1], src_lang)
        doc = file.get("original") or ""
        units = _xliff2_segments(file, q) if v2 else _xliff1_segments(file, q)
        for src, tgt, elem in units:
            if swap:
                src, tgt = tgt, src
            pairs.append(_pair(src, tgt, lines.get(elem), doc))
    return pairs


def _is_lang(code: str | None, want: str) -> bool:
    code = (code or "").lower()
    return code == want or code.startswith(want + "-")


def _xliff2_segments(file: ET.Element, q: Callable[[str], str]):
    """(source, target, element for the line) per ``<segment>``; ``<ignorable>`` skipped."""
    for seg in file.iter(q("segment")):
        yield seg.find(q("source")), seg.find(q("target")), seg


def _xliff1_segments(file: ET.Element, q: Callable[[str], str]):
    """Per ``<trans-unit>``; when it has ``<seg-source>``, per ``<mrk mtype="seg">``."""
    for tu in file.iter(q("trans-unit")):
        seg_source, target = tu.find(q("seg-source")), tu.find(q("target"))
        marks = [] if seg_source is None else [
            m for m in seg_source.iter(q("mrk")) if m.get("mtype") == "seg"]
        if not marks:
            yield tu.find(q("source")), target, tu
            continue
        targets = {} if target is None else {
            m.get("mid"): m for m in target.iter(q("mrk")) if m.get("mtype") == "seg"}
        for mrk in marks:
            yield mrk, targets.get(mrk.get("mid")), tu

