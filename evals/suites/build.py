"""Rebuild the dev suites from the shipped data: `python -m evals.suites.build [--shared ../shared/data]`.

Every expected answer is computed here, with RDKit on the source SMILES, independently of ECH0's own labs
(no import from labs, tools or agents), so that a suite measures ECH0 rather than echoing it. The output is
deterministic (fixed seeds); SOURCES.md says where each file comes from.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import typer
from rdkit import Chem
from rdkit.Chem import Crippen, Descriptors, rdMolDescriptors

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
DRUGCENTRAL = ROOT / "knowledge" / "data" / "drugcentral_approved.csv"
SCIFACT = ROOT / "knowledge" / "data" / "scifact_corpus.jsonl"
ESOL = ROOT / "labs" / "pharmacology" / "data" / "esol.csv"

ELEMENT_WORDS = {"C": "carbon", "N": "nitrogen", "O": "oxygen", "F": "fluorine", "Cl": "chlorine", "S": "sulfur"}
# (subject as written in the question, SMILES the answer is computed from, element symbol)
ELEMENT_CASES = [
    ("CC(=O)Oc1ccccc1C(=O)O", None, "C"), ("caffeine", None, "N"), ("ibuprofen", None, "O"),
    ("fluoxetine", None, "F"), ("chloroquine", None, "Cl"), ("omeprazole", None, "S"),
    ("CN1CCN(CC2=CC=C(C=C2)C(=O)N)CC1", None, "N"), ("O=C(O)c1ccccc1O", None, "O"),
]  # fmt: skip
RING_CASES = [("c1ccc2ccccc2c1", "rings"), ("C1CCC2(CC1)CCCC2", "rings"), ("diazepam", "rings"),
              ("imatinib", "aromatic rings"), ("warfarin", "aromatic rings")]  # fmt: skip
PATH_CASES = ["*CCOCC*", "*c1ccc(*)cc1", "*C1CCC(CC1)C*", "*N1CCN(*)CC1", "*c1cccc2ccc(*)cc12"]
MAPPING_CASES = [("CCO", "OCC"), ("c1ccncc1", "n1ccccc1"), ("CC(=O)N", "NC(C)=O"), ("OC1CCCCC1", "C1CCC(O)CC1")]
FORMULA_DRUGS = ["metformin", "caffeine", "paracetamol", "lidocaine"]
SMILES_DRUGS = ["metformin", "ibuprofen", "nicotine", "atenolol"]
NUMBER_CASES = [("metformin", "molecular weight"), ("paracetamol", "molecular weight"), ("caffeine", "logP"),
                ("atenolol", "TPSA")]  # fmt: skip


def drugs() -> dict[str, dict[str, str]]:
    with DRUGCENTRAL.open(encoding="utf-8") as fh:
        return {row["name"].lower(): row for row in csv.DictReader(fh)}


def mol_of(subject: str, table: dict[str, dict[str, str]]) -> Chem.Mol:
    # The expected answers are computed with plain RDKit on purpose: the suite grades ECH0, so it must not share
    # ECH0's parser (the same holds for the two other parses below).
    smiles = table[subject]["smiles"] if subject in table else subject
    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        raise SystemExit(f"cannot parse {smiles!r}")
    return mol


def count_element(mol: Chem.Mol, symbol: str) -> int:
    return sum(1 for atom in Chem.AddHs(mol).GetAtoms() if atom.GetSymbol() == symbol)


def chemqa_cases(table: dict[str, dict[str, str]]) -> list[dict]:
    cases = []
    for i, (subject, _, symbol) in enumerate(ELEMENT_CASES, 1):
        mol = mol_of(subject, table)
        cases.append({"id": f"element-{i}", "question": f"How many {ELEMENT_WORDS[symbol]} atoms are in {subject}?",
                      "answer": count_element(mol, symbol), "answer_type": "integer"})  # fmt: skip
    for i, (subject, what) in enumerate(RING_CASES, 1):
        mol = mol_of(subject, table)
        value = rdMolDescriptors.CalcNumRings(mol) if what == "rings" else rdMolDescriptors.CalcNumAromaticRings(mol)
        cases.append({"id": f"rings-{i}", "question": f"How many {what} does {subject} have?", "answer": value,
                      "answer_type": "integer"})  # fmt: skip
    for i, smiles in enumerate(PATH_CASES, 1):
        mol = Chem.MolFromSmiles(smiles)
        a, b = [atom.GetIdx() for atom in mol.GetAtoms() if atom.GetAtomicNum() == 0]
        bonds = len(Chem.GetShortestPath(mol, a, b)) - 1
        question = f"What is the shortest path, in bonds, between the two * atoms in {smiles}?"
        cases.append({"id": f"path-{i}", "question": question, "answer": bonds, "answer_type": "integer"})
    for i, (first, second) in enumerate(MAPPING_CASES, 1):
        a, b = Chem.MolFromSmiles(first), Chem.MolFromSmiles(second)
        match = b.GetSubstructMatch(a)  # match[i] = the atom of B that atom i of A maps to
        assert len(match) == a.GetNumAtoms() == b.GetNumAtoms()
        cases.append({"id": f"mapping-{i}", "question": f"Give the atom mapping from {first} to {second}.",
                      "answer": [[k, j] for k, j in enumerate(match)], "answer_type": "list",
                      "smiles_a": first, "smiles_b": second})  # fmt: skip
    for i, name in enumerate(FORMULA_DRUGS, 1):
        formula = rdMolDescriptors.CalcMolFormula(mol_of(name, table))
        cases.append({"id": f"formula-{i}", "question": f"What is the molecular formula of {name}?",
                      "answer": formula, "answer_type": "text"})  # fmt: skip
    for i, name in enumerate(SMILES_DRUGS, 1):
        cases.append({"id": f"smiles-{i}", "question": f"What is the SMILES of {name}?",
                      "answer": table[name]["smiles"], "answer_type": "smiles"})  # fmt: skip
    calculators = {"molecular weight": Descriptors.MolWt, "logP": Crippen.MolLogP, "TPSA": rdMolDescriptors.CalcTPSA}
    for i, (name, prop) in enumerate(NUMBER_CASES, 1):
        value = round(calculators[prop](mol_of(name, table)), 2)
        cases.append({"id": f"number-{i}", "question": f"What is the {prop} of {name}?", "answer": value,
                      "answer_type": "number", "tolerance": 0.011})  # fmt: skip
    return cases


def research_cases(table: dict[str, dict[str, str]]) -> list[dict]:
    def ref(name: str) -> str:
        return f"drugcentral:{table[name]['drugcentral_id']}"

    metformin, caffeine = mol_of("metformin", table), mol_of("caffeine", table)
    imatinib_targets = [t for t in table["imatinib"]["targets"].split("|") if "ABL" in t.upper() or "Abl" in t][:1]
    return [
        {"id": "metformin-properties", "request": "Compute the drug-likeness properties of metformin.",
         "facts": [{"number": round(Descriptors.MolWt(metformin), 2), "tolerance": 0.011},
                   rdMolDescriptors.CalcMolFormula(metformin)],
         "sources": [ref("metformin"), "exp-*"]},
        {"id": "metformin-cancer", "request": "What does the literature say about metformin and cancer?",
         "facts": ["metformin", "cancer"], "sources": ["scifact:", ref("metformin")]},
        {"id": "caffeine-rings", "request": "How many rings does caffeine have?",
         "facts": [{"number": rdMolDescriptors.CalcNumRings(caffeine), "tolerance": 0}],
         "sources": ["exp-*"]},
        {"id": "imatinib-targets", "request": "What are the known targets of imatinib?",
         "facts": imatinib_targets or ["imatinib"], "sources": [ref("imatinib")]},
        {"id": "aspirin-formula", "request": "What is the molecular formula of aspirin?",
         "facts": [rdMolDescriptors.CalcMolFormula(mol_of("acetylsalicylic acid", table))],
         "sources": ["exp-*"]},
    ]  # fmt: skip


def retrieval_slice(shared: Path, out: Path, n_queries: int = 20, n_distractors: int = 150, seed: int = 0) -> None:
    queries = [json.loads(line) for line in (shared / "scifact" / "queries_train.jsonl").open(encoding="utf-8")]
    qrels: dict[str, list[str]] = {}
    with (shared / "scifact" / "qrels_train.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if int(float(row["score"])) > 0:
                qrels.setdefault(str(row["query-id"]), []).append(str(row["corpus-id"]))
    rng = random.Random(seed)
    chosen = rng.sample([q for q in queries if str(q["_id"]) in qrels], n_queries)
    corpus = {str(d["doc_id"]): d for d in map(json.loads, SCIFACT.open(encoding="utf-8"))}
    needed = {doc for q in chosen for doc in qrels[str(q["_id"])]}
    others = sorted(set(corpus) - needed)
    keep = sorted(needed | set(rng.sample(others, n_distractors)), key=int)
    (out / "qrels").mkdir(parents=True, exist_ok=True)
    with (out / "corpus.jsonl").open("w", encoding="utf-8") as fh:
        for doc_id in keep:
            d = corpus[doc_id]
            fh.write(json.dumps({"doc_id": d["doc_id"], "title": d["title"], "abstract": d["abstract"]}) + "\n")
    with (out / "queries.jsonl").open("w", encoding="utf-8") as fh:
        for q in sorted(chosen, key=lambda q: int(q["_id"])):
            fh.write(json.dumps({"_id": str(q["_id"]), "text": q["text"]}) + "\n")
    with (out / "qrels" / "test.tsv").open("w", encoding="utf-8") as fh:
        fh.write("query-id\tcorpus-id\tscore\n")
        for q in sorted(chosen, key=lambda q: int(q["_id"])):
            for doc in qrels[str(q["_id"])]:
                fh.write(f"{q['_id']}\t{doc}\t1\n")


def esol_slice(out: Path, n: int = 150, seed: int = 0) -> None:
    with ESOL.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    chosen = sorted(random.Random(seed).sample(range(len(rows)), n))
    out.mkdir(parents=True, exist_ok=True)
    with (out / "esol-dev.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["smiles", "log_solubility"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows[i] for i in chosen)
    spec = {"csv": "esol-dev.csv", "target": "log_solubility", "smiles_col": "smiles", "task": "regression",
            "split": "scaffold", "seeds": 2}  # fmt: skip
    (out / "esol-dev.json").write_text(json.dumps(spec, indent=2) + "\n", encoding="utf-8")


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@app.command(help=__doc__.splitlines()[0])
def main(
    shared: Path = typer.Option(
        ROOT.parent / "shared" / "data", "--shared", help="the shared data folder (SciFact train queries and qrels)"
    ),
) -> None:
    table = drugs()
    write_jsonl(HERE / "chemqa" / "dev.jsonl", chemqa_cases(table))
    write_jsonl(HERE / "research" / "dev.jsonl", research_cases(table))
    retrieval_slice(shared, HERE / "retrieval" / "scifact-dev")
    esol_slice(HERE / "properties")
    (HERE / "dataset").mkdir(exist_ok=True)
    (HERE / "dataset" / "dev.json").write_text(json.dumps({"generate": {"compounds": 12, "seed": 0}}) + "\n")
    typer.echo(f"dev suites written under {HERE}")


if __name__ == "__main__":
    app()
