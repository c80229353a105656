"""This project's own endpoints: the aligned records (``POST /api/translate``, the objects
``translate`` writes as JSONL), files for the web page, exports (TMX, XLIFF…), the glossary
search, ``/health`` and ``/admin/reload``."""
from __future__ import annotations

import io
import json
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bitext.formats import FORMATS, extension_for
from bitext.records import AlignedSegment
from bitext.report import summarise
from koen.server.glossaries import ID_PATTERN, UnknownGlossary
from koen.server.service import (
    ApiError,
    Service,
    attachment,
    read_upload,
    safe_name,
)
from koen.server.text import assemble

STATIC = Path(__file__).with_name("static")
EXPORTS = ("tmx", "xliff", "tsv", "jsonl", "html", "md")


def error(e: ApiError) -> JSONResponse:
    return JSONResponse({"error": e.message}, e.status, headers=e.headers)


def records(segments: list[AlignedSegment]) -> dict:
    return {"segments": [s.to_dict() for s in segments],
            "report": summarise(segments).to_dict()}


def routes(service: Service) -> list:
    async def health(request: Request) -> Response:
        return JSONResponse(service.health())

    async def translate(request: Request) -> Response:
        try:
            params = await service.params(request)
            text = params.get("text")
            if not isinstance(text, str) or not text.strip():
                raise ApiError(400, "give the Korean text as 'text'")
            key = service.glossary_key(params.get("glossary_id"))
            [segments] = await service.segments([text], key)
        except ApiError as e:
            return error(e)
        if "application/x-ndjson" in request.headers.get("accept", ""):
            lines = "".join(json.dumps(s.to_dict(), ensure_ascii=False) + "\n"
                            for s in segments)
            return Response(lines, media_type="application/x-ndjson")
        return JSONResponse({**records(segments), "translation": assemble(text, segments)})

    async def translate_file(request: Request) -> Response:
        try:
            params = await service.params(request)
            upload = params.file("give the file as 'file'")
            key = service.glossary_key(params.get("glossary_id"))
            name = safe_name(upload.filename)
            data = await read_upload(upload, service.settings.max_upload)
            result = await service.document(data, name, key)
        except ApiError as e:
            return error(e)
        stored = service.files.done(name, result.data)
        url = str(request.url_for("download_file", token=stored.token, name=name))
        return JSONResponse({**records(list(result.segments)), "name": name,
                             "download": url, "counts": dict(result.counts)})

    async def export(request: Request) -> Response:
        try:
            params = await service.params(request)
            fmt = str(params.get("format") or "tmx").lower()
            if fmt not in EXPORTS:
                raise ApiError(400, f"format is one of {', '.join(EXPORTS)}")
            raw = params.values.get("segments")
            if not isinstance(raw, list) or not raw:
                raise ApiError(400, "give the records as 'segments' (a JSON list)")
            try:
                segments = [AlignedSegment.from_dict(d) for d in raw]
            except (KeyError, TypeError, ValueError, AttributeError):
                raise ApiError(400, "'segments' are not aligned records") from None
        except ApiError as e:
            return error(e)
        stream = io.StringIO()
        FORMATS[fmt].write(segments, stream, glossary_name="server")
        name = safe_name(str(params.get("name") or ""), "translation").rsplit(".", 1)[0]
        return Response(stream.getvalue().encode("utf-8"), media_type="application/octet-stream",
                        headers=attachment(name + extension_for(fmt)))

    async def glossary_search(request: Request) -> Response:
        try:
            service.authorise(request, dict(request.query_params))
        except ApiError as e:
            return error(e)
        q = request.query_params.get("q", "")[:200]
        return JSONResponse({"terms": service.store.search(q),
                             "total": len(service.store.curated)})

    async def glossary_yaml(request: Request) -> Response:
        glossary_id = request.path_params["glossary_id"]
        try:
            service.authorise(request, dict(request.query_params))
            if not ID_PATTERN.match(glossary_id) or service.store.folder is None:
                raise ApiError(404, "glossary not found")
            try:
                service.store.get(glossary_id)
            except UnknownGlossary:
                raise ApiError(404, "glossary not found") from None
        except ApiError as e:
            return error(e)
        return FileResponse(service.store.folder / f"{glossary_id}.yaml",
                            media_type="application/yaml",
                            headers=attachment(f"{glossary_id}.yaml"))

    async def reload(request: Request) -> Response:
        try:
            await service.params(request)
            terms = await service.reload()
        except ApiError as e:
            return error(e)
        return JSONResponse({"status": "reloaded", "terms": terms})

    async def index(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    return [
        Route("/", index, methods=["GET"]),
        Route("/health", health, methods=["GET"]),
        Route("/api/translate", translate, methods=["POST"]),
        Route("/api/translate_file", translate_file, methods=["POST"]),
        Route("/api/export", export, methods=["POST"]),
        Route("/api/glossary", glossary_search, methods=["GET"]),
        Route("/api/glossaries/{glossary_id}.yaml", glossary_yaml, methods=["GET"]),
        Route("/admin/reload", reload, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
