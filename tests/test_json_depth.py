"""A JSONL line nested 100,000 deep (issue 18, item 6): one line, no RecursionError."""
from __future__ import annotations

import json
import time

import pytest

from bitext import jsonsafe
from bitext.errors import InputError
from bitext.formats import read_bilingual
from koen.glossary_cli import main as glossary_main
from translate.corpus.inputs import _jsonl_source

DEEP = "[" * 100_000 + "]" * 100_000


def test_deep_line_in_bilingual_jsonl_is_one_line(tmp_path, capsys):
    path = tmp_path / "pairs.jsonl"
    good = json.dumps({"source": "전장", "translation": "battlefield"}, ensure_ascii=False)
    path.write_text(f"{good}\n{DEEP}\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_bilingual(path)
    assert str(e.value) == f"{path}:2: not a JSONL record: nested deeper than 64 levels"
    assert glossary_main(["check", str(path)]) == 2
    assert capsys.readouterr().err.strip().endswith(f"{path}:2: not a JSONL record: nested "
                                                    "deeper than 64 levels")


def test_deep_value_inside_a_record_is_refused_too():
    line = '{"source": "가", "translation": ' + DEEP + "}"
    with pytest.raises(jsonsafe.JsonDepthError):
        jsonsafe.loads(line)


def test_corpus_input_row_reports_the_deep_line():
    assert _jsonl_source(3, DEEP) == (None, "not JSON: nested deeper than 64 levels")


def test_brackets_inside_strings_do_not_count():
    text = json.dumps({"source": "[" * 10_000, "translation": "{" * 10_000})
    assert jsonsafe.loads(text)["source"] == "[" * 10_000
    assert jsonsafe.nesting_depth('{"a": "\\"[[[[", "b": [[1]]}', 2) == 3


def test_a_long_flat_line_is_checked_in_linear_time():
    line = json.dumps({"source": "가" * 5_000_000, "translation": "[]" * 1_000_000})
    start = time.monotonic()
    assert len(jsonsafe.loads(line)["source"]) == 5_000_000
    assert time.monotonic() - start < 5       # about 0.5 s; quadratic would be hours
