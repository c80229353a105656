"""Reading bilingual files for ``glossary check``: formats, safety, and error lines."""
from __future__ import annotations

import json

import pytest

from bitext.errors import InputError
from bitext.formats import BilingualPair, read_bilingual


def write(tmp_path, name: str, text: str | bytes):
    p = tmp_path / name
    p.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return p


# --------------------------------------------------------------------------- TSV

def test_plain_two_column_tsv_without_header(tmp_path):
    p = write(tmp_path, "human.tsv", "전장 부품\tvehicle components\n\n공감지능\tAI\\n\n")
    assert read_bilingual(p) == [BilingualPair("전장 부품", "vehicle components", 1),
                                 BilingualPair("공감지능", "AI\\n", 3)]   # taken literally


def test_tsv_header_names_the_columns(tmp_path):
    p = write(tmp_path, "h.tsv", "id\tEnglish\tKorean\r\n7\tparts\t부품\r\n")
    assert read_bilingual(p) == [BilingualPair("부품", "parts", 2)]


def test_our_tsv_is_unescaped(tmp_path):
    p = write(tmp_path, "ours.tsv", "index\tsource\ttranslation\tterms\n"
                                    "1\t가\\t나\\n다\\\\n\ta\\tb\t\n")
    assert read_bilingual(p) == [BilingualPair("가\t나\n다\\n", "a\tb", 2)]


def test_tsv_short_row_names_its_line(tmp_path):
    p = write(tmp_path, "short.tsv", "source\ttranslation\n가\tA\n나 only\n")
    with pytest.raises(InputError) as e:
        read_bilingual(p)
    assert e.value.line == 3 and str(e.value).startswith(f"{p}:3: expected at least 2")


def test_cp949_tsv(tmp_path):
    p = write(tmp_path, "euckr.tsv", "전장 부품\tvehicle parts\n".encode("cp949"))
    assert read_bilingual(p)[0].source == "전장 부품"


def test_txt_extension_is_sniffed(tmp_path):
    p = write(tmp_path, "pairs.txt", "가\tA\n")
    assert read_bilingual(p) == [BilingualPair("가", "A", 1)]


def test_empty_file(tmp_path):
    with pytest.raises(InputError, match="empty"):
        read_bilingual(write(tmp_path, "e.tsv", "\n \n"))


# --------------------------------------------------------------------------- JSONL

def test_jsonl_bad_line(tmp_path):
    good = json.dumps({"source": "가", "translation": "A", "doc": "d.txt"}, ensure_ascii=False)
    p = write(tmp_path, "x.jsonl", good + "\n{not json\n")
    with pytest.raises(InputError) as e:
        read_bilingual(p)
    assert e.value.line == 2
    p = write(tmp_path, "y.jsonl", good + "\n" + json.dumps({"source": 1}) + "\n")
    with pytest.raises(InputError, match="source") as e:
        read_bilingual(p)
    assert e.value.line == 2
    assert read_bilingual(write(tmp_path, "z.jsonl", good)) == [
        BilingualPair("가", "A", 1, "d.txt")]


# --------------------------------------------------------------------------- TMX

VENDOR_TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header creationtool="X" creationtoolversion="1" segtype="sentence" o-tmf="x"
          adminlang="en-US" srclang="en-US" datatype="html"/>
  <body>
    <tu tuid="1">
      <tuv xml:lang="en-US"><seg>The <bpt i="1">&lt;b&gt;</bpt>vehicle<ept i="1">&lt;/b&gt;</ept> parts <hi>now</hi>.</seg></tuv>
      <tuv xml:lang="ja-JP"><seg>車両部品</seg></tuv>
      <tuv xml:lang="ko-KR"><seg><bpt i="1">&lt;b&gt;</bpt>전장<ept i="1">&lt;/b&gt;</ept> 부품<ph x="2">{br}</ph>지금.</seg></tuv>
    </tu>
    <tu tuid="2">
      <tuv xml:lang="ko"><seg>번역 없음</seg></tuv>
    </tu>
    <tu tuid="3">
      <prop type="x-doc">b.txt</prop>
      <tuv lang="KO"><seg>가 &amp; 나</seg></tuv>
      <tuv lang="EN"><seg>A &amp; B</seg></tuv>
    </tu>
  </body>
</tmx>
"""


def test_vendor_tmx_picks_languages_and_drops_native_codes(tmp_path):
    pairs = read_bilingual(write(tmp_path, "vendor.tmx", VENDOR_TMX))
    assert pairs == [BilingualPair("전장 부품지금.", "The vehicle parts now.", 6),
                     BilingualPair("가 & 나", "A & B", 14, "b.txt")]


def test_tmx_without_a_pair(tmp_path):
    p = write(tmp_path, "ja.tmx", '<tmx version="1.4"><header/><body><tu>'
                                  '<tuv xml:lang="ja"><seg>x</seg></tuv></tu></body></tmx>')
    with pytest.raises(InputError, match="no ko/en segment pairs"):
        read_bilingual(p)


def test_malformed_xml_gives_parser_line(tmp_path):
    p = write(tmp_path, "broken.tmx", '<?xml version="1.0"?>\n<tmx>\n<body>\n'
                                      '<tu><tuv xml:lang="ko"><seg>가</tuv>\n</body></tmx>\n')
    with pytest.raises(InputError) as e:
        read_bilingual(p)
    assert e.value.line == 4 and "not well-formed XML: mismatched tag" in str(e.value)
    assert str(e.value).startswith(f"{p}:4:")


XXE = """<?xml version="1.0"?>
<!DOCTYPE tmx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<tmx version="1.4"><body><tu><tuv xml:lang="ko"><seg>&xxe;</seg></tuv>
<tuv xml:lang="en"><seg>x</seg></tuv></tu></body></tmx>
"""
LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<tmx version="1.4"><body><tu><tuv xml:lang="ko"><seg>&lol4;</seg></tuv>
<tuv xml:lang="en"><seg>x</seg></tuv></tu></body></tmx>
"""
OMEGAT_TMX11 = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx11.dtd">
<tmx version="1.1">
  <header creationtool="OmegaT" o-tmf="OmegaT TMX" adminlang="EN-US" datatype="plaintext" \
segtype="sentence" creationtoolversion="1.7.3" srclang="KO"/>
  <body>
    <tu>
      <tuv lang="KO"><seg>공감지능</seg></tuv>
      <tuv lang="EN-US"><seg>Affectionate Intelligence</seg></tuv>
    </tu>
  </body>
</tmx>
"""


@pytest.mark.parametrize(("doc", "line"), [(XXE, 2), (LAUGHS, 3)], ids=["xxe", "laughs"])
def test_entities_refused(tmp_path, doc, line):
    p = write(tmp_path, "evil.tmx", doc)
    with pytest.raises(InputError, match="DOCTYPE that declares entities") as e:
        read_bilingual(p)
    assert e.value.path == str(p) and e.value.line == line    # the first declaration


def test_doctype_without_entities_reads(tmp_path):
    """OmegaT writes TMX 1.1 with a DOCTYPE and upper-case ``lang``: it reads (no DTD is
    fetched: the system id names a file that is not there)."""
    pairs = read_bilingual(write(tmp_path, "omegat.tmx", OMEGAT_TMX11))
    assert [(p.source, p.translation) for p in pairs] == [("공감지능", "Affectionate Intelligence")]


def test_unknown_encoding_is_one_line(tmp_path):
    p = write(tmp_path, "x.tmx", OMEGAT_TMX11.replace("UTF-8", "bogus"))
    with pytest.raises(InputError, match="unknown encoding 'bogus'") as e:
        read_bilingual(p)
    assert e.value.line == 1


def test_deeply_nested_inline_elements(tmp_path):
    deep = "<hi>" * 3000 + "공감" + "</hi>" * 3000
    p = write(tmp_path, "deep.tmx", OMEGAT_TMX11.replace("<seg>공감지능</seg>", f"<seg>{deep}</seg>"))
    assert read_bilingual(p)[0].source == "공감"


def test_wrong_root(tmp_path):
    with pytest.raises(InputError, match="not TMX"):
        read_bilingual(write(tmp_path, "x.tmx", "<html><body/></html>"))


# --------------------------------------------------------------------------- XLIFF

XLIFF2 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="ko-KR" trgLang="en-US">
  <file id="f1" original="doc.html">
    <unit id="u1">
      <segment id="s1" state="final">
        <source><pc id="1">전장</pc> 부품<ph id="2"/>이다<cp hex="0021"/></source>
        <target><pc id="1">Vehicle</pc> components<ph id="2"/>!</target>
      </segment>
      <ignorable><source> </source></ignorable>
      <segment id="s2"><source>미번역</source></segment>
    </unit>
  </file>
</xliff>
"""

XLIFF12 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file original="a.docx" source-language="ko" target-language="en" datatype="plaintext">
    <body>
      <trans-unit id="1">
        <source>공감지능 <g id="1">기술</g></source>
        <target>Affectionate <g id="1">Intelligence</g></target>
      </trans-unit>
      <trans-unit id="2">
        <source>첫 문장. 둘째 문장.</source>
        <seg-source><mrk mtype="seg" mid="1">첫 문장.</mrk> <mrk mtype="seg" mid="2">둘째 문장.</mrk></seg-source>
        <target><mrk mtype="seg" mid="1">First.</mrk> <mrk mtype="seg" mid="2">Second.</mrk></target>
      </trans-unit>
    </body>
  </file>
</xliff>
"""


def test_xliff2(tmp_path):
    pairs = read_bilingual(write(tmp_path, "in.xlf", XLIFF2))
    assert pairs == [BilingualPair("전장 부품이다!", "Vehicle components!", 5, "doc.html"),
                     BilingualPair("미번역", "", 10, "doc.html", untranslated=True)]


def test_xliff12_with_and_without_seg_source(tmp_path):
    pairs = read_bilingual(write(tmp_path, "in.xliff", XLIFF12))
    assert [(p.source, p.translation, p.line) for p in pairs] == [
        ("공감지능 기술", "Affectionate Intelligence", 5),
        ("첫 문장.", "First.", 9), ("둘째 문장.", "Second.", 9)]
    assert {p.doc for p in pairs} == {"a.docx"}


def test_xliff_en_to_ko_is_read_swapped(tmp_path):
    text = XLIFF12.replace('source-language="ko" target-language="en"',
                           'source-language="en" target-language="ko"')
    pairs = read_bilingual(write(tmp_path, "rev.xlf", text))
    assert pairs[0].source == "Affectionate Intelligence"


def test_nfc_and_sniffing_xml_from_stdin(monkeypatch):
    import io
    import sys
    nfd = "\u1100\u1161\u11a8"                                  # 각, decomposed
    data = XLIFF2.replace("미번역", nfd).encode("utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    pairs = read_bilingual("-")
    assert pairs[1].source == "각"


def test_unknown_format(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        read_bilingual(write(tmp_path, "a.tsv", "가\tA\n"), "docx")
