"""The lab protocol, the lab registry and the experiment records every computation leaves behind.

The protocol knows nothing of chemistry: a lab is a name, a version and named operations that take JSON-able
keyword parameters and return JSON-able outputs. A materials or quantum lab registers the same way. Two optional
members let a lab depend on machine-local resources without making experiment ids machine-dependent:

- `needs_context = True` and `bind(context)`: the runner hands the lab a `LabContext` (where the model registry
  lives, named resources) once, after making it. Paths in the context never enter an experiment's id.
- `prepare(operation, params) -> params`: called after the parameters are checked against the operation's
  signature and before the id is computed. It pins what the result depends on beyond the parameters (a model's
  `name@version`, a data set's hash) into the parameters, so a retrained model gives a new experiment id.
- `provenance(operation, params) -> dict`: what a reproducibility bundle should record about the resources an
  experiment used (model hashes and versions, data hashes); `{"models": [...], "data": [...]}`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, Field

from knowledge.common.registry import Registry


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


@dataclass(frozen=True)
class LabContext:
    """Machine-local configuration the runner hands to labs that declare `needs_context = True`.

    `models_dir` is the property-model registry's root; `resources` holds named extras for other labs (a
    materials database path, a quantum backend's client). None of it is part of an experiment's id.
    """

    models_dir: Path | None = None
    resources: Mapping[str, Any] = field(default_factory=dict)


class ContextBound:
    """Mixin for labs that need the runner's LabContext (`needs_context`), which the runner hands to `bind`."""

    needs_context = True

    def __init__(self) -> None:
        self.context: LabContext | None = None

    def bind(self, context: LabContext) -> None:
        self.context = context


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


def lab_uses_context(lab: Any) -> bool:
    return bool(getattr(lab, "needs_context", False)) and callable(getattr(lab, "bind", None))


LabFactory = Callable[[], Lab]
# Importing a lab module registers its lab; the registry imports them on the first lookup.
LABS: Registry[LabFactory] = Registry(
    "lab",
    members=("labs.chemistry.lab", "labs.natural_products.lab", "labs.pharmacology.lab", "labs.toxicology.lab"),
)


def register_lab(name: str) -> Callable[[LabFactory], LabFactory]:
    """Class decorator: register a lab factory under `name`."""
    return LABS.register(name)


def list_labs() -> list[str]:
    return LABS.names()


def make_lab(name: str) -> Lab:
    """A new lab called `name`; Ech0Error listing the known labs for an unknown name."""
    return LABS.get(name)()


def lab_catalog() -> dict[str, dict[str, Any]]:
    """Every lab with its version and its operations' parameters, as the CLI and the API list them."""
    import inspect

    catalog = {}
    for name in list_labs():
        lab = make_lab(name)
        operations = lab.operations()
        catalog[name] = {
            "version": lab.version,
            "operations": {
                op: [str(p) for p in inspect.signature(fn).parameters.values()] for op, fn in operations.items()
            },
        }
    return catalog
