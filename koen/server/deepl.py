"""DeepL API v2-compatible endpoints: ``/v2/translate``, ``/v2/glossaries`` (list, create,
get, entries, delete), ``/v2/glossary-language-pairs``, ``/v2/languages``, ``/v2/usage`` and
``/v2/document`` (upload, status, result), with DeepL's shapes; errors are
``{"message": "..."}`` with the status codes the official clients map (400, 403, 404, 413,
415, 503 with Retry-After).

Korean→English only: ``source_lang`` KO (or absent), ``target_lang`` EN, EN-US or EN-GB (one
English is produced for all three). Options that make no sense for English are answered as
DeepL answers them (``formality`` less/more: "not supported for given 'target_lang'");
options that only tune DeepL's own service are accepted and have no effect (``context``,
``preserve_formatting``, ``model_type``, ``outline_detection``).
"""
from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bitext.errors import InputError
from koen.server.glossaries import CURATED_ID, UnknownGlossary, entries_tsv, parse_entries
from koen.server.service import (
    ApiError,
    Params,
    Service,
    attachment,
    read_upload,
    safe_name,
)

TARGETS = ("EN", "EN-US", "EN-GB")
SOURCE_LANGUAGES = [{"language": "KO", "name": "Korean"}]
TARGET_LANGUAGES = [{"language": "EN-GB", "name": "English (British)", "supports_formality": False},
                    {"language": "EN-US", "name": "English (American)",
                     "supports_formality": False}]
SPLIT = {"0": False, "1": True, "nonewlines": True}


def error(e: ApiError) -> JSONResponse:
    return JSONResponse({"message": e.message}, e.status, headers=e.headers)


def tags(value: object) -> frozenset[str]:
    """``ignore_tags`` and friends: a list, or comma-separated names (both are sent)."""
    items = value if isinstance(value, list) else [value] if value else []
    return frozenset(t.strip() for item in items for t in str(item).split(",") if t.strip())


def check_languages(params: Params, glossary: bool = False) -> None:
    target = params.get("target_lang")
    if not target:
        raise ApiError(400, "Parameter 'target_lang' not specified.")
    if str(target).upper() not in TARGETS:
        raise ApiError(400, "Value for 'target_lang' not supported.")
    source = params.get("source_lang")
    if source and str(source).upper() != "KO":
        raise ApiError(400, "Value for 'source_lang' not supported.")
    if glossary and not source:
        raise ApiError(400, "Use of a glossary requires the 'source_lang' parameter to be "
                            "specified.")
    formality = str(params.get("formality") or "default").lower()
    if formality in ("less", "more"):
        raise ApiError(400, "'formality' is not supported for given 'target_lang'.")
    if formality not in ("default", "prefer_less", "prefer_more"):
        raise ApiError(400, "Value for 'formality' not supported.")


def glossary_of(params: Params) -> str | None:
    ids = params.values.get("glossary_ids")
    if ids:
        items = tags(ids)
        if len(items) > 1:
            raise ApiError(400, "Only one glossary per request is supported here "
                                "(it is added to the curated glossary).")
        return next(iter(items))
    value = params.get("glossary_id")
    return str(value) if value else None


def routes(service: Service) -> list[Route]:
    tasks: set[asyncio.Task] = set()

    async def translate(request: Request) -> Response:
        try:
            params = await service.params(request)
            texts = params.strings("text")
            if not texts:
                raise ApiError(400, "Parameter 'text' not specified.")
            glossary_id = glossary_of(params)
            check_languages(params, glossary=bool(glossary_id))
            key = service.glossary_key(glossary_id)
            handling = params.get("tag_handling")
            split = str(params.get("split_sentences") or "1")
            if split not in SPLIT:
                raise ApiError(400, "Value for 'split_sentences' not supported.")
            if handling in (None, ""):
                english = await service.texts(texts, key, SPLIT[split])
            elif handling in ("xml", "html"):
                english = await service.markup(
                    texts, str(handling), key, tags(params.values.get("ignore_tags")),
                    tags(params.values.get("splitting_tags")))
            else:
                raise ApiError(400, "Value for 'tag_handling' not supported.")
        except ApiError as e:
            return error(e)
        return JSONResponse({"translations": [
            {"detected_source_language": "KO", "text": text, "billed_characters": len(source)}
            for source, text in zip(texts, english)]})

    async def languages(request: Request) -> Response:
        try:
            params = await service.params(request)
        except ApiError as e:
            return error(e)
        kind = str(params.get("type") or "source").lower()
        return JSONResponse(TARGET_LANGUAGES if kind == "target" else SOURCE_LANGUAGES)

    async def pairs(request: Request) -> Response:
        try:
            await service.params(request)
        except ApiError as e:
            return error(e)
        return JSONResponse({"supported_languages": [{"source_lang": "ko", "target_lang": "en"}]})

    async def usage(request: Request) -> Response:
        try:
            await service.params(request)
        except ApiError as e:
            return error(e)
        return JSONResponse({"character_count": service.queue.characters,
                             "character_limit": 1_000_000_000_000})

    async def glossaries(request: Request) -> Response:
        try:
            params = await service.params(request)
            if request.method == "GET":
                return JSONResponse({"glossaries": [i.to_dict() for i in service.store.infos()]})
            name = str(params.get("name") or "").strip()
            if not name:
                raise ApiError(400, "Parameter 'name' not specified.")
            pair = (str(params.get("source_lang") or "").lower(),
                    str(params.get("target_lang") or "").lower())
            if pair != ("ko", "en"):
                raise ApiError(400, "Unsupported glossary source and target language pair.")
            entries = params.get("entries")
            if not isinstance(entries, str) or not entries.strip():
                raise ApiError(400, "Parameter 'entries' not specified.")
            if len(entries) > service.settings.max_chars:
                raise ApiError(413, "glossary entries exceed the request size limit")
            try:
                terms = parse_entries(entries, str(params.get("entries_format") or "tsv"))
                info = service.store.create(name, terms)
            except InputError as e:
                raise ApiError(400, f"Invalid glossary entries provided: {e}") from None
        except ApiError as e:
            return error(e)
        return JSONResponse(info.to_dict(), 201)

    async def glossary(request: Request) -> Response:
        glossary_id = request.path_params["glossary_id"]
        try:
            await service.params(request)
            try:
                info, _ = service.store.get(glossary_id)
                if request.method == "DELETE":
                    if glossary_id == CURATED_ID:
                        raise ApiError(400, "The curated glossary is read-only (it is edited "
                                            "by pull request).")
                    service.store.delete(glossary_id)
                    return Response(status_code=204)
            except UnknownGlossary:
                raise ApiError(404, "Glossary not found.") from None
        except ApiError as e:
            return error(e)
        return JSONResponse(info.to_dict())

    async def entries(request: Request) -> Response:
        try:
            await service.params(request)
            accept = request.headers.get("accept", "*/*")
            if not any(a.split(";")[0].strip() in ("*/*", "text/*", "text/tab-separated-values")
                       for a in accept.split(",")):
                raise ApiError(415, "Unsupported media type: entries are served as "
                                    "text/tab-separated-values.")
            try:
                _, terms = service.store.get(request.path_params["glossary_id"])
            except UnknownGlossary:
                raise ApiError(404, "Glossary not found.") from None
        except ApiError as e:
            return error(e)
        return PlainTextResponse(entries_tsv(terms.terms),
                                 media_type="text/tab-separated-values")

    async def document_upload(request: Request) -> Response:
        try:
            params = await service.params(request)
            upload = params.file("Parameter 'file' not specified.")
            glossary_id = glossary_of(params)
            check_languages(params, glossary=bool(glossary_id))
            key = service.glossary_key(glossary_id)
            name = safe_name(params.get("filename") or upload.filename)
            output_format = params.get("output_format")
            if output_format and "." + str(output_format).lower().lstrip(".") != \
                    "." + name.rsplit(".", 1)[-1].lower():
                raise ApiError(400, "Value for 'output_format' not supported.")
            data = await read_upload(upload, service.settings.max_upload)
        except ApiError as e:
            return error(e)
        stored = service.files.new(name)
        stored.characters = len(data)

        async def run() -> None:
            stored.status = "translating"
            try:
                result = await service.document(data, name, key)
            except ApiError as e:
                stored.status, stored.error = "error", e.message
                return
            stored.data, stored.status = result.data, "done"
            stored.characters = sum(len(s.source) for s in result.segments)

        task = asyncio.get_running_loop().create_task(run())
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        return JSONResponse({"document_id": stored.token, "document_key": stored.key})

    async def stored_document(request: Request):
        params = await service.params(request)
        stored = service.files.get(request.path_params["document_id"])
        if stored is None:
            raise ApiError(404, "Document not found.")
        given = str(params.get("document_key") or "")
        if given != stored.key:
            raise ApiError(403, "Wrong document_key.")
        return stored

    async def document_status(request: Request) -> Response:
        try:
            stored = await stored_document(request)
        except ApiError as e:
            return error(e)
        body: dict = {"document_id": stored.token, "status": stored.status}
        if stored.status == "done":
            body["billed_characters"] = stored.characters
        elif stored.status == "error":
            body["error_message"] = stored.error
        else:
            body["seconds_remaining"] = 1
        return JSONResponse(body)

    async def document_result(request: Request) -> Response:
        try:
            stored = await stored_document(request)
            if stored.status == "error":
                raise ApiError(400, stored.error or "Document translation failed.")
            if stored.status != "done":
                raise ApiError(503, "Document not ready.",
                               {"Retry-After": str(service.settings.retry_after)})
        except ApiError as e:
            return error(e)
        return Response(stored.data, media_type="application/octet-stream",
                        headers=attachment(stored.name))

    return [
        Route("/v2/translate", translate, methods=["POST"]),
        Route("/v2/languages", languages, methods=["GET", "POST"]),
        Route("/v2/glossary-language-pairs", pairs, methods=["GET"]),
        Route("/v2/usage", usage, methods=["GET", "POST"]),
        Route("/v2/glossaries", glossaries, methods=["GET", "POST"]),
        Route("/v2/glossaries/{glossary_id}", glossary, methods=["GET", "DELETE"]),
        Route("/v2/glossaries/{glossary_id}/entries", entries, methods=["GET"]),
        Route("/v2/document", document_upload, methods=["POST"]),
        Route("/v2/document/{document_id}", document_status, methods=["POST"]),
        Route("/v2/document/{document_id}/result", document_result, methods=["POST"]),
    ]
