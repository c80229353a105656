"""The ``translate`` command as a user runs it, and every bad input the issue lists."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from defusedxml import ElementTree as ET

from koen.cli import main

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "resources" / "samples" / "lg-ai-strategy.ko.txt"
GLOSSARY = REPO / "resources" / "glossary"


@pytest.fixture
def run(tiny_model, capsys):
    """Call the CLI in-process with the tiny model; return (exit code, stdout, stderr)."""

    def _run(*args: str, model=tiny_model):
        argv = [*args] + (["--model", str(model)] if model else [])
        code = main([*argv, "--beam", "2", "--hypotheses", "2"])
        out = capsys.readouterr()
        return code, out.out, out.err

    return _run


def test_sample_to_tmx_with_report(run, tmp_path):
    out = tmp_path / "out.tmx"
    code, stdout, err = run(str(SAMPLE), "--glossary", str(GLOSSARY), "-o", str(out))
    assert code == 0 and stdout == ""
    root = ET.parse(out).getroot()
    tus = root.findall("./body/tu")
    sources = [s for s in SAMPLE.read_text(encoding="utf-8").splitlines() if s.strip()]
    assert len(tus) == len(sources)
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    for tu, src in zip(tus, sources):
        langs = {tuv.get(xml_lang): tuv.find("seg").text for tuv in tu.findall("tuv")}
        assert langs["ko"] == src and langs["en"]
    assert "applied" in err and "skipped-by-context" in err and "missed" in err


def test_json_report_and_stdin_to_stdout(run, monkeypatch, tmp_path):
    import io

    data = "전장 사업과 구독 서비스.\n".encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, stdout, err = run("-", "--glossary", str(GLOSSARY), "--format", "jsonl", "--json")
    assert code == 0
    row = json.loads(stdout.splitlines()[0])
    assert row["source"] == "전장 사업과 구독 서비스." and {t["source"] for t in row["terms"]} == {
        "전장", "구독"}
    report = json.loads(err)
    assert report["status"]["applied"] == 2 and report["segments"] == 1


@pytest.mark.parametrize("fmt", ["tsv", "jsonl", "tmx", "xliff", "md", "html"])
def test_every_format(run, tmp_path, fmt):
    out = tmp_path / f"out.{fmt}"
    code, _, _ = run(str(SAMPLE), "-g", str(GLOSSARY), "-f", fmt, "-o", str(out), "-q")
    assert code == 0 and out.stat().st_size > 0


def test_strict_exits_1_on_missed_terms(run, tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("공감지능을 통해 바꾼다.\n", encoding="utf-8")
    code, _, err = run(str(src), "-g", str(GLOSSARY), "--strategies", "rerank", "--strict",
                       "-o", str(tmp_path / "o.tsv"))
    assert code == 1 and "missed" in err


def test_report_has_a_qa_line_and_the_output_carries_qa(run, tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("매출은 10조원을 넘었다.\n공감지능을 통해 바꾼다.\n", encoding="utf-8")
    code, _, err = run(str(src), "-g", str(GLOSSARY), "-o", str(tmp_path / "o.jsonl"))
    lines = err.splitlines()
    assert code == 0 and lines[0].startswith("terms: ")
    assert [x for x in lines if x.startswith("qa: ")] == [lines[2]]   # after "applied by"
    # the tiny model writes gibberish, never "10조": the dropped number is always found
    assert "in.txt:1:5: qa number: 10조 (10,000,000,000,000) is not in the translation" in err
    rows = [json.loads(x) for x in (tmp_path / "o.jsonl").read_text("utf-8").splitlines()]
    assert {"code": "number", "severity": "error", "side": "source", "start": 4, "end": 7,
            "message": "10조 (10,000,000,000,000) is not in the translation"} in rows[0]["qa"]


def test_fail_on_exit_codes(run, tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("매출은 10조원을 넘었다.\n", encoding="utf-8")
    out = str(tmp_path / "o.tsv")
    code, _, err = run(str(src), "-g", str(GLOSSARY), "-o", out, "--json")
    report = json.loads(err)
    assert code == 0 and report["qa"]["number"]["error"] >= 1
    absent = [c for c, n in report["qa"].items() if not sum(n.values())]
    assert absent
    code, _, err = run(str(src), "-g", str(GLOSSARY), "-o", out, "--fail-on",
                       f"{absent[0]},number")
    assert code == 1 and err.splitlines()[-1] == (
        f"--fail-on: {report['qa']['number']['error']} number")
    code, _, _ = run(str(src), "-g", str(GLOSSARY), "-o", out, "--fail-on",
                     ",".join([*absent, "missed", "forbidden-present"]))
    assert code == 0
    assert "number:error" in (tmp_path / "o.tsv").read_text("utf-8").splitlines()[1]


def test_fail_on_term_status(run, tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("공감지능을 통해 바꾼다.\n", encoding="utf-8")
    code, _, err = run(str(src), "-g", str(GLOSSARY), "--strategies", "rerank",
                       "--fail-on", "missed", "-o", str(tmp_path / "o.tsv"))
    assert code == 1 and "--fail-on: 1 missed" in err


def test_fail_on_unknown_code(run, tmp_path):
    line = bad(run, tmp_path, str(SAMPLE), "-g", str(GLOSSARY), "--fail-on", "omission,typo")
    assert line.startswith("translate: --fail-on: unknown code(s) typo; choose from omission")


def bad(run, tmp_path, *args, model=True, **kw):
    """Run expecting failure: exit 2, one stderr line, and the old output left untouched."""
    out = tmp_path / "out.tsv"
    out.write_text("previous\n")
    kwargs = {} if model else {"model": None}
    code, stdout, err = run(*args, "-o", str(out), **kwargs)
    assert code == 2, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert out.read_text() == "previous\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]
    return lines[0]


def test_malformed_glossary_yaml(run, tmp_path):
    g = tmp_path / "g.yaml"
    g.write_text("terms:\n  - source: 전장\n    target: [oops\n", encoding="utf-8")
    assert bad(run, tmp_path, str(SAMPLE), "-g", str(g)).startswith(f"translate: {g}:4: ")


def test_entry_without_target(run, tmp_path):
    g = tmp_path / "g.yaml"
    g.write_text("terms:\n  - source: 전장\n", encoding="utf-8")
    assert f"{g}:2: term has no target" in bad(run, tmp_path, str(SAMPLE), "-g", str(g))


def test_conflicting_entries(run, tmp_path):
    g = tmp_path / "g.yaml"
    g.write_text("terms:\n  - {source: 전장, target: a}\n  - {source: 전장, target: b}\n",
                 encoding="utf-8")
    assert f"{g}:3: conflicting entries" in bad(run, tmp_path, str(SAMPLE), "-g", str(g))


def test_python_object_tag(run, tmp_path):
    g = tmp_path / "g.yaml"
    g.write_text("terms:\n  - !!python/object/apply:os.system ['true']\n", encoding="utf-8")
    assert "not allowed" in bad(run, tmp_path, str(SAMPLE), "-g", str(g))


def test_cp949_input_is_decoded_with_a_notice(run, tmp_path):
    src = tmp_path / "euckr.txt"
    src.write_bytes("전장 사업이 성장했다.\n".encode("cp949"))
    out = tmp_path / "o.jsonl"
    code, _, err = run(str(src), "-g", str(GLOSSARY), "-o", str(out))
    assert code == 0 and "CP949" in err
    assert json.loads(out.read_text(encoding="utf-8"))["source"] == "전장 사업이 성장했다."


def test_undecodable_input(run, tmp_path):
    src = tmp_path / "bin.txt"
    src.write_bytes(b"ok line\n\xff\xfe\xfa\xfb\x80\x81 garbage\n")
    line = bad(run, tmp_path, str(src))
    assert str(src) in line and ":2:" in line


def test_empty_input(run, tmp_path):
    src = tmp_path / "empty.txt"
    src.write_text("\n  \n", encoding="utf-8")
    assert "empty" in bad(run, tmp_path, str(src))


def test_missing_input(run, tmp_path):
    assert "nope.txt" in bad(run, tmp_path, str(tmp_path / "nope.txt"))


def test_very_long_line_is_split_with_a_warning(run, tmp_path):
    src = tmp_path / "long.txt"
    src.write_text("전장 " + "가나다라 " * 2000 + "\n", encoding="utf-8")  # 10 000 characters
    out = tmp_path / "o.jsonl"
    code, _, err = run(str(src), "-g", str(GLOSSARY), "-o", str(out), "--beam", "1")
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert code == 0 and len(rows) > 10 and all(len(r["source"]) <= 400 for r in rows)
    assert f"{src}:1: warning: sentence of" in err


def test_missing_model(run, tmp_path):
    line = bad(run, tmp_path, str(SAMPLE), "--model", str(tmp_path / "no-model"), model=False)
    assert "no-model" in line and "ct2-transformers-converter" in line


def test_corrupt_model(run, tmp_path, tiny_model):
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(tiny_model, broken)
    (broken / "model.bin").write_bytes(b"\0garbage")
    line = bad(run, tmp_path, str(SAMPLE), "--model", str(broken), model=False)
    assert "cannot load CTranslate2 model" in line and str(broken) in line


def test_list_models(run, tiny_model):
    code, out, _ = run("--list-models")
    assert code == 0 and f"{tiny_model}  (opus-mt" in out and out.startswith("--model")


def test_console_script_smoke(tiny_model, tmp_path):
    out = tmp_path / "out.xlf"
    proc = subprocess.run(
        [sys.executable, "-m", "koen.cli", str(SAMPLE), "-g", str(GLOSSARY),
         "--model", str(tiny_model), "-o", str(out), "--beam", "1"],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.returncode == 0, proc.stderr
    root = ET.parse(out).getroot()
    assert root.get("version") == "2.1" and root.get("srcLang") == "ko"
