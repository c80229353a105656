"""XLIFF pre-translation (documents/formats/xliff.py) on files CAT tools wrote, and by hand.

The identity round trip is the main proof: with each unit to fill given its own source as
target, the file must come back byte for byte except the targets, their state, the vendor
status and notes (``normalised`` removes exactly those), validate against the XLIFF schema,
and read back with the filled units now translated and every other unit's target untouched.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from copyengine import identity_round_trip
from hypothesis import given, settings
from hypothesis import strategies as st
from xmlschemas import xliff_errors

from bitext.errors import InputError
from documents.formats import xliff
from documents.model import DocumentOptions, UnitState

FIXTURES = Path(__file__).parent / "fixtures" / "xliff"

# file, languages, (filled, kept, skipped), XLIFF major version (None: no schema, 1.1)
REAL = [
    ("trados-TTSExample.docx.sdlxliff", ("en", "de"), (4, 0, 0), 1),
    ("memoq-MQ-12-Test01.mqxliff", ("en", "fr"), (15, 0, 0), 1),
    ("okapi-htmltest.html.xlf", ("en", "fr"), (8, 0, 0), 1),
    ("okapi-xlifftest.xlf", ("en", "fr"), (11, 1, 3), None),
    ("omegat-RFE1506-translated.xliff", ("en", "ja"), (0, 4, 1), 1),
    ("openxliff-en-es_translate-no.xlf", ("en", "es"), (0, 2, 1), 1),
    ("oasis-xliff2-ex.14.5.xlf", ("en", "pt"), (2, 0, 0), 2),
]
KOREAN = [
    ("ko-en-press.xlf", (4, 3, 3), 1),
    ("ko-en-press.mqxliff", (2, 3, 0), 1),
    ("ko-en-press.sdlxliff", (2, 3, 1), 1),
    ("ko-en-press.xliff", (3, 2, 1), 2),
]

_TARGET = re.compile(r"\s*<(?:[\w.-]+:)?target\b[^>]*?(?:/>|>.*?</(?:[\w.-]+:)?target>)", re.S)
_ADDED = re.compile(r"""\s(?:state|state-qualifier|subState|trgLang|conf|origin|mq:status)"""
                    r"""\s*=\s*(["']).*?\1""")
_NOTE = re.compile(r'\s*<(?:[\w.-]+:)?note from="koen-terminology".*?</(?:[\w.-]+:)?note>',
                   re.S)


def text_of(data: bytes) -> str:
    return data.decode("utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else \
        data.decode("utf-8-sig")


def normalised(data: bytes) -> str:
    """The file without what pre-translation may change."""
    return _ADDED.sub("", _TARGET.sub("", _NOTE.sub("", text_of(data))))


def counts(doc: xliff.XliffDocument) -> tuple[int, int, int]:
    states = [u.state for u in doc.units]
    return (states.count(UnitState.FILL), states.count(UnitState.KEEP),
            states.count(UnitState.SKIP))


def raw_targets(doc: xliff.XliffDocument) -> dict[str, str | None]:
    return {u.id: None if u.handle.target is None else doc.spans.outer(u.handle.target)
            for u in doc.units}


def check_identity(data: bytes, out: bytes, name: str, options: DocumentOptions,
                   version: int | None, filled: set[str]) -> None:
    before = xliff.read(data, name, options)
    after = xliff.read(out, name, options)
    assert normalised(out) == normalised(data)
    assert out[:3] == data[:3]                      # byte-order mark and encoding kept
    assert [u.id for u in after.units] == [u.id for u in before.units]
    old, new = raw_targets(before), raw_targets(after)
    for b, a in zip(before.units, after.units):
        assert a.source == b.source
        if b.id in filled:                          # now has its source as target
            assert a.state is UnitState.KEEP and a.handle.target is not None
            content = xliff.content_of(a.handle.target, after.spans)
            assert tuple(p for p in content if p != "") == \
                tuple(p for p in (b.handle.lead, *b.source, b.handle.trail) if p != "") or \
                "".join(str(p) for p in content).strip() == \
                "".join(str(p) for p in b.source).strip()
        else:
            assert new[a.id] == old[b.id], f"unit {b.id} ({b.state}) was touched"
    if version is not None:
        assert xliff_errors(out, version) == []


def filled_ids(doc: xliff.XliffDocument) -> set[str]:
    return {u.id for u in doc.units if u.state is UnitState.FILL and u.target is not None}


def copy_targets(doc: xliff.XliffDocument) -> bytes:
    for unit in doc.units:
        if unit.state is UnitState.FILL:
            unit.target = unit.source
    return doc.render()


@pytest.mark.parametrize(("name", "langs", "expected", "version"), REAL,
                         ids=[r[0] for r in REAL])
def test_real_files_format_identity_round_trip(name, langs, expected, version):
    data = (FIXTURES / name).read_bytes()
    options = DocumentOptions(source_lang=langs[0], target_lang=langs[1])
    doc = xliff.read(data, name, options)
    assert counts(doc) == expected
    if version is not None:
        assert xliff_errors(data, version) == []    # the control: the input validates
    out = copy_targets(doc)
    assert (out == data) == (expected[0] == 0)
    check_identity(data, out, name, options, version, filled_ids(doc))


@pytest.mark.parametrize(("name", "langs", "expected", "version"), REAL,
                         ids=[r[0] for r in REAL])
def test_real_files_engine_identity_round_trip(name, langs, expected, version):
    """Through the whole layer with the copy engine: the layer fills only units with Korean
    (one Okapi test unit has some), so most files must come back byte for byte."""
    data = (FIXTURES / name).read_bytes()
    options = DocumentOptions(source_lang=langs[0], target_lang=langs[1])
    result = identity_round_trip(data, name, options=options)
    korean = 1 if name == "okapi-htmltest.html.xlf" else 0
    assert result.counts["filled"] == korean
    if korean:
        check_identity(data, result.data, name, options, version,
                       filled_ids(result.document))  # type: ignore[arg-type]
    else:
        assert result.data == data


@pytest.mark.parametrize(("name", "expected", "version"), KOREAN, ids=[k[0] for k in KOREAN])
def test_korean_files_round_trip_format_and_engine(name, expected, version):
    data = (FIXTURES / name).read_bytes()
    options = DocumentOptions()
    doc = xliff.read(data, name, options)
    assert counts(doc) == expected
    assert xliff_errors(data, version) == []
    check_identity(data, copy_targets(doc), name, options, version, filled_ids(doc))
    result = identity_round_trip(data, name)
    assert result.counts == dict(zip(("filled", "kept", "skipped"), expected))
    check_identity(data, result.data, name, options, version,
                   filled_ids(result.document))  # type: ignore[arg-type]


def test_states_and_vendor_status_written():
    out = text_of(copy_targets(xliff.read((FIXTURES / "ko-en-press.mqxliff").read_bytes(),
                                          "x.mqxliff", DocumentOptions())))
    assert out.count('mq:status="MachineTranslated"') == 2
    assert 'mq:status="ManuallyConfirmed"' in out and 'mq:status="PartiallyEdited"' in out
    assert out.count('state="needs-review-translation" state-qualifier="mt-suggestion"') == 2
    sdl = copy_targets(xliff.read((FIXTURES / "ko-en-press.sdlxliff").read_bytes(),
                                  "x.sdlxliff", DocumentOptions()))
    assert sdl.startswith(b"\xff\xfe") and "\r\n" in text_of(sdl)      # UTF-16 LE, CRLF kept
    text = text_of(sdl)
    assert '<sdl:seg id="2" conf="Draft" origin="mt"/>' in text
    assert '<sdl:seg id="4" conf="Draft" origin="mt"/>' in text
    assert '<sdl:seg id="1" conf="Translated" origin="interactive"/>' in text
    assert '<sdl:seg id="3" locked="true" conf="Draft"/>' in text
    v2 = text_of(copy_targets(xliff.read((FIXTURES / "ko-en-press.xliff").read_bytes(),
                                         "x.xliff", DocumentOptions())))
    assert v2.count('state="translated" subState="koen:mt"') == 3
    assert 'trgLang="en"' in v2 and '<segment id="s3" state="final">' in v2


def test_overwrite_refills_translated_but_never_final_or_locked():
    data = (FIXTURES / "ko-en-press.mqxliff").read_bytes()
    doc = xliff.read(data, "x.mqxliff", DocumentOptions(overwrite=True))
    assert {u.id: u.state.value for u in doc.units} == {
        "1": "fill", "2": "keep", "3": "keep", "4": "fill", "5": "fill"}


def test_segments_and_codes_read_as_the_file_has_them():
    doc = xliff.read((FIXTURES / "ko-en-press.sdlxliff").read_bytes(), "x.sdlxliff",
                     DocumentOptions())
    assert {u.id: (u.state.value, u.reason) for u in doc.units} == {
        "s1": ("skip", "translate=no"), "u1:1": ("keep", "translated"),
        "u1:2": ("fill", ""), "u1:3": ("keep", "locked"), "u2:4": ("fill", ""),
        "u3:5": ("keep", "sdl:seg conf ApprovedSignOff")}
    v2 = xliff.read((FIXTURES / "ko-en-press.xliff").read_bytes(), "x.xliff",
                    DocumentOptions())
    s2 = next(u for u in v2.units if u.id == "u1:s2")
    kinds = [(p.kind.value, p.id) for p in s2.source if not isinstance(p, str)]
    assert kinds == [("open", "1"), ("close", "1"), ("open", "2"), ("close", "2")]
    assert (s2.line, s2.column) == (18, 9)
    # overlapping 1.2 pairs (bpt 6 across bx 7) become lone codes where they cannot nest
    x12 = xliff.read((FIXTURES / "ko-en-press.xlf").read_bytes(), "x.xlf", DocumentOptions())
    t9 = next(u for u in x12.units if u.id == "t9")
    assert [(p.kind.value, p.data[:4]) for p in t9.source if not isinstance(p, str)] == [
        ("isolated", "<bpt"), ("open", "<bx "), ("isolated", "<ept"), ("close", "<ex ")]


def test_terms_and_findings_become_notes():
    from bitext.qa.issue import QAIssue
    from bitext.records import AlignedSegment, TermRecord, TermStatus
    data = (FIXTURES / "ko-en-press.xlf").read_bytes()
    doc = xliff.read(data, "x.xlf", DocumentOptions())
    t1 = doc.units[0]
    t1.target = ("Air conditioning business expands.",)
    term = TermRecord("냉난방공조", "냉난방공조", 0, 5, "HVAC", TermStatus.MISSED)
    t1.segments = [AlignedSegment(1, "냉난방공조 사업을 확대한다.", t1.target[0], [term])]
    t1.qa = [QAIssue("tags", "warning", "target", 0, 3, "code 2 moved")]
    out = doc.render().decode("utf-8")
    assert ('<note from="koen-terminology" annotates="target">terminology: '
            '냉난방공조=HVAC:missed</note>') in out
    assert "qa: tags:warning: code 2 moved</note>" in out
    assert xliff_errors(out.encode(), 1) == []
    v2 = xliff.read((FIXTURES / "ko-en-press.xliff").read_bytes(), "x.xliff",
                    DocumentOptions())
    for unit in v2.units:
        if unit.state is UnitState.FILL:
            unit.target = unit.source
            unit.qa = [QAIssue("tags", "error", "target", 0, 1, "code lost")]
    out2 = v2.render()
    assert xliff_errors(out2, 2) == []
    text = out2.decode("utf-8")
    assert 'subState="koen:qa-error"' in text
    assert '<note category="context">headline</note><note category="qa">s4: tags:error' in text


# --------------------------------------------------------------------------- bad input

GOOD = (FIXTURES / "ko-en-press.xlf").read_bytes()


@pytest.mark.parametrize(("data", "line", "message"), [
    (GOOD[:len(GOOD) // 2], None, "not well-formed XML"),
    (GOOD.replace(b"</source>\r\n    </trans-unit>\r\n  </group>", b"</source>\r\n  </group>"),
     10, "mismatched tag"),
    (b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>\n'
     b"<xliff><file source-language='ko'><body/></file></xliff>", 2, "declares entities"),
    (b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
     b"<xliff>&e;</xliff>", 2, "declares entities"),
    (GOOD.replace(b"encoding='UTF-8'", b"encoding='bogus'"), 1, "unknown encoding 'bogus'"),
    (GOOD.replace(b"source-language='ko-KR' target-language='en-US'",
                  b"source-language='en-US' target-language='de-DE'"), 5, "en-US→de-DE, not ko→en"),
    (b"<tmx version='1.4'/>", 1, "not XLIFF"),
    (b"<xliff version='1.2'><file source-language='ko'><body><trans-unit id='1'/></body></file>"
     b"</xliff>", 1, "without <source>"),
])
def test_bad_input_is_one_line(data, line, message):
    with pytest.raises(InputError, match=message) as e:
        xliff.read(data, "job.xlf", DocumentOptions())
    if line is not None:
        assert e.value.line == line
    assert "\n" not in str(e.value) and str(e.value).startswith("job.xlf:")


def test_languages_named_by_the_user_are_accepted():
    data = GOOD.replace(b"source-language='ko-KR' target-language='en-US'",
                        b"source-language='ko-KR' target-language='de-DE'")
    doc = xliff.read(data, "job.xlf", DocumentOptions(target_lang="de"))
    assert counts(doc) == (4, 3, 3)


def test_deep_nesting_and_odd_code_points():
    deep = "<g id='9'>" * 3000 + "공감지능" + "</g>" * 3000
    data = GOOD.replace(b"OLED TV", deep.encode())
    doc = xliff.read(data, "deep.xlf", DocumentOptions())
    unit = next(u for u in doc.units if u.id == "t6")
    assert unit.state is UnitState.FILL and len(unit.source) == 6001
    out = copy_targets(doc)
    assert out.decode("utf-8").count("<g id='9'>") == 6000
    v2 = (b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="ko">'
          b'<file id="f"><unit id="u"><segment><source>\xea\xb0\x80<cp hex="FFFFFFFFFFFFFFFFFFFF"/>'
          b'<cp hex="D800"/><cp hex="0"/></source></segment></unit></file></xliff>')
    doc2 = xliff.read(v2, "cp.xlf", DocumentOptions())
    out2 = copy_targets(doc2)
    assert b'<target>\xea\xb0\x80<cp hex="FFFFFFFFFFFFFFFFFFFF"/><cp hex="D800"/><cp hex="0"/>' \
        b"</target>" in out2


def test_protected_marks_are_kept_whole():
    data = (b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="ko">'
            b'<file id="f"><unit id="u"><segment><source>\xea\xb0\x80 <mrk id="m" '
            b'translate="no">LG \xec\xa0\x84\xec\x9e\x90</mrk> \xeb\x82\x98</source>'
            b"</segment></unit></file></xliff>")
    doc = xliff.read(data, "p.xlf", DocumentOptions())
    codes = [p for p in doc.units[0].source if not isinstance(p, str)]
    assert [(c.kind.value, c.data) for c in codes] == [
        ("isolated", '<mrk id="m" translate="no">LG 전자</mrk>')]
    v1 = GOOD.replace(b"<x id='2' ctype='lb'/>",
                      "<mrk mtype='protected'>웹OS</mrk>".encode())
    t1 = xliff.read(v1, "p.xlf", DocumentOptions()).units[0]
    assert "웹OS" not in "".join(p for p in t1.source if isinstance(p, str))


@pytest.mark.parametrize(("name", "langs", "expected", "version"), REAL,
                         ids=[r[0] for r in REAL])
def test_real_files_engine_round_trip_filling_every_unit(name, langs, expected, version,
                                                         monkeypatch):
    """The layer fills only Korean; told that every text counts, it fills each unit of these
    English files through masking, sentence splitting and code placement with the copy
    engine, and the file must still change only in what pre-translation adds."""
    import documents.translate_doc as layer
    monkeypatch.setattr(layer, "has_korean", lambda text: bool(text.strip()))
    data = (FIXTURES / name).read_bytes()
    options = DocumentOptions(source_lang=langs[0], target_lang=langs[1])
    result = identity_round_trip(data, name, options=options)
    assert result.counts["filled"] == expected[0]
    check_identity(data, result.data, name, options, version,
                   filled_ids(result.document))  # type: ignore[arg-type]


_XML_CHARS = st.text(st.one_of(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
    st.sampled_from("\t\n\r&<>\"']]>가나"),
), min_size=1, max_size=30)


@settings(max_examples=80, deadline=None)
@given(parts=st.lists(st.one_of(_XML_CHARS, st.sampled_from(["<x id='1'/>", "<g id='2'>",
                                                               "</g>"])), max_size=8),
       v2=st.booleans())
def test_any_text_survives_the_splice(parts, v2):
    """Whatever characters a source holds (escaped as XML needs), its copy written into the
    target reads back as the same text and codes."""
    from xml.sax.saxutils import escape
    body, depth = "가", 0
    for part in parts:
        if part == "</g>":
            if depth:
                body, depth = body + part, depth - 1
        elif part in ("<x id='1'/>", "<g id='2'>"):     # markup; a text "<" is escaped below
            body += part
            depth += part == "<g id='2'>"
        else:
            body += escape(part).replace("\r", "&#13;")
    body += "</g>" * depth
    if v2:
        body = body.replace("<x id='1'/>", "<ph id='1'/>").replace("<g id='2'>", "<pc id='2'>") \
            .replace("</g>", "</pc>")
        data = ('<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" '
                f'srcLang="ko"><file id="f"><unit id="u"><segment><source>{body}</source>'
                "</segment></unit></file></xliff>")
    else:
        data = ("<xliff version='1.2'><file source-language='ko'><body><trans-unit id='1'>"
                f"<source>{body}</source></trans-unit></body></file></xliff>")
    doc = xliff.read(data.encode(), "p.xlf", DocumentOptions())
    unit = doc.units[0]
    assert unit.state is UnitState.FILL
    out = copy_targets(doc)
    again = xliff.read(out, "p.xlf", DocumentOptions())
    target = xliff.content_of(again.units[0].handle.target, again.spans)
    strip = lambda c: "".join(p if isinstance(p, str) else p.data for p in c)  # noqa: E731
    assert strip(target) == unit.handle.lead + strip(unit.source) + unit.handle.trail
