"""The public schemas of the interchange formats, for validating what the toolkit writes.

They live outside the repository (``../shared/schemas`` beside a checkout, see its README;
``$KOEN_SCHEMAS`` overrides): tests that need them skip with the reason when absent.
"""
from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
XLIFF2_MODULES = {
    "urn:oasis:names:tc:xliff:document:2.0": "xliff_core_2.0.xsd",
    "urn:oasis:names:tc:xliff:glossary:2.0": "glossary.xsd",
    "urn:oasis:names:tc:xliff:metadata:2.0": "metadata.xsd",
    "urn:oasis:names:tc:xliff:matches:2.0": "matches.xsd",
    "urn:oasis:names:tc:xliff:validation:2.0": "validation.xsd",
}


def schema_dir() -> Path:
    """The folder holding ``LTAC_TBXcoreStructV03.rng`` and ``catalog/``, or a skip."""
    pytest.importorskip("lxml", reason="schema validation needs lxml (the test extra)")
    env = os.environ.get("KOEN_SCHEMAS")
    for candidate in ([Path(env)] if env else []) + [ROOT.parent / "shared" / "schemas",
                                                     ROOT.parents[1] / "shared" / "schemas"]:
        if (candidate / "LTAC_TBXcoreStructV03.rng").exists():
            return candidate
    pytest.skip("schemas not found: set KOEN_SCHEMAS to the folder of shared/schemas/README.md")


@cache
def _relaxng(name: str):  # noqa: ANN202 - lxml types are not installed
    from lxml import etree
    return etree.RelaxNG(etree.parse(str(schema_dir() / name)))


@cache
def _xliff2():  # noqa: ANN202
    """One wrapper XSD importing XLIFF 2 core and the modules the writer may use."""
    from lxml import etree
    folder = schema_dir() / "catalog" / "xliff2.1"
    imports = "".join(f'<xs:import namespace="{ns}" schemaLocation="{(folder / f).as_uri()}"/>'
                      for ns, f in XLIFF2_MODULES.items())
    wrapper = f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{imports}</xs:schema>'
    return etree.XMLSchema(etree.fromstring(wrapper.encode(), base_url=folder.as_uri() + "/"))


@cache
def _tmx14():  # noqa: ANN202
    from lxml import etree
    return etree.DTD(str(schema_dir() / "catalog" / "tmx" / "tmx14.dtd"))


def _check(validator, data: bytes) -> None:  # noqa: ANN001
    from lxml import etree
    doc = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    if not validator.validate(doc):
        raise AssertionError(str(validator.error_log))


def assert_valid_tbx(data: bytes) -> None:
    """Valid against both the TBX core structure and the TBX-Basic RelaxNG."""
    _check(_relaxng("LTAC_TBXcoreStructV03.rng"), data)
    _check(_relaxng("TBXcoreStructV03_TBX-Basic_integrated.rng"), data)


def assert_valid_xliff2(data: bytes) -> None:
    _check(_xliff2(), data)


def assert_valid_tmx(data: bytes) -> None:
    _check(_tmx14(), data)
