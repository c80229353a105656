"""JSON and YAML app strings: identity round trips on real files, values spliced back in
the file's own style, key order, interpolations kept, plural keys, the locale root,
``--keys``, hostile input."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from copyengine import identity_round_trip
from hypothesis import given, settings
from hypothesis import strategies as st

from bitext.errors import InputError
from documents import read_document
from documents.appstrings import content_of
from documents.model import Code, DocumentOptions, UnitState

FIX = Path(__file__).parent / "fixtures" / "appstrings"
FILES = ["rails-i18n.ko.yml", "jspaint.ko.json", "i18next.ko.json", "rails-own.ko.yml"]


def read(data: bytes, name: str, **extra):
    return read_document(data, name, options=DocumentOptions(extra=extra))


def fill(doc, table: dict[str, str]) -> None:
    """Set targets the way the layer does: codes kept, text replaced (by key)."""
    for unit in doc.units:
        if unit.id in table and unit.state is UnitState.FILL:
            pieces = table[unit.id].split("|")
            codes = [p for p in unit.source if isinstance(p, Code)]
            out: list = []
            for i, piece in enumerate(pieces):
                out.append(piece)
                if i < len(codes):
                    out.append(codes[i])
            out += codes[len(pieces):]
            unit.target = tuple(out)


@pytest.mark.parametrize("name", FILES)
def test_identity_round_trip_is_byte_equal(name):
    data = (FIX / name).read_bytes()
    for variant in (data, data.replace(b"\n", b"\r\n"), b"\xef\xbb\xbf" + data):
        result = identity_round_trip(variant, name)
        assert result.data == variant
    assert result.counts["filled"] > 5


def test_rails_values_translated_rest_kept():
    data = (FIX / "rails-i18n.ko.yml").read_bytes()
    doc = read(data, "ko.yml")
    ids = {u.id: u for u in doc.units}
    assert ids["ko.date.formats.long"].state is UnitState.FILL
    assert [p.data for p in ids["ko.date.formats.long"].source if isinstance(p, Code)] == \
        ["%Y", "%m", "%d"]
    assert ids["ko.date.formats.default"].state is UnitState.SKIP        # no Korean
    assert ids["ko.date.order.0"].state is UnitState.SKIP                 # :year, no Korean
    fill(doc, {"ko.errors.messages.blank": "Please enter |.",
               "ko.errors.template.body": "Please check the problems below.",
               "ko.helpers.submit.create": "Create: now",
               "ko.time.am": "yes"})
    out = doc.render().decode()
    before, after = yaml.safe_load(data), yaml.safe_load(out)
    assert list(after) == ["en"]
    assert after["en"]["errors"]["messages"]["blank"] == "Please enter %{attribute}."
    assert after["en"]["time"]["am"] == "yes"                 # quoted: plain would be True
    assert after["en"]["helpers"]["submit"]["create"] == "Create: now"
    assert after["en"]["number"] == before["ko"]["number"]    # non-strings untouched
    assert 'body: Please check the problems below.\n' in out  # plain stays plain
    assert '      blank: "Please enter %{attribute}."\n' in out   # quotes stay
    assert out.splitlines()[0] == "---"


def test_json_spliced_key_order_indentation_and_placeholders():
    data = (FIX / "jspaint.ko.json").read_bytes()
    doc = read(data, "translation.json")
    fill(doc, {"Attributes": "Attributes", "Save changes to %1?": "Save changes to %1?",
               "&Width:": "Width|:"})
    out = doc.render().decode()
    assert list(json.loads(out)) == list(json.loads(data))
    assert '\t"Attributes": "Attributes",\n' in out
    assert json.loads(out)["&Width:"] == "Width(&W):"
    assert json.loads(out)["Cancel"] == "취소"               # untranslated value kept


def test_i18next_plural_one_added_and_root_renamed():
    data = (FIX / "i18next.ko.json").read_bytes()
    doc = read(data, "ko.json")
    ids = {u.id: u for u in doc.units}
    one = ids["ko.items_one"]
    assert one.source == ("항목 1개",) and one.line == ids["ko.items_other"].line
    assert "ko.files_one" in ids                      # a plain key counting {{count}}
    fill(doc, {"ko.items_one": "1 item", "ko.items_other": "|items",
               "ko.greeting": "Hello, |!", "ko.link": "| press the button"})
    out = doc.render().decode()
    parsed = json.loads(out)["en"]
    keys = list(parsed)
    assert keys.index("items_one") == keys.index("items_other") - 1
    assert parsed["items_one"] == "{{count}} item"
    assert parsed["items_other"] == "{{count}} items"      # not glued as in Korean 개
    assert parsed["greeting"] == "Hello, {{name}}!"
    assert parsed["link"] == "@:common.ok press the button"
    assert "files_one" not in parsed                  # its unit was not translated
    assert '  "en": {\n    "title"' in out           # indentation of the inserted key's file


def test_rails_plural_one_added_in_block_and_flow_mappings():
    data = (FIX / "rails-own.ko.yml").read_bytes()
    doc = read(data, "ko.yml")
    fill(doc, {"ko.errors.messages.too_long.one": "cannot be longer than 1 character",
               "ko.errors.inline.one": "1 item"})
    after = yaml.safe_load(doc.render())
    assert after["en"]["errors"]["messages"]["too_long"]["one"] == \
        "cannot be longer than %{count} character"
    assert list(after["en"]["errors"]["messages"]["too_long"]) == ["one", "other"]
    assert after["en"]["errors"]["inline"]["one"] == "%{count} item"


def test_yaml_alias_translated_once_and_block_scalar_kept():
    data = (FIX / "rails-own.ko.yml").read_bytes()
    doc = read(data, "ko.yml")
    assert [u.id for u in doc.units].count("ko.defaults.save") == 1
    assert not any(u.id.startswith("ko.admin.save") for u in doc.units)
    fill(doc, {"ko.defaults.save": "Save", "ko.help": "First line.\nSecond line.\n"})
    out = doc.render().decode()
    after = yaml.safe_load(out)
    assert after["en"]["admin"]["save"] == "Save"     # through the alias
    assert after["en"]["help"] == "First line.\nSecond line.\n"
    assert "  help: |\n    First line.\n    Second line.\n" in out


def test_keys_option_chooses_values():
    data = (FIX / "rails-i18n.ko.yml").read_bytes()
    doc = read(data, "ko.yml", keys=["errors.*", "ko.time.am"])
    chosen = {u.id for u in doc.units if u.state is UnitState.FILL}
    assert chosen and all(i.startswith("ko.errors.") or i == "ko.time.am" for i in chosen)
    skipped = [u for u in doc.units if u.reason == "not in --keys"]
    assert skipped and identity_round_trip(data, "ko.yml").counts["skipped"] >= 3


def test_values_without_korean_are_skipped_and_counted():
    result = identity_round_trip((FIX / "i18next.ko.json").read_bytes(), "ko.json")
    reasons = [u.reason for u in result.document.units if u.state is UnitState.SKIP]
    assert reasons.count("no Korean") == 1 and reasons.count("empty") == 1
    assert result.counts["skipped"] == 2


def test_interpolations_become_placeholder_codes():
    content = content_of("%{count}개, {{n, number}}, $t(a.b), @.lower:common.ok, "
                         "%<x>.2f, <1>약관</1>, <br/> %2의 %1, 너비(&W), 100%, %1$s 끝")
    codes = [p.data for p in content if isinstance(p, Code)]
    assert codes == ["%{count}", "{{n, number}}", "$t(a.b)", "@.lower:common.ok", "%<x>.2f",
                     "<1>", "</1>", "<br/>", "%2", "%1", "(&W)"]     # %1$s: core's printf


def test_placeholder_glued_like_a_korean_particle_gets_a_space():
    doc = read('{"a": "%{count}개의 오류", "b": "{{count}}px 너비", "c": "%{n}번째"}'.encode(),
               "s.json")
    fill(doc, {"a": "|errors", "b": "|px width", "c": "Number|"})
    out = json.loads(doc.render())
    assert out == {"a": "%{count} errors", "b": "{{count}}px width", "c": "Number %{n}"}


def test_ascii_escaped_json_is_written_escaped():
    data = b'{"a": "\\uc548\\ub155", "b": "x\\/y"}'
    doc = read(data, "e.json")
    fill(doc, {"a": "Hello \u2014 world/x"})
    out = doc.render()
    assert out == b'{"a": "Hello \\u2014 world\\/x", "b": "x\\/y"}'


@pytest.mark.parametrize("data,name,line,what", [
    (b"[" * 100_000 + b"]" * 100_000, "deep.json", 1, "nesting deeper"),
    (b'{"a": {"b": "\xec\x95\x88\n', "cut.json", 1, "unterminated"),
    (b'{"a": 1,\n "b": 2,,\n}', "comma.json", 2, "expected a key"),
    (b'{"a": "x"} trailing', "trail.json", 1, "after the end"),
    (b"ko:\n  a: [1, 2\n  b: 3\n", "bad.yml", 3, "not valid YAML"),
    (b"- " * 5000 + b"x\n", "deep.yml", None, "nesting"),
    (b"\x00\x01binary", "bin.json", 1, "binary"),
])
def test_bad_input_is_one_line(data, name, line, what):
    with pytest.raises(InputError) as err:
        read(data, name)
    message = str(err.value)
    where = f"{name}:{line}: " if line else f"{name}"
    assert message.startswith(where) and what in message and "\n" not in message


def test_yaml_alias_bomb_is_linear():
    lines = ["a0: &a0 [\"웃음\", \"웃음\"]"]
    for i in range(1, 40):
        lines.append(f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]")
    data = "\n".join(lines).encode()
    doc = read(data, "bomb.yml")
    assert len(doc.units) == 2                        # 2**40 values if expanded
    assert identity_round_trip(data, "bomb.yml").data == data


def test_many_values_are_refused():
    data = ("[" + ",".join(["1"] * 200_001) + "]").encode()
    with pytest.raises(InputError, match="more than 200000 values"):
        read(data, "big.json")


# --- property: the JSON reader finds every string value and writes any English back ----------

_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
_json = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | _text.map(lambda t: "한" + t),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(_text, inner, max_size=4), max_leaves=20)


@settings(max_examples=150, deadline=None)
@given(value=_json, indent=st.sampled_from([None, 2, "\t"]), ascii_only=st.booleans(),
       english=_text)
def test_json_values_spliced_back_equal_a_redump(value, indent, ascii_only, english):
    data = json.dumps({"root": value}, indent=indent, ensure_ascii=ascii_only).encode()
    assert identity_round_trip(data, "p.json").data == data
    doc = read(data, "p.json")
    for unit in doc.units:
        if unit.state is UnitState.FILL and unit.handle.insert_at is None:
            unit.target = (english,)       # (added plural keys stay untranslated: not added)

    def translated(node):
        if isinstance(node, str):
            return english if node.strip() else node
        if isinstance(node, list):
            return [translated(x) for x in node]
        if isinstance(node, dict):
            return {k: translated(v) for k, v in node.items()}
        return node

    assert json.loads(doc.render()) == {"root": translated(value)}


STYLES = ("plain: 한글 값\nsingle: '한글 값'\ndouble: \"한글 값\"\nblock: |\n  한글 값\n  둘째 줄\n"
          "folded: >-\n  한글 값\nflow: {x: 한글 값, y: 1}\nseq: [한글 값, 2]\nlast: 끝\n")


@settings(max_examples=200, deadline=None)
@given(english=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20))
def test_yaml_any_english_reads_back_in_every_style(english):
    doc = read(STYLES.encode(), "s.yml")
    for unit in doc.units:
        unit.target = (english,)
    out = yaml.safe_load(doc.render())
    for key in ("plain", "single", "double", "last"):
        assert out[key] == english, key
    # block scalars keep their chomping (| clip: one final line break; >- strip: none),
    # unless the English cannot be a block and is double-quoted
    assert out["block"] in (english, english.rstrip("\n") + "\n")
    assert out["folded"] in (english, english.rstrip("\n"))
    assert out["flow"] == {"x": english, "y": 1} and out["seq"] == [english, 2]


def test_cli_flags_reach_the_formats():
    from koen.cli import build_parser
    from koen.documents_cmd import options_from
    args = build_parser().parse_args(["ko.yml", "--keys", "errors.*, helpers.*",
                                      "--keys", "time.am", "--max-line-length", "37"])
    extra = options_from(args).extra
    assert extra == {"keys": ["errors.*", "helpers.*", "time.am"], "max_line_length": 37}
    assert options_from(build_parser().parse_args(["ko.yml"])).extra == {}
