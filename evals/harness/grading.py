"""Grading a chemistry answer against the expected one, by answer type (pure, RDKit for structures).

- integer: the same whole number (5, 5.0 and "5" all read as 5);
- number: within the case's `tolerance` (absolute; default 1e-6);
- smiles: the same molecule: RDKit canonical SMILES equal (an unparsable answer is wrong);
- text: equal ignoring case and runs of white space;
- list: element by element in order, each graded as a number or as text; a list of [i, j] pairs (an atom
  mapping) compares as a set, and when the case names the two structures (`smiles_a`, `smiles_b`), any
  mapping that is an isomorphism between them (same elements, charges and bond orders) is right too.
"""

from __future__ import annotations

import math
import re
from typing import Any

ANSWER_TYPES = ("integer", "number", "smiles", "text", "list")
DEFAULT_TOLERANCE = 1e-6


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(float(value)) else None
    if isinstance(value, str):
        text = value.strip().replace("\u2212", "-").replace(",", "")
        try:
            number = float(text)
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def _text(value: Any) -> str:
    return re.sub(r"\s+", " ", str(value)).strip().casefold()


def canonical_smiles(smiles: Any) -> str | None:
    """RDKit's canonical SMILES, or None when the text is not a parsable structure."""
    if not isinstance(smiles, str) or not smiles.strip():
        return None
    from rdkit import Chem, RDLogger

    RDLogger.DisableLog("rdApp.*")
    mol = Chem.MolFromSmiles(smiles.strip())  # plain RDKit on purpose: graders measure independently of ECH0
    return None if mol is None else Chem.MolToSmiles(mol)


def _pairs(value: Any) -> list[tuple[int, int]] | None:
    if not isinstance(value, list | tuple) or not value:
        return None
    pairs = []
    for item in value:
        if not isinstance(item, list | tuple) or len(item) != 2:
            return None
        i, j = (_number(x) for x in item)
        if i is None or j is None or i != int(i) or j != int(j):
            return None
        pairs.append((int(i), int(j)))
    return pairs


def is_isomorphism(mapping: list[tuple[int, int]], smiles_a: str, smiles_b: str) -> bool:
    """Whether `mapping` (atom index in A → atom index in B) maps A's molecular graph onto B's exactly."""
    from rdkit import Chem, RDLogger

    RDLogger.DisableLog("rdApp.*")
    a, b = Chem.MolFromSmiles(smiles_a), Chem.MolFromSmiles(smiles_b)  # plain RDKit on purpose: an independent grader
    if a is None or b is None or a.GetNumAtoms() != b.GetNumAtoms() or a.GetNumBonds() != b.GetNumBonds():
        return False
    forward = dict(mapping)
    n = a.GetNumAtoms()
    if len(forward) != n or len(mapping) != n or sorted(forward.values()) != list(range(n)):
        return False
    if not all(0 <= i < n for i in forward):
        return False
    for i, j in forward.items():
        x, y = a.GetAtomWithIdx(i), b.GetAtomWithIdx(j)
        if (x.GetAtomicNum(), x.GetFormalCharge(), x.GetIsotope()) != (
            y.GetAtomicNum(),
            y.GetFormalCharge(),
            y.GetIsotope(),
        ):
            return False
    for bond in a.GetBonds():
        other = b.GetBondBetweenAtoms(forward[bond.GetBeginAtomIdx()], forward[bond.GetEndAtomIdx()])
        if other is None or other.GetBondType() != bond.GetBondType():
            return False
    return True


def _scalar(expected: Any, got: Any, tolerance: float) -> bool:
    number = _number(expected)
    if number is not None:
        value = _number(got)
        return value is not None and abs(value - number) <= tolerance
    return _text(expected) == _text(got)


def grade(case: dict[str, Any], got: Any) -> tuple[bool, str]:
    """(right, why) for the answer `got` to the case (its `answer`, `answer_type`, optional `tolerance`)."""
    kind = case.get("answer_type")
    expected = case.get("answer")
    if got is None:
        return False, "no answer"
    tolerance = float(case.get("tolerance", DEFAULT_TOLERANCE))
    if kind == "integer":
        value = _number(got)
        ok = value is not None and value == int(value) and int(value) == int(expected)
        return ok, "" if ok else f"expected {expected}, got {got!r}"
    if kind == "number":
        value = _number(got)
        ok = value is not None and abs(value - float(expected)) <= tolerance
        return ok, "" if ok else f"expected {expected} ± {tolerance}, got {got!r}"
    if kind == "smiles":
        want, have = canonical_smiles(expected), canonical_smiles(got)
        if have is None:
            return False, f"the answer {got!r} is not a parsable SMILES"
        return want == have, "" if want == have else f"canonical {have} is not {want}"
    if kind == "text":
        ok = _text(expected) == _text(got)
        return ok, "" if ok else f"expected {expected!r}, got {got!r}"
    if kind == "list":
        return _grade_list(case, expected, got, tolerance)
    raise ValueError(f"unknown answer_type {kind!r}")


def _grade_list(case: dict[str, Any], expected: Any, got: Any, tolerance: float) -> tuple[bool, str]:
    want_pairs = _pairs(expected)
    if want_pairs is not None:
        have = _pairs(got)
        if have is None:
            return False, f"expected a list of [i, j] pairs, got {got!r}"
        if set(have) == set(want_pairs) and len(have) == len(want_pairs):
            return True, ""
        if case.get("smiles_a") and case.get("smiles_b") and is_isomorphism(have, case["smiles_a"], case["smiles_b"]):
            return True, "a different but valid isomorphism"
        return False, "the pairs differ and do not map one structure onto the other"
    if not isinstance(got, list | tuple):
        return False, f"expected a list, got {got!r}"
    if len(got) != len(expected):
        return False, f"expected {len(expected)} items, got {len(got)}"
    wrong = [i for i, (e, g) in enumerate(zip(expected, got, strict=True)) if not _scalar(e, g, tolerance)]
    return not wrong, "" if not wrong else f"items {wrong} differ"
