"""The length model: counting, the shipped calibration, and the calibration script itself."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bitext.qa.calibrate import main as calibrate
from bitext.qa.length import LengthModel, default_length_model, source_units, target_units

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def test_counting_ignores_spaces_and_control_characters():
    assert source_units("공감 지능은 LG의 AI 비전\x00") == (8, 4)
    assert target_units(" Affectionate  Intelligence\t") == 24


def test_model_round_trips():
    model = default_length_model()
    assert LengthModel.from_dict(json.loads(json.dumps(model.to_dict()))) == model


def _write(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_calibrate_writes_a_model_that_flags_what_it_should(tmp_path: Path, capsys):
    train = tmp_path / "train"
    train.mkdir()
    # English about 2.5 characters per syllable, with some spread
    ko = [f"한국어 문장 번호 {'가나다라' * (1 + i % 7)}" for i in range(600)]
    en = [("The English sentence number " + "abcdefghij" * (1 + i % 7))[: 18 + 10 * (1 + i % 7)
                                                                     + (i % 5)]
          for i in range(600)]
    _write(train / "a.ko", ko)
    _write(train / "a.en", en)
    _write(tmp_path / "dev.ko", ko[:100])
    _write(tmp_path / "dev.en", en[:100])
    out = tmp_path / "model.json"
    assert calibrate(["--train", str(train), "--dev", str(tmp_path / "dev"),
                      "--test", str(tmp_path / "none"), "--out", str(out)]) == 0
    model = LengthModel.from_dict(json.loads(out.read_text(encoding="utf-8")))
    assert 1.5 < model.per_hangul < 4
    assert "quantiles by expected length" in capsys.readouterr().out
    long_source = "한국어 문장 번호 " + "가나다라" * 7
    assert model.shortfall(long_source, "Too short.") is not None
    assert model.shortfall(long_source, en[6]) is None


def test_calibrate_refuses_an_empty_folder(tmp_path: Path, capsys):
    assert calibrate(["--train", str(tmp_path), "--dry-run"]) == 1
    assert "no *.ko files" in capsys.readouterr().err


@pytest.mark.skipif(not (DATA / "train").is_dir(),
                    reason="../shared/data/train not found: the calibration data lives outside "
                           "the repository")
def test_shipped_model_is_what_calibrate_fits(tmp_path: Path):
    out = tmp_path / "model.json"
    assert calibrate(["--out", str(out)]) == 0
    fitted = json.loads(out.read_text(encoding="utf-8"))
    shipped = default_length_model().to_dict()
    for key in ("per_hangul", "per_other", "offset", "spread"):
        assert fitted[key] == pytest.approx(shipped[key], abs=1e-3), key
