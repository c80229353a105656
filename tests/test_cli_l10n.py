"""``translate`` on XLIFF and PO files from the command line: the output is the same format,
valid (XSD, ``msgfmt --check``), with the report; bad input is one line, exit 2, nothing
written. Uses the tiny model: its English is gibberish, these tests are about the files."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from xmlschemas import xliff_errors

XLIFF = Path(__file__).parent / "fixtures" / "xliff"
PO = Path(__file__).parent / "fixtures" / "po"


@pytest.mark.parametrize(("name", "version"), [
    ("ko-en-press.xlf", 1), ("ko-en-press.mqxliff", 1), ("ko-en-press.sdlxliff", 1),
    ("ko-en-press.xliff", 2)])
def test_xliff_through_the_cli(run, tmp_path, name, version):
    out = tmp_path / name.replace("ko-en", "en")
    review = tmp_path / "review.tmx"
    code, _, err = run(XLIFF / name, "-o", out, "--bilingual", review)
    assert code == 0, err
    assert f"{XLIFF / name}: xliff," in err and "filled" in err
    assert xliff_errors(out.read_bytes(), version) == []
    assert review.exists()


def test_po_through_the_cli(run, tmp_path):
    out = tmp_path / "press.en.po"
    code, _, err = run(PO / "press-ko.po", "-o", out, "--fuzzy")
    assert code == 0, err
    assert "po, 10 units — 7 filled, 2 kept, 1 skipped" in err
    text = out.read_text(encoding="utf-8")
    assert '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"' in text
    assert "#, fuzzy, c-format" in text
    if shutil.which("msgfmt"):
        done = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(out)],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr


def test_mislabelled_file_needs_the_languages_named(run, tmp_path):
    path = tmp_path / "job.xlf"
    path.write_bytes((XLIFF / "ko-en-press.xlf").read_bytes().replace(b"en-US", b"de-DE"))
    out = tmp_path / "job.en.xlf"
    code, _, err = run(path, "-o", out)
    assert code == 2 and err.count("\n") == 1 and "ko-KR→de-DE, not ko→en" in err
    assert not out.exists()
    code, _, err = run(path, "-o", out, "--target-lang", "de")
    assert code == 0 and out.exists()


BOMB = (b'<?xml version="1.0"?>\n<!DOCTYPE xliff [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<xliff version="1.2"><file '
        b'source-language="ko"><body><trans-unit id="1"><source>&b;</source></trans-unit>'
        b"</body></file></xliff>\n")


@pytest.mark.parametrize(("name", "data", "message"), [
    ("bad.xlf", (XLIFF / "ko-en-press.xlf").read_bytes()[:900], "not well-formed XML"),
    ("bomb.xlf", BOMB, "declares entities"),
    ("bad.po", 'msgid "가"\nmsgstr "b\n'.encode(), "PO syntax error: unterminated string"),
    ("enc.xliff", (XLIFF / "ko-en-press.xliff").read_bytes().replace(b"UTF-8", b"bogus"),
     "unknown encoding 'bogus'"),
])
def test_bad_input_is_one_line_and_writes_nothing(run, tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    out = tmp_path / "out" / name
    out.parent.mkdir()
    code, _, err = run(path, "-o", out)
    assert code == 2 and err.count("\n") == 1 and message in err and f"{path}:" in err
    assert list(out.parent.iterdir()) == []
