"""The paraphrase-understanding set: schema, identity of molecules, and reproducibility of its answers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, model_validator
from rdkit import Chem, RDLogger

RDLogger.DisableLog("rdApp.*")

SET_DIR = Path(__file__).resolve().parents[2] / "evals" / "data" / "understanding"
SPLITS = ("dev", "sealed")

TASK_INTENTS = {
    "literature",
    "compound_record",
    "property",
    "structure",
    "admet",
    "toxicity",
    "similarity",
    "natural_product",
    "train_model",
    "sar",
    "reaction",
    "elucidation",
}
CONVERSATION_INTENTS = {"greeting", "capabilities", "thanks", "out_of_scope", "clarify"}
PROPERTIES = {
    "molecular_weight",
    "logp",
    "tpsa",
    "hbd",
    "hba",
    "rotatable_bonds",
    "qed",
    "sa_score",
    "lipinski_violations",
    "lipinski",
    "formula",
    "smiles",
    "all",
}
STRUCTURE_QUESTIONS = {"count_element", "heavy_atoms", "rings", "aromatic_rings", "shortest_path", "atom_mapping"}
ENDPOINTS = {"solubility", "lipophilicity", "bbb", "clintox"}
TOLERANCES = {"molecular_weight": 0.1, "logp": 0.05, "tpsa": 0.1, "qed": 0.01, "sa_score": 0.05}


class Compound(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mention: str = Field(min_length=1)
    inchikey: str | None = Field(pattern=r"^[A-Z]{14}-[A-Z]{10}-[A-Z]$")
    smiles: str | None = None


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["integer", "number", "yes_no", "smiles", "formula", "pairs"]
    value: int | float | str | list[list[int]]
    tolerance: float | None = None

    @model_validator(mode="after")
    def _tolerance_only_for_numbers(self) -> Answer:
        assert (self.type == "number") == (self.tolerance is not None), "tolerance goes with type 'number' only"
        if self.type == "yes_no":
            assert self.value in ("yes", "no")
        return self


class Part(BaseModel):
    model_config = ConfigDict(extra="allow")  # intent-specific slots are checked in _slots
    intent: str
    compounds: list[Compound]
    answer: Answer | None = None

    @model_validator(mode="after")
    def _slots(self) -> Part:
        slots = self.model_extra or {}
        assert self.intent in TASK_INTENTS | CONVERSATION_INTENTS, self.intent
        if self.intent == "property":
            assert slots["property"] in PROPERTIES
        elif self.intent == "structure":
            assert slots["question"] in STRUCTURE_QUESTIONS
            if slots["question"] == "count_element":
                assert Chem.GetPeriodicTable().GetAtomicNumber(slots["element"]) > 0
        elif self.intent == "compound_record":
            assert slots["record_field"] in {"targets", "indications", "approval", "identifiers"}
        elif self.intent == "admet":
            assert slots["endpoints"] and set(slots["endpoints"]) <= ENDPOINTS
        elif self.intent == "similarity":
            assert slots["library"] in {"approved_drugs", "natural_products", "all"}
        elif self.intent == "natural_product":
            assert slots["np_level"] in {"pathway", "superclass", "class", "np_likeness"}
        elif self.intent == "train_model":
            assert slots["endpoint"] in ENDPOINTS
        elif self.intent == "sar":
            assert slots["series"] and all(len(row) == 2 for row in slots["series"]) and slots["query"]
        elif self.intent == "reaction":
            assert slots["reactants"] and slots["reaction_class"]
        elif self.intent == "elucidation":
            assert slots["formula"] and (slots["h_shifts"] or slots["c_shifts"])
        elif self.intent in CONVERSATION_INTENTS:
            assert not self.compounds and self.answer is None
        return self


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^u-\d{4}$")
    split: Literal["dev", "sealed"]
    request: str = Field(min_length=1)
    history: list[str]
    parts: list[Part] = Field(min_length=1)
    unresolved: list[str]
    style: list[str]
    source: str = Field(min_length=1)


def _read(directory: Path) -> dict[str, list[dict]]:
    return {
        split: [json.loads(line) for line in (directory / f"paraphrase_{split}.jsonl").read_text("utf-8").splitlines()]
        for split in SPLITS
    }


@pytest.fixture(scope="module")
def raw() -> dict[str, list[dict]]:
    return _read(SET_DIR)


@pytest.fixture(scope="module")
def cases(raw: dict[str, list[dict]]) -> list[Case]:
    return [Case.model_validate(obj) for split in SPLITS for obj in raw[split]]


def test_every_line_fits_the_schema_and_its_split(raw: dict[str, list[dict]]) -> None:
    for split in SPLITS:
        for obj in raw[split]:
            assert Case.model_validate(obj).split == split


def test_ids_are_unique_and_there_are_enough_cases(cases: list[Case]) -> None:
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids))
    assert len(cases) >= 400


def test_every_intent_has_cases_in_both_splits(cases: list[Case]) -> None:
    for split in SPLITS:
        present = {p.intent for c in cases if c.split == split for p in c.parts}
        assert present == TASK_INTENTS | CONVERSATION_INTENTS, split


def test_sealed_split_is_about_a_quarter(cases: list[Case]) -> None:
    sealed = sum(c.split == "sealed" for c in cases)
    assert 0.2 <= sealed / len(cases) <= 0.3


def _all_smiles(case: Case) -> list[str]:
    found = []
    for part in case.parts:
        found += [c.smiles for c in part.compounds if c.smiles]
        extra = part.model_extra or {}
        found += [row[0] for row in extra.get("series", [])]
        found += [extra["query"]] if "query" in extra else []
        if part.answer and part.answer.type == "smiles":
            found.append(part.answer.value)
    return found


def test_every_smiles_parses(cases: list[Case]) -> None:
    for case in cases:
        for smiles in _all_smiles(case):
            assert Chem.MolFromSmiles(smiles) is not None, (case.id, smiles)


def test_inchikeys_match_rdkit(cases: list[Case]) -> None:
    for case in cases:
        for part in case.parts:
            for compound in part.compounds:
                if compound.smiles:
                    # RDKit gives '' for fragments with '*' attachment points; the set stores null for those
                    expected = Chem.MolToInchiKey(Chem.MolFromSmiles(compound.smiles)) or None
                    assert compound.inchikey == expected, case.id
                elif compound.mention.startswith("InChI="):
                    assert compound.inchikey == Chem.InchiToInchiKey(compound.mention), case.id


def test_unresolved_mentions_have_no_inchikey_and_are_listed(cases: list[Case]) -> None:
    for case in cases:
        missing = {c.mention for p in case.parts for c in p.compounds if c.inchikey is None and c.smiles is None}
        assert missing == set(case.unresolved), case.id


def test_mentions_are_quoted_from_the_conversation(cases: list[Case]) -> None:
    for case in cases:
        text = " ".join([case.request, *case.history])
        for part in case.parts:
            for compound in part.compounds:
                assert compound.mention in text, (case.id, compound.mention)


def test_numeric_answers_carry_the_agreed_tolerances(cases: list[Case]) -> None:
    for case in cases:
        for part in case.parts:
            prop = (part.model_extra or {}).get("property")
            if part.answer and prop in TOLERANCES:
                assert part.answer.tolerance == TOLERANCES[prop], case.id


def test_atom_mappings_are_isomorphisms(cases: list[Case]) -> None:
    checked = 0
    for case in cases:
        for part in case.parts:
            if (part.model_extra or {}).get("question") != "atom_mapping":
                continue
            first, second = (Chem.MolFromSmiles(c.smiles) for c in part.compounds)
            mapping = dict(map(tuple, part.answer.value))
            assert sorted(mapping) == list(range(first.GetNumAtoms()))
            for atom in first.GetAtoms():
                assert atom.GetSymbol() == second.GetAtomWithIdx(mapping[atom.GetIdx()]).GetSymbol()
            for bond in first.GetBonds():
                i, j = mapping[bond.GetBeginAtomIdx()], mapping[bond.GetEndAtomIdx()]
                assert second.GetBondBetweenAtoms(i, j) is not None, case.id
            checked += 1
    assert checked >= 5


def test_compute_answers_reproduces_the_files(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(SET_DIR / "compute_answers.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    for split in SPLITS:
        name = f"paraphrase_{split}.jsonl"
        assert (tmp_path / name).read_bytes() == (SET_DIR / name).read_bytes(), name
