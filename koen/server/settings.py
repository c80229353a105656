"""What the server was started with (``translate serve`` options), in one place."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 5000
    batch_window: float = 0.005      # seconds the queue waits for more requests to join a batch
    max_batch: int = 32              # texts per translation call
    max_queue: int = 256             # texts waiting at most; more are answered 503
    timeout: float = 60.0            # seconds a request may wait for its translation
    document_timeout: float = 600.0  # the same for a whole file (/translate_file, /v2/document)
    max_body: int = 1_000_000        # bytes of a JSON or form request
    max_chars: int = 20_000          # characters of text in one request
    max_texts: int = 1_000           # texts (``q`` items, ``text`` params) in one request
    max_upload: int = 10_000_000     # bytes of an uploaded file
    download_ttl: float = 600.0      # seconds a translated file stays downloadable
    max_downloads: int = 64          # translated files kept at once (oldest go first)
    keys: frozenset[str] | None = None   # API keys (None: no key needed)
    cors_origins: tuple[str, ...] = ()   # CORS off unless origins are named
    glossary_dir: Path | None = None     # where glossaries made through the API live
    retry_after: int = 2             # seconds suggested with a 503
    upload_paths: tuple[str, ...] = field(
        default=("/translate_file", "/v2/document", "/api/translate_file"))


def read_keys(path: str | Path) -> frozenset[str]:
    """One key a line; blank lines and ``#`` comments ignored. An empty file is an error:
    it would lock every client out without saying why."""
    from bitext.errors import InputError
    from bitext.files import read_text

    keys = frozenset(line.strip() for line in read_text(path).text.splitlines()
                     if line.strip() and not line.strip().startswith("#"))
    if not keys:
        raise InputError("no API keys in this file (one key a line)", str(path))
    return keys
