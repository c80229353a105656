"""HTML pages: units and codes, untouched regions, attributes, encodings, invalid markup.

Identity round trips go through the document layer with the copy translator; the element
tree is checked with html5lib (``skeletons.py``), which builds the tree a browser builds.
"""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from copyengine import identity_round_trip
from skeletons import html_skeleton

from bitext.errors import InputError
from documents.formats import html_page
from documents.model import Code, CodeKind, DocumentOptions, UnitState, plain_text

FIXTURES = Path(__file__).parent / "fixtures" / "htmlmd"
REAL = sorted(FIXTURES.glob("*.html"))
HANGUL = re.compile(r"[가-힣]")

PAGE = """<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>공감지능 소개</title>
<meta name="description" content="LG전자의 &quot;공감지능&quot; 안내">
<meta property="og:title" content="공감지능">
<link rel="stylesheet" href="a.css" title="기본 스타일">
<style>p::before { content: "주의" }</style></head>
<body>
<p>LG전자는 <b>공감</b>지능을 발표했다.<br>
자세한 내용은 <a href="/x" title="링크 설명">여기</a>를 보세요.
<p>코드 <code>ls -la</code> 실행, <span translate="no">번역 금지</span> 끝.</p>
<img src="a.png" alt="사진 설명">
<div class="box notranslate">번역하지 않음 <b>굵게</b></div>
<ul><li>첫째 &amp; 둘째<li>셋째</ul>
<pre>미리 서식 <b>굵게</b></pre>
<input placeholder="검색어 입력" aria-label=검색>
<textarea>기본 값</textarea>
<script>var s = "<p>안녕</p>";</script>
</body></html>
"""


def read(text: str | bytes, name: str = "page.html") -> html_page.HtmlPage:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return html_page.read(data, name, DocumentOptions())


def texts(page: html_page.HtmlPage) -> list[str]:
    return [plain_text(u.source) for u in page.units]


def english(page: html_page.HtmlPage, filler: str = "EN <&> \"'") -> bytes:
    """Every unit 'translated': its Korean text replaced, its codes in place (a render test,
    not a translation; the filler is full of characters that need escaping)."""
    for unit in page.units:
        unit.target = tuple(part if isinstance(part, Code) or not HANGUL.search(part)
                            else re.sub(r"\S(?:.*\S)?", lambda _: filler, part)
                            for part in unit.source)
    return page.render()


# ----------------------------------------------------------------------------- what is read

def test_blocks_are_units_and_inline_elements_codes():
    page = read(PAGE)
    first = next(u for u in page.units if plain_text(u.source).startswith("LG전자는"))
    kinds = [(p.kind, p.data) for p in first.source if isinstance(p, Code)]
    assert kinds == [(CodeKind.OPEN, "<b>"), (CodeKind.CLOSE, "</b>"),
                     (CodeKind.ISOLATED, "<br>"),
                     (CodeKind.OPEN, '<a href="/x" title="링크 설명">'), (CodeKind.CLOSE, "</a>")]
    assert plain_text(first.source) == "LG전자는 공감지능을 발표했다. 자세한 내용은 여기를 보세요."
    assert (first.line, first.column) == (8, 4)
    assert "첫째 & 둘째" in texts(page) and "셋째" in texts(page)   # <li> closed by <li>


def test_untouched_elements_and_attributes():
    page = read(PAGE)
    all_text = " ".join(texts(page))
    for kept in ("번역 금지", "번역하지 않음", "미리 서식", "안녕", "주의", "기본 값", "ls -la",
                 "기본 스타일"):
        assert kept not in all_text
    inline = next(u for u in page.units if plain_text(u.source).startswith("코드"))
    assert [p.data for p in inline.source if isinstance(p, Code)] == [
        "<code>ls -la</code>", '<span translate="no">번역 금지</span>']
    for own in ("공감지능 소개", 'LG전자의 "공감지능" 안내', "공감지능", "링크 설명", "사진 설명",
                "검색어 입력", "검색"):
        assert own in texts(page), own


def test_units_are_in_file_order_and_english_only_units_skipped():
    page = read('<p title="설명">한국어</p><p>English only</p>')
    assert texts(page) == ["설명", "한국어", "English only"]
    assert [u.state for u in page.units] == [UnitState.FILL, UnitState.FILL, UnitState.SKIP]


# ----------------------------------------------------------------------------- round trips

def test_identity_round_trip_is_byte_equal():
    data = PAGE.encode("utf-8")
    result = identity_round_trip(data, "page.html")
    assert result.data == data
    assert result.counts["filled"] == 11
    assert not [q for u in result.document.units for q in u.qa]


def test_translated_page_keeps_its_tree_and_lang_becomes_en():
    page = read(PAGE)
    out = english(page).decode("utf-8")
    assert html_skeleton(out) == html_skeleton(PAGE)
    assert '<html lang="en">' in out
    assert "<title>EN &lt;&amp;&gt; \"'</title>" in out
    assert 'alt="EN &lt;&amp;&gt; &quot;&#39;"' in out
    assert 'aria-label="EN &lt;&amp;&gt; &quot;&#39;"' in out       # was unquoted
    assert '<a href="/x" title="EN &lt;&amp;&gt; &quot;&#39;">' in out  # inside a code
    for kept in ('<span translate="no">번역 금지</span>', "<pre>미리 서식 <b>굵게</b></pre>",
                 'var s = "<p>안녕</p>";', "<textarea>기본 값</textarea>",
                 'title="기본 스타일"'):
        assert kept in out


def test_a_code_element_is_not_glued_to_an_english_word():
    page = read("<p>이 경우 <code>user.cgi</code>는 CGI 스크립트이고 <b>굵게</b>는</p>")
    code, bold_open, bold_close = (p for p in page.units[0].source if isinstance(p, Code))
    page.units[0].target = ("In this case", code, "is a CGI script and", bold_open, "bold",
                            bold_close, ".")
    assert page.render() == (b"<p>In this case <code>user.cgi</code> is a CGI script and"
                             b"<b>bold</b>.</p>")


def test_a_page_labelled_another_language_is_read_with_a_warning():
    page = read('<html lang="en"><body><p>한국어 본문</p></body></html>')
    assert texts(page) == ["한국어 본문"]
    assert page.warnings == ['line 1: the page says lang="en"; its Korean text is translated '
                             "all the same"]
    assert english(page).startswith(b'<html lang="en">')
    page = html_page.read(b'<html lang="en"><p>\xed\x95\x9c</p>', "p.html",
                          DocumentOptions(source_lang="en"))
    assert page.warnings == []


def test_lang_stays_when_nothing_is_translated():
    page = read(PAGE)
    assert page.render() == PAGE.encode("utf-8")


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_real_euc_kr_pages(path):
    data = path.read_bytes()
    source = data.decode("cp949")
    result = identity_round_trip(data, path.name)
    assert result.document.encoding == "cp949"
    out = result.data.decode("utf-8")                   # written as UTF-8 …
    assert out == source.replace('encoding="EUC-KR"', 'encoding="utf-8"')  # … and says so
    assert html_skeleton(out) == html_skeleton(source)
    page = read(data, path.name)
    translated = english(page).decode("utf-8")
    assert html_skeleton(translated) == html_skeleton(source)
    assert 'lang="en" xml:lang="en"' in translated
    assert not HANGUL.search(re.sub(r"<script.*?</script>|<code.*?</code>", "", translated,
                                    flags=re.S))


def test_meta_charset_and_http_equiv_euc_kr():
    for head in ('<meta charset="euc-kr">',
                 '<meta http-equiv="Content-Type" content="text/html; charset=EUC-KR">'):
        text = f"<html lang='ko'><head>{head}</head><body><p>한글 문서</p></body></html>"
        page = read(text.encode("cp949"), "k.html")
        assert texts(page) == ["한글 문서"]
        out = english(page).decode("utf-8")
        assert "euc-kr" not in out.lower() and "utf-8" in out
        assert html_skeleton(out) == html_skeleton(text)


def test_declared_charset_that_lies_is_read_anyway_with_a_warning():
    data = '<meta charset="iso-8859-1"><p>한글</p>'.encode()
    page = read(data)                                   # cp1252 decodes anything: believed
    assert texts(page) != ["한글"]
    data = '<meta charset="euc-kr"><p>한글</p>'.encode()   # UTF-8 bytes, EUC-KR declared
    page = read(data)
    assert texts(page) == ["한글"] and "declared euc-kr but is not" in page.warnings[0]
    assert page.render() == '<meta charset="utf-8"><p>한글</p>'.encode()  # now it is


def test_an_undeclared_cp949_page_is_written_as_utf8_with_a_bom():
    page = read("<p>한글 문서</p>".encode("cp949"))
    assert texts(page) == ["한글 문서"] and "CP949" in page.warnings[0]
    assert page.render() == "\ufeff<p>한글 문서</p>".encode()
    assert html_skeleton(page.render()) == html_skeleton("<p>한글 문서</p>")


# ----------------------------------------------------------------------------- bad input

INVALID = [
    "<p>열린 <b>굵게 <i>기울임</b> 끝</i><p>다음 문단",          # misnested, unclosed
    "<div>부등호 a < b 와 & 기호</div>",                         # bare < and &
    "<p class=a title=제목>속성 따옴표 없음</p></div></span>",      # stray end tags
    "<table><tr><td>셀 하나<td>셀 둘</table>텍스트",              # implied ends, text after
    "<p>닫히지 않은 주석 <!-- 주석",                              # unterminated comment
    "<ul><li>하나<li>둘<p>셋</ul><b>굵게 끝나지 않음",
]


@pytest.mark.parametrize("text", INVALID)
def test_invalid_html_is_read_as_browsers_do(text):
    page = read(text)
    assert identity_round_trip(text.encode(), "x.html").data == text.encode()
    out = english(page).decode()
    assert html_skeleton(out) == html_skeleton(text)
    for unit in page.units:                       # codes of a unit are well formed
        opened = [p.id for p in unit.source if isinstance(p, Code) and p.kind is CodeKind.OPEN]
        closed = [p.id for p in unit.source if isinstance(p, Code) and p.kind is CodeKind.CLOSE]
        assert sorted(opened) == sorted(closed)


def test_hostile_input():
    with pytest.raises(InputError, match="page.html: input is empty"):
        read(b"   \n")
    with pytest.raises(InputError, match="NUL"):
        read(b"<p>\x00</p>")
    deep = "<div>" * 20000 + "<b>" * 20000 + "깊다" + "</b>" * 20000 + "</div>" * 20000
    start = time.perf_counter()
    page = read(deep)
    assert time.perf_counter() - start < 10
    assert page.units[0].state is UnitState.SKIP            # 40000 codes: markup, not prose
    assert page.render() == deep.encode()
    line = "<p>" + "가나다라 " * 50000 + "</p>"            # one 250 kB line
    page = read(line)
    assert len(page.units) == 1 and page.render() == line.encode()
