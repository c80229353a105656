"""``translate`` on documents: same format out, several files, --in-place, --bilingual, and
every output path refused before the model loads (issue 18 item 8), exit 3 for a bug (item 11).

Uses the tiny model (its English is gibberish: these tests are about files and paths)."""
from __future__ import annotations

import json
import os

import pytest
from defusedxml import ElementTree as ET

from koen import cli
from koen.cli import main

TEXT = "전장 사업이 성장했다.\r\n\r\nOLED TV\r\n공감지능을 앞세운다. 두 번째 문장.\r\n"


def text_file(tmp_path, name="press.txt", text=TEXT):
    path = tmp_path / name
    path.write_bytes(text.encode())
    return path


def untouched(tmp_path, *keep):
    """Nothing but ``keep`` in the folder (no temporary or half-written file)."""
    return sorted(p.name for p in tmp_path.iterdir()) == sorted(keep)


def test_text_document_keeps_its_lines_and_reports_units(run, tmp_path):
    src = text_file(tmp_path)
    out = tmp_path / "press.en.txt"
    code, stdout, err = run(str(src), "-o", str(out), "--bilingual", str(tmp_path / "r.tmx"))
    assert code == 0 and stdout == ""
    lines = out.read_bytes().split(b"\r\n")
    assert len(lines) == 5 and lines[1] == b"" and lines[2] == b"OLED TV" and lines[4] == b""
    assert "press.txt: text, 3 units — 2 filled, 0 kept, 1 skipped" in err
    tus = ET.parse(tmp_path / "r.tmx").getroot().findall("./body/tu")
    assert len(tus) == 3                       # sentences of the two filled units


def test_json_report_names_documents(run, tmp_path):
    src = text_file(tmp_path)
    code, _, err = run(str(src), "-o", str(tmp_path / "o.txt"), "--json")
    report = json.loads(err)
    assert code == 0 and report["segments"] == 3
    (doc,) = report["documents"]
    assert doc["counts"] == {"filled": 2, "kept": 0, "skipped": 1} and doc["format"] == "text"


def test_text_input_without_txt_output_stays_bilingual(run, tmp_path):
    src = text_file(tmp_path)
    code, stdout, _ = run(str(src))
    assert code == 0 and stdout.startswith("index\tparagraph\tline\tsource\ttranslation")


def test_several_files_into_a_folder(run, tmp_path):
    a = text_file(tmp_path, "a.txt")
    sub = tmp_path / "in" / "deep"
    sub.mkdir(parents=True)
    text_file(sub, "b.txt", "가나다 라마바.\n")
    out = tmp_path / "out"
    code, _, err = run(str(a), str(tmp_path / "in"), "-o", str(out))
    assert code == 0, err
    assert (out / "a.txt").exists() and (out / "deep" / "b.txt").exists()
    assert "a.txt: text" in err and "b.txt: text" in err


def test_in_place_keeps_the_original(run, tmp_path):
    src = text_file(tmp_path)
    code, _, err = run(str(src), "--in-place")
    assert code == 0, err
    assert (tmp_path / "press.txt.orig").read_bytes() == TEXT.encode()
    assert src.read_bytes() != TEXT.encode() and b"OLED TV" in src.read_bytes()
    code, _, err = run(str(src), "--in-place")                 # the .orig is never clobbered
    assert code == 2 and "already exists" in err


def refused(run, tmp_path, *args, keep=()):
    code, stdout, err = run(*args)
    lines = [x for x in err.splitlines() if x.strip()]
    assert code == 2 and len(lines) == 1, err
    assert untouched(tmp_path, *keep)
    return lines[0]


def test_output_equal_to_input_is_refused(run, tmp_path):
    src = text_file(tmp_path)
    line = refused(run, tmp_path, str(src), "-o", str(src), keep=["press.txt"])
    assert "use --in-place" in line
    assert src.read_bytes() == TEXT.encode()


def test_output_equal_to_input_through_a_link_is_refused(run, tmp_path):
    src = text_file(tmp_path)
    os.symlink(src, tmp_path / "link.txt")
    line = refused(run, tmp_path, str(tmp_path / "link.txt"), "-o", str(src),
                   keep=["press.txt", "link.txt"])
    assert "is the input file" in line
    # a bilingual (text) run too: the old behaviour wrote TSV over the Korean
    line = refused(run, tmp_path, str(src), "-f", "tsv", "-o", str(tmp_path / "link.txt"),
                   keep=["press.txt", "link.txt"])
    assert "is the input file" in line


def test_bilingual_path_equal_to_input_is_refused(run, tmp_path):
    src = text_file(tmp_path)
    line = refused(run, tmp_path, str(src), "-o", str(tmp_path / "o.txt"), "--bilingual",
                   str(src), keep=["press.txt"])
    assert "--bilingual would overwrite" in line


def test_output_naming_a_folder_is_refused(run, tmp_path):
    src = text_file(tmp_path)
    (tmp_path / "dir").mkdir()
    line = refused(run, tmp_path, str(src), "-f", "tsv", "-o", str(tmp_path / "dir"),
                   keep=["press.txt", "dir"])
    assert "-o names a folder" in line


@pytest.mark.parametrize("args,message", [
    (["{a}", "{b}"], "need -o FOLDER"),
    (["{a}", "{b}", "-o", "{a}"], "-o names a file"),
    (["{a}", "-o", "{tmp}/x.txt", "--in-place"], "not both"),
    (["{tmp}/job.sdlppx"], "unpack it first"),
    (["{tmp}/report.pdf"], "not supported yet"),
    (["{a}", "--input-format", "nope", "-o", "{tmp}/o.txt"], "unknown input format"),
    (["{a}", "-o", "{tmp}/o.txt", "--bilingual", "{tmp}/r.docx"], "cannot tell the output"),
    (["{a}", "-o", "{tmp}/missing/o.txt"], "does not exist"),
    (["{a}", "--input-format", "text", "--bilingual", "-"], "already goes to stdout"),
])
def test_refusals_before_translating(run, tmp_path, args, message):
    a = text_file(tmp_path, "a.txt")
    b = text_file(tmp_path, "b.txt")
    (tmp_path / "job.sdlppx").write_bytes(b"PK\x03\x04")
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4")
    argv = [x.format(a=a, b=b, tmp=tmp_path) for x in args]
    line = refused(run, tmp_path, *argv, keep=["a.txt", "b.txt", "job.sdlppx", "report.pdf"])
    assert message in line


def test_bad_document_among_several_writes_nothing(run, tmp_path):
    a = text_file(tmp_path, "a.txt")
    bad = tmp_path / "b.txt"
    bad.write_bytes(b"ok\n\xff\xfe\xfa\xfb\x80\x81 garbage\n")
    out = tmp_path / "out"
    line = refused(run, tmp_path, str(a), str(bad), "-o", str(out), keep=["a.txt", "b.txt"])
    assert line.startswith(f"translate: {bad}:2: ")


def test_unexpected_error_exits_3_with_one_line(run, tmp_path, monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(cli, "run", broken)
    src = text_file(tmp_path)
    code = main([str(src)])
    err = capsys.readouterr().err
    assert code == 3 and err.count("\n") == 1
    assert "unexpected error: RuntimeError: boom" in err and "--debug" in err
    code = main([str(src), "--debug"])
    err = capsys.readouterr().err
    assert code == 3 and "Traceback" in err


def test_bundled_model_translates_a_text_document(shared_model, tmp_path, capsys):
    """The one integration run: the real model and glossary, a text file in, English out."""
    from pathlib import Path

    glossary = Path(__file__).resolve().parents[1] / "resources" / "glossary"
    src = tmp_path / "news.txt"
    src.write_bytes("LG전자는 공감지능을 앞세운다.\n\n냉난방공조 사업이 성장했다.\n".encode())
    out = tmp_path / "news.en.txt"
    code = main([str(src), "-o", str(out), "--model", str(shared_model), "-g", str(glossary),
                 "--bilingual", str(tmp_path / "news.jsonl")])
    err = capsys.readouterr().err
    assert code == 0, err
    english = out.read_text("utf-8").split("\n")
    assert len(english) == 4 and english[1] == "" and english[3] == ""
    assert "Affectionate Intelligence" in english[0] and "HVAC" in english[2]
    assert "news.txt: text, 2 units — 2 filled, 0 kept, 0 skipped" in err
    assert "terms: 2 found in 2 segments — 2 applied" in err
    rows = [json.loads(x) for x in (tmp_path / "news.jsonl").read_text("utf-8").splitlines()]
    assert [r["line"] for r in rows] == [1, 3] and {r["doc"] for r in rows} == {"news.txt"}


def test_stdin_document_with_input_format(run, monkeypatch):
    import io
    import sys

    data = "첫 줄입니다.\r\n\r\nOLED TV\r\n".encode()
    stdin = io.TextIOWrapper(io.BytesIO(data))
    monkeypatch.setattr(sys, "stdin", stdin)
    out = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(out))
    code, _, err = run("-", "--input-format", "text")
    assert code == 0, err
    lines = out.getvalue().split(b"\r\n")
    assert len(lines) == 4 and lines[1:] == [b"", b"OLED TV", b""]
    assert "<stdin>: text, 2 units — 1 filled, 0 kept, 1 skipped" in err


def test_several_files_load_the_model_once(run, tmp_path, monkeypatch):
    from translate.engine import Engine

    loads = []
    original = Engine.__init__

    def counting(self, *args, **kwargs):
        loads.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(Engine, "__init__", counting)
    files = [str(text_file(tmp_path, f"{n}.txt")) for n in "abc"]
    code, _, err = run(*files, "-o", str(tmp_path / "out"))
    assert code == 0, err
    assert len(loads) == 1 and len(list((tmp_path / "out").iterdir())) == 3


def test_text_to_bilingual_can_write_a_second_review_file(run, tmp_path):
    src = text_file(tmp_path)
    code, _, err = run(str(src), "-o", str(tmp_path / "o.tsv"), "--bilingual",
                       str(tmp_path / "o.jsonl"))
    assert code == 0, err
    rows = (tmp_path / "o.jsonl").read_text("utf-8").splitlines()
    assert len(rows) == len((tmp_path / "o.tsv").read_text("utf-8").splitlines()) - 1 == 4
    line = refused(run, tmp_path, str(src), "-o", str(tmp_path / "o.tsv"), "--bilingual",
                   str(tmp_path / "o.tsv"), keep=["press.txt", "o.tsv", "o.jsonl"])
    assert "--bilingual would overwrite" in line
