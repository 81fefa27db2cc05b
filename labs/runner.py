"""Run one experiment: look it up in the store, else compute and record it.

`run` is the whole path; `plan`, `compute` and `record` are its three steps, used apart by the orchestrator
(which plans and records in the parent process and may compute in a worker process).
"""

from __future__ import annotations

import contextlib
import inspect
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError

from knowledge.common.errors import Ech0Error
from labs.base import Experiment, ExperimentResult, LabContext, lab_uses_context, make_lab
from labs.store import ExperimentStore


@dataclass(frozen=True)
class PlannedExperiment:
    """A checked experiment: its parameters as prepared by the lab (pins filled in), its id and its function."""

    experiment: Experiment
    fn: Callable[..., dict[str, Any]]

    @property
    def id(self) -> str:
        return self.experiment.id


def check_params(lab_name: str, operation: str, fn: Callable[..., Any], params: dict[str, Any]) -> None:
    """Raise Ech0Error when `params` do not fit the operation's signature (names only, values unchecked)."""
    try:
        inspect.signature(fn).bind(**params)
    except TypeError as exc:
        expected = ", ".join(str(p) for p in inspect.signature(fn).parameters.values())
        raise Ech0Error(f"bad parameters for {lab_name}.{operation} ({exc}): it takes {expected}") from None


def compute(lab_name: str, operation: str, params: dict[str, Any], context: LabContext | None) -> dict[str, Any]:
    """Run one prepared experiment's operation in a fresh lab (for worker processes: everything is picklable)."""
    lab = make_lab(lab_name)
    if lab_uses_context(lab):
        lab.bind(context or LabContext())
    return lab.operations()[operation](**params)


class LabRunner:
    def __init__(self, store: ExperimentStore, context: LabContext | None = None) -> None:
        self.store = store
        self.context = context or LabContext()
        self._labs: dict[str, Any] = {}
        self._lock = threading.Lock()

    def lab(self, lab_name: str) -> Any:
        """The runner's instance of a lab, made (and bound to the context) on first use."""
        with self._lock:
            if lab_name not in self._labs:
                lab = make_lab(lab_name)
                if lab_uses_context(lab):
                    lab.bind(self.context)
                self._labs[lab_name] = lab
            return self._labs[lab_name]

    def operation(self, lab_name: str, operation: str) -> Callable[..., dict[str, Any]]:
        ops = self.lab(lab_name).operations()
        if operation not in ops:
            raise Ech0Error(f"lab {lab_name!r} has no operation {operation!r}: choose one of {', '.join(sorted(ops))}")
        return ops[operation]

    def plan(self, lab_name: str, operation: str, params: dict[str, Any]) -> PlannedExperiment:
        """Check the operation and its parameters, let the lab pin its resources, and compute the id."""
        fn = self.operation(lab_name, operation)
        check_params(lab_name, operation, fn, params)
        lab = self.lab(lab_name)
        prepare = getattr(lab, "prepare", None)
        if callable(prepare):
            params = prepare(operation, dict(params))
        experiment = Experiment(lab=lab_name, operation=operation, params=params, version=lab.version)
        return PlannedExperiment(experiment, fn)

    def record(self, planned: PlannedExperiment, outputs: dict[str, Any], duration_s: float) -> ExperimentResult:
        e = planned.experiment
        result = ExperimentResult(
            experiment_id=e.id,
            lab=e.lab,
            operation=e.operation,
            version=e.version,
            params=e.params,
            outputs=outputs,
            duration_s=round(duration_s, 4),
        )
        # IntegrityError: another process stored the same experiment first (same inputs, same outputs).
        with contextlib.suppress(IntegrityError):
            self.store.put(result)
        return result

    def run(self, lab_name: str, operation: str, params: dict[str, Any]) -> ExperimentResult:
        planned = self.plan(lab_name, operation, params)
        cached = self.store.get(planned.id)
        if cached is not None:
            return cached
        started = time.perf_counter()
        outputs = planned.fn(**planned.experiment.params)
        return self.record(planned, outputs, time.perf_counter() - started)
