"""What the DOCX tests look at in a package: per-character text and formatting, entries,
and what LibreOffice makes of a file (it opens it and writes it out as flat ODT)."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from lxml import etree

from documents.formats.docx import W_NS, _canonical, w

FIXTURES = Path(__file__).parent / "fixtures" / "docx"
SOFFICE = shutil.which("soffice")
SOFFICE_REASON = "soffice not installed (Debian package libreoffice-writer-nogui)"
# Containers a character can sit in: a character's formatting includes them.
_CONTEXT = {w("hyperlink"), w("fldSimple"), w("sdt"), w("smartTag"), w("ins"), w("del")}


def entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def raw_entries(data: bytes) -> dict[str, tuple[int, int, bytes]]:
    """Entry → (compression method, CRC, stored compressed bytes), in archive order."""
    out = {}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            start = info.header_offset
            name_len, extra_len = int.from_bytes(data[start + 26:start + 28], "little"), \
                int.from_bytes(data[start + 28:start + 30], "little")
            body = start + 30 + name_len + extra_len
            out[info.filename] = (info.compress_type, info.CRC,
                                  data[body:body + info.compress_size])
    return out


def characters(part: bytes) -> list[list[tuple[str, str, tuple[str, ...]]]]:
    """Each paragraph of a part as (character, canonical run formatting, wrappers) triples.

    Complex-field instructions count as characters too (they must survive untouched)."""
    root = etree.fromstring(part)
    paragraphs = []
    for p in root.iter(w("p")):
        chars = []
        for t in p.iter(w("t"), w("instrText"), w("tab"), w("br")):
            run = t.getparent()
            if run.tag != w("r"):
                continue
            owner = run.getparent()
            while owner is not None and owner.tag != w("p"):
                owner = owner.getparent()
            if owner is not p:
                continue           # a text box's own paragraph
            context = tuple(etree.QName(a).localname for a in run.iterancestors()
                            if a.tag in _CONTEXT and p in a.iterancestors())
            key = _canonical(run.find(w("rPr")))
            text = t.text or "" if t.tag in (w("t"), w("instrText")) else \
                f"<{etree.QName(t).localname}>"
            chars.extend((c, key, context) for c in text)
        paragraphs.append(chars)
    return paragraphs


def langs(part: bytes) -> list[str]:
    return re.findall(r'<w:lang [^>]*w:val="([^"]+)"', part.decode("utf-8"))


def libreoffice_counts(data: bytes, suffix: str = ".docx") -> dict[str, int]:
    """Open ``data`` in LibreOffice headless, save it as flat ODT, count what it read."""
    assert SOFFICE
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"doc{suffix}"
        src.write_bytes(data)
        profile = Path(tmp) / "profile"
        subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "fodt", "--outdir", tmp, str(src)],
                       check=True, capture_output=True, timeout=120)
        text = (Path(tmp) / "doc.fodt").read_text("utf-8")
    body = text[text.index("<office:body>"):]
    return {"paragraphs": len(re.findall(r"<text:[ph][ >]", text)),
            "body paragraphs": len(re.findall(r"<text:[ph][ >]", body)),
            "tables": body.count("<table:table "),
            "notes": body.count("<text:note "),
            "links": body.count("<text:a "),
            "headers": text.count("<style:header>"),
            "footers": text.count("<style:footer>")}


__all__ = ["W_NS", "FIXTURES", "SOFFICE", "SOFFICE_REASON", "entries", "raw_entries",
           "characters", "langs", "libreoffice_counts"]
