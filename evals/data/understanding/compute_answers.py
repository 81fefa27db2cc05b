"""Compute every expected answer of the paraphrase-understanding set and write the two jsonl splits.

Standalone on purpose: it uses only RDKit (plus numpy, which RDKit ships with) and the DrugCentral CSV for
InChIKeys, and imports nothing from ECH0, so the set stays an independent yardstick.

    python evals/data/understanding/compute_answers.py [--out DIR]

Re-running it reproduces paraphrase_dev.jsonl and paraphrase_sealed.jsonl byte for byte (same RDKit version).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import runpy
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from rdkit import Chem, RDConfig, RDLogger
from rdkit.Chem import QED, Crippen, Descriptors, Lipinski, rdMolDescriptors

sys.path.append(os.path.join(RDConfig.RDContribDir, "SA_Score"))
import sascorer  # noqa: E402  (RDKit Contrib, importable only after the path tweak above)

RDLogger.DisableLog("rdApp.*")

HERE = Path(__file__).resolve().parent
DRUG_CSV = HERE.parents[2] / "knowledge" / "data" / "drugcentral_approved.csv"
SOURCE = HERE / "cases_source.py"
SEED = 20250611
SEALED_FRACTION = 0.25
SAR_TOLERANCE = 0.15
TOLERANCE = {"molecular_weight": 0.1, "logp": 0.05, "tpsa": 0.1, "qed": 0.01, "sa_score": 0.05}
CONVERSATION = {"greeting", "capabilities", "thanks", "out_of_scope", "clarify"}


class CaseError(ValueError):
    """A source case that cannot be turned into a checkable record."""


# ----------------------------------------------------------------------------- molecules
def load_drugs(path: Path = DRUG_CSV) -> dict[str, dict]:
    with path.open(newline="", encoding="utf-8") as fh:
        return {row["name"].lower(): row for row in csv.DictReader(fh)}


def parse_smiles(smiles: str) -> Chem.Mol:
    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        raise CaseError(f"RDKit cannot parse SMILES {smiles!r}")
    return mol


def resolve(ref: dict, drugs: dict[str, dict]) -> tuple[dict, Chem.Mol | None]:
    """Turn a source compound reference into its jsonl form and the molecule it means (None if unresolved)."""
    kind, mention = ref["kind"], ref["mention"]
    if kind == "drug":
        row = drugs.get(ref["name"])
        if row is None:
            raise CaseError(f"{ref['name']!r} is not in {DRUG_CSV.name}")
        mol = parse_smiles(row["smiles"])
        if Chem.MolToInchiKey(mol) != row["inchikey"]:
            raise CaseError(f"CSV InChIKey of {ref['name']!r} disagrees with RDKit; pick another drug")
        return {"mention": mention, "inchikey": row["inchikey"]}, mol
    if kind == "smiles":
        mol = parse_smiles(ref["smiles"])
        # '*' attachment points have no InChI, so such fragments carry inchikey null next to their SMILES
        return {"mention": mention, "inchikey": Chem.MolToInchiKey(mol) or None, "smiles": ref["smiles"]}, mol
    if kind == "inchi":
        mol = Chem.MolFromInchi(mention)
        if mol is None:
            raise CaseError(f"RDKit cannot parse InChI {mention!r}")
        return {"mention": mention, "inchikey": Chem.InchiToInchiKey(mention)}, mol
    if kind == "unresolved":
        return {"mention": mention, "inchikey": None}, None
    raise CaseError(f"unknown compound kind {kind!r}")


# ----------------------------------------------------------------------------- answers
def number(value: float, tolerance: float) -> dict:
    return {"type": "number", "value": round(float(value), 4), "tolerance": tolerance}


def integer(value: int) -> dict:
    return {"type": "integer", "value": int(value)}


def lipinski_violations(mol: Chem.Mol) -> int:
    return sum(
        (
            Descriptors.MolWt(mol) > 500,
            Crippen.MolLogP(mol) > 5,
            Lipinski.NumHDonors(mol) > 5,
            Lipinski.NumHAcceptors(mol) > 10,
        )
    )


def property_answer(name: str, mol: Chem.Mol) -> dict | None:
    if name == "all":
        return None
    if name == "molecular_weight":
        return number(Descriptors.MolWt(mol), TOLERANCE[name])
    if name == "logp":
        return number(Crippen.MolLogP(mol), TOLERANCE[name])
    if name == "tpsa":
        return number(rdMolDescriptors.CalcTPSA(mol), TOLERANCE[name])
    if name == "qed":
        return number(QED.qed(mol), TOLERANCE[name])
    if name == "sa_score":
        return number(sascorer.calculateScore(mol), TOLERANCE[name])
    if name == "hbd":
        return integer(Lipinski.NumHDonors(mol))
    if name == "hba":
        return integer(Lipinski.NumHAcceptors(mol))
    if name == "rotatable_bonds":
        return integer(rdMolDescriptors.CalcNumRotatableBonds(mol))
    if name == "lipinski_violations":
        return integer(lipinski_violations(mol))
    if name == "lipinski":
        return {"type": "yes_no", "value": "yes" if lipinski_violations(mol) <= 1 else "no"}
    if name == "formula":
        return {"type": "formula", "value": rdMolDescriptors.CalcMolFormula(mol)}
    if name == "smiles":
        return {"type": "smiles", "value": Chem.MolToSmiles(mol)}
    raise CaseError(f"unknown property {name!r}")


def count_element(mol: Chem.Mol, element: str) -> int:
    if element == "H":  # implicit hydrogens count too
        return sum(atom.GetTotalNumHs() for atom in mol.GetAtoms()) + sum(
            1 for atom in mol.GetAtoms() if atom.GetSymbol() == "H"
        )
    return sum(1 for atom in mol.GetAtoms() if atom.GetSymbol() == element)


def structure_answer(part: dict, mols: list[Chem.Mol]) -> dict:
    question, mol = part["question"], mols[0]
    if question == "count_element":
        return integer(count_element(mol, part["element"]))
    if question == "heavy_atoms":
        return integer(mol.GetNumHeavyAtoms())
    if question == "rings":
        return integer(len(Chem.GetSymmSSSR(mol)))
    if question == "aromatic_rings":
        return integer(rdMolDescriptors.CalcNumAromaticRings(mol))
    if question == "shortest_path":
        atoms = part["atoms"]
        if atoms == "*":
            atoms = [a.GetIdx() for a in mol.GetAtoms() if a.GetAtomicNum() == 0]
            if len(atoms) != 2:
                raise CaseError("shortest_path with '*' needs exactly two dummy atoms")
        return integer(len(Chem.GetShortestPath(mol, atoms[0], atoms[1])) - 1)
    if question == "atom_mapping":
        first, second = mols
        match = second.GetSubstructMatch(first)
        if first.GetNumAtoms() != second.GetNumAtoms() or len(match) != first.GetNumAtoms():
            raise CaseError("atom_mapping needs two SMILES of the same molecule")
        return {"type": "pairs", "value": [[i, j] for i, j in enumerate(match)]}
    raise CaseError(f"unknown structure question {question!r}")


# ----------------------------------------------------------------------------- reactions and elucidation
def atom_counts(smiles_list: list[str]) -> Counter:
    counts: Counter = Counter()
    for smiles in smiles_list:
        mol = Chem.AddHs(parse_smiles(smiles))
        counts.update(atom.GetSymbol() for atom in mol.GetAtoms())
        counts["charge"] += Chem.GetFormalCharge(mol)
    return counts


def check_reaction(part: dict, reactant_smiles: list[str]) -> None:
    left = atom_counts(reactant_smiles + part["extra"])
    right = atom_counts([part["product"], *part["byproducts"]])
    if left != right:
        raise CaseError(
            f"reaction {part['reaction_class']} is unbalanced: {dict(left - right)} vs {dict(right - left)}"
        )


def check_elucidation(part: dict) -> Chem.Mol:
    mol = parse_smiles(part["truth"])
    if rdMolDescriptors.CalcMolFormula(mol) != part["formula"]:
        raise CaseError(f"{part['truth']} does not have formula {part['formula']}")
    if mol.GetNumHeavyAtoms() > 12:
        raise CaseError("elucidation cases are limited to 12 heavy atoms")
    n_h = sum(int(m) for m in re.findall(r"(\d+)H\)", " ".join(part["h_shifts"])))
    if part["h_shifts"] and n_h != count_element(mol, "H"):
        raise CaseError(f"1H integrals sum to {n_h}, formula has {count_element(mol, 'H')} H")
    if len(part["c_shifts"]) > count_element(mol, "C"):
        raise CaseError("more 13C signals than carbons")
    return mol


# ----------------------------------------------------------------------------- SAR
def sar_smiles(design: dict, labels: tuple) -> str:
    fragments = {pos: design["subs"][pos][label][0] for pos, label in zip(design["subs"], labels, strict=True)}
    return Chem.MolToSmiles(parse_smiles(design["template"].format(**fragments)))


def free_wilson(design: dict) -> tuple[list[tuple], float | None]:
    """Series rows (labels, value) and the additive prediction for the query (None for noisy designs)."""
    subs = design["subs"]
    if "base" not in design:
        return list(design["series"]), None
    rows = [
        (labels, design["base"] + sum(subs[p][lab][1] for p, lab in zip(subs, labels, strict=True)))
        for labels in design["series"]
    ]
    columns = [(p, lab) for p in subs for lab in list(subs[p])[1:]]  # first label per position is the reference

    def encode(labels: tuple) -> list[float]:
        return [1.0] + [float(dict(zip(subs, labels, strict=True))[p] == lab) for p, lab in columns]

    x = np.array([encode(labels) for labels, _ in rows])
    q = np.array(encode(design["query"]))
    if np.linalg.matrix_rank(np.vstack([x, q])) != np.linalg.matrix_rank(x):
        raise CaseError("Free-Wilson query is not estimable from the series")
    coef, *_ = np.linalg.lstsq(x, np.array([v for _, v in rows]), rcond=None)
    expected = design["base"] + sum(subs[p][lab][1] for p, lab in zip(subs, design["query"], strict=True))
    if abs(float(q @ coef) - expected) > 1e-6:
        raise CaseError("series values are not additive")
    return rows, round(expected, 2)


def format_table(rows: list[tuple[str, float]], value: str, fmt: str) -> str:
    if fmt == "csv":
        return "\n".join([f"smiles,{value}", *(f"{s},{v:.1f}" for s, v in rows)])
    if fmt == "tsv":
        return "\n".join([f"SMILES\t{value}", *(f"{s}\t{v:.1f}" for s, v in rows)])
    if fmt == "markdown":
        return "\n".join([f"| SMILES | {value} |", "|---|---|", *(f"| {s} | {v:.1f} |" for s, v in rows)])
    if fmt == "inline":
        return "; ".join(f"{s} ({value} {v:.1f})" for s, v in rows)
    if fmt == "list":
        return "\n".join(f"- {s}: {v:.1f}" for s, v in rows)
    raise CaseError(f"unknown table format {fmt!r}")


# ----------------------------------------------------------------------------- cases
def build_part(part: dict, drugs: dict, designs: dict, earlier: list[dict], unresolved: list[str]) -> dict:
    intent = part["intent"]
    out: dict = {"intent": intent}
    if intent == "sar":
        design = designs[part["design"]]
        rows, prediction = free_wilson(design)
        series = [[sar_smiles(design, labels), round(value, 2)] for labels, value in rows]
        query = sar_smiles(design, design["query"])
        out.update(value_name=design["value"], series=series, query=query)
        out["table"] = format_table([(s, v) for s, v in series], design["value"], design["fmt"])
        out["compounds"] = [{"mention": query, "inchikey": Chem.MolToInchiKey(parse_smiles(query)), "smiles": query}]
        out["answer"] = None if prediction is None else number(prediction, SAR_TOLERANCE)
        return out
    if intent == "elucidation":
        mol = check_elucidation(part)
        out.update(formula=part["formula"], h_shifts=part["h_shifts"], c_shifts=part["c_shifts"], compounds=[])
        out["answer"] = {"type": "smiles", "value": Chem.MolToSmiles(mol)}
        return out

    refs = part.get("reactants", part.get("compounds", []))
    resolved = [resolve(ref, drugs) for ref in refs]
    for ref, (_, mol) in zip(refs, resolved, strict=True):
        if mol is None and ref["mention"] not in unresolved:
            unresolved.append(ref["mention"])
    mols = [mol for _, mol in resolved]
    if part.get("depends_on") is not None:  # the molecule comes from an earlier part of the same request
        source = earlier[part["depends_on"]]
        mols = [parse_smiles(source["answer"]["value"])] if source["intent"] == "reaction" else [None]

    for slot in ("property", "question", "element", "atoms", "record_field", "topic", "endpoints", "library"):
        if slot in part:
            out[slot] = part[slot]
    for slot in ("np_level", "endpoint", "reaction_class"):
        if slot in part:
            out[slot] = part[slot]
    if intent == "reaction":
        out["reactants"] = [ref["mention"] for ref in refs]
        check_reaction(part, [ref["smiles"] for ref in refs])
    out["compounds"] = [c for c, _ in resolved]
    if "depends_on" in part:
        out["depends_on"] = part["depends_on"]

    answer = None
    if any(m is None for m in mols):
        answer = None  # unresolved compound or hits of a similarity search: nothing checkable
    elif intent == "property":
        answer = property_answer(part["property"], mols[0])
    elif intent == "structure":
        answer = structure_answer(part, mols)
    elif intent == "reaction":
        answer = {"type": "smiles", "value": Chem.MolToSmiles(parse_smiles(part["product"]))}
    out["answer"] = answer
    return out


def build_case(index: int, case: dict, drugs: dict, designs: dict) -> dict:
    unresolved: list[str] = []
    parts: list[dict] = []
    for part in case["parts"]:
        parts.append(build_part(part, drugs, designs, parts, unresolved))
    request = case["request"]
    for part in parts:
        if part["intent"] == "sar":
            request = request.format(table=part.pop("table"), query=part["query"])
    text = " ".join([request, *case["history"]])
    for part in parts:
        for compound in part["compounds"]:
            if compound["mention"] not in text:
                raise CaseError(f"case {index}: mention {compound['mention']!r} is not in the request or history")
    if (len(parts) > 1) != ("multi" in case["style"]):
        raise CaseError(f"case {index}: 'multi' style must match the number of parts")
    if bool(case["history"]) != ("followup" in case["style"]):
        raise CaseError(f"case {index}: 'followup' style must match the presence of history")
    return {
        "id": f"u-{index:04d}",
        "split": "dev",
        "request": request,
        "history": case["history"],
        "parts": parts,
        "unresolved": unresolved,
        "style": case["style"],
        "source": case["source"],
    }


def assign_splits(cases: list[dict]) -> None:
    """Stratified by the first part's intent so every intent lands in both splits; fixed seed."""
    rng = random.Random(SEED)
    strata: dict[str, list[int]] = {}
    for i, case in enumerate(cases):
        strata.setdefault(case["parts"][0]["intent"], []).append(i)
    for key in sorted(strata):
        members = list(strata[key])
        rng.shuffle(members)
        n_sealed = max(1, round(len(members) * SEALED_FRACTION))
        for i in members[:n_sealed]:
            cases[i]["split"] = "sealed"


def build(source: Path = SOURCE) -> list[dict]:
    data = runpy.run_path(str(source))
    drugs = load_drugs()
    cases = [build_case(i + 1, case, drugs, data["SAR_DESIGNS"]) for i, case in enumerate(data["CASES"])]
    assign_splits(cases)
    for split in ("dev", "sealed"):
        intents = {p["intent"] for c in cases if c["split"] == split for p in c["parts"]}
        all_intents = {p["intent"] for c in cases for p in c["parts"]}
        if intents != all_intents:
            raise CaseError(f"split {split} lacks intents {sorted(all_intents - intents)}")
    return cases


def write(cases: list[dict], out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for split in ("dev", "sealed"):
        lines = [json.dumps(c, ensure_ascii=False) for c in cases if c["split"] == split]
        (out_dir / f"paraphrase_{split}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def summary(cases: list[dict]) -> str:
    counts: Counter = Counter()
    for case in cases:
        for intent in {p["intent"] for p in case["parts"]}:
            counts[(intent, case["split"])] += 1
    intents = sorted({i for i, _ in counts})
    rows = [f"{i:16s} dev={counts[(i, 'dev')]:3d} sealed={counts[(i, 'sealed')]:3d}" for i in intents]
    styles = Counter(s for c in cases for s in c["style"])
    splits = Counter(c["split"] for c in cases)
    return "\n".join([f"cases={len(cases)} {dict(splits)}", *rows, f"styles={dict(sorted(styles.items()))}"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="directory for the two jsonl files")
    parser.add_argument("--summary", action="store_true", help="print counts per intent and split")
    args = parser.parse_args(argv)
    cases = build()
    write(cases, args.out)
    if args.summary:
        print(summary(cases))


if __name__ == "__main__":
    main()
