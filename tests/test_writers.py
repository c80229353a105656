"""Every writer's output parsed back: structure, languages, exact text round trip."""
from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import re
import unicodedata
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bitext.errors import InputError
from bitext.formats import FORMATS, format_for, read_bilingual, write_segments
from bitext.formats.tsv import escape as tsv_escape
from bitext.records import AlignedSegment, TermRecord, TermStatus

write_html, write_markdown, write_tmx, write_xliff = (
    FORMATS[f].write for f in ("html", "md", "tmx", "xliff"))

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
X = "{urn:oasis:names:tc:xliff:document:2.0}"
GLS = "{urn:oasis:names:tc:xliff:glossary:2.0}"


def span(text: str, phrase: str) -> tuple[int, int]:
    """Where the check records a rendering: the records carry it, writers do not search."""
    start = text.index(phrase)
    return start, start + len(phrase)


def sample_segments() -> list[AlignedSegment]:
    """Particles, one record of each status, and text that breaks naive writers."""
    s1 = "공감지능은 전장 부품을 위한 기술이다."
    t1 = "Affectionate Intelligence is a technology for battlefield parts."
    s2 = "전장에서는 \"A & B\" <태그>\t탭과\n줄바꿈, 역슬래시 \\n 도 있다."
    t2 = 'On the battlefield there are "A & B" <tags>\tand\nbreaks, backslash \\n too.'
    s3 = "공감지능을 적용했다 | 파이프."
    t3 = "We applied empathic computing | pipe."
    return [
        AlignedSegment(1, s1, t1, [
            TermRecord("공감지능", "공감지능", 0, 4, "Affectionate Intelligence",
                       TermStatus.APPLIED, "prefix", None, *span(t1, "Affectionate Intelligence")),
            TermRecord("전장", "전장", 6, 8, "vehicle components", TermStatus.FORBIDDEN,
                       None, "battlefield parts", *span(t1, "battlefield parts")),
        ], doc="manual.txt", paragraph=1, line=1),
        AlignedSegment(2, s2, t2, [
            TermRecord("전장", "전장", 0, 2, "vehicle components", TermStatus.SKIPPED),
        ], doc="manual.txt", paragraph=1, line=1, notes=("long line split",)),
        AlignedSegment(3, s3, t3, [
            TermRecord("공감지능", "공감지능", 0, 4, "Affectionate Intelligence",
                       TermStatus.MISSED),
        ], doc="manual.txt", paragraph=2, line=3),
    ]


def render(writer, segments, **meta) -> str:
    out = io.StringIO()
    writer(segments, out, **meta)
    return out.getvalue()


def parse(text: str) -> ET.Element:
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(text.encode("utf-8"))


# --------------------------------------------------------------------------- TSV / JSONL

def test_tsv_one_row_per_segment_and_compact_terms():
    text = render(FORMATS["tsv"].write, sample_segments())
    rows = list(csv.reader(io.StringIO(text, newline=""), dialect="excel-tab"))
    assert rows[0] == ["index", "paragraph", "line", "source", "translation", "terms", "qa",
                       "confidence"]
    assert len(rows) == 4 and all(len(r) == 8 for r in rows)   # header + 3 rows
    assert rows[1][5] == ("공감지능=Affectionate Intelligence:applied; "
                          "전장=vehicle components:forbidden-present[battlefield parts]")
    assert rows[2][5] == "전장=vehicle components:skipped-by-context"
    assert [r[1:3] for r in rows[1:]] == [["1", "1"], ["1", "1"], ["2", "3"]]
    assert tsv_escape("a\\tb\t\n\r") == "a\\\\tb\\t\\n\\r"     # the old files' escapes


@pytest.mark.parametrize("fmt", ["tsv", "jsonl", "tmx", "xliff"])
def test_round_trip_through_read_bilingual(tmp_path, fmt):
    segs = sample_segments()
    path = tmp_path / f"out.{fmt}"
    write_segments(segs, str(path), None)
    pairs = read_bilingual(path)
    assert [(p.source, p.translation) for p in pairs] == [(s.source, s.translation)
                                                          for s in segs]


def test_jsonl_is_to_dict_per_line():
    segs = sample_segments()
    lines = render(FORMATS["jsonl"].write, segs).splitlines()
    assert [AlignedSegment.from_dict(json.loads(x)) for x in lines] == segs
    assert "공감지능" in lines[0]                              # ensure_ascii=False


# --------------------------------------------------------------------------- TMX

def test_tmx_structure():
    segs = sample_segments()
    root = parse(render(write_tmx, segs, tool_version="9.9", glossary_name="auto"))
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    assert {k: header.get(k) for k in ("creationtool", "creationtoolversion", "segtype",
                                        "o-tmf", "adminlang", "srclang", "datatype")} == {
        "creationtool": "koen-terminology", "creationtoolversion": "9.9",
        "segtype": "sentence", "o-tmf": "koen-terminology", "adminlang": "en",
        "srclang": "ko", "datatype": "plaintext"}
    tus = root.findall("body/tu")
    assert len(tus) == 3 and len({tu.get("tuid") for tu in tus}) == 3
    for tu, seg in zip(tus, segs):
        props = {p.get("type"): p.text for p in tu.findall("prop")}
        assert props["x-paragraph"] == str(seg.paragraph) and props["x-doc"] == seg.doc
        tuvs = tu.findall("tuv")
        assert [t.get(XML_LANG) for t in tuvs] == ["ko", "en"]
        assert [t.find("seg").text for t in tuvs] == [seg.source, seg.translation]
        notes = [n.text for n in tu.findall("note")]
        assert all(f"{r.source}={r.target}:{r.status.value}" in " ".join(notes)
                   for r in seg.terms)
        # DTD order: (note|prop)* before tuv+
        kinds = [c.tag for c in tu]
        assert kinds.index("tuv") > max(i for i, k in enumerate(kinds) if k != "tuv")


def test_tmx_keeps_carriage_returns_and_replaces_xml_illegal_chars():
    seg = AlignedSegment(1, "가\r\n나\x0c다", "a\rb")
    root = parse(render(write_tmx, [seg]))
    ko, en = (t.find("seg").text for t in root.iter("tuv"))
    assert ko == "가\r\n나\ufffd다" and en == "a\rb"


# --------------------------------------------------------------------------- XLIFF

def test_xliff_structure():
    segs = sample_segments() + [AlignedSegment(1, "둘째 문서.", "Second document.",
                                               doc="other.txt")]
    root = parse(render(write_xliff, segs))
    assert root.tag == f"{X}xliff"
    assert (root.get("version"), root.get("srcLang"), root.get("trgLang")) == ("2.1", "ko", "en")
    files = root.findall(f"{X}file")
    assert [f.get("original") for f in files] == ["manual.txt", "other.txt"]
    assert len({f.get("id") for f in files}) == 2
    units = files[0].findall(f"{X}unit")
    assert len(units) == 2                                    # two paragraphs
    assert [len(u.findall(f"{X}segment")) for u in units] == [2, 1]
    for unit in units:
        # schema order: module elements, <notes>, then segments
        tags = [c.tag for c in unit]
        first_segment = tags.index(f"{X}segment")
        assert all(t == f"{X}segment" for t in tags[first_segment:])
        if f"{X}notes" in tags:
            assert tags.index(f"{X}notes") < first_segment
    got = [(s.get("state"), s.find(f"{X}source").text, s.find(f"{X}target").text)
           for s in root.iter(f"{X}segment")]
    assert got == [("translated", s.source, s.translation) for s in segs]
    notes = [n for n in units[0].iter(f"{X}note") if n.get("category") == "terminology"]
    assert len(notes) == 3 and "forbidden-present" in notes[1].text
    entries = units[0].findall(f"{GLS}glossary/{GLS}glossEntry")
    assert [(e.find(f"{GLS}term").text, e.find(f"{GLS}translation").text) for e in entries] \
        == [("공감지능", "Affectionate Intelligence"), ("전장", "vehicle components")]
    ids = [e.get("id") for e in units[0].iter() if e.get("id")]
    assert len(ids) == len(set(ids))                          # ids unique within a unit


def test_xliff_refuses_nothing_to_write():
    with pytest.raises(ValueError):
        render(write_xliff, [])


# --------------------------------------------------------------------------- Markdown / HTML

def test_markdown_tables_bold_and_flags():
    md = render(write_markdown, sample_segments())
    assert md.count("| # | Korean | English | terms |") == 2  # one table per paragraph
    rows = [line for line in md.splitlines() if line.startswith("| 1 |")]
    assert rows and "**공감지능**은 **전장**⚠" in rows[0]
    assert "**Affectionate Intelligence**" in rows[0] and "**battlefield parts**⚠" in rows[0]
    row3 = next(line for line in md.splitlines() if line.startswith("| 3 |"))
    assert "**공감지능**⚠을" in row3 and "\\|" in row3
    assert len(re.findall(r"(?<!\\)\|", row3)) == 7         # escaped pipe splits no cell
    row2 = next(line for line in md.splitlines() if line.startswith("| 2 |"))
    assert "\n" not in row2 and "<br>" in row2 and "\\<태그\\>" in row2


def test_html_marks_escaping_and_summary():
    page = render(write_html, sample_segments(), glossary_name="<auto>")
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert '<mark class="applied" title="applied">공감지능</mark>은' in page
    assert '<mark class="forbidden-present" title="forbidden-present">battlefield parts</mark>' \
        in page
    assert '<mark class="skipped-by-context" title="skipped-by-context">전장</mark>에서는' in page
    assert '<mark class="missed" title="missed">공감지능</mark>을' in page
    assert "&lt;태그&gt;" in page and "&quot;A &amp; B&quot;" in page and "<태그>" not in page
    assert "&lt;auto&gt;" in page
    assert "3 segments, 4 terms: 1 applied, 1 missed, 1 forbidden-present, " \
           "1 skipped-by-context" in page
    assert 'class="legend"' in page


# --------------------------------------------------------------------------- dispatch

@pytest.mark.parametrize("path, explicit, fmt", [
    ("-", None, "tsv"), ("out.TSV", None, "tsv"), ("o.jsonl", None, "jsonl"),
    ("o.tmx", None, "tmx"), ("o.xlf", None, "xliff"), ("o.xliff", None, "xliff"),
    ("o.md", None, "md"), ("o.html", None, "html"), ("o.txt", "tmx", "tmx"), ("-", "html", "html"),
])
def test_format_for(path, explicit, fmt):
    assert format_for(path, explicit) == fmt


def test_format_for_errors():
    with pytest.raises(InputError, match="cannot tell"):
        format_for("out.txt", None)
    with pytest.raises(InputError, match="unknown format"):
        format_for("out.tsv", "docx")


def test_write_segments_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "out.tmx"
    path.write_text("previous good run", encoding="utf-8")

    def exploding(segments, stream, meta):
        stream.write("<tmx>half")
        raise RuntimeError("boom")

    monkeypatch.setitem(FORMATS, "tmx", dataclasses.replace(FORMATS["tmx"], writer=exploding))
    with pytest.raises(RuntimeError):
        write_segments(sample_segments(), str(path), None)
    assert path.read_text(encoding="utf-8") == "previous good run"
    assert os.listdir(tmp_path) == ["out.tmx"]


def test_write_segments_rejects_unknown_meta_before_touching_file(tmp_path):
    path = tmp_path / "out.tsv"
    path.write_text("keep", encoding="utf-8")
    with pytest.raises(TypeError):
        write_segments(sample_segments(), str(path), None, glossary="typo")
    assert path.read_text(encoding="utf-8") == "keep"


def test_write_segments_stdout(capsysbinary):
    write_segments(sample_segments()[:1], "-", None)
    out = capsysbinary.readouterr().out.decode("utf-8")
    assert out.startswith("index\tparagraph\tline\tsource")


# --------------------------------------------------------------------------- property

# Printable, XML-legal text (tabs, newlines and CR included; the other C0 controls and
# surrogates cannot be carried by XML 1.0 at all).
xml_text = st.text(st.one_of(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
    st.sampled_from("\t\n\r\\&<>\"'|"),
), max_size=40)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pairs=st.lists(st.tuples(xml_text, xml_text), min_size=1, max_size=4),
       fmt=st.sampled_from(["tsv", "tmx", "xliff"]))
def test_round_trip_property(tmp_path, pairs, fmt):
    segs = [AlignedSegment(i, s, t, paragraph=1 + i // 2) for i, (s, t) in enumerate(pairs, 1)]
    path = tmp_path / f"prop.{fmt}"
    write_segments(segs, str(path), None)
    nfc = lambda x: unicodedata.normalize("NFC", x)           # noqa: E731 (readers normalise)
    # an XLIFF unit whose source is blank is no segment (issue 18 item 15)
    want = [(nfc(s), nfc(t)) for s, t in pairs if fmt != "xliff" or s.strip()]
    if not want:
        with pytest.raises(InputError, match="no ko/en segment pairs"):
            read_bilingual(path)
        return
    got = [(p.source, p.translation) for p in read_bilingual(path)]
    assert got == want


# --------------------------------------------------------------------------- QA findings

def qa_segments() -> list[AlignedSegment]:
    """Real findings from ``check_pair`` on vendor-like translations: an omission with a dropped
    number, a changed number with a repeated word (beside an applied term), a warning only, and
    a clean segment."""
    from bitext.qa import check_pair

    rows = [
        ("올해 매출은 전년 대비 크게 늘어 10조원을 넘었다.", "Sales rose."),
        ("공감지능은 3개 회사와 협력했다.",
         "Affectionate Intelligence worked with 5 companies companies companies."),
        ("삼성전자는 ABC 플랫폼을 새로 발표했다.", "Samsung Electronics announced a new platform."),
        ("전장 사업이 성장했다.", "The vehicle components business grew."),
    ]
    segs = [AlignedSegment(i, s, t, doc="vendor.txt", line=i, qa=check_pair(s, t))
            for i, (s, t) in enumerate(rows, 1)]
    segs[1].terms = [TermRecord("공감지능", "공감지능", 0, 4, "Affectionate Intelligence",
                                TermStatus.APPLIED, None, None, 0, 25)]
    assert [[q.code for q in s.qa] for s in segs] == [
        ["omission", "number"], ["repetition", "number"], ["latin-missing"], []]
    return segs


def test_tsv_qa_column_and_old_four_column_files_still_read(tmp_path):
    lines = render(FORMATS["tsv"].write, qa_segments()).split("\r\n")
    assert [line.split("\t")[6] for line in lines[1:5]] == [
        "omission:error; number:error", "repetition:error; number:error",
        "latin-missing:warning", ""]
    path = tmp_path / "new.tsv"
    path.write_text("\r\n".join(lines), encoding="utf-8", newline="")
    assert read_bilingual(path)[0].translation == "Sales rose."
    old = tmp_path / "old.tsv"                  # written before the qa column: still ours
    old.write_text("index\tsource\ttranslation\tterms\n1\t가\\t나\ta\\nb\t\n", encoding="utf-8")
    assert [(p.source, p.translation) for p in read_bilingual(old)] == [("가\t나", "a\nb")]


def test_tmx_qa_props_one_per_finding_before_the_tuvs():
    segs = qa_segments()
    tus = parse(render(write_tmx, segs)).findall("body/tu")
    got = [[p.text for p in tu.findall("prop") if p.get("type") == "x-qa"] for tu in tus]
    assert got[0] == [f"omission:error: {segs[0].qa[0].message}",
                      "number:error: 10조 (10,000,000,000,000) is not in the translation"]
    assert got[2] == ["latin-missing:warning: ABC is not in the translation"] and got[3] == []
    for tu in tus:                              # DTD: (note|prop)*, tuv+
        kinds = [c.tag for c in tu]
        assert kinds[-2:] == ["tuv", "tuv"] and "tuv" not in kinds[:-2]


def test_xliff_qa_notes_and_substate_on_errors_only():
    segs = qa_segments()
    root = parse(render(write_xliff, segs))
    states = [(s.get("state"), s.get("subState")) for s in root.iter(f"{X}segment")]
    assert states == [("translated", "koen:qa-error")] * 2 + [("translated", None)] * 2
    unit = root.find(f"{X}file/{X}unit")
    tags = [c.tag for c in unit]                # module elements, notes, then segments
    assert tags[-4:] == [f"{X}segment"] * 4 and tags.index(f"{X}notes") < tags.index(
        f"{X}segment")
    qa = [(n.get("appliesTo"), n.text) for n in unit.iter(f"{X}note")
          if n.get("category") == "qa"]
    assert len(qa) == 5
    assert qa[1] == ("source", "s1: number:error: 10조 (10,000,000,000,000) is not in the "
                               "translation")
    assert qa[4] == ("source", "s3: latin-missing:warning: ABC is not in the translation")
    ids = [n.get("id") for n in unit.iter(f"{X}note")]
    assert len(ids) == len(set(ids))
    assert all(":" in sub for _, sub in states if sub)   # subState needs a prefix


def test_jsonl_keeps_qa_through_from_dict():
    segs = qa_segments()
    lines = render(FORMATS["jsonl"].write, segs).splitlines()
    assert [AlignedSegment.from_dict(json.loads(x)) for x in lines] == segs


def test_markdown_marks_findings_on_their_span_and_lists_them():
    md = render(write_markdown, qa_segments())
    assert "| # | Korean | English | terms | qa |" in md
    rows = {line.split(" | ")[0]: line for line in md.splitlines() if line[2:3].isdigit()}
    assert "늘어 *10조*⛔원을" in rows["| 1"]              # the dropped number, in the Korean
    assert "Sales rose." in rows["| 1"] and "*Sales" not in rows["| 1"]   # whole-text: listed
    assert "⛔ omission:error: translation has" in rows["| 1"]
    assert "**Affectionate Intelligence** worked with 5 *companies companies companies*⛔" \
        in rows["| 2"]
    assert "*ABC*⚠" in rows["| 3"] and "⚠ latin-missing:warning" in rows["| 3"]
    assert rows["| 4"].endswith("|  |")


def test_html_marks_findings_with_their_message_and_counts_codes():
    page = render(write_html, qa_segments())
    assert ('<mark class="qa-error" title="number:error: 10조 (10,000,000,000,000) is not in '
            'the translation">10조</mark>원을') in page
    assert '<mark class="qa-error" title="repetition:error: 3 words in a row on the stem ' \
           '&#x27;compa&#x27;">companies companies companies</mark>' in page
    assert '<mark class="qa-warning" title="latin-missing:warning: ABC is not in the ' \
           'translation">ABC</mark>' in page
    assert '<span class="qa-error">omission:error: translation has' in page
    assert ("qa: 4 errors (2 number, 1 omission, 1 repetition), 1 warning (1 latin-missing)"
            in page)
