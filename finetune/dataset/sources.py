"""Compound sources of the factory: the shipped sets (DrugCentral, NPClassifier, ESOL, BBBP) or a user CSV.

Each row becomes a `SourceCompound` (plain and cheap to pickle to a worker) whose `annotations` are the facts the
source states about it. Keys follow the compound store ("drugcentral:4", "npclassifier:17": 1-based data rows).
"""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from knowledge.common.errors import Ech0Error
from knowledge.data import DRUGCENTRAL_APPROVED, NPCLASSIFIER_5K
from labs.pharmacology.endpoints import ENDPOINTS

ESOL = ENDPOINTS["solubility"].path  # shared with the ADMET models: columns smiles,log_solubility
BBBP = ENDPOINTS["bbb"].path  # columns smiles,p_np (1 = penetrates the blood-brain barrier)

SOURCE_FILES: dict[str, Path] = {
    "drugcentral": DRUGCENTRAL_APPROVED,
    "npclassifier": NPCLASSIFIER_5K,
    "esol": ESOL,
    "bbbp": BBBP,
}

SOURCE_INFO: dict[str, dict[str, str]] = {
    "drugcentral": {
        "title": "DrugCentral 2023 approved drugs",
        "licence": "CC BY-SA 4.0 — © DrugCentral, Oleg Ursu et al., University of New Mexico",
        "citation": "Avram S. et al. DrugCentral 2023. Nucleic Acids Res. 2023",
    },
    "npclassifier": {
        "title": "NPClassifier natural products (5k subset)",
        "licence": "MIT",
        "citation": "Kim H.W. et al. NPClassifier. J. Nat. Prod. 2021",
    },
    "esol": {
        "title": "ESOL measured aqueous solubility (MoleculeNet, via chemprop)",
        "licence": "MIT (chemprop); data from Delaney 2004",
        "citation": "Delaney J.S. ESOL. J. Chem. Inf. Comput. Sci. 2004",
    },
    "bbbp": {
        "title": "BBBP blood-brain barrier penetration (MoleculeNet, via chemprop)",
        "licence": "MIT (chemprop); data from Martins et al. 2012",
        "citation": "Martins I.F. et al. J. Chem. Inf. Model. 2012",
    },
    "input": {"title": "user-supplied compounds", "licence": "as supplied", "citation": ""},
}


@dataclass(frozen=True)
class SourceCompound:
    source: str
    source_id: str
    smiles: str
    ids: dict[str, str] = field(default_factory=dict)
    name: str | None = None
    annotations: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.source}:{self.source_id}"


def _split_list(value: str | None) -> list[str]:
    if not value:
        return []
    return [v.strip() for v in value.split("|" if "|" in value else ";") if v.strip()]


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        yield from enumerate(csv.DictReader(handle), 1)


def load_drugcentral(path: Path = DRUGCENTRAL_APPROVED) -> Iterator[SourceCompound]:
    for _, row in _rows(path):
        ids = {"drugcentral": row["drugcentral_id"]}
        for column, name in (("drugbank_id", "drugbank"), ("cas_rn", "cas"), ("inchikey", "inchikey")):
            if row.get(column):
                ids[name] = row[column].strip()
        annotations: dict[str, Any] = {
            "name": row["name"].strip(),
            "targets": _split_list(row.get("targets")),
            "indications": _split_list(row.get("indications_doid")),
            "approved_by": _split_list(row.get("approved_by")),
        }
        if ids.get("cas"):
            annotations["cas_rn"] = ids["cas"]
        if ids.get("drugbank"):
            annotations["drugbank_id"] = ids["drugbank"]
        yield SourceCompound("drugcentral", row["drugcentral_id"], row["smiles"], ids, row["name"].strip(), annotations)


# Some NPClassifier labels reached the shipped CSV with their Greek letters mis-decoded into CJK characters or
# '?' (e.g. "Carotenoids (C40, 棺-棺)" for β,β): such labels are not stated as facts.
_GARBLED = re.compile(r"[\u3000-\u9fff?]")


def load_npclassifier(path: Path = NPCLASSIFIER_5K) -> Iterator[SourceCompound]:
    for i, row in _rows(path):
        annotations = {
            f"np_{k}": row[k].strip()
            for k in ("pathway", "superclass", "class")
            if row.get(k) and not _GARBLED.search(row[k])
        }
        yield SourceCompound("npclassifier", str(i), row["smiles"], {"npclassifier": str(i)}, None, annotations)


def load_esol(path: Path = ESOL) -> Iterator[SourceCompound]:
    for i, row in _rows(path):
        annotations = {"log_solubility": round(float(row["log_solubility"]), 2)}
        yield SourceCompound("esol", str(i), row["smiles"], {"esol": str(i)}, None, annotations)


def load_bbbp(path: Path = BBBP) -> Iterator[SourceCompound]:
    for i, row in _rows(path):
        annotations = {"bbb_penetrant": row["p_np"].strip() == "1"}
        yield SourceCompound("bbbp", str(i), row["smiles"], {"bbbp": str(i)}, None, annotations)


LOADERS = {"drugcentral": load_drugcentral, "npclassifier": load_npclassifier, "esol": load_esol, "bbbp": load_bbbp}


def load_csv(path: Path) -> list[SourceCompound]:
    """Compounds of a user CSV with a `smiles` column (and optionally `name`); raises Ech0Error naming the file."""
    if not path.is_file():
        raise Ech0Error(f"no compound CSV at {path}: give a CSV file with a smiles column")
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "smiles" not in reader.fieldnames:
            raise Ech0Error(f"{path} has no 'smiles' column (columns: {reader.fieldnames or 'none'})")
        # A user's name is only a label: it is never stated as a verifiable fact.
        return [
            SourceCompound("input", str(i), row["smiles"].strip(), {"input": str(i)}, (row.get("name") or "").strip())
            for i, row in enumerate(reader, 1)
            if (row.get("smiles") or "").strip()
        ]


def interleave(groups: Iterable[list[SourceCompound]], n: int | None) -> list[SourceCompound]:
    """Round-robin over the groups so that any prefix covers every source; the first n (all when None)."""
    iterators = [iter(g) for g in groups]
    out: list[SourceCompound] = []
    while iterators and (n is None or len(out) < n):
        alive = []
        for it in iterators:
            if n is not None and len(out) >= n:
                break
            item = next(it, None)
            if item is not None:
                out.append(item)
                alive.append(it)
        else:
            iterators = alive
    return out


def select_compounds(n: int | None, seed: int, sources: tuple[str, ...] = tuple(LOADERS)) -> list[SourceCompound]:
    """n compounds from the shipped sets: each set shuffled with the seed, then interleaved (all when n is None)."""
    if n is not None and n < 1:
        raise Ech0Error(f"--compounds {n}: the compound set is empty; ask for at least one compound")
    groups = []
    for source in sources:
        rows = list(LOADERS[source]())
        random.Random(f"{seed}:{source}").shuffle(rows)
        groups.append(rows)
    return interleave(groups, n)


class SourceIndex:
    """Source records by key, read from the shipped files, for the checker to recompute source facts."""

    def __init__(self) -> None:
        self._records: dict[str, SourceCompound] = {}
        self._loaded: set[str] = set()

    def get(self, key: str) -> SourceCompound | None:
        source = key.split(":", 1)[0]
        if source in LOADERS and source not in self._loaded:
            self._records.update((c.key, c) for c in LOADERS[source]())
            self._loaded.add(source)
        return self._records.get(key)
