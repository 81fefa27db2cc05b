import csv

import pytest
from rdkit import Chem

from knowledge.compounds import CompoundStore
from knowledge.data import DRUGCENTRAL_APPROVED
from knowledge.naming import NameParseError, looks_systematic, name_to_smiles, parse_name_strict
from knowledge.naming_data import ALL_PARENTS, AMINO_ACIDS, CLASS_WORDS, GROUP_CLASSES, SUBSTITUENTS, SUFFIXES


def canon(smiles: str) -> str:
    return Chem.MolToSmiles(Chem.MolFromSmiles(smiles))


# Structures written by hand from the names, not from the parser.
EXAMPLES = {
    "4-bromoanisole": "COc1ccc(Br)cc1",
    "3-bromopyridine": "Brc1cccnc1",
    "4-methoxyphenylboronic acid": "COc1ccc(B(O)O)cc1",
    "4-fluoronitrobenzene": "[O-][N+](=O)c1ccc(F)cc1",
    "methyl benzoate": "COC(=O)c1ccccc1",
    "phenyl isocyanate": "O=C=Nc1ccccc1",
    "benzyl azide": "[N-]=[N+]=NCc1ccccc1",
    "phenylacetylene": "C#Cc1ccccc1",
    "Boc-piperazine": "CC(C)(C)OC(=O)N1CCNCC1",
    "Boc-glycine": "CC(C)(C)OC(=O)NCC(=O)O",
    "2,4-dichloropyrimidine": "Clc1ccnc(Cl)n1",
    "N-methylpiperazine": "CN1CCNCC1",
    "4-aminobenzoic acid": "Nc1ccc(cc1)C(=O)O",
    "ethyl 4-hydroxybenzoate": "CCOC(=O)c1ccc(O)cc1",
    "tert-butyl bromoacetate": "CC(C)(C)OC(=O)CBr",
    "benzyl bromide": "BrCc1ccccc1",
    "p-toluenesulfonyl chloride": "Cc1ccc(cc1)S(=O)(=O)Cl",
    "o-toluidine": "Cc1ccccc1N",
    "3,5-dimethylphenol": "Cc1cc(C)cc(O)c1",
}


@pytest.mark.parametrize(("name", "smiles"), EXAMPLES.items())
def test_the_briefs_reagent_names(name, smiles):
    assert name_to_smiles(name) == canon(smiles)


@pytest.mark.parametrize(
    ("name", "smiles"),
    [
        # locants, multipliers, parentheses, nested groups, suffixes
        ("2,6-dichloropyridine", "Clc1cccc(Cl)n1"),
        ("2-chloro-5-(trifluoromethyl)pyridine", "FC(F)(F)c1ccc(Cl)nc1"),
        ("4-bromo-2-fluorobenzaldehyde", "O=Cc1ccc(Br)cc1F"),
        ("1-(4-fluorophenyl)piperazine", "Fc1ccc(cc1)N1CCNCC1"),
        ("4-(4-methylpiperazin-1-yl)aniline", "CN1CCN(CC1)c1ccc(N)cc1"),
        ("5-bromo-1H-indole", "Brc1ccc2[nH]ccc2c1"),
        ("1H-indole-5-carbonitrile", "N#Cc1ccc2[nH]ccc2c1"),
        ("pyridine-2,6-dicarboxylic acid", "OC(=O)c1cccc(n1)C(=O)O"),
        ("5-bromopyridin-2-amine", "Nc1ccc(Br)cn1"),
        ("5-bromo-2-pyridinamine", "Nc1ccc(Br)cn1"),
        ("2-amino-5-bromopyridine", "Nc1ccc(Br)cn1"),
        ("tert-butyl 4-oxopiperidine-1-carboxylate", "CC(C)(C)OC(=O)N1CCC(=O)CC1"),
        ("propan-2-ol", "CC(C)O"),
        ("cyclohexanecarboxylic acid", "OC(=O)C1CCCCC1"),
        ("4-methoxybenzenesulfonyl chloride", "COc1ccc(cc1)S(=O)(=O)Cl"),
        ("thiophene-2-carbonyl chloride", "ClC(=O)c1cccs1"),
        ("trifluoroacetic acid", "OC(=O)C(F)(F)F"),
        ("hexafluorobenzene", "Fc1c(F)c(F)c(F)c(F)c1F"),
        ("4'-bromoacetophenone", "CC(=O)c1ccc(Br)cc1"),
        ("α-bromoacetophenone", "BrCC(=O)c1ccccc1"),
        # N locants
        ("N,N-dimethylaniline", "CN(C)c1ccccc1"),
        ("N,N-dimethylbenzamide", "CN(C)C(=O)c1ccccc1"),
        ("N-methylbenzylamine", "CNCc1ccccc1"),
        ("N-butylaniline", "CCCCNc1ccccc1"),
        ("n-butylamine", "CCCCN"),
        # o/m/p
        ("p-dichlorobenzene", "Clc1ccc(Cl)cc1"),
        ("m-xylene", "Cc1cccc(C)c1"),
        ("p-cresol", "Cc1ccc(O)cc1"),
        ("o-anisidine", "COc1ccccc1N"),
        ("para-bromoanisole", "COc1ccc(Br)cc1"),
        ("p-tolyl isocyanate", "Cc1ccc(cc1)N=C=O"),
        # functional-class names
        ("4-nitrobenzyl bromide", "[O-][N+](=O)c1ccc(CBr)cc1"),
        ("4-nitrobenzoyl chloride", "[O-][N+](=O)c1ccc(cc1)C(Cl)=O"),
        ("chloroacetyl chloride", "ClCC(Cl)=O"),
        ("methanesulfonyl chloride", "CS(Cl)(=O)=O"),
        ("tosyl chloride", "Cc1ccc(cc1)S(=O)(=O)Cl"),
        ("isopropyl alcohol", "CC(C)O"),
        ("cyclohexyl isocyanate", "O=C=NC1CCCCC1"),
        ("ethyl phenylacetate", "CCOC(=O)Cc1ccccc1"),
        ("4-chlorophenylacetic acid", "OC(=O)Cc1ccc(Cl)cc1"),
        ("3-pyridylboronic acid", "OB(O)c1cccnc1"),
        ("pyridin-3-ylboronic acid", "OB(O)c1cccnc1"),
        ("(4-methoxyphenyl)boronic acid", "COc1ccc(cc1)B(O)O"),
        ("phenylboronic acid pinacol ester", "CC1(C)OB(OC1(C)C)c1ccccc1"),
        ("4-methoxyphenylboronic acid pinacol ester", "COc1ccc(cc1)B1OC(C)(C)C(C)(C)O1"),
        ("2-naphthol", "Oc1ccc2ccccc2c1"),
        # protecting groups and amino acids
        ("1-Boc-piperazine", "CC(C)(C)OC(=O)N1CCNCC1"),
        ("tert-butyl piperazine-1-carboxylate", "CC(C)(C)OC(=O)N1CCNCC1"),
        ("N-Boc-4-piperidone", "CC(C)(C)OC(=O)N1CCC(=O)CC1"),
        ("Boc-aniline", "CC(C)(C)OC(=O)Nc1ccccc1"),
        ("Boc-D-alanine", "C[C@@H](NC(=O)OC(C)(C)C)C(=O)O"),
        ("Cbz-L-proline", "OC(=O)[C@@H]1CCCN1C(=O)OCc1ccccc1"),
        ("Boc-Pro-OH", "OC(=O)[C@@H]1CCCN1C(=O)OC(C)(C)C"),
        ("Fmoc-L-Phe-OH", "OC(=O)[C@H](Cc1ccccc1)NC(=O)OCC1c2ccccc2-c2ccccc12"),
        ("Boc-Gly-OMe", "COC(=O)CNC(=O)OC(C)(C)C"),
        ("Z-Gly-OH", "OC(=O)CNC(=O)OCc1ccccc1"),
        ("Ac-Phe-NH2", "CC(=O)N[C@@H](Cc1ccccc1)C(N)=O"),
        ("glycine methyl ester", "COC(=O)CN"),
        ("Boc-lysine", "CC(C)(C)OC(=O)N[C@@H](CCCCN)C(=O)O"),
        ("4-fluoro-L-phenylalanine", "N[C@@H](Cc1ccc(F)cc1)C(=O)O"),
        ("N-methylglycine", "CNCC(=O)O"),
    ],
)
def test_names(name, smiles):
    assert name_to_smiles(name) == canon(smiles)


@pytest.mark.parametrize(
    "name",
    [
        "banana",
        "7-bromopyridine",
        "pentafluoro-hydrogen",
        "protein",
        "metformin",
        "",
        "bromopyridine",  # ambiguous: 2-, 3- or 4-
        "methylpiperazine",  # 1- or 2-
        "propanol",  # propan-1-ol or propan-2-ol
        "2-bromoacetophenone",  # 2 or 2'
        "Boc-4-aminopiperidine",  # which nitrogen
        "1-bromo-1-chlorobenzene",  # one hydrogen on C1
        "4-nitropyridine-4-carboxylic acid",
        "D-glycine",
        "1-methylmorpholine",  # position 1 is the oxygen
        "phenyl",  # a substituent, not a compound
        "toluidine",  # needs o/m/p
        "the benzene ring",
        "4-bromoanisole hydrochloride",
    ],
)
def test_rejects(name):
    assert name_to_smiles(name) is None


def test_strict_errors_name_the_problem():
    with pytest.raises(NameParseError, match="'hydrogen'"):
        parse_name_strict("pentafluoro-hydrogen")
    with pytest.raises(NameParseError, match="pyridine has no position 7"):
        parse_name_strict("7-bromopyridine")
    with pytest.raises(NameParseError, match="no hydrogen"):
        parse_name_strict("1-bromo-1-chlorobenzene")
    with pytest.raises(NameParseError, match="more than one structure|give locants"):
        parse_name_strict("Boc-4-aminobenzylamine")


def test_looks_systematic():
    assert looks_systematic("4-bromoanisole") and looks_systematic("ethyl 4-hydroxybenzoate")
    for word in ("banana", "protein", "metformin", "the", "examine", "tone", "selective inhibitor"):
        assert not looks_systematic(word)


def test_amino_acids_match_drugcentral_and_d_is_the_mirror_image():
    with DRUGCENTRAL_APPROVED.open(encoding="utf-8") as fh:
        keys = {row["name"]: row["inchikey"] for row in csv.DictReader(fh)}
    checked = 0
    for name in AMINO_ACIDS:
        mol = Chem.MolFromSmiles(name_to_smiles(name))
        if name in keys:
            assert Chem.MolToInchiKey(mol) == keys[name], name
            checked += 1
        if name != "glycine":
            d = Chem.MolFromSmiles(name_to_smiles(f"D-{name}"))
            assert Chem.MolToInchiKey(d)[:14] == Chem.MolToInchiKey(mol)[:14]
            assert Chem.MolToInchiKey(d) != Chem.MolToInchiKey(mol)
    assert checked >= 15


def test_every_table_entry_builds():
    from knowledge.naming import _template

    for table in (ALL_PARENTS, SUBSTITUENTS, SUFFIXES, CLASS_WORDS, GROUP_CLASSES):
        for smiles, locs in table.values():
            _template(smiles, locs)  # raises when a locant list does not fit its SMILES


def test_resolve_a_reagent_name_offline():
    store = CompoundStore([])  # no shipped sets and no fallback: the parser alone
    record = store.resolve("4-bromoanisole")
    assert (record.source, record.smiles) == ("ech0_names", canon("COc1ccc(Br)cc1"))
    assert store.get(record.key) == record  # remembered
    from knowledge.resolve import resolve

    result = resolve(store, "Boc-piperazine")
    assert (result.status, result.method, result.confidence) == ("resolved", "systematic_name", 0.9)
    assert resolve(store, "banana").status == "not_found"
