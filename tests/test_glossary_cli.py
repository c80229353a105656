"""The ``glossary`` command on the curated glossary and on fixtures, called in-process.

Exit codes are the contract CI relies on (0 clean, 1 problems, 2 bad input), so most
tests assert them along with the one line a person reads.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from glossary.cli import main as glossary_main
from glossary.fmt import format_text
from glossary.lint import CODES, lint_paths
from koen.glossary_cli import main

ROOT = Path(__file__).resolve().parents[1]
CURATED = ROOT / "resources" / "glossary"
FIXTURES = Path(__file__).parent / "fixtures" / "glossary"
LINT = FIXTURES / "lint"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------- lint

def test_curated_glossary_is_lint_clean(capsys):
    code, out, _ = run(capsys, "lint", CURATED)
    assert (code, out) == (0, "")


@pytest.mark.parametrize("code", sorted(CODES))
def test_each_lint_code_has_a_fixture_that_triggers_it(code):
    [fixture] = LINT.glob(f"{code.lower()}-*.yaml")
    problems = lint_paths([fixture], morph=True)
    assert code in {p.code for p in problems}, problems
    assert all(p.path == str(fixture) and p.line >= 1 for p in problems)


def test_lint_lines_are_file_line_code_message(capsys):
    code, out, _ = run(capsys, "lint", LINT / "g003-conflict.yaml")
    assert code == 1
    assert out == (f"{LINT / 'g003-conflict.yaml'}:4: G003: conflicting entries for '구독': "
                   f"'subscribing' here, 'subscription' at {LINT / 'g003-conflict.yaml'}:2\n")


def test_lint_reports_every_bad_entry_not_just_the_first(capsys):
    code, out, _ = run(capsys, "lint", LINT / "g001-schema.yaml")
    assert code == 1
    assert [line.split(": ")[0].rsplit(":", 1)[1] for line in out.splitlines()] == ["4", "7"]


def test_lint_finds_conflicts_across_files(tmp_path, capsys):
    (tmp_path / "a.yaml").write_text("terms:\n  - source: 구독\n    target: subscription\n",
                                     encoding="utf-8")
    (tmp_path / "b.yaml").write_text("terms:\n  - source: 구독\n    target: rental\n",
                                     encoding="utf-8")
    code, out, _ = run(capsys, "lint", tmp_path)
    assert code == 1 and "G003" in out and "a.yaml:2" in out and "b.yaml:2" in out


def test_lint_json(capsys):
    code, out, _ = run(capsys, "lint", "--json", LINT / "g005-target-forbidden.yaml")
    data = json.loads(out)
    assert code == 1 and data["count"] == 1
    assert data["problems"][0]["code"] == "G005"
    assert data["problems"][0]["name"] == "target-forbidden"


def test_kiwi_hint_is_printed_but_does_not_fail_lint(capsys):
    fixture = LINT / "g010-not-one-word.yaml"
    code, out, err = run(capsys, "lint", fixture)
    assert code == 0 and out == "" and err == ""      # the Kiwi hint is asked for
    code, out, err = run(capsys, "lint", "--morph", fixture)
    assert code == 0 and err == "0 problem(s), 1 hint(s)\n"
    assert out == (f"{fixture}:2: G010: hint: Kiwi reads '전장치' as more than one word "
                   "(전/MM 장치/NNG); it is found on its own and before particles, but its "
                   "compounds, suffixes or inflections may be missed\n")   # not 전장, 구독하다
    code, out, _ = run(capsys, "lint", "--json", "--morph", fixture)
    data = json.loads(out)
    assert code == 0 and (data["count"], data["hints"]) == (0, 1)
    assert data["problems"][0]["severity"] == "hint"


def test_malformed_yaml_is_a_lint_problem_with_its_line(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("terms:\n  - source: [unclosed\n", encoding="utf-8")
    code, out, _ = run(capsys, "lint", bad)
    assert code == 1 and out.startswith(f"{bad}:") and "G001" in out


def test_missing_path_is_bad_input(tmp_path, capsys):
    code, out, err = run(capsys, "lint", tmp_path / "nope.yaml")
    assert code == 2 and out == ""
    assert err == f"{tmp_path / 'nope.yaml'}: glossary not found\n"


# --------------------------------------------------------------------------- fmt

def test_curated_glossary_is_canonical_and_fmt_is_idempotent(capsys):
    for file in CURATED.glob("*.yaml"):
        text = file.read_text(encoding="utf-8")
        assert format_text(text, file) == text
    code, out, _ = run(capsys, "fmt", "--check", CURATED)
    assert (code, out) == (0, "")


def test_fmt_sorts_orders_keys_and_keeps_comments(tmp_path, capsys):
    file = tmp_path / "g.yaml"
    shutil.copy(FIXTURES / "unformatted.yaml", file)
    before = file.read_text(encoding="utf-8")
    code, out, _ = run(capsys, "fmt", "--check", file)
    assert code == 1 and out == f"would reformat {file}\n"
    assert file.read_text(encoding="utf-8") == before          # --check writes nothing
    code, out, _ = run(capsys, "fmt", file)
    assert code == 0
    text = file.read_text(encoding="utf-8")
    assert text == (
        "# A test glossary, deliberately out of canonical form.\n"
        "name: unformatted\n"
        "terms:\n"
        "  - source: 공감지능\n"
        "    target: Affectionate Intelligence\n"
        "    variants: [공감 지능]\n"
        "    note: 'the AI vision: always capitalised'\n"
        "  # last entry's comment\n"
        "  - source: 구독\n"
        "    target: subscription\n"
        "  # about 탈탄소화: keep this comment with it\n"
        "  - source: 탈탄소화\n"
        "    target: decarbonization  # the EU spelling is also -isation\n")
    assert format_text(text, file) == text                      # idempotent
    code, _, _ = run(capsys, "fmt", "--check", file)
    assert code == 0


def test_fmt_keeps_the_meaning(tmp_path):
    from glossary import load_glossary
    file = tmp_path / "full.yaml"
    shutil.copy(FIXTURES / "full.yaml", file)
    before = load_glossary(file).terms
    file.write_text(format_text(file.read_text(encoding="utf-8"), file), encoding="utf-8")
    assert load_glossary(file).terms == before


def test_fmt_refuses_an_invalid_glossary(capsys):
    code, _, err = run(capsys, "fmt", "--check", LINT / "g001-schema.yaml")
    assert code == 2 and err.startswith(f"{LINT / 'g001-schema.yaml'}:4: ")


def test_fmt_json(tmp_path, capsys):
    file = tmp_path / "g.yaml"
    shutil.copy(FIXTURES / "unformatted.yaml", file)
    code, out, _ = run(capsys, "fmt", "--check", "--json", file)
    assert code == 1 and json.loads(out) == {"check": True, "changed": [str(file)],
                                             "unchanged": 0}


# --------------------------------------------------------------------------- diff

def _edited_copy(tmp_path: Path) -> Path:
    text = (CURATED / "lg-electronics.yaml").read_text(encoding="utf-8")
    text = text.replace("target: signage", "target: digital signage")
    text = text.replace("  - source: 서비스화\n    target: servitization\n", "")
    text = text.replace("terms:\n", "terms:\n  - source: 가전\n    target: home appliances\n")
    new = tmp_path / "new.yaml"
    new.write_text(text, encoding="utf-8")
    return new


def test_diff_paths_markdown(tmp_path, capsys):
    new = _edited_copy(tmp_path)
    code, out, _ = run(capsys, "diff", CURATED, new)
    assert code == 0
    assert out.startswith("### Glossary changes: 1 added, 1 removed, 1 changed\n")
    assert "| 가전 | home appliances |" in out
    assert "| 서비스화 | servitization |" in out
    assert "| 사이니지 | target | signage | digital signage |" in out


def test_diff_json_and_no_change(tmp_path, capsys):
    new = _edited_copy(tmp_path)
    code, out, _ = run(capsys, "diff", "--json", CURATED, new)
    data = json.loads(out)
    assert [t["source"] for t in data["added"]] == ["가전"]
    assert data["changed"] == [{"source": "사이니지", "fields": {
        "target": {"old": "signage", "new": "digital signage"}}}]
    code, out, _ = run(capsys, "diff", CURATED, CURATED)
    assert "0 added, 0 removed, 0 changed" in out and "No term changed." in out


def test_diff_shows_a_compounds_change(tmp_path, capsys):
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text("terms:\n  - {source: 전장, target: vehicle components}\n", encoding="utf-8")
    new.write_text("terms:\n  - {source: 전장, target: vehicle components, compounds: false}\n",
                   encoding="utf-8")
    code, out, _ = run(capsys, "diff", old, new)
    assert code == 0 and "| 전장 | compounds | true | false |" in out


def test_diff_git_revisions(tmp_path, capsys, monkeypatch):
    repo = tmp_path / "repo"
    (repo / "resources" / "glossary").mkdir(parents=True)
    git = lambda *a: subprocess.run(["git", "-C", str(repo), *a], check=True,  # noqa: E731
                                    capture_output=True)
    git("init", "-q")
    git("config", "user.email", "t@example.com")
    git("config", "user.name", "t")
    target = repo / "resources" / "glossary" / "lg.yaml"
    shutil.copy(CURATED / "lg-electronics.yaml", target)
    git("add", ".")
    git("commit", "-qm", "one")
    shutil.copy(_edited_copy(tmp_path), target)
    git("commit", "-qam", "two")
    monkeypatch.chdir(repo)
    code, out, _ = run(capsys, "diff", "--git", "HEAD~1", "HEAD")
    assert code == 0 and "1 added, 1 removed, 1 changed" in out
    code, _, err = run(capsys, "diff", "--git", "no-such-rev", "HEAD")
    assert code == 2 and err.count("\n") == 1


# --------------------------------------------------------------------------- check

def test_check_reports_missed_and_forbidden_and_exits_1(capsys):
    code, out, _ = run(capsys, "check", FIXTURES / "check.tsv", "--glossary", CURATED)
    assert code == 1
    assert "1 applied, 1 missed, 1 forbidden-present" in out
    assert f"{FIXTURES / 'check.tsv'}:3: forbidden-present: 공감지능" in out
    assert f"{FIXTURES / 'check.tsv'}:4: missed: 구독" in out


def test_check_clean_file_exits_0_and_json(capsys):
    code, out, _ = run(capsys, "check", "--json", FIXTURES / "check-ok.tsv",
                       "--glossary", CURATED)
    data = json.loads(out)
    assert code == 0 and data["status"]["applied"] == 2 and data["problems"] == []


def test_check_bad_bilingual_file_is_bad_input(tmp_path, capsys):
    bad = tmp_path / "bad.tsv"
    bad.write_text("only one column\n", encoding="utf-8")
    code, _, err = run(capsys, "check", bad, "--glossary", CURATED)
    assert code == 2 and err.startswith(f"{bad}:1: ")


VENDOR_TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header creationtool="VendorCAT" creationtoolversion="3" segtype="sentence" o-tmf="x"
          adminlang="en" srclang="ko-KR" datatype="plaintext"/>
  <body>
    <tu>
      <tuv xml:lang="ko-KR"><seg>올해 매출은 전년 대비 크게 늘어 10조원을 넘었다.</seg></tuv>
      <tuv xml:lang="en-US"><seg>Sales rose.</seg></tuv>
    </tu>
    <tu>
      <tuv xml:lang="ko-KR"><seg>전장 사업이 성장했다.</seg></tuv>
      <tuv xml:lang="en-US"><seg>The vehicle components business grew.</seg></tuv>
    </tu>
  </body>
</tmx>
"""


@pytest.fixture
def vendor_tmx(tmp_path: Path) -> Path:
    """A vendor's TMX whose first unit drops the number and most of the sentence."""
    path = tmp_path / "vendor.tmx"
    path.write_text(VENDOR_TMX, encoding="utf-8")
    return path


def test_check_runs_qa_on_a_vendor_tmx_and_exits_0_without_fail_on(vendor_tmx, capsys):
    code, out, err = run(capsys, "check", vendor_tmx, "--glossary", CURATED)
    assert code == 0 and err == ""              # terms are fine: QA alone does not fail
    lines = out.splitlines()
    assert lines[0] == ("terms: 1 found in 2 segments — 1 applied, 0 missed, "
                        "0 forbidden-present, 0 skipped-by-context")
    assert lines[1] == "qa: 2 errors (1 omission, 1 number), 0 warnings"
    assert f"{vendor_tmx}:6: qa number: 10조 (10,000,000,000,000) is not in the translation " \
           "(source '10조')" in lines
    assert any(x.startswith(f"{vendor_tmx}:6: qa omission: translation has 10 characters")
               for x in lines)


def test_check_fail_on_qa_codes_and_json(vendor_tmx, capsys):
    code, out, err = run(capsys, "check", "--json", vendor_tmx, "--glossary", CURATED,
                         "--fail-on", "number,missed")
    data = json.loads(out)
    assert code == 1 and err == "--fail-on: 1 number\n"
    assert data["qa"]["omission"] == {"error": 1, "warning": 0}
    assert [(p["line"], p["code"]) for p in data["qa_problems"]] == [(6, "omission"),
                                                                     (6, "number")]
    code, _, _ = run(capsys, "check", vendor_tmx, "--glossary", CURATED,
                     "--fail-on", "repetition,punctuation,forbidden-present")
    assert code == 0


def test_check_no_qa_and_unknown_fail_on(vendor_tmx, capsys):
    code, out, _ = run(capsys, "check", vendor_tmx, "--glossary", CURATED, "--no-qa",
                       "--fail-on", "missed")
    assert code == 0 and "qa" not in out
    code, out, err = run(capsys, "check", vendor_tmx, "--glossary", CURATED, "--no-qa",
                         "--fail-on", "missed,number")
    assert code == 2 and err == ("--fail-on: number can never be found with --no-qa; drop one "
                                 "of the two\n")
    code, out, _ = run(capsys, "check", "--json", vendor_tmx, "--glossary", CURATED, "--no-qa")
    assert json.loads(out)["qa"] is None
    code, out, err = run(capsys, "check", vendor_tmx, "--glossary", CURATED,
                         "--fail-on", "numbers")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("--fail-on: unknown code(s) numbers; choose from ")


@pytest.mark.parametrize("fmt", ["tsv", "tmx", "xliff", "jsonl"])
def test_check_runs_qa_on_every_readable_format(tmp_path, capsys, fmt):
    from bitext.formats import write_segments
    from bitext.records import AlignedSegment

    rows = [("올해 매출은 전년 대비 크게 늘어 10조원을 넘었다.", "Sales rose."),
            ("그는 \"좋다\"고 말했다.", "He said \"good."),
            ("삼성전자는 ABC 플랫폼을 새로 발표했다.",
             "Samsung Electronics announced a new platform.")]
    path = tmp_path / f"human.{fmt}"
    write_segments([AlignedSegment(i, s, t) for i, (s, t) in enumerate(rows, 1)], str(path))
    code, out, _ = run(capsys, "check", "--json", path, "--glossary", CURATED)
    qa = json.loads(out)["qa"]
    assert code == 0
    assert {c: n for c, n in qa.items() if sum(n.values())} == {
        "omission": {"error": 1, "warning": 0}, "number": {"error": 1, "warning": 0},
        "latin-missing": {"error": 0, "warning": 1}, "punctuation": {"error": 1, "warning": 0}}


# --------------------------------------------------------------------------- test (engine)

def _with_example(tmp_path: Path, name: str, example: str) -> Path:
    file = tmp_path / name
    file.write_text("terms:\n  - source: 공감지능\n    target: Affectionate Intelligence\n"
                    f"    examples:\n{example}", encoding="utf-8")
    return file


def test_glossary_test_passes_when_the_term_is_enforced(tmp_path, tiny_model, capsys):
    # Enforcement guarantees the target (attention-placed target_prefix) even on a
    # random-weight model, so `contains` of the target holds for an honest reason.
    file = _with_example(tmp_path, "ok.yaml",
                         "      - source: LG전자는 공감지능을 발표했다.\n"
                         "        contains: [Affectionate Intelligence]\n")
    code, out, err = run(capsys, "test", file, "--model", tiny_model)
    assert code == 0, out
    assert ": ok: LG전자는 공감지능을 발표했다." in out and "1 of 1 example(s) hold" in err


def test_glossary_test_fails_on_an_expectation_that_does_not_hold(tmp_path, tiny_model, capsys):
    # A phrase no enforcement inserts, and an exact translation a random model cannot give.
    file = _with_example(tmp_path, "bad.yaml",
                         "      - source: LG전자는 공감지능을 발표했다.\n"
                         "        translation: LG Electronics announced Affectionate "
                         "Intelligence.\n"
                         "        contains: [Affectionate Intelligence, customer touchpoint]\n")
    code, out, _ = run(capsys, "test", "--json", file, "--model", tiny_model)
    data = json.loads(out)
    assert code == 1 and data["failed"] == 1
    [result] = data["results"]
    assert result["missing"] == ["customer touchpoint"] and result["mismatch"] is True


def test_glossary_test_without_a_model_is_bad_input(tmp_path, capsys):
    file = _with_example(tmp_path, "ok.yaml", "      - source: 공감지능이다.\n")
    code, _, err = run(capsys, "test", file, "--model", tmp_path / "no-model")
    assert code == 2 and err.count("\n") == 1


def test_glossary_package_cli_has_no_engine_commands(capsys):
    with pytest.raises(SystemExit):
        glossary_main(["test", str(CURATED)])
    assert "invalid choice: 'test'" in capsys.readouterr().err


def test_glossary_never_imports_translate():
    code = ("import sys, glossary.cli, glossary.lint, glossary.fmt, glossary.diff, "
            "glossary.tbx, glossary.tabular, glossary.interchange; "
            "sys.exit(any(m == 'translate' or m.startswith('translate.') for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


# --------------------------------------------------------------------------- smoke

def test_console_entry_point_smoke(tmp_path):
    """One real process: the module the installed script runs, end to end."""
    out = tmp_path / "g.tbx"
    done = subprocess.run([sys.executable, "-m", "koen.glossary_cli", "export",
                           str(CURATED), "--to", "tbx", "-o", str(out)],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").count("<conceptEntry") == 17
    done = subprocess.run([sys.executable, "-m", "koen.glossary_cli", "lint",
                           str(LINT / "g002-duplicate.yaml")], cwd=ROOT, capture_output=True,
                          text=True)
    assert done.returncode == 1 and ": G002: " in done.stdout


def test_glossary_lint_through_the_installed_script_does_not_load_the_engine():
    """The script's module registers ``glossary test`` but must not import CTranslate2."""
    code = ("import sys; from koen.glossary_cli import main; "
            f"code = main(['lint', {str(CURATED)!r}]); "
            "sys.exit(10 if 'ctranslate2' in sys.modules else code)")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT,
                          capture_output=True).returncode == 0
