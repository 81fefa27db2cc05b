"""OpenAI-compatible chat: shapes, streaming, errors, and the official `openai` client against a live server."""

from __future__ import annotations

import json

import httpx
import pytest

from server.api.chat import ChatMessage, compose_request
from tests.server.conftest import bearer

QUESTION = "What is known about metformin and cancer?"


def _chat(client, token, content=QUESTION, **extra):
    body = {"model": "ech0", "messages": [{"role": "user", "content": content}], **extra}
    return client.post("/v1/chat/completions", json=body, headers=bearer(token))


def _events(response) -> list[str]:
    return [line.removeprefix("data: ") for line in response.text.split("\n\n") if line.startswith("data: ")]


def test_models_list_the_profiles(client, tokens):
    data = client.get("/v1/models", headers=bearer(tokens["read"])).json()
    assert data["object"] == "list" and [m["id"] for m in data["data"]][:2] == ["ech0", "ech0-rules"]
    assert client.get("/v1/models/ech0-rules", headers=bearer(tokens["read"])).json()["id"] == "ech0-rules"


def test_chat_completion_is_a_cited_report(client, tokens):
    response = _chat(client, tokens["run"], temperature=0.2, max_tokens=50, user="u1")
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["object"] == "chat.completion" and data["model"] == "ech0"
    choice = data["choices"][0]
    assert choice["finish_reason"] == "stop" and choice["message"]["role"] == "assistant"
    citations = data["citations"]
    assert citations and all({"kind", "id", "title"} <= set(c) for c in citations)
    assert any(c["id"] in choice["message"]["content"] for c in citations)
    assert data["id"] == f"chatcmpl-{data['run_id']}"


def test_chat_stream_sends_role_content_stop_and_done(client, tokens):
    response = _chat(client, tokens["run"], stream=True)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
    events = _events(response)
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert all(c["object"] == "chat.completion.chunk" and len({c["id"] for c in chunks}) == 1 for c in chunks)
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop" and chunks[-1]["citations"]
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks)
    assert "metformin" in text.lower() and any(c["id"] in text for c in chunks[-1]["citations"])


def test_profiles_and_unknown_model(client, tokens):
    body = {"model": "ech0-rules", "messages": [{"role": "user", "content": "How many rings are in c1ccc2ccccc2c1?"}]}
    response = client.post("/v1/chat/completions", json=body, headers=bearer(tokens["run"]))
    assert "**Answer:** 2" in response.json()["choices"][0]["message"]["content"]
    body["model"] = "gpt-4o"
    response = client.post("/v1/chat/completions", json=body, headers=bearer(tokens["run"]))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "model_not_found" and response.json()["error"]["param"] == "model"


@pytest.mark.parametrize("stream", [False, True])
def test_bad_requests_get_4xx_even_when_streaming(client, tokens, stream):
    response = _chat(client, tokens["run"], "What is the logP of C1CC(=O?", stream=stream)
    assert response.status_code == 422 and "invalid SMILES" in response.json()["error"]["message"]
    response = _chat(client, tokens["run"], "compute the logP of foobarin", stream=stream)
    assert response.status_code == 404 and "foobarin" in response.json()["error"]["message"]
    body = {"model": "ech0", "messages": [{"role": "system", "content": "be brief"}], "stream": stream}
    response = client.post("/v1/chat/completions", json=body, headers=bearer(tokens["run"]))
    assert response.status_code == 400 and "no user message" in response.json()["error"]["message"]
    assert _chat(client, tokens["run"], n=2, stream=stream).status_code == 422


def test_earlier_user_turns_become_context():
    messages = [
        ChatMessage(role="system", content="You are terse."),
        ChatMessage(role="user", content="What is known about metformin?"),
        ChatMessage(role="assistant", content="Metformin is …"),
        ChatMessage(role="user", content=[{"type": "text", "text": "And its logP?"}]),
    ]
    assert compose_request(messages, 8000) == "What is known about metformin?\nAnd its logP?"
    assert compose_request(messages[-1:], 8000) == "And its logP?"
    turns = [ChatMessage(role="user", content=text) for text in ("a" * 600, "b" * 600, "c" * 300, "d")]
    assert compose_request(turns, 8000) == f"{'b' * 600}\n{'c' * 300}\nd"  # the most recent that fit
    request = compose_request([ChatMessage(role="user", content="a" * 5000), turns[-1]], 8000)
    assert request.startswith("…a") and request.endswith("a\nd") and len(request.rsplit("\n", 1)[0]) <= 1000


def test_follow_up_uses_the_compound_from_the_earlier_turn(client, tokens):
    body = {
        "model": "ech0",
        "messages": [
            {"role": "user", "content": "What is known about metformin?"},
            {"role": "assistant", "content": "…"},
            {"role": "user", "content": "And its logP?"},
        ],
    }
    data = client.post("/v1/chat/completions", json=body, headers=bearer(tokens["run"])).json()
    assert "| logP (Crippen) | -1.03 |" in data["choices"][0]["message"]["content"]
    assert "drugcentral:1725" in [c["id"] for c in data["citations"]]


def test_openai_client_gets_a_cited_answer_streaming_and_not(live_url, tokens):
    import openai

    with httpx.Client(timeout=60) as http:
        client = openai.OpenAI(base_url=f"{live_url}/v1", api_key=tokens["run"], http_client=http, max_retries=0)
        assert "ech0" in [m.id for m in client.models.list()]

        completion = client.chat.completions.create(model="ech0", messages=[{"role": "user", "content": QUESTION}])
        content = completion.choices[0].message.content
        citations = completion.model_extra["citations"]
        assert citations and any(c["id"] in content for c in citations)

        stream = client.chat.completions.create(
            model="ech0", messages=[{"role": "user", "content": QUESTION}], stream=True
        )
        chunks = list(stream)
        text = "".join(c.choices[0].delta.content or "" for c in chunks)
        assert chunks[-1].choices[0].finish_reason == "stop"
        # The same report, but for the run id it ends with.
        run_ids = completion.model_extra["run_id"], chunks[-1].model_extra["run_id"]
        assert text.replace(run_ids[1], "RUN") == content.replace(run_ids[0], "RUN")
        streamed_citations = chunks[-1].model_extra["citations"]
        assert [c["id"] for c in streamed_citations] == [c["id"] for c in citations]
        assert any(c["id"] in text for c in streamed_citations)

        with pytest.raises(openai.NotFoundError):
            client.chat.completions.create(model="nope", messages=[{"role": "user", "content": QUESTION}])
        bad = openai.OpenAI(base_url=f"{live_url}/v1", api_key="ech0_wrong", http_client=http, max_retries=0)
        with pytest.raises(openai.AuthenticationError):
            bad.models.list()


def test_a_client_leaving_mid_stream_does_not_stop_the_run(live_url, tokens, runtime, monkeypatch):
    import time

    from agents.research import Research
    from server.api import chat

    real = Research.ask

    def slow_ask(research, request, run_id=None):  # longer than the wait before the stream starts
        time.sleep(chat.FIRST_BYTES_WAIT_S + 0.5)
        return real(research, request, run_id)

    monkeypatch.setattr(Research, "ask", slow_ask)
    body = {
        "model": "ech0",
        "messages": [{"role": "user", "content": "How many rings are in c1ccccc1?"}],
        "stream": True,
    }
    with httpx.Client(timeout=30) as http:
        url = f"{live_url}/v1/chat/completions"
        with http.stream("POST", url, json=body, headers=bearer(tokens["run"])) as response:
            assert response.status_code == 200
            first = next(response.iter_lines())
        run_id = json.loads(first.removeprefix("data: "))["id"].removeprefix("chatcmpl-")
        deadline = time.monotonic() + 20
        while runtime.runs.get_run(run_id) is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert runtime.runs.get_run(run_id) is not None  # the run went on and was recorded
        assert http.get(f"{live_url}/healthz").status_code == 200
