"""The document layer with the copy translator: registry, text format, codes, bad input."""
from __future__ import annotations

import pytest
from copyengine import CopyTranslator, identity_round_trip
from docmodel import MemoryDocument, content_text

from bitext.errors import InputError
from documents import read_document, translate_document, translate_file
from documents.codes import missing_or_extra
from documents.model import Code, CodeKind, Unit, UnitState


def b(i: str) -> Code:
    return Code(i, CodeKind.OPEN, f"<b{i}>")


def e(i: str) -> Code:
    return Code(i, CodeKind.CLOSE, f"</b{i}>")


def x(i: str) -> Code:
    return Code(i, CodeKind.ISOLATED, "<br/>")


TEXT = ("LG전자는 공감지능을 앞세운다. 두 번째 문장입니다.\r\n\r\n  OLED TV  \n"
        "{name}님, 안녕하세요 https://lg.com 참고\n\n\n마지막 줄\t")


@pytest.mark.parametrize("data", [
    TEXT.encode(), TEXT.replace("\r\n", "\n").encode(), b"\xef\xbb\xbf" + TEXT.encode(),
    TEXT.encode("utf-16"), "가나다 라마바.\r\n사아자\r\n".encode("cp949"), TEXT.encode() + b"\n",
])
def test_text_identity_round_trip(data):
    result = identity_round_trip(data, "press.txt")
    assert result.data == data
    assert result.counts["skipped"] == ("OLED TV" in TEXT and b"OLED" in data
                                        or b"O\x00L\x00E\x00D" in data)


def test_one_model_call_path_per_document_and_counts():
    copy = CopyTranslator()
    result = translate_file(TEXT.encode(), copy, name="a.txt")
    assert copy.calls == 1
    assert result.counts == {"filled": 3, "kept": 0, "skipped": 1}
    assert {s.doc for s in result.segments} == {"a.txt"}
    assert [s.line for s in result.segments][:2] == [1, 1]
    assert "{name}" not in " ".join(copy.sentences)        # placeholders never reach the engine
    assert [s.index for s in result.segments] == list(range(1, len(result.segments) + 1))


def test_codes_survive_a_copy_exactly():
    units = [
        Unit("1", ("LG전자는 ", b("1"), "공감", e("1"), "지능을 앞세운다.", x("2"),
                   " 다음 문장이다.")),
        Unit("2", (b("a"), "냉난방", b("b"), "공조", e("b"), " 사업", e("a"), "을 키운다 {n}개.")),
        Unit("3", ("{count, plural, one {# 파일} other {# 파일들}}",)),
    ]
    doc = MemoryDocument("m", units)
    translate_document(CopyTranslator(), doc)
    for u in units:
        assert content_text(u.target) == content_text(u.source)
        assert not missing_or_extra(u.source, u.target)


def test_icu_branches_translated_one_by_one():
    copy = CopyTranslator()
    icu = "{count, plural, one {파일 한 개를 지웠다} other {# 개 파일을 지웠다}}"
    doc = MemoryDocument("m", [Unit("1", (icu,))])
    translate_document(copy, doc)
    assert copy.sentences == ["파일 한 개를 지웠다", " 개 파일을 지웠다".strip()]


def test_units_without_korean_are_skipped_and_kept_units_untouched():
    units = [Unit("1", ("OLED TV",)), Unit("2", ("{name}",)),
             Unit("3", ("번역됨",), state=UnitState.KEEP), Unit("4", ("한국어",))]
    result = translate_document(CopyTranslator(), MemoryDocument("m", units))
    assert result.counts == {"filled": 1, "kept": 1, "skipped": 2}
    assert [u.target is not None for u in units] == [False, False, False, True]
    assert units[1].reason == "no Korean"


@pytest.mark.parametrize("source,message", [
    ((b("1"), "가", b("2"), "나", e("1"), "다", e("2")), "do not nest"),
    (("가", e("1")), "no opening code"),
    ((b("1"), "가나"), "never closed"),
    ((x("1"), "가", x("1")), "used twice"),
])
def test_codes_that_do_not_nest_are_one_line_errors(source, message):
    doc = MemoryDocument("bad.xlf", [Unit("u7", source, line=12)])
    with pytest.raises(InputError) as err:
        translate_document(CopyTranslator(), doc)
    assert str(err.value).startswith("bad.xlf:12: ") and message in str(err.value)
    assert "\n" not in str(err.value)


def test_unit_id_names_the_place_when_there_are_no_lines():
    doc = MemoryDocument("bad.xlf", [Unit("u7", (b("1"), "가"))])
    with pytest.raises(InputError, match=r"^bad.xlf: unit u7: "):
        translate_document(CopyTranslator(), doc)


@pytest.mark.parametrize("name,message", [
    ("a.docx.zip", "cannot tell the document format"), ("a", "without an extension"),
    ("a.pdf", "not supported yet"), ("a.xlsx", "not supported yet"),
    ("a.sdlppx", "unpack it first"), ("job.mqxlz", "unpack it first"),
])
def test_registry_errors_are_one_line(name, message):
    with pytest.raises(InputError, match=message) as err:
        read_document(b"data", name)
    assert str(err.value).startswith(f"{name}: ")


def test_unknown_input_format_and_empty_file():
    with pytest.raises(InputError, match="unknown input format"):
        read_document("가".encode(), "a.txt", input_format="nope")
    with pytest.raises(InputError, match="empty"):
        read_document(b" \n\n", "a.txt")
    assert read_document("가".encode(), "a.weird", input_format="text").format == "text"


def test_huge_unit_is_cut_before_sentence_analysis():
    line = ("가나다라마바사 " * 40_000).strip()        # 320,000 characters, no sentence end
    result = identity_round_trip(line.encode(), "huge.txt")
    assert result.data == line.encode()
    assert max(len(s.source) for s in result.segments) <= 400
    assert any(s.notes for s in result.segments)
