"""ECH0 as an MCP server (official `mcp` SDK): the agent's tools and the `ask` entry point, over stdio.

Each registered tool keeps its name, description and argument schema (fields, descriptions, constraints). A
tool call returns the tool's data; a failure the caller can fix (bad SMILES, unknown compound, missing index)
comes back as a tool error with ECH0's message. Calls the agent would hold for a person's approval
(training, large acquisitions) are refused here with the reason: run them through `ech0 ask` or the HTTP API,
where runs can be approved. `ask` runs a whole research request and returns the cited report.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BaseModel, Field

from knowledge.common.errors import Ech0Error
from server.wiring import Runtime

INSTRUCTIONS = (
    "ECH0 answers drug-discovery research questions with cited evidence. Use `ask` for a whole question (it "
    "plans, runs the tools and writes a report whose every claim cites a document, compound record or "
    "experiment id); use the other tools for single lookups and computations."
)


class AskResult(BaseModel):
    run_id: str = Field(description="id of the recorded run")
    report_markdown: str = Field(description="the cited report")
    citations: list[dict[str, Any]] = Field(description="sources the report cites: kind, id, title, …")
    notes: list[Any] = Field(default_factory=list, description="caveats the run recorded")


def _parameters(schema: type[BaseModel]) -> list[inspect.Parameter]:
    """Keyword parameters mirroring a pydantic argument model, constraints and descriptions included."""
    params = []
    for name, field in schema.model_fields.items():
        default = inspect.Parameter.empty if field.is_required() else field.get_default(call_default_factory=True)
        annotation = Annotated[field.annotation, *field.metadata, Field(description=field.description)]
        params.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation))
    return params


def tool_function(tool, needs_approval: Callable[[str, dict[str, Any]], str | None] | None) -> Callable[..., dict]:
    """A plain function with the tool's signature that MCP can register: returns data or raises ToolError."""
    from mcp.server.mcpserver.exceptions import ToolError

    def call(**kwargs: Any) -> dict[str, Any]:
        args = {k: v.model_dump() if isinstance(v, BaseModel) else v for k, v in kwargs.items()}
        reason = needs_approval(tool.name, args) if needs_approval is not None else None
        if reason:
            raise ToolError(
                f"{tool.name} needs a person's approval ({reason}): run it through `ech0 ask` or the HTTP API, "
                "where the run waits for approval"
            )
        try:
            outcome = tool.invoke(args)
        except Ech0Error as exc:
            raise ToolError(str(exc)) from None
        if not outcome["ok"]:
            raise ToolError(outcome["error"] or f"{tool.name} failed")
        return outcome["data"] or {}

    call.__name__ = tool.name
    call.__doc__ = tool.description
    call.__signature__ = inspect.Signature(_parameters(tool.args_schema), return_annotation=dict[str, Any])
    return call


def build_mcp_server(runtime: Runtime):
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError

    server = MCPServer(name="ech0", instructions=INSTRUCTIONS, version="0.1.0", log_level="WARNING")
    needs_approval = getattr(runtime, "approval_reason", None)
    for name, tool in runtime.tools.items():
        server.add_tool(tool_function(tool, needs_approval), name=name, description=tool.description)

    def ask(
        request: Annotated[str, Field(min_length=1, description="the research request, in plain language")],
    ) -> AskResult:
        """Answer a research request with a cited report (plans, runs ECH0's tools, cites every claim)."""
        try:
            result = runtime.research.ask(request)
        except Ech0Error as exc:
            raise ToolError(str(exc)) from None
        return AskResult(**{k: result[k] for k in ("run_id", "report_markdown", "citations")}, notes=result["notes"])

    server.add_tool(ask, name="ask")
    return server
