"""XLIFF 1.2 (``.xlf .xliff``, Trados ``.sdlxliff``, memoQ ``.mqxliff``) and 2.0/2.1:
pre-translation written back into the file the CAT tool gave, and nothing else changed.

Units are the translatable segments: a ``<trans-unit>``, or each ``<mrk mtype="seg">`` of its
``<seg-source>`` (Trados, Okapi), or each XLIFF 2 ``<segment>``. Inline elements become
:class:`~documents.model.Code`s whose data is their original XML, written back as it was:
``<g>``, ``<mrk>``, ``<pc>`` are pairs (their text is translated; a ``<mrk translate="no">``
or ``mtype="protected"`` is one code, its text kept); ``<bpt>/<ept>``,
``<bx/>/<ex/>``, ``<sc/>/<ec/>``, ``<sm/>/<em/>`` pair by ``rid``/``id``/``startRef`` where
they nest (else each is a lone code); ``<x/>``, ``<ph>``, ``<it>``, ``<cp/>``, comments and
anything unknown are lone codes.

Which units are filled is :func:`bitext.states.classify`'s call (shared with ``glossary
check``). On a filled unit the file gets what a CAT tool reads as "machine translation, to
review" (``bitext.states`` names the values):

- XLIFF 1.2: ``<target state="needs-review-translation" state-qualifier="mt-suggestion">``;
- XLIFF 2: ``<segment state="translated" subState="koen:mt">`` (``koen:qa-error`` when a
  QA error was found), and ``trgLang`` on ``<xliff>`` if it had none;
- memoQ: ``mq:status="MachineTranslated"`` on the ``<trans-unit>``;
- Trados: ``conf="Draft" origin="mt"`` on the segment's ``<sdl:seg>``;
- terms, QA findings and the confidence (the unit's least confident sentence) as notes: 1.2
  ``<note from="koen-terminology" annotates="target">`` after the target, 2.x
  ``<note category="terminology|qa|confidence">`` in the unit's ``<notes>``.

Writing splices into the file's own text (:mod:`bitext.xmlspans`) rather than serialising a
tree: prefixes, attribute order and quotes, whitespace, comments, the DOCTYPE, the encoding
and its byte-order mark stay byte for byte (a serialiser keeps some of these, never all).
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count

from bitext.errors import InputError
from bitext.formats.common import qa_message, term_summary
from bitext.formats.xliff import XLIFF1_NS, XLIFF_NS
from bitext.states import (
    MEMOQ_FILLED,
    MQ_NS,
    SDL_NS,
    TRADOS_FILLED,
    XLIFF1_FILLED,
    XLIFF2_FILLED,
    Signals,
    classify,
    xliff1_signals,
    xliff2_signals,
)
from bitext.xmlio import is_lang
from bitext.xmlspans import (
    Node,
    Raw,
    SpanDocument,
    escape_text,
    parse_spans,
    set_attributes,
    splice,
)
from documents.model import Code, CodeKind, Content, DocumentOptions, Unit, UnitState, plain_text

EXTENSIONS = (".xlf", ".xliff", ".sdlxliff", ".mqxliff")
NOTE_FROM = "koen-terminology"
MT_SUBSTATE, QA_SUBSTATE = "koen:mt", "koen:qa-error"
PAIRED = frozenset({"g", "mrk", "pc"})
OPENERS = {"bpt": "bpt", "bx": "bx", "sc": "sc", "sm": "sm"}     # local → pairing family
CLOSERS = {"ept": "bpt", "ex": "bx", "ec": "sc", "em": "sm"}
_WS = re.compile(r"\s*\Z")


# --------------------------------------------------------------------------- reading

@dataclass
class _Slot:
    """Where a unit's target goes (``Unit.handle``)."""

    unit: Node                     # <trans-unit> (1.2) or <unit> (2.x)
    source: Node                   # <source>, the <mrk mtype="seg">, or the segment's <source>
    target: Node | None            # the target (or the target's <mrk>) when there is one
    segment: Node | None = None    # 2.x <segment>
    mid: str | None = None         # the seg-source mrk's id
    sdl_seg: Node | None = None    # Trados <sdl:seg> of this segment
    lead: str = ""                 # whitespace around the text, kept outside the translation
    trail: str = ""


@dataclass
class XliffDocument:
    name: str
    spans: SpanDocument
    version: int                                 # 1 (1.2) or 2 (2.0/2.1)
    target_lang: str
    units: list[Unit] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    format: str = "xliff"

    def render(self) -> bytes:
        return self.spans.render(_Writer(self).edits())


def read(data: bytes, name: str, options: DocumentOptions) -> XliffDocument:
    spans = parse_spans(data, name)
    root = spans.root
    if root.local != "xliff":
        raise InputError(f"not XLIFF: the root element is <{root.local}>", name, root.line)
    ns = root.namespace
    version = 2 if ns == XLIFF_NS or (ns != XLIFF1_NS and
                                      (root.get("version") or "").startswith("2")) else 1
    want_src = (options.source_lang or "ko").lower()
    want_tgt = (options.target_lang or "en").lower()
    doc = XliffDocument(name, spans, version, options.target_lang or "en")
    if version == 2:
        _check_languages(root.get("srcLang"), root.get("trgLang"), want_src, want_tgt, name,
                         root.line)
    for file in root.iter("file"):
        if version == 1:
            _check_languages(file.get("source-language"), file.get("target-language"),
                             want_src, want_tgt, name, file.line)
        places = _units_v2(file) if version == 2 else _units_v1(file, doc)
        for slot, unit_id, signals in places:
            doc.units.append(_unit(slot, unit_id, signals, spans, options, want_src))
    return doc


def _check_languages(src: str | None, tgt: str | None, want_src: str, want_tgt: str,
                     name: str, line: int) -> None:
    if (src is None or is_lang(src, want_src)) and (tgt is None or is_lang(tgt, want_tgt)):
        return
    raise InputError(f"this XLIFF file is {src or '?'}→{tgt or '?'}, not {want_src}→{want_tgt}; "
                     "name its languages with --source-lang/--target-lang to translate it "
                     "anyway", name, line)


def _translatable(node: Node) -> bool:
    """No ``translate="no"`` on the node or a file/group/unit around it."""
    return all(n.get("translate") != "no" for n in (node, *node.ancestors()))


def _units_v1(file: Node, doc: XliffDocument) -> Iterator[tuple[_Slot, str, Signals]]:
    for tu in file.iter("trans-unit"):
        source, seg_source, target = tu.find("source"), tu.find("seg-source"), tu.find("target")
        if source is None:
            raise InputError("<trans-unit> without <source>", doc.name, tu.line)
        sdl = {s.get("id"): s for s in tu.iter("seg") if s.namespace == SDL_NS}
        target_attrs = None if target is None else target.attrib
        translate = _translatable(tu)
        unit_id = tu.get("id") or ""
        marks = [] if seg_source is None else [
            m for m in seg_source.iter("mrk") if m.get("mtype") == "seg"]
        if not marks:
            only = next(iter(sdl.values()), None)
            yield (_Slot(tu, source, target, sdl_seg=only), unit_id,
                   xliff1_signals(tu.attrib, target_attrs,
                                  None if only is None else only.attrib, translate=translate))
            continue
        _check_segments(marks, doc.name)
        target_marks = {} if target is None else {
            m.get("mid"): m for m in target.iter("mrk") if m.get("mtype") == "seg"}
        for mrk in marks:
            mid = mrk.get("mid") or ""
            seg = sdl.get(mid)
            signals = xliff1_signals(tu.attrib, target_attrs,
                                     None if seg is None else seg.attrib, translate=translate)
            if target is not None and mid not in target_marks:
                doc.warnings.append(f"line {mrk.line}: segment {mid} of unit {unit_id} has no "
                                    "<mrk> in the target; left alone")
                signals = Signals(signals.progress, False, signals.locked)
            yield (_Slot(tu, mrk, target_marks.get(mid), mid=mid, sdl_seg=seg),
                   f"{unit_id}:{mid}", signals)


def _check_segments(marks: list[Node], name: str) -> None:
    """Segment markers are matched between seg-source and target by ``mid``: each needs
    one, unique in its unit, and none inside another (the target's text would go to the
    wrong segment, or two edits would overlap)."""
    seen: set[str] = set()
    for mrk in marks:
        mid = mrk.get("mid")
        if not mid:
            raise InputError('<mrk mtype="seg"> without a mid', name, mrk.line)
        if mid in seen:
            raise InputError(f'two <mrk mtype="seg"> with mid {mid!r} in one trans-unit', name,
                             mrk.line)
        if any(a.local == "mrk" and a.get("mtype") == "seg" for a in mrk.ancestors()):
            raise InputError('<mrk mtype="seg"> inside another segment', name, mrk.line)
        seen.add(mid)


def _units_v2(file: Node) -> Iterator[tuple[_Slot, str, Signals]]:
    for unit in file.iter("unit"):
        translate = _translatable(unit)
        for segment in unit.children():
            if segment.local != "segment":
                continue
            source = segment.find("source")
            if source is None:
                continue
            seg_id = segment.get("id")
            unit_id = unit.get("id") or ""
            yield (_Slot(unit, source, segment.find("target"), segment=segment),
                   f"{unit_id}:{seg_id}" if seg_id else unit_id,
                   xliff2_signals(segment.attrib, translate=translate))


def _unit(slot: _Slot, unit_id: str, signals: Signals, spans: SpanDocument,
          options: DocumentOptions, source_lang: str) -> Unit:
    source = content_of(slot.source, spans)
    target = None if slot.target is None else plain_text(content_of(slot.target, spans))
    verdict = classify(plain_text(source), target, signals, source_lang=source_lang,
                       overwrite=options.overwrite)
    slot.lead, source, slot.trail = _strip(source)
    state = UnitState(verdict.disposition.value)
    return Unit(id=unit_id, source=source, line=slot.source.line, column=slot.source.column,
                state=state, reason="" if state is UnitState.FILL else verdict.reason,
                handle=slot)


def _strip(content: Content) -> tuple[str, Content, str]:
    """Leading and trailing whitespace of a content, kept apart from the text to translate."""
    parts = list(content)
    lead = trail = ""
    if parts and isinstance(parts[0], str):
        text = parts[0]
        lead, parts[0] = text[:len(text) - len(text.lstrip())], text.lstrip()
    if parts and isinstance(parts[-1], str):
        text = parts[-1]
        parts[-1], trail = text.rstrip(), text[len(text.rstrip()):]
    return lead, tuple(p for p in parts if p != ""), trail


def content_of(node: Node, spans: SpanDocument) -> Content:
    """The text and codes inside ``node`` (walked without recursion).

    Pairs that would not nest (a ``<bpt>`` closed by an ``<ept>`` across a ``<g>``, legal in
    1.2) become lone codes: every code still goes back, only not as a pair."""
    ids = count(1)
    out: list[str | list] = []                 # codes as [kind, data, id] until fixed
    open_stack: list[tuple[list, tuple[str, str]]] = []
    walk: list[tuple[Node, int]] = [(node, 0)]
    while walk:
        current, index = walk.pop()
        if index >= len(current.content):
            if current is not node:            # the end tag of a wrapping element
                _close_pair(out, open_stack, ("paired", str(id(current))),
                            spans.end_tag(current))
            continue
        walk.append((current, index + 1))
        item = current.content[index]
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, Raw):
            out.append([CodeKind.ISOLATED, spans.raw(item.start, item.end), str(next(ids))])
        elif item.local == "mrk" and (item.get("translate") == "no" or
                                      item.get("mtype") == "protected"):
            # text the file says must not be translated: one opaque code, kept as it is
            out.append([CodeKind.ISOLATED, spans.outer(item), str(next(ids))])
        elif item.local in PAIRED and not item.empty and item.get("mtype") != "seg":
            code = [CodeKind.OPEN, spans.start_tag(item), str(next(ids))]
            out.append(code)
            open_stack.append((code, ("paired", str(id(item)))))
            walk.append((item, 0))
        elif item.local in OPENERS and item.get("isolated") != "yes":
            code = [CodeKind.OPEN, spans.outer(item), str(next(ids))]
            out.append(code)
            key = item.get("rid") or item.get("id") or ""
            open_stack.append((code, (OPENERS[item.local], key)))
        elif item.local in CLOSERS and item.get("isolated") != "yes":
            key = item.get("startRef") or item.get("rid") or item.get("id") or ""
            family = CLOSERS[item.local]
            if open_stack and open_stack[-1][1] == (family, key):
                code, _ = open_stack.pop()
                out.append([CodeKind.CLOSE, spans.outer(item), code[2]])
            else:
                out.append([CodeKind.ISOLATED, spans.outer(item), str(next(ids))])
        else:
            out.append([CodeKind.ISOLATED, spans.outer(item), str(next(ids))])
    for code, _ in open_stack:                 # openers never closed
        code[0] = CodeKind.ISOLATED
    return tuple(p if isinstance(p, str) else Code(p[2], p[0], p[1]) for p in out)


def _close_pair(out: list, open_stack: list, key: tuple[str, str], data: str) -> None:
    while open_stack and open_stack[-1][1] != key:
        open_stack.pop()[0][0] = CodeKind.ISOLATED     # an opener closed by nothing inside
    code, _ = open_stack.pop()
    out.append([CodeKind.CLOSE, data, code[2]])


# --------------------------------------------------------------------------- writing

def render_content(content: Content) -> str:
    return "".join(p.data if isinstance(p, Code) else escape_text(p) for p in content)


def _prefix(start_tag: str) -> str:
    """``xlf:`` of ``<xlf:source …>``, or ``""``."""
    match = re.match(r"<([^\s/>:]+:)?", start_tag)
    return (match.group(1) or "") if match else ""


def _space_attr(start_tag: str) -> str:
    match = re.search(r"""\sxml:space\s*=\s*(["'])(.*?)\1""", start_tag)
    return f' xml:space="{match.group(2)}"' if match else ""


def _indent(parent: Node, child: Node) -> str:
    """The whitespace written before ``child`` in ``parent`` (to line up a new sibling)."""
    at = parent.content.index(child)
    before = parent.content[at - 1] if at else ""
    return before if isinstance(before, str) and not before.strip() else ""


def _open(spans: SpanDocument, node: Node, attrs: dict[str, str]) -> str:
    """``node``'s start tag with ``attrs`` set, written open (``<x …/>`` → ``<x …>``)."""
    tag = set_attributes(spans.start_tag(node), attrs)
    return tag[:-2].rstrip() + ">" if tag.endswith("/>") else tag


def _qname(spans: SpanDocument, node: Node, namespace: str, local: str) -> str | None:
    """The prefixed name an attribute in ``namespace`` is written with on ``node``, looked
    up from the ``xmlns:`` declarations around it."""
    for n in (node, *node.ancestors()):
        for found in re.finditer(r"""\sxmlns:([^\s=]+)\s*=\s*(["'])(.*?)\2""",
                                 spans.start_tag(n)):
            if found.group(3) == namespace:
                return f"{found.group(1)}:{local}"
    return None


class _Writer:
    """The edits that write every filled unit of a document back."""

    def __init__(self, doc: XliffDocument) -> None:
        self.doc = doc
        self.spans = doc.spans
        self.attrs: dict[int, tuple[Node, dict[str, str]]] = {}

    def edits(self) -> list[tuple[int, int, str]]:
        by_unit: dict[int, list[Unit]] = defaultdict(list)
        for unit in self.doc.units:
            if unit.target is not None and unit.state is UnitState.FILL:
                by_unit[id(unit.handle.unit)].append(unit)
        out: list[tuple[int, int, str]] = []
        for units in by_unit.values():
            out += (self._v2(units) if self.doc.version == 2 else self._v1(units))
        if by_unit and self.doc.version == 2 and self.spans.root.get("trgLang") is None:
            self._set(self.spans.root, {"trgLang": self.doc.target_lang})
        for node, values in self.attrs.values():
            tag = set_attributes(self.spans.start_tag(node), values)
            out.append((node.start, node.open_end, tag))
        return out

    def _set(self, node: Node, values: dict[str, str]) -> None:
        self.attrs.setdefault(node.start, (node, {}))[1].update(values)

    def _body(self, unit: Unit) -> str:
        slot: _Slot = unit.handle
        assert unit.target is not None
        return slot.lead + render_content(unit.target) + slot.trail

    def _notes(self, units: list[Unit]) -> list[tuple[str, str]]:
        """(category, text) of every term and QA finding of these units."""
        notes = []
        for unit in units:        # a segment's id ("unit:segment") says which one it is about
            where = f"{unit.id.rsplit(':', 1)[-1]}: " if ":" in unit.id else ""
            for seg in unit.segments:
                notes += [("terminology", where + term_summary(r)) for r in seg.terms]
                notes += [("qa", where + qa_message(q)) for q in seg.qa]
            notes += [("qa", where + qa_message(q)) for q in unit.qa]
            if unit.confidence is not None:   # the least confident sentence speaks for the unit
                notes.append(("confidence", f"{where}{unit.confidence:.2f}"))
        return notes

    def _vendor(self, unit: Unit) -> None:
        slot: _Slot = unit.handle
        if slot.sdl_seg is not None:
            self._set(slot.sdl_seg, dict(TRADOS_FILLED))
        if f"{{{MQ_NS}}}status" in slot.unit.attrib:
            qname = _qname(self.spans, slot.unit, MQ_NS, "status")
            if qname:
                self._set(slot.unit, {qname: MEMOQ_FILLED})

    # ----------------------------------------------------------------- XLIFF 1.2

    def _v1(self, units: list[Unit]) -> list[tuple[int, int, str]]:
        spans = self.spans
        first: _Slot = units[0].handle
        tu = first.unit
        source, seg_source, target = tu.find("source"), tu.find("seg-source"), tu.find("target")
        assert source is not None
        out: list[tuple[int, int, str]] = []
        state = {"state": XLIFF1_FILLED, "state-qualifier": "mt-suggestion"}
        for unit in units:
            self._vendor(unit)
        after = ""                                   # new target and notes, after the target
        if first.mid is None or target is None:
            if first.mid is None:
                body = self._body(units[0])
            else:                                    # build the target from the seg-source
                assert seg_source is not None
                by_mid = {u.handle.mid: u for u in units}
                inner = [(m.open_end, m.close_start, self._body(by_mid[m.get("mid")]))
                         for m in seg_source.iter("mrk") if m.get("mid") in by_mid]
                start = seg_source.open_end           # span offsets count UTF-8 bytes
                body = splice(spans.utf8[start:seg_source.close_start],
                              [(lo - start, hi - start, text) for lo, hi, text in inner]
                              ).decode("utf-8")
            if target is None:
                prefix = _prefix(spans.start_tag(source))
                anchor = seg_source or source
                space = _space_attr(spans.start_tag(source))
                after = (f'{_indent(tu, anchor)}<{prefix}target{space} state="{XLIFF1_FILLED}" '
                         f'state-qualifier="mt-suggestion">{body}</{prefix}target>')
                where = anchor.end
            else:
                if target.empty:
                    out.append((target.start, target.end, _open(spans, target, state) + body +
                                f"</{_prefix(spans.start_tag(target))}target>"))
                else:
                    out += [(target.start, target.open_end, _open(spans, target, state)),
                            (target.open_end, target.close_start, body)]
                where = target.end
        else:
            self._set(target, state)
            for unit in units:
                mrk = unit.handle.target
                body = self._body(unit)
                if mrk.empty:
                    out.append((mrk.start, mrk.end, _open(spans, mrk, {}) + body +
                                f"</{_prefix(spans.start_tag(mrk))}mrk>"))
                else:
                    out.append((mrk.open_end, mrk.close_start, body))
            where = target.end
        notes = self._notes(units)
        if notes:
            prefix = _prefix(spans.start_tag(source))
            indent = _indent(tu, source)
            after += "".join(f'{indent}<{prefix}note from="{NOTE_FROM}" annotates="target">'
                             f"{escape_text(f'{category}: {text}')}</{prefix}note>"
                             for category, text in notes)
        if after:
            out.append((where, where, after))
        return out

    # ----------------------------------------------------------------- XLIFF 2

    def _v2(self, units: list[Unit]) -> list[tuple[int, int, str]]:
        spans = self.spans
        unit_node: Node = units[0].handle.unit
        out: list[tuple[int, int, str]] = []
        for unit in units:
            slot: _Slot = unit.handle
            assert slot.segment is not None
            error = any(q.severity == "error" for s in unit.segments for q in s.qa) or \
                any(q.severity == "error" for q in unit.qa)
            self._set(slot.segment, {"state": XLIFF2_FILLED,
                                     "subState": QA_SUBSTATE if error else MT_SUBSTATE})
            body = self._body(unit)
            target = slot.target
            if target is None:
                prefix = _prefix(spans.start_tag(slot.source))
                space = _space_attr(spans.start_tag(slot.source))
                out.append((slot.source.end, slot.source.end,
                            f"{_indent(slot.segment, slot.source)}<{prefix}target{space}>"
                            f"{body}</{prefix}target>"))
            elif target.empty:
                out.append((target.start, target.end, _open(spans, target, {}) + body +
                            f"</{_prefix(spans.start_tag(target))}target>"))
            else:
                out.append((target.open_end, target.close_start, body))
        notes = self._notes(units)
        if notes:
            prefix = _prefix(spans.start_tag(unit_node))
            items = "".join(f'<{prefix}note category="{category}">{escape_text(text)}'
                            f"</{prefix}note>" for category, text in notes)
            holder = unit_node.find("notes")
            if holder is not None:
                out.append((holder.close_start, holder.close_start, items))
            else:
                first = next(c for c in unit_node.children()
                             if c.local in ("originalData", "segment", "ignorable"))
                indent = _indent(unit_node, first)
                out.append((first.start, first.start,
                            f"<{prefix}notes>{items}</{prefix}notes>{indent}"))
        return out

