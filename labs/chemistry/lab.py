"""The chemistry lab: RDKit calculations and exact structural answers as recorded experiments."""

from __future__ import annotations

from typing import Any

from rdkit import DataStructs
from rdkit.Chem import rdMolDescriptors
from rdkit.ML.Cluster import Butina

from knowledge.common.errors import Ech0Error
from knowledge.common.mol import InvalidSmilesError, canonical_smiles, inchikey, to_mol
from labs.base import register_lab
from labs.chemistry import reactions, structure
from labs.chemistry.features import fingerprint_generator
from labs.chemistry.properties import compute_properties
from labs.chemistry.sar import predict_series


def _mols(smiles: list[str]) -> tuple[list, list[dict]]:
    """Parsed molecules of a set, and a per-row error list for the rows that do not parse."""
    if not smiles:
        raise Ech0Error("empty compound set: give a list of SMILES")
    mols, errors = [], []
    for row, s in enumerate(smiles):
        try:
            mols.append((row, to_mol(s)))
        except InvalidSmilesError as exc:
            errors.append({"row": row, "smiles": s, "error": str(exc)})
    return mols, errors


def _fingerprints(mols: list) -> list:
    gen = fingerprint_generator("morgan")
    return [gen.GetFingerprint(m) for _, m in mols]


@register_lab("chemistry")
class ChemistryLab:
    name = "chemistry"
    version = "1"

    def operations(self):
        return {
            "properties": self.properties,
            "count_atoms": self.count_atoms,
            "rings": self.rings,
            "shortest_path": self.shortest_path,
            "atom_mapping": self.atom_mapping,
            "scaffold": self.scaffold,
            "substructure": self.substructure,
            "cluster": self.cluster,
            "diversity": self.diversity,
            "elucidate": self.elucidate,
            "reaction_products": self.reaction_products,
            "sar_predict": self.sar_predict,
        }

    @staticmethod
    def elucidate(
        formula: str,
        h_shifts: list[float] | None = None,
        c_shifts: list[float] | None = None,
        h_counts: list[int] | None = None,
        max_candidates: int = 10,
        use_constraints: bool = True,
        cap: int = 200_000,
        time_budget_s: float = 60.0,
    ) -> dict[str, Any]:
        """Candidate structures for a formula ranked by agreement of additive-model and given NMR shifts."""
        from labs.chemistry import elucidation  # imported on use: only this operation needs the generator

        return elucidation.elucidate(
            formula, h_shifts, c_shifts, h_counts, max_candidates, use_constraints, cap, time_budget_s
        )

    @staticmethod
    def properties(smiles: str, names: list[str] | None = None) -> dict[str, Any]:
        mol = to_mol(smiles)
        return {
            "canonical_smiles": canonical_smiles(mol),
            "inchikey": inchikey(mol),
            "formula": rdMolDescriptors.CalcMolFormula(mol),
            "properties": compute_properties(mol, names),
        }

    @staticmethod
    def count_atoms(smiles: str, element: str) -> dict[str, Any]:
        symbol = structure.element_symbol(element)
        return {"element": symbol, "count": structure.count_element(to_mol(smiles), symbol)}

    @staticmethod
    def rings(smiles: str) -> dict[str, Any]:
        return structure.ring_info(to_mol(smiles))

    @staticmethod
    def shortest_path(smiles: str, a: int | None = None, b: int | None = None) -> dict[str, Any]:
        return {"bonds": structure.shortest_path_bonds(to_mol(smiles), a, b)}

    @staticmethod
    def atom_mapping(smiles_a: str, smiles_b: str) -> dict[str, Any]:
        mapping = structure.atom_mapping(to_mol(smiles_a), to_mol(smiles_b))
        return {"mapping": mapping, "pairs": [[i, j] for i, j in enumerate(mapping)]}

    @staticmethod
    def scaffold(smiles: str) -> dict[str, Any]:
        return structure.scaffolds(to_mol(smiles))

    @staticmethod
    def substructure(smarts: str, smiles: list[str]) -> dict[str, Any]:
        pattern = structure.parse_smarts(smarts)
        mols, errors = _mols(smiles)
        matches = [
            {"row": row, "smiles": smiles[row], "matches": len(m.GetSubstructMatches(pattern))} for row, m in mols
        ]
        return {"hits": [m for m in matches if m["matches"]], "n_searched": len(mols), "errors": errors}

    @staticmethod
    def cluster(smiles: list[str], threshold: float = 0.35) -> dict[str, Any]:
        """Butina clustering on Morgan fingerprints; `threshold` is the Tanimoto distance cut-off."""
        if not 0 < threshold < 1:
            raise Ech0Error(f"threshold={threshold} is out of range: give a Tanimoto distance in (0, 1), e.g. 0.35")
        mols, errors = _mols(smiles)
        fps = _fingerprints(mols)
        distances = []
        for i in range(1, len(fps)):
            distances.extend(1 - s for s in DataStructs.BulkTanimotoSimilarity(fps[i], fps[:i]))
        clusters = Butina.ClusterData(distances, len(fps), threshold, isDistData=True)
        rows = [[mols[i][0] for i in cluster] for cluster in clusters]
        return {"clusters": rows, "n_clusters": len(rows), "errors": errors}

    @staticmethod
    def sar_predict(series: list, query: str, value_name: str = "activity") -> dict[str, Any]:
        """Predict an unknown analogue's value from [(SMILES, value), …]: Free–Wilson, matched pairs or k-NN."""
        return predict_series(series, query, value_name)

    @staticmethod
    def diversity(smiles: list[str]) -> dict[str, Any]:
        """Mean pairwise Tanimoto distance (Morgan r=2) and the number of distinct Bemis–Murcko scaffolds."""
        mols, errors = _mols(smiles)
        fps = _fingerprints(mols)
        total, pairs = 0.0, 0
        for i in range(1, len(fps)):
            sims = DataStructs.BulkTanimotoSimilarity(fps[i], fps[:i])
            total += sum(1 - s for s in sims)
            pairs += len(sims)
        scaffolds = {structure.scaffolds(m)["scaffold"] for _, m in mols}
        return {
            "internal_diversity": round(total / pairs, 4) if pairs else 0.0,
            "scaffolds": len(scaffolds),
            "n": len(mols),
            "errors": errors,
        }

    @staticmethod
    def reaction_products(reactants: list[str], reaction: str | None = None) -> dict[str, Any]:
        """Predicted products of reactant SMILES under the reaction templates (or those `reaction` names)."""
        return reactions.predict_products(reactants, reaction)
