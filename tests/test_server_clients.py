"""The server as its users meet it, over real HTTP on 127.0.0.1: clients this project did not
write, unmodified (the official ``deepl`` Python client, ``libretranslatepy``), a real
browser (Debian's chromium + chromedriver through Selenium), graceful shutdown with a request
in flight, and the ``translate serve`` command itself (SIGHUP reloads the glossary, SIGTERM
finishes what it accepted, the log holds no request text)."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request

import pytest
from serverkit import GLOSSARY, ROOT, ThreadServer, free_port, shared_engine

from koen.server.app import build_app
from koen.server.serve import create_service, warm_up
from koen.server.settings import Settings

KEY = "test-key-7f3a"
SENTENCE = "LG전자는 공감지능을 앞세워 전장 사업을 키운다."
TERM = "Affectionate Intelligence"


@pytest.fixture(scope="module")
def engine(shared_model):
    return shared_engine(shared_model)


@pytest.fixture(scope="module")
def server(engine, tmp_path_factory):
    """One server with API keys required, for the module."""
    settings = Settings(keys=frozenset({KEY}),
                        glossary_dir=tmp_path_factory.mktemp("api-glossaries"))
    service = create_service(settings, glossaries=[str(GLOSSARY)], engine=engine)
    warm_up(service)
    with ThreadServer(build_app(service)) as url:
        yield url


def test_deepl_client_with_the_curated_glossary_and_its_own(server):
    deepl = pytest.importorskip("deepl")
    translator = deepl.Translator(KEY, server_url=server)
    result = translator.translate_text(SENTENCE, source_lang="KO", target_lang="EN-US")
    assert TERM in result.text and result.detected_source_lang == "KO"
    texts = translator.translate_text(["냉난방공조", "구독"], target_lang="EN-GB")
    assert [t.text for t in texts][0].startswith("HVAC")
    info = translator.create_glossary("launch", "KO", "EN", {"공감지능": "Empathy Engine"})
    assert info.entry_count == 1 and info.ready
    result = translator.translate_text("공감지능과 냉난방공조.", source_lang="KO",
                                       target_lang="EN-US", glossary=info)
    assert "Empathy Engine" in result.text and "HVAC" in result.text
    assert translator.get_glossary_entries(info) == {"공감지능": "Empathy Engine"}
    assert info.glossary_id in [g.glossary_id for g in translator.list_glossaries()]
    assert [(p.source_lang, p.target_lang) for p in translator.get_glossary_languages()] == \
        [("ko", "en")]
    assert translator.get_usage().character.count > 0
    assert {lang.code for lang in translator.get_target_languages()} == {"EN-GB", "EN-US"}
    handle = translator.translate_document_upload(f"{SENTENCE}\n".encode(), target_lang="EN-US",
                                                  source_lang="KO", filename="press.txt")
    for _ in range(200):
        status = translator.translate_document_get_status(handle)
        if status.done or not status.ok:
            break
        time.sleep(0.05)
    assert status.done, status
    assert TERM in translator.translate_document_download(handle).content.decode()
    translator.delete_glossary(info)
    with pytest.raises(deepl.GlossaryNotFoundException):
        translator.get_glossary(info.glossary_id)
    with pytest.raises(deepl.AuthorizationException):
        deepl.Translator("wrong-key", server_url=server).translate_text("공감지능",
                                                                        target_lang="EN-US")


def test_libretranslatepy_client(server):
    api_module = pytest.importorskip("libretranslatepy")
    lt = api_module.LibreTranslateAPI(server, api_key=KEY)
    assert TERM in lt.translate(SENTENCE, "ko", "en")
    assert "HVAC" in lt.translate("냉난방공조", "auto", "en")
    assert lt.detect("공감지능은 좋다")[0]["language"] == "ko"
    assert {lang["code"] for lang in lt.languages()} == {"ko", "en"}
    with pytest.raises(urllib.error.HTTPError) as refused:
        api_module.LibreTranslateAPI(server).translate(SENTENCE, "ko", "en")
    assert refused.value.code == 403


def _browser():
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium not installed")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        pytest.skip("Debian packages chromium and chromium-driver are not installed "
                    "(apt-get install -y chromium chromium-driver)")
    from selenium.webdriver.chrome.service import Service as ChromeService

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    return webdriver.Chrome(service=ChromeService(driver_path), options=options)


def test_browser_pastes_translates_and_sees_a_marked_term(server, tmp_path):
    driver = _browser()
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        driver.get(server + "/")
        driver.find_element(By.ID, "api-key").send_keys(KEY)
        source = driver.find_element(By.CSS_SELECTOR, "label[for=source]")
        assert source.text == "Korean text"
        driver.find_element(By.ID, "source").send_keys(SENTENCE)
        driver.find_element(By.ID, "translate-button").click()
        wait = WebDriverWait(driver, 30)
        wait.until(expected_conditions.presence_of_element_located(
            (By.CSS_SELECTOR, "#segments td[lang=en] mark.term.applied")))
        # the sentence has two terms; the English may put either first
        marks = driver.find_elements(By.CSS_SELECTOR, "#segments td[lang=en] mark.term.applied")
        mark = next(m for m in marks if m.text == TERM)
        assert "applied" in mark.get_attribute("title")
        korean = driver.find_elements(By.CSS_SELECTOR, "#segments td[lang=ko] mark.term.applied")
        assert "공감지능" in [k.text for k in korean]
        assert "1 segments" in driver.find_element(By.ID, "summary").text
        # keyboard only: Ctrl+Enter in the text box translates again
        box = driver.find_element(By.ID, "source")
        box.clear()
        box.send_keys("냉난방공조는 좋다.")
        box.send_keys(Keys.CONTROL, Keys.ENTER)
        wait.until(lambda d: "HVAC" in d.find_element(By.ID, "segments").text)
        # the glossary view
        driver.find_element(By.ID, "tab-glossary").click()
        driver.find_element(By.ID, "glossary-q").send_keys("공감지능", Keys.ENTER)
        wait.until(lambda d: "Affectionate Intelligence" in d.find_element(By.ID, "terms").text)
        assert "CES 2024" in driver.find_element(By.ID, "terms").text
        # a file instead of pasted text: its segments, and a link to the translated file
        driver.find_element(By.ID, "tab-translate").click()
        driver.find_element(By.ID, "source").clear()
        upload = tmp_path / "press.txt"
        upload.write_text("냉난방공조 사업.\n", encoding="utf-8")
        driver.find_element(By.ID, "file").send_keys(str(upload))
        driver.find_element(By.ID, "translate-button").click()
        link = wait.until(expected_conditions.visibility_of_element_located(
            (By.ID, "download-file")))
        assert "/download_file/" in link.get_attribute("href")
        assert "HVAC" in driver.find_element(By.ID, "segments").text
    finally:
        driver.quit()


def test_graceful_shutdown_answers_the_request_in_flight(engine):
    service = create_service(Settings(batch_window=1.0), glossaries=[str(GLOSSARY)],
                             engine=engine)
    server = ThreadServer(build_app(service))
    answer: dict = {}
    with server as url:
        def ask() -> None:
            req = urllib.request.Request(url + "/translate", data=json.dumps(
                {"q": "냉난방공조", "source": "ko", "target": "en"}).encode(),
                headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(req, timeout=30) as r:
                answer.update(status=r.status, body=json.loads(r.read()))

        client = threading.Thread(target=ask)
        client.start()
        deadline = time.monotonic() + 10
        while service.queue.depth == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        server.stop()                       # while the request waits in the batch window
        client.join()
    assert answer["status"] == 200 and "HVAC" in answer["body"]["translatedText"]


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


def _post(url: str, body: dict) -> dict:
    req = urllib.request.Request(url, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="needs POSIX signals")
def test_translate_serve_command_sighup_and_sigterm(shared_model, tmp_path):
    folder = tmp_path / "glossary"
    shutil.copytree(GLOSSARY, folder)
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "koen.cli", "serve", "--port", str(port), "-g", str(folder),
         "--model", str(shared_model), "--glossary-dir", str(tmp_path / "api"),
         "--batch-window", "300"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                assert _get(url + "/health")["status"] == "ok"
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        secret = "신제품을 엠바고까지 공개하지 않는다."
        first = _post(url + "/api/translate", {"text": secret})
        assert not first["segments"][0]["terms"]
        (folder / "extra.yaml").write_text("terms:\n  - source: 신제품\n    target: new lineup\n",
                                           encoding="utf-8")
        proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            terms = _post(url + "/api/translate", {"text": secret})["segments"][0]["terms"]
            if terms:
                break
            time.sleep(0.2)
        assert terms and terms[0]["target"] == "new lineup"
        # SIGTERM while a request waits in the batch window: it is still answered
        answer: dict = {}
        client = threading.Thread(target=lambda: answer.update(
            r=_post(url + "/translate", {"q": "냉난방공조", "source": "ko", "target": "en"})))
        client.start()
        time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        client.join()
        assert "HVAC" in answer["r"]["translatedText"]
        assert proc.wait(timeout=30) in (0, -signal.SIGTERM)   # uvicorn re-raises the signal
    finally:
        if proc.poll() is None:
            proc.kill()
        log = proc.communicate()[0].decode("utf-8", "replace")
    assert "POST /api/translate 200" in log and "glossaries reloaded" in log
    assert "엠바고" not in log and "냉난방공조" not in log
