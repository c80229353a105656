"""Shared pytest fixtures.

The tiny models are real CTranslate2 models built from scratch in a second or so
(see tests/tinymodel.py), once per session, so no test needs to mock the engine or
reach the network.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings
from tinymodel import build_tiny_argos_package, build_tiny_model

# CI runs the property tests on a fixed sequence of examples, so a red run can be reproduced
# and a green one does not depend on the draw; locally they keep exploring new examples.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """OPUS-MT layout, no term hints."""
    return build_tiny_model(tmp_path_factory.mktemp("tiny-model") / "ko-en")


@pytest.fixture(scope="session")
def tiny_model_hints(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """OPUS-MT layout with toolkit.json term_hints and "<sep>" in the vocabulary."""
    return build_tiny_model(tmp_path_factory.mktemp("tiny-model-hints") / "ko-en", term_hints=True)


@pytest.fixture(scope="session")
def tiny_argos_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Unpacked Argos package folder ``tiny-ko-en/``."""
    return build_tiny_argos_package(tmp_path_factory.mktemp("tiny-argos-dir"), zipped=False)


@pytest.fixture(scope="session")
def tiny_argos_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``tiny-ko-en.argosmodel`` zip (single top folder), with no unpacked copy beside it."""
    return build_tiny_argos_package(tmp_path_factory.mktemp("tiny-argos-zip"), zipped=True)


@pytest.fixture(scope="session")
def shared_model() -> Path:
    """The bundled real model, for integration tests only."""
    path = Path(__file__).resolve().parents[1] / "resources/models/ko-en-small"
    if not (path / "model.bin").exists():
        pytest.skip("resources/models/ko-en-small/model.bin not found: integration test needs "
                    "the bundled model (see README)")
    return path


@pytest.fixture
def run(tiny_model, capsys):
    """Call the ``translate`` CLI in-process with the tiny model, greedy and one hypothesis
    (fast; files and reports are what these tests read): (exit code, stdout, stderr).
    ``tests/test_cli.py`` has its own, with beam 2."""
    from koen.cli import main

    def _run(*args: object):
        code = main([*map(str, args), "--model", str(tiny_model), "--beam", "1",
                     "--hypotheses", "1"])
        out = capsys.readouterr()
        return code, out.out, out.err

    return _run
