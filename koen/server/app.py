"""The ASGI application: the three APIs and the web page over one :class:`Service`.

Starlette on uvicorn: a small, well-kept ASGI toolkit is all this needs (routing, forms
through python-multipart, static files, a test client); the batching, limits and shapes are
ours. Middleware, outermost first: CORS (only when origins are configured), the access log
(method, path, status, time: never the query or the body, since press releases are
embargoed), the containment of unexpected failures (a 500 in the API's shape, logged by
exception type only), and the body limit (413 before a byte of an oversized body is read when
Content-Length says so, else as soon as the stream passes the limit).
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import threading
import time
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from koen.server import deepl, libre, native
from koen.server.service import BodyTooLarge, Service

log = logging.getLogger("koen.server")
access = logging.getLogger("koen.server.access")


def error_body(path: str, message: str) -> bytes:
    """The error shape of the API a path belongs to (DeepL: message; others: error)."""
    key = "message" if path.startswith("/v2/") else "error"
    return json.dumps({key: message}).encode()


class _Watched:
    """The ``send`` a wrapped app gets, noting whether its response has started: after that
    no error answer can be sent in its place."""

    def __init__(self, send: Send):
        self.send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        self.started = self.started or message["type"] == "http.response.start"
        await self.send(message)


async def send_error(send: Send, status: int, path: str, message: str,
                     close: bool = False) -> None:
    """A whole error response in the shape of the API ``path`` belongs to."""
    body = error_body(path, message)
    headers = [(b"content-type", b"application/json"),
               (b"content-length", str(len(body)).encode())]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """413 for bodies over the limit: uploads get ``max_upload``, everything else
    ``max_body``."""

    def __init__(self, app: ASGIApp, max_body: int, max_upload: int,
                 upload_paths: tuple[str, ...]):
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload
        self.upload_paths = upload_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        limit = self.max_upload + 64_000 if path in self.upload_paths else self.max_body
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await self._refuse(send, path, limit)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        watched = _Watched(send)
        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if not watched.started:
                await self._refuse(send, path, limit)

    @staticmethod
    async def _refuse(send: Send, path: str, limit: int) -> None:
        await send_error(send, 413, path, f"the request body is larger than {limit} bytes",
                         close=True)


class Contained:
    """An unexpected failure becomes a 500 in the API's error shape, logged by exception type
    only: its message or traceback might quote the request's text (Starlette's own handler
    re-raises to the server, which logs both)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        watched = _Watched(send)
        try:
            await self.app(scope, receive, watched)
        except Exception as e:  # noqa: BLE001 - the boundary: nothing escapes to the server log
            log.error("%s %s: internal error (%s)", scope["method"], scope["path"],
                      type(e).__name__)
            if not watched.started:
                await send_error(send, 500, scope["path"], "internal error")


class AccessLog:
    """One line per request without the query string or the body."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 0

        async def watched(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, watched)
        finally:
            access.info("%s %s %d %.0f ms", scope["method"], scope["path"], status,
                        (time.perf_counter() - started) * 1000)


def build_app(service: Service) -> Starlette:
    settings = service.settings

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        service.queue.start()
        loop = asyncio.get_running_loop()
        hup = hasattr(signal, "SIGHUP") and threading.current_thread() is threading.main_thread()
        if hup:
            def on_hup() -> None:
                task = loop.create_task(service.reload())
                task.add_done_callback(_reloaded)
            loop.add_signal_handler(signal.SIGHUP, on_hup)
        try:
            yield
        finally:
            if hup:
                loop.remove_signal_handler(signal.SIGHUP)
            await service.queue.close()      # finish every accepted request first

    middleware = []
    if settings.cors_origins:
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                                     allow_methods=["GET", "POST", "DELETE"],
                                     allow_headers=["Authorization", "Content-Type",
                                                    "X-API-Key"]))
    middleware += [Middleware(AccessLog), Middleware(Contained),
                   Middleware(BodyLimit, max_body=settings.max_body,
                              max_upload=settings.max_upload,
                              upload_paths=settings.upload_paths)]
    routes = [*native.routes(service), *libre.routes(service), *deepl.routes(service)]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.service = service
    return app


def _reloaded(task: asyncio.Task) -> None:
    if task.cancelled():
        return
    e = task.exception()
    if e is not None:
        log.error("SIGHUP: %s", getattr(e, "message", e))
    else:
        log.info("SIGHUP: glossaries reloaded (%d terms)", task.result())
