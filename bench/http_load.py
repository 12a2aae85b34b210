"""A real server in a child process and a bounded load generator that talks to 127.0.0.1 only.

Any response other than 200 is an error: the benchmark stops and says which request failed.
"""

from __future__ import annotations

import itertools
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

HOST = "127.0.0.1"
START_TIMEOUT_S = 600  # the server may have to build its index first
MAX_REQUESTS = 2_000  # upper bound on any one load run, whatever the caller asks
MAX_SECONDS = 120.0


class BenchmarkError(RuntimeError):
    """An error response or a server that did not start: the figures would be wrong, so nothing is reported."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(env: dict[str, str], log_path: Path) -> Iterator[tuple[str, int]]:
    """`assistant serve --no-ui` on a free loopback port; yields (base URL, pid) once /readyz answers 200."""
    port = _free_port()
    settings = {**os.environ, **env, "POLICYQA_HOST": HOST, "POLICYQA_PORT": str(port),
                "POLICYQA_RATE_LIMIT_PER_MINUTE": "0", "POLICYQA_API_KEYS": "[]"}
    with open(log_path, "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--no-ui"], env=settings,
                                   stdout=log, stderr=subprocess.STDOUT)
    url = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise BenchmarkError(f"server exited with {process.returncode}; see {log_path}")
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise BenchmarkError(f"server not ready after {START_TIMEOUT_S} s; see {log_path}")
            time.sleep(0.5)
        yield url, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def ask_once(client: httpx.Client, url: str, question: str) -> float:
    started = time.perf_counter()
    response = client.post(f"{url}/v1/ask", json={"question": question}, timeout=60)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise BenchmarkError(f"POST /v1/ask answered {response.status_code}: {response.text[:300]}")
    return elapsed


_ASKED = itertools.count()  # requests sent by this process: no question text is sent twice


def distinct_question(questions: list[str], number: int) -> str:
    """The evaluation questions in turn, marked with the round, so the server never sees the same text twice
    (nor one timed before the load runs): its per-text caches would flatter the figures."""
    return f"{questions[number % len(questions)]}（第{number // len(questions) + 1}遍）"


def load(url: str, questions: list[str], clients: int, requests: int) -> dict:
    """`clients` threads sharing `requests` questions, each sending its share in turn; bounded by MAX_REQUESTS
    and MAX_SECONDS. Every run sends as many requests, so the one-client run a gain is measured against is as
    steady as the runs set against it. Returns throughput, latencies and the error count (the run raises on the
    first error)."""
    if not url.startswith(f"http://{HOST}:"):
        raise BenchmarkError("the load generator only talks to 127.0.0.1")
    per_client = max(1, min(requests, MAX_REQUESTS) // clients)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + MAX_SECONDS

    def worker() -> None:
        with httpx.Client() as client:
            for _ in range(per_client):
                if time.monotonic() > deadline or errors:
                    return
                try:
                    elapsed = ask_once(client, url, distinct_question(questions, next(_ASKED)))
                except (BenchmarkError, httpx.HTTPError) as error:
                    with lock:
                        errors.append(str(error))
                    return
                with lock:
                    latencies.append(elapsed)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if errors:
        raise BenchmarkError(f"{len(errors)} failed request(s) with {clients} clients: {errors[0]}")
    return {"clients": clients, "requests": len(latencies), "seconds": round(wall, 2),
            "throughput_rps": round(len(latencies) / wall, 2), "latencies": latencies, "errors": 0}
