"""A stand-in for the Hugging Face Hub, served over real HTTP on 127.0.0.1 in a thread, so that `HfApi(endpoint=…)`
runs its own request code unchanged. It records every request and implements the four calls a folder upload makes:
repo creation, the card's YAML validation, pre-upload (every file "regular": its bytes travel inside the commit) and
the commit itself (NDJSON), keeping each repo's files."""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import yaml


@dataclass
class Request:
    method: str
    path: str
    authorization: str | None
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class StubHub:
    token: str = "hf_stub_write_token"
    requests: list[Request] = field(default_factory=list)
    repos: dict[str, dict[str, Any]] = field(default_factory=dict)  # repo id → {"body": create body, "files": {}}
    yaml_errors: list[str] = field(default_factory=list)  # set to make /api/validate-yaml refuse the card

    def answer(self, request: Request) -> tuple[int, dict[str, Any]]:
        self.requests.append(request)
        if request.authorization != f"Bearer {self.token}":
            return 401, {"error": "Invalid credentials in Authorization header"}
        if request.method == "POST" and request.path == "/api/repos/create":
            return self._create(request.json())
        if request.method == "POST" and request.path == "/api/validate-yaml":
            return self._validate(request.json()["content"])
        parts = request.path.strip("/").split("/")
        if request.method == "POST" and len(parts) == 6 and parts[:2] == ["api", "datasets"]:
            repo_id, action = f"{parts[2]}/{parts[3]}", parts[4]
            if repo_id not in self.repos:
                return 404, {"error": f"Repository {repo_id} not found"}
            if action == "preupload":
                paths = [f["path"] for f in request.json()["files"]]
                return 200, {"files": [{"path": p, "uploadMode": "regular", "shouldIgnore": False} for p in paths]}
            if action == "commit":
                return self._commit(repo_id, request.body)
        return 404, {"error": f"the stub Hub has no route for {request.method} {request.path}"}

    def _create(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        repo_id = f"{body['organization']}/{body['name']}"
        url = f"{self.url}/datasets/{repo_id}"
        if repo_id in self.repos:
            return 409, {"error": "You already created this dataset repo", "url": url}
        self.repos[repo_id] = {"body": body, "files": {}}
        return 200, {"url": url}

    def _validate(self, content: str) -> tuple[int, dict[str, Any]]:
        errors = list(self.yaml_errors)
        _, header, _ = content.split("---\n", 2)
        if not isinstance(yaml.safe_load(header), dict):
            errors.append("the YAML header is not a mapping")
        if errors:
            return 400, {"errors": [{"message": message} for message in errors]}
        return 200, {"errors": [], "warnings": []}

    def _commit(self, repo_id: str, body: bytes) -> tuple[int, dict[str, Any]]:
        for line in body.decode().splitlines():
            entry = json.loads(line)
            if entry["key"] == "file":
                value = entry["value"]
                self.repos[repo_id]["files"][value["path"]] = base64.b64decode(value["content"])
        oid = "0" * 40
        return 200, {"commitUrl": f"{self.url}/datasets/{repo_id}/commit/{oid}", "commitOid": oid}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def start(self) -> StubHub:
        hub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                return None  # quiet: the requests are recorded on the hub

            def _body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() != "chunked":
                    return self.rfile.read(int(self.headers.get("Content-Length") or 0))
                chunks = []
                while size := int(self.rfile.readline().strip(), 16):
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
                self.rfile.readline()
                return b"".join(chunks)

            def _serve(self) -> None:
                request = Request(self.command, self.path, self.headers.get("Authorization"), self._body())
                status, payload = hub.answer(request)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _serve

        # The socket listens once the server is constructed: requests queue until the thread serves them.
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def calls(self) -> list[tuple[str, str]]:
        return [(r.method, r.path) for r in self.requests]
