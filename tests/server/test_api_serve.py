"""`ech0 serve` as a process: uvicorn's factory, several workers, one shared database of keys and jobs."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx

from server.keys import KeyStore


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_with_two_workers(tmp_path):
    port = _free_port()
    # Several workers need an index server (the embedded index opens in one process); these requests use none.
    env = {
        **os.environ,
        "ECH0_DATA_DIR": str(tmp_path),
        "HF_HUB_OFFLINE": "1",
        "ECH0_KNOWLEDGE__INDEX_BACKEND": "qdrant",
        "ECH0_KNOWLEDGE__QDRANT_URL": "http://127.0.0.1:9",
        "ECH0_SERVER__PRELOAD": "false",  # nor a model: each worker would load one for nothing
    }
    command = [sys.executable, "-m", "server.cli", "serve", "--port", str(port), "--workers", "2"]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise AssertionError("ech0 serve did not answer /healthz")
        assert httpx.get(f"{url}/v1/models").status_code == 401
        token = KeyStore(f"sqlite:///{tmp_path / 'ech0.db'}").create("ci", "read")[0]  # keys live in the database
        for _ in range(4):  # whichever worker answers knows the key
            assert httpx.get(f"{url}/v1/models", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    finally:
        proc.terminate()
        try:
            output = proc.communicate(timeout=20)[0]
        except subprocess.TimeoutExpired:
            proc.kill()
            output = proc.communicate()[0]
    assert "no API keys yet" in output and "Traceback" not in output


def test_several_workers_on_the_embedded_index_is_a_clear_error(tmp_path, monkeypatch, capsys):
    from server.cli import main

    monkeypatch.setenv("ECH0_DATA_DIR", str(tmp_path))
    assert main(["serve", "--workers", "2"]) == 1
    err = capsys.readouterr().err
    assert "embedded index opens in one process only" in err and err.count("\n") == 1
