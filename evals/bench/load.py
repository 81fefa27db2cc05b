"""Load test of `ech0 serve` on loopback: N concurrent clients for T seconds; throughput, latency and errors.

It starts its own server as a subprocess (`ech0 serve` on a free 127.0.0.1 port, the rules backend, one
worker) over a temporary data directory with a fresh API key, and indexes a small literature corpus there
(the retrieval dev suite's 190 SciFact abstracts) unless `--index PATH` names an existing index to serve.
The per-key rate limit is raised for the run (the clients share one key); everything else is as configured.

Each client loops until the time is up over a fixed mix of what people and programs do: health checks, model
lists, literature searches, compound look-ups, chat completions (structure, property and literature
questions) and research jobs (submitted, then polled until they finish). Every HTTP request counts; a status
of 400 or more, a timeout or a dropped connection is an error. Latency is per request, from send to body.

    python -m evals.bench.load [--clients 20] [--seconds 60] [--index PATH] [--json]
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import typer

from evals.bench import print_result, script_app
from evals.harness.base import percentile
from knowledge.common.errors import Ech0Error

CORPUS = Path(__file__).resolve().parent.parent / "suites" / "retrieval" / "scifact-dev" / "corpus.jsonl"
SEARCHES = ["metformin cancer", "vitamin D fracture risk", "microRNA neuronal development", "statin myopathy",
            "tumour suppressor p53 mutations", "insulin resistance obesity"]  # fmt: skip
COMPOUNDS = ["metformin", "caffeine", "ibuprofen", "CC(=O)Oc1ccccc1C(=O)O", "imatinib", "paracetamol"]
QUESTIONS = ["How many rings does c1ccc2ccccc2c1 have?", "What is the molecular weight of caffeine?",
             "How many nitrogen atoms are in imatinib?", "What is the logP of ibuprofen?",
             "What does the literature say about metformin and cancer?"]  # fmt: skip
MIX = {"health": 1, "models": 1, "search": 3, "compound": 3, "chat": 3, "research": 1}
TIMEOUT_S = 30.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cli(args: list[str], env: dict[str, str], timeout: float = 900) -> str:
    done = subprocess.run([sys.executable, "-m", "server.cli", *args], env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)  # fmt: skip
    if done.returncode != 0:
        raise Ech0Error(f"`ech0 {' '.join(args)}` failed: {done.stderr.strip()[-500:]}")
    return done.stdout


def prepare(data_dir: Path, index: Path | None) -> tuple[dict[str, str], str]:
    """The server's environment and a run-scope key, with the literature index in place."""
    env = {**os.environ, "ECH0_DATA_DIR": str(data_dir), "ECH0_LLM__BACKEND": "rules",
           "ECH0_SERVER__RATE_LIMIT_PER_MINUTE": "1000000", "ECH0_SERVER__RUN_LOOPS": "false",
           "ECH0_SERVER__WORKERS": "1", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}  # fmt: skip
    env.pop("ECH0_DATABASE_URL", None)
    if index is not None:
        env["ECH0_KNOWLEDGE__INDEX_PATH"] = str(index)
    else:
        env["ECH0_KNOWLEDGE__CORPUS_PATH"] = str(CORPUS)
        _cli(["index", "build", "--if-absent"], env)
    key = json.loads(_cli(["keys", "create", "load", "--scope", "run", "--json"], env))["key"]
    return env, key


class Server:
    """`ech0 serve` as a subprocess on a loopback port; its log goes to a file in the data directory."""

    def __init__(self, env: dict[str, str], data_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = (data_dir / "serve.log").open("w")
        command = [sys.executable, "-m", "server.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        self.process = subprocess.Popen(command, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 120) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise Ech0Error(f"`ech0 serve` exited with {self.process.returncode}: see {self.log.name}")
            with contextlib.suppress(httpx.HTTPError):  # not listening yet
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            time.sleep(0.3)
        raise Ech0Error(f"`ech0 serve` did not answer /healthz within {timeout:.0f} s: see {self.log.name}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        self.log.close()


class Recorder:
    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.error_samples: list[str] = []

    def add(self, kind: str, seconds: float, problem: str | None) -> None:
        self.samples[kind].append(seconds)
        if problem:
            self.errors[kind] += 1
            if len(self.error_samples) < 10:
                self.error_samples.append(f"{kind}: {problem}")


async def _call(client, recorder: Recorder, kind: str, method: str, path: str, **kwargs) -> dict | None:
    import httpx

    started = time.perf_counter()
    try:
        response = await client.request(method, path, **kwargs)
        problem = None if response.status_code < 400 else f"HTTP {response.status_code} {response.text[:160]}"
        body = response.json() if response.headers.get("content-type", "").startswith("application/json") else None
    except (httpx.HTTPError, ValueError) as exc:
        problem, body = f"{type(exc).__name__}: {exc}"[:200], None
    recorder.add(kind, time.perf_counter() - started, problem)
    return body if problem is None else None


async def _action(client, recorder: Recorder, rng: random.Random, kind: str, deadline: float) -> None:
    if kind == "health":
        await _call(client, recorder, kind, "GET", "/healthz")
    elif kind == "models":
        await _call(client, recorder, kind, "GET", "/v1/models")
    elif kind == "search":
        await _call(client, recorder, kind, "GET", "/v1/search", params={"q": rng.choice(SEARCHES), "k": 5})
    elif kind == "compound":
        await _call(client, recorder, kind, "GET", f"/v1/compounds/{rng.choice(COMPOUNDS)}")
    elif kind == "chat":
        body = {"model": "ech0", "messages": [{"role": "user", "content": rng.choice(QUESTIONS)}]}
        await _call(client, recorder, kind, "POST", "/v1/chat/completions", json=body)
    else:
        job = await _call(client, recorder, "research", "POST", "/v1/research", json={"request": rng.choice(QUESTIONS)})
        while job is not None and job.get("status") in ("queued", "running") and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
            job = await _call(client, recorder, "research_poll", "GET", f"/v1/research/{job['id']}")


async def _client(url: str, key: str, seed: int, deadline: float, recorder: Recorder) -> None:
    import httpx

    rng = random.Random(seed)
    kinds, weights = list(MIX), list(MIX.values())
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=TIMEOUT_S) as client:
        while time.monotonic() < deadline:
            await _action(client, recorder, rng, rng.choices(kinds, weights)[0], deadline)


def summarize(recorder: Recorder, clients: int, seconds: float, wall: float) -> dict[str, Any]:
    every = [s for samples in recorder.samples.values() for s in samples]
    by_kind = {kind: {"requests": len(s), "errors": recorder.errors.get(kind, 0), "p50_s": percentile(s, 0.5),
                      "p95_s": percentile(s, 0.95)} for kind, s in sorted(recorder.samples.items())}  # fmt: skip
    return {
        "clients": clients, "seconds": seconds, "wall_s": round(wall, 2), "requests": len(every),
        "throughput_rps": round(len(every) / wall, 2) if wall else 0.0, "errors": sum(recorder.errors.values()),
        "p50_s": percentile(every, 0.5), "p95_s": percentile(every, 0.95), "p99_s": percentile(every, 0.99),
        "max_s": round(max(every), 4) if every else None, "by_kind": by_kind,
        "error_samples": recorder.error_samples, "backend": "rules", "server_workers": 1,
        "cpu_count": os.cpu_count(),
    }  # fmt: skip


async def _drive(url: str, key: str, clients: int, seconds: float) -> tuple[Recorder, float]:
    import httpx

    recorder = Recorder()
    warm = Recorder()  # one of each first: model loading is not what this measures
    deadline = time.monotonic() + 120
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=120) as client:
        for i, kind in enumerate(MIX):
            await _action(client, warm, random.Random(i), kind, deadline)
    if warm.errors:
        raise Ech0Error(f"warm-up requests failed: {'; '.join(warm.error_samples)}")
    started = time.monotonic()
    deadline = started + seconds
    await asyncio.gather(*(_client(url, key, seed, deadline, recorder) for seed in range(clients)))
    return recorder, time.monotonic() - started


def run(clients: int = 20, seconds: float = 60, index: Path | None = None, keep: bool = False) -> dict[str, Any]:
    if clients < 1 or seconds <= 0:
        raise Ech0Error("give at least one client and a positive duration")
    if index is not None and not index.is_dir():
        raise Ech0Error(f"no index at {index}: give the folder of an embedded index (DATA_DIR/index/literature)")
    data_dir = Path(tempfile.mkdtemp(prefix="ech0-load-"))
    try:
        env, key = prepare(data_dir, index)
        server = Server(env, data_dir)
        try:
            server.wait_ready()
            recorder, wall = asyncio.run(_drive(server.url, key, clients, seconds))
        finally:
            server.stop()
        return summarize(recorder, clients, seconds, wall) | {"data_dir": str(data_dir) if keep else None}
    finally:
        if not keep:
            shutil.rmtree(data_dir, ignore_errors=True)


def render(result: dict[str, Any]) -> str:
    lines = [f"{result['clients']} clients for {result['seconds']:.0f} s against ech0 serve (rules backend, "
             f"1 worker, {result['cpu_count']} cores): {result['requests']:,} requests, "
             f"{result['throughput_rps']} req/s, {result['errors']} errors",
             f"latency p50 {result['p50_s']} s, p95 {result['p95_s']} s, p99 {result['p99_s']} s, "
             f"max {result['max_s']} s",
             f"{'kind':<14} {'requests':>9} {'errors':>7} {'p50 s':>8} {'p95 s':>8}"]  # fmt: skip
    for kind, k in result["by_kind"].items():
        lines.append(f"{kind:<14} {k['requests']:>9} {k['errors']:>7} {k['p50_s']:>8} {k['p95_s']:>8}")
    lines += [f"  error: {e}" for e in result["error_samples"]]
    return "\n".join(lines)


app = script_app()


@app.command(help=__doc__.splitlines()[0])
def main(
    clients: int = typer.Option(20, "--clients", help="concurrent clients"),
    seconds: float = typer.Option(60, "--seconds", help="how long the clients run"),
    index: Path | None = typer.Option(None, "--index", help="serve this embedded index instead of a small one"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    result = run(clients, seconds, index)
    print_result(result, as_json, render, indent=2)


if __name__ == "__main__":
    app()
