"""Server under load: 16 concurrent clients against ``translate serve`` on localhost, against
the CLI's warm throughput on the same sentences.

What is measured, in one run on one machine (other load on the host moves both sides):

- **CLI warm**: the pipeline with the model already loaded translating all sentences in one
  ``translate_segments`` call (what ``translate FILE`` does after loading), timed on its
  second pass over the same sentences, sentences/s;
- **server**: ``translate serve`` started as a subprocess; its **cold** time from start to
  the first answer; then ``--clients`` threads, each with its own keep-alive connection,
  sending one sentence per LibreTranslate ``POST /translate`` until all are done: p50/p95
  latency, throughput (sentences/s and × CLI; the issue's goal is ≥ 0.8×), errors (goal 0)
  and the server's peak memory (VmHWM).

Bounded: at most 200 sentences, localhost only, every request with a timeout.
Run: ``python benchmarks/bench_server.py --model resources/models/ko-en-small [--n 120]``.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import common
from common import peak_rss_mb, table

from translate.pipeline import Translator
from translate.segment import segment_text

MAX_SENTENCES = 200


def sentences(n: int, path: Path | None) -> tuple[list[str], str]:
    if path is not None:
        lines = [s.strip() for s in path.read_text(encoding="utf-8").splitlines() if s.strip()]
        return lines[:n], str(path)
    news = common.load_news(n)
    if news:
        return [s for s in news[0] if s.strip()][:n], "news test (korean-english-park)"
    sample = (common.ROOT / "resources/samples/lg-ai-strategy.ko.txt").read_text(encoding="utf-8")
    return [s.source for s in segment_text(sample)][:n], "resources/samples/lg-ai-strategy"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli_warm(model: Path, glossary: Path, threads: int, src: list[str]) -> tuple[float, float]:
    """(seconds for all sentences with a warm pipeline, peak RSS MB of this process)."""
    translator = Translator(model, glossary, intra_threads=threads)
    segments = segment_text("\n".join(src))
    list(translator.translate_segments(segments))       # warm: the same sentences once before
    started = time.perf_counter()
    out = list(translator.translate_segments(segments))
    seconds = time.perf_counter() - started
    assert len(out) == len(segments)
    return seconds, peak_rss_mb()


def post(conn: http.client.HTTPConnection, sentence: str) -> tuple[int, dict]:
    body = json.dumps({"q": sentence, "source": "ko", "target": "en"})
    conn.request("POST", "/translate", body, {"Content-Type": "application/json"})
    response = conn.getresponse()
    return response.status, json.loads(response.read() or b"{}")


def server_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def load(port: int, src: list[str], clients: int, timeout: float
         ) -> tuple[list[float], int, float]:
    """(latencies, errors, wall seconds): ``clients`` threads draining one queue."""
    todo: queue.Queue[str] = queue.Queue()
    for s in src:
        todo.put(s)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        while True:
            try:
                sentence = todo.get_nowait()
            except queue.Empty:
                break
            started = time.perf_counter()
            try:
                status, body = post(conn, sentence)
                ok = status == 200 and isinstance(body.get("translatedText"), str)
            except (OSError, http.client.HTTPException, ValueError):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            with lock:
                latencies.append(time.perf_counter() - started)
                errors[0] += 0 if ok else 1
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors[0], time.perf_counter() - started


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", type=Path, required=True)
    p.add_argument("--glossary", type=Path, default=common.GLOSSARY_DIR)
    p.add_argument("--n", type=int, default=120, help=f"sentences (at most {MAX_SENTENCES})")
    p.add_argument("--sentences", type=Path,
                   help="Korean sentences, one a line (default: the news test set if "
                        "../shared has it, else the bundled sample)")
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                   help="CTranslate2 intra_threads for both the CLI and the server")
    p.add_argument("--server-args", default="",
                   help="extra `translate serve` options, e.g. '--batch-window 10 --max-batch 32'")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds per request")
    args = p.parse_args()
    src, where = sentences(min(args.n, MAX_SENTENCES), args.sentences)

    print("## Server under load (bench_server)\n")
    print(f"- {len(src)} sentences from {where}; {args.clients} concurrent clients, one "
          f"sentence per request (LibreTranslate POST /translate); intra_threads "
          f"{args.threads}; host {os.cpu_count()} cores")
    cli_seconds, cli_rss = cli_warm(args.model, args.glossary, args.threads, src)

    port = free_port()
    cmd = [sys.executable, "-m", "koen.cli", "serve", "--port", str(port), "--model",
           str(args.model), "-g", str(args.glossary), "--threads", str(args.threads),
           "--max-queue", str(max(256, args.clients * 4)), "--log-level", "warning",
           *args.server_args.split()]
    print(f"- server: `{' '.join(cmd[2:])}`\n")
    env = {**os.environ, "PYTHONPATH": str(common.ROOT)}
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        cold = None
        while cold is None:
            if proc.poll() is not None:
                sys.exit("server exited: " + proc.stderr.read().decode()[-2000:])
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=args.timeout)
                status, _ = post(conn, src[0])
                conn.close()
                if status == 200:
                    cold = time.perf_counter() - started
            except OSError:
                time.sleep(0.05)
            if time.perf_counter() - started > 300:
                sys.exit("server did not answer within 300 s")
        latencies, errors, wall = load(port, src, args.clients, args.timeout)
        memory = server_memory_mb(proc.pid)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=args.timeout)
        conn.request("GET", "/health")
        health = json.loads(conn.getresponse().read())
        conn.close()
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    cli_rate = len(src) / cli_seconds
    rate = len(src) / wall
    q = statistics.quantiles(latencies, n=20)
    print(table(
        ["run", "sentences/s", "× CLI warm", "p50 latency ms", "p95 latency ms", "errors",
         "peak memory MB", "cold start to first answer s", "texts per engine call"],
        [["CLI, warm (one translate_segments call)", cli_rate, 1.0, "—", "—", 0, cli_rss, "—",
          len(src)],
         [f"server, {args.clients} clients", rate, rate / cli_rate,
          statistics.median(latencies) * 1000, q[18] * 1000, errors, memory, cold,
          health["translated"] / max(1, health["batches"])]], digits=2))
    print()
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
