"""Tables for the name parser (`knowledge.naming`): parents with their atom numbering, substituent prefixes,
suffixes, functional-class words and protecting groups, all written for ECH0 and checked with RDKit.

Each structure is a SMILES and a space-separated locant per atom in SMILES order: '-' for an atom a name cannot
number, aliases joined by '|' (acetophenone's ring carbon 4' is also '4'), 'n' for the nitrogen that an 'N-' locant
means, '!' for the acid oxygen an ester name puts its alkyl group on. '*' marks where a prefix, suffix or group
bonds to what it is named onto (its bond order is the bond's: '*=O' is oxo). Retained names keep their principal
group on position 1, so "4-bromoanisole" is 1-bromo-4-methoxybenzene.
"""

from __future__ import annotations

import re

B = "1 2 3 4 5 6"  # benzene ring locants in the order c1ccccc1 writes the atoms
BICYCLIC_5 = "1 2 3 3a 4 5 6 7 7a"  # indole-type numbering for X1ccc2ccccc21
BICYCLIC_6 = "1 2 3 4 4a 5 6 7 8 8a"  # naphthalene-type numbering for X1cccc2ccccc21

# Parent hydrides and retained names (name -> SMILES, locants).
PARENTS: dict[str, tuple[str, str]] = {
    "benzene": ("c1ccccc1", B),
    "toluene": ("Cc1ccccc1", "α " + B),
    "anisole": ("COc1ccccc1", "- - " + B),
    "phenol": ("Oc1ccccc1", "- " + B),
    "thiophenol": ("Sc1ccccc1", "- " + B),
    "aniline": ("Nc1ccccc1", "n " + B),
    "acetanilide": ("CC(=O)Nc1ccccc1", "- - - n " + B),
    "benzoic acid": ("OC(=O)c1ccccc1", "! - - " + B),
    "benzaldehyde": ("O=Cc1ccccc1", "- - " + B),
    "benzonitrile": ("N#Cc1ccccc1", "- - " + B),
    "benzamide": ("NC(=O)c1ccccc1", "n - - " + B),
    "nitrobenzene": ("O=[N+]([O-])c1ccccc1", "- - - " + B),
    "fluorobenzene": ("Fc1ccccc1", "- " + B),
    "chlorobenzene": ("Clc1ccccc1", "- " + B),
    "bromobenzene": ("Brc1ccccc1", "- " + B),
    "iodobenzene": ("Ic1ccccc1", "- " + B),
    "benzotrifluoride": ("FC(F)(F)c1ccccc1", "- - - - " + B),
    "acetophenone": ("CC(=O)c1ccccc1", "2|α 1 - 1' 2'|2 3'|3 4'|4 5'|5 6'|6"),
    "styrene": ("C=Cc1ccccc1", "β α " + B),
    "benzyl alcohol": ("OCc1ccccc1", "- α " + B),
    "benzylamine": ("NCc1ccccc1", "n α " + B),
    "phenylboronic acid": ("OB(O)c1ccccc1", "- - - " + B),
    "benzenesulfonyl chloride": ("ClS(=O)(=O)c1ccccc1", "- - - - " + B),
    "benzenesulfonic acid": ("OS(=O)(=O)c1ccccc1", "! - - - " + B),
    "benzenesulfonamide": ("NS(=O)(=O)c1ccccc1", "n - - - " + B),
    "biphenyl": ("c1(-c2ccccc2)ccccc1", "1 1' 2' 3' 4' 5' 6' 2 3 4 5 6"),
    "naphthalene": ("c1cccc2ccccc21", BICYCLIC_6),
    "methane": ("C", "1"),
    "ethane": ("CC", "1 2"),
    "propane": ("CCC", "1 2 3"),
    "butane": ("CCCC", "1 2 3 4"),
    "ethylene": ("C=C", "1 2"),
    "acetylene": ("C#C", "1 2"),
    "cyclopropane": ("C1CC1", "1 2 3"),
    "cyclobutane": ("C1CCC1", "1 2 3 4"),
    "cyclopentane": ("C1CCCC1", "1 2 3 4 5"),
    "cyclohexane": ("C1CCCCC1", B),
    "formic acid": ("OC=O", "! - -"),
    "acetic acid": ("OC(=O)C", "! - - 2|α"),
    "propanoic acid": ("OC(=O)CC", "! - - 2|α 3|β"),
    "propionic acid": ("OC(=O)CC", "! - - 2|α 3|β"),
    "butanoic acid": ("OC(=O)CCC", "! - - 2|α 3|β 4"),
    "butyric acid": ("OC(=O)CCC", "! - - 2|α 3|β 4"),
    "acrylic acid": ("OC(=O)C=C", "! - - 2 3"),
    "carbamic acid": ("OC(=O)N", "! - - n"),
    "nicotinic acid": ("OC(=O)c1cccnc1", "! - - 3 4 5 6 1 2"),
    "isonicotinic acid": ("OC(=O)c1ccncc1", "! - - 4 3 2 1 6 5"),
    "picolinic acid": ("OC(=O)c1ccccn1", "! - - 2 3 4 5 6 1"),
}

# Heterocycles: parents that also give '-yl' groups ("pyridin-3-yl", "3-pyridinyl").
HETEROCYCLES: dict[str, tuple[str, str]] = {
    "pyridine": ("n1ccccc1", B),
    "pyrimidine": ("n1cnccc1", B),
    "pyrazine": ("n1ccncc1", B),
    "pyridazine": ("n1ncccc1", B),
    "thiophene": ("s1cccc1", "1 2 3 4 5"),
    "furan": ("o1cccc1", "1 2 3 4 5"),
    "pyrrole": ("[nH]1cccc1", "1 2 3 4 5"),
    "imidazole": ("[nH]1cncc1", "1 2 3 4 5"),
    "pyrazole": ("[nH]1nccc1", "1 2 3 4 5"),
    "thiazole": ("s1cncc1", "1 2 3 4 5"),
    "oxazole": ("o1cncc1", "1 2 3 4 5"),
    "isoxazole": ("o1nccc1", "1 2 3 4 5"),
    "isothiazole": ("s1nccc1", "1 2 3 4 5"),
    "indole": ("[nH]1ccc2ccccc21", BICYCLIC_5),
    "benzimidazole": ("[nH]1cnc2ccccc21", BICYCLIC_5),
    "indazole": ("[nH]1ncc2ccccc21", BICYCLIC_5),
    "benzofuran": ("o1ccc2ccccc21", BICYCLIC_5),
    "benzothiophene": ("s1ccc2ccccc21", BICYCLIC_5),
    "benzoxazole": ("o1cnc2ccccc21", BICYCLIC_5),
    "benzothiazole": ("s1cnc2ccccc21", BICYCLIC_5),
    "quinoline": ("n1cccc2ccccc21", BICYCLIC_6),
    "isoquinoline": ("c1nccc2ccccc21", BICYCLIC_6),
    "quinazoline": ("n1cncc2ccccc21", BICYCLIC_6),
    "quinoxaline": ("n1ccnc2ccccc21", BICYCLIC_6),
    "piperidine": ("N1CCCCC1", B),
    "piperazine": ("N1CCNCC1", B),
    "morpholine": ("O1CCNCC1", B),
    "thiomorpholine": ("S1CCNCC1", B),
    "pyrrolidine": ("N1CCCC1", "1 2 3 4 5"),
    "azetidine": ("N1CCC1", "1 2 3 4"),
}

# The 20 amino acids as L (written N[C@@H](R)C(=O)O, which is L for every R); 'n' is the alpha nitrogen.
AMINO_ACIDS: dict[str, tuple[str, str, str]] = {  # name -> (three-letter code, SMILES, locants)
    "glycine": ("gly", "NCC(=O)O", "n - - - !"),
    "alanine": ("ala", "N[C@@H](C)C(=O)O", "n - - - - !"),
    "valine": ("val", "N[C@@H](C(C)C)C(=O)O", "n - - - - - - !"),
    "leucine": ("leu", "N[C@@H](CC(C)C)C(=O)O", "n - - - - - - - !"),
    "isoleucine": ("ile", "N[C@@H]([C@@H](C)CC)C(=O)O", "n - - - - - - - !"),
    "proline": ("pro", "OC(=O)[C@@H]1CCCN1", "! - - - - - - n"),
    "phenylalanine": ("phe", "N[C@@H](Cc1ccccc1)C(=O)O", "n - - " + B + " - - !"),
    "tryptophan": ("trp", "N[C@@H](Cc1c[nH]c2ccccc12)C(=O)O", "n " + "- " * 13 + "!"),
    "methionine": ("met", "N[C@@H](CCSC)C(=O)O", "n - - - - - - - !"),
    "serine": ("ser", "N[C@@H](CO)C(=O)O", "n - - - - - !"),
    "threonine": ("thr", "N[C@@H]([C@@H](C)O)C(=O)O", "n - - - - - - !"),
    "cysteine": ("cys", "N[C@@H](CS)C(=O)O", "n - - - - - !"),
    "tyrosine": ("tyr", "N[C@@H](Cc1ccc(O)cc1)C(=O)O", "n - - 1 2 3 4 - 5 6 - - !"),
    "asparagine": ("asn", "N[C@@H](CC(N)=O)C(=O)O", "n - - - - - - - !"),
    "glutamine": ("gln", "N[C@@H](CCC(N)=O)C(=O)O", "n - - - - - - - - !"),
    "aspartic acid": ("asp", "N[C@@H](CC(=O)O)C(=O)O", "n - - - - - - - !"),
    "glutamic acid": ("glu", "N[C@@H](CCC(=O)O)C(=O)O", "n - - - - - - - - !"),
    "lysine": ("lys", "N[C@@H](CCCCN)C(=O)O", "n - - - - - - - - !"),
    "arginine": ("arg", "N[C@@H](CCCNC(=N)N)C(=O)O", "n - - - - - - - - - - !"),
    "histidine": ("his", "N[C@@H](Cc1cnc[nH]1)C(=O)O", "n - - - - - - - - - !"),
}

# Substituent prefixes (and the groups functional-class names are built on): '*' first, then the group.
SUBSTITUENTS: dict[str, tuple[str, str]] = {
    "fluoro": ("*F", ""),
    "chloro": ("*Cl", ""),
    "bromo": ("*Br", ""),
    "iodo": ("*I", ""),
    "nitro": ("*[N+](=O)[O-]", ""),
    "amino": ("*N", ""),
    "hydroxy": ("*O", ""),
    "mercapto": ("*S", ""),
    "sulfanyl": ("*S", ""),
    "oxo": ("*=O", ""),
    "cyano": ("*C#N", ""),
    "formyl": ("*C=O", ""),
    "carboxy": ("*C(=O)O", ""),
    "carbamoyl": ("*C(N)=O", ""),
    "methoxycarbonyl": ("*C(=O)OC", ""),
    "ethoxycarbonyl": ("*C(=O)OCC", ""),
    "methoxy": ("*OC", ""),
    "ethoxy": ("*OCC", ""),
    "propoxy": ("*OCCC", ""),
    "isopropoxy": ("*OC(C)C", ""),
    "butoxy": ("*OCCCC", ""),
    "tert-butoxy": ("*OC(C)(C)C", ""),
    "trifluoromethoxy": ("*OC(F)(F)F", ""),
    "difluoromethoxy": ("*OC(F)F", ""),
    "phenoxy": ("*Oc1ccccc1", "- - " + B),
    "benzyloxy": ("*OCc1ccccc1", "- - α " + B),
    "methylthio": ("*SC", ""),
    "methylsulfanyl": ("*SC", ""),
    "methyl": ("*C", ""),
    "ethyl": ("*CC", "- 1 2"),
    "propyl": ("*CCC", "- 1 2 3"),
    "isopropyl": ("*C(C)C", ""),
    "butyl": ("*CCCC", "- 1 2 3 4"),
    "isobutyl": ("*CC(C)C", ""),
    "sec-butyl": ("*C(C)CC", ""),
    "tert-butyl": ("*C(C)(C)C", ""),
    "t-butyl": ("*C(C)(C)C", ""),
    "pentyl": ("*CCCCC", "- 1 2 3 4 5"),
    "hexyl": ("*CCCCCC", "- 1 2 3 4 5 6"),
    "cyclopropyl": ("*C1CC1", "- 1 2 3"),
    "cyclobutyl": ("*C1CCC1", "- 1 2 3 4"),
    "cyclopentyl": ("*C1CCCC1", "- 1 2 3 4 5"),
    "cyclohexyl": ("*C1CCCCC1", "- " + B),
    "trifluoromethyl": ("*C(F)(F)F", ""),
    "difluoromethyl": ("*C(F)F", ""),
    "hydroxymethyl": ("*CO", ""),
    "aminomethyl": ("*CN", ""),
    "chloromethyl": ("*CCl", ""),
    "bromomethyl": ("*CBr", ""),
    "vinyl": ("*C=C", ""),
    "ethenyl": ("*C=C", ""),
    "allyl": ("*CC=C", ""),
    "ethynyl": ("*C#C", ""),
    "propargyl": ("*CC#C", ""),
    "azido": ("*N=[N+]=[N-]", ""),
    "methylamino": ("*NC", ""),
    "dimethylamino": ("*N(C)C", ""),
    "ethylamino": ("*NCC", ""),
    "diethylamino": ("*N(CC)CC", ""),
    "acetamido": ("*NC(C)=O", ""),
    "acetylamino": ("*NC(C)=O", ""),
    "acetyl": ("*C(=O)C", "- 1 - 2"),
    "propionyl": ("*C(=O)CC", "- 1 - 2 3"),
    "propanoyl": ("*C(=O)CC", "- 1 - 2 3"),
    "butyryl": ("*C(=O)CCC", "- 1 - 2 3 4"),
    "pivaloyl": ("*C(=O)C(C)(C)C", ""),
    "benzoyl": ("*C(=O)c1ccccc1", "- - - " + B),
    "methylsulfonyl": ("*S(C)(=O)=O", ""),
    "methanesulfonyl": ("*S(C)(=O)=O", ""),
    "mesyl": ("*S(C)(=O)=O", ""),
    "sulfamoyl": ("*S(N)(=O)=O", ""),
    "tosyl": ("*S(=O)(=O)c1ccc(C)cc1", ""),
    "trimethylsilyl": ("*[Si](C)(C)C", ""),
    "phenyl": ("*c1ccccc1", "- " + B),
    "benzyl": ("*Cc1ccccc1", "- α " + B),
    "phenethyl": ("*CCc1ccccc1", "- - - " + B),
    "morpholino": ("*N1CCOCC1", "- 4 3 2 1 6 5"),
    "piperidino": ("*N1CCCCC1", "- " + B),
    "pyrrolidino": ("*N1CCCC1", "- 1 2 3 4 5"),
    "piperazino": ("*N1CCNCC1", "- " + B),
    "4,4,5,5-tetramethyl-1,3,2-dioxaborolan-2-yl": ("*B1OC(C)(C)C(C)(C)O1", ""),
}

# Protecting groups: without a locant they go on the parent's 'n' atom, or on its one kind of N-H.
PROTECTING_GROUPS: dict[str, str] = {
    "boc": "*C(=O)OC(C)(C)C",
    "tert-butoxycarbonyl": "*C(=O)OC(C)(C)C",
    "cbz": "*C(=O)OCc1ccccc1",
    "z": "*C(=O)OCc1ccccc1",
    "benzyloxycarbonyl": "*C(=O)OCc1ccccc1",
    "fmoc": "*C(=O)OCC1c2ccccc2-c2ccccc21",
    "ac": "*C(C)=O",
    "ts": "*S(=O)(=O)c1ccc(C)cc1",
    "tosyl": "*S(=O)(=O)c1ccc(C)cc1",
    "bn": "*Cc1ccccc1",
}
# Abbreviations read as protecting groups only when a hyphen follows ("Z-Gly-OH", "Ac-Phe").
SHORT_GROUPS = frozenset({"z", "ac", "ts", "bn"})

# Names that imply a second substituent, placed by the locant (or o/m/p) written before them.
IMPLIED: dict[str, tuple[str, str]] = {  # name -> (base parent or group, implied substituent or 'yl')
    "toluidine": ("aniline", "methyl"),
    "anisidine": ("aniline", "methoxy"),
    "phenetidine": ("aniline", "ethoxy"),
    "cresol": ("phenol", "methyl"),
    "xylene": ("toluene", "methyl"),
    "tolualdehyde": ("benzaldehyde", "methyl"),
    "anisaldehyde": ("benzaldehyde", "methoxy"),
    "toluic acid": ("benzoic acid", "methyl"),
    "anisic acid": ("benzoic acid", "methoxy"),
    "tolunitrile": ("benzonitrile", "methyl"),
    "toluenesulfonyl chloride": ("benzenesulfonyl chloride", "methyl"),
    "toluenesulfonic acid": ("benzenesulfonic acid", "methyl"),
    "toluenesulfonamide": ("benzenesulfonamide", "methyl"),
    "tolyl": ("phenyl", "methyl"),
    "piperidone": ("piperidine", "oxo"),
    "pyrrolidone": ("pyrrolidine", "oxo"),
    "pyrrolidinone": ("pyrrolidine", "oxo"),
    "pyridyl": ("pyridine", "yl"),
    "thienyl": ("thiophene", "yl"),
    "furyl": ("furan", "yl"),
    "naphthyl": ("naphthalene", "yl"),
    "quinolyl": ("quinoline", "yl"),
    "pyrimidyl": ("pyrimidine", "yl"),
    "biphenylyl": ("biphenyl", "yl"),
    "naphthol": ("naphthalene", "hydroxy"),
    "naphthylamine": ("naphthalene", "amino"),
}

# Suffixes on a parent ("pyridine-3-carboxylic acid", "piperidin-4-one"); '*' bonds to the parent.
SUFFIXES: dict[str, tuple[str, str]] = {
    "carboxylic acid": ("*C(=O)O", "- - - !"),
    "carboxamide": ("*C(=O)N", "- - - n"),
    "carbaldehyde": ("*C=O", ""),
    "carboxaldehyde": ("*C=O", ""),
    "carbonitrile": ("*C#N", ""),
    "carbonyl": ("*C(=O)*", ""),
    "sulfonyl": ("*S(=O)(=O)*", ""),
    "sulfonamide": ("*S(=O)(=O)N", "- - - - n"),
    "sulfonic acid": ("*S(=O)(=O)O", "- - - - !"),
    "boronic acid": ("*B(O)O", ""),
    "amine": ("*N", "- n"),
    "thiol": ("*S", ""),
    "ol": ("*O", ""),
    "one": ("*=O", ""),
    "yl": ("**", ""),
}

# "<group> <word>": benzyl bromide, phenyl isocyanate, benzyl azide, isopropyl alcohol.
CLASS_WORDS: dict[str, tuple[str, str]] = {
    "fluoride": ("*F", ""),
    "chloride": ("*Cl", ""),
    "bromide": ("*Br", ""),
    "iodide": ("*I", ""),
    "azide": ("*N=[N+]=[N-]", ""),
    "isocyanate": ("*N=C=O", ""),
    "isothiocyanate": ("*N=C=S", ""),
    "thiocyanate": ("*SC#N", ""),
    "cyanide": ("*C#N", ""),
    "alcohol": ("*O", ""),
    "amine": ("*N", "- n"),
}

# "<group><stem>" written as one word: 4-methoxyphenylboronic acid, phenylacetylene, 4-chlorophenylacetic acid.
GROUP_CLASSES: dict[str, tuple[str, str]] = {
    "boronic acid": ("*B(O)O", ""),
    "acetylene": ("*C#C", ""),
    "acetic acid": ("*CC(=O)O", "- - - - !"),
    "acetonitrile": ("*CC#N", ""),
    "amine": ("*N", "- n"),
    "methanol": ("*CO", ""),
    "hydrazine": ("*NN", ""),
}

MULTIPLIERS = {"di": 2, "tri": 3, "tetra": 4, "penta": 5, "hexa": 6, "bis": 2, "tris": 3, "tetrakis": 4}
# Peptide shorthand C-termini ("Boc-Gly-OMe"): an ester group, or 'nh2' for the amide.
C_TERMINI = {"oh": None, "ome": "methyl", "oet": "ethyl", "otbu": "tert-butyl", "obn": "benzyl", "obzl": "benzyl"}


# Indices over the tables, built once: what a name may end on, and the vocabulary `looks_systematic` accepts.
LOC = r"(?:\d+[a-z]?'*|n'*|α|β)"
LOCS = rf"{LOC}(?:,{LOC})*"
ALL_PARENTS = {**PARENTS, **HETEROCYCLES, **{k: (v[1], v[2]) for k, v in AMINO_ACIDS.items()}}
STEMS: dict[str, tuple[str, str]] = {}  # stem -> (kind, table key); parents also with a final 'e' elided
for _name in ALL_PARENTS:
    STEMS[_name] = ("parent", _name)
    if _name.endswith("e") and " " not in _name:
        STEMS.setdefault(_name[:-1], ("parent", _name))
for _name in HETEROCYCLES:
    STEMS.setdefault(_name.removesuffix("e") + "yl", ("implied", _name))
STEMS.update({k: ("group", k) for k in SUBSTITUENTS} | {k: ("implied", k) for k in IMPLIED})
STEMS_BY_CHAR: dict[str, list[str]] = {}
for _name in sorted(STEMS, key=len, reverse=True):
    STEMS_BY_CHAR.setdefault(_name[0], []).append(_name)
PREFIX_NAMES = sorted({*SUBSTITUENTS, *PROTECTING_GROUPS}, key=len, reverse=True)
SUFFIX_RE = re.compile(rf"-?(?:({LOCS})-)?(di|tri|tetra)?({'|'.join(sorted(SUFFIXES, key=len, reverse=True))})")
AA_CODES = {code: name for name, (code, _, _) in AMINO_ACIDS.items()}
SHORTHAND = re.compile(
    rf"(?:({'|'.join(PROTECTING_GROUPS)}|h)-)?(?:(l|d|dl)-)?({'|'.join(AA_CODES)})(?:-({'|'.join(C_TERMINI)}|nh2))?"
)


def trie_regex(words) -> str:
    """A regex alternation of `words` shaped as a trie, so a failing match costs one branch per character."""
    root: dict = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(root)


_ACIDS = [n for n in (*STEMS, *SUFFIXES, *GROUP_CLASSES, *IMPLIED) if n.endswith("ic acid")]
_CORE_WORDS = {*STEMS, *AA_CODES, *CLASS_WORDS, *GROUP_CLASSES, *(n.removesuffix("ic acid") + "ate" for n in _ACIDS)}
_MORPHEMES = {*_CORE_WORDS, *PREFIX_NAMES, *SUFFIXES, *MULTIPLIERS, *C_TERMINI, "nh2", "ester", "pinacol", "h-"}
TOKENS = re.compile(rf"(?:{trie_regex(_MORPHEMES)}|\d++[a-z]?'*|[omp]-|d?l-|d-|n'*|[-,()' αβ])+")
CORE = re.compile(trie_regex(_CORE_WORDS))  # a name must hold one of these: a parent, group or functional class
