"""`ech0 compounds …`: look up compound records and their computed properties."""

from __future__ import annotations

import typer

from server.commands.common import console, print_json, runtime

app = typer.Typer(help="Look up compounds in the compound store.", no_args_is_help=True)


@app.command("get")
def get(
    query: str = typer.Argument(..., help="name, CAS number, DrugBank id, InChIKey or SMILES"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Show a compound's record and its computed properties."""
    from knowledge.errors import CompoundNotFoundError
    from labs.chemistry.mol import looks_like_smiles, to_mol

    rt = runtime()
    try:
        record = rt.compounds.resolve(query)
    except CompoundNotFoundError:
        if looks_like_smiles(query.strip()):
            to_mol(query)  # an unparsable structure gets the SMILES error, not "not found"
        raise
    experiment = rt.labs.run("chemistry", "properties", {"smiles": record.smiles})
    data = {
        "key": record.key,
        "record": record.model_dump(),
        "experiment_id": experiment.experiment_id,
        **experiment.outputs,
    }
    if as_json:
        print_json(data)
        return
    from rich.table import Table

    table = Table(title=f"{record.label} — {record.key}", show_header=False)
    for field in ("smiles", "inchikey", "cas", "drugbank_id", "np_pathway", "np_superclass", "np_class"):
        value = getattr(record, field)
        if value:
            table.add_row(field, str(value))
    if record.approved_by:
        table.add_row("approved by", ", ".join(record.approved_by))
    if record.targets:
        table.add_row("targets", "; ".join(record.targets[:8]) + (" …" if len(record.targets) > 8 else ""))
    table.add_row("formula", experiment.outputs["formula"])
    for name, value in experiment.outputs["properties"].items():
        table.add_row(name, str(value))
    table.add_row("experiment", experiment.experiment_id)
    console().print(table)


@app.command("resolve")
def resolve_(
    text: str = typer.Argument(..., help="name, synonym, CAS, SMILES, InChI, InChIKey or DrugBank id"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Resolve an identifier to a compound, with a confidence and the method; ambiguous names list candidates."""
    from knowledge.errors import CompoundNotFoundError
    from knowledge.resolve import resolve

    result = resolve(runtime().compounds, text)
    if result.status == "not_found":
        raise CompoundNotFoundError(result.message)
    if as_json:
        print_json(result.model_dump())
        return
    if result.match:
        m = result.match
        typer.echo(
            f"{m.label} ({m.key}) — {result.method}, confidence {result.confidence:.2f}\n  {m.smiles}  {m.inchikey}"
        )
    if result.candidates:
        typer.echo("ambiguous, candidates:" if result.status == "ambiguous" else "other candidates:")
        for c in result.candidates:
            typer.echo(f"  {c.label} ({c.key}) confidence {c.confidence:.2f}")
