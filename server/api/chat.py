"""OpenAI-compatible chat completions and model list over ECH0's research entry point.

- `model` picks the profile (see server.api.profiles); an unknown one gets a 404 `model_not_found`.
- The last user message is the research request. Earlier user messages are put before it, one a line (the
  most recent that fit in 1,000 characters), so that a follow-up such as "and its logP?" still names the
  compound; the earlier questions are then answered again alongside it. System and assistant messages are not
  passed on: ECH0 follows its own instructions and re-derives facts rather than trusting earlier answers.
- The reply is the cited report (markdown). Its citations are also in an extra top-level `citations` field
  (on the final chunk when streaming), with the `run_id` that feedback refers to and the run's `status`:
  "awaiting_approval" when a step needs a person's approval (POST /v1/research/{run_id}/approve or /reject).
- Streaming sends the role chunk, then the report line by line, then a chunk with `finish_reason` "stop",
  then `data: [DONE]`. A run that fails within the first seconds gets a plain 4xx; one that fails later ends
  the stream with `data: {"error": …}` (as OpenAI does). Keep-alive comments go out while a long run works.
  A client that disconnects does not stop the run: it finishes and is recorded.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any, Literal

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from knowledge.common.errors import Ech0Error
from server.api.deps import get_profiles, require_read, require_run
from server.api.errors import ApiError, ech0_error_body
from server.api.profiles import Profiles

router = APIRouter(prefix="/v1", tags=["chat"])
FIRST_BYTES_WAIT_S = 2.0  # a run that fails this fast gets a real status code instead of an in-stream error
KEEP_ALIVE_S = 10.0
CONTEXT_CHARS = 1000
_CREATED = int(time.time())


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(p.text for p in self.content if p.type == "text" and p.text)
        return self.content or ""


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")  # sampling options and the like do not apply to ECH0 profiles
    model: str = Field(..., min_length=1, max_length=100)
    messages: list[ChatMessage] = Field(..., min_length=1, max_length=500)
    stream: bool = False
    n: int | None = Field(None, ge=1, le=1, description="ECH0 writes one answer")


def compose_request(messages: list[ChatMessage], max_chars: int) -> str:
    """The research request: earlier user messages (the most recent that fit), one a line, then the last one."""
    users = [m.text().strip() for m in messages if m.role == "user" and m.text().strip()]
    if not users:
        raise ApiError(400, "no user message: the last user message is the research request", param="messages")
    last, earlier = users[-1], users[:-1]
    budget = min(CONTEXT_CHARS, max_chars - len(last) - 1)
    context: list[str] = []
    for turn in reversed(earlier):
        if len(turn) + 1 > budget:
            if not context and budget > 20:  # one long turn: keep its end, nearest the question
                context.append("…" + turn[-(budget - 2) :])
            break
        context.insert(0, turn)
        budget -= len(turn) + 1
    return "\n".join([*context, last])


def _chunk(cid: str, model: str, delta: dict, finish: str | None = None, **extra: Any) -> str:
    data = {
        "id": cid,
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
        **extra,
    }
    return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"


async def _stream(task: asyncio.Future, cid: str, model: str) -> AsyncIterator[str]:
    yield _chunk(cid, model, {"role": "assistant", "content": ""})
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
    result = task.result()
    for line in result["report_markdown"].splitlines(keepends=True):
        yield _chunk(cid, model, {"content": line})
    extra = {"citations": result["citations"], "run_id": result["run_id"], "status": result.get("status", "done")}
    yield _chunk(cid, model, {}, "stop", **extra)
    yield "data: [DONE]\n\n"


@router.post("/chat/completions", summary="OpenAI-compatible chat completion: a cited research answer")
async def chat_completions(
    body: ChatRequest,
    profiles: Profiles = Depends(get_profiles),
    _key=Depends(require_run),
):
    runtime = profiles.get(body.model)
    text = compose_request(body.messages, runtime.settings.llm.max_request_chars)
    run_id = uuid.uuid4().hex[:12]
    cid = f"chatcmpl-{run_id}"
    task = asyncio.ensure_future(asyncio.to_thread(runtime.research.ask, text, run_id))
    if not body.stream:
        result = await task
        return {
            "id": cid,
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.model,
            "system_fingerprint": f"ech0-{runtime.settings.llm.backend}",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": result["report_markdown"], "refusal": None},
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "citations": result["citations"],
            "run_id": result["run_id"],
            "status": result.get("status", "done"),
        }
    await asyncio.wait({task}, timeout=FIRST_BYTES_WAIT_S)
    if task.done() and task.exception() is not None:
        raise task.exception()
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(_stream(task, cid, body.model), media_type="text/event-stream", headers=headers)


def _model_card(name: str) -> dict:
    return {"id": name, "object": "model", "created": _CREATED, "owned_by": "ech0"}


@router.get("/models", summary="The ECH0 profiles, as OpenAI models", dependencies=[Depends(require_read)])
def list_models(profiles: Profiles = Depends(get_profiles)) -> dict:
    return {"object": "list", "data": [_model_card(name) for name in profiles.names()]}


@router.get("/models/{model}", summary="One ECH0 profile, as an OpenAI model", dependencies=[Depends(require_read)])
def get_model(model: str, profiles: Profiles = Depends(get_profiles)) -> dict:
    profiles.backend_of(model)
    return _model_card(model)
