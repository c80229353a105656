"""Subtitles and app strings translated by the bundled model through the CLI's library call,
then opened by the tools that read such files (the ``srt`` library, webvtt-py, PyYAML,
json): same cues and timings, same keys, every placeholder kept."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml

from documents import translate_file
from documents.model import Code, DocumentOptions, UnitState

srt = pytest.importorskip("srt")
webvtt = pytest.importorskip("webvtt")

FIX = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def translator(shared_model):
    from translate.pipeline import Translator
    return Translator(shared_model, glossary=Path(__file__).parents[1] / "resources" / "glossary")


def test_srt_translated_and_read_by_the_srt_library(translator):
    path = FIX / "subtitles" / "interview.ko.srt"
    result = translate_file(path, translator)
    before = list(srt.parse(path.read_text(encoding="utf-8")))
    after = list(srt.parse(result.data.decode("utf-8")))
    assert [(c.index, c.start, c.end) for c in after] == \
        [(c.index, c.start, c.end) for c in before]
    for a, b in zip(before, after, strict=True):
        assert not any("\uac00" <= ch <= "\ud7a3" for ch in b.content)   # all translated
        # a line more is allowed only where the English has fewer words than lines
        assert len(b.content.splitlines()) <= len(a.content.splitlines())
    text = result.data.decode()
    assert text.count("<i>") == text.count("</i>") == 2
    assert "{\\an8}" in text and 'color="#ffff00"' in text
    assert "Affectionate Intelligence" in text        # the glossary, enforced in a cue


def test_vtt_translated_and_read_by_webvtt_py(translator):
    path = FIX / "subtitles" / "lecture.ko.vtt"
    result = translate_file(path, translator)
    before = webvtt.from_buffer(io.StringIO(path.read_text(encoding="utf-8")))
    after = webvtt.from_buffer(io.StringIO(result.data.decode("utf-8")))
    assert [(c.identifier, c.start, c.end) for c in after] == \
        [(c.identifier, c.start, c.end) for c in before]
    assert len(after.styles) == len(before.styles) == 1
    text = result.data.decode()
    assert "region:bottom" in text and "<v 진행자>" in text and "<c.yellow>" in text


@pytest.mark.parametrize("name,load", [("i18next.ko.json", json.loads),
                                       ("rails-i18n.ko.yml", yaml.safe_load)])
def test_app_strings_keep_keys_and_placeholders(translator, name, load):
    path = FIX / "appstrings" / name
    result = translate_file(path, translator)
    before, after = load(path.read_text(encoding="utf-8")), load(result.data.decode())
    assert list(after) == ["en"] and list(before) == ["ko"]
    for unit in result.document.units:
        if unit.state is not UnitState.FILL or unit.target is None:
            continue
        want = sorted(p.data for p in unit.source if isinstance(p, Code) and p.placeholder)
        got = sorted(p.data for p in unit.target if isinstance(p, Code) and p.placeholder)
        assert got == want or unit.handle.insert_at is not None, unit.id

    def keys(node, path=()):
        if isinstance(node, dict):
            for k, v in node.items():
                yield (*path, k)
                yield from keys(v, (*path, k))

    added = {k[-1] for k in keys(after)} - {k[-1] for k in keys(before)} - {"en"}
    assert added <= {"items_one", "files_one", "one"}


def test_keys_option_through_the_library(translator):
    path = FIX / "appstrings" / "rails-i18n.ko.yml"
    result = translate_file(path, translator,
                            options=DocumentOptions(extra={"keys": ["helpers.*"]}))
    after = yaml.safe_load(result.data.decode())["en"]
    assert after["time"]["am"] == "오전"
    assert not any("\uac00" <= ch <= "\ud7a3" for ch in after["helpers"]["submit"]["create"])
