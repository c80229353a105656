"""Helpers for the server tests: a uvicorn server on a free 127.0.0.1 port in a thread, so
that clients this project did not write (deepl, libretranslatepy, a browser) talk real HTTP
to it, and the engine is loaded once per test module."""
from __future__ import annotations

import functools
import socket
import threading
import time
from pathlib import Path

import uvicorn

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "resources/models/ko-en-small"
GLOSSARY = ROOT / "resources/glossary"


@functools.cache
def shared_engine(path: Path):
    """One loaded engine (and Kiwi, warmed) per test process, shared by the server tests."""
    from koen.server.serve import create_service, warm_up
    from koen.server.settings import Settings
    from translate.engine import Engine

    engine = Engine.load(path)
    warm_up(create_service(Settings(), engine=engine))
    return engine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThreadServer:
    """``with ThreadServer(app) as url:`` serves ``app`` until the block ends."""

    def __init__(self, app, port: int | None = None):
        self.port = port or free_port()
        self.server = uvicorn.Server(uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False,
            lifespan="on", timeout_graceful_shutdown=30))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self.url

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=60)

    def __exit__(self, *exc) -> None:
        self.stop()
