"""What every API shares: the warm engine behind the batching queue, the glossaries, the
stored files, and the limits. The route modules (``libre``, ``deepl``, ``native``) only
translate between their wire format and these calls, and map :class:`ApiError` to their
own error bodies.
"""
from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import UploadFile
from starlette.requests import Request

from bitext.errors import InputError
from bitext.records import AlignedSegment
from koen.server.auth import key_ok, request_key
from koen.server.batching import BatchQueue, Job, QueueFull, ShuttingDown
from koen.server.filestore import FileStore
from koen.server.glossaries import GlossaryStore, UnknownGlossary
from koen.server.markup import read_markup
from koen.server.settings import Settings
from koen.server.text import assemble


class BodyTooLarge(Exception):
    """A request body grew past its limit while it was being read (no Content-Length)."""

    def __init__(self, limit: int):
        super().__init__(f"the request body is larger than {limit} bytes")
        self.limit = limit


class ApiError(Exception):
    """An answer other than 200: the status, one line for the client, extra headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass
class Params:
    """A request's fields, from a JSON body, a form (urlencoded or multipart) or the query."""

    values: dict[str, Any]
    files: dict[str, UploadFile]

    def get(self, name: str, default: Any = None) -> Any:
        value = self.values.get(name, default)
        if isinstance(value, list) and name not in LIST_FIELDS:
            return value[0] if value else default
        return value

    def strings(self, name: str) -> list[str]:
        """A field that may be one string or a list of strings (``q``, ``text``)."""
        value = self.values.get(name)
        if value is None:
            return []
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str) for v in items):
            raise ApiError(400, f"'{name}' must be a string or a list of strings")
        return items

    def file(self, missing: str) -> UploadFile:
        """The uploaded ``file`` field; ``missing`` is the API's own 400 message without it."""
        upload = self.files.get("file")
        if upload is None:
            raise ApiError(400, missing)
        return upload


LIST_FIELDS = ("text", "ignore_tags", "splitting_tags", "non_splitting_tags", "q")


async def read_params(request: Request) -> Params:
    """JSON and form bodies are both accepted (LibreTranslate clients send forms, the DeepL
    client JSON); query parameters fill in what the body does not say."""
    values: dict[str, Any] = {}
    files: dict[str, UploadFile] = {}
    body_lists: set[str] = set()       # JSON lists stay lists, even of one item
    for key, value in request.query_params.multi_items():
        values.setdefault(key, []).append(value)
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        try:
            body = json.loads(await request.body() or b"{}")
        except BodyTooLarge as e:
            raise ApiError(413, str(e)) from None
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise ApiError(400, "the body is not valid JSON (or nested too deeply)") from None
        if not isinstance(body, dict):
            raise ApiError(400, "the JSON body must be an object")
        values.update(body)
        body_lists = {k for k, v in body.items() if isinstance(v, list)}
    elif kind == "application/x-www-form-urlencoded":
        # parsed here, not by Starlette: it reads unencoded bytes as Latin-1, and curl -d,
        # like many scripts, sends Korean as raw UTF-8 (LibreTranslate accepts both)
        try:
            text = (await request.body()).decode("utf-8")
            pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=2_000)
        except BodyTooLarge as e:
            raise ApiError(413, str(e)) from None
        except (UnicodeDecodeError, ValueError):
            raise ApiError(400, "the form body is not UTF-8 (or has too many fields)") from None
        for key, item in pairs:
            values.setdefault(key, []).append(item)
    elif kind == "multipart/form-data":
        try:
            form = await request.form(max_files=4, max_fields=2_000)
        except BodyTooLarge as e:
            raise ApiError(413, str(e)) from None
        except Exception:  # noqa: BLE001 - python-multipart's errors: a malformed form
            raise ApiError(400, "malformed form body") from None
        for key, part in form.multi_items():
            if isinstance(part, UploadFile):
                files[key] = part
            else:
                values.setdefault(key, []).append(part)
    for key, value in list(values.items()):
        if isinstance(value, list) and len(value) == 1 and key not in body_lists:
            values[key] = value[0]      # a form field sent once is a string
    return Params(values, files)


class Service:
    """The warm translator and everything around it, shared by all routes."""

    def __init__(self, settings: Settings, store: GlossaryStore, model_name: str,
                 base_translator: Callable[[], Any]):
        self.settings = settings
        self.store = store
        self.model_name = model_name
        self.base_translator = base_translator      # the curated Translator (documents)
        self.queue = BatchQueue(store.translator_for, window=settings.batch_window,
                                max_batch=settings.max_batch, max_queue=settings.max_queue)
        self.files = FileStore(settings.download_ttl, settings.max_downloads)
        self.started = time.time()
        self.requests = 0

    # --- checks -------------------------------------------------------------------------
    async def params(self, request: Request) -> Params:
        """The request's fields (:func:`read_params`), after its API key is checked."""
        params = await read_params(request)
        self.authorise(request, params)
        return params

    def authorise(self, request: Request, params: Params | dict) -> None:
        values = params.values if isinstance(params, Params) else params
        if not key_ok(self.settings.keys, request_key(request, values)):
            raise ApiError(403, "invalid or missing API key")

    def check_size(self, texts: list[str]) -> None:
        if len(texts) > self.settings.max_texts:
            raise ApiError(413, f"more than {self.settings.max_texts} texts in one request")
        chars = sum(len(t) for t in texts)
        if chars > self.settings.max_chars:
            raise ApiError(413, f"{chars} characters in one request; the limit is "
                                f"{self.settings.max_chars}")

    def glossary_key(self, glossary_id: str | None) -> str | None:
        try:
            return self.store.check(glossary_id)
        except UnknownGlossary:
            raise ApiError(404, "Glossary not found.") from None

    # --- translation --------------------------------------------------------------------
    async def segments(self, texts: list[str], glossary: str | None = None,
                       split: bool = True) -> list[list[AlignedSegment]]:
        """Each text's aligned segments, through the batching queue."""
        self.check_size(texts)
        jobs = [Job(t, glossary, split) for t in texts]
        try:
            return await self.queue.translate(jobs, self.settings.timeout)
        except QueueFull:
            raise ApiError(503, "too many requests are waiting; try again shortly",
                           {"Retry-After": str(self.settings.retry_after)}) from None
        except ShuttingDown:
            raise ApiError(503, "the server is shutting down",
                           {"Retry-After": str(self.settings.retry_after)}) from None
        except asyncio.TimeoutError:
            raise ApiError(504, f"translation took longer than {self.settings.timeout:g} s"
                           ) from None

    async def texts(self, texts: list[str], glossary: str | None = None,
                    split: bool = True) -> list[str]:
        """Each text's English, lines kept."""
        results = await self.segments(texts, glossary, split)
        return [assemble(t, segs) for t, segs in zip(texts, results)]

    async def markup(self, texts: list[str], mode: str, glossary: str | None = None,
                     ignore_tags: frozenset[str] = frozenset(),
                     splitting_tags: frozenset[str] = frozenset()) -> list[str]:
        """HTML or XML texts: units translated through the document layer, tags kept."""
        self.check_size(texts)
        from documents import translate_doc

        translator = self.store.translator_for(glossary)
        out = []
        for text in texts:
            try:
                doc = read_markup(text, mode, ignore_tags, splitting_tags)
            except InputError as e:
                raise ApiError(400, str(e)) from None
            if doc.units:
                await self._engine(translate_doc.translate_document, translator, doc)
            out.append(doc.render().decode("utf-8"))
        return out

    async def document(self, data: bytes, name: str, glossary: str | None = None):
        """A whole file through ``documents.translate_file`` (its readers are the CLI's)."""
        from documents.translate_doc import translate_file

        return await self._engine(lambda: translate_file(
            data, self.store.translator_for(glossary), name=name),
            timeout=self.settings.document_timeout)

    async def _engine(self, fn: Callable[..., Any], *args: Any,
                      timeout: float | None = None) -> Any:
        """Run ``fn`` on the translation thread (after the batch in progress). A timeout
        frees the client; work already running finishes (CTranslate2 cannot be stopped)."""
        timeout = self.settings.timeout if timeout is None else timeout
        try:
            return await asyncio.wait_for(self.queue.call(fn, *args), timeout)
        except ShuttingDown:
            raise ApiError(503, "the server is shutting down",
                           {"Retry-After": str(self.settings.retry_after)}) from None
        except asyncio.TimeoutError:
            raise ApiError(504, f"translation took longer than {timeout:g} s") from None
        except InputError as e:
            raise ApiError(400, str(e)) from None

    async def reload(self) -> int:
        """Reload every glossary on the translation thread (never mid-batch)."""
        try:
            return await self.queue.call(self.store.reload)
        except InputError as e:
            raise ApiError(400, f"reload failed, the previous glossaries stay: {e}") from None

    def health(self) -> dict[str, Any]:
        return {"status": "ok", "model": self.model_name,
                "glossary_terms": len(self.store.curated),
                "api_glossaries": len(self.store.infos()) - 1,
                "queue": self.queue.depth, "in_flight": self.queue.in_flight,
                "batches": self.queue.batches, "translated": self.queue.translated,
                "keys_required": self.settings.keys is not None,
                "uptime_s": round(time.time() - self.started, 1)}


async def read_upload(upload: UploadFile, limit: int) -> bytes:
    """An uploaded file's bytes, refused past ``limit`` (413) without reading it all."""
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise ApiError(413, f"the file is larger than {limit} bytes")
    return data


def safe_name(name: str | None, default: str = "document.txt") -> str:
    """A client's file name reduced to its last part, for the format and the download name:
    never a path on this server."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip().lstrip(".")
    base = "".join(ch for ch in base if ch.isalnum() or ch in "-_.() ")[:120]
    return base or default


def attachment(name: str) -> dict[str, str]:
    """A Content-Disposition header for a download named ``name`` (RFC 6266, any script)."""
    from urllib.parse import quote

    fallback = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return {"Content-Disposition":
            f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"}
