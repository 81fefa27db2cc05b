"""OpenAI-compatible chat completions and model list over ECH0's research entry point.

- `model` picks the profile (see server.api.profiles); an unknown one gets a 404 `model_not_found`. What each
  request parameter does, and which are refused with a 400, is in server.api.chat_request.
- The last user message is the research request. Earlier user messages (the most recent that fit in 1,000
  characters) are its history: a follow-up such as "and its logP?" or "and for ibuprofen?" is read with them
  (the report notes how it was read); the earlier questions are not answered again. System and assistant
  messages are not passed on: ECH0 follows its own instructions and re-derives facts rather than trusting
  earlier answers.
- The reply is the cited report (markdown). Its citations are also in an extra top-level `citations` field
  (on the final chunk when streaming), with the `run_id` that feedback refers to and the run's `status`:
  "awaiting_approval" when a step needs a person's approval (POST /v1/research/{run_id}/approve or /reject).
- `stop` cuts the report before the first stop sequence; `max_tokens` then cuts it to that many tokens of the
  profile's tokenizer (`finish_reason` "length"). A cut reply keeps every citation of the full report in
  `citations`, so that the [n] references left in the text still resolve to the same sources (the Sources list
  at the end of the report is usually what a cut removes), and says in `truncated` which of them the kept text
  cites. The full report stays recorded under the run id.
- `usage` is in every reply (and, with `stream_options.include_usage`, in a last chunk with no choices, as
  OpenAI sends it); `usage_basis` says where its figures come from (server.api.tokens).
- Streaming sends the role chunk, then the report line by line, then a chunk with the `finish_reason`, then
  `data: [DONE]`. A run that fails within the first seconds gets a plain 4xx; one that fails later ends
  the stream with `data: {"error": …}` (as OpenAI does). Keep-alive comments go out while a long run works.
  A client that disconnects does not stop the run: it finishes and is recorded.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse

from knowledge.common.errors import Ech0Error
from server.api.chat_request import ChatRequest, Conversation, compose_request, refuse_unsupported
from server.api.deps import get_profiles, require_read, require_run
from server.api.errors import ech0_error_body
from server.api.profiles import Profiles, UsagePolicy
from server.api.tokens import TokenCounter, UsageMeter, metering

router = APIRouter(prefix="/v1", tags=["chat"])
FIRST_BYTES_WAIT_S = 2.0  # a run that fails this fast gets a real status code instead of an in-stream error
KEEP_ALIVE_S = 10.0
_CREATED = int(time.time())
_REF = re.compile(r"\[(\d+)\]")


@dataclass
class Answer:
    """A finished run, cut as the request's `stop` and `max_tokens` ask, with its usage."""

    result: dict[str, Any]
    text: str
    finish_reason: str
    usage: dict[str, int]
    usage_basis: dict[str, Any]
    truncated: dict[str, Any] | None = field(default=None)

    def extra(self) -> dict[str, Any]:
        """ECH0's fields beside OpenAI's: citations, run id, status, and what a cut removed."""
        extra = {
            "citations": self.result["citations"],
            "run_id": self.result["run_id"],
            "status": self.result.get("status", "done"),
        }
        return extra | ({"truncated": self.truncated} if self.truncated else {})


def _cited(text: str, citations: list[dict]) -> list[str]:
    """Ids of the citations `text` refers to, by their [n] number or by their id."""
    numbers = {int(n) for n in _REF.findall(text)}
    return [c["id"] for i, c in enumerate(citations, 1) if i in numbers or c["id"] in text]


def cut_text(text: str, stops: list[str], max_tokens: int | None, counter: TokenCounter) -> tuple[str, str, str | None]:
    """(kept text, finish_reason, what cut it: "stop", "max_tokens" or None)."""
    kept, finish, cut_by = text, "stop", None
    at = min((i for i in (text.find(s) for s in stops) if i >= 0), default=-1)
    if at >= 0:
        kept, cut_by = text[:at], "stop"
    if max_tokens is not None:
        short = counter.truncate(kept, max_tokens)
        if short != kept:
            kept, finish, cut_by = short, "length", "max_tokens"
    return kept, finish, cut_by


def _usage(
    policy: UsagePolicy, counter: TokenCounter, request: str, kept: str, meter: UsageMeter
) -> tuple[dict[str, int], dict[str, Any]]:
    basis: dict[str, Any] = policy.card()
    if policy.source == "upstream" and meter.reported_calls:
        prompt, completion = meter.prompt_tokens, meter.completion_tokens
        basis |= {"llm_calls": meter.calls, "reported_calls": meter.reported_calls}
    else:
        prompt, completion = counter.count(request), counter.count(kept)
        if policy.source == "upstream":
            if meter.calls:
                why = f"the endpoint reported no usage for {meter.calls} call(s)"
            else:
                why = "no LLM call succeeded" if meter.failed_calls else "no LLM call was made"
            basis |= {"source": "estimate", "llm_calls": meter.calls, "note": f"an estimate: {why}"}
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}, basis


def answer(profiles: Profiles, body: ChatRequest, conversation: Conversation, run_id: str) -> Answer:
    """Run the research request on the profile's runtime, then cut the report and count its usage."""
    runtime = profiles.get(body.model)
    request = conversation.text()
    with metering(UsageMeter()) as meter:
        result = runtime.research.ask(conversation.request, run_id, history=conversation.history)
    counter = profiles.counter(body.model)
    full = result["report_markdown"]
    kept, finish, cut_by = cut_text(full, body.stop_sequences(), body.token_limit(), counter)
    usage, basis = _usage(profiles.usage_policy(body.model), counter, request, kept, meter)
    truncated = None
    if cut_by:
        truncated = {
            "by": cut_by,
            "full_completion_tokens": counter.count(full),
            "cited_in_text": _cited(kept, result["citations"]),
            "note": "citations lists every source of the full report, so that the [n] references in the kept text "
            "resolve as before; cited_in_text names those the kept text cites; the full report is recorded under "
            "run_id",
        }
    return Answer(result, kept, finish, usage, basis, truncated)


def _chunk(
    cid: str, model: str, delta: dict, finish: str | None = None, usage_field: bool = False, **extra: Any
) -> str:
    data = {
        "id": cid,
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
        **({"usage": None} if usage_field else {}),  # with include_usage, OpenAI sends usage: null until the end
        **extra,
    }
    return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"


def _usage_chunk(cid: str, model: str, done: Answer) -> str:
    data = {
        "id": cid,
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [],
        "usage": done.usage,
        "usage_basis": done.usage_basis,
    }
    return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"


async def _stream(task: asyncio.Future, cid: str, model: str, include_usage: bool) -> AsyncIterator[str]:
    yield _chunk(cid, model, {"role": "assistant", "content": ""}, usage_field=include_usage)
    while not task.done():
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout=KEEP_ALIVE_S)
        except TimeoutError:
            yield ": keep-alive\n\n"
        except Exception:  # the task's error is read just below
            break
    error = task.exception()
    if error is not None:
        if isinstance(error, Ech0Error):
            body = ech0_error_body(error)
        else:
            body = {"error": {"message": "internal server error", "type": "server_error", "code": "internal_error"}}
        yield f"data: {json.dumps(body, ensure_ascii=False)}\n\n"
        return
    done: Answer = task.result()
    for line in done.text.splitlines(keepends=True):
        yield _chunk(cid, model, {"content": line}, usage_field=include_usage)
    yield _chunk(cid, model, {}, done.finish_reason, usage_field=include_usage, **done.extra())
    if include_usage:
        yield _usage_chunk(cid, model, done)
    yield "data: [DONE]\n\n"


@router.post("/chat/completions", summary="OpenAI-compatible chat completion: a cited research answer")
async def chat_completions(
    body: ChatRequest,
    profiles: Profiles = Depends(get_profiles),
    _key=Depends(require_run),
):
    refuse_unsupported(body)
    runtime = profiles.get(body.model)
    text = compose_request(body.messages, runtime.settings.llm.max_request_chars)
    run_id = uuid.uuid4().hex[:12]
    cid = f"chatcmpl-{run_id}"
    task = asyncio.ensure_future(asyncio.to_thread(answer, profiles, body, text, run_id))
    if not body.stream:
        done: Answer = await task
        return {
            "id": cid,
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.model,
            "system_fingerprint": f"ech0-{runtime.settings.llm.backend}",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": done.text, "refusal": None},
                    "logprobs": None,
                    "finish_reason": done.finish_reason,
                }
            ],
            "usage": done.usage,
            "usage_basis": done.usage_basis,
            **done.extra(),
        }
    await asyncio.wait({task}, timeout=FIRST_BYTES_WAIT_S)
    if task.done() and task.exception() is not None:
        raise task.exception()
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    stream = _stream(task, cid, body.model, body.include_usage())
    return StreamingResponse(stream, media_type="text/event-stream", headers=headers)


def _model_card(name: str, profiles: Profiles) -> dict:
    card = {"id": name, "object": "model", "created": _CREATED, "owned_by": "ech0"}
    return card | {"backend": profiles.backend_of(name), "usage": profiles.usage_policy(name).card()}


@router.get("/models", summary="The ECH0 profiles, as OpenAI models", dependencies=[Depends(require_read)])
def list_models(profiles: Profiles = Depends(get_profiles)) -> dict:
    return {"object": "list", "data": [_model_card(name, profiles) for name in profiles.names()]}


@router.get("/models/{model}", summary="One ECH0 profile, as an OpenAI model", dependencies=[Depends(require_read)])
def get_model(model: str, profiles: Profiles = Depends(get_profiles)) -> dict:
    return _model_card(model, profiles)
