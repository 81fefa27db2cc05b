"""Run one experiment: look it up in the store, else compute and record it."""

from __future__ import annotations

import inspect
import time
from typing import Any

from knowledge.errors import Ech0Error
from labs.base import Experiment, ExperimentResult, make_lab
from labs.store import ExperimentStore


class LabRunner:
    def __init__(self, store: ExperimentStore) -> None:
        self.store = store
        self._labs: dict[str, Any] = {}

    def run(self, lab_name: str, operation: str, params: dict[str, Any]) -> ExperimentResult:
        lab = self._labs.setdefault(lab_name, make_lab(lab_name))
        ops = lab.operations()
        if operation not in ops:
            raise Ech0Error(f"lab {lab_name!r} has no operation {operation!r}: choose one of {', '.join(sorted(ops))}")
        fn = ops[operation]
        try:
            inspect.signature(fn).bind(**params)
        except TypeError as exc:
            expected = ", ".join(str(p) for p in inspect.signature(fn).parameters.values())
            raise Ech0Error(f"bad parameters for {lab_name}.{operation} ({exc}): it takes {expected}") from None
        experiment = Experiment(lab=lab_name, operation=operation, params=params, version=lab.version)
        cached = self.store.get(experiment.id)
        if cached is not None:
            return cached
        started = time.perf_counter()
        outputs = fn(**params)
        result = ExperimentResult(
            experiment_id=experiment.id,
            lab=lab_name,
            operation=operation,
            version=lab.version,
            params=params,
            outputs=outputs,
            duration_s=round(time.perf_counter() - started, 4),
        )
        self.store.put(result)
        return result
