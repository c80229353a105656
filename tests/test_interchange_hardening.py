"""Interchange fixes from the audit (issue 18, items 7, 16, 17): Mac CSV line ends, TBX that
both TBX RelaxNG schemas accept, multilingual termbases, vendor limits and context warnings.

Outputs are validated against the public schemas (tests/schemas.py; skipped without them).
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from schemas import assert_valid_tbx, assert_valid_tmx, assert_valid_xliff2

from bitext.errors import InputError
from bitext.formats import FORMATS
from glossary import load_glossary
from glossary.interchange import export_glossary, import_glossary
from glossary.tabular import export_table
from glossary.tbx import read_tbx, to_tbx
from koen.glossary_cli import main

ROOT = Path(__file__).resolve().parents[1]
CURATED = ROOT / "resources" / "glossary"
FIXTURES = Path(__file__).parent / "fixtures" / "glossary"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------- item 7

@pytest.mark.parametrize("end", ["\r", "\r\n", "\n"], ids=["cr", "crlf", "lf"])
def test_csv_glossary_imports_with_any_line_end(end, tmp_path, capsys):
    """Excel's "CSV (Macintosh)" ends rows with a bare CR; a quoted cell may hold one too."""
    path = tmp_path / "mac.csv"
    rows = ["source,target,variants,forbidden,note,compounds", "전장,vehicle components,,,"
            '"car parts,\rnot war",false', "사이니지,signage,,,,"]
    path.write_bytes(end.join(rows).encode("utf-8") + end.encode())
    out = tmp_path / "g.yaml"
    code, _, err = run(capsys, "import", path, "--from", "csv", "-o", out)
    assert code == 0, err
    terms = {t.source: t for t in load_glossary(out).terms}
    assert terms["전장"].note == "car parts,\nnot war"
    assert terms["전장"].compounds is False and terms["사이니지"].target == "signage"


def test_malformed_csv_is_one_line_not_a_csv_error(tmp_path, capsys):
    path = tmp_path / "bad.tsv"
    path.write_text("a\tb\n" + "x" * 200_000 + "\tb\n", encoding="utf-8")
    csv.field_size_limit()                  # the default (128 KiB) is what trips
    code, _, err = run(capsys, "import", path, "--from", "tsv", "-o", tmp_path / "g.yaml")
    assert code == 2
    assert err.strip().startswith(f"glossary: {path}:") or err.strip().startswith(f"{path}:")
    assert "malformed CSV: field larger than field limit" in err and "Traceback" not in err


# --------------------------------------------------------------------------- item 16

@pytest.mark.parametrize("source", [CURATED / "lg-electronics.yaml", FIXTURES / "full.yaml",
                                    FIXTURES / "unformatted.yaml"], ids=lambda p: p.name)
def test_tbx_export_is_valid_against_core_and_basic_relaxng(source, tmp_path):
    out = tmp_path / "g.tbx"
    export_glossary(source, "tbx", out)
    assert_valid_tbx(out.read_bytes())


def test_tbx_without_name_or_description_is_valid_too():
    assert_valid_tbx(to_tbx(load_glossary(FIXTURES / "full.yaml").terms))


def test_the_validator_refuses_the_old_header():
    """A control: the header written before this fix (titleStmt first, no sourceDesc)."""
    old = to_tbx(load_glossary(FIXTURES / "full.yaml").terms, "t", None).decode()
    old = old.replace("<sourceDesc>\n        <p type=\"title\">t</p>\n      </sourceDesc>",
                      "").replace("<publicationStmt>", "<titleStmt><title>t</title></titleStmt>"
                                  "<publicationStmt>")
    assert "sourceDesc" not in old
    with pytest.raises(AssertionError):
        assert_valid_tbx(old.encode())


def test_tbx_header_keeps_name_and_description(tmp_path):
    out = tmp_path / "g.tbx"
    export_glossary(FIXTURES / "full.yaml", "tbx", out)
    _, title, description = read_tbx(out)
    assert (title, description) == ("round-trip fixture", "every field the YAML form has")


MULTILINGUAL = """<?xml version="1.0" encoding="UTF-8"?>
<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
  <tbxHeader><fileDesc><sourceDesc><p>a four-language termbase</p></sourceDesc></fileDesc>
  </tbxHeader>
  <text><body>
    <conceptEntry id="c1">
      <langSec xml:lang="ko"><termSec><term>사이니지</term></termSec></langSec>
      <langSec xml:lang="en"><termSec><term>signage</term></termSec></langSec>
      <langSec xml:lang="de"><termSec><term>Beschilderung</term></termSec></langSec>
    </conceptEntry>
    <conceptEntry id="c2">
      <langSec xml:lang="de"><termSec><term>Fahrzeug</term></termSec></langSec>
      <langSec xml:lang="fr"><termSec><term>véhicule</term></termSec></langSec>
    </conceptEntry>
    <conceptEntry id="c3">
      <langSec xml:lang="en"><termSec><term>panel</term></termSec></langSec>
    </conceptEntry>
  </body></text>
</tbx>
"""


def test_multilingual_tbx_skips_concepts_without_ko_or_en_with_a_warning(tmp_path, capsys):
    path = tmp_path / "multi.tbx"
    path.write_text(MULTILINGUAL, encoding="utf-8")
    out = tmp_path / "g.yaml"
    code, _, err = run(capsys, "import", path, "--from", "tbx", "-o", out)
    assert code == 0
    assert err.splitlines() == [
        f"{path}:11: warning: skipped a concept entry without a 'ko' or 'en' language section",
        f"{path}:15: warning: skipped a concept entry without a 'ko' language section",
        f"wrote 1 terms to {out}"]
    assert [(t.source, t.target) for t in load_glossary(out).terms] == [("사이니지", "signage")]


def test_tbx_with_no_usable_concept_is_still_refused(tmp_path, capsys):
    path = tmp_path / "defr.tbx"
    path.write_text(MULTILINGUAL.replace('xml:lang="ko"', 'xml:lang="ja"'), encoding="utf-8")
    code, _, err = run(capsys, "import", path, "--from", "tbx", "-o", tmp_path / "g.yaml")
    assert code == 2
    assert err.strip().endswith(f"{path}: no concept entry has both a 'ko' and a 'en' "
                                "language section")


def test_tmx_and_xliff2_outputs_are_schema_valid():
    from test_writers import render, sample_segments
    segments = sample_segments()
    assert_valid_tmx(render(FORMATS["tmx"].write, segments).encode("utf-8"))
    assert_valid_xliff2(render(FORMATS["xliff"].write, segments).encode("utf-8"))


# --------------------------------------------------------------------------- item 17

@pytest.mark.parametrize("flavor", ["deepl", "google", "google-sets", "amazon"])
def test_vendor_export_warns_per_entry_with_context_rules(flavor, tmp_path, capsys):
    out = tmp_path / "v.csv"
    code, _, err = run(capsys, "export", FIXTURES / "full.yaml", "--to", "csv", "--flavor",
                       flavor, "-o", out)
    assert code == 0
    warning = (f"{FIXTURES / 'full.yaml'}:15: warning: term '전장' has context rules; the "
               f"{flavor} glossary applies it unconditionally")
    assert err.splitlines() == [warning, f"wrote 2 terms to {out}"]
    assert "전장,vehicle components" in out.read_text(encoding="utf-8")


def test_export_json_lists_the_warnings(tmp_path, capsys):
    code, out, _ = run(capsys, "export", FIXTURES / "full.yaml", "--to", "csv", "--flavor",
                       "deepl", "-o", tmp_path / "v.csv", "--json")
    assert code == 0
    assert json.loads(out)["warnings"] == [
        f"{FIXTURES / 'full.yaml'}:15: term '전장' has context rules; the deepl glossary "
        "applies it unconditionally"]


def _long_term_glossary(tmp_path: Path, target: str) -> Path:
    path = tmp_path / "long.yaml"
    path.write_text(f"terms:\n  - source: 전장\n    target: ok\n  - source: 긴용어\n"
                    f"    target: {target}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("flavor", "limit"), [("deepl", 1024), ("amazon", 200)])
def test_entry_over_the_vendor_limit_is_refused_by_line(flavor, limit, tmp_path, capsys):
    fits = _long_term_glossary(tmp_path, "a" * limit)
    assert run(capsys, "export", fits, "--to", "csv", "--flavor", flavor,
               "-o", tmp_path / "ok.csv")[0] == 0
    over = _long_term_glossary(tmp_path, "é" * (limit // 2 + 1))    # 2 bytes a letter
    out = tmp_path / "v.csv"
    code, _, err = run(capsys, "export", over, "--to", "csv", "--flavor", flavor, "-o", out)
    assert code == 2 and not out.exists()
    assert f"{over}:4: " in err
    assert f"is {limit + 2} bytes; {flavor} allows {limit} UTF-8 bytes per term" in err


def test_google_equivalent_term_sets_csv_has_language_header_and_round_trips(tmp_path):
    terms = load_glossary(FIXTURES / "full.yaml").terms
    text = export_table(terms, "google-sets")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["ko", "en", "pos", "description"]
    assert rows[1][:2] == ["공감지능", "Affectionate Intelligence"]
    assert ["공감 지능", "Affectionate Intelligence"] in [r[:2] for r in rows]
    path = tmp_path / "sets.csv"
    path.write_text(text, encoding="utf-8")
    back = {t.source: t for t in import_glossary(path, "csv", tmp_path / "g.yaml")}
    assert back["공감지능"].variants == ("공감 지능",)
    assert back["전장"].note == "automotive parts"


def test_google_sets_is_csv_only():
    with pytest.raises(InputError, match="CSV only"):
        export_table(load_glossary(FIXTURES / "full.yaml").terms, "google-sets", "\t")
