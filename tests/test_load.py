"""Glossary YAML: what loads, and the one-line error each bad file gets."""
from pathlib import Path

import pytest

from glossary import GlossaryError, load_glossary

REPO = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, text: str, name: str = "g.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(*paths) -> str:
    with pytest.raises(GlossaryError) as e:
        load_glossary(*paths)
    return str(e.value)


def test_curated_glossary_loads_with_required_terms():
    g = load_glossary(REPO / "resources" / "glossary")
    targets = {t.source: t.target for t in g}
    for source, target in {
        "공감지능": "Affectionate Intelligence", "전장": "vehicle components",
        "냉난방공조": "HVAC", "빌트인": "built-in", "사이니지": "signage", "기업간거래": "B2B",
        "구독": "subscription", "웹OS": "webOS", "전기차 충전": "EV charging",
        "탈탄소화": "decarbonization", "서비스화": "servitization",
        "디지털화": "digitalization", "최고기술책임자": "chief technology officer",
        "스마트 라이프 솔루션": "smart life solution", "고객 접점": "customer touchpoint",
    }.items():
        assert targets[source] == target
    jeonjang = g.lookup("전장")
    assert "병사" in jeonjang.context.unless


def test_entry_fields_and_line_numbers(tmp_path):
    path = write(tmp_path, """terms:
  - source: 공감지능
    target: Affectionate Intelligence
    variants: [공감 지능]
    forbidden: empathetic intelligence
    context:
      when: [LG]
    examples:
      - source: 공감지능은 좋다.
        contains: [Affectionate Intelligence]
  - source: 전장
    target: vehicle components
""")
    g = load_glossary(path)
    first, second = g.terms
    assert first.variants == ("공감 지능",) and first.forbidden == ("empathetic intelligence",)
    assert first.context.when == ("LG",) and first.examples[0].contains == (
        "Affectionate Intelligence",)
    assert (first.origin.line, second.origin.line) == (2, 11)


def test_folder_merges_files_in_name_order(tmp_path):
    write(tmp_path, "terms:\n  - {source: 전장, target: vehicle components}\n", "b.yaml")
    write(tmp_path, "terms:\n  - {source: 구독, target: subscription}\n", "a.yml")
    assert [t.source for t in load_glossary(tmp_path)] == ["구독", "전장"]


@pytest.mark.parametrize("text, line, words", [
    ("terms:\n  - source: 전장\n    target: [unclosed\n", 4, "malformed YAML"),
    ("terms:\n  - source: 전장\n", 2, "no target"),
    ("terms:\n  - target: HVAC\n", 2, "no source"),
    ("terms:\n  - source: ''\n    target: HVAC\n", 2, "no source"),
    ("terms:\n  - source: 전장\n    tagret: x\n    target: y\n", 3, "unknown key 'tagret'"),
    ("terms:\n  - source: 전장\n    target: a\n    target: b\n", 4, "duplicate key"),
    ("terms:\n  - !!python/object/apply:os.system ['echo hacked']\n", 2, "not allowed"),
    ("terms: !!python/object:glossary.model.Term {}\n", 1, "not allowed"),
    ("- source: 전장\n  target: x\n", 1, "`terms:` list"),
    ("terms:\n  - source: 전장\n    target: x\n    variants: [1, 2]\n", 4, "list of non-empty"),
    ("terms:\n  - source: 전장\n    target: x\n    compounds: 'no'\n", 4, "true or false"),
])
def test_bad_yaml_names_file_and_line(tmp_path, text, line, words):
    path = write(tmp_path, text)
    message = error_of(path)
    assert message.startswith(f"{path}:{line}: "), message
    assert words in message and "\n" not in message


def test_python_tag_never_executes(tmp_path):
    marker = tmp_path / "pwned"
    path = write(tmp_path, f"terms:\n  - !!python/object/apply:os.system ['touch {marker}']\n")
    error_of(path)
    assert not marker.exists()


def test_conflict_across_files_names_both(tmp_path):
    a = write(tmp_path, "terms:\n  - {source: 전장, target: vehicle components}\n", "a.yaml")
    b = write(tmp_path, "terms:\n  - source: 구독\n    target: s\n  - source: 전장\n"
                        "    target: battlefield\n", "b.yaml")
    message = error_of(tmp_path)
    assert message.startswith(f"{b}:4: conflicting entries for '전장'") and f"{a}:2" in message


def test_variant_claimed_twice_and_exact_duplicate(tmp_path):
    write(tmp_path, "terms:\n  - {source: 냉난방공조, target: HVAC}\n"
                    "  - {source: 공조, target: HVAC, variants: [냉난방 공조]}\n")
    assert "duplicate entry for '냉난방 공조'" in error_of(tmp_path)


def test_not_utf8_and_missing(tmp_path):
    path = tmp_path / "g.yaml"
    path.write_bytes("terms:\n  - source: 전장\n".encode("cp949"))
    assert error_of(path).startswith(f"{path}:2: not UTF-8")
    assert "glossary not found" in error_of(tmp_path / "nope.yaml")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "no *.yaml files" in error_of(empty)


def test_compounds_flag_defaults_to_true(tmp_path):
    path = write(tmp_path, "terms:\n  - {source: 전장, target: x, compounds: false}\n"
                           "  - {source: 구독, target: y}\n")
    assert [(t.source, t.compounds) for t in load_glossary(path)] == [("전장", False),
                                                                     ("구독", True)]
