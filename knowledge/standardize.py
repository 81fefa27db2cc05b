"""Structure standardization (RDKit MolStandardize) and identifier checks shared by every compound source and
store (name normalization, CAS check digits, a SMILES's InChIKey).

Every record that enters the compound DB goes through `standardize`, so that two sources describing the same
substance — a salt in one, the free base in another, a different tautomer or charge state in a third — meet on
one InChIKey:

1. `Cleanup` (sanitize, normalize functional groups, reionize, disconnect metals);
2. the parent of the largest organic fragment (`FragmentParent`: counter-ions, salts and solvents dropped);
3. `Uncharger` (neutralize where a neutral form exists);
4. with `tautomer=True`, RDKit's canonical tautomer (`TautomerEnumerator.Canonicalize`, stereo kept, bounded).

The canonical SMILES, standard InChI and InChIKey are computed from the result. Standard InChI already merges
the mobile-H tautomers between heteroatoms (amide/imidic acid, 2-pyridone/2-hydroxypyridine). The canonical
tautomer is off by default, as in the ChEMBL structure pipeline, because RDKit's canonical form is a
deterministic label, not the stable form: measured on the 1,823 shipped DrugCentral drugs it changed 85 identities,
turning betamethasone's enone into a dienol and atovaquone's trans-cyclohexyl into a cyclohexene (which would
merge it with its cis isomer). Steps 1–3 take ~5 ms a molecule here; step 4 adds ~23 ms.

Structures are parsed by `knowledge.common.mol.parse_structure`; functions raise its `InvalidStructureError`
(an `Ech0Error` naming the input) on a structure RDKit cannot read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from pydantic import BaseModel, ConfigDict, Field

from knowledge.common.mol import InvalidStructureError, inchikey, parse_structure, try_mol

CAS_PATTERN = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")
INCHIKEY_PATTERN = re.compile(r"^[A-Z]{14}-[A-Z]{10}-[A-Z]$")
MAX_TAUTOMERS = 200  # enumeration cap: canonical tautomers of peptides and macrocycles otherwise take seconds


class StandardStructure(BaseModel):
    """A standardized structure and its identity keys."""

    model_config = ConfigDict(frozen=True)

    smiles: str = Field(description="RDKit canonical isomeric SMILES of the standardized parent")
    inchi: str = Field(description="standard InChI of the standardized parent")
    inchikey: str = Field(description="standard InChIKey of the standardized parent: the merge key")
    formula: str
    input_inchikey: str | None = Field(None, description="InChIKey of the structure as given, before standardizing")

    @property
    def changed(self) -> bool:
        """True when standardizing changed the identity (a salt stripped, a charge neutralized, a tautomer)."""
        return self.input_inchikey is not None and self.input_inchikey != self.inchikey


def normalize_name(name: str) -> str:
    """A compound name as stores match it: lower case, whitespace collapsed."""
    return re.sub(r"\s+", " ", name.strip().lower())


def smiles_inchikey(smiles: str) -> str | None:
    """InChIKey of a SMILES string (as given, not standardized), or None when RDKit cannot parse it."""
    mol = try_mol(smiles)
    return (inchikey(mol) or None) if mol is not None else None


def is_cas(text: str) -> bool:
    """True for a CAS Registry Number whose check digit is right ("50-78-2" yes, "50-78-3" no)."""
    match = CAS_PATTERN.match(text.strip())
    if not match:
        return False
    digits = (match.group(1) + match.group(2))[::-1]
    return sum(i * int(d) for i, d in enumerate(digits, 1)) % 10 == int(match.group(3))


def cas_numbers(names: Iterable[str]) -> list[str]:
    """The valid CAS numbers among `names` (PubChem lists them among a compound's synonyms), first seen first."""
    return list(dict.fromkeys(n.strip() for n in names if n and is_cas(n)))


@cache
def _tools():
    from rdkit import RDLogger
    from rdkit.Chem.MolStandardize import rdMolStandardize

    RDLogger.DisableLog("rdApp.*")
    params = rdMolStandardize.CleanupParameters()
    params.tautomerRemoveSp3Stereo = False  # the default drops stereocentres next to a carbonyl
    params.tautomerRemoveBondStereo = False
    enumerator = rdMolStandardize.TautomerEnumerator(params)
    enumerator.SetMaxTautomers(MAX_TAUTOMERS)
    enumerator.SetMaxTransforms(MAX_TAUTOMERS)
    return rdMolStandardize, rdMolStandardize.Uncharger(canonicalOrder=True), enumerator


def standardize_mol(mol, *, tautomer: bool = False):
    """The standardized parent of an RDKit molecule (a new molecule; `mol` is left as it was)."""
    module, uncharger, enumerator = _tools()
    clean = module.Cleanup(mol)
    parent = module.FragmentParent(clean)
    neutral = uncharger.uncharge(parent)
    return enumerator.Canonicalize(neutral) if tautomer else neutral


def standardize(structure, *, tautomer: bool = False) -> StandardStructure:
    """Standardize a SMILES, InChI, molblock or RDKit molecule; raises InvalidStructureError when unreadable."""
    from rdkit import Chem

    mol = structure if isinstance(structure, Chem.Mol) else parse_structure(structure)
    try:
        input_key = Chem.MolToInchiKey(mol) or None
        parent = standardize_mol(mol, tautomer=tautomer)
        inchi = Chem.MolToInchi(parent)
        key = Chem.InchiToInchiKey(inchi) if inchi else None
    except (RuntimeError, ValueError) as exc:  # RDKit raises these for valence and kekulization failures
        raise InvalidStructureError(f"cannot standardize {Chem.MolToSmiles(mol)!r}: {exc}") from None
    if not key:
        raise InvalidStructureError(f"RDKit computes no InChI for {Chem.MolToSmiles(mol)!r}")
    from rdkit.Chem.rdMolDescriptors import CalcMolFormula

    return StandardStructure(
        smiles=Chem.MolToSmiles(parent),
        inchi=inchi,
        inchikey=key,
        formula=CalcMolFormula(parent),
        input_inchikey=input_key,
    )
