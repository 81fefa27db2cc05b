"""Cross-lab workflows as data: a small DAG of lab operations whose parameters can reference upstream outputs.

A workflow file (YAML or JSON)::

    name: profile_compound
    inputs:
      smiles: {description: the compound, required: true}
    nodes:
      properties: {run: chemistry.properties, params: {smiles: "${inputs.smiles}"}}
      alerts: {run: toxicology.alerts, params: {smiles: "${properties.canonical_smiles}"}}
    outputs:
      n_alerts: "${alerts.n_alerts}"
    rank: {by: n_alerts, order: asc}     # optional: how `run_batch` orders several input sets

A parameter value that is exactly one reference takes the referenced value as is (a number, a list…); a
reference inside a longer string is formatted into it. A path is dot-separated keys and list indices. Nodes
depend on the nodes they reference and on any listed under `after`. `validate_workflow` reports every problem at
once: unknown operations or parameters, references to unknown nodes or inputs, and cycles.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from knowledge.common.errors import Ech0Error

REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z0-9_\-]+)*)\}")
NODE_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
SHIPPED = Path(__file__).parent / "workflows"


class WorkflowError(Ech0Error):
    """A workflow that cannot run as written; `problems` lists each one."""

    def __init__(self, name: str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"workflow {name!r} is invalid: " + "; ".join(problems))


class MissingReference(Ech0Error):
    """A reference whose path is not in the upstream node's outputs (or the inputs)."""


class InputSpec(BaseModel):
    description: str = ""
    required: bool = True
    default: Any = None


class NodeSpec(BaseModel):
    run: str = Field(description="LAB.OPERATION")
    params: dict[str, Any] = Field(default_factory=dict)
    after: list[str] = Field(default_factory=list, description="extra dependencies beyond the referenced nodes")
    description: str = ""

    @property
    def lab(self) -> str:
        return self.run.partition(".")[0]

    @property
    def operation(self) -> str:
        return self.run.partition(".")[2]


class RankSpec(BaseModel):
    by: str = Field(description="a name under `outputs`")
    order: Literal["asc", "desc"] = "desc"


class WorkflowSpec(BaseModel):
    name: str
    description: str = ""
    version: str = "1"
    inputs: dict[str, InputSpec] = Field(default_factory=dict)
    nodes: dict[str, NodeSpec]
    outputs: dict[str, Any] = Field(default_factory=dict)
    rank: RankSpec | None = None

    @property
    def hash(self) -> str:
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def references(value: Any) -> Iterator[tuple[str, str]]:
    """Every (source, path) referenced anywhere inside a parameter value; source is a node id or 'inputs'."""
    if isinstance(value, str):
        for match in REF.finditer(value):
            yield match.group(1), match.group(2).lstrip(".")
    elif isinstance(value, dict):
        for v in value.values():
            yield from references(v)
    elif isinstance(value, list):
        for v in value:
            yield from references(v)


def dependencies(spec: WorkflowSpec, node_id: str) -> list[str]:
    node = spec.nodes[node_id]
    found = {source for source, _ in references(node.params) if source != "inputs"}
    return sorted(found | set(node.after))


def topological_order(spec: WorkflowSpec) -> list[str]:
    """Nodes in an order where each comes after its dependencies (ties in file order); raises on a cycle."""
    deps = {n: [d for d in dependencies(spec, n) if d in spec.nodes] for n in spec.nodes}
    order, placed = [], set()
    while len(order) < len(deps):
        ready = [n for n in deps if n not in placed and all(d in placed for d in deps[n])]
        if not ready:
            raise WorkflowError(spec.name, [f"dependency cycle: {' → '.join(_cycle(deps, placed))}"])
        order += ready
        placed |= set(ready)
    return order


def _cycle(deps: dict[str, list[str]], placed: set[str]) -> list[str]:
    """One cycle among the unplaced nodes, as a path that returns to its start."""
    node = next(n for n in deps if n not in placed)
    path: list[str] = []
    while node not in path:
        path.append(node)
        node = next(d for d in deps[node] if d not in placed)
    return path[path.index(node) :] + [node]


def load_workflow(source: str | Path | dict[str, Any]) -> WorkflowSpec:
    """A spec from a dict, a YAML/JSON file, or the name of a shipped workflow (labs/workflows/NAME.yaml)."""
    if isinstance(source, dict):
        data, label = source, source.get("name", "<dict>")
    else:
        path = Path(source)
        if not path.exists() and (SHIPPED / f"{source}.yaml").exists():
            path = SHIPPED / f"{source}.yaml"
        if not path.is_file():
            shipped = ", ".join(list_shipped()) or "none"
            raise Ech0Error(f"no workflow file {str(source)!r} (shipped workflows: {shipped})")
        label = str(path)
        text = path.read_text(encoding="utf-8")
        import yaml

        try:
            data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        except (json.JSONDecodeError, yaml.YAMLError) as exc:
            raise Ech0Error(f"{label} does not parse: {' '.join(str(exc).split())}") from None
        if not isinstance(data, dict):
            raise Ech0Error(f"{label} must hold a mapping with name, nodes and optional inputs/outputs")
    try:
        return WorkflowSpec.model_validate(data)
    except ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        raise WorkflowError(str(data.get("name", label)), problems) from None


def list_shipped() -> list[str]:
    return sorted(p.stem for p in SHIPPED.glob("*.yaml"))


def validate_workflow(spec: WorkflowSpec, operation: Callable[[str, str], Callable[..., Any]]) -> list[str]:
    """Check a spec; `operation(lab, op)` returns an operation's function or raises Ech0Error. Raises WorkflowError
    listing every problem; returns the topological order when the spec is valid."""
    problems: list[str] = []
    if not spec.nodes:
        problems.append("it has no nodes")
    for node_id, node in spec.nodes.items():
        where = f"node {node_id!r}"
        if not NODE_ID.match(node_id) or node_id == "inputs":
            problems.append(f"{where}: a node id is a name (letters, digits, _) other than 'inputs'")
        if not node.lab or not node.operation:
            problems.append(f"{where}: run must be LAB.OPERATION, not {node.run!r}")
            continue
        try:
            fn = operation(node.lab, node.operation)
        except Ech0Error as exc:
            problems.append(f"{where}: {exc}")
        else:
            try:
                inspect.signature(fn).bind(**node.params)
            except TypeError as exc:
                expected = ", ".join(str(p) for p in inspect.signature(fn).parameters.values())
                problems.append(f"{where}: bad parameters for {node.run} ({exc}): it takes {expected}")
        problems += _reference_problems(spec, where, node.params, node_id)
        problems += [f"{where}: after names unknown node {a!r}" for a in node.after if a not in spec.nodes]
    problems += _reference_problems(spec, "outputs", spec.outputs, None)
    if spec.rank and spec.rank.by not in spec.outputs:
        problems.append(f"rank.by {spec.rank.by!r} is not one of the outputs ({', '.join(spec.outputs) or 'none'})")
    order: list[str] = []
    try:
        order = topological_order(spec)
    except WorkflowError as exc:
        problems += exc.problems
    if problems:
        raise WorkflowError(spec.name, problems)
    return order


def _reference_problems(spec: WorkflowSpec, where: str, value: Any, node_id: str | None) -> list[str]:
    problems = []
    for source, path in references(value):
        if source == "inputs":
            name = path.split(".")[0]
            if name not in spec.inputs:
                known = ", ".join(spec.inputs) or "none declared"
                problems.append(f"{where}: references unknown input {name!r} (inputs: {known})")
        elif source == node_id:
            problems.append(f"{where}: references its own outputs (${{{source}.{path}}})")
        elif source not in spec.nodes:
            problems.append(f"{where}: references unknown node {source!r} in ${{{source}.{path}}}")
    return problems


def check_inputs(spec: WorkflowSpec, given: dict[str, Any]) -> dict[str, Any]:
    """The run's inputs with defaults filled in; raises Ech0Error naming missing or unknown inputs."""
    unknown = sorted(set(given) - set(spec.inputs))
    missing = [n for n, i in spec.inputs.items() if i.required and n not in given and i.default is None]
    if unknown or missing:
        parts = [f"unknown inputs {unknown}" if unknown else "", f"missing inputs {missing}" if missing else ""]
        declared = ", ".join(f"{n} ({i.description})" if i.description else n for n, i in spec.inputs.items())
        raise Ech0Error(f"workflow {spec.name!r}: {'; '.join(p for p in parts if p)}; it takes: {declared}")
    return {n: given.get(n, i.default) for n, i in spec.inputs.items()}


def lookup(data: Any, path: str, label: str) -> Any:
    """The value at a dot path (keys and list indices); raises MissingReference naming what is missing."""
    current = data
    for part in [p for p in path.split(".") if p]:
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.lstrip("-").isdigit() and -len(current) <= int(part) < len(current):
            current = current[int(part)]
        else:
            keys = ", ".join(map(str, current)) if isinstance(current, dict) else type(current).__name__
            raise MissingReference(f"${{{label}.{path}}}: no {part!r} there (found: {keys})")
    return current


def resolve(value: Any, scope: dict[str, Any], used: list[tuple[str, str]] | None = None) -> Any:
    """`value` with every reference replaced from `scope` ({'inputs': …, node id: outputs}); appends (source, path)
    of each reference to `used`."""
    if isinstance(value, dict):
        return {k: resolve(v, scope, used) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, scope, used) for v in value]
    if not isinstance(value, str) or "${" not in value:
        return value
    whole = REF.fullmatch(value)
    if whole:
        source, path = whole.group(1), whole.group(2).lstrip(".")
        if used is not None:
            used.append((source, path))
        return lookup(scope[source], path, source)

    def substitute(match: re.Match) -> str:
        source, path = match.group(1), match.group(2).lstrip(".")
        if used is not None:
            used.append((source, path))
        found = lookup(scope[source], path, source)
        return found if isinstance(found, str) else json.dumps(found)

    return REF.sub(substitute, value)
