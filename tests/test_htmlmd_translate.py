"""HTML and Markdown through the real pipeline (the bundled model and glossary): terms inside
inline markup are found and enforced, every code comes back, the structure is unchanged."""
from __future__ import annotations

from pathlib import Path

import pytest
from skeletons import html_skeleton, markdown_skeleton

from bitext.records import TermStatus
from documents import translate_file
from translate.pipeline import Translator

GLOSSARY = Path(__file__).resolve().parents[1] / "resources" / "glossary"


@pytest.fixture(scope="module")
def translator(shared_model):
    return Translator(shared_model, GLOSSARY)


def applied(result) -> set[str]:
    return {t.source for s in result.segments for t in s.terms if t.status is TermStatus.APPLIED}


def test_terms_inside_html_markup(translator):
    page = ('<html lang="ko"><head><title>공감지능 소개</title></head><body>'
            "<p>LG전자는 <b>공감</b>지능 기술을 소개했다.</p>"
            '<p><b>냉난방공조</b> 사업이 <a href="/hvac">성장</a>했다.</p></body></html>')
    result = translate_file(page.encode(), translator, name="page.html")
    out = result.data.decode()
    assert applied(result) >= {"공감지능", "냉난방공조"}
    assert "Affectionate Intelligence" in out and "HVAC" in out
    assert html_skeleton(out) == html_skeleton(page)
    assert '<html lang="en">' in out and '<a href="/hvac">' in out
    assert not [q for u in result.document.units for q in u.qa if q.severity == "error"]


def test_terms_inside_markdown_markup(translator):
    text = ("---\ntitle: 공감지능 소개\n---\n\n"
            "LG전자는 **공감**지능 기술을 소개했다. `ls -la` 명령을 쓴다.\n\n"
            "**냉난방공조** 사업이 [성장](https://example.com/a)했다.\n")
    result = translate_file(text.encode(), translator, name="doc.md")
    out = result.data.decode()
    assert applied(result) >= {"공감지능", "냉난방공조"}
    assert "**HVAC**" in out and "`ls -la`" in out and "](https://example.com/a)" in out
    assert out.startswith("---\ntitle: Affectionate Intelligence")
    assert markdown_skeleton(out) == markdown_skeleton(text)
