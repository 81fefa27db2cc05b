"""Per-run configuration of the ECH0 graph: LangGraph's run context (`context_schema`) and what it chooses from.

The graph is built once with what cannot travel in a run's configuration: the tools, the run store, the named
backends, the approval check and the defaults (`RunSetup`). A run's `RunContext` picks among them: which backend
plans and writes, how often reflect may re-plan, which steps wait for approval. LangGraph Studio edits the context
from `RunContext`'s JSON schema (an assistant's configuration); callers pass `context=` to invoke or stream.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from agents.backends import Backend
from agents.state import ApprovalPolicy, RunOptions
from knowledge.common.errors import Ech0Error

BackendName = Literal["rules", "openai", "local"]


class RunContext(BaseModel):
    """One run's configuration; a field left unset takes the graph's default (the server's settings)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    backend: BackendName | None = Field(
        None,
        description="planner/writer of the run: 'rules' (deterministic, no model), 'openai' (the configured "
        "OpenAI-compatible endpoint) or 'local' (a small model on CPU); unset: the server's backend",
    )
    max_replans: int | None = Field(
        None, ge=0, le=5, description="times reflect may send retryable failures back with a new plan; unset: the "
        "server's llm.max_replans",
    )  # fmt: skip
    approval: ApprovalPolicy | None = Field(
        None,
        description="'expensive': steps the tools mark expensive (training, large acquisitions) wait for a "
        "person's approval; 'never': no step waits; 'always': every step waits; unset: 'expensive'",
    )


def no_approval_needed(tool: str, args: dict[str, Any]) -> str | None:
    """The approval check of a graph whose tools are all cheap."""
    return None


@dataclass(frozen=True)
class RunSetup:
    """What the graph is built with, and the defaults a run's context overrides.

    `backend` is the default backend; `named_backends` returns another one by name (building it on first use),
    or is None when the graph has only the default. `approval_reason(tool, args)` says why a call is expensive.
    """

    backend: Backend
    named_backends: Callable[[str], Backend] | None = None
    approval_reason: Callable[[str, dict[str, Any]], str | None] = no_approval_needed
    max_replans: int = 1
    approval: ApprovalPolicy = "expensive"

    def options(self, context: RunContext | None) -> RunOptions:
        """The options a run starts with: its context's values over the defaults."""
        context = context or RunContext()
        return RunOptions(
            backend=context.backend or self.backend.name,
            max_replans=self.max_replans if context.max_replans is None else context.max_replans,
            approval=context.approval or self.approval,
        )

    def backend_named(self, name: str) -> Backend:
        if name == self.backend.name:
            return self.backend
        if self.named_backends is None:
            raise Ech0Error(f"backend {name!r} is not available to this graph: it runs with {self.backend.name!r}")
        return self.named_backends(name)

    def approval_needed(self, policy: ApprovalPolicy, tool: str, args: dict[str, Any]) -> str | None:
        """Why this call waits for approval under `policy`, or None when it runs at once."""
        if policy == "never":
            return None
        reason = self.approval_reason(tool, args)
        if policy == "always":
            return reason or "the run's approval policy is 'always': every step waits for approval"
        return reason
