"""``translate serve``: load the engine, the glossary and Kiwi once, then answer HTTP.

Binds 127.0.0.1 unless ``--host`` says otherwise. uvicorn's graceful shutdown (SIGINT,
SIGTERM) stops accepting connections, lets open requests finish, then the lifespan drains
the batching queue; SIGHUP reloads the glossaries.
"""
from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from bitext.errors import InputError
from koen.server.settings import Settings, read_keys


def build_parser() -> argparse.ArgumentParser:
    d = Settings()
    p = argparse.ArgumentParser(
        prog="translate serve",
        description="Serve the engine with its glossary over HTTP: LibreTranslate- and DeepL "
                    "v2-compatible APIs, the aligned records (/api/translate) and a web page.")
    p.add_argument("--host", default=d.host, help="address to bind (default: %(default)s, "
                   "this machine only)")
    p.add_argument("--port", type=int, default=d.port, help="default: %(default)s")
    p.add_argument("-g", "--glossary", action="append", default=[],
                   help="curated glossary file or folder (repeatable)")
    p.add_argument("--glossary-dir", type=Path,
                   help="folder for glossaries created through the DeepL API (kept as YAML; "
                        "without it the API cannot create glossaries)")
    p.add_argument("--model", help="model directory (default: the usual search)")
    p.add_argument("--threads", type=int, default=0,
                   help="CPU threads per translation call (0 = all cores)")
    p.add_argument("--device", default="cpu", help="cpu, cuda or auto")
    p.add_argument("--batch-window", type=float, default=d.batch_window * 1000, metavar="MS",
                   help="milliseconds to wait for concurrent requests to join a batch "
                        "(default: %(default)g)")
    p.add_argument("--max-batch", type=int, default=d.max_batch, metavar="N",
                   help="texts per translation call (default: %(default)s)")
    p.add_argument("--max-queue", type=int, default=d.max_queue, metavar="N",
                   help="texts waiting at most; beyond, 503 with Retry-After "
                        "(default: %(default)s)")
    p.add_argument("--timeout", type=float, default=d.timeout, metavar="S",
                   help="seconds a request may wait for its translation (default: %(default)g)")
    p.add_argument("--document-timeout", type=float, default=d.document_timeout, metavar="S",
                   help="the same for a whole uploaded file (default: %(default)g)")
    p.add_argument("--max-chars", type=int, default=d.max_chars, metavar="N",
                   help="characters of text per request; beyond, 413 (default: %(default)s)")
    p.add_argument("--max-upload", type=int, default=d.max_upload, metavar="BYTES",
                   help="bytes per uploaded file; beyond, 413 (default: %(default)s)")
    p.add_argument("--keys", metavar="FILE",
                   help="file of API keys, one a line: clients must present one "
                        "(DeepL-Auth-Key header, api_key field, X-API-Key header)")
    p.add_argument("--cors-origin", action="append", default=[], metavar="ORIGIN",
                   help="allow browser calls from this origin (repeatable; CORS is off "
                        "without it)")
    p.add_argument("--log-level", default="info",
                   choices=["critical", "error", "warning", "info", "debug"])
    return p


def create_service(settings: Settings, model: str | None = None,
                   glossaries: list[str] | None = None, *, device: str = "cpu",
                   threads: int = 0, engine=None):
    """A :class:`Service` with the engine loaded (or ``engine`` reused, for tests)."""
    from koen.server.glossaries import GlossaryStore
    from koen.server.service import Service
    from translate.engine import Engine
    from translate.pipeline import Translator

    engine = engine or Engine.load(model, device=device, intra_threads=threads)

    def make(glossary):
        return Translator(engine, glossary)

    store = GlossaryStore(list(glossaries or []), settings.glossary_dir, make)
    return Service(settings, store, engine.files.name, lambda: store.translator_for(None))


def warm_up(service) -> None:
    """Load Kiwi and run the engine once, so the first client does not pay for it."""
    from koen.server.batching import segments_of

    translator = service.store.translator_for(None)
    list(translator.translate_segments(segments_of("공감지능은 전장 사업을 키운다. 좋다.")))


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s: %(message)s")
    try:
        settings = Settings(
            host=args.host, port=args.port, batch_window=max(0.0, args.batch_window) / 1000,
            max_batch=max(1, args.max_batch), max_queue=max(1, args.max_queue),
            timeout=args.timeout, document_timeout=args.document_timeout,
            max_chars=args.max_chars, max_upload=args.max_upload,
            keys=read_keys(args.keys) if args.keys else None,
            cors_origins=tuple(args.cors_origin), glossary_dir=args.glossary_dir)
        started = time.perf_counter()
        service = create_service(settings, args.model, args.glossary, device=args.device,
                                 threads=args.threads)
        warm_up(service)
    except InputError as e:
        print(f"translate serve: {e}", file=sys.stderr)
        return 2
    import uvicorn

    from koen.server.app import build_app

    logging.getLogger("koen.server").info(
        "ready in %.1f s: model %s, %d curated terms, http://%s:%d/", time.perf_counter() - started,
        service.model_name, len(service.store.curated), settings.host, settings.port)
    uvicorn.run(build_app(service), host=settings.host, port=settings.port,
                log_level=args.log_level, access_log=False, timeout_graceful_shutdown=
                int(max(settings.timeout, settings.document_timeout)) + 5)
    return 0
