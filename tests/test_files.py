"""Atomic writes and forgiving-but-strict text reading (bitext.files)."""
from __future__ import annotations

import io
import os
import sys

import pytest

from bitext.errors import InputError
from bitext.files import CP949_NOTICE, atomic_open, atomic_write, read_text
from bitext.formats import format_from_extension

KOREAN = "공감지능은 전장 부품에 쓰인다.\n두 번째 줄입니다.\n"


def test_atomic_write_text_and_bytes(tmp_path):
    p = tmp_path / "out.txt"
    atomic_write(p, "한국어\n")
    assert p.read_text(encoding="utf-8") == "한국어\n"
    atomic_write(p, b"\x00\x01")
    assert p.read_bytes() == b"\x00\x01"
    assert os.listdir(tmp_path) == ["out.txt"]          # no temp file left behind


def test_atomic_open_keeps_old_file_when_writer_fails(tmp_path):
    p = tmp_path / "out.tsv"
    p.write_text("old content\n", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_open(p) as f:
            f.write("half of the new")
            raise RuntimeError("model crashed mid-way")
    assert p.read_text(encoding="utf-8") == "old content\n"
    assert os.listdir(tmp_path) == ["out.tsv"]


def test_atomic_open_keeps_file_mode(tmp_path):
    p = tmp_path / "out.txt"
    p.write_text("x")
    os.chmod(p, 0o640)
    atomic_write(p, "y")
    assert (os.stat(p).st_mode & 0o777) == 0o640
    old_umask = os.umask(0o022)
    try:
        new = tmp_path / "new.txt"
        atomic_write(new, "z")                     # as open() would: 0666 & ~umask
        assert os.stat(new).st_mode & 0o777 == 0o644
    finally:
        os.umask(old_umask)


def test_atomic_open_dash_is_stdout(capsysbinary):
    with atomic_open("-") as f:
        f.write("표준 출력\n")
    assert capsysbinary.readouterr().out.decode("utf-8") == "표준 출력\n"
    assert not sys.stdout.closed


def test_atomic_open_into_missing_folder_is_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot write"):
        atomic_write(tmp_path / "no" / "such" / "out.txt", "x")


def test_read_utf8_strips_bom_and_normalises_nfc(tmp_path):
    p = tmp_path / "in.txt"
    nfd = "\u1100\u1161\u11a8 텍스트"                       # 각 as decomposed jamo
    p.write_bytes(b"\xef\xbb\xbf" + nfd.encode("utf-8"))
    got = read_text(p)
    assert got.text == "각 텍스트" and got.encoding == "utf-8" and got.notice is None


def test_read_cp949_with_notice(tmp_path):
    p = tmp_path / "euckr.txt"
    p.write_bytes(KOREAN.encode("cp949"))
    got = read_text(p)
    assert got.text == KOREAN
    assert got.encoding == "cp949" and got.notice == CP949_NOTICE


def test_read_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(KOREAN.encode("cp949"))))
    got = read_text("-")
    assert got.text == KOREAN and got.notice == CP949_NOTICE


def test_garbage_bytes_give_line(tmp_path):
    p = tmp_path / "bad.txt"
    p.write_bytes("첫 줄\n둘째 줄\n".encode() + b"\xff\xfe\x80 broken\n")
    with pytest.raises(InputError) as e:
        read_text(p)
    assert e.value.line == 3 and "0xff" in str(e.value)
    assert str(e.value).startswith(f"{p}:3: not UTF-8 and not CP949/EUC-KR")


def test_latin1_is_not_mistaken_for_cp949(tmp_path):
    p = tmp_path / "latin1.txt"
    p.write_bytes("Ein schönes Café in Zürich, très élégant.\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        read_text(p)


@pytest.mark.parametrize("data", [b"", b"  \n\t\n", "\ufeff \n".encode("utf-8")])
def test_empty_input(tmp_path, data):
    p = tmp_path / "empty.txt"
    p.write_bytes(data)
    with pytest.raises(InputError, match="input is empty"):
        read_text(p)


def test_binary_refused(tmp_path):
    p = tmp_path / "model.bin"
    p.write_bytes(b"ok\nPK\x03\x04\x00\x00rest")
    with pytest.raises(InputError, match="binary") as e:
        read_text(p)
    assert e.value.line == 2


def test_utf16_with_bom(tmp_path):
    p = tmp_path / "u16.txt"
    p.write_bytes(KOREAN.encode("utf-16"))
    got = read_text(p)
    assert got.text == KOREAN and got.notice


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="not found"):
        read_text(tmp_path / "nope.txt")


def test_format_from_extension():
    assert format_from_extension("a/b.XLF") == "xliff"
    assert format_from_extension("x.tmx") == "tmx"
    assert format_from_extension("-") is None
    assert format_from_extension("notes.txt") is None
