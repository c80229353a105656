"""Translated files kept in memory for a bounded time: LibreTranslate's ``/download_file``
links and DeepL's document jobs. Nothing is written to disk and no request names a path:
files are found by a random token."""
from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class StoredFile:
    token: str
    name: str                      # the translated file's name (shown, never opened)
    data: bytes = b""
    status: str = "queued"         # DeepL: queued | translating | done | error
    error: str | None = None
    key: str = field(default_factory=lambda: secrets.token_hex(32))   # DeepL document_key
    characters: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    expires: float = 0.0


class FileStore:
    """At most ``limit`` files, each for ``ttl`` seconds; the oldest go first."""

    def __init__(self, ttl: float, limit: int):
        self.ttl = ttl
        self.limit = limit
        self._files: dict[str, StoredFile] = {}

    def _purge(self) -> None:
        now = time.monotonic()
        for token in [t for t, f in self._files.items() if f.expires < now]:
            del self._files[token]
        while len(self._files) >= self.limit:
            del self._files[next(iter(self._files))]

    def new(self, name: str) -> StoredFile:
        self._purge()
        stored = StoredFile(secrets.token_hex(16).upper(), name,
                            expires=time.monotonic() + self.ttl)
        self._files[stored.token] = stored
        return stored

    def done(self, name: str, data: bytes) -> StoredFile:
        """A finished translation, kept for download under a new token."""
        stored = self.new(name)
        stored.data, stored.status = data, "done"
        return stored

    def get(self, token: str) -> StoredFile | None:
        stored = self._files.get(token)
        if stored is None or stored.expires < time.monotonic():
            return None
        return stored
