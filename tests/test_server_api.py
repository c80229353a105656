"""Contract tests of every endpoint through Starlette's TestClient (no sockets): answer
shapes, error shapes and status codes of the LibreTranslate-, DeepL v2-compatible and native
APIs, limits (413, 503 + Retry-After, 504), keys, CORS, glossaries made through the API
(stored as YAML, surviving a restart, winning over the curated glossary), reload, and a log
that never holds request text. One engine (the bundled model) for the whole module."""
from __future__ import annotations

import logging
import shutil
import threading
import time

import pytest
from serverkit import GLOSSARY, shared_engine
from starlette.testclient import TestClient

from bitext.formats import FORMATS
from bitext.records import AlignedSegment
from glossary import load_glossary
from koen.server.app import build_app
from koen.server.serve import create_service
from koen.server.settings import Settings

SENTENCE = "LG전자는 공감지능을 앞세워 전장 사업을 키운다."
TERM = "Affectionate Intelligence"


@pytest.fixture(scope="module")
def engine(shared_model):
    return shared_engine(shared_model)


@pytest.fixture
def make_client(engine, tmp_path):
    """``make_client(**settings)`` → a TestClient over a fresh service (same engine)."""
    clients = []

    def make(glossaries=(str(GLOSSARY),), **overrides):
        overrides.setdefault("glossary_dir", tmp_path / "api-glossaries")
        service = create_service(Settings(**overrides), glossaries=list(glossaries),
                                 engine=engine)
        client = TestClient(build_app(service))
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client):
    return make_client()


# --------------------------------------------------------------------- LibreTranslate

def test_libre_translate_form_and_json(client):
    r = client.post("/translate", data={"q": SENTENCE, "source": "ko", "target": "en"})
    assert r.status_code == 200
    assert isinstance(r.json()["translatedText"], str) and TERM in r.json()["translatedText"]
    r = client.post("/translate", json={"q": [SENTENCE, "냉난방공조"], "source": "auto",
                                        "target": "en", "format": "text"})
    body = r.json()
    assert r.status_code == 200 and len(body["translatedText"]) == 2
    assert "HVAC" in body["translatedText"][1]
    assert body["detectedLanguage"][0]["language"] == "ko"


def test_libre_keeps_lines_and_html(client):
    r = client.post("/translate", json={"q": "공감지능은 좋다.\n\n냉난방공조.", "source": "ko",
                                        "target": "en"})
    lines = r.json()["translatedText"].split("\n")
    assert len(lines) == 3 and lines[1] == "" and TERM in lines[0] and "HVAC" in lines[2]
    markup = "<p>LG전자는 <b>공감지능</b>을 앞세워</p>\n<p>냉난방공조</p>"
    r = client.post("/translate", json={"q": markup, "source": "ko", "target": "en",
                                        "format": "html"})
    html = r.json()["translatedText"]
    assert html.startswith("<p>") and "<b>" in html and "</b>" in html and "HVAC" in html
    assert "\n<p>" in html and "공감" not in html


@pytest.mark.parametrize("body,message", [
    ({"source": "ko", "target": "en"}, "Invalid request: missing q parameter"),
    ({"q": "x", "target": "en"}, "Invalid request: missing source parameter"),
    ({"q": "x", "source": "ja", "target": "en"}, "ja is not supported"),
    ({"q": "x", "source": "ko", "target": "de"}, "de is not supported"),
    ({"q": "x", "source": "ko", "target": "en", "format": "pdf"},
     "pdf is not a supported format (text or html)"),
])
def test_libre_errors(client, body, message):
    r = client.post("/translate", json=body)
    assert r.status_code == 400 and r.json() == {"error": message}


def test_libre_languages_and_detect(client):
    langs = client.get("/languages").json()
    assert {"code": "ko", "name": "Korean", "targets": ["en"]} in langs
    r = client.post("/detect", data={"q": "공감지능은 좋다"})
    assert r.json()[0]["language"] == "ko" and r.json()[0]["confidence"] > 50
    assert client.post("/detect", data={"q": "hello there"}).json()[0]["language"] == "en"


def test_libre_translate_file_and_download(client):
    r = client.post("/translate_file", data={"source": "ko", "target": "en"},
                    files={"file": ("../../etc/보도자료.txt", f"{SENTENCE}\n".encode())})
    assert r.status_code == 200, r.text
    url = r.json()["translatedFileUrl"]
    assert url.endswith(("/보도자료.txt", "/%EB%B3%B4%EB%8F%84%EC%9E%90%EB%A3%8C.txt"))
    assert "etc" not in url and ".." not in url
    got = client.get(url)
    assert got.status_code == 200 and TERM in got.content.decode()
    assert client.get(url.rsplit("/", 1)[0] + "/other.txt").status_code == 404
    r = client.post("/translate_file", data={"source": "ko", "target": "en"},
                    files={"file": ("a.exe", b"MZ\x00\x01")})
    assert r.status_code == 400 and "error" in r.json()


# --------------------------------------------------------------------- DeepL

def test_deepl_translate_shape(client):
    r = client.post("/v2/translate", json={"text": [SENTENCE, "냉난방공조"],
                                           "target_lang": "EN-GB"})
    assert r.status_code == 200
    translations = r.json()["translations"]
    assert [t["detected_source_language"] for t in translations] == ["KO", "KO"]
    assert TERM in translations[0]["text"] and translations[1]["billed_characters"] == 5
    form = client.post("/v2/translate", data={"text": SENTENCE, "target_lang": "EN"})
    assert form.json()["translations"][0]["text"] == translations[0]["text"]


@pytest.mark.parametrize("body,status,message", [
    ({"target_lang": "EN"}, 400, "Parameter 'text' not specified."),
    ({"text": ["x"]}, 400, "Parameter 'target_lang' not specified."),
    ({"text": ["x"], "target_lang": "DE"}, 400, "Value for 'target_lang' not supported."),
    ({"text": ["x"], "target_lang": "EN", "source_lang": "JA"}, 400,
     "Value for 'source_lang' not supported."),
    ({"text": ["x"], "target_lang": "EN-US", "formality": "more"}, 400,
     "'formality' is not supported for given 'target_lang'."),
    ({"text": ["x"], "target_lang": "EN", "tag_handling": "markdown"}, 400,
     "Value for 'tag_handling' not supported."),
    ({"text": ["x"], "target_lang": "EN", "split_sentences": "2"}, 400,
     "Value for 'split_sentences' not supported."),
    ({"text": ["x"], "target_lang": "EN", "glossary_id": "curated"}, 400,
     "Use of a glossary requires the 'source_lang' parameter to be specified."),
    ({"text": ["x"], "target_lang": "EN", "source_lang": "KO",
      "glossary_id": "00000000-0000-0000-0000-000000000000"}, 404, "Glossary not found."),
])
def test_deepl_errors(client, body, status, message):
    r = client.post("/v2/translate", json=body)
    assert r.status_code == status
    assert r.json()["message"].startswith(message.rstrip("."))


def test_deepl_xml_ignore_tags_and_split(client):
    r = client.post("/v2/translate", json={
        "text": ["<doc><keep>공감지능</keep> 공감지능은 좋다.</doc>"], "target_lang": "EN-US",
        "tag_handling": "xml", "ignore_tags": ["keep"]})
    text = r.json()["translations"][0]["text"]
    assert text.startswith("<doc><keep>공감지능</keep>") and text.endswith("</doc>")
    assert TERM in text
    r = client.post("/v2/translate", json={"text": ["공감지능은 좋다. 냉난방공조는 좋다."],
                                           "target_lang": "EN-US", "split_sentences": "0"})
    assert r.status_code == 200 and "HVAC" in r.json()["translations"][0]["text"]


def test_deepl_info_endpoints(client):
    assert client.get("/v2/languages").json() == [{"language": "KO", "name": "Korean"}]
    targets = client.get("/v2/languages", params={"type": "target"}).json()
    assert {t["language"] for t in targets} == {"EN-GB", "EN-US"}
    assert client.get("/v2/glossary-language-pairs").json() == {
        "supported_languages": [{"source_lang": "ko", "target_lang": "en"}]}
    before = client.get("/v2/usage").json()["character_count"]
    client.post("/v2/translate", json={"text": ["공감지능"], "target_lang": "EN"})
    usage = client.get("/v2/usage").json()
    assert usage["character_count"] == before + 4 and usage["character_limit"] > 0


def test_deepl_glossaries_lifecycle_and_restart(make_client, tmp_path):
    client = make_client()
    r = client.post("/v2/glossaries", json={
        "name": "launch", "source_lang": "ko", "target_lang": "en", "entries_format": "tsv",
        "entries": "공감지능\tEmpathy Engine\n신제품\tnew lineup\n"})
    assert r.status_code == 201
    info = r.json()
    assert info["entry_count"] == 2 and info["ready"] is True and info["name"] == "launch"
    gid = info["glossary_id"]
    ids = [g["glossary_id"] for g in client.get("/v2/glossaries").json()["glossaries"]]
    assert ids == ["curated", gid]
    assert client.get(f"/v2/glossaries/{gid}").json() == info
    entries = client.get(f"/v2/glossaries/{gid}/entries",
                         headers={"Accept": "text/tab-separated-values"})
    assert entries.text.splitlines() == ["공감지능\tEmpathy Engine", "신제품\tnew lineup"]
    assert client.get(f"/v2/glossaries/{gid}/entries",
                      headers={"Accept": "application/json"}).status_code == 415

    def translate(c, **extra):
        body = {"text": ["공감지능과 냉난방공조."], "target_lang": "EN-US", "source_lang": "KO"}
        return c.post("/v2/translate", json={**body, **extra}).json()["translations"][0]["text"]

    with_glossary = translate(client, glossary_id=gid)
    assert "Empathy Engine" in with_glossary and "HVAC" in with_glossary   # API wins, curated stays
    assert TERM in translate(client)
    # stored as reviewable YAML, and a restarted server has it
    stored = tmp_path / "api-glossaries" / f"{gid}.yaml"
    assert [t.target for t in load_glossary(stored)] == ["Empathy Engine", "new lineup"]
    assert client.get(f"/api/glossaries/{gid}.yaml").text == stored.read_text(encoding="utf-8")
    restarted = make_client()
    assert restarted.get(f"/v2/glossaries/{gid}").json()["creation_time"] == info["creation_time"]
    assert "Empathy Engine" in translate(restarted, glossary_id=gid)
    # csv, bad entries, bad pairs, delete
    r = restarted.post("/v2/glossaries", data={
        "name": "csv", "source_lang": "KO", "target_lang": "EN", "entries_format": "csv",
        "entries": '전장,"vehicle components, VS"\n'})
    assert r.status_code == 201 and r.json()["entry_count"] == 1
    bad = restarted.post("/v2/glossaries", json={"name": "x", "source_lang": "ko",
                                                 "target_lang": "en", "entries": "only-one\n"})
    assert bad.status_code == 400 and bad.json()["message"].startswith("Invalid glossary entries")
    dup = restarted.post("/v2/glossaries", json={"name": "x", "source_lang": "ko",
                                                 "target_lang": "en",
                                                 "entries": "전장\ta\n전장\tb\n"})
    assert dup.status_code == 400
    pair = restarted.post("/v2/glossaries", json={"name": "x", "source_lang": "en",
                                                  "target_lang": "de", "entries": "a\tb"})
    assert pair.status_code == 400
    assert restarted.delete("/v2/glossaries/curated").status_code == 400
    assert restarted.delete(f"/v2/glossaries/{gid}").status_code == 204
    assert not stored.exists()
    assert restarted.get(f"/v2/glossaries/{gid}").status_code == 404
    assert restarted.get("/api/glossaries/..%2F..%2Fetc%2Fpasswd.yaml").status_code == 404


def test_deepl_document_flow(client):
    r = client.post("/v2/document", data={"target_lang": "EN-US", "source_lang": "KO"},
                    files={"file": ("press.txt", f"{SENTENCE}\n\n냉난방공조.\n".encode())})
    assert r.status_code == 200
    doc = r.json()
    assert set(doc) == {"document_id", "document_key"}
    path = f"/v2/document/{doc['document_id']}"
    assert client.post(path, json={"document_key": "wrong"}).status_code == 403
    for _ in range(200):
        status = client.post(path, json={"document_key": doc["document_key"]}).json()
        if status["status"] in ("done", "error"):
            break
        time.sleep(0.05)
    assert status["status"] == "done", status
    result = client.post(path + "/result", json={"document_key": doc["document_key"]})
    lines = result.content.decode().splitlines()
    assert TERM in lines[0] and lines[1] == "" and "HVAC" in lines[2]
    assert client.post("/v2/document/NOPE", json={"document_key": "x"}).status_code == 404


# --------------------------------------------------------------------- native

def test_native_records_and_exports(client, tmp_path):
    r = client.post("/api/translate", json={"text": f"{SENTENCE}\n\n냉난방공조는 좋다."})
    body = r.json()
    segments = [AlignedSegment.from_dict(d) for d in body["segments"]]
    assert [s.to_dict() for s in segments] == body["segments"]           # the JSONL records
    assert [s.paragraph for s in segments] == [1, 2] and [s.line for s in segments] == [1, 3]
    applied = [t for s in segments for t in s.terms if t.status.value == "applied"]
    assert {t.target for t in applied} >= {TERM, "HVAC"}
    assert body["report"]["status"]["applied"] == len(applied)
    ndjson = client.post("/api/translate", json={"text": SENTENCE},
                         headers={"Accept": "application/x-ndjson"})
    assert ndjson.headers["content-type"].startswith("application/x-ndjson")
    assert ndjson.text.count("\n") == 1
    for fmt in ("tmx", "xliff"):
        out = client.post("/api/export", json={"segments": body["segments"], "format": fmt,
                                               "name": "press.txt"})
        assert out.status_code == 200
        assert "press" in out.headers["content-disposition"]
        pairs = FORMATS[fmt].read(out.content, f"press.{fmt}", "ko", "en")
        assert [p.translation for p in pairs] == [s.translation for s in segments]
    assert client.post("/api/export", json={"segments": [{"x": 1}]}).status_code == 400


def test_native_file_glossary_health(client):
    r = client.post("/api/translate_file", files={"file": ("a.txt", SENTENCE.encode())})
    assert r.status_code == 200 and r.json()["counts"]["filled"] == 1
    assert TERM in client.get(r.json()["download"]).text
    terms = client.get("/api/glossary", params={"q": "공감"}).json()["terms"]
    hit = next(t for t in terms if t["source"] == "공감지능")
    assert hit["note"] and hit["examples"] and hit["file"] == "lg-electronics.yaml"
    hvac = client.get("/api/glossary", params={"q": "HVAC"}).json()["terms"]
    assert hvac[0]["source"] == "냉난방공조"
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["model"] == "ko-en-small"
    page = client.get("/")
    assert page.status_code == 200 and '<label for="source">' in page.text
    assert client.get("/static/app.js").status_code == 200


# --------------------------------------------------------------------- limits

def test_request_size_limits(make_client):
    client = make_client(max_chars=100, max_body=2_000, max_upload=1_000)
    r = client.post("/translate", json={"q": "가" * 101, "source": "ko", "target": "en"})
    assert r.status_code == 413 and "error" in r.json()
    r = client.post("/v2/translate", json={"text": ["가" * 101], "target_lang": "EN"})
    assert r.status_code == 413 and "message" in r.json()
    r = client.post("/v2/translate", content=b"{" + b" " * 3_000 + b"}",
                    headers={"content-type": "application/json"})
    assert r.status_code == 413 and "message" in r.json()

    def chunks():                     # no Content-Length: refused while streaming
        for _ in range(10):
            yield b"q=" + b"a" * 500 + b"&"

    r = client.post("/translate", content=chunks(),
                    headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413 and "error" in r.json()
    r = client.post("/translate_file", data={"source": "ko", "target": "en"},
                    files={"file": ("a.txt", b"x" * 5_000)})
    assert r.status_code == 413


def test_full_queue_answers_503_with_retry_after(make_client):
    client = make_client(max_queue=2, batch_window=1.0)
    service = client.app.state.service
    assert client.post("/translate", json={"q": ["가", "나", "다"], "source": "ko",
                                           "target": "en"}).status_code == 503
    first: dict = {}
    worker = threading.Thread(target=lambda: first.update(r=client.post(
        "/v2/translate", json={"text": ["공감지능", "전장"], "target_lang": "EN"})))
    worker.start()
    deadline = time.monotonic() + 10
    while service.queue.depth < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    r = client.post("/v2/translate", json={"text": ["냉난방공조"], "target_lang": "EN"})
    assert r.status_code == 503 and r.headers["retry-after"] == "2"
    assert r.json() == {"message": "too many requests are waiting; try again shortly"}
    worker.join()
    assert first["r"].status_code == 200


def test_timeout_answers_504_and_drops_the_job(make_client):
    client = make_client(timeout=0.05, batch_window=0.5)
    r = client.post("/translate", json={"q": "공감지능", "source": "ko", "target": "en"})
    assert r.status_code == 504 and "error" in r.json()
    time.sleep(0.6)
    assert client.app.state.service.queue.translated == 0      # never translated


# --------------------------------------------------------------------- keys, CORS, reload, log

def test_api_keys(make_client):
    client = make_client(keys=frozenset({"s3cret"}))
    body = {"q": "공감지능", "source": "ko", "target": "en"}
    r = client.post("/translate", json=body)
    assert r.status_code == 403 and "error" in r.json()
    assert client.post("/translate", json={**body, "api_key": "s3cret"}).status_code == 200
    r = client.post("/v2/translate", json={"text": ["공감지능"], "target_lang": "EN"},
                    headers={"Authorization": "DeepL-Auth-Key wrong"})
    assert r.status_code == 403 and "message" in r.json()
    assert client.post("/v2/translate", json={"text": ["공감지능"], "target_lang": "EN"},
                       headers={"Authorization": "DeepL-Auth-Key s3cret"}).status_code == 200
    assert client.post("/api/translate", json={"text": "공감지능"}).status_code == 403
    assert client.post("/api/translate", json={"text": "공감지능"},
                       headers={"X-API-Key": "s3cret"}).status_code == 200
    assert client.post("/admin/reload").status_code == 403
    assert client.get("/health").status_code == 200                    # health stays open


def test_cors_off_unless_configured(make_client):
    origin = {"Origin": "https://weblate.example"}
    assert "access-control-allow-origin" not in make_client().get("/languages",
                                                                  headers=origin).headers
    on = make_client(cors_origins=("https://weblate.example",))
    assert on.get("/languages", headers=origin).headers["access-control-allow-origin"] == \
        "https://weblate.example"


def test_admin_reload_and_a_broken_glossary(make_client, tmp_path):
    folder = tmp_path / "curated"
    shutil.copytree(GLOSSARY, folder)
    client = make_client(glossaries=(str(folder),))
    extra = folder / "extra.yaml"
    extra.write_text("terms:\n  - source: 신제품\n    target: new lineup\n", encoding="utf-8")
    assert client.post("/admin/reload").json()["status"] == "reloaded"
    r = client.post("/api/translate", json={"text": "신제품을 출시했다."}).json()
    assert r["segments"][0]["terms"][0]["target"] == "new lineup"
    extra.write_text("terms: [", encoding="utf-8")
    r = client.post("/admin/reload")
    assert r.status_code == 400 and "extra.yaml" in r.json()["error"]
    r = client.post("/api/translate", json={"text": "신제품을 출시했다."}).json()
    assert r["segments"][0]["terms"][0]["target"] == "new lineup"      # the old one stays


def test_log_never_holds_request_text(client, caplog):
    secret = "엠바고보도자료공감지능"
    with caplog.at_level(logging.DEBUG):
        client.post("/translate", data={"q": secret, "source": "ko", "target": "en"})
        client.post("/v2/translate", json={"text": [secret], "target_lang": "EN"})
        client.post("/translate", json={"q": secret, "source": "xx", "target": "en"})
    assert "POST /translate 200" in caplog.text and "POST /v2/translate 200" in caplog.text
    assert secret not in caplog.text and "엠바고" not in caplog.text


# --------------------------------------------------------------------- batching

def test_translation_does_not_depend_on_its_batch(client):
    """The same sentence alone and among others (one batch) gets the same record."""
    service = client.app.state.service
    others = ["냉난방공조 사업이 크게 성장했다.", "오늘은 날씨가 좋다.", "구독 서비스를 시작한다.",
              "전장 사업본부는 새 공장을 지었다.", "고객 접점을 늘린다.", "빌트인 가전을 선보였다."]
    target = SENTENCE
    batch = client.portal.call(service.segments, [*others[:6], target, *others[6:]])
    batches_before = service.queue.batches
    alone = client.portal.call(service.segments, [target])
    assert service.queue.batches == batches_before + 1
    assert [s.to_dict() for s in alone[0]] == [s.to_dict() for s in batch[6]]
    for text, records in zip(others[:3], batch[:3]):
        [single] = client.portal.call(service.segments, [text])
        assert [s.to_dict() for s in single] == [s.to_dict() for s in records]


# --------------------------------------------------------------------- hostile input

def test_hostile_bodies_get_one_line_errors(client):
    deep_json = b'{"text": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    r = client.post("/v2/translate", content=deep_json,
                    headers={"content-type": "application/json"})
    assert r.status_code in (400, 413) and "message" in r.json()
    deep_markup = "<b>" * 100 + "공감지능" + "</b>" * 100
    r = client.post("/v2/translate", json={"text": [deep_markup], "target_lang": "EN",
                                           "tag_handling": "xml"})
    assert r.status_code == 400 and "nests more than 64" in r.json()["message"]
    r = client.post("/v2/translate", json=[1, 2])
    assert r.status_code == 400 and r.json() == {"message": "the JSON body must be an object"}
    r = client.post("/v2/translate", json={"text": [{"a": 1}], "target_lang": "EN"})
    assert r.status_code == 400
    r = client.post("/translate", content=b"\xff\xfe{", headers={"content-type":
                                                                 "application/json"})
    assert r.status_code == 400 and "error" in r.json()
    r = client.post("/translate", content=b"--x\r\nbroken",
                    headers={"content-type": "multipart/form-data; boundary=x"})
    assert r.status_code == 400 and "error" in r.json()


def test_broken_markup_keeps_every_tag(client):
    text = "<a>공감지능</b> <c/>냉난방공조 <!-- note --> &amp; 끝"
    r = client.post("/v2/translate", json={"text": [text], "target_lang": "EN",
                                           "tag_handling": "xml"})
    out = r.json()["translations"][0]["text"]
    for tag in ("<a>", "</b>", "<c/>", "<!-- note -->", "&amp;"):
        assert tag in out
    assert "HVAC" in out


def test_forms_in_raw_utf8_and_percent_encoded_agree(client):
    raw = client.post("/translate", content="q=냉난방공조&source=ko&target=en".encode(),
                      headers={"content-type": "application/x-www-form-urlencoded"})
    encoded = client.post("/translate", data={"q": "냉난방공조", "source": "ko", "target": "en"})
    assert raw.json() == encoded.json() and "HVAC" in raw.json()["translatedText"]
    bad = client.post("/translate", content=b"q=\xff&source=ko&target=en",
                      headers={"content-type": "application/x-www-form-urlencoded"})
    assert bad.status_code == 400 and "error" in bad.json()


def test_weblate_deepl_request_shape(client):
    """What Weblate's DeepL machinery sends (its placeholders as ignored <x> elements, the
    formality it always sends, its glossary as TSV), answered as it reads it."""
    glossary = client.post("/v2/glossaries", json={
        "name": "weblate:1:KO:EN:abc", "source_lang": "KO", "target_lang": "EN",
        "entries": "공감지능\tAffectionate Intelligence\n신제품\tnew lineup",
        "entries_format": "tsv"}).json()
    pairs = client.get("/v2/glossary-language-pairs").json()["supported_languages"]
    assert ("KO", "EN") in {(p["source_lang"].upper(), p["target_lang"].upper()) for p in pairs}
    r = client.post("/v2/translate", json={
        "text": ['<x id="0"></x> 신제품은 공감지능을 담았다.', "냉난방공조"],
        "source_lang": "KO", "target_lang": "EN", "formality": "default",
        "tag_handling": "xml", "ignore_tags": ["x"], "context": "press release",
        "glossary_id": glossary["glossary_id"]})
    assert r.status_code == 200
    first, second = (t["text"] for t in r.json()["translations"])
    assert first.startswith('<x id="0"></x>') and "new lineup" in first.lower() and TERM in first
    assert "HVAC" in second
    names = {g["name"] for g in client.get("/v2/glossaries").json()["glossaries"]}
    assert "weblate:1:KO:EN:abc" in names


def test_an_unexpected_failure_is_a_500_that_logs_no_text(client, caplog, monkeypatch):
    service = client.app.state.service
    secret = "엠바고문장"

    def broken(key):
        raise RuntimeError(f"engine failed on {secret}")

    monkeypatch.setattr(service.queue, "translator_for", broken)
    with caplog.at_level(logging.DEBUG):
        r = client.post("/v2/translate", json={"text": [secret], "target_lang": "EN"})
        lt = client.post("/translate", json={"q": secret, "source": "ko", "target": "en"})
    assert r.status_code == 500 and r.json() == {"message": "internal error"}
    assert lt.status_code == 500 and lt.json() == {"error": "internal error"}
    assert "RuntimeError" in caplog.text and secret not in caplog.text
