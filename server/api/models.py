"""Property models (labs.models): list, train (with a baseline) and predict with uncertainty.

Training data comes in the request (`csv`: the file's text) or from a CSV already in the data directory's
`datasets/` folder (`dataset`: its file name). Nothing else of the file system is reachable from a request.
Training runs in the request (seconds to minutes, on one core); the registry is DATA_DIR/models, as for the CLI.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field, model_validator

from server.api.deps import get_runtime, require_read, require_run
from server.api.errors import ApiError
from server.wiring import Runtime

router = APIRouter(prefix="/v1/models/properties", tags=["property models"])
_DATASET = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,123}\.csv$")


class TrainRequest(BaseModel):
    csv: str | None = Field(None, description="the CSV's text: a header, then one molecule a row")
    dataset: str | None = Field(None, description="file name of a CSV in DATA_DIR/datasets/")
    smiles_col: str = Field("smiles", min_length=1, max_length=200)
    target: str = Field(..., min_length=1, max_length=200, description="column holding the property to learn")
    task: Literal["regression", "classification"]
    split: Literal["scaffold", "scaffold_balanced", "random"] = "scaffold"
    seeds: int = Field(3, ge=1, le=5, description="seeds to evaluate; metrics are their mean ± std")
    name: str | None = Field(None, max_length=64, description="registry name (default: dataset stem and target)")
    refit: bool = True

    @model_validator(mode="after")
    def _one_source(self) -> TrainRequest:
        if (self.csv is None) == (self.dataset is None):
            raise ValueError("give exactly one of 'csv' (the file's text) and 'dataset' (a file in datasets/)")
        return self


class PredictRequest(BaseModel):
    model: str = Field(..., min_length=1, max_length=80, description="NAME or NAME@VERSION")
    smiles: list[str] = Field(..., min_length=1, max_length=1000)


def _registry(runtime: Runtime):
    from labs.models.registry import ModelRegistry

    return ModelRegistry(runtime.settings.models_dir)


def _training_file(runtime: Runtime, body: TrainRequest) -> tuple[Path, str]:
    """The CSV to train on, inside the data directory, and the stem naming the model by default."""
    data_dir = runtime.settings.data_dir.resolve()
    if body.csv is not None:
        folder = data_dir / "uploads"
        folder.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(body.csv.encode("utf-8")).hexdigest()[:16]
        path = folder / f"{digest}.csv"
        path.write_text(body.csv, encoding="utf-8")
        return path, "upload"
    if not _DATASET.match(body.dataset or ""):
        raise ApiError(422, f"invalid dataset name {body.dataset!r}: give a CSV file name such as 'esol.csv'")
    root = (data_dir / "datasets").resolve()
    path = (root / body.dataset).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise ApiError(404, f"no dataset {body.dataset!r} in the data directory's datasets/ folder", "not_found")
    return path, path.stem


@router.get(
    "", summary="Registered models: latest version, task, target, metrics", dependencies=[Depends(require_read)]
)
def list_models(runtime: Runtime = Depends(get_runtime)) -> list[dict]:
    return _registry(runtime).list()


@router.post(
    "/train", summary="Train the ensemble and its baseline; save the ensemble", dependencies=[Depends(require_run)]
)
def train(body: TrainRequest, runtime: Runtime = Depends(get_runtime)) -> dict:
    from labs.models.train import default_name, train_property_model

    path, stem = _training_file(runtime, body)
    report = train_property_model(
        path,
        body.smiles_col,
        body.target,
        body.task,
        _registry(runtime),
        split=body.split,
        seeds=body.seeds,
        name=body.name or default_name(Path(f"{stem}.csv"), body.target),
        refit=body.refit,
        workers=1,
    )
    return report.model_dump(mode="json")


@router.post(
    "/predict", summary="Predict with uncertainty and applicability domain", dependencies=[Depends(require_run)]
)
def predict(body: PredictRequest, runtime: Runtime = Depends(get_runtime)) -> dict:
    from labs.models.predict import predict_smiles

    return predict_smiles(_registry(runtime), body.model, body.smiles).model_dump(mode="json")
