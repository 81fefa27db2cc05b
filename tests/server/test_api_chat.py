"""OpenAI-compatible chat: shapes, streaming, errors, and the official `openai` client against a live server."""

from __future__ import annotations

import json

import httpx
import pytest

from server.api.chat_request import ChatMessage, compose_request
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
    # Sampling options are accepted; a max_tokens above the report's length leaves it whole.
    response = _chat(client, tokens["run"], temperature=0.2, max_tokens=100_000, user="u1")
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
    assert _chat(client, tokens["run"], n=2, stream=stream).status_code == 400  # refused, in OpenAI's shape


def test_earlier_user_turns_become_context():
    messages = [
        ChatMessage(role="system", content="You are terse."),
        ChatMessage(role="user", content="What is known about metformin?"),
        ChatMessage(role="assistant", content="Metformin is …"),
        ChatMessage(role="user", content=[{"type": "text", "text": "And its logP?"}]),
    ]
    conversation = compose_request(messages, 8000)
    assert (conversation.request, conversation.history) == ("And its logP?", ["What is known about metformin?"])
    assert compose_request(messages[-1:], 8000).history == []
    turns = [ChatMessage(role="user", content=text) for text in ("a" * 600, "b" * 600, "c" * 300, "d")]
    assert compose_request(turns, 8000).text() == f"{'b' * 600}\n{'c' * 300}\nd"  # the most recent that fit
    request = compose_request([ChatMessage(role="user", content="a" * 5000), turns[-1]], 8000).text()
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

    def slow_ask(research, request, run_id=None, **options):  # longer than the wait before the stream starts
        time.sleep(chat.FIRST_BYTES_WAIT_S + 0.5)
        return real(research, request, run_id, **options)

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


# --- usage, max_tokens, stop, stream_options and refusals -------------------------------------------------------

RINGS = "How many rings are in c1ccc2ccccc2c1?"


@pytest.fixture(scope="module")
def minilm():
    """Token count in the shipped MiniLM's WordPiece tokenizer, through transformers (not ECH0's counter)."""
    from transformers import AutoTokenizer

    from knowledge.embeddings import SHIPPED_MINILM, resolve_model_path

    tokenizer = AutoTokenizer.from_pretrained(resolve_model_path(SHIPPED_MINILM))
    return lambda text: len(tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"])


def _openai(live_url: str, token: str, http: httpx.Client):
    import openai

    return openai.OpenAI(base_url=f"{live_url}/v1", api_key=token, http_client=http, max_retries=0)


def _user(text: str = QUESTION) -> list[dict]:
    return [{"role": "system", "content": "Be terse."}, {"role": "user", "content": text}]


def test_usage_counts_the_request_and_the_answer_in_the_profiles_tokenizer(live_url, tokens, minilm):
    with httpx.Client(timeout=60) as http:
        client = _openai(live_url, tokens["run"], http)
        completion = client.chat.completions.create(model="ech0-rules", messages=_user())
        card = next(m for m in client.models.list() if m.id == "ech0-rules")
    usage, content = completion.usage, completion.choices[0].message.content
    assert usage.prompt_tokens == minilm(QUESTION)  # the research request; the system message is not passed on
    assert usage.completion_tokens == minilm(content) > 50
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    basis = completion.model_extra["usage_basis"]
    assert basis["source"] == "estimate" and "all-MiniLM-L6-v2 WordPiece" in basis["tokenizer"]
    assert card.model_extra["usage"] == basis and card.model_extra["backend"] == "rules"


def test_max_tokens_cuts_the_report_and_its_references_still_resolve(live_url, tokens, minilm):
    with httpx.Client(timeout=60) as http:
        client = _openai(live_url, tokens["run"], http)
        full = client.chat.completions.create(model="ech0", messages=_user())
        text = full.choices[0].message.content
        prefix = text[: text.index("[1]") + 3]  # the report up to its first reference
        limit = minilm(prefix)
        cut = client.chat.completions.create(model="ech0", messages=_user(), max_tokens=limit)
        chunks = list(
            client.chat.completions.create(
                model="ech0",
                messages=_user(),
                max_completion_tokens=limit,
                stream=True,
                stream_options={"include_usage": True},
            )
        )
    choice = cut.choices[0]
    assert choice.finish_reason == "length" and choice.message.content == prefix
    assert cut.usage.completion_tokens == limit and cut.usage.prompt_tokens == full.usage.prompt_tokens
    ids = [c["id"] for c in full.model_extra["citations"]]
    assert len(ids) > 1 and [c["id"] for c in cut.model_extra["citations"]] == ids  # [n] keeps its meaning
    truncated = cut.model_extra["truncated"]
    assert truncated["by"] == "max_tokens" and truncated["cited_in_text"] == [ids[0]]
    assert truncated["full_completion_tokens"] > limit
    # Streaming: the same cut, then a last chunk with the usage and no choices, as OpenAI sends it.
    *content_chunks, usage_chunk = chunks
    assert usage_chunk.choices == [] and usage_chunk.usage.completion_tokens == limit
    assert usage_chunk.usage.prompt_tokens == full.usage.prompt_tokens
    assert all(c.usage is None for c in content_chunks)
    assert content_chunks[-1].choices[0].finish_reason == "length"
    assert "".join(c.choices[0].delta.content or "" for c in content_chunks) == prefix


def test_stop_cuts_before_the_first_stop_sequence(live_url, tokens, minilm):
    stops = ["never in a report", "## Sources"]
    with httpx.Client(timeout=60) as http:
        client = _openai(live_url, tokens["run"], http)
        full = client.chat.completions.create(model="ech0", messages=_user()).choices[0].message.content
        expected = full[: full.index("## Sources")]
        stopped = client.chat.completions.create(model="ech0", messages=_user(), stop=stops)
        # A max_tokens the kept text just fits in leaves it whole: the stop came first.
        exact = client.chat.completions.create(
            model="ech0", messages=_user(), stop="## Sources", max_tokens=minilm(expected)
        )
        chunks = list(client.chat.completions.create(model="ech0", messages=_user(), stop=stops, stream=True))
    for completion in (stopped, exact):
        choice = completion.choices[0]
        assert choice.finish_reason == "stop" and choice.message.content == expected
        assert completion.usage.completion_tokens == minilm(expected)
        assert completion.model_extra["truncated"]["by"] == "stop"
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == expected
    assert chunks[-1].choices[0].finish_reason == "stop"


REFUSED = [
    ("n", {"n": 2}),
    ("tools", {"tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]}),
    ("tool_choice", {"tool_choice": "required"}),
    ("functions", {"functions": [{"name": "f", "parameters": {"type": "object"}}]}),
    ("function_call", {"function_call": "auto"}),
    ("response_format", {"response_format": {"type": "json_object"}}),
    ("logprobs", {"logprobs": True}),
    ("top_logprobs", {"top_logprobs": 3}),
    ("logit_bias", {"logit_bias": {"50256": -100}}),
    ("audio", {"audio": {"voice": "alloy", "format": "wav"}}),
    ("modalities", {"modalities": ["text", "audio"]}),
    ("stream_options", {"stream_options": {"include_usage": True}}),  # without stream
    ("max_completion_tokens", {"max_tokens": 10, "max_completion_tokens": 20}),
]


def test_parameters_ech0_cannot_honour_are_refused_with_400_naming_them(live_url, tokens, runtime):
    import openai

    with httpx.Client(timeout=60) as http:
        client = _openai(live_url, tokens["run"], http)
        for param, options in REFUSED:
            for stream in (False,) if param == "stream_options" else (False, True):
                with pytest.raises(openai.BadRequestError) as caught:
                    client.chat.completions.create(model="ech0", messages=_user(RINGS), stream=stream, **options)
                error = caught.value
                assert error.status_code == 400 and error.param == param, (param, error.body)
                assert error.type == "invalid_request_error" and param in error.message and error.code
        assert runtime.runs.list_runs() == []  # refused before any run started


def test_neutral_and_sampling_parameters_are_accepted(live_url, tokens):
    with httpx.Client(timeout=60) as http:
        client = _openai(live_url, tokens["run"], http)
        completion = client.chat.completions.create(
            model="ech0-rules",
            messages=_user(RINGS),
            temperature=0.7,
            top_p=0.9,
            presence_penalty=0.5,
            frequency_penalty=-0.5,
            seed=7,
            user="chemist-1",
            metadata={"project": "naphthalenes"},
            n=1,
            response_format={"type": "text"},
            tool_choice="none",
            tools=[],
            logprobs=False,
        )
    assert completion.choices[0].finish_reason == "stop"
    assert "**Answer:** 2" in completion.choices[0].message.content


def test_truncation_is_a_prefix_on_a_token_boundary_within_the_limit():
    from server.api.tokens import load_minilm_counter

    counter = load_minilm_counter()
    text = "## Findings\n\n- Métformine's logP is −1.03 [1][2]; naïve Bayes 3′-UTR (HbA1c ≥ 6.5 %).\n"
    total = counter.count(text)
    for limit in range(1, total + 2):
        kept = counter.truncate(text, limit)
        assert text.startswith(kept) and counter.count(kept) <= limit
        assert counter.count(kept) == min(limit, total)  # WordPiece prefixes on token ends re-count the same
    assert counter.truncate(text, total) == text


class _Upstream:
    """A replayed OpenAI-compatible endpoint: a tool-call plan, then the writer's claims; usage when asked to."""

    def __init__(self, report_usage: bool) -> None:
        self.report_usage, self.served = report_usage, []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        forced = body.get("tool_choice") if isinstance(body.get("tool_choice"), dict) else {}
        if forced.get("function", {}).get("name") == "WrittenReport":
            name, args, usage = "WrittenReport", {"claims": []}, (300 + len(self.served), 40)
        else:
            name, args, usage = "compute_properties", {"compound": "metformin"}, (120, 15)
        self.served.append(usage)
        call = {"id": "call_0", "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}
        reply = {
            "id": "chatcmpl-upstream",
            "object": "chat.completion",
            "created": 1_700_000_000,
            "model": "ech0-student",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": None, "tool_calls": [call]},
                    "finish_reason": "tool_calls",
                    "logprobs": None,
                }
            ],
        }
        if self.report_usage:
            reply["usage"] = {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)}
        return httpx.Response(200, json=reply)


def _serve_openai_profile(runtime, upstream, fallback: bool = False) -> None:
    """Configure the test runtime for the `openai` backend, its endpoint replayed (no network)."""
    from server.wiring import make_backend

    runtime.settings.llm.backend, runtime.settings.llm.base_url = "openai", "http://llm.test/v1"
    runtime.settings.llm.fallback_to_rules = fallback
    http = httpx.Client(transport=httpx.MockTransport(upstream))
    runtime.__dict__["backend"] = make_backend(runtime.settings, runtime.compounds, runtime.tools, http_client=http)


def test_openai_profile_reports_the_upstream_usage_of_the_whole_run(runtime, client, tokens):
    upstream = _Upstream(report_usage=True)
    _serve_openai_profile(runtime, upstream)
    request = "Compute the drug-likeness properties of metformin"
    data = _chat(client, tokens["run"], request, model="ech0-openai").json()
    assert len(upstream.served) >= 2  # planning and writing, each a call
    assert data["usage"] == {
        "prompt_tokens": sum(p for p, _ in upstream.served),
        "completion_tokens": sum(c for _, c in upstream.served),
        "total_tokens": sum(p + c for p, c in upstream.served),
    }
    basis = data["usage_basis"]
    assert basis["source"] == "upstream" and basis["llm_calls"] == basis["reported_calls"] == len(upstream.served)
    cards = client.get("/v1/models", headers=bearer(tokens["read"])).json()["data"]
    assert {m["id"]: m["usage"]["source"] for m in cards} == {
        "ech0": "upstream",
        "ech0-rules": "estimate",
        "ech0-openai": "upstream",
    }


def test_openai_profile_estimates_when_the_endpoint_reports_no_usage(runtime, client, tokens, minilm):
    upstream = _Upstream(report_usage=False)
    _serve_openai_profile(runtime, upstream)
    request = "Compute the drug-likeness properties of metformin"
    data = _chat(client, tokens["run"], request, model="ech0-openai").json()
    content = data["choices"][0]["message"]["content"]
    assert data["usage"]["prompt_tokens"] == minilm(request)
    assert data["usage"]["completion_tokens"] == minilm(content)
    basis = data["usage_basis"]
    assert basis["source"] == "estimate" and basis["llm_calls"] == len(upstream.served) >= 2
    assert "reported no usage" in basis["note"]


def test_openai_profile_that_fell_back_to_rules_estimates_and_says_why(runtime, client, tokens, minilm):
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    _serve_openai_profile(runtime, refuse, fallback=True)
    data = _chat(client, tokens["run"], RINGS, model="ech0-openai").json()
    assert "**Answer:** 2" in data["choices"][0]["message"]["content"]  # the rules backend answered
    assert data["usage"]["prompt_tokens"] == minilm(RINGS)
    assert data["usage_basis"]["source"] == "estimate" and "no LLM call succeeded" in data["usage_basis"]["note"]


@pytest.mark.slow
def test_local_profile_counts_and_cuts_in_smollm2_tokens(runtime, live_url, tokens):
    from finetune.training.smollm2 import load_smollm2_tokenizer

    runtime.settings.llm.backend = "local"
    smollm2 = load_smollm2_tokenizer()

    def count(text: str) -> int:
        return len(smollm2(text, add_special_tokens=False)["input_ids"])

    request = "Compute the drug-likeness properties of metformin"
    with httpx.Client(timeout=300) as http:
        client = _openai(live_url, tokens["run"], http)
        completion = client.chat.completions.create(model="ech0-local", messages=_user(request), max_tokens=12)
    content = completion.choices[0].message.content
    assert completion.choices[0].finish_reason == "length" and content.startswith("# ECH0 research report")
    assert completion.usage.completion_tokens == count(content) <= 12
    assert completion.usage.prompt_tokens == count(request)
    assert completion.model_extra["usage_basis"]["source"] == "model_tokenizer"
    assert "SmolLM2" in completion.model_extra["usage_basis"]["tokenizer"]
