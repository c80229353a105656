"""Export to and import from TBX-Basic and CSV/TSV: shapes other tools accept, round trips,
and untrusted input refused by line."""
from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from glossary import load_glossary
from glossary.fmt import format_text
from glossary.interchange import export_glossary, import_glossary
from koen.glossary_cli import main

ROOT = Path(__file__).resolve().parents[1]
CURATED = ROOT / "resources" / "glossary"
CURATED_FILE = CURATED / "lg-electronics.yaml"
FIXTURES = Path(__file__).parent / "fixtures" / "glossary"
TBX = "{urn:iso:std:iso:30042:ed-2}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ROUND_TRIP = [CURATED_FILE, FIXTURES / "full.yaml", FIXTURES / "unformatted.yaml"]


def _without_comments(text: str) -> str:
    """Canonical YAML minus comments: what TBX can carry (it has no place for YAML comments)."""
    lines = [line.split("  # ")[0] for line in text.splitlines()
             if not line.lstrip().startswith("#")]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("source", ROUND_TRIP, ids=lambda p: p.name)
def test_yaml_tbx_yaml_is_identical(source, tmp_path):
    tbx, back = tmp_path / "g.tbx", tmp_path / "back.yaml"
    assert main(["export", str(source), "--to", "tbx", "-o", str(tbx)]) == 0
    assert main(["import", str(tbx), "--from", "tbx", "-o", str(back)]) == 0
    canonical = format_text(source.read_text(encoding="utf-8"), source)
    assert back.read_text(encoding="utf-8") == _without_comments(canonical)
    by_source = lambda terms: sorted(terms, key=lambda t: t.source)  # noqa: E731
    assert by_source(load_glossary(back).terms) == by_source(load_glossary(source).terms)


def test_tbx_is_tbx_basic_with_statuses_notes_and_contexts(tmp_path):
    out = tmp_path / "g.tbx"
    export_glossary(FIXTURES / "full.yaml", "tbx", out)
    root = ET.parse(out).getroot()
    assert root.tag == f"{TBX}tbx"
    assert (root.get("type"), root.get("style"), root.get(XML_LANG)) == ("TBX-Basic", "dca", "en")
    entry = root.find(f"{TBX}text/{TBX}body/{TBX}conceptEntry")
    assert entry.find(f"{TBX}note").text == 'LG\'s AI vision "CES 2024" <b>&amp;</b>'
    ko, en = entry.findall(f"{TBX}langSec")
    assert (ko.get(XML_LANG), en.get(XML_LANG)) == ("ko", "en")
    status = lambda sec: [(s.findtext(f"{TBX}term"), s.findtext(f"{TBX}termNote"))  # noqa: E731
                          for s in sec.findall(f"{TBX}termSec")]
    assert status(ko) == [("공감지능", "preferredTerm-admn-sts"),
                          ("공감 지능", "admittedTerm-admn-sts")]
    assert status(en) == [("Affectionate Intelligence", "preferredTerm-admn-sts"),
                          ("empathetic intelligence", "deprecatedTerm-admn-sts"),
                          ("a, b", "deprecatedTerm-admn-sts")]
    contexts = [d.text for d in ko.iter(f"{TBX}descrip") if d.get("type") == "context"]
    assert contexts == ["LG전자는 공감지능을 말했다.", "공감지능이 핵심이다.",
                        "공감 지능은 중요하다."]


def test_import_tbx_from_another_tool(tmp_path):
    out = tmp_path / "g.yaml"
    [term] = import_glossary(FIXTURES / "other-tool.tbx", "tbx", out)
    assert (term.source, term.target, term.forbidden) == ("사이니지", "signage", ("signboard",))
    assert term.note == "signs and displays for businesses"
    assert load_glossary(out).terms == [term]


@pytest.mark.parametrize(("name", "line"), [("xxe.tbx", 2), ("billion-laughs.tbx", 3)])
def test_tbx_with_entities_is_refused_by_line(name, line, tmp_path, capsys):
    out = tmp_path / "g.yaml"
    code = main(["import", str(FIXTURES / name), "--from", "tbx", "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith(f"{FIXTURES / name}:{line}: ") and err.count("\n") == 1
    assert "DOCTYPE" in err and not out.exists()


def test_csv_with_a_wrong_column_count_names_the_line(tmp_path, capsys):
    out = tmp_path / "g.yaml"
    code = main(["import", str(FIXTURES / "bad-row.csv"), "--from", "csv", "-o", str(out)])
    assert code == 2 and not out.exists()
    assert capsys.readouterr().err == (f"{FIXTURES / 'bad-row.csv'}:3: row has 3 columns, "
                                       "expected 2 (like the first row)\n")


def _rows(path: Path, delimiter: str) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f, delimiter=delimiter))


@pytest.mark.parametrize("flavor", ["deepl", "google"])
@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_two_column_flavors_have_no_header_and_one_row_per_spelling(flavor, fmt, tmp_path):
    out = tmp_path / f"g.{fmt}"
    export_glossary(CURATED, fmt, out, flavor)
    rows = _rows(out, "," if fmt == "csv" else "\t")
    glossary = load_glossary(CURATED)
    assert all(len(r) == 2 for r in rows)
    assert rows[0] == ["고객 접점", "customer touchpoint"]           # data, not column names
    assert len(rows) == sum(len(t.spellings) for t in glossary)
    assert ["공감 지능", "Affectionate Intelligence"] in rows


def test_amazon_flavor_has_a_language_code_header(tmp_path):
    out = tmp_path / "g.csv"
    export_glossary(CURATED, "csv", out, "amazon")
    rows = _rows(out, ",")
    assert rows[0] == ["ko", "en"] and rows[1] == ["고객 접점", "customer touchpoint"]


@pytest.mark.parametrize("flavor", ["full", "deepl", "google", "amazon"])
@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_tabular_round_trip_keeps_what_the_flavor_holds(flavor, fmt, tmp_path):
    table, back = tmp_path / f"g.{fmt}", tmp_path / "back.yaml"
    assert main(["export", str(CURATED), "--to", fmt, "--flavor", flavor, "-o", str(table)]) == 0
    assert main(["import", str(table), "--from", fmt, "-o", str(back)]) == 0
    before, after = load_glossary(CURATED).terms, load_glossary(back).terms
    assert [(t.source, t.target, t.variants) for t in after] == \
           [(t.source, t.target, t.variants) for t in before]
    if flavor == "full":   # notes and forbidden renderings travel in the full form
        assert [(t.note, t.forbidden) for t in after] == [(t.note, t.forbidden) for t in before]


def test_export_writes_atomically(tmp_path, capsys):
    out = tmp_path / "g.tsv"
    out.write_text("previous\n", encoding="utf-8")
    bad = tmp_path / "tab.yaml"
    bad.write_text('terms:\n  - source: 구독\n    target: "sub\\tscription"\n', encoding="utf-8")
    code = main(["export", str(bad), "--to", "tsv", "--flavor", "deepl", "-o", str(out)])
    assert code == 2 and "tab or line break" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert {p.name for p in tmp_path.iterdir()} == {"g.tsv", "tab.yaml"}  # no temp file left


def test_import_refuses_conflicting_rows(tmp_path, capsys):
    table = tmp_path / "g.csv"
    table.write_text("source,target,variants,forbidden,note\n구독,subscription,,,\n"
                     "구독,rental,,,\n", encoding="utf-8")
    code = main(["import", str(table), "--from", "csv", "-o", str(tmp_path / "g.yaml")])
    assert code == 2 and "conflicting entries for '구독'" in capsys.readouterr().err
    assert not (tmp_path / "g.yaml").exists()


def test_export_json(tmp_path, capsys):
    out = tmp_path / "g.tbx"
    assert main(["export", "--json", str(CURATED), "--to", "tbx", "-o", str(out)]) == 0
    assert '"terms": 17' in capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_full_table_keeps_compounds_false(fmt, tmp_path):
    table, back = tmp_path / f"g.{fmt}", tmp_path / "back.yaml"
    assert main(["export", str(FIXTURES / "full.yaml"), "--to", fmt, "-o", str(table)]) == 0
    sep = "," if fmt == "csv" else "\t"
    assert table.read_text(encoding="utf-8").splitlines()[0].endswith(f"note{sep}compounds")
    assert main(["import", str(table), "--from", fmt, "-o", str(back)]) == 0
    assert [(t.source, t.compounds) for t in load_glossary(back)] == [("공감지능", True),
                                                                     ("전장", False)]
    assert "compounds: false" in back.read_text(encoding="utf-8")


def test_tbx_carries_compounds_false_as_a_korean_note(tmp_path):
    out = tmp_path / "g.tbx"
    export_glossary(FIXTURES / "full.yaml", "tbx", out)
    notes = [n.text for n in ET.parse(out).getroot().iter(f"{TBX}note")]
    assert notes.count("compounds: false") == 1


def test_bad_compounds_cell_is_an_error_with_its_line(tmp_path, capsys):
    table = tmp_path / "g.csv"
    table.write_text("source,target,variants,forbidden,note,compounds\n구독,subscription,,,,\n"
                     "전장,vehicle components,,,,maybe\n", encoding="utf-8")
    code = main(["import", str(table), "--from", "csv", "-o", str(tmp_path / "g.yaml")])
    assert code == 2 and f"{table}:3: compounds is 'maybe'" in capsys.readouterr().err


TTK_TBX = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE martif PUBLIC "ISO 12200:1999A//DTD MARTIF core (DXFcdV04)//EN" "TBXcdv04.dtd">
<martif type="TBX" xml:lang="en">
<martifHeader><fileDesc><sourceDesc><p>Translate Toolkit</p></sourceDesc></fileDesc>
</martifHeader>
<text><body>
<termEntry><langSet xml:lang="ko"><tig><term>사이니지</term></tig></langSet>
<langSet xml:lang="en"><tig><term>signage</term></tig></langSet></termEntry>
</body></text>
</martif>
"""


def test_tbx_with_a_doctype_and_no_entities_imports(tmp_path):
    """translate-toolkit writes a TBX v2 DOCTYPE (issue 18 item 13): accepted, since it
    declares no entity; nothing is fetched from the system id."""
    path = tmp_path / "ttk.tbx"
    path.write_text(TTK_TBX, encoding="utf-8")
    out = tmp_path / "g.yaml"
    [term] = import_glossary(path, "tbx", out)
    assert (term.source, term.target) == ("사이니지", "signage")
