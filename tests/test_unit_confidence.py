"""A pre-translated unit carries its confidence where its format keeps notes (issue 20: "a unit
of several sentences takes its least confident sentence"): an XLIFF note, a PO translator
comment that msgmerge keeps; a unit without a confidence (the copy translator) gets none."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from copyengine import identity_round_trip

from documents import translate_file
from documents.model import DocumentOptions
from translate.pipeline import Translator

SAMPLES = Path(__file__).resolve().parents[1] / "resources" / "samples"
GLOSSARY = Path(__file__).resolve().parents[1] / "resources" / "glossary"


@pytest.fixture(scope="module")
def translator(tiny_model):
    return Translator(tiny_model, str(GLOSSARY), beam_size=1)


def least_confident(result) -> list[str]:
    return [f"{u.confidence:.2f}" for u in result.document.units if u.confidence is not None]


def test_xliff_units_get_their_least_confident_sentence_as_a_note(translator):
    result = translate_file(SAMPLES / "press.ko.xlf", translator)
    filled = [u for u in result.document.units if u.target is not None and u.segments]
    assert filled
    for unit in filled:
        assert unit.confidence == min(s.confidence for s in unit.segments)
    notes = re.findall(r"<note [^>]*>confidence: ([0-9.]+)</note>", result.data.decode())
    assert notes == least_confident(result)


def test_po_entries_get_a_translator_comment_once(translator, tmp_path):
    first = translate_file(SAMPLES / "press.ko.po", translator)
    text = first.data.decode()
    comments = re.findall(r"^# koen-terminology: confidence ([0-9.]+)$", text, flags=re.M)
    assert comments and len(comments) == len({id(u.handle.entry) for u in first.document.units
                                              if u.confidence is not None})
    again = translate_file(first.data, translator, name="press.ko.po",
                           options=DocumentOptions(overwrite=True))
    assert len(re.findall(r"^# koen-terminology:", again.data.decode(), flags=re.M)) == \
        len(comments)                      # replaced, not added again
    if shutil.which("msgfmt"):
        out = tmp_path / "en.po"
        out.write_bytes(first.data)
        done = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(out)],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr


def test_no_confidence_no_note():
    for name in ("press.ko.xlf", "press.ko.po"):
        result = identity_round_trip((SAMPLES / name).read_bytes(), name)
        assert b"confidence" not in result.data
