"""Regressions found by feeding the format modules real and mutilated files (branch robust).

Each test is one input that used to end in a traceback (exit 3) instead of a one-line
``file:line: message`` (``InputError``, exit 2). The inputs are made from the committed
fixtures or written inline.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from copyengine import identity_round_trip

from bitext.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures"


def _cut(data: bytes, start: int, length: int) -> bytes:
    return data[:start] + data[start + length:]


@pytest.mark.parametrize("name", ["word-like.docx", "press-release.docx"])
def test_docx_with_bytes_cut_from_the_middle_is_one_line(name):
    # Bytes cut out before the central directory make its offsets point before the file's
    # start: zipfile raised "ValueError: negative seek value" from inside the entry read.
    data = (FIXTURES / "docx" / name).read_bytes()
    for start in range(len(data) // 8, len(data) - 200, len(data) // 8):
        mutilated = _cut(data, start, 43)
        try:
            identity_round_trip(mutilated, name)
        except InputError as e:
            assert "\n" not in str(e)


@pytest.mark.parametrize("text, line, says", [
    # press-ko.po cut after a msgid_plural: polib gave the entry an empty msgstr with no line
    # to write it into, and render() died with StopIteration
    ('msgid ""\nmsgstr ""\n\nmsgid "%d개의 파일"\nmsgid_plural "%d개의 파일"\n', 4, "msgstr[]"),
    ('msgid "공감지능"\n', 1, "'msgstr'"),
    ('msgid "공감지능"\n\nmsgid "일상"\nmsgstr ""\n', 3, "PO syntax error"),  # polib's
    # msgstr[0] without msgid_plural: read, but never filled
    ('msgid "공감지능"\nmsgstr[0] ""\n', 2, "without a 'msgid_plural'"),
    ('msgid "공감지능"\nmsgid_plural "공감지능들"\nmsgstr ""\n', 3, "plain 'msgstr'"),
])
def test_po_entry_without_its_msgstr_is_one_line_as_msgfmt_says(text, line, says):
    with pytest.raises(InputError) as caught:
        identity_round_trip(text.encode(), "cut.po")
    assert caught.value.line == line and says in str(caught.value)


def test_po_obsolete_and_previous_msgids_need_no_msgstr():
    text = ('msgid "공감지능"\nmsgstr ""\n\n#| msgid "옛"\nmsgid "일상"\nmsgstr ""\n\n'
            '#~ msgid "지난"\n#~ msgstr "past"\n')
    assert identity_round_trip(text.encode(), "ok.po").counts["filled"] == 2


def test_html_with_a_utf8_mark_over_euc_kr_bytes_is_one_line():
    # An EUC-KR page (Apache httpd's Korean docs) with a UTF-8 byte-order mark put in front
    # by an editor: UnicodeDecodeError traceback before.
    page = "<html><head><title>제목</title></head>\n<body><p>공감지능</p></body></html>\n"
    data = b"\xef\xbb\xbf" + page.encode("cp949")
    with pytest.raises(InputError) as caught:
        identity_round_trip(data, "page.html")
    assert caught.value.line == 1 and "byte-order mark" in str(caught.value)


def test_yaml_with_a_five_megabyte_value_is_read_by_libyaml():
    # PyYAML's pure-Python scanner took over 15 s on a 5 MB plain scalar (and timed out on
    # a 700 kB one of markup); libyaml's composer reads it in a fraction of a second. The
    # time itself is a benchmark's business: here, that the C loader is the one used where
    # PyYAML has it, and that a 5 MB value is read and written back whole.
    import yaml

    from documents.formats import yaml_strings

    if getattr(yaml, "__with_libyaml__", False):
        assert yaml_strings._LOADER is yaml.CSafeLoader
    data = b"ko:\n  big: " + b"a" * 5_000_000 + b"\n  hello: \xec\x95\x88\xeb\x85\x95\n"
    result = identity_round_trip(data, "big.yml")
    assert result.counts["filled"] == 1


def test_yaml_nested_a_thousand_deep_is_one_line():
    data = "".join("  " * i + "- 가\n" if i == 1999 else "  " * i + "-\n"
                   for i in range(2000)).encode()
    with pytest.raises(InputError) as caught:
        identity_round_trip(data, "deep.yml")
    assert "\n" not in str(caught.value)


XLIFF12 = ('<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">'
           '<file original="a" source-language="ko" target-language="en" datatype="plaintext">'
           '<body><trans-unit id="1"><source>공감지능</source></trans-unit></body></file>'
           '</xliff>\n')


@pytest.mark.parametrize("codec", ["utf-16-be", "utf-16-le"])
def test_xliff_in_utf16_without_mark_or_declaration_is_read_in_its_encoding(codec):
    # Only '<?xml' was recognised as UTF-16 without a byte-order mark; a file starting with
    # its root element was decoded as UTF-8 (NULs and all), expat guessed UTF-16 on its own,
    # and the span reader failed an assertion (exit 3).
    data = XLIFF12.encode(codec)
    result = identity_round_trip(data, "job.xlf")
    assert result.counts["filled"] == 1
    assert result.data.decode(codec).count("<target") == 1


def test_yaml_with_a_control_character_is_one_line():
    # PyYAML's ReaderError is not a MarkedYAMLError: its three-line message went out whole
    # (found by tests/test_robust_fuzz.py flipping the first byte of rails-own.ko.yml).
    data = "ko:\n  a: 가\n  b: \x01나\n".encode()
    with pytest.raises(InputError) as caught:
        identity_round_trip(data, "bad.yml")
    assert "\n" not in str(caught.value) and caught.value.line == 3


def test_markdown_prose_inside_liquid_raw_is_translated():
    # The Django Girls tutorial (ko/django_templates) wraps a whole paragraph in
    # {% raw %}…{% endraw %} so Jekyll shows `{% for %}` in code spans; the body was kept as
    # code, so the paragraph's Korean was silently left untranslated.
    from documents.model import Code, UnitState
    from documents.registry import read_document
    text = ("{% raw %}`{% for %}` 와 `{% endfor %}` 사이의 내용은 반복됩니다.{% endraw %}\n\n"
            "```\n{% raw %}{{ 코드 }}{% endraw %}\n```\n")
    doc = read_document(text.encode(), "loop.md")
    fill = [u for u in doc.units if u.state is UnitState.FILL]
    assert len(fill) == 1
    words = "".join(p for p in fill[0].source if not isinstance(p, Code))
    assert "사이의 내용은 반복됩니다." in words
    assert identity_round_trip(text.encode(), "loop.md").data == text.encode()


@pytest.mark.parametrize("eol", ["\r", "\r\n", "\n"])
def test_po_filled_lines_keep_the_file_line_ends(eol):
    # A CR-only PO (msgfmt accepts it) came back with LF after each written msgstr line.
    text = eol.join(['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"',
                     '"Plural-Forms: nplurals=1; plural=0;\\n"', "", 'msgid "공감지능"',
                     'msgstr ""', "", 'msgid "%d개"', 'msgid_plural "%d개"', 'msgstr[0] ""',
                     ""])
    out = identity_round_trip(text.encode(), "eol.po").data.decode()
    assert out.count(eol) >= text.count(eol) + 1        # the added msgstr[1] line too
    if eol != "\r\n":
        other = "\n" if eol == "\r" else "\r"
        assert other not in out
    else:
        assert out.replace("\r\n", "").count("\n") == 0


def test_xliff_target_built_from_a_korean_seg_source_is_well_formed():
    # A trans-unit with a <seg-source> and no <target> (Okapi, Trados before translation):
    # the target was cut from the seg-source with byte offsets applied to characters, so
    # any Hangul before a segment garbled it into XML that no longer parsed.
    from lxml import etree
    data = ('<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">'
            '<file original="a" source-language="ko" target-language="en" '
            'datatype="plaintext"><body><trans-unit id="1">'
            '<source>공개했다. 자세한 내용은 <ph id="1">&lt;a&gt;</ph>홈페이지에서.</source>'
            '<seg-source><mrk mtype="seg" mid="1">공개했다.</mrk> <mrk mtype="seg" mid="2">'
            '자세한 내용은 <ph id="1">&lt;a&gt;</ph>홈페이지에서.</mrk></seg-source>'
            '</trans-unit></body></file></xliff>\n').encode()
    out = identity_round_trip(data, "seg.xlf").data
    ns = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
    marks = etree.fromstring(out).findall(".//x:target/x:mrk", ns)
    assert [m.get("mid") for m in marks] == ["1", "2"]
    assert [m.xpath("string()") for m in marks] == [
        "공개했다.", "자세한 내용은 <a>홈페이지에서."]


class _OneWordEnglish:
    """A translator that writes each sentence's Hangul as x's (one English "word" per run of
    Hangul), so code placement has fewer words than the Korean had pieces."""

    engine = None

    def translate_segments(self, segments, progress=None):
        import re

        from bitext.records import AlignedSegment
        for s in segments:
            english = re.sub("[가-힣]+", lambda m: "x" * len(m.group()), s.source)
            yield AlignedSegment(s.index, s.source, english, [], s.doc, s.paragraph, s.line,
                                 s.notes, [])


def _markdown_shape(text: str) -> list[tuple[str, str, int]]:
    from markdown_it import MarkdownIt
    return [(t.type, t.tag, t.nesting) for t in MarkdownIt("commonmark").parse(text)]


@pytest.mark.parametrize("text", [
    "***굵고 기울임***\n",             # CommonMark spec examples 412-468, in Korean
    "***굵게** 기울임*\n",
    "*기울임**굵게**기울임*\n",
])
def test_markdown_openings_that_meet_stay_one_delimiter_run(text):
    # A space was put between every two codes of the same character, also between two
    # openings (`*` then `**`): "* **x** *" is literal asterisks, the emphasis was lost.
    from documents import translate_file
    out = translate_file(text.encode(), _OneWordEnglish(), name="em.md").data.decode()
    assert _markdown_shape(out) == _markdown_shape(text)


def test_markdown_emphasis_the_english_leaves_empty_is_dropped():
    # Three pairs around one English word: the last pair got nothing to wrap and was
    # written "* *" (two literal asterisks on the page).
    from documents import translate_file
    out = translate_file("*가나*다라*마바*\n".encode(), _OneWordEnglish(), name="em.md").data
    assert out.decode() == "*xxxxxx*\n"


_SEG_HEAD = ('<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><file '
             'original="a" source-language="ko" target-language="en" datatype="plaintext">'
             '<body><trans-unit id="1"><source>가. 나.</source>\n<seg-source>')


@pytest.mark.parametrize("segs, target, says", [
    # the same mid twice: the first segment's English was lost (both got the second's)
    ('<mrk mtype="seg" mid="1">가.</mrk><mrk mtype="seg" mid="1">나.</mrk>', "", "mid '1'"),
    # ... and with target markers for them, two edits overlapped: ValueError, exit 3
    ('<mrk mtype="seg" mid="1">가.</mrk><mrk mtype="seg" mid="1">나.</mrk>',
     '<target><mrk mtype="seg" mid="1"/><mrk mtype="seg" mid="1"/></target>', "mid '1'"),
    # no mid: the new target was the Korean seg-source, copied
    ('<mrk mtype="seg">가.</mrk><mrk mtype="seg">나.</mrk>', "", "without a mid"),
    # a segment inside a segment: overlapping edits, exit 3
    ('<mrk mtype="seg" mid="1">가. <mrk mtype="seg" mid="2">나.</mrk></mrk>', "",
     "inside another"),
])
def test_xliff_segment_markers_that_cannot_be_matched_are_one_line(segs, target, says):
    data = (_SEG_HEAD + segs + "</seg-source>" + target +
            "</trans-unit></body></file></xliff>\n").encode()
    with pytest.raises(InputError) as caught:
        identity_round_trip(data, "segs.xlf")
    assert says in str(caught.value) and caught.value.line == 2


def test_po_with_three_plural_forms_becomes_valid_english():
    # A Korean PO carrying a three-form Plural-Forms header (copied from another language):
    # the header became English's nplurals=2 but msgstr[2] stayed, so msgfmt refused the
    # output ("nplurals = 2 ... but some messages have 3 plural forms").
    import shutil
    import subprocess
    text = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
            '"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n==2 ? 1 : 2);\\n"\n\n'
            'msgid "%d개 파일"\nmsgid_plural "%d개 파일"\nmsgstr[0] ""\nmsgstr[1] ""\n'
            'msgstr[2] ""\n\n'
            'msgid "%d개 모델"\nmsgid_plural "%d개 모델"\nmsgstr[0] "%d model"\n'
            'msgstr[1] "%d models"\nmsgstr[2] "%d models!"\n')
    result = identity_round_trip(text.encode(), "three.po")
    out = result.data.decode()
    assert "msgstr[2]" not in out and out.count("msgstr[1]") == 2
    assert any("the first two kept" in w for w in result.document.warnings)
    if shutil.which("msgfmt"):
        check = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", "-"], input=result.data,
                               capture_output=True)
        assert check.returncode == 0, check.stderr.decode()


@pytest.mark.parametrize("text", [
    "가나다  \n     라마바\n",                 # CommonMark spec example 638, in Korean
    "*가나다  \n라마바*\n",                    # example 640
    "> 가나다\\\n> 라마바\n",
])
def test_markdown_hard_break_the_english_puts_first_or_last_is_dropped(text):
    # With one English word the break code landed before it: "  \n     xxxxxx", an empty
    # first line and an indented rest that Markdown reads as a code block.
    from documents import translate_file
    out = translate_file(text.encode(), _OneWordEnglish(), name="br.md").data.decode()
    assert _markdown_shape(out) == _markdown_shape(text)
    assert "\n" not in out.rstrip("\n")
