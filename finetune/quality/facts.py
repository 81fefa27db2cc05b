"""Facts: named values an answer states, how each is recomputed from RDKit, and how stated numbers are matched.

Names follow the chemistry lab (`molecular_weight`, `logp`, `hbd`…) and extend it with parametrised names:
`count_N` (atoms of an element), `atomic_mass.C`, `mass_contribution.C`, `threshold.molecular_weight`,
`partner.<fact>` (the second compound), `delta.<property>` (compound minus partner). Source facts (`name`,
`targets`, `log_solubility`…) are recomputed from the source files by the checker, not here.
"""

from __future__ import annotations

import math
import re
from typing import Any

from rdkit import Chem
from rdkit.Chem import rdMolDescriptors

from labs.chemistry import structure
from labs.chemistry.properties import PROPERTIES, compute_properties

# Rule thresholds stated in reasoning answers; the checker verifies them against these constants.
LIPINSKI = {"molecular_weight": 500, "logp": 5, "hbd": 5, "hba": 10}
VEBER = {"rotatable_bonds": 10, "tpsa": 140}
RULE_OF_THREE = {"molecular_weight": 300, "logp": 3, "hbd": 3, "hba": 3, "rotatable_bonds": 3}
THRESHOLDS = {**LIPINSKI, **VEBER}

SOURCE_FACTS = {
    "name",
    "targets",
    "target_count",
    "queried_target",
    "is_target",
    "indication_count",
    "indications",
    "approved_by",
    "cas_rn",
    "drugbank_id",
    "bbb_penetrant",
    "log_solubility",
    "np_pathway",
    "np_superclass",
    "np_class",
}
LIST_SUBSET_FACTS = {"targets", "indications"}  # an answer may list some of them; each must be in the source


def _violations(values: dict[str, Any], rule: dict[str, float]) -> int:
    return sum(values[name] > limit for name, limit in rule.items())


def mol_facts(mol: Chem.Mol) -> dict[str, Any]:
    """Every unparametrised RDKit fact of a molecule, computed once (the factory renders many answers from it)."""
    values: dict[str, Any] = dict(compute_properties(mol))
    values["formula"] = rdMolDescriptors.CalcMolFormula(mol)
    values["formal_charge"] = Chem.GetFormalCharge(mol)
    values["smiles"] = Chem.MolToSmiles(mol)
    values["ring_sizes"] = structure.ring_info(mol)["ring_sizes"]
    values["scaffold"] = structure.scaffolds(mol)["scaffold"]
    values["veber_violations"] = _violations(values, VEBER)
    values["ro3_violations"] = _violations(values, RULE_OF_THREE)
    values["lipinski_compliant"] = values["lipinski_violations"] <= 1
    values["veber_compliant"] = values["veber_violations"] == 0
    return values


def element_counts(mol: Chem.Mol) -> dict[str, int]:
    """Atoms per element symbol, hydrogens included (implicit and explicit), via the lab's count_element."""
    symbols = {a.GetSymbol() for a in mol.GetAtoms() if a.GetAtomicNum() > 0}
    if any(a.GetTotalNumHs() for a in mol.GetAtoms()):
        symbols.add("H")
    return {s: structure.count_element(mol, s) for s in sorted(symbols)}


def atomic_mass(symbol: str) -> float:
    return round(Chem.GetPeriodicTable().GetAtomicWeight(symbol), 3)


def digits(name: str) -> int | None:
    """Decimal places a numeric fact is stated with (None: not rounded, e.g. counts)."""
    base = name.split(".", 1)[1] if name.startswith(("partner.", "delta.")) else name
    if base in PROPERTIES:
        return PROPERTIES[base].digits
    if name.startswith(("atomic_mass.", "mass_contribution.")):
        return 3
    if base in ("log_solubility", "tanimoto"):
        return 2
    return 0


def fmt(name: str, value: Any) -> str:
    """A fact's value as answers write it."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    places = digits(name) or 0
    return str(int(value)) if places == 0 else f"{value:.{places}f}"


def recompute(name: str, mol: Chem.Mol, cached: dict[str, Any]) -> Any:
    """The RDKit value of fact `name` for `mol` (no partner/source facts); `cached` holds mol_facts(mol).

    Raises KeyError for a name this module does not know.
    """
    if name in cached:
        return cached[name]
    if name.startswith("count_"):
        return structure.count_element(mol, name[len("count_") :])
    if name.startswith("atomic_mass."):
        return atomic_mass(name.split(".", 1)[1])
    if name.startswith("mass_contribution."):
        symbol = name.split(".", 1)[1]
        return round(structure.count_element(mol, symbol) * Chem.GetPeriodicTable().GetAtomicWeight(symbol), 3)
    if name.startswith("threshold."):
        return THRESHOLDS[name.split(".", 1)[1]]
    if name.startswith("ro3_threshold."):
        return RULE_OF_THREE[name.split(".", 1)[1]]
    if name == "shortest_path_bonds":
        return structure.shortest_path_bonds(mol)
    raise KeyError(name)


def matches(name: str, stated: Any, computed: Any) -> bool:
    """A stated fact equals the recomputed one within the rounding it is stated with."""
    if isinstance(computed, bool) or isinstance(stated, bool):
        return stated is computed or stated == computed
    if isinstance(computed, (int, float)) and isinstance(stated, (int, float)):
        places = digits(name)
        tolerance = 0.51 * 10 ** -(places or 0) if places else 1e-9
        return math.isfinite(float(stated)) and abs(float(stated) - float(computed)) <= tolerance
    if isinstance(computed, list) and isinstance(stated, list):
        if name in LIST_SUBSET_FACTS:
            return set(stated) <= set(computed) and len(stated) > 0
        return sorted(map(str, stated)) == sorted(map(str, computed)) if name == "approved_by" else stated == computed
    return stated == computed


_NUMBER = re.compile(r"(?<![A-Za-z0-9_.\-+/\[:])[-+]?[0-9]+(?:\.[0-9]+)?(?![A-Za-z0-9_]|\.[0-9])")


def _numeric_values(facts: dict[str, Any]) -> list[float]:
    out: list[float] = []
    for value in facts.values():
        items = value if isinstance(value, list) else [value]
        out.extend(float(v) for v in items if isinstance(v, (int, float)) and not isinstance(v, bool))
    return out


def _strings(facts: dict[str, Any], extra: list[str]) -> list[str]:
    out = [s for s in extra if s]
    for value in facts.values():
        items = value if isinstance(value, list) else [value]
        out.extend(v for v in items if isinstance(v, str) and v)
    return sorted(set(out), key=len, reverse=True)


def stated_numbers(text: str, facts: dict[str, Any], strings: list[str]) -> list[str]:
    """Numbers written in `text` outside the known strings (SMILES, names, formulae) whose digits could hide them."""
    for s in _strings(facts, strings):
        text = text.replace(s, " ")
    return _NUMBER.findall(text)


def answer_problems(text: str, facts: dict[str, Any], strings: list[str]) -> list[str]:
    """What makes an answer unfaithful to its facts: numbers no fact supports (each must equal a fact value
    within the rounding it is written with), numeric facts never stated, and string facts missing from the text
    (case-insensitive). Empty when the answer states exactly its facts."""
    values = _numeric_values(facts)
    numbers = stated_numbers(text, facts, strings)
    bad = []
    for token in numbers:
        places = len(token.split(".", 1)[1]) if "." in token else 0
        tolerance = 0.5 * 10**-places + 1e-9
        if not any(abs(float(token) - v) <= tolerance for v in values):
            bad.append(f"unsupported number {token}")
    # A number states a fact when it is the fact rounded to the places it is written with (180.2 for 180.16).
    parsed = [(float(t), 0.5 * 10 ** -(len(t.split(".", 1)[1]) if "." in t else 0) + 1e-9) for t in numbers]
    lowered = text.lower()
    for name, value in facts.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if not any(abs(p - value) <= tolerance for p, tolerance in parsed):
                bad.append(f"{name}={value} not stated")
        else:
            items = value if isinstance(value, list) else [value]
            missing = [v for v in items if isinstance(v, str) and v.lower() not in lowered]
            if missing:
                bad.append(f"{name}={missing[0]!r} not stated")
    return bad
