"""PO pre-translation (documents/formats/po.py): a real Korean PO (Solanum's ko.po), a
Korean-source PO made from it, and a hand-made one with every gettext feature.

Identity round trip: with the copy engine each filled msgstr is its msgid; every line that
is not a msgstr, a flags line or the header's Plural-Forms/Language stays byte for byte, the
file parses to the same entries (contexts, comments, references, flags, obsolete entries),
and ``msgfmt --check`` accepts it.
"""
from __future__ import annotations

import difflib
import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from copyengine import identity_round_trip

from bitext.errors import InputError
from documents.formats import po
from documents.model import DocumentOptions

FIXTURES = Path(__file__).parent / "fixtures" / "po"
ENGLISH = "nplurals=2; plural=(n != 1);"


def msgfmt_check(data: bytes, tmp_path: Path) -> None:
    if shutil.which("msgfmt") is None:
        pytest.skip("msgfmt (gettext) is not installed")
    path = tmp_path / "out.po"
    path.write_bytes(data)
    done = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def outside_msgstr(data: bytes) -> list[str]:
    """The lines pre-translation must not touch."""
    kept, in_msgstr = [], False
    for line in data.decode("utf-8").splitlines():
        if line.startswith("msgstr"):
            in_msgstr = True
            continue
        if in_msgstr and line.startswith('"'):
            continue
        in_msgstr = False
        if line.startswith("#,") or re.match(r'"(Plural-Forms|Language):', line):
            continue
        kept.append(line)
    return kept


def entries(data: bytes) -> list[tuple]:
    parsed = polib.pofile(data.decode("utf-8"), encoding="utf-8")
    return [(e.msgctxt, e.msgid, e.msgid_plural, e.occurrences, e.comment, e.tcomment,
             sorted(set(e.flags) - {"fuzzy"}), e.obsolete) for e in parsed]


@pytest.mark.parametrize(("name", "filled", "kept", "skipped"), [
    ("press-ko.po", 7, 2, 1), ("solanum-ko-reversed.po", 37, 0, 3)])
def test_korean_po_identity_round_trip(name, filled, kept, skipped, tmp_path):
    data = (FIXTURES / name).read_bytes()
    result = identity_round_trip(data, name)
    assert result.counts == {"filled": filled, "kept": kept, "skipped": skipped}
    out = result.data
    assert outside_msgstr(out) == outside_msgstr(data)
    assert entries(out) == entries(data)
    parsed = polib.pofile(out.decode("utf-8"), encoding="utf-8")
    assert parsed.metadata["Plural-Forms"] == ENGLISH and parsed.metadata["Language"] == "en"
    for entry in parsed:
        if entry.obsolete or not re.search("[가-힣]", entry.msgid):
            continue
        if entry.msgid_plural:                      # both English forms filled
            assert entry.msgstr_plural == {0: entry.msgid, 1: entry.msgid_plural}
        elif entry.msgid != "이미 번역된 문장" and entry.msgid != "퍼지 항목":
            assert entry.msgstr == entry.msgid
    assert "fuzzy" not in [f for e in parsed if e.msgstr == e.msgid for f in e.flags]
    msgfmt_check(out, tmp_path)


def test_kept_entries_and_options(tmp_path):
    data = (FIXTURES / "press-ko.po").read_bytes()
    doc = po.read(data, "press-ko.po", DocumentOptions())
    by_line = {u.id: (u.state.value, u.reason) for u in doc.units}
    assert by_line["46"] == ("keep", "translated") and by_line["50"] == ("keep", "translated")
    assert by_line["30[0]"] == by_line["30[1]"] == ("fill", "")
    assert by_line["61"] == ("skip", "no Korean")
    fuzzy = identity_round_trip(data, "press-ko.po", options=DocumentOptions(mark_fuzzy=True))
    parsed = polib.pofile(fuzzy.data.decode("utf-8"), encoding="utf-8")
    filled = [e for e in parsed if e.msgid == e.msgstr or e.msgstr_plural]
    assert filled and all("fuzzy" in e.flags for e in filled)
    assert next(e for e in parsed if e.msgid.startswith("%d개 모델")).flags == ["fuzzy", "c-format"]
    msgfmt_check(fuzzy.data, tmp_path)
    over = identity_round_trip(data, "press-ko.po", options=DocumentOptions(overwrite=True))
    assert over.counts["filled"] == 9
    parsed = polib.pofile(over.data.decode("utf-8"), encoding="utf-8")
    assert parsed.find("이미 번역된 문장").msgstr == "이미 번역된 문장"


def test_real_korean_po_is_refused_then_round_trips_as_english_to_korean():
    """Solanum's ko.po translates English into Korean: a one-line error for ko→en; named
    as en→ko, every msgstr set to what it already was writes the file back byte for byte
    except the msgstr lines polib wraps its own way."""
    data = (FIXTURES / "solanum-ko.po").read_bytes()
    with pytest.raises(InputError, match="translates into 'ko', not 'en'") as e:
        po.read(data, "ko.po", DocumentOptions())
    assert str(e.value).startswith("ko.po:1: ")
    doc = po.read(data, "ko.po", DocumentOptions(source_lang="en", target_lang="ko",
                                                 overwrite=True))
    plural = [u for u in doc.units if u.id.endswith("]")]
    assert [u.id for u in plural] == ["199[0]"]        # Korean: nplurals=1, one form
    for unit in doc.units:
        place = unit.handle
        unit.target = (place.entry.msgstr if place.form is None
                       else place.entry.msgstr_plural[place.form],)
    out = doc.render()
    assert outside_msgstr(out) == outside_msgstr(data)
    assert entries(out) == entries(data)
    assert [e.msgstr for e in polib.pofile(out.decode(), encoding="utf-8")] == \
        [e.msgstr for e in polib.pofile(data.decode(), encoding="utf-8")]
    changed = [line[1:] for line in difflib.unified_diff(
        data.decode().splitlines(), out.decode().splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed and all(line.startswith(('"', "msgstr")) for line in changed)  # re-wrapped


@pytest.mark.parametrize(("data", "line", "message"), [
    (b'msgid "\xea\xb0\x80"\nmsgstr "b\n', 2, "unterminated string"),
    (b'msgid "\xea\xb0\x80"\nmsgstr "b"\nfoo bar\n', 3, "PO syntax error"),
    (b'msgid "\xea\xb0\x80"\nmsgstr ""\n\nmsgid "\xea\xb0\x80"\nmsgstr ""\n', 4,
     "duplicate message definition"),
    (b'msgid "a"\nmsgstr "b" "c\n', 2, "PO syntax error"),
    (b"/etc/passwd", 1, "PO syntax error"),     # content, never a file name
    (b'msgid ""\nmsgstr "Content-Type: text/plain; charset=bogus\\n"\n', None,
     "unknown charset 'bogus'"),
    (b'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "\xff"\n'
     b'msgstr ""\n', 4, "not valid utf-8"),
])
def test_bad_po_is_one_line(data, line, message):
    with pytest.raises(InputError, match=message) as e:
        po.read(data, "bad.po", DocumentOptions())
    assert e.value.line == line and "\n" not in str(e.value)


def test_truncated_real_po_is_one_line():
    data = (FIXTURES / "press-ko.po").read_bytes()
    cut = data[:data.index("냉난방공조".encode()) + 3]
    with pytest.raises(InputError, match="unterminated string") as e:
        po.read(cut, "press-ko.po", DocumentOptions())
    assert e.value.line == 38


def test_real_po_engine_round_trip_en_to_ko(monkeypatch, tmp_path):
    """Solanum's ko.po through the whole layer with the copy engine, every msgid counted as
    text (the layer fills only Korean otherwise), overwriting the Korean: each msgstr becomes
    its msgid, everything else stays, and msgfmt accepts it (one plural form, as ko says)."""
    import documents.translate_doc as layer
    monkeypatch.setattr(layer, "has_korean", lambda text: bool(text.strip()))
    data = (FIXTURES / "solanum-ko.po").read_bytes()
    result = identity_round_trip(data, "ko.po", options=DocumentOptions(
        source_lang="en", target_lang="ko", overwrite=True))
    assert result.counts["filled"] == 41
    assert outside_msgstr(result.data) == outside_msgstr(data)
    assert entries(result.data) == entries(data)
    parsed = polib.pofile(result.data.decode("utf-8"), encoding="utf-8")
    assert parsed.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    assert all(e.msgstr == e.msgid for e in parsed if not e.msgid_plural and not e.obsolete)
    assert parsed.find("Lap {}").msgstr_plural == {0: "Lap {}"}
    msgfmt_check(result.data, tmp_path)
