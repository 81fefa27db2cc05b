"""The chat-completions request: what each OpenAI parameter does in ECH0, and the research request it makes.

Honoured: `max_tokens` / `max_completion_tokens` (the answer is cut to that many tokens of the profile's
tokenizer, `finish_reason` "length"), `stop` (cut before the first stop sequence), `stream` and
`stream_options.include_usage`. Accepted without effect, because ECH0's answer is a deterministic, checked report
rather than sampled text: `temperature`, `top_p`, `presence_penalty`, `frequency_penalty`, `seed`, `user`,
`metadata` (an `openai` profile samples with `llm.temperature` from the settings). Refused with a 400 naming the
parameter, because ECH0 cannot honour them: `n` > 1, `tools`, `tool_choice`, `functions`, `function_call`,
`response_format` other than text, `logprobs`, `top_logprobs`, `logit_bias`, `audio` and non-text `modalities`.
Other parameters are ignored, as vendor extensions usually are.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from server.api.errors import ApiError

CONTEXT_CHARS = 1000
_NO_TOOL_CALLS = "ECH0 plans and calls its own tools and answers with a cited report; it returns no tool calls"
_NO_LOGPROBS = "ECH0's answer is a checked report, not sampled tokens: it has no token log probabilities"
_TEXT_ONLY = "the answer is a markdown report (its citations and run id are extra fields of the response)"


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


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="ignore")
    include_usage: bool = Field(False, description="send a last chunk with the usage and no choices")


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")  # vendor extensions (top_k, …) do not apply to ECH0 profiles
    model: str = Field(..., min_length=1, max_length=100)
    messages: list[ChatMessage] = Field(..., min_length=1, max_length=500)
    stream: bool = False
    stream_options: StreamOptions | None = None
    max_tokens: int | None = Field(None, ge=1, description="cut the answer to this many tokens")
    max_completion_tokens: int | None = Field(None, ge=1, description="the same as max_tokens")
    stop: str | Annotated[list[str], Field(max_length=4)] | None = Field(
        None, description="cut the answer before the first of these sequences"
    )
    n: int | None = Field(None, ge=1, description="ECH0 writes one answer: only 1")
    temperature: float | None = Field(None, ge=0, le=2)
    top_p: float | None = Field(None, ge=0, le=1)
    presence_penalty: float | None = Field(None, ge=-2, le=2)
    frequency_penalty: float | None = Field(None, ge=-2, le=2)
    seed: int | None = None
    user: str | None = None
    metadata: dict[str, str] | None = None
    # Refused unless absent or neutral (see refuse_unsupported).
    tools: list[Any] | None = None
    tool_choice: Any = None
    functions: list[Any] | None = None
    function_call: Any = None
    response_format: dict[str, Any] | None = None
    logprobs: bool | None = None
    top_logprobs: int | None = None
    logit_bias: dict[str, float] | None = None
    audio: dict[str, Any] | None = None
    modalities: list[str] | None = None

    def token_limit(self) -> int | None:
        """max_completion_tokens (OpenAI's current name) or max_tokens (the older one); both must agree."""
        limits = {v for v in (self.max_tokens, self.max_completion_tokens) if v is not None}
        if len(limits) > 1:
            raise ApiError(
                400,
                f"max_tokens ({self.max_tokens}) and max_completion_tokens ({self.max_completion_tokens}) "
                "disagree: send one of them",
                "invalid_value",
                param="max_completion_tokens",
            )
        return limits.pop() if limits else None

    def stop_sequences(self) -> list[str]:
        stops = [self.stop] if isinstance(self.stop, str) else self.stop or []
        return [s for s in stops if s]

    def include_usage(self) -> bool:
        return bool(self.stream_options and self.stream_options.include_usage)


def _refusal(param: str, why: str, code: str = "unsupported_parameter") -> ApiError:
    return ApiError(400, f"{param} is not supported: {why}", code, param=param, type_="invalid_request_error")


def refuse_unsupported(body: ChatRequest) -> None:
    """A 400 in OpenAI's shape, naming the first parameter ECH0 cannot honour; nothing when all can be."""
    format_type = (body.response_format or {}).get("type", "text")
    refused = [
        ("n", body.n is not None and body.n > 1, "ECH0 writes one answer per request: send n=1 or leave it out"),
        ("tools", bool(body.tools), _NO_TOOL_CALLS),
        ("tool_choice", body.tool_choice not in (None, "none"), _NO_TOOL_CALLS),
        ("functions", bool(body.functions), _NO_TOOL_CALLS),
        ("function_call", body.function_call not in (None, "none"), _NO_TOOL_CALLS),
        ("response_format", format_type != "text", f"type {format_type!r}: {_TEXT_ONLY}; only 'text' is served"),
        ("logprobs", bool(body.logprobs), _NO_LOGPROBS),
        ("top_logprobs", bool(body.top_logprobs), _NO_LOGPROBS),
        ("logit_bias", bool(body.logit_bias), "ECH0 does not sample tokens, so it cannot bias them"),
        ("audio", body.audio is not None, _TEXT_ONLY),
        ("modalities", bool(set(body.modalities or []) - {"text"}), _TEXT_ONLY),
    ]
    for param, is_refused, why in refused:
        if is_refused:
            code = "unsupported_value" if param in ("n", "response_format", "modalities") else "unsupported_parameter"
            raise _refusal(param, why, code)
    if body.stream_options is not None and not body.stream:
        raise ApiError(400, "stream_options is only allowed with stream: true", "invalid_value", "stream_options")
    body.token_limit()


class Conversation(BaseModel):
    """The research request (the last user message) and the earlier user turns a follow-up is read with."""

    request: str
    history: list[str] = Field(default_factory=list)

    def text(self) -> str:
        """Everything ECH0 reads, one turn a line (what usage counts as the prompt)."""
        return "\n".join([*self.history, self.request])


def compose_request(messages: list[ChatMessage], max_chars: int) -> Conversation:
    """The last user message as the request, with the earlier user messages that fit (the most recent first)."""
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
    return Conversation(request=last, history=context)
