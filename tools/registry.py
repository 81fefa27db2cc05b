"""The tool registry: LangChain tools with pydantic argument schemas, built over injected core objects.

Every tool returns a `ToolOutcome` as a plain dict. Failures the planner can act on (bad SMILES, unknown
compound, empty query) come back as `ok=False` with the message. A missing index is a set-up error no plan
can work around: it propagates, and the user is told how to build the index.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.tools import BaseTool, StructuredTool
from pydantic import BaseModel

from knowledge.common.errors import Ech0Error, IndexMissingError
from knowledge.common.registry import Registry
from knowledge.compounds import CompoundStore
from knowledge.retrieve import Retriever
from labs.runner import LabRunner


class ToolOutcome(BaseModel):
    tool: str
    ok: bool
    data: dict[str, Any] | None = None
    error: str | None = None


@dataclass
class ToolContext:
    """The core objects tools act on; built once by the server's wiring."""

    retriever: Retriever
    compounds: CompoundStore
    labs: LabRunner
    top_k: int = 5
    models_dir: Path | None = None  # the property-model registry (ADMET models)
    cache: dict[str, Any] = field(default_factory=dict)  # structures tools build once per runtime (indexes)


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    args_schema: type[BaseModel]
    run: Callable[..., dict[str, Any]]  # (ctx, **args) -> data
    # (ctx, args) -> why the call needs a person's approval, or None: training, fine-tuning, large acquisitions
    expensive: Callable[[ToolContext, dict[str, Any]], str | None] | None = None


# Importing a tool module registers its tools; the registry imports them on the first lookup.
TOOLS: Registry[ToolSpec] = Registry(
    "tool",
    members=(
        "tools.admet",
        "tools.chemistry",
        "tools.compounds",
        "tools.elucidation",
        "tools.literature",
        "tools.natural_products",
        "tools.reactions",
        "tools.sar",
        "tools.similarity",
        "tools.structure",
        "tools.toxicity",
    ),
)


def register_tool(
    name: str,
    description: str,
    args_schema: type[BaseModel],
    expensive: Callable[[ToolContext, dict[str, Any]], str | None] | None = None,
):
    """Decorator: register `fn(ctx, **args) -> data dict` as a tool; `expensive(ctx, args)` says when to ask first."""

    def decorator(fn: Callable[..., dict[str, Any]]):
        TOOLS.add(name, ToolSpec(name, description, args_schema, fn, expensive))
        return fn

    return decorator


def list_tools() -> list[ToolSpec]:
    """Every registered tool, by name."""
    return [TOOLS[name] for name in TOOLS.names()]


def _bind(spec: ToolSpec, ctx: ToolContext) -> BaseTool:
    def call(**kwargs: Any) -> dict[str, Any]:
        try:
            return ToolOutcome(tool=spec.name, ok=True, data=spec.run(ctx, **kwargs)).model_dump(mode="json")
        except IndexMissingError:
            raise
        except Ech0Error as exc:
            return ToolOutcome(tool=spec.name, ok=False, error=str(exc)).model_dump(mode="json")

    return StructuredTool.from_function(
        func=call, name=spec.name, description=spec.description, args_schema=spec.args_schema
    )


def build_tools(ctx: ToolContext) -> dict[str, BaseTool]:
    """Every registered tool, bound to the runtime's core objects (the agent's allowlist)."""
    return {spec.name: _bind(spec, ctx) for spec in list_tools()}


def approval_check(ctx: ToolContext) -> Callable[[str, dict[str, Any]], str | None]:
    """(tool, args) -> why a planned call needs approval before it runs, or None when it may run at once."""

    def reason(tool: str, args: dict[str, Any]) -> str | None:
        spec = TOOLS.find(tool)
        return spec.expensive(ctx, args) if spec is not None and spec.expensive is not None else None

    return reason
