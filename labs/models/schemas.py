"""Typed results of training and prediction (what the CLI prints with --json)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from labs.models.data import DroppedRow

Metrics = dict[str, float | None]


class DomainReport(BaseModel):
    threshold: float = Field(description="max Tanimoto similarity to training needed to be in domain")
    in_domain_fraction: float
    metrics_in_domain: Metrics
    metrics_out_of_domain: Metrics


class UncertaintyReport(BaseModel):
    coverage: float | None = Field(None, description="fraction of test targets inside the conformal interval")
    nominal_coverage: float | None = None
    mean_interval_width: float | None = None
    spearman_uncertainty_error: float | None = Field(
        None, description="rank correlation of the uncertainty with the absolute error (or 1 − p̂ of the true class)"
    )


class SeedResult(BaseModel):
    seed: int
    n_train: int
    n_valid: int
    n_test: int
    metrics: Metrics
    baseline: Metrics
    selection: dict[str, float | bool | None]
    uncertainty: UncertaintyReport
    domain: DomainReport
    fit_seconds: float
    baseline_seconds: float


class FinalModel(BaseModel):
    ref: str | None = Field(None, description="name@version in the registry")
    trained_on: str
    n_train: int
    test_metrics: Metrics = Field(description="the saved model on the first seed's test fold (held out from it)")


class TrainReport(BaseModel):
    task: str
    n: int = Field(description="rows used: parsed SMILES with a target")
    metrics: Metrics = Field(description="ensemble, mean over seeds, on the test fold")
    baseline: Metrics = Field(description="Morgan-bit random forest, mean over seeds, same folds")
    metrics_std: Metrics
    baseline_std: Metrics
    split: str
    seeds: list[int]
    target: str
    smiles_col: str
    model: str | None = Field(None, description="the saved model, name@version")
    final_model: FinalModel
    per_seed: list[SeedResult]
    dropped_rows: list[DroppedRow]
    skipped_empty_target: int
    data_hash: str
    seconds: dict[str, float]


class PredictionRow(BaseModel):
    row: int = Field(description="0-based position in the input (for a CSV: data row, header excluded)")
    line: int | None = Field(None, description="line in the CSV file (header = 1)")
    smiles: str
    prediction: float | None = Field(None, description="regression: predicted value; classification: P(class 1)")
    label: str | None = Field(None, description="classification: the predicted class, as written in the training CSV")
    std: float | None = Field(None, description="spread (standard deviation) over the ensemble's members")
    lower: float | None = Field(None, description="regression: lower end of the conformal interval")
    upper: float | None = None
    max_similarity: float | None = Field(None, description="highest Tanimoto similarity to the training set")
    in_domain: bool | None = None
    model: str
    error: str | None = None


class PredictionReport(BaseModel):
    model: str
    task: str
    target: str
    interval_coverage: float | None = None
    domain_threshold: float
    n: int
    n_errors: int
    predictions: list[PredictionRow]
