"""ECH0's `openai` backend end to end against a real OpenAI-compatible server: llama-cpp-python's server on a
loopback port, serving the shipped SmolLM2-135M-Instruct GGUF. Opt-in (`make test-llm` installs the server).

What a 135M model can honestly deliver: it answers the endpoint check and the run completes with a cited report.
Its tool calls are often not the ones a bigger model would make; the rules planner adds the steps a
single-value question needs (agents/llm_backend.py), and the writer's claims are kept only when their numbers and
citations check out (dropped ones are named in the report's notes). The test prints which steps the model planned
and which the rules added, what it wrote and what was dropped.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from server.cli import main

pytestmark = pytest.mark.llm

MODEL = "smollm2"
QUESTION = "What is the molecular weight of metformin?"
START_WAIT_S = 300  # first start on a busy 2-core machine: load the GGUF, warm up


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _log_tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory):
    """llama-cpp-python's OpenAI-compatible server on a free loopback port; stopped after the module."""
    try:
        import llama_cpp.server  # noqa: F401
    except ImportError:
        pytest.fail("llama-cpp-python[server] is not installed: run `make test-llm`, which installs it")
    from finetune.training.smollm2 import smollm2_gguf_path

    port = _free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    command = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(smollm2_gguf_path()), "--model_alias", MODEL,
        "--host", "127.0.0.1", "--port", str(port),
        # SmolLM2 speaks ChatML; this format adds OpenAI tool calling, grammar-constrained, on top of it
        "--chat_format", "chatml-function-calling",
        "--n_ctx", "8192", "--n_threads", "2",
    ]  # fmt: skip
    with log.open("wb") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + START_WAIT_S
        while True:
            assert server.poll() is None, f"llama server exited with {server.returncode}:\n{_log_tail(log)}"
            try:
                if httpx.get(f"{base_url}/models", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass  # not listening yet
            assert time.monotonic() < deadline, f"llama server not up in {START_WAIT_S} s:\n{_log_tail(log)}"
            time.sleep(0.5)
        yield base_url, log
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)


@pytest.fixture
def openai_env(llama_server, built_data_dir, tmp_path, monkeypatch):
    from tests.conftest import MINI_CORPUS

    base_url, _log = llama_server
    monkeypatch.setenv("ECH0_DATA_DIR", str(built_data_dir))
    monkeypatch.setenv("ECH0_DATABASE_URL", f"sqlite:///{tmp_path / 'llm.db'}")
    monkeypatch.setenv("ECH0_KNOWLEDGE__CORPUS_PATH", str(MINI_CORPUS))
    monkeypatch.setenv("ECH0_LLM__BACKEND", "openai")
    monkeypatch.setenv("ECH0_LLM__FALLBACK_TO_RULES", "false")
    monkeypatch.setenv("ECH0_LLM__BASE_URL", base_url)
    monkeypatch.setenv("ECH0_LLM__MODEL", MODEL)
    monkeypatch.setenv("ECH0_LLM__TIMEOUT_S", "300")
    return base_url


def test_llm_check_and_ask_against_llama_cpp_server(openai_env, llama_server, tmp_path, capsys):
    from agents.store import RunStore

    base_url, log = llama_server
    assert main(["llm", "check", "--base-url", base_url, "--model", MODEL, "--json"]) == 0, _log_tail(log)
    check = json.loads(capsys.readouterr().out)
    assert check["endpoint"] == base_url and check["model_served"] is True

    code = main(["ask", QUESTION, "--json"])
    captured = capsys.readouterr()
    assert code == 0, f"ech0 ask failed: {captured.err[-2000:]}\nllama server log:\n{_log_tail(log)}"
    result = json.loads(captured.out)
    assert result["status"] == "done" and result["report_markdown"].startswith("# ECH0 research report")
    assert result["answer"] == 129.17  # computed by the tool the step ran, never taken from the model's text

    run = RunStore(f"sqlite:///{tmp_path / 'llm.db'}").get_run(result["run_id"])
    assert run is not None and run["backend"] == "openai" and run["steps"]
    by_llm = [s for s in run["plan"] if s["purpose"] == "openai planner"]
    by_rules = [s for s in run["plan"] if s["purpose"] != "openai planner"]
    assert {s["step_id"] for s in run["steps"]} <= {s["id"] for s in run["plan"]}
    assert any(s["tool"] == "compute_properties" for s in run["plan"])  # by the model, or added by the rules
    summary = {
        "llm_check": {k: check[k] for k in ("model_served", "tool_calling", "tool_call")},
        "planned_by_llm": [(s["tool"], s["args"]) for s in by_llm],
        "added_by_rules": [(s["tool"], s["args"]) for s in by_rules],
        "claims_kept": [c["text"] for c in result["claims"]],
        "notes": result["notes"],
        "answer": result["answer"],
    }
    print("\nllama-cpp end-to-end:", json.dumps(summary, indent=2, ensure_ascii=False))


def test_chat_api_reports_the_servers_usage_for_the_openai_profile(llama_server, runtime):
    from fastapi.testclient import TestClient

    from tests.server.conftest import bearer, make_app

    base_url, log = llama_server
    runtime.settings.llm = runtime.settings.llm.model_copy(
        update={"backend": "openai", "base_url": base_url, "model": MODEL, "fallback_to_rules": False, "timeout_s": 300}
    )
    app = make_app(runtime, run_loops=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        token = app.state.keys.create("llm-test", "run")[0]
        body = {"model": "ech0-openai", "messages": [{"role": "user", "content": QUESTION}], "max_tokens": 30}
        response = client.post("/v1/chat/completions", json=body, headers=bearer(token))
    assert response.status_code == 200, f"{response.text}\nllama server log:\n{_log_tail(log)}"
    data = response.json()
    usage, basis = data["usage"], data["usage_basis"]
    # llama.cpp reports usage on every call: the figures are its own, summed over planning and writing.
    assert basis["source"] == "upstream" and basis["reported_calls"] == basis["llm_calls"] >= 1
    assert usage["prompt_tokens"] > 100 and usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert data["choices"][0]["finish_reason"] == "length" and data["truncated"]["by"] == "max_tokens"
    print("\nchat API usage from llama.cpp:", json.dumps({"usage": usage, "usage_basis": basis}))
