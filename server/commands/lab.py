"""`ech0 lab …`: list the labs and run one operation as a recorded, cached experiment."""

from __future__ import annotations

import json

import typer

from server.commands.common import print_json, runtime

app = typer.Typer(help="Run lab operations (chemistry, toxicology, natural products) as recorded experiments.")


@app.command("list")
def list_(as_json: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """Every lab with its operations and their parameters."""
    import inspect

    from labs.base import list_labs, make_lab

    data = {}
    for name in list_labs():
        lab = make_lab(name)
        data[name] = {
            "version": lab.version,
            "operations": {
                op: [str(p) for p in inspect.signature(fn).parameters.values()] for op, fn in lab.operations().items()
            },
        }
    if as_json:
        print_json(data)
        return
    for name, info in data.items():
        typer.echo(f"{name} (v{info['version']})")
        for op, params in info["operations"].items():
            typer.echo(f"  {name}.{op}({', '.join(params)})")


@app.command("run")
def run(
    target: str = typer.Argument(..., help="LAB.OPERATION, e.g. chemistry.rings"),
    params: str = typer.Option("{}", "--params", help='JSON object of parameters, e.g. \'{"smiles": "CCO"}\''),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Run one lab operation; a repeat with the same inputs returns the stored result and says so."""
    from knowledge.errors import Ech0Error

    lab, _, operation = target.partition(".")
    if not lab or not operation:
        raise Ech0Error(f"{target!r} is not LAB.OPERATION: see `ech0 lab list`, e.g. chemistry.properties")
    try:
        parsed = json.loads(params)
    except json.JSONDecodeError as exc:
        raise Ech0Error(f"--params is not valid JSON ({exc.msg} at character {exc.pos}): give a JSON object") from None
    if not isinstance(parsed, dict):
        raise Ech0Error("--params must be a JSON object of parameter names and values")
    result = runtime().labs.run(lab, operation, parsed)
    data = result.model_dump(mode="json")
    if as_json:
        print_json(data)
        return
    typer.echo(f"{result.experiment_id} {'(cached)' if result.cached else ''} {result.title}")
    print_json(result.outputs)
