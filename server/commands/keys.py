"""`ech0 keys …`: API keys for the HTTP API, stored hashed in the results database."""

from __future__ import annotations

import typer

from server.commands.common import emit_rows, print_json

app = typer.Typer(help="Create, list and revoke API keys for `ech0 serve`.", no_args_is_help=True)


def _store():
    from server.keys import KeyStore
    from server.settings import current_settings

    settings = current_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return KeyStore(settings.db_url)


@app.command("create")
def create(
    name: str = typer.Argument(..., help="a name for the key's holder, e.g. 'ci' or 'alice'"),
    scope: str = typer.Option("read", "--scope", help="read (GET), run (also start runs and labs), admin (also keys)"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Create a key and print it once: only its hash is kept."""
    token, key = _store().create(name, scope)
    if as_json:
        print_json({"key": token, "name": key.name, "scope": key.scope, "prefix": key.prefix})
        return
    typer.echo(token)
    typer.echo(f"key {key.prefix}… for {key.name!r}, scope {key.scope}: store it now, it is not shown again", err=True)


@app.command("list")
def list_(
    all_keys: bool = typer.Option(False, "--all", help="include revoked keys"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Keys by name, visible prefix, scope and creation time (never the keys themselves)."""

    def line(k: dict) -> str:
        revoked = f"  revoked {k['revoked_at']}" if k["revoked_at"] else ""
        return f"{k['prefix']}…  {k['name']:<24} {k['scope']:<6} {k['created_at']}{revoked}"

    keys = [k.public() for k in _store().list(include_revoked=all_keys)]
    empty = "no API keys yet: create one with `ech0 keys create NAME --scope read|run|admin`"
    emit_rows(keys, as_json, line, empty=empty)


@app.command("revoke")
def revoke(name: str = typer.Argument(..., help="the key's name (revokes all its keys) or its visible prefix")) -> None:
    """Revoke keys: requests with them get 401 from then on."""
    from knowledge.common.errors import Ech0Error

    count = _store().revoke(name)
    if not count:
        raise Ech0Error(f"no active key named {name!r}: see `ech0 keys list`")
    typer.echo(f"revoked {count} key{'s' if count > 1 else ''} named {name!r}")
