"""LibreTranslate-compatible endpoints: ``/translate``, ``/languages``, ``/detect``,
``/translate_file`` and ``/download_file``, with LibreTranslate's shapes: answers as its
``app.py`` writes them, errors as ``{"error": "..."}`` with 400, 403, 413, 429/503, 500.

The engine translates Korean into English only: ``source`` is ``ko`` or ``auto`` and
``target`` is ``en``; anything else is refused the way LibreTranslate refuses a language it
has no model for.
"""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from koen.server.service import (
    ApiError,
    Params,
    Service,
    attachment,
    read_upload,
    safe_name,
)
from koen.server.text import detect

LANGUAGES = [{"code": "ko", "name": "Korean", "targets": ["en"]},
             {"code": "en", "name": "English", "targets": []}]


def error(e: ApiError) -> JSONResponse:
    return JSONResponse({"error": e.message}, e.status, headers=e.headers)


def _languages(params: Params) -> tuple[str, str]:
    source = str(params.get("source") or "").strip().lower()
    target = str(params.get("target") or "").strip().lower()
    if not source:
        raise ApiError(400, "Invalid request: missing source parameter")
    if not target:
        raise ApiError(400, "Invalid request: missing target parameter")
    if source not in ("ko", "auto"):
        raise ApiError(400, f"{source} is not supported")
    if target != "en":
        raise ApiError(400, f"{target} is not supported")
    return source, target


def routes(service: Service) -> list[Route]:
    async def translate(request: Request) -> Response:
        try:
            params = await service.params(request)
            q = params.values.get("q")
            if q is None or q == "" or q == []:
                raise ApiError(400, "Invalid request: missing q parameter")
            texts = params.strings("q")
            source, _ = _languages(params)
            fmt = str(params.get("format") or "text").lower()
            if fmt not in ("text", "html"):
                raise ApiError(400, f"{fmt} is not a supported format (text or html)")
            if fmt == "html":
                english = await service.markup(texts, "html")
            else:
                english = await service.texts(texts)
        except ApiError as e:
            return error(e)
        body: dict = {"translatedText": english if isinstance(q, list) else english[0]}
        if source == "auto":
            found = [detect(t) for t in texts]
            detected = [{"confidence": c, "language": lang} for lang, c in found]
            body["detectedLanguage"] = detected if isinstance(q, list) else detected[0]
        if params.get("alternatives") not in (None, "", 0, "0"):
            body["alternatives"] = [[] for _ in texts] if isinstance(q, list) else []
        return JSONResponse(body)

    async def languages(request: Request) -> Response:
        return JSONResponse(LANGUAGES)

    async def detect_route(request: Request) -> Response:
        try:
            params = await service.params(request)
            q = params.get("q")
            if not q:
                raise ApiError(400, "Invalid request: missing q parameter")
            texts = params.strings("q")
            service.check_size(texts)
        except ApiError as e:
            return error(e)
        lang, confidence = detect(" ".join(texts))
        return JSONResponse([{"confidence": confidence, "language": lang}])

    async def translate_file(request: Request) -> Response:
        try:
            params = await service.params(request)
            upload = params.file("Invalid request: missing file parameter")
            _languages(params)
            name = safe_name(upload.filename)
            data = await read_upload(upload, service.settings.max_upload)
            result = await service.document(data, name)
        except ApiError as e:
            return error(e)
        stored = service.files.done(name, result.data)
        url = str(request.url_for("download_file", token=stored.token, name=name))
        return JSONResponse({"translatedFileUrl": url})

    async def download_file(request: Request) -> Response:
        stored = service.files.get(request.path_params["token"])
        if stored is None or stored.status != "done" or \
                request.path_params["name"] != stored.name:
            return error(ApiError(404, "file not found (translated files are kept "
                                       f"{service.settings.download_ttl:g} s)"))
        return Response(stored.data, media_type="application/octet-stream",
                        headers=attachment(stored.name))

    return [
        Route("/translate", translate, methods=["POST"]),
        Route("/languages", languages, methods=["GET", "POST"]),
        Route("/detect", detect_route, methods=["POST"]),
        Route("/translate_file", translate_file, methods=["POST"]),
        Route("/download_file/{token}/{name}", download_file, methods=["GET"],
              name="download_file"),
    ]
