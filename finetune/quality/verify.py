"""Recompute one example from scratch: its SMILES parse and round-trip, every fact matches RDKit or the source
file, and the answer states exactly its facts. Used by `ech0 data check`; knows nothing of how it was made."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from rdkit import Chem

from finetune.dataset import edits
from finetune.dataset.paraphrase import known_strings
from finetune.dataset.schema import Example
from finetune.dataset.sources import LOADERS, SourceIndex
from finetune.quality.facts import SOURCE_FACTS, THRESHOLDS, answer_problems, digits, matches, mol_facts, recompute
from knowledge.common.mol import try_mol

SMILES_FACTS = ("smiles", "scaffold", "decorated_smiles")


class MolCache:
    """Parsed molecules and their facts by SMILES: each distinct molecule is computed once per process."""

    def __init__(self) -> None:
        self._mols: dict[str, Chem.Mol | None] = {}
        self._facts: dict[str, dict[str, Any]] = {}
        self._canonical: dict[str, str | None] = {}
        self._groups: dict[str, str] = {}

    def round_trips(self, smiles: str) -> bool:
        """The SMILES parses and is its own canonical form (which parses back to itself)."""
        if smiles not in self._canonical:
            self._canonical[smiles] = edits.round_trip(smiles) if smiles else None
        return self._canonical[smiles] == smiles

    def canonical(self, smiles: str) -> str | None:
        self.round_trips(smiles)
        return self._canonical[smiles]

    def group(self, smiles: str) -> str | None:
        if smiles not in self._groups:
            mol = self.mol(smiles)
            self._groups[smiles] = edits.group_key(mol) if mol is not None else None
        return self._groups[smiles]

    def mol(self, smiles: str) -> Chem.Mol | None:
        if smiles not in self._mols:
            self._mols[smiles] = try_mol(smiles)
        return self._mols[smiles]

    def facts(self, smiles: str) -> dict[str, Any]:
        if smiles not in self._facts:
            self._facts[smiles] = mol_facts(self._mols[smiles])
        return self._facts[smiles]


def _source_record(ids: dict[str, str], sources: SourceIndex):
    for source in LOADERS:
        if source in ids:
            return sources.get(f"{source}:{ids[source]}")
    return None


def _source_value(name: str, stated: Any, record) -> tuple[bool, Any]:
    a = record.annotations
    if name == "target_count":
        return True, len(a.get("targets", []))
    if name == "indication_count":
        return True, len(a.get("indications", []))
    if name == "queried_target":
        return True, stated  # checked with is_target
    if name == "is_target":
        return True, None
    return name in a, a.get(name)


def verify(example: dict[str, Any], cache: MolCache, sources: SourceIndex) -> dict[str, list[str]]:
    """Problems of one example by kind: schema, smiles, fact, source, answer (empty lists when sound)."""
    problems: dict[str, list[str]] = {"schema": [], "smiles": [], "fact": [], "source": [], "answer": []}
    try:
        Example.model_validate(example)
    except ValidationError as exc:
        problems["schema"].append(str(exc.errors()[0]["msg"]))
        return problems
    compound, partner = example["compound"], example.get("partner")
    inputs, facts = example.get("inputs") or {}, example["facts"]
    for label, ref in (("compound", compound), ("partner", partner)):
        if ref is not None and not cache.round_trips(ref["smiles"]):
            problems["smiles"].append(f"{label} SMILES {ref['smiles']!r} does not parse or is not canonical")
    for name in SMILES_FACTS:
        if isinstance(facts.get(name), str) and facts[name] and not cache.round_trips(facts[name]):
            problems["smiles"].append(f"fact {name} {facts[name]!r} does not parse or is not canonical")
    if problems["smiles"]:
        return problems
    mol = cache.mol(compound["smiles"])
    other = cache.mol(partner["smiles"]) if partner else None
    record = _source_record(compound["ids"], sources)
    if record is not None:
        if cache.canonical(record.smiles) != compound["smiles"]:
            problems["source"].append(f"{record.key} is {record.smiles!r}, not the example's compound")
        elif compound.get("name") and record.name and compound["name"] != record.name:
            problems["source"].append(f"{record.key} is named {record.name!r}, not {compound['name']!r}")
    for name, stated in facts.items():
        try:
            ok, computed = _check_fact(name, stated, example, mol, other, cache, record)
        except (KeyError, ValueError, RuntimeError, TypeError) as exc:
            problems["fact"].append(f"{name}: cannot recompute ({type(exc).__name__}: {exc})")
            continue
        if not ok:
            kind = "source" if name in SOURCE_FACTS else "fact"
            problems[kind].append(f"{name}: stated {stated!r}, recomputed {computed!r}")
    if "variant_smiles" in inputs and cache.canonical(inputs["variant_smiles"]) != compound["smiles"]:
        problems["smiles"].append(f"variant SMILES {inputs['variant_smiles']!r} is not the example's molecule")
    answer = example["messages"][-1]["content"]
    problems["answer"] += answer_problems(answer, facts, known_strings(example))
    return problems


def _check_fact(name, stated, example, mol, other, cache: MolCache, record) -> tuple[bool, Any]:
    compound, inputs = example["compound"], example.get("inputs") or {}
    if name in SOURCE_FACTS:
        if record is None:
            return False, "no source record in compound.ids"
        present, computed = _source_value(name, stated, record)
        if name == "is_target":
            computed = example["facts"].get("queried_target") in record.annotations.get("targets", [])
        return present and matches(name, stated, computed), computed
    if name.startswith("partner."):
        if other is None:
            return False, "no partner"
        base = name.split(".", 1)[1]
        computed = recompute(base, other, cache.facts(example["partner"]["smiles"]))
        return matches(base, stated, computed), computed
    if name.startswith("delta."):
        base = name.split(".", 1)[1]
        a = recompute(base, mol, cache.facts(compound["smiles"]))
        b = recompute(base, other, cache.facts(example["partner"]["smiles"]))
        computed = round(a - b, digits(name) or 0)
        return matches(name, stated, computed), computed
    if name == "tanimoto":
        computed = round(edits.tanimoto(mol, other), 2)
        return matches(name, stated, computed), computed
    if name == "atom_mapping":
        variant = cache.mol(inputs.get("variant_smiles", ""))
        ok = variant is not None and edits.is_atom_mapping(variant, mol, list(stated))
        return ok, "a valid mapping" if ok else "not an isomorphism"
    if name == "decorated_smiles":
        parent = cache.mol(inputs.get("parent_smiles", ""))
        made = edits.attach(parent, [int(inputs["atom_index"])], inputs["substituent"]) if parent else None
        computed = Chem.MolToSmiles(made) if made is not None else None
        same_parent = (example.get("partner") or {}).get("smiles") == inputs.get("parent_smiles")
        return stated == computed == compound["smiles"] and same_parent, computed
    if name.startswith("threshold.") and name.split(".", 1)[1] not in THRESHOLDS:
        return False, "unknown threshold"
    computed = recompute(name, mol, cache.facts(compound["smiles"]))
    return matches(name, stated, computed), computed
