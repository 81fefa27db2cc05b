"""`ech0 llm check`: is the configured OpenAI-compatible endpoint reachable, and can it call tools?"""

from __future__ import annotations

import time

import typer

from server.commands.common import print_json

app = typer.Typer(help="The LLM endpoint behind the `openai` backend.", no_args_is_help=True)


@app.command("check")
def check(
    base_url: str | None = typer.Option(None, "--base-url", help="endpoint to test (default: settings llm.base_url)"),
    model: str | None = typer.Option(None, "--model", help="model name (default: settings llm.model)"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """List the endpoint's models, then ask for one tool call and time it."""
    from langchain_core.tools import tool

    from knowledge.common.errors import Ech0Error
    from server.settings import current_settings
    from server.wiring import make_chat_model

    settings = current_settings()
    settings.llm.base_url = base_url or settings.llm.base_url
    settings.llm.model = model or settings.llm.model
    chat = make_chat_model(settings)
    url = settings.llm.base_url

    @tool
    def count_atoms(smiles: str, element: str) -> int:
        """Count the atoms of an element in a molecule given as SMILES."""
        return 0

    started = time.perf_counter()
    try:
        served = [m.id for m in chat.root_client.models.list()]
        message = chat.bind_tools([count_atoms]).invoke("How many carbon atoms are in CCO? Use the tool.")
    except Exception as exc:  # any transport or HTTP failure: say which endpoint and what happened
        raise Ech0Error(f"the LLM endpoint {url} cannot be used: {type(exc).__name__}: {str(exc)[:200]}") from None
    report = {
        "endpoint": url,
        "model": settings.llm.model,
        "served_models": served,
        "model_served": settings.llm.model in served,
        "tool_calling": bool(message.tool_calls),
        "tool_call": message.tool_calls[0] if message.tool_calls else None,
        "latency_s": round(time.perf_counter() - started, 3),
    }
    if as_json:
        print_json(report)
        return
    for key, value in report.items():
        typer.echo(f"{key}: {value}")
    if not report["tool_calling"]:
        typer.echo("warning: the model answered without a tool call; the `openai` planner needs tool calling "
                   "(for vLLM: --enable-auto-tool-choice --tool-call-parser …)", err=True)  # fmt: skip
