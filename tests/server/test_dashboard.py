"""The dashboard over HTTP (TestClient): sign-in by cookie, CSRF, every page, starting a run, lineage, evals."""

from __future__ import annotations

import re
import shutil
import time

from server.dashboard.lineage import graph
from tests.server.conftest import bearer


def _csrf(html: str) -> str:
    return re.search(r'<meta name="csrf-token" content="([0-9a-f]+)">', html).group(1)


def _login(client, token: str) -> None:
    response = client.post("/dashboard/login", data={"key": token, "next": "/dashboard/lab"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/dashboard/lab"


def test_sign_in_keeps_the_key_in_an_http_only_strict_cookie(client, tokens):
    page = client.get("/dashboard/runs", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/dashboard/login?next=/dashboard/runs"
    assert client.get("/dashboard/runs/abc/status").status_code == 401
    bad = client.post("/dashboard/login", data={"key": "ech0_wrong", "next": "/dashboard/runs"})
    assert bad.status_code == 401 and "not valid" in bad.text
    response = client.post("/dashboard/login", data={"key": tokens["read"], "next": "https://evil.example/"},
                           follow_redirects=False)  # fmt: skip
    assert response.headers["location"] == "/dashboard/runs"  # never off-site
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/dashboard" in cookie
    assert tokens["read"] not in response.headers["location"]
    runs = client.get("/dashboard/runs")
    assert runs.status_code == 200 and "Research runs" in runs.text
    assert "default-src 'self'" in runs.headers["content-security-policy"] and tokens["read"] not in runs.text
    assert 'name="request"' not in runs.text  # a read key cannot start runs: no form
    assert client.post("/dashboard/logout", data={}).status_code == 403  # no CSRF token
    out = client.post("/dashboard/logout", data={"csrf": _csrf(runs.text)}, follow_redirects=False)
    assert out.status_code == 303 and 'ech0_key=""' in out.headers["set-cookie"]
    client.cookies.clear()
    assert client.get("/dashboard/lab", headers=bearer(tokens["read"])).status_code == 200  # or a Bearer header
    assert client.get("/dashboard/static/dashboard.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/dashboard/static/..%2Fauth.py").status_code == 404


def test_start_a_run_from_the_page_and_follow_it(client, tokens):
    _login(client, tokens["run"])
    page = client.get("/dashboard/runs")
    assert 'name="request"' in page.text
    request = "How many rings does c1ccc2ccccc2c1 have? What is known about metformin?"
    assert client.post("/dashboard/runs", data={"request": request}).status_code == 403  # CSRF
    started = client.post("/dashboard/runs", data={"request": request, "model": "ech0", "csrf": _csrf(page.text)},
                          follow_redirects=False)  # fmt: skip
    assert started.status_code == 303
    run_id = started.headers["location"].rsplit("/", 1)[1]
    deadline = time.monotonic() + 60
    while client.get(f"/dashboard/runs/{run_id}/status").json()["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, "the run did not finish"
        time.sleep(0.2)
    view = client.get(f"/dashboard/runs/{run_id}")
    assert view.status_code == 200 and 'id="answer">2<' in view.text
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="lineage"' in view.text
    assert 'data-id="cite:drugcentral:1725"' in view.text and "/dashboard/compounds/drugcentral:1725" in view.text
    assert "<h2>Report</h2>" in view.text and "<table>" in view.text
    assert client.get("/dashboard/runs/nope").status_code == 404
    runs = client.get("/dashboard/runs").text
    assert f"/dashboard/runs/{run_id}" in runs
    lab = client.get("/dashboard/lab").text
    assert "chemistry.rings" in lab and "exp-" in lab


def test_lineage_links_each_citation_to_the_step_that_produced_it():
    run = {
        "run_id": "r1",
        "request": "metformin?",
        "steps": [{"step_id": "s1", "tool": "compound_lookup", "ok": True, "args": {}},
                  {"step_id": "s2", "tool": "literature_search", "ok": False, "args": {}, "error": "boom"}],
        "report": {"citations": [{"kind": "compound", "id": "drugcentral:1725", "title": "metformin"},
                                 {"kind": "document", "id": "scifact:1", "title": "<b>paper</b>"}]},
    }  # fmt: skip
    g = graph(run, {"s1": {"key": "drugcentral:1725"}, "s2": None})
    edges = {(e["source"], e["target"]) for e in g["edges"]}
    assert ("step:s1", "cite:drugcentral:1725") in edges and ("request", "cite:scifact:1") in edges
    from server.dashboard.lineage import svg

    drawn = svg(run, {"s1": {"key": "drugcentral:1725"}})
    assert "&lt;b&gt;paper&lt;/b&gt;" in drawn and "<b>" not in drawn


def test_schedules_evals_and_compound_pages(client, tokens, runtime):
    from evals.harness import SuiteContext, run_suite
    from evals.suites import DEV_SUITES

    run = bearer(tokens["run"])
    body = {"name": "dash", "program": "Metformin", "every": "1h", "questions": ["What is the logP of metformin?"]}
    assert client.post("/v1/schedules", json=body, headers=run).status_code == 201
    _login(client, tokens["run"])
    schedules = client.get("/dashboard/schedules")
    assert "/dashboard/schedules/dash" in schedules.text and "Run now" in schedules.text
    assert client.post("/dashboard/schedules/dash/run", data={"csrf": _csrf(schedules.text)},
                       follow_redirects=False).status_code == 303  # fmt: skip
    deadline = time.monotonic() + 60
    heading = "<h1>Discovery loop <code>dash</code> — iteration 1</h1>"
    while heading not in (page := client.get("/dashboard/schedules/dash")).text:
        assert time.monotonic() < deadline, "the iteration did not finish"
        time.sleep(0.3)
    assert 'class="status done"' in page.text
    assert client.get("/dashboard/schedules/nope").status_code == 404

    evals_root = runtime.settings.data_dir / "evals"
    cases = DEV_SUITES["chemqa"].read_text().splitlines()[:3]
    path = runtime.settings.data_dir.parent / f"chemqa-{time.time_ns()}.jsonl"
    path.write_text("\n".join(cases) + "\n")
    ctx = SuiteContext(ask=lambda r: runtime.research.ask(r))
    earlier, result = run_suite("chemqa", path, evals_root, ctx), run_suite("chemqa", path, evals_root, ctx)
    try:
        listing = client.get("/dashboard/evals").text
        assert f"/dashboard/evals/{result.run_id}" in listing
        assert "/dashboard/evals/trend.png?suite=chemqa&amp;metric=accuracy" in listing
        trend = client.get("/dashboard/evals/trend.png", params={"suite": "chemqa", "metric": "accuracy"})
        assert trend.status_code == 200 and trend.content[:4] == b"\x89PNG"
        assert client.get("/dashboard/evals/trend.png", params={"suite": "chemqa", "metric": "nope"}).status_code == 404
        page = client.get(f"/dashboard/evals/{result.run_id}").text
        assert "accuracy" in page and f"/dashboard/evals/{result.run_id}/files/accuracy_by_type.png" in page
        png = client.get(f"/dashboard/evals/{result.run_id}/files/accuracy_by_type.png")
        assert png.status_code == 200 and png.content[:4] == b"\x89PNG"
        for bad in ("..%2F..%2Fech0.db", "result.json", "x.png"):
            assert client.get(f"/dashboard/evals/{result.run_id}/files/{bad}").status_code == 404
        assert client.get("/dashboard/evals/a..b").status_code == 404
        assert client.get("/dashboard/evals/%2E%2E").status_code == 404
    finally:
        for run_id in (earlier.run_id, result.run_id):
            shutil.rmtree(evals_root / run_id, ignore_errors=True)
        path.unlink()

    compound = client.get("/dashboard/compounds", params={"q": "metformin"})
    assert compound.status_code == 200 and "drugcentral:1725" in compound.text
    assert "data:image/svg+xml;base64," in compound.text and "molecular_weight" in compound.text
    assert client.get("/dashboard/compounds/drugcentral:1725").status_code == 200
    missing = client.get("/dashboard/compounds", params={"q": "foobarin"})
    assert missing.status_code == 404 and "foobarin" in missing.text
