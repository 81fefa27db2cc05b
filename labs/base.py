"""The lab protocol, the lab registry and the experiment records every computation leaves behind."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from pydantic import BaseModel, Field

from knowledge.errors import Ech0Error


class Experiment(BaseModel):
    """What to run. Its id is a hash of lab, operation, version and parameters: same inputs, same id."""

    lab: str
    operation: str
    params: dict[str, Any]
    version: str

    @property
    def id(self) -> str:
        canonical = json.dumps(
            {"lab": self.lab, "op": self.operation, "v": self.version, "params": self.params},
            sort_keys=True,
            separators=(",", ":"),
        )
        return "exp-" + hashlib.sha256(canonical.encode()).hexdigest()[:16]


class ExperimentResult(BaseModel):
    experiment_id: str
    lab: str
    operation: str
    version: str
    params: dict[str, Any]
    outputs: dict[str, Any]
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    duration_s: float = 0.0
    cached: bool = False

    @property
    def title(self) -> str:
        subject = self.params.get("smiles") or json.dumps(self.params, sort_keys=True)
        return f"{self.lab}.{self.operation} v{self.version} on {subject}"


class Lab(Protocol):
    name: str
    version: str

    def operations(self) -> dict[str, Callable[..., dict[str, Any]]]:
        """Operation name → function taking the experiment's params as keywords, returning JSON-able outputs."""
        ...


_LABS: dict[str, Callable[[], Lab]] = {}


def register_lab(name: str) -> Callable[[Callable[[], Lab]], Callable[[], Lab]]:
    """Class decorator: register a lab factory under `name`."""

    def decorator(factory: Callable[[], Lab]) -> Callable[[], Lab]:
        if name in _LABS:
            raise ValueError(f"lab {name!r} is registered twice")
        _LABS[name] = factory
        return factory

    return decorator


def list_labs() -> list[str]:
    _load_builtin_labs()
    return sorted(_LABS)


def make_lab(name: str) -> Lab:
    _load_builtin_labs()
    if name not in _LABS:
        raise Ech0Error(f"unknown lab {name!r}: choose one of {', '.join(sorted(_LABS))}")
    return _LABS[name]()


def _load_builtin_labs() -> None:
    # Importing a lab module registers it.
    import labs.chemistry.lab  # noqa: F401
    import labs.natural_products.lab  # noqa: F401
    import labs.toxicology.lab  # noqa: F401
