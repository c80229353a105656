"""DOCX read into units and written back: merged runs, codes, parts left byte-equal, hostile
packages refused. The file a real writer makes is ``press-release.docx``, written by
LibreOffice 7.4 from ``press-release.fodt`` (Korean press text, glossary terms, a term split
across runs, bold/italic/link/table/nested table/header/footer/footnote/text box/tab/break)."""
from __future__ import annotations

import io
import zipfile

import pytest
from docxtools import (
    FIXTURES,
    SOFFICE,
    SOFFICE_REASON,
    characters,
    entries,
    langs,
    libreoffice_counts,
    raw_entries,
)

from bitext.errors import InputError
from documents.formats import docx
from documents.model import Code, CodeKind, DocumentOptions, UnitState, plain_text

PRESS = (FIXTURES / "press-release.docx").read_bytes()
WORD_LIKE = (FIXTURES / "word-like.docx").read_bytes()    # python-docx's Word-made template
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ' \
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def read(data: bytes, name: str = "press.docx") -> docx.DocxDocument:
    return docx.read(data, name, DocumentOptions())


def with_part(part: str, content: bytes, base: bytes = PRESS) -> bytes:
    """The fixture with one entry's content replaced (or added)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w",
                                                                  zipfile.ZIP_DEFLATED) as dst:
        names = [i.filename for i in src.infolist()]
        for name in names:
            dst.writestr(name, content if name == part else src.read(name))
        if part not in names:
            dst.writestr(part, content)
    return out.getvalue()


def body(xml: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {W}>'
            f"<w:body>{xml}</w:body></w:document>").encode()


def unit_texts(doc: docx.DocxDocument) -> dict[str, str]:
    return {u.id: plain_text(u.source) for u in doc.units}


def identity(doc: docx.DocxDocument) -> bytes:
    for unit in doc.units:
        if unit.state == UnitState.FILL:
            unit.target = unit.source
    return doc.render()


# ------------------------------------------------------------------------- units

def test_units_cover_body_tables_nested_tables_text_box_header_footer_footnote():
    texts = unit_texts(read(PRESS))
    assert texts["document:1"] == "LG전자, 공감지능으로 고객의 일상을 바꾼다"
    assert "전장 사업의 매출은 올해 처음으로 10조 원을 넘어설 것으로 보인다." in texts.values()
    assert "회사는 가전 구독 서비스를 확대하고 웹OS 플랫폼으로 콘텐츠 사업을 강화한다." \
        in texts.values()                                            # nested table
    box = "고객 접점에서 얻은 경험은 다시 제품 개발에 반영된다."
    boxed = [i for i, t in texts.items() if t == box]
    assert len(boxed) == 2          # the text box, in mc:Choice (DrawingML) and mc:Fallback (VML)
    assert texts["header1:1"] == "LG전자 보도자료"
    assert texts["footer1:1"].startswith("LG전자 홍보팀")
    assert texts["footnotes:3"] == "공감지능은 LG전자의 인공지능 비전이다."


def test_runs_split_by_the_writer_merge_so_terms_are_one_string():
    doc = read(PRESS)
    by_id = {u.id: u for u in doc.units}
    # LibreOffice wrote 공감|지능 (two rsids) and LG|전자 (script change, w:lang en-US on LG)
    # as separate runs with the same look: one string each after reading.
    assert "고객을 이해하는 공감지능으로 정의했다." in by_id["document:3"].source[0]
    assert by_id["document:4"].source[0].startswith("LG전자는 가전 사업을 넘어 전장, 냉난방공조")
    assert all(isinstance(p, str) for p in by_id["document:4"].source)


def test_formatting_links_fields_notes_become_codes():
    by_id = {u.id: u.source for u in read(PRESS).units}
    bold = by_id["document:2"]
    assert bold[:3] == (Code("1", CodeKind.OPEN, "<w:r b>"), "LG전자", Code("1", CodeKind.CLOSE,
                                                                          "</w:r>"))
    assert any(isinstance(p, Code) and p.data == "<w:footnoteReference/>" for p in bold)
    link = by_id["document:5"]
    assert [p.data for p in link if isinstance(p, Code)][:2] == ["<w:hyperlink>",
                                                                 "<w:r rStyle>"]
    footer = by_id["footer1:1"]
    assert Code("1", CodeKind.OPEN, "<field PAGE>") in footer     # the instruction, untouched
    tabbed = [u for u in by_id.values() if "최고기술책임자는" in plain_text(u)][0]
    assert [p.data for p in tabbed if isinstance(p, Code)] == ["<w:tab/>", "<w:br/>"]


def test_text_box_fallback_takes_the_translation_of_its_choice():
    doc = read(PRESS)
    box = [u for u in doc.units if plain_text(u.source).startswith("고객 접점에서")]
    choice, fallback = box
    assert choice.state == UnitState.FILL
    assert (fallback.state, fallback.reason) == (UnitState.SKIP,
                                                 f"the same text box as {choice.id}")
    choice.target = ("Experience from customer touchpoints flows back into products.",)
    document = entries(doc.render())["word/document.xml"].decode()
    assert document.count("Experience from customer touchpoints") == 2
    assert "고객 접점" not in document


def test_states():
    states = {u.id: u.state for u in read(PRESS).units}
    assert states["footnotes:1"] == UnitState.SKIP            # the separator: no Korean
    assert states["document:1"] == UnitState.FILL


# ------------------------------------------------------------------------- writing back

@pytest.mark.parametrize("data", [PRESS, WORD_LIKE], ids=["libreoffice", "word-like"])
def test_identity_round_trip_keeps_text_and_formatting_per_character(data):
    out = identity(read(data))
    before, after = entries(data), entries(out)
    assert list(before) == list(after)
    for part in ("word/document.xml", "word/header1.xml", "word/footer1.xml",
                 "word/footnotes.xml"):
        if part in before:
            assert characters(before[part]) == characters(after[part]), part


def test_word_splits_rsid_and_proof_marks_merge():
    by_id = {u.id: u.source for u in read(WORD_LIKE).units}
    # Word-style runs: LG|전자 and 공감|지능 under different w:rsidR, a w:proofErr between
    assert by_id["document:2"][1:] == (
        "LG전자", Code("1", CodeKind.CLOSE, "</w:r>"), "는 공감지능을 통해 고객 경험을 혁신한다.")
    third = by_id["document:3"]
    assert third[1] == "냉난방공조 사업은 "
    assert Code("5", CodeKind.OPEN, "<field REF hvac \\h>") in third
    # the Word template's other parts (theme, stylesWithEffects, thumbnail) are untouched,
    # styles.xml too (its w:lang is not Korean)
    before, after = raw_entries(WORD_LIKE), raw_entries(identity(read(WORD_LIKE)))
    assert [n for n in before if before[n] != after[n]] == [
        "word/document.xml", "word/header1.xml", "word/footer1.xml"]


def test_untranslated_parts_are_copied_byte_for_byte():
    out = identity(read(PRESS))
    before, after = raw_entries(PRESS), raw_entries(out)
    changed = {name for name in before if before[name] != after[name]}
    # the four translated parts, and styles.xml for its w:lang; nothing else
    assert changed <= {"word/document.xml", "word/header1.xml", "word/footer1.xml",
                       "word/footnotes.xml", "word/styles.xml"}
    assert "word/settings.xml" not in changed and "[Content_Types].xml" not in changed
    assert list(before) == list(after)
    # a document without Korean: nothing to translate, the whole file comes back as it was
    plain = with_part("word/document.xml", body("<w:p><w:r><w:t>Hello</w:t></w:r></w:p>"))
    doc = read(plain)
    assert [u.state for u in doc.units if u.id.startswith("document")] == [UnitState.SKIP]


def test_w_lang_becomes_english_in_translated_runs_and_styles():
    out = entries(identity(read(PRESS)))
    assert "ko-KR" in langs(entries(PRESS)["word/styles.xml"])
    assert "ko-KR" not in langs(out["word/styles.xml"])
    assert "en-US" in langs(out["word/styles.xml"])
    assert b'w:eastAsia="ko-KR"' in out["word/styles.xml"]      # East Asian text stays Korean


def test_target_with_moved_codes_puts_formatting_around_the_right_words():
    doc = read(PRESS)
    unit = next(u for u in doc.units if u.id == "document:2")
    codes = {(p.id, p.kind): p for p in unit.source if isinstance(p, Code)}
    b_open, b_close = codes["1", CodeKind.OPEN], codes["1", CodeKind.CLOSE]
    i_open, i_close = codes["2", CodeKind.OPEN], codes["2", CodeKind.CLOSE]
    note = codes["3", CodeKind.ISOLATED]
    unit.target = (b_open, "LG Electronics", b_close, " said it will change customers' lives "
                   "with ", i_open, "Affectionate Intelligence", i_close, ".", note)
    for other in doc.units:
        if other is not unit and other.state == UnitState.FILL:
            other.target = other.source
    out = entries(doc.render())
    paragraph = characters(out["word/document.xml"])[1]
    text = "".join(c for c, _, _ in paragraph)
    assert text.startswith("LG Electronics said it will change")
    bold = "".join(c for c, key, _ in paragraph if key.startswith("b["))
    italic = "".join(c for c, key, _ in paragraph if key.startswith("i["))
    assert bold == "LG Electronics" and italic == "Affectionate Intelligence"
    assert out["word/document.xml"].count(b"<w:footnoteReference") == 1


def test_lost_codes_with_content_are_kept_and_half_pairs_dropped():
    doc = read(PRESS)
    unit = next(u for u in doc.units if u.id == "document:2")
    b_open = next(p for p in unit.source if isinstance(p, Code))
    unit.target = (b_open, "LG Electronics said so.")          # CLOSE and the note lost
    out = entries(doc.render())["word/document.xml"]
    assert out.count(b"<w:footnoteReference") == 1             # appended, not lost
    paragraph = characters(out)[1]
    assert "".join(c for c, _, _ in paragraph).startswith("LG Electronics said so.")
    assert all(key == "" for c, key, _ in paragraph if c != "<")   # half pair: no bold


def test_hyperlink_and_field_survive_translation():
    doc = read(PRESS)
    link = next(u for u in doc.units if u.id == "document:5")
    codes = [p for p in link.source if isinstance(p, Code)]
    link.target = ("Details are in the ", codes[0], codes[1], "LG Electronics newsroom",
                   codes[2], codes[3], ".")
    footer = next(u for u in doc.units if u.id == "footer1:1")
    fcodes = [p for p in footer.source if isinstance(p, Code)]
    footer.target = ("LG Electronics PR team ", fcodes[0], "1", fcodes[1])
    out = entries(doc.render())
    para = characters(out["word/document.xml"])[4]
    linked = "".join(c for c, _, ctx in para if ctx == ("hyperlink",))
    assert linked == "LG Electronics newsroom"
    assert b'r:id="rId2"' in out["word/document.xml"]
    foot = out["word/footer1.xml"].decode()
    assert "LG Electronics PR team" in foot and "PAGE" in foot
    assert foot.index('fldCharType="begin"') < foot.index("PAGE") < \
        foot.index('fldCharType="separate"') < foot.index('fldCharType="end"')


def test_tracked_changes_and_comments_are_kept_with_a_warning():
    xml = body('<w:p><w:r><w:t>공감지능은 </w:t></w:r><w:ins w:id="1" w:author="a">'
               '<w:r><w:t>새로운</w:t></w:r></w:ins><w:r><w:t> 비전이다.</w:t></w:r></w:p>'
               '<w:p><w:r><w:t>전장 사업이 성장한다.</w:t></w:r></w:p>')
    doc = read(with_part("word/document.xml", xml))
    states = {u.id: (u.state, u.reason) for u in doc.units if u.id.startswith("document")}
    assert states["document:1"] == (UnitState.KEEP, "tracked changes")
    assert states["document:2"][0] == UnitState.FILL
    assert any("tracked changes" in warning for warning in doc.warnings)


def test_complex_field_instruction_is_one_code_and_result_is_text():
    xml = body('<w:p><w:r><w:t xml:space="preserve">자세한 내용은 </w:t></w:r>'
               '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
               '<w:r><w:instrText xml:space="preserve"> HYPERLINK "https://lg.com" </w:instrText>'
               '</w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
               '<w:r><w:t>뉴스룸</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
               '<w:proofErr w:type="spellStart"/><w:r><w:t>에서 볼 수 있다.</w:t></w:r></w:p>')
    doc = read(with_part("word/document.xml", xml))
    source = doc.units[0].source
    assert source[0] == "자세한 내용은 "
    assert source[1] == Code("1", CodeKind.OPEN, '<field HYPERLINK "https://lg.com">')
    assert source[2:] == ("뉴스룸", Code("1", CodeKind.CLOSE, "</field>"), "에서 볼 수 있다.")
    out = entries(identity(doc))["word/document.xml"]
    assert characters(out) == characters(xml)
    assert b"proofErr" not in out


# ------------------------------------------------------------------------- LibreOffice

@pytest.mark.skipif(SOFFICE is None, reason=SOFFICE_REASON)
@pytest.mark.parametrize("data", [PRESS, WORD_LIKE], ids=["libreoffice", "word-like"])
def test_output_opens_in_libreoffice_with_the_same_structure(data):
    doc = read(data)
    for unit in doc.units:
        if unit.state == UnitState.FILL:     # a translation-like target: English, codes kept
            unit.target = tuple(p if isinstance(p, Code) else "English text." for p in
                                unit.source)
    out = doc.render()
    counts = libreoffice_counts(out)
    assert counts == libreoffice_counts(data)
    assert counts["paragraphs"] > 5 and counts["tables"] >= 1


# ------------------------------------------------------------------------- hostile input

def test_corrupt_zip_is_one_line_error():
    with pytest.raises(InputError, match="not a readable Word document") as e:
        read(PRESS[: len(PRESS) // 2])
    assert "\n" not in str(e.value) and str(e.value).startswith("press.docx: ")
    with pytest.raises(InputError, match="not a readable Word document"):
        read("한국어 텍스트".encode())


def test_zip_bomb_is_refused_before_inflating():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        z.writestr("word/document.xml", b"<" + b" " * (40 * 1024 * 1024) + b"/>")
    bomb = out.getvalue()
    assert len(bomb) < 100_000
    with pytest.raises(InputError, match="zip bomb refused"):
        read(bomb)


def test_part_that_is_not_xml_or_an_entity_bomb_is_refused():
    with pytest.raises(InputError, match="word/document.xml: not XML"):
        read(with_part("word/document.xml", b"\x89PNG\r\n\x1a\n binary"))
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
              b'<w:document ' + W.encode() + b'><w:body><w:p><w:r><w:t>&lol2;</w:t></w:r>'
              b'</w:p></w:body></w:document>')
    with pytest.raises(InputError, match="DOCTYPE or entity"):
        read(with_part("word/document.xml", laughs))
    with pytest.raises(InputError, match=r"word/document.xml, line 1: not well-formed"):
        read(with_part("word/document.xml", b"<w:document><w:body>"))


def test_zip_without_a_word_document_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(InputError, match="no \\[Content_Types\\].xml"):
        read(out.getvalue())


def test_deeply_nested_part_is_refused_not_a_crash():
    deep = "<w:sdt><w:sdtContent>" * 3000 + "<w:p/>" + "</w:sdtContent></w:sdt>" * 3000
    with pytest.raises(InputError, match="word/document.xml, line 2: not well-formed XML: "
                       "Excessive depth in document: 256, use XML_PARSE_HUGE option$"):
        read(with_part("word/document.xml", body(deep)))


def test_nested_wrappers_within_the_parser_limit_round_trip():
    inner = '<w:r><w:rPr><w:b/></w:rPr><w:t>공감지능</w:t></w:r>'
    for _ in range(100):
        inner = f'<w:smartTag w:element="x">{inner}</w:smartTag>'
    xml = body(f"<w:p><w:r><w:t>LG전자의 </w:t></w:r>{inner}</w:p>")
    out = entries(identity(read(with_part("word/document.xml", xml))))["word/document.xml"]
    assert characters(out) == characters(xml)


def test_comments_are_kept_untranslated_with_a_warning():
    types = entries(PRESS)["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/word/comments.xml" ContentType="application/vnd.'
        b'openxmlformats-officedocument.wordprocessingml.comments+xml"/></Types>')
    comments = (f'<w:comments {W}><w:comment w:id="0" w:author="kim"><w:p><w:r>'
                f'<w:t>전장 용어 확인 필요</w:t></w:r></w:p></w:comment></w:comments>').encode()
    data = with_part("word/comments.xml", comments, with_part("[Content_Types].xml", types))
    doc = read(data)
    assert "word/comments.xml: 1 comment(s) kept untranslated" in doc.warnings
    assert not any(u.id.startswith("comments") for u in doc.units)
    assert entries(identity(doc))["word/comments.xml"] == comments


def test_wrapper_properties_stay_first_in_their_wrapper():
    xml = body('<w:p><w:customXml w:element="note"><w:customXmlPr><w:attr w:name="k" '
               'w:val="v"/></w:customXmlPr><w:r><w:t>전장 사업</w:t></w:r></w:customXml>'
               '<w:sdt><w:sdtPr><w:alias w:val="요약"/></w:sdtPr><w:sdtContent><w:r>'
               '<w:t>이 성장한다.</w:t></w:r></w:sdtContent></w:sdt></w:p>')
    doc = read(with_part("word/document.xml", xml))
    assert [p.data for p in doc.units[0].source if isinstance(p, Code)] == [
        "<w:customXml>", "</w:customXml>", "<w:sdt>", "</w:sdt>"]
    out = entries(identity(doc))["word/document.xml"].decode()
    assert '<w:customXml w:element="note"><w:customXmlPr><w:attr w:name="k" w:val="v"/>' \
           '</w:customXmlPr><w:r>' in out
    assert '<w:sdt><w:sdtPr><w:alias w:val="요약"/></w:sdtPr><w:sdtContent><w:r>' in out


def test_odd_fields_stay_codes_and_round_trip():
    # text inside a field's instruction part, a field that never ends, an end without begin
    xml = body('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:t>전장</w:t></w:r>'
               '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>사업 </w:t></w:r>'
               '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE'
               '</w:instrText></w:r><w:r><w:t>이 성장한다.</w:t></w:r>'
               '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:fldChar '
               'w:fldCharType="end"/></w:r></w:p>')
    doc = read(with_part("word/document.xml", xml))
    assert plain_text(doc.units[0].source) == "전장사업 이 성장한다."
    out = entries(identity(doc))["word/document.xml"]
    assert characters(out) == characters(xml)
    assert out.count(b"<w:fldChar") == 5


class _Unseekable(io.RawIOBase):
    """A stream zipfile cannot seek back in: it writes data descriptors after each entry."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        self.data += b
        return len(b)


@pytest.mark.parametrize("zip64", [False, True])
def test_entries_with_data_descriptors_are_copied_whole(zip64):
    stream = _Unseekable()
    with zipfile.ZipFile(io.BytesIO(PRESS)) as src, \
            zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            with dst.open(info.filename, "w", force_zip64=zip64) as f:
                f.write(src.read(info))
    data = bytes(stream.data)
    out = identity(read(data))
    before, after = raw_entries(data), raw_entries(out)
    assert before["word/settings.xml"] == after["word/settings.xml"]
    # every copied entry, descriptor included, is the same bytes as in the source file
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        infos = z.infolist()
    ends = [i.header_offset for i in infos[1:]] + [data.index(b"PK\x01\x02")]
    for info, end in zip(infos, ends):
        if info.filename == "word/settings.xml":
            assert data[info.header_offset:end] in out
