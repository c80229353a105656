"""Placeholder stand-ins: the engine sees ``XA``/``1234`` where ``{name}``/``%d`` was, and the
English gets the placeholder back exactly once, where the stand-in went; no stand-in leaks
into the file, the segments, the term records or the QA findings."""
from __future__ import annotations

import random
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import polib
import pytest
from copyengine import CopyTranslator, identity_round_trip
from docmodel import MemoryDocument
from hypothesis import given, settings
from hypothesis import strategies as st

from bitext.records import AlignedSegment
from documents import standins, translate_document, translate_file
from documents.codes import missing_or_extra
from documents.model import Code, CodeKind, Unit
from documents.placeholders import mask
from translate.segment import Segment

FIXTURES = Path(__file__).parent / "fixtures"
GLOSSARY = Path(__file__).resolve().parents[1] / "resources" / "glossary"
PLACEHOLDERS = ["{name}", "{{count}}", "%s", "%d", "%1$s", "%2$d", "%(user)s", "${var}",
                "{0}", "https://example.com/a?b=1", "me@example.com", "/etc/koen/x.yaml",
                "%.1f", "{total}"]
KOREAN = ["님", "개의 파일을", "삭제했습니다", "공감지능은", "일상을 바꾼다", "에서", "확인하세요.",
          "건의 알림", "사진을 올렸습니다", "LG전자는", "XA를", "1234개"]
_LEAK = re.compile(r"(?<![A-Z])X[A-Z](?![A-Z])|1234|5678|4321|8765|2468|1357|9753|8642")


def flat(content) -> str:
    return "".join(p.data if isinstance(p, Code) else p for p in content or ())


def leaks(source: str, english: str) -> list[str]:
    """Stand-in-looking tokens of the English that the source did not have."""
    return [m for m in _LEAK.findall(english) if m not in source]


# --------------------------------------------------------------------------- pure helpers

@pytest.mark.parametrize("data, is_number", [
    ("%d", True), ("%1$d", True), ("%.1f", True), ("%(count)d", True), ("{count}", True),
    ("{{total}}", True), ("#", True), ("{n}", True), ("{item_count}", True),
    ("%s", False), ("{name}", False), ("{{user}}", False), ("{n}px", False), ("{0}", False),
    ("https://x.org", False), ("%(user)s", False),
])
def test_numeric_placeholders(data, is_number):
    assert standins.numeric(data) is is_number


def test_choose_avoids_what_the_sentence_has():
    assert standins.choose([False, True, False], "XA와 1234가 있다") == ["XB", "5678", "XC"]
    assert standins.choose([True] * 9, "")[-1] is None        # supply runs out: masked path


def test_find_takes_glued_romanisation_and_spaces():
    found = standins.find("XAnim, welcome. Delete 1234 files; XB XB.", ["XA", "1234", "XB"])
    assert found.text == ", welcome. Delete files;."
    assert found.at["XA"] == 0 and found.text.startswith(", welcome.")
    assert found.text[:found.at["1234"]].endswith("Delete") and "1234" in found.spaced
    assert standins.map_offset(found.removed[1][1], found.removed) == found.at["1234"]


def test_find_ignores_lookalikes():
    found = standins.find("MAXA 12345 EXAM XA", ["XA", "1234"])
    assert found.text == "MAXA 12345 EXAM" and found.at == {"XA": len("MAXA 12345 EXAM")}
    # a word the model began with the stand-in is the stand-in (the source never had it)
    assert standins.find("XAVIER left", ["XA"]).text == " left"


def test_find_takes_a_capitalised_ending_too():
    found = standins.find("the solution of Intelligence's XAS.", ["XA"])
    assert found.text == "the solution of Intelligence's." and "XA" in found.at
    found = standins.find("XA, products given by the XAS, arrive", ["XA"])   # both go
    assert found.text == ", products given by the, arrive" and found.at == {"XA": 0}


# --------------------------------------------------------------------------- copy engine

APP = ("{name}님, 환영합니다.\n%d개의 파일을 삭제했습니다.\n{{count}}건의 알림이 있습니다.\n"
       "자세한 내용은 https://example.com/help 에서 확인하세요.\n"
       "설정은 /etc/koen/config.yaml 파일에 있습니다.\n%(user)s님이 %2$d개의 사진을 올렸습니다.\n"
       "문의: me@example.com\n{name}님은 {count}개의 쿠폰을 가지고 있습니다.\n")


def test_app_strings_round_trip_with_the_copy_engine():
    copy = CopyTranslator()
    result = translate_file(APP.encode(), copy, name="app.txt")
    assert result.data.decode() == APP
    assert any("XA" in s for s in copy.sentences)              # the engine saw stand-ins
    # 10 placeholders (the e-mail after "문의: " is taken into the sentence before it)
    assert result.standins == {"kept": 10, "forced": 0, "lost": 0}
    for seg in result.segments:                                  # and nothing of them left
        assert not leaks(APP, seg.source + seg.translation), seg


def test_po_c_format_round_trips_with_the_copy_engine():
    data = (FIXTURES / "po" / "press-ko.po").read_bytes()
    result = identity_round_trip(data, "press-ko.po")
    po = polib.pofile(result.data.decode())
    checked = 0
    for entry in po:
        if "c-format" in entry.flags or "python-format" in entry.flags \
                or "python-brace-format" in entry.flags:
            got = entry.msgstr or entry.msgstr_plural.get(0, "")
            assert got == entry.msgid, entry
            checked += 1
    assert checked >= 3


class FixedEnglish:
    """The English given for each sentence as the engine receives it (stand-ins and all)."""

    engine = None

    def __init__(self, english: dict[str, str]):
        self.english = english
        self.seen: list[str] = []

    def translate_segments(self, segments: Iterable[Segment]) -> Iterator[AlignedSegment]:
        for s in segments:
            self.seen.append(s.source)
            yield AlignedSegment(s.index, s.source, self.english[s.source], [], s.doc,
                                 s.paragraph, s.line)


def test_placeholders_spaces_away_from_a_sentence_are_taken_into_it():
    units = [Unit("1", ("%s 파일을 열 수 없습니다.",)),
             Unit("2", ("다운로드가 완료되었습니다: %s",)),
             Unit("3", ("끝났다.  {name} 다음 문장이다.",)), Unit("4", ("문의: \n%s",))]
    english = FixedEnglish({"XA 파일을 열 수 없습니다.": "Cannot open the file XA.",
                            "다운로드가 완료되었습니다: XA": "Download complete: XA",
                            "끝났다.": "Done.", "XA 다음 문장이다.": "XA is the next sentence.",
                            "문의:": "Contact:"})
    translate_document(english, MemoryDocument("m", units))
    assert [flat(u.target) for u in units] == [
        "Cannot open the file %s.", "Download complete: %s",
        "Done.  {name} is the next sentence.", "Contact: \n%s"]     # not across a line end


def test_isolated_code_inside_a_sentence_gets_a_stand_in():
    unit = Unit("1", ("저장하려면 ", Code("1", CodeKind.ISOLATED, "<x/>"), " 아이콘을 누르세요.",
                      Code("2", CodeKind.ISOLATED, "<br/>")))
    copy = CopyTranslator()
    translate_document(copy, MemoryDocument("m", [unit]))
    assert copy.sentences == ["저장하려면 XA 아이콘을 누르세요."]   # the end code is not a word
    assert unit.target == unit.source


def test_codes_sharing_an_offset_and_icu_keep_the_masked_path():
    unit = Unit("1", ("안녕 ", Code("b", CodeKind.OPEN, "<b>"), "{name}",
                      Code("b", CodeKind.CLOSE, "</b>"), "님. {n, plural, one {#개} other {#개}}"))
    copy = CopyTranslator()
    translate_document(copy, MemoryDocument("m", [unit]))
    assert not any("XA" in s for s in copy.sentences)
    assert any("1234" in s for s in copy.sentences)             # '#' is a number
    assert flat(unit.target) == flat(unit.source)


# --------------------------------------------------------------------------- never leaks

class Scrambler:
    """English that does to the stand-ins what a bad engine does: drops, doubles, moves,
    glues romanised particles on (XAnim), and adds random words around them."""

    engine = None

    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def translate_segments(self, segments: Iterable[Segment]) -> Iterator[AlignedSegment]:
        for s in segments:
            words = [self.rng.choice(["the", "file", "is", "nim", ",", "sent", "x", "EXAM"])
                     for _ in range(self.rng.randint(0, 6))]
            for m in s.forced:
                for _ in range(self.rng.choice([0, 1, 1, 1, 2])):
                    word = m.surface + self.rng.choice(["", "", "nim", "im's", "s", "S"])
                    words.insert(self.rng.randint(0, len(words)), word)
            yield AlignedSegment(s.index, s.source, " ".join(words), [], s.doc, s.paragraph,
                                 s.line)


@st.composite
def app_units(draw) -> list[str]:
    out = []
    for _ in range(draw(st.integers(1, 3))):
        parts = draw(st.lists(st.sampled_from(PLACEHOLDERS + KOREAN + ["<x/>"]), min_size=1,
                              max_size=8))
        glue = draw(st.lists(st.sampled_from(["", " ", ". "]), min_size=len(parts),
                             max_size=len(parts)))
        text = "".join(p + g for p, g in zip(parts, glue)).strip()
        if re.search("[가-힣]", text):
            out.append(text)
    return out or ["{name}님"]


def _content(text: str) -> tuple:
    """``<x/>`` in a generated text is an isolated format code (an image, a variable)."""
    out: list = []
    for k, piece in enumerate(text.split("<x/>")):
        if k:
            out.append(Code(f"x{k}", CodeKind.ISOLATED, "<x/>"))
        if piece:
            out.append(piece)
    return tuple(out)


@settings(max_examples=100, deadline=None)
@given(app_units(), st.integers(0, 10_000))
def test_stand_ins_never_leak_and_placeholders_come_back_once(texts, seed):
    for translator in (CopyTranslator(), Scrambler(seed)):
        units = [Unit(str(i), _content(t)) for i, t in enumerate(texts)]
        result = translate_document(translator, MemoryDocument("m", units))
        for unit, text in zip(units, texts):
            assert unit.target is not None
            assert missing_or_extra(unit.source, unit.target) == []
            english = flat(unit.target)
            if isinstance(translator, CopyTranslator):
                assert english == text
            # the layer checks its masked content: a placeholder lost or doubled is an error
            assert not [q for q in unit.qa if q.severity == "error"], unit.qa
            masked = [p.data for p in mask(unit.source).content if isinstance(p, Code)]
            for ph in set(masked):             # (placeholders may overlap: at least as many)
                assert english.count(ph) >= masked.count(ph), (text, english)
            assert not leaks(text, english), (text, english)
        for seg in result.segments:
            assert not leaks(" ".join(texts), seg.source + " " + seg.translation)


# --------------------------------------------------------------------------- tiny model

@pytest.fixture(scope="module")
def tiny(tiny_model_hints):
    from translate.pipeline import Translator

    return Translator(tiny_model_hints, GLOSSARY, beam_size=1, num_hypotheses=1)


def test_tiny_model_keeps_placeholders_and_term_counts(tiny):
    data = (APP + "공감지능은 {name}님의 일상을 바꾼다.\n"
            "LG전자는 %s에서 냉난방공조 사업을 키운다.\n").encode()
    runs = {use: translate_file(data, tiny, name="app.txt", use_standins=use)
            for use in (False, True)}
    for use, result in runs.items():
        english = result.data.decode()
        for line, source in zip(english.splitlines(), data.decode().splitlines()):
            for ph in ("{name}", "%d", "{{count}}", "%(user)s", "%2$d", "me@example.com",
                       "https://example.com/help", "/etc/koen/config.yaml", "{count}", "%s"):
                if ph == "%s" and "%(user)s" in source:
                    continue
                assert line.count(ph) == source.count(ph), (use, source, line)
            assert not leaks(source, line), (use, line)
        for seg in result.segments:
            assert not leaks(data.decode(), seg.translation)
            for t in seg.terms:              # offsets index the segment as reported
                assert seg.source[t.start:t.end].startswith(t.surface[:2]), (seg, t)
                if t.target_start is not None and t.target_end is not None:
                    assert seg.translation[t.target_start:t.target_end].lower() \
                        == t.target.lower(), (seg, t)
            assert not any(q.code == "latin-missing" and _LEAK.search(q.message)
                           for q in seg.qa)
    terms = {use: sorted((t.source, t.status.value != "skipped") for s in r.segments
                         for t in s.terms) for use, r in runs.items()}
    assert terms[True] and [t for t, _ in terms[True]] == [t for t, _ in terms[False]]
    assert all(t in ("공감지능", "냉난방공조") for t, _ in terms[True])


# --------------------------------------------------------------------------- bundled model

@pytest.fixture(scope="module")
def bundled(shared_model):
    from translate.pipeline import Translator

    return Translator(shared_model, GLOSSARY)


def test_bundled_model_sees_the_subject(bundled):
    data = ("{name}님, 환영합니다.\n공감지능은 {name}님의 일상을 바꾼다.\n"
            "%d개의 파일을 삭제했습니다.\n")
    result = translate_file(data.encode(), bundled, name="app.txt")
    lines = result.data.decode().splitlines()
    assert [line.count(ph) for line, ph in zip(lines, ("{name}", "{name}", "%d"))] == [1, 1, 1]
    assert lines[0].startswith("{name}")                  # "{name}, welcome." (was "{name} Lord")
    assert "files" in lines[2] or "file" in lines[2]
    assert result.standins["lost"] == 0
    terms = [t.source for s in result.segments for t in s.terms]
    assert terms == ["공감지능"]


class Reporting:
    """What the pipeline returns for a sentence with stand-ins: records and findings about
    them included (enforcement checks them like terms), offsets in the text with them."""

    engine = None

    def translate_segments(self, segments: Iterable[Segment]) -> Iterator[AlignedSegment]:
        from bitext.qa.issue import QAIssue
        from bitext.records import TermRecord, TermStatus

        for s in segments:
            assert s.source == "공감지능으로 1234개의 파일을 XA에 저장했다."
            english = "Affectionate Intelligence saved 1234 files in XA ."
            terms = [TermRecord("공감지능", "공감지능", 0, 4, "Affectionate Intelligence",
                                TermStatus.APPLIED, "hint", None, 0, 25),
                     TermRecord("1234", "1234", 7, 11, "1234", TermStatus.APPLIED, "prefix",
                                None, 32, 36),
                     TermRecord("XA", "XA", 20, 22, "XA", TermStatus.APPLIED, "model",
                                None, 46, 48)]
            qa = [QAIssue("number", "error", "target", 32, 36, "number 1234 is not in the source"),
                  QAIssue("latin-missing", "warning", "source", 20, 22, "XA is missing"),
                  QAIssue("punctuation", "warning", "target", 49, 50, "a lone '.'")]
            yield AlignedSegment(s.index, s.source, english, terms, s.doc, s.paragraph, s.line,
                                 s.notes, qa)


def test_records_and_findings_about_stand_ins_are_dropped_and_offsets_moved():
    unit = Unit("1", ("공감지능으로 %d개의 파일을 {path}에 저장했다.",))
    result = translate_document(Reporting(), MemoryDocument("m", [unit]))
    (seg,) = result.segments
    assert seg.source == "공감지능으로 개의 파일을 에 저장했다."
    assert seg.translation == "Affectionate Intelligence saved files in ."
    assert [(t.source, t.target_start, t.target_end) for t in seg.terms] == [
        ("공감지능", 0, 25)]                                # the report counts glossary terms only
    assert [(q.code, q.start, q.end) for q in seg.qa] == [
        ("punctuation", seg.translation.index("."), seg.translation.index(".") + 1)]
    assert result.standins == {"kept": 1, "forced": 1, "lost": 0}
    assert flat(unit.target) == "Affectionate Intelligence saved %d files in {path} ."
