"""Schemathesis against the app's own OpenAPI schema (ASGI, in-process): no request it generates gets a 5xx.

Bounded: a few examples per operation, derandomized, so it runs in about half a minute. A longer run is
`ECH0_FUZZ_EXAMPLES=100 pytest tests/server/test_schemathesis.py`.
"""

from __future__ import annotations

import os

import pytest

EXAMPLES = int(os.environ.get("ECH0_FUZZ_EXAMPLES", "4"))
# schemathesis draws from `random` inside its strategies; hypothesis warns about it (not our code)
pytestmark = pytest.mark.filterwarnings("ignore:Do not use the `random` module inside strategies")


def test_no_server_errors_on_generated_requests(app, tokens):
    schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed (the dev extra)")
    from hypothesis import HealthCheck, given, settings

    auth = {"Authorization": f"Bearer {tokens['admin']}"}
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, headers=auth)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30  # every router is in the schema (the dashboard is not: it serves HTML)
    failures: list[str] = []
    calls = {"n": 0}
    config = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck))  # fmt: skip

    def checker(operation):
        @config
        @given(case=operation.as_strategy())
        def check(case):
            response = case.call(headers=auth)
            calls["n"] += 1
            if response.status_code >= 500:
                failures.append(f"{operation.method.upper()} {operation.path}: {response.status_code} "
                                f"{response.text[:200]} ← {case.as_curl_command()[:300]}")  # fmt: skip

        return check

    try:
        for operation in operations:
            checker(operation)()
    finally:
        app.state.jobs.shutdown()  # research jobs the fuzzing queued must not outlive the test
        app.state.loop_runner.shutdown(wait=False, cancel_futures=True)
    assert not failures, "\n".join(failures[:20])
    assert calls["n"] >= len(operations)
    print(f"schemathesis: {calls['n']} requests over {len(operations)} operations, 0 server errors")
