"""Finding and opening models; every broken model gets a message that says what to do."""
import shutil
import zipfile

import pytest

from translate import Engine, ModelError, locate_model, open_model
from translate.model_files import ENV_VAR, default_locations


def test_search_order_explicit_env_default(tiny_model, tiny_model_hints, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tiny_model_hints))
    assert locate_model(tiny_model).ct2_dir == tiny_model
    assert locate_model(None).ct2_dir == tiny_model_hints
    monkeypatch.delenv(ENV_VAR)
    bundled = default_locations()[0]
    if bundled.exists():
        assert locate_model(None).ct2_dir == bundled
        assert locate_model(None).term_hint_separator == "<sep>"


def test_explicit_missing_model_is_an_error_that_explains(tmp_path):
    with pytest.raises(ModelError) as e:
        locate_model(tmp_path / "nope")
    assert "ct2-transformers-converter" in str(e.value) and ".argosmodel" in str(e.value)


def test_directory_without_model(tmp_path):
    with pytest.raises(ModelError, match="no model.bin"):
        open_model(tmp_path)


def test_missing_spm(tiny_model, tmp_path):
    broken = tmp_path / "m"
    shutil.copytree(tiny_model, broken)
    (broken / "target.spm").unlink()
    with pytest.raises(ModelError, match="without target.spm"):
        open_model(broken)


def test_corrupt_model_bin_and_spm(tiny_model, tmp_path):
    broken = tmp_path / "m"
    shutil.copytree(tiny_model, broken)
    (broken / "model.bin").write_bytes(b"not a model")
    with pytest.raises(ModelError, match="cannot load CTranslate2 model"):
        Engine.load(broken)
    shutil.copy(tiny_model / "model.bin", broken / "model.bin")
    (broken / "source.spm").write_bytes(b"garbage")
    with pytest.raises(ModelError, match="corrupt SentencePiece"):
        Engine.load(broken)


def test_argos_zip_with_path_escape_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    evil = tmp_path / "evil.argosmodel"
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr("pkg/model/model.bin", b"x")
        z.writestr("../../escaped.txt", b"gotcha")
    with pytest.raises(ModelError, match="unsafe path"):
        open_model(evil)
    assert not (tmp_path / "escaped.txt").exists()
    assert not list((tmp_path / "cache").rglob("*.txt"))


def test_not_a_zip(tmp_path):
    f = tmp_path / "model.argosmodel"
    f.write_bytes(b"plain bytes")
    with pytest.raises(ModelError, match="not a model directory"):
        open_model(f)
