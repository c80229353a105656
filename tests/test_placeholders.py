"""Placeholders become codes and come back unchanged (property tests), and what counts as one."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from documents.model import Code, CodeKind
from documents.placeholders import mask, mask_text, unmask

PIECES = ["{name}", "{{count}}", "%s", "%1$d", "%(user)s", "%%", "${path}", "{0}",
          "https://example.com/a?b=1&c=(2)", "www.lg.com", "kim@example.co.kr", "/usr/local/bin",
          "C:\\Users\\kim\\a.txt", "docs/readme.md", "{n, plural, one {# 개} other {# 개들}}",
          "{g, select, male {그} female {그녀} other {그들}}", "#", "{", "}", "%", "50%",
          "파일", "을 ", "삭제했습니다.", " ", "\n", "LG전자", "{오류", "a/b", "3/4", "가{b}나"]


@settings(max_examples=300)
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=12))
def test_mask_then_unmask_gives_back_the_text(pieces):
    text = "".join(pieces)
    masked = mask_text(text)
    assert "".join(unmask(masked.content, masked.ids)) == text
    assert all(isinstance(p, str) or p.placeholder for p in masked.content)
    ids = [p.id for p in masked.content if isinstance(p, Code)]
    assert len(ids) == len(set(ids))


@given(st.lists(st.sampled_from(PIECES), max_size=8))
def test_existing_codes_are_kept_and_ids_never_collide(pieces):
    content = (Code("ph1", CodeKind.OPEN, "<b>"), "".join(pieces),
               Code("ph1", CodeKind.CLOSE, "</b>"), Code("ph2", CodeKind.ISOLATED, "<br/>"))
    masked = mask(content)
    assert masked.content[0] == content[0] and masked.content[-1] == content[-1]
    assert not masked.ids & {"ph1", "ph2"}
    assert unmask(masked.content, masked.ids) == tuple(p for p in content if p != "")


@pytest.mark.parametrize("text,found", [
    ("{name}님 안녕하세요", ["{name}"]),
    ("{{count}}개", ["{{count}}"]),
    ("%s 파일과 %1$d개, %(user)s님", ["%s", "%1$d", "%(user)s"]),
    ("5% off 와 50% 할인", []),                            # a percent sign is not printf
    ("https://lg.com/ko/news.html에서 보세요.", ["https://lg.com/ko/news.html"]),
    ("(https://lg.com/a_(b)) 참고", ["https://lg.com/a_(b)"]),
    ("문의: help@lg.com으로", ["help@lg.com"]),
    ("/etc/koen/config.yaml 파일", ["/etc/koen/config.yaml"]),
    ("docs/readme.md 와 TCP/IP 및/또는 3/4", ["docs/readme.md"]),
    ("C:\\Program Files 말고 C:\\koen\\bin", ["C:\\Program", "C:\\koen\\bin"]),
    ("v{version}에서 %s.txt로, {n}px. {name}.", ["v{version}", "%s.txt", "{n}px", "{name}"]),
])
def test_what_is_a_placeholder(text, found):
    masked = mask_text(text)
    assert [p.data for p in masked.content if isinstance(p, Code)] == found


def test_icu_plural_masks_syntax_and_keeps_branch_text():
    masked = mask_text("{count, plural, =0 {파일 없음} one {# 파일} other {{name}의 # 파일}}")
    texts = [p for p in masked.content if isinstance(p, str)]
    assert texts == ["파일 없음", " 파일", "의 ", " 파일"]
    hard = [p.data for p in masked.content if isinstance(p, Code) and p.id in masked.hard]
    assert hard == ["{count, plural, =0 {", "} one {", "} other {", "}}"]
    soft = [p.data for p in masked.content if isinstance(p, Code) and p.id not in masked.hard]
    assert soft == ["#", "{name}", "#"]


def test_nested_icu_and_select():
    text = ("{g, select, female {{n, plural, one {그녀의 # 파일} other {그녀의 # 파일들}}} "
            "other {그}}")
    masked = mask_text(text)
    assert [p for p in masked.content if isinstance(p, str)] == [
        "그녀의 ", " 파일", "그녀의 ", " 파일들", "그"]


@pytest.mark.parametrize("text", ["{n, plural, one {열린 괄호", "{n, plural, }"])
def test_malformed_icu_is_left_as_text(text):
    masked = mask_text(text)
    assert masked.content == (text,) and not masked.hard


@pytest.mark.parametrize("text", [
    "{a, plural, one {" * 40 + "x" + "}}" * 40,   # deeper than MAX_ICU_DEPTH: outer ones text
    "{a, plural, one {" * 5_000,                  # never closed, 5,000 times
    "{" * 100_000, "%" * 100_000, "http://" * 10_000, "-" * 100_000, "a/" * 50_000,
    "a@" + "a." * 50_000, "%(" * 50_000, "{{a" * 30_000, "#" * 100_000,
])
def test_hostile_placeholder_text_is_bounded(text):
    import time

    started = time.perf_counter()
    masked = mask_text(text)
    assert "".join(unmask(masked.content, masked.ids)) == text
    assert time.perf_counter() - started < 5


def test_hash_is_a_placeholder_only_inside_plural():
    assert [p for p in mask_text("# 제목").content] == ["# 제목"]
