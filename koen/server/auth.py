"""API keys: DeepL's ``Authorization: DeepL-Auth-Key KEY`` header (or its legacy ``auth_key``
parameter), LibreTranslate's ``api_key`` parameter, and for the native API and the web page
either of them or ``X-API-Key``. Keys are compared in constant time."""
from __future__ import annotations

import hmac
from collections.abc import Mapping

from starlette.requests import Request


def key_ok(keys: frozenset[str] | None, given: str | None) -> bool:
    if keys is None:
        return True
    if not given:
        return False
    return any(hmac.compare_digest(given.encode(), k.encode()) for k in keys)


def header_key(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    scheme, _, value = auth.partition(" ")
    if scheme.lower() == "deepl-auth-key" and value.strip():
        return value.strip()
    return request.headers.get("x-api-key")


def request_key(request: Request, params: Mapping[str, object]) -> str | None:
    """The key a request presents, from its header or its ``api_key``/``auth_key`` field."""
    for name in ("api_key", "auth_key"):
        value = params.get(name)
        if isinstance(value, str) and value:
            return value
    return header_key(request)
