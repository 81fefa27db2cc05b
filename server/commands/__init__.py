"""CLI command groups; each module defines one typer sub-app and imports heavy libraries lazily."""
