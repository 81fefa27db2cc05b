"""`ech0 compounds …`: look up compound records and their computed properties."""

from __future__ import annotations

from pathlib import Path

import typer

from server.commands.common import console, loading, print_json, runtime

app = typer.Typer(help="Look up compounds in the compound store.", no_args_is_help=True)


@app.command("get")
def get(
    query: str = typer.Argument(..., help="name, CAS number, DrugBank id, InChIKey or SMILES"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Show a compound's record and its computed properties."""
    from labs.compound_card import compound_card

    rt = runtime()
    with loading("looking the compound up and computing its properties", plain=False):
        record, data = compound_card(rt.compounds, rt.labs, query)
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
    table.add_row("formula", data["formula"])
    for name, value in data["properties"].items():
        table.add_row(name, str(value))
    table.add_row("experiment", data["experiment_id"])
    console().print(table)


@app.command("resolve")
def resolve_(
    text: str = typer.Argument(
        ..., help="name, synonym, CAS, SMILES, InChI, InChIKey, DrugBank id, ChEMBL id (CHEMBL25) or 'CID 2244'"
    ),
    cid: bool = typer.Option(False, "--cid", help="read TEXT as a PubChem CID (a bare number is otherwise refused)"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Resolve an identifier to a compound, with a confidence and the method; ambiguous names list candidates.

    What the shipped sets do not hold is looked up in the compound DB, then (data mode live or replay, or offline
    from the HTTP cache) in PubChem or ChEMBL, and stored.
    """
    from knowledge.common.errors import CompoundNotFoundError, Ech0Error
    from knowledge.resolve import resolve

    if cid and not text.strip().isdigit():
        raise Ech0Error(f"--cid needs a number, not {text!r}")
    result = resolve(runtime().compounds, f"CID {text.strip()}" if cid else text)
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


def _show_compounds(title: str, compounds: list, as_json: bool, extra: dict | None = None) -> None:
    if as_json:
        print_json({**(extra or {}), "compounds": [c.model_dump(mode="json") for c in compounds]})
        return
    from rich.table import Table

    table = Table(title=title)
    for column in ("name", "InChIKey", "formula", "ids", "sources"):
        table.add_column(column)
    for c in compounds:
        ids = "; ".join(f"{ns} {', '.join(v[:3])}" for ns, v in c.ids.items() if ns != "inchikey")
        sources = ", ".join(f"{s.source}:{s.source_id}" for s in c.sources)
        table.add_row(c.name or "", c.inchikey, c.formula, ids, sources)
    console().print(table)


def _pubchem_entries(http, query: str | None, namespace: str | None) -> tuple[list, str]:
    from knowledge.common.errors import Ech0Error
    from knowledge.resolve_query import pubchem_namespace
    from knowledge.sources import pubchem

    if not query:
        raise Ech0Error("fetch pubchem needs a QUERY: a name, CID, SMILES, InChI or InChIKey")
    chosen, value = pubchem_namespace(query)
    namespace = namespace or chosen
    entries = [c.to_entry() for c in pubchem.lookup(http, value, namespace) if c.structure]
    return entries, f"{namespace} {value!r}"


def _chembl_molecules(http, query: str | None, approved: bool, max_items: int) -> tuple[list, list]:
    from knowledge.common.errors import Ech0Error
    from knowledge.resolve_query import chembl_lookup
    from knowledge.sources import chembl

    if approved:
        molecules, page = chembl.approved_drugs(http, max_items)
        return molecules, page.failures
    if not query:
        raise Ech0Error("fetch chembl needs a QUERY (ChEMBL id, InChIKey or name) or --approved")
    lookup, value = chembl_lookup(query)
    if lookup == "chembl_id":
        return [m for m in [chembl.get_molecule(http, value)] if m], []
    if lookup == "inchikey":
        return [m for m in [chembl.molecule_by_inchikey(http, value)] if m], []
    return chembl.search_molecules(http, value), []


@app.command("fetch")
def fetch(
    source: str = typer.Argument(..., help="pubchem or chembl"),
    query: str = typer.Argument(
        None, help="name, CID, SMILES, InChI or InChIKey (PubChem); ChEMBL id, InChIKey or name (ChEMBL)"
    ),
    namespace: str = typer.Option(None, "--namespace", help="PubChem: name, cid, smiles, inchi or inchikey"),
    approved: bool = typer.Option(False, "--approved", help="ChEMBL: list the approved drugs (max_phase 4)"),
    max_items: int = typer.Option(100, "--max", min=1, help="ChEMBL --approved: at most this many molecules"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Fetch compounds from PubChem or ChEMBL (through the HTTP cache, per data mode) and store them in the DB."""
    from knowledge.common.errors import CompoundNotFoundError, Ech0Error
    from knowledge.compound_models import RowFailure

    rt = runtime()
    failures = []
    if source == "pubchem":
        entries, what = _pubchem_entries(rt.http, query, namespace)
    elif source == "chembl":
        molecules, failures = _chembl_molecules(rt.http, query, approved, max_items)
        entries, what = [], "approved drugs" if approved else repr(query)
        for m in molecules:
            try:
                entries.append(m.to_entry())
            except Ech0Error as exc:  # a biologic: no small-molecule structure to store
                failures.append(RowFailure(source_id=m.chembl_id, reason=str(exc)))
    else:
        raise Ech0Error(f"unknown source {source!r}: use pubchem or chembl")
    if not entries and not failures:
        raise CompoundNotFoundError(f"{'PubChem' if source == 'pubchem' else 'ChEMBL'} has no compound for {what}")
    report = rt.compound_db.upsert_many(entries)
    failures += report.failures
    compounds = [rt.compound_db.get(k) for k in dict.fromkeys(report.inchikeys)]
    extra = {"source": source, "query": query, "failures": [f.model_dump() for f in failures]}
    _show_compounds(f"{source}: {what}", compounds, as_json, extra)
    _report_failures(failures, as_json)


def _report_failures(failures: list, as_json: bool) -> None:
    if failures and not as_json:
        err = console(stderr=True)
        err.print(f"{len(failures)} row(s) could not be read or stored:")
        for f in failures[:20]:
            err.print(f"  row {f.row or '-'} {f.source_id or ''}: {f.reason}")


@app.command("import")
def import_(
    path: Path = typer.Argument(..., help="the compound file"),
    fmt: str = typer.Option(..., "--format", help="coconut, zinc, drugbank-sdf, drugbank-xml, pdb-ccd or csv"),
    licence: bool = typer.Option(
        False, "--i-have-a-drugbank-licence", help="confirm a DrugBank licence (needed for drugbank-xml)"
    ),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Import a compound file into the compound DB; records merge by standardized InChIKey, bad rows are listed."""
    from knowledge.sources.compound_files import import_file

    rt = runtime()
    report = import_file(rt.compound_db, path, fmt, drugbank_licence=licence)
    data = {
        "file": str(path),
        "format": fmt,
        "added": report.added,
        "merged": report.merged,
        "failed": len(report.failures),
        "failures": [f.model_dump() for f in report.failures],
        "compounds_in_db": rt.compound_db.count(),
    }
    if as_json:
        print_json(data)
        return
    typer.echo(
        f"{path}: {report.added} new compound(s), {report.merged} merged into existing ones, "
        f"{len(report.failures)} failed; {data['compounds_in_db']} compounds in the DB"
    )
    _report_failures(report.failures, as_json)


@app.command("chembl-activities")
def chembl_activities(
    target_id: str = typer.Argument(..., help="ChEMBL target id, e.g. CHEMBL203 (EGFR)"),
    max_items: int = typer.Option(1000, "--max", min=1, help="at most this many activities"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Fetch a target's activities that have a pChEMBL value and store them with their molecules."""
    from knowledge.common.errors import Ech0Error
    from knowledge.http import CacheMissError
    from knowledge.sources.chembl import target_activities

    rt = runtime()
    try:
        result = target_activities(rt.http, target_id, max_items)
    except CacheMissError:
        raise Ech0Error(
            f"no cached ChEMBL activities for {target_id.strip().upper()} in offline mode: fetch them once with "
            "ECH0_DATA__MODE=replay (or live) and network access"
        ) from None
    report = rt.compound_db.upsert_many(result.entries)
    failures = result.failures + report.failures
    if as_json:
        print_json(
            {
                "target_id": result.target_id,
                "total_count": result.total_count,
                "fetched": len(result.activities),
                "molecules": len(result.entries),
                "stored": len(report.inchikeys),
                "activities": [a.model_dump() for a in result.activities],
                "failures": [f.model_dump() for f in failures],
            }
        )
        return
    best = sorted(result.activities, key=lambda a: a.pchembl_value or 0, reverse=True)[:10]
    of_total = f" of {result.total_count}" if result.total_count is not None else ""
    typer.echo(
        f"{result.target_id}: {len(result.activities)}{of_total} activities with pChEMBL, "
        f"{len(result.entries)} molecules ({report.added} new in the DB)"
    )
    for a in best:
        typer.echo(
            f"  pChEMBL {a.pchembl_value:.2f}  {a.standard_type} {a.standard_value} {a.standard_units}  "
            f"activity {a.activity_id}"
        )
    _report_failures(failures, as_json)


@app.command("list-db")
def list_db(
    limit: int = typer.Option(50, "--limit", min=1, help="how many compounds, newest first"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """List the compounds in the compound DB (fetched, resolved or imported)."""
    rt = runtime()
    rows = rt.compound_db.summaries(limit)
    if as_json:
        print_json({"count": rt.compound_db.count(), "compounds": rows})
        return
    from rich.table import Table

    table = Table(title=f"compound DB: {rt.compound_db.count()} compounds")
    for column in ("name", "InChIKey", "formula", "sources", "activities"):
        table.add_column(column)
    for r in rows:
        table.add_row(r["name"] or "", r["inchikey"], r["formula"], ", ".join(r["sources"]), str(r["activities"]))
    console().print(table)
