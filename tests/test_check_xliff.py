"""``glossary check`` on XLIFF files CAT tools wrote (issue 18 items 14 and 15): the language
pair is checked, structure units (``translate="no"``) and blank ones are not segments, and
targets still to be translated are counted as ``untranslated-target``, never as omissions."""
from __future__ import annotations

import json
from pathlib import Path

from koen.glossary_cli import main

XLIFF = Path(__file__).parent / "fixtures" / "xliff"
CURATED = Path(__file__).parent.parent / "resources" / "glossary"


def check(capsys, *argv: object) -> tuple[int, dict | str, str]:
    code = main(["check", *map(str, argv), "--glossary", str(CURATED)])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if "--json" in argv else out), err


def test_trados_file_in_other_languages_is_one_line_unless_named(capsys):
    path = XLIFF / "trados-TTSExample.docx.sdlxliff"
    code, _, err = check(capsys, path)
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(f"{path}:") and "en-us→de-de, not ko→en" in err
    code, report, err = check(capsys, path, "--source-lang", "en", "--target-lang", "de",
                              "--json")
    assert code == 0 and report["segments"] == 4
    assert report["qa"]["omission"] == {"error": 0, "warning": 0}
    assert report["qa"]["untranslated-target"] == {"error": 0, "warning": 4}


def test_memoq_file_untranslated_targets_are_not_omissions(capsys):
    code, report, _ = check(capsys, XLIFF / "memoq-MQ-12-Test01.mqxliff", "--source-lang",
                            "en", "--target-lang", "fr", "--json")
    assert code == 0 and report["segments"] == 15
    assert report["qa"]["untranslated-target"]["warning"] == 15
    assert not any(p["code"] == "omission" for p in report["qa_problems"])


def test_korean_files_count_only_real_segments(capsys):
    # Trados-shaped: one translate="no" structure unit, a locked and an approved segment
    code, report, _ = check(capsys, XLIFF / "ko-en-press.sdlxliff", "--json")
    assert code in (0, 1) and report["segments"] == 5
    # two open segments, and a locked one whose target is empty
    assert report["qa"]["untranslated-target"]["warning"] == 3
    # XLIFF 2: a translate="no" group; 1.2: translate="no" and a blank unit are not counted
    _, report2, _ = check(capsys, XLIFF / "ko-en-press.xliff", "--json")
    assert report2["segments"] == 5
    _, report12, _ = check(capsys, XLIFF / "ko-en-press.xlf", "--json")
    assert report12["segments"] == 8
    assert report12["qa"]["untranslated-target"]["warning"] == 5   # 4 open, OLED TV bare
    assert report12["qa"]["omission"]["error"] == 0
