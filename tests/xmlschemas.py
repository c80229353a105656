"""The public XLIFF schemas of ``../shared/schemas`` (see its README), loaded for lxml.

Tests that validate skip when the folder is not there (a clone without the shared data)."""
from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CANDIDATES = [REPO.parent / "shared" / "schemas", REPO / "shared" / "schemas",
              Path("/work/shared/schemas")]
if os.environ.get("KOEN_SCHEMAS"):
    CANDIDATES.insert(0, Path(os.environ["KOEN_SCHEMAS"]))


def schemas_dir() -> Path:
    for path in CANDIDATES:
        if (path / "catalog").is_dir():
            return path
    pytest.skip("the shared schemas (../shared/schemas) are not here")


@cache
def _schema(version: int):  # type: ignore[no-untyped-def]  # lxml has no stubs here
    from lxml import etree
    catalog = schemas_dir() / "catalog"
    xml_xsd = (catalog / "xliff2.1" / "informativeCopiesOf3rdPartySchemas" / "w3c" /
               "xml.xsd").as_uri()
    path = (catalog / "xliff" / "xliff-core-1.2-transitional.xsd" if version == 1 else
            catalog / "xliff2.1" / "xliff_core_2.0.xsd")
    text = path.read_text(encoding="utf-8")
    text = text.replace('schemaLocation="http://www.w3.org/2001/xml.xsd"',
                        f'schemaLocation="{xml_xsd}"')
    text = text.replace('schemaLocation="informativeCopiesOf3rdPartySchemas/w3c/xml.xsd"',
                        f'schemaLocation="{xml_xsd}"')
    doc = etree.fromstring(text.encode("utf-8"), base_url=path.as_uri())
    return etree.XMLSchema(doc)


def xliff_errors(data: bytes, version: int) -> list[str]:
    """Schema errors of an XLIFF file (1.2 transitional, or 2.0/2.1 core)."""
    from lxml import etree
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    doc = etree.fromstring(data, parser)
    schema = _schema(version)
    if schema.validate(doc):
        return []
    return [f"{e.line}: {e.message}" for e in schema.error_log]
