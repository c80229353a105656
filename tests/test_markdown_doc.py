"""Markdown: prose units, markup as codes, front matter, shortcodes, byte-equal round trips.

Structure is checked by rendering the source and the output with markdown-it and comparing
the element trees (``skeletons.py``), text left out.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from copyengine import identity_round_trip
from skeletons import markdown_skeleton

from bitext.errors import InputError
from documents.formats import markdown_doc
from documents.model import Code, CodeKind, DocumentOptions, UnitState, plain_text

FIXTURES = Path(__file__).parent / "fixtures" / "htmlmd"
REAL = sorted(FIXTURES.glob("k8s-*.md"))
HANGUL = re.compile(r"[가-힣]+")
NASTY = "1. - EN *a* _b_ [c](d) <i> | # `e` \\ &amp; ~~f~~ {{< g >}}"

DOC = """---
title: 공감지능 소개
description: "LG전자의 안내"
tags: [가, 나]
---

# 제목 *강조*

> 인용 **굵게** \\* 이스케이프 &amp;
> 둘째 줄{HARD}
> 셋째 [링크](http://x.com "제목") ![대체 텍스트](그림.png) `코드` <b>굵게</b> <http://a.b>

| 가 | 나 |
|---|---|
| 다 \\| 라 | 마 [참조][r] |

- 항목
  계속
- ~~취소~~ 선

{{< note >}}
노트 **안의** 글 {{< tooltip >}}
{{< /note >}}

{{% capture body %}}

```python
print("안녕")
```

    들여쓴 코드

<div>HTML 블록 안녕</div>

[r]: http://r.com "참조 제목"
""".replace("{HARD}", "  ")


def read(text: str | bytes, name: str = "doc.md", **extra) -> markdown_doc.MarkdownDoc:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return markdown_doc.read(data, name, DocumentOptions(extra=extra))


def texts(doc: markdown_doc.MarkdownDoc) -> list[str]:
    return [plain_text(u.source) for u in doc.units]


def english(doc: markdown_doc.MarkdownDoc, filler: str = NASTY) -> str:
    """Every run of Hangul replaced by ``filler`` (by default full of markup characters that
    must come out literal), codes in place: a render test, not a translation."""
    for unit in doc.units:
        unit.target = tuple(part if isinstance(part, Code) else HANGUL.sub(filler, part)
                            for part in unit.source)
    return doc.render().decode("utf-8")


# ----------------------------------------------------------------------------- what is read

def test_prose_is_translated_and_code_is_not():
    doc = read(DOC)
    assert texts(doc) == [
        "공감지능 소개", "LG전자의 안내", "제목 강조",
        "인용 굵게 * 이스케이프 & 둘째 줄셋째 링크 대체 텍스트  굵게 ",
        "가", "나", "다 | 라", "마 참조", "항목 계속", "취소 선", " 노트 안의 글  ", ""]
    all_text = " ".join(texts(doc))
    for kept in ("안녕", "들여쓴", "HTML 블록", "참조 제목", "그림.png", "http://x.com", "코드",
                 "tags", "가, 나"):
        assert kept not in all_text
    assert doc.units[-1].state is UnitState.SKIP              # {{% capture body %}} alone


def test_inline_markup_becomes_codes_with_their_source():
    doc = read(DOC)
    quote = doc.units[3]
    codes = [(p.kind.value, p.data) for p in quote.source if isinstance(p, Code)]
    assert codes == [
        ("open", "**"), ("close", "**"), ("isolated", "  \n> "), ("open", "["),
        ("close", '](http://x.com "제목")'), ("open", "!["), ("close", "](그림.png)"),
        ("isolated", "`코드`"), ("open", "<b>"), ("close", "</b>"), ("isolated", "<http://a.b>")]
    assert (quote.line, quote.column) == (9, 3)
    note = doc.units[10]
    assert [(p.kind, p.data) for p in note.source if isinstance(p, Code)] == [
        (CodeKind.OPEN, "{{< note >}}"), (CodeKind.OPEN, "**"), (CodeKind.CLOSE, "**"),
        (CodeKind.ISOLATED, "{{< tooltip >}}"), (CodeKind.CLOSE, "{{< /note >}}")]


def test_identity_round_trip_is_byte_equal():
    for text in (DOC, DOC.replace("\n", "\r\n"), "\ufeff" + DOC):
        data = text.encode("utf-8")
        result = identity_round_trip(data, "doc.md")
        assert result.data == data
        assert not [q for u in result.document.units for q in u.qa]


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_real_hugo_docs(path):
    data = path.read_bytes()
    result = identity_round_trip(data, path.name)
    assert result.data == data
    assert result.counts["filled"] >= 25
    assert not result.document.warnings
    doc = read(data, path.name)
    out = english(doc)
    assert markdown_skeleton(out) == markdown_skeleton(data.decode())
    out_lines = out.splitlines()
    fenced = False
    for line in data.decode().splitlines():      # code and lone shortcode lines: unchanged
        if line.startswith("```"):
            fenced = not fenced
        if fenced or line.startswith(("```", "{{% capture", "{{% /capture", "{{< glossary_")):
            assert line in out_lines, line


def test_translated_markdown_keeps_its_skeleton():
    doc = read(DOC)
    out = english(doc)
    assert markdown_skeleton(out) == markdown_skeleton(DOC)
    assert "](http://x.com \"제목\")" in out and "](그림.png)" in out and "`코드`" in out
    assert "{{< note >}}" in out and "{{< /note >}}" in out and "{{< tooltip >}}" in out
    assert 'print("안녕")' in out and "<div>HTML 블록 안녕</div>" in out
    assert "tags: [가, 나]" in out and '[r]: http://r.com "참조 제목"' in out


def test_a_paragraph_that_starts_like_a_list_stays_a_paragraph():
    for start in ("1. Step", "- item", "+ item", "=== ", "10) x", "---", "***", "> q", "# h"):
        doc = read("한국어 문단\n")
        doc.units[0].target = (start,)
        out = doc.render().decode()
        assert markdown_skeleton(out) == markdown_skeleton("한국어 문단\n"), out


# ----------------------------------------------------------------------------- front matter

def test_front_matter_values_of_chosen_keys_only():
    text = ("---\ntitle: 제목\nsummary: 요약\ndescription: >\n  긴 설명\n  둘째 줄\n"
            "card:\n  title: 카드\n---\n본문\n")
    doc = read(text)
    assert texts(doc) == ["제목", "긴 설명 둘째 줄", "본문"]
    doc.units[0].target = ("Title: with colon",)
    doc.units[1].target = ("Long description",)
    out = doc.render().decode()
    assert out.startswith('---\ntitle: "Title: with colon"\nsummary: 요약\n'
                          'description: "Long description"\ncard:\n  title: 카드\n---\n')
    doc = read(text, front_matter_keys=["summary"])
    assert texts(doc) == ["요약", "본문"]
    doc = read(text, front_matter_keys="title, summary")
    assert texts(doc) == ["제목", "요약", "본문"]


def test_front_matter_language_becomes_english():
    doc = read("---\nlang: ko-KR\ntitle: 제목\n---\n본문\n")
    assert doc.render().startswith(b"---\nlang: ko-KR\n")        # nothing translated yet
    english(doc, "EN")
    assert doc.render() == b"---\nlang: en\ntitle: EN\n---\nEN\n"
    doc = read('+++\nlanguage = "ko"\n+++\n본문\n')
    english(doc, "EN")
    assert doc.render() == b'+++\nlanguage = "en"\n+++\nEN\n'


def test_toml_front_matter():
    text = ('+++\ntitle = "제목"\nweight = 10\ndescription = \'설명\'\n[params]\n'
            'title = "표"\n+++\n본문\n')
    doc = read(text)
    assert texts(doc) == ["제목", "설명", "본문"]
    doc.units[0].target = ('Say "hi"',)
    doc.units[1].target = ("Plain",)
    out = doc.render().decode()
    assert out.startswith('+++\ntitle = "Say \\"hi\\""\nweight = 10\ndescription = \'Plain\'\n')
    with pytest.raises(InputError, match=r"doc.md:3: front matter is not valid TOML"):
        read('+++\ntitle = "제목"\nweight = = 1\n+++\n')


def test_unterminated_or_broken_front_matter():
    with pytest.raises(InputError, match=r"^doc.md:1: front matter opened with '---' is never"):
        read("---\ntitle: 제목\n\n본문은 여기\n")
    with pytest.raises(InputError, match=r"^doc.md:1: front matter opened with '\+\+\+'"):
        read("+++\ntitle = 1\n")
    with pytest.raises(InputError, match=r"^doc.md:3: front matter is not valid YAML"):
        read("---\ntitle: 제목\n  bad: [indent\n---\n본문\n")
    doc = read("---\n\n본문 문단\n")                     # a thematic break, then Markdown
    assert texts(doc) == ["본문 문단"] and not doc.warnings


# ----------------------------------------------------------------------------- shortcodes

def test_shortcodes_and_code_shortcodes():
    text = ("{{< highlight go >}}\n// 주석\nfunc main() {}\n\n// 둘째\n{{< /highlight >}}\n\n"
            "{% raw %}\n{{ 원본 }}\n{% endraw %}\n\n"
            "문장 {{< tooltip text=\"설명\" >}} 과 {{% ref \"a.md\" %}} 끝.\n\n"
            "## 제목 {#my-id}\n")
    doc = read(text)
    assert [u.state for u in doc.units[:3]] == [UnitState.SKIP] * 3    # code, raw
    assert texts(doc)[3:] == ["문장  과  끝.", "제목 "]
    fill = [u for u in doc.units if u.state is UnitState.FILL]
    assert [[p.data for p in u.source if isinstance(p, Code)] for u in fill] == [
        ['{{< tooltip text="설명" >}}', '{{% ref "a.md" %}}'], ["{#my-id}"]]
    out = english(doc)
    assert "// 주석" in out and "{{ 원본 }}" in out and "{#my-id}" in out


def test_footnotes_and_task_boxes_stay_as_they_are():
    text = "- [ ] 할 일\n- [x] 끝난 일\n\n본문[^1] 이다.\n\n[^1]: 각주 설명\n"
    doc = read(text)
    assert texts(doc) == [" 할 일", " 끝난 일", "본문 이다.", ": 각주 설명"]
    out = english(doc, "EN")
    assert out == "- [ ] EN EN\n- [x] EN EN\n\nEN[^1] EN.\n\n[^1]: EN EN\n"


def test_placement_failure_leaves_text_and_warns(monkeypatch):
    # a block whose inline text cannot be placed on its lines is kept, with a warning
    monkeypatch.setattr(markdown_doc._Reader, "index",
                        lambda *a: (_ for _ in ()).throw(markdown_doc._NotLocated("test")))
    doc = read("한국어 문단\n")
    assert doc.units == [] and doc.warnings == [
        "line 1: text left untranslated (could not place its markup: test)"]


# ----------------------------------------------------------------------------- bad input

def test_spaces_inside_emphasis_move_out():
    doc = read("**냉난방공조** 사업\n")
    bold = [p for p in doc.units[0].source if isinstance(p, Code)]
    doc.units[0].target = ("The ", bold[0], " HVAC ", bold[1], "business")
    assert doc.render() == b"The  **HVAC** business\n"


def test_codes_that_would_run_together_get_a_space():
    doc = read("`-` 또는 `.` 만 포함한다.\n")
    ticks = [p for p in doc.units[0].source if isinstance(p, Code)]
    doc.units[0].target = ("Only ", ticks[0], ticks[1], ".")
    out = doc.render().decode()
    assert out == "Only `-` `.`.\n"
    assert markdown_skeleton(out) == markdown_skeleton("`-` 또는 `.` 만 포함한다.\n")


def test_a_code_span_is_not_glued_to_an_english_word():
    doc = read("이름이 `myapp-1234`인 파드\n")
    code = next(p for p in doc.units[0].source if isinstance(p, Code))
    doc.units[0].target = ("For", code, "example, a Pod")
    assert doc.render() == b"For `myapp-1234` example, a Pod\n"
    doc = read("버전 v`1.0`s 사용\n")                       # glued to Latin in the source
    code = next(p for p in doc.units[0].source if isinstance(p, Code))
    doc.units[0].target = ("Use v", code, "s")
    assert doc.render() == b"Use v`1.0`s\n"


def test_hostile_markdown():
    with pytest.raises(InputError, match="doc.md: input is empty"):
        read(b"  \n\n")
    deep = "> " * 5000 + "깊은 인용\n"
    doc = read(deep)
    assert doc.render() == deep.encode()
    nested = "[" * 3000 + "링크" + "]" * 3000 + "\n"
    doc = read(nested)
    assert doc.render() == nested.encode()
    long_line = "가나다 **라마** " * 20000 + "\n"
    doc = read(long_line)
    assert len(doc.units) == 1 and english(doc, "x").count("**") == 40000
    laughs = "---\na: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{k}: &{k} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, k in zip("abcdefgh", "bcdefghi")) + "title: 제목\n---\n본문\n"
    doc = read(laughs)                    # composed, never expanded: a billion laughs is cheap
    assert texts(doc) == ["제목", "본문"]
    cp949 = "# 제목\n\n본문입니다.\n".encode("cp949")
    doc = read(cp949)
    assert texts(doc) == ["제목", "본문입니다."] and "CP949" in doc.warnings[0]
