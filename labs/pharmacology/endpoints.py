"""The ADMET endpoints ECH0 models out of the box, each tied to its shipped measured set."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from knowledge.common.errors import Ech0Error

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Endpoint:
    name: str
    label: str
    file: str
    target: str
    task: Literal["regression", "classification"]
    unit: str = ""

    @property
    def path(self) -> Path:
        return DATA / self.file

    @property
    def model_name(self) -> str:
        return f"admet-{self.name}"


ENDPOINTS: dict[str, Endpoint] = {
    e.name: e
    for e in (
        Endpoint("solubility", "aqueous solubility (log S)", "esol.csv", "log_solubility", "regression", "log mol/L"),
        Endpoint("lipophilicity", "lipophilicity (logD pH 7.4)", "lipo.csv", "lipo", "regression"),
        Endpoint("bbb", "blood–brain barrier penetration", "bbbp.csv", "p_np", "classification"),
        Endpoint("clintox", "clinical-trial toxicity", "clintox.csv", "CT_TOX", "classification"),
    )
}


def endpoint(name: str) -> Endpoint:
    if name not in ENDPOINTS:
        raise Ech0Error(f"unknown ADMET endpoint {name!r}: choose from {', '.join(ENDPOINTS)}")
    return ENDPOINTS[name]


@lru_cache(maxsize=8)
def measured_values(name: str) -> dict[str, float]:
    """InChIKey → measured value of an endpoint's shipped set (first row wins for duplicates)."""
    from knowledge.common.mol import InvalidSmilesError, inchikey, to_mol

    e = endpoint(name)
    values: dict[str, float] = {}
    with e.path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            try:
                key = inchikey(to_mol(row["smiles"]))
                values.setdefault(key, float(row[e.target]))
            except (InvalidSmilesError, ValueError, KeyError):
                continue  # rows RDKit cannot parse carry no comparable structure
    return values
