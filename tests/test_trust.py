"""Saying when a translation is bad: the confidence in every format, term artefacts, places
of findings, the TSV that standard readers read, and ``glossary test`` failing on QA errors."""
from __future__ import annotations

import csv
import io
import json
import random
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from bitext.errors import InputError
from bitext.formats import FORMATS, read_bilingual, write_segments
from bitext.gate import failing, parse_fail_on
from bitext.qa.confidence import (
    CONFIDENCE_FILE,
    FEATURES,
    FITTED,
    ConfidenceModel,
    Evidence,
    check_confidence,
    features,
    fit_logistic,
    generic_model,
    model_for,
)
from bitext.qa.issue import QAIssue
from bitext.qa.lexicon import Lexicon, default_lexicon, fit_ibm1, target_stems
from bitext.qa.terms import glued, lost, repeated
from bitext.records import AlignedSegment
from bitext.report import render_json, render_text, summarise
from glossary.load import load_glossary
from glossary.model import Example, GlossaryError, Term
from translate.examples import judge
from translate.options import DecodeOptions
from translate.segment import segment_text

ROOT = Path(__file__).resolve().parents[1]
# ../shared beside a checkout, or two floors up from a worktree (as tests/schemas.py on harden)
SCHEMAS = next((p / "schemas" / "catalog" / "xliff2.1" for p in (
    ROOT.parent / "shared", ROOT.parents[1] / "shared") if (p / "schemas").is_dir()),
    ROOT.parent / "shared" / "schemas" / "catalog" / "xliff2.1")
HOSTILE = ['"starts with a quote', 'unbalanced " quote', 'tab\there', 'line\nbreak',
           'lone\rcarriage', '""', '"', 'ends with "', "back\\slash \\n \\t", "=1+1", ""]


def segments_with_confidence() -> list[AlignedSegment]:
    low = QAIssue("low-confidence", "warning", "target", 0, 12, "confidence 0.31 is below 0.73")
    return [
        AlignedSegment(1, "매출은 3.5% 늘었다.", "Sales rose 3.5%.", doc="a.txt", paragraph=1,
                       line=1, confidence=0.91, column=1),
        AlignedSegment(2, "공감지능은 법이다.", "Nonsense law.", doc="a.txt", paragraph=1,
                       line=1, qa=[low], confidence=0.31, column=14),
        AlignedSegment(3, "둘째 문단.", "Second paragraph.", doc="a.txt", paragraph=2, line=3,
                       confidence=0.55, column=1),
    ]


# --------------------------------------------------------------------------- TSV (item 18)

def hostile_segments() -> list[AlignedSegment]:
    return [AlignedSegment(i, f"원문 {i} {text}", text, confidence=0.5, line=i)
            for i, text in enumerate(HOSTILE, 1)]


def test_tsv_reads_back_exactly_with_the_csv_module(tmp_path):
    segs = hostile_segments()
    path = tmp_path / "out.tsv"
    write_segments(segs, str(path))
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, dialect="excel-tab"))
    assert [(r["source"], r["translation"]) for r in rows] == [
        (s.source, s.translation) for s in segs]
    assert [r["confidence"] for r in rows] == ["0.50"] * len(segs)
    assert [r["line"] for r in rows] == [str(s.line) for s in segs]
    # and our own reader agrees
    assert [(p.source, p.translation) for p in read_bilingual(path)] == [
        (s.source, s.translation) for s in segs]


def test_tsv_reads_back_exactly_with_pandas(tmp_path):
    pd = pytest.importorskip("pandas")
    segs = hostile_segments()
    path = tmp_path / "out.tsv"
    write_segments(segs, str(path))
    frame = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    assert list(frame.columns) == ["index", "paragraph", "line", "source", "translation",
                                   "terms", "qa", "confidence"]
    assert list(frame["translation"]) == [s.translation for s in segs]
    assert list(frame["source"]) == [s.source for s in segs]


def test_old_escaped_tsv_files_still_read(tmp_path):
    old = tmp_path / "old.tsv"
    old.write_text("index\tsource\ttranslation\tterms\tqa\n1\t가\\t나\t\"a\\nb\t\t\n",
                   encoding="utf-8")
    assert [(p.source, p.translation) for p in read_bilingual(old)] == [("가\t나", '"a\nb')]


def test_tsv_with_broken_quoting_is_one_line_error(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("index\tparagraph\tline\tsource\ttranslation\tterms\tqa\tconfidence\r\n"
                   '1\t1\t1\t가\t"never closed\r\n2\t1\t2\t나\tb\t\t\t\r\n', encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_bilingual(bad)
    assert str(e.value).startswith(f"{bad}:2:")


def test_a_huge_quoted_cell_reads(tmp_path):
    big = "x" * 200_000 + '"'
    path = tmp_path / "big.tsv"
    write_segments([AlignedSegment(1, "가", big)], str(path))
    assert read_bilingual(path)[0].translation == big


# --------------------------------------------------------------------------- every format

def test_jsonl_carries_confidence_and_column_and_old_records_load():
    seg = segments_with_confidence()[1]
    d = json.loads(json.dumps(seg.to_dict()))
    assert d["confidence"] == 0.31 and d["column"] == 14
    assert AlignedSegment.from_dict(d) == seg
    old = {k: v for k, v in d.items() if k not in ("confidence", "column")}
    assert AlignedSegment.from_dict(old).confidence is None
    for bad in ("0.5", 1.5, -1, True, None):
        assert AlignedSegment.from_dict({**d, "confidence": bad}).confidence is None


def test_tmx_has_a_confidence_prop():
    out = io.StringIO()
    FORMATS["tmx"].write(segments_with_confidence(), out)
    root = ET.fromstring(out.getvalue().encode("utf-8"))
    props = [[p.text for p in tu.findall("prop") if p.get("type") == "x-confidence"]
             for tu in root.iter("tu")]
    assert props == [["0.91"], ["0.31"], ["0.55"]]


def test_xliff_carries_confidence_in_an_mtc_match_that_validates():
    out = io.StringIO()
    FORMATS["xliff"].write(segments_with_confidence(), out)
    root = ET.fromstring(out.getvalue().encode("utf-8"))
    mtc = "{urn:oasis:names:tc:xliff:matches:2.0}"
    matches = list(root.iter(f"{mtc}match"))
    assert [(m.get("ref"), m.get("matchQuality"), m.get("type")) for m in matches] == [
        ("#s1", "91.0", "mt"), ("#s2", "31.0", "mt"), ("#s3", "55.0", "mt")]
    if not SCHEMAS.is_dir():
        pytest.skip(f"XLIFF 2.1 schemas not found at {SCHEMAS}")
    etree = pytest.importorskip("lxml.etree")
    wrapper = f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
      <xs:import namespace="urn:oasis:names:tc:xliff:document:2.0"
                 schemaLocation="{SCHEMAS / 'xliff_core_2.0.xsd'}"/>
      <xs:import namespace="urn:oasis:names:tc:xliff:matches:2.0"
                 schemaLocation="{SCHEMAS / 'matches.xsd'}"/>
      <xs:import namespace="urn:oasis:names:tc:xliff:glossary:2.0"
                 schemaLocation="{SCHEMAS / 'glossary.xsd'}"/>
    </xs:schema>"""
    schema = etree.XMLSchema(etree.fromstring(wrapper.encode()))
    doc = etree.fromstring(out.getvalue().encode("utf-8"))
    assert schema.validate(doc), schema.error_log


def test_html_and_markdown_shade_by_confidence():
    out = io.StringIO()
    FORMATS["html"].write(segments_with_confidence(), out)
    html = out.getvalue()
    assert html.count('<tr class="conf-low">') == 1 and html.count('class="conf-medium"') == 1
    assert '<td class="conf">0.91</td>' in html
    out = io.StringIO()
    FORMATS["md"].write(segments_with_confidence(), out)
    md = out.getvalue()
    assert "| 0.31 🟥 |" in md and "| 0.55 🟨 |" in md and "| 0.91 |" in md


# --------------------------------------------------------------------------- report, gate

def test_report_names_file_line_column_and_lists_low_confidence():
    segs = segments_with_confidence()
    segs[0].qa = [QAIssue("number", "error", "source", 4, 8, "3.5% is not there")]
    report = summarise(segs)
    text = render_text(report)
    assert "a.txt:1:5: qa number: 3.5% is not there" in text     # column of the number
    assert "a.txt:1:14: warning low-confidence 0.31: Nonsense law." in text
    assert "confidence: mean 0.59, lowest 0.31 over 3 segments; 1 low" in text
    data = json.loads(render_json(report))
    problem = data["qa_problems"][0]
    assert (problem["index"], problem["line"], problem["column"]) == (1, 1, 5)
    assert data["confidence"]["low"][0]["column"] == 14
    assert data["qa"]["low-confidence"] == {"error": 0, "warning": 1}
    assert failing(report.to_dict(), parse_fail_on("low-confidence")) == {"low-confidence": 1}


def test_segment_columns_point_at_each_sentence_of_a_long_line():
    line = "첫 문장이다. 둘째 문장이다. 셋째 문장이다."
    segs = segment_text(line + "\n")
    assert [(s.line, s.column) for s in segs] == [(1, 1), (1, 9), (1, 18)]
    assert [line[s.column - 1:].startswith(s.source) for s in segs] == [True] * 3


# --------------------------------------------------------------------------- the score

def test_ibm1_learns_renderings_from_pairs():
    pairs = [(["집"], target_stems("the house")), (["집", "크"], target_stems("a big house")),
             (["크"], target_stems("big")), (["개"], target_stems("the dog")),
             (["개", "크"], target_stems("a big dog"))] * 3
    lex = fit_ibm1(pairs, min_count=1)
    assert max(lex.table["집"], key=lex.table["집"].get) == "house"
    assert max(lex.table["개"], key=lex.table["개"].get) == "dog"
    covered, unseen, known = lex.coverage(["집", "개", "고양이"], "The house.")
    assert (covered, round(unseen, 2), known) == (0.5, 0.33, 2)
    unsupported, unknown = lex.support(["집"], "house dog legenders")
    assert unsupported == pytest.approx(1 / 3) and unknown == pytest.approx(1 / 3)
    assert Lexicon.from_dict(json.loads(json.dumps(lex.to_dict()))).table.keys() == \
        lex.table.keys()


def test_shipped_lexicon_knows_news_words():
    lex = default_lexicon()
    assert "sales" in lex.table["매출"] and "govern" in lex.table["정부"]


def test_logistic_fit_separates_and_scores_stay_in_range():
    rng = random.Random(3)
    rows, labels = [], []
    for _ in range(400):
        bad = rng.random() < 0.25
        rows.append({"uncovered": rng.gauss(0.6 if bad else 0.2, 0.15),
                     "src_len": rng.gauss(4, 0.5)})
        labels.append(int(bad))
    model = fit_logistic(rows, labels, ("uncovered", "src_len"), l2=1.0)
    scores = [model.score(r) for r in rows]
    assert all(0.0 <= s <= 1.0 for s in scores)
    bad_mean = sum(s for s, y in zip(scores, labels) if y) / sum(labels)
    good_mean = sum(s for s, y in zip(scores, labels) if not y) / (len(labels) - sum(labels))
    assert bad_mean < good_mean - 0.3
    assert model.score({"uncovered": 10.0, "src_len": 4}) < 0.01      # extreme: clamped
    assert ConfidenceModel.from_dict(model.to_dict()).score(rows[0]) == scores[0]


def test_features_are_defined_without_engine_evidence():
    f = features(Evidence("매출은 늘었다.", "Sales rose."))
    assert set(f) == set(FEATURES) and f["lp_mean"] == 0.0 and f["attn_gap"] == 0.0
    looping = features(Evidence("매출은 늘었다.", "Sales sales sales rose.", qa=[
        QAIssue("repetition", "error", "target", 0, 17, "loop")]))
    assert looping["loops"] == 1.0


def test_fits_beside_models_and_the_generic_fallback(tmp_path):
    generic = generic_model()
    assert not generic.calibrated and set(generic.names) <= set(FEATURES)
    assert not any(n.startswith(("lp_", "attn_")) for n in generic.names)
    assert model_for(tmp_path) is generic
    bundled = model_for(ROOT / "resources" / "models" / "ko-en-small")
    assert bundled.calibrated and bundled.names == FITTED
    # the shipped fit weights no log-probability: no scoring pass is paid for it
    assert not bundled.uses("lp_") and not bundled.uses("attn_")
    scored = ConfidenceModel(("src_len", "lp_mean"), (0.0, 0.0), (1.0, 1.0), (0.1, -0.2), 0.0)
    assert scored.uses("lp_") and not replace(scored, weights=(0.1, 0.0)).uses("lp_")
    assert 0 < bundled.error_below < bundled.warn_below < 1
    (tmp_path / CONFIDENCE_FILE).write_text(json.dumps(bundled.to_dict()), encoding="utf-8")
    assert model_for(tmp_path) == bundled
    for bad in ('{"names": ["nonsense"], "mean": [0], "scale": [1], "weights": [1], "bias": 0}',
                "{not json", '{"names": []}', "[]", '{"names": ["src_len"], "mean": [],'
                ' "scale": [], "weights": [], "bias": 0}'):
        (tmp_path / CONFIDENCE_FILE).write_text(bad, encoding="utf-8")
        with pytest.raises(InputError, match="not a confidence fit") as e:
            model_for(tmp_path)
        assert str(e.value).startswith(str(tmp_path / CONFIDENCE_FILE))


def test_low_confidence_warning_then_error():
    model = ConfidenceModel((), (), (), (), 0.0, warn_below=0.6, error_below=0.3)
    assert check_confidence(0.7, model, "ok") == []
    assert [q.severity for q in check_confidence(0.5, model, "hmm")] == ["warning"]
    (issue,) = check_confidence(0.1, model, "bad text")
    assert (issue.code, issue.severity, issue.end) == ("low-confidence", "error", 8)
    assert check_confidence(None, model, "human") == []


# --------------------------------------------------------------------------- term artefacts

def test_glued_terms_are_found_and_words_are_not():
    known = default_lexicon().targets
    (g,) = glued("The HVACOPPPO HVAC has always been 3.5%.", ["HVAC"], known)
    assert (g.code, g.severity, g.start, g.end) == ("term-artefact", "error", 4, 13)
    assert glued("theHVAC rose", ["HVAC"], known)[0].message.endswith("('theHVAC')")
    assert glued("He said HVACs and HVAC's sales and wholesales rose.",
                 ["AI", "HVAC", "sales"], known) == []


def test_a_term_written_twice_is_found():
    (r,) = repeated("Affectionate Intelligence is Affectionate Intelligence.",
                    Counter({"Affectionate Intelligence": 1}))
    assert r.message == "the term 'Affectionate Intelligence' is written 2 times for 1 in " \
                        "the source"
    assert repeated("HVAC and HVAC.", Counter({"HVAC": 2})) == []


def test_content_pushed_out_by_a_term_is_found():
    lex = default_lexicon()
    source = "냉난방 공조 매출은 3.5% 늘었다."
    (issue,) = lost(source, "The refrigerator HVAC increased 3.5%.",
                    "The refrigerator sales increased 3.5%.", ["냉난방", "공조", "매출", "늘"],
                    ["냉난방 공조"], lex)
    assert source[issue.start:issue.end] == "매출" and issue.side == "source"
    assert lost(source, "HVAC sales rose 3.5%.", "Sales rose 3.5%.", ["매출"], ["냉난방 공조"],
                lex) == []


# --------------------------------------------------------------------------- glossary test

def test_glossary_example_fails_on_a_qa_error_unless_accepted():
    term = Term("전장", "vehicle components")
    loop = QAIssue("repetition", "error", "target", 0, 9, "'daily' repeated 2 times")
    result = judge(term, Example("전장 사업.", None, ("vehicle components",)),
                   "daily daily vehicle components", [loop])
    assert not result.passed and result.qa_errors == [loop]
    accepted = judge(term, Example("전장 사업.", None, ("vehicle components",),
                                   accept=("repetition",)),
                     "daily daily vehicle components", [loop])
    assert accepted.passed and accepted.to_dict()["qa"][0]["code"] == "repetition"


def test_accept_is_read_from_yaml_and_checked(tmp_path):
    good = tmp_path / "g.yaml"
    good.write_text("terms:\n  - source: 전장\n    target: vehicle components\n"
                    "    examples:\n      - source: 전장 사업.\n        accept: [repetition]\n",
                    encoding="utf-8")
    (term,) = load_glossary(good)
    assert term.examples[0].accept == ("repetition",)
    bad = tmp_path / "b.yaml"
    bad.write_text(good.read_text(encoding="utf-8").replace("repetition", "loopz"),
                   encoding="utf-8")
    with pytest.raises(GlossaryError, match="unknown QA code"):
        load_glossary(bad)


# --------------------------------------------------------------------------- decoding options

def test_loop_controls_are_options_with_flags():
    import argparse
    parser = argparse.ArgumentParser()
    DecodeOptions.add_arguments(parser)
    args = parser.parse_args(["--no-repeat-ngram", "0", "--repetition-penalty", "1.0"])
    opts = DecodeOptions.from_args(args)
    assert opts.repetition() == {"no_repeat_ngram_size": 0, "repetition_penalty": 1.0}
    assert DecodeOptions().no_repeat_ngram_size == 3
    with pytest.raises(ValueError):
        DecodeOptions(repetition_penalty=0)


# --------------------------------------------------------------------------- the bundled model

@pytest.fixture(scope="module")
def sample_run(shared_model, tmp_path_factory):
    """One run of ``translate`` on the sample with the bundled model (slow: done once)."""
    from koen.cli import main

    out = tmp_path_factory.mktemp("sample") / "out.jsonl"
    sample = ROOT / "resources" / "samples" / "lg-ai-strategy.ko.txt"
    argv = [str(sample), "-g", str(ROOT / "resources" / "glossary"), "-o", str(out),
            "--model", str(shared_model), "--json", "--fail-on", "low-confidence"]
    import contextlib
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(argv)
    return code, [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()], \
        err.getvalue()


def test_every_sentence_of_the_sample_has_a_confidence_and_places(sample_run):
    code, rows, err = sample_run
    assert rows and all(isinstance(r["confidence"], float) and 0 <= r["confidence"] <= 1
                        for r in rows)
    assert all(r["line"] and r["column"] for r in rows)
    report = json.loads(err[err.index("{"):err.rindex("}") + 1])
    low = report["confidence"]["low"]
    # the report's low list is the rows carrying a low-confidence finding, and
    # --fail-on low-confidence fails the run exactly when there is one
    flagged = {r["index"] for r in rows
               if any(q["code"] == "low-confidence" for q in r["qa"])}
    assert {r["index"] for r in low} == flagged
    assert code == (1 if low else 0)
    assert all(r["confidence"] < 0.8 for r in low)


# --------------------------------------------------------------------------- without Kiwi

def test_content_words_are_cut_by_rules():
    from glossary.korean import content_words

    assert content_words("LG전자는 냉난방 공조 매출이 3.5% 증가했다고 밝혔다.") == \
        ["lg", "전자", "냉난방", "공조", "매출", "증가", "밝혔"]
    # particles chained, 하다/되다 endings, bound nouns and existentials left out, a
    # two-syllable word never cut to one (사이 is not 사 + 이)
    assert content_words("대통령이라고 것이 있다 사이 공개된 정부에서는") == \
        ["대통령", "사이", "공개", "정부"]
    assert content_words("") == [] and content_words("3.5% !!") == []


def test_translating_the_sample_with_the_glossary_never_loads_kiwi(shared_model, tmp_path):
    """The confidence cuts Korean words by rule: a glossary run on the sample imports no
    kiwipiepy (seconds and ~300 MB on a cold run) and still scores every sentence."""
    import subprocess
    import sys

    out = tmp_path / "out.jsonl"
    code = ("import sys; sys.modules['kiwipiepy'] = None\n"
            "from koen.cli import main\n"
            f"sys.exit(main([{str(ROOT / 'resources/samples/lg-ai-strategy.ko.txt')!r}, "
            f"'-g', {str(ROOT / 'resources/glossary')!r}, '--model', {str(shared_model)!r}, "
            f"'-o', {str(out)!r}]))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 10 and all(isinstance(r["confidence"], float) for r in rows)
    assert sum(len(r["terms"]) for r in rows) >= 10
