"""What must not change when a page or a Markdown file is translated: its element tree.

The HTML skeleton is read by html5lib, the reference HTML5 tree builder (what a browser
builds, invalid markup included), independent of the ``html.parser`` tokenizer the format
module uses. A skeleton lists every element with its attributes, minus the text: translated
attributes (``title``, ``alt``, ``placeholder``, ``aria-label``, a description ``meta``'s
``content``) keep only their names, ``lang`` is compared without its value, and the text of
untouched elements (``script``, ``style``, ``pre``, ``code``, ``translate="no"`` …) is part
of the skeleton, since it must come back unchanged. A Markdown file's skeleton is the
skeleton of the HTML markdown-it renders from it.
"""
from __future__ import annotations

import html5lib

from documents.formats import html_page, markdown_doc

TRANSLATED = html_page.ATTRIBUTES | {"lang", "xml:lang"}


def _untouched(el) -> bool:  # type: ignore[no-untyped-def]
    return (el.tag in html_page.UNTOUCHED or el.get("translate", "").lower() == "no"
            or "notranslate" in el.get("class", "").split())


def html_skeleton(page: str | bytes) -> list[str]:
    """One line per element (depth, tag, attributes), text left out where it is translated."""
    tree = html5lib.parse(page, treebuilder="etree", namespaceHTMLElements=False)
    lines: list[str] = []

    def walk(el, depth: int, frozen: bool) -> None:  # type: ignore[no-untyped-def]
        if not isinstance(el.tag, str):                   # comments, processing instructions
            lines.append(f"{depth} <!-- {el.text if frozen else ''} -->")
            return
        meta_text = el.tag == "meta" and (el.get("name") or el.get("property") or "").lower() \
            in html_page.META_NAMES
        attrs = []
        for name, value in sorted(el.attrib.items()):
            if name in TRANSLATED or (meta_text and name == "content"):
                attrs.append(name)
            elif name == "charset" or (name == "content" and "charset=" in value.lower()):
                attrs.append(name)                        # EUC-KR becomes UTF-8
            else:
                attrs.append(f"{name}={value!r}")
        frozen = frozen or _untouched(el)
        lines.append(f"{depth} <{el.tag} {' '.join(attrs)}>"
                     + (f" {el.text!r}" if frozen and el.text else ""))
        for child in el:
            walk(child, depth + 1, frozen)
            if frozen and child.tail:
                lines.append(f"{depth + 1} tail {child.tail!r}")

    walk(tree, 0, False)
    return lines


def markdown_skeleton(text: str) -> list[str]:
    """The skeleton of the HTML that markdown-it (as the format module sets it up) renders
    from the body (front matter is not Markdown: its keys are checked by the tests)."""
    fm = markdown_doc._front_matter(text, "skeleton")
    return html_skeleton(markdown_doc.parser().render(text[fm[3]:] if fm else text))
