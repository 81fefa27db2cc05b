"""Structural tasks (element counts, rings, '*'-to-'*' paths, atom mapping, scaffolds) and the synthetic tasks on
RDKit-made analogues (scaffold decoration, matched pairs)."""

from __future__ import annotations

from finetune.dataset.edits import SUBSTITUENT_NAMES
from finetune.quality.facts import fmt
from finetune.tasks.templates import Fill, Subject, Task, register, subject_fields

CATEGORY = "molecular_properties"
ELEMENT_NAMES = {
    "H": "hydrogen", "B": "boron", "C": "carbon", "N": "nitrogen", "O": "oxygen", "F": "fluorine", "Si": "silicon",
    "P": "phosphorus", "S": "sulfur", "Cl": "chlorine", "Br": "bromine", "I": "iodine", "Se": "selenium",
    "Na": "sodium", "K": "potassium", "Ca": "calcium", "Mg": "magnesium", "Fe": "iron", "Zn": "zinc",
    "Pt": "platinum", "Li": "lithium", "As": "arsenic", "Cu": "copper",
}  # fmt: skip
_ABSENT_CANDIDATES = ("N", "O", "S", "F", "Cl", "Br", "P")


def _count_element(s: Subject) -> Fill | None:
    counts = s.compound.counts
    present = [e for e in counts if e in ELEMENT_NAMES]
    absent = [e for e in _ABSENT_CANDIDATES if e not in counts]
    if not present:
        return None
    symbol = s.rng.choice(absent) if absent and s.rng.random() < 0.15 else s.rng.choice(present)
    n = counts.get(symbol, 0)
    fields = subject_fields(s.compound) | {"symbol": symbol, "element": ELEMENT_NAMES[symbol], "n": str(n)}
    fields["atoms"] = "atom" if n == 1 else "atoms"
    return Fill(fields, {f"count_{symbol}": n}, {"element": symbol})


register(
    Task(
        "count_element",
        CATEGORY,
        (
            "How many {element} atoms are in {subject}?",
            "Count the {symbol} atoms in the molecule {smiles}.",
            "What is the number of {element} atoms in {subject}?",
            "How many {symbol} atoms does {smiles} contain (implicit hydrogens included)?",
        ),
        (
            "{n}",
            "There are {n} {element} {atoms}.",
            "{Ref} contains {n} {symbol} {atoms}.",
        ),
        _count_element,
    )
)


def _ring_info(s: Subject) -> Fill | None:
    v = s.compound.values
    if not v["rings"]:
        return None
    sizes = ", ".join(str(x) for x in v["ring_sizes"])
    fields = subject_fields(s.compound) | {"rings": fmt("rings", v["rings"]), "sizes": sizes}
    fields["aromatic"] = fmt("aromatic_rings", v["aromatic_rings"])
    fields["s"] = "" if v["rings"] == 1 else "s"
    return Fill(fields, {"rings": v["rings"], "ring_sizes": v["ring_sizes"], "aromatic_rings": v["aromatic_rings"]})


register(
    Task(
        "ring_systems",
        CATEGORY,
        (
            "Describe the rings of {subject}: how many, how many aromatic, and what sizes?",
            "List the ring sizes of {subject} and say how many rings are aromatic.",
            "What rings does {smiles} have?",
        ),
        (
            "{Ref} has {rings} ring{s} ({aromatic} aromatic), of size {sizes}.",
            "Rings: {rings}; aromatic: {aromatic}; ring sizes: {sizes}.",
            "The smallest set of smallest rings holds {rings} ring{s} (sizes {sizes}), {aromatic} of them aromatic.",
        ),
        _ring_info,
    )
)


def _shortest_path(s: Subject) -> Fill | None:
    p = s.compound
    if p.starred is None or p.path_bonds is None:
        return None
    fields = {"starred": p.starred, "n": str(p.path_bonds)}
    return Fill(fields, {"shortest_path_bonds": p.path_bonds}, compound_smiles=p.starred)


register(
    Task(
        "shortest_path",
        CATEGORY,
        (
            "How many bonds are on the shortest path between the two '*' atoms in {starred}?",
            "In the SMILES {starred}, count the bonds that separate the two '*' atoms.",
            "What is the topological distance, in bonds, between the '*' atoms of {starred}?",
            "Find the shortest bond path linking the two dummy atoms in {starred}. How many bonds long is it?",
        ),
        (
            "{n}",
            "The shortest path between the two '*' atoms has {n} bonds.",
            "The '*' atoms are {n} bonds apart.",
        ),
        _shortest_path,
    )
)


def _atom_mapping(s: Subject) -> Fill | None:
    p = s.compound
    if p.variant is None or p.mapping is None:
        return None
    fields = {"variant": p.variant, "smiles": p.smiles}
    fields["list"] = "[" + ", ".join(str(j) for j in p.mapping) + "]"
    fields["pairs"] = ", ".join(f"{i}→{j}" for i, j in enumerate(p.mapping))
    return Fill(fields, {"atom_mapping": p.mapping}, {"variant_smiles": p.variant})


register(
    Task(
        "atom_mapping",
        CATEGORY,
        (
            "{variant} and {smiles} are the same molecule. For each atom of the first SMILES, in order, give the "
            "index of the same atom in the second (indices start at zero).",
            "Map the atoms of {variant} onto {smiles} (same molecule): list, for atom i of the first SMILES, its "
            "zero-based index in the second.",
            "Give the atom mapping from the SMILES {variant} to the SMILES {smiles}, as zero-based indices.",
        ),
        (
            "{list}",
            "Atom mapping (first → second): {pairs}.",
            "Mapped indices, in the order of the first SMILES: {list}.",
        ),
        _atom_mapping,
    )
)


def _scaffold(s: Subject) -> Fill | None:
    scaffold = s.compound.values["scaffold"]
    if not scaffold:
        return None
    return Fill(subject_fields(s.compound) | {"scaffold": scaffold}, {"scaffold": scaffold})


register(
    Task(
        "murcko_scaffold",
        CATEGORY,
        (
            "What is the Bemis–Murcko scaffold of {subject}?",
            "Strip the side chains of {subject}: give its Murcko scaffold as SMILES.",
            "Which ring-and-linker framework (Bemis–Murcko) underlies {smiles}?",
        ),
        (
            "{scaffold}",
            "The Bemis–Murcko scaffold is {scaffold}.",
            "Murcko scaffold of {ref}: {scaffold}.",
        ),
        _scaffold,
    )
)


def _decorate(s: Subject) -> Fill | None:
    if s.analogue is None or s.parent is None:
        return None
    a = s.analogue
    fields = {"parent": s.parent.smiles, "site": str(a.site), "group": SUBSTITUENT_NAMES[a.substituent]}
    fields |= {"smiles": a.compound.smiles, "sub": a.substituent}
    inputs = {"parent_smiles": s.parent.smiles, "atom_index": a.site, "substituent": a.substituent}
    return Fill(fields, {"decorated_smiles": a.compound.smiles}, inputs, partner=s.parent)


register(
    Task(
        "scaffold_decoration",
        CATEGORY,
        (
            "Replace the hydrogen on atom {site} (zero-based, in SMILES order) of {parent} with a {group} group. "
            "What is the SMILES of the product?",
            "Decorate {parent} with {sub} at the aromatic carbon with index {site} (counting atoms from zero). "
            "Give the new SMILES.",
            "Write the SMILES of the analogue of {parent} carrying a {group} substituent on atom {site} (zero-based).",
        ),
        ("{smiles}", "The decorated analogue is {smiles}.", "Product SMILES: {smiles}"),
        _decorate,
        generator="synthetic",
        kind="analogue",
    )
)


def _matched_pair(s: Subject) -> Fill | None:
    if s.analogue is None or s.parent is None:
        return None
    a, p = s.analogue.compound.values, s.parent.values
    facts, fields = {}, {"parent": s.parent.smiles, "smiles": s.analogue.compound.smiles}
    fields["group"] = SUBSTITUENT_NAMES[s.analogue.substituent]
    for name in ("molecular_weight", "logp", "tpsa"):
        delta = round(a[name] - p[name], 2)
        facts |= {name: a[name], f"partner.{name}": p[name], f"delta.{name}": delta}
        fields |= {name: fmt(name, a[name]), f"p_{name}": fmt(name, p[name]), f"d_{name}": f"{delta:+.2f}"}
    return Fill(fields, facts, {"substituent": s.analogue.substituent}, partner=s.parent)


register(
    Task(
        "matched_pair",
        CATEGORY,
        (
            "{parent} and {smiles} form a matched pair (one aromatic hydrogen replaced by a {group} group). How do "
            "molecular weight, logP and TPSA change?",
            "Compare the parent {parent} with its {group} analogue {smiles}: what are the property deltas?",
            "What does the H → {group} swap from {parent} to {smiles} do to MW, logP and TPSA?",
        ),
        (
            "MW {p_molecular_weight} → {molecular_weight} g/mol ({d_molecular_weight}); logP {p_logp} → {logp} "
            "({d_logp}); TPSA {p_tpsa} → {tpsa} Å² ({d_tpsa}).",
            "The {group} analogue changes molecular weight by {d_molecular_weight} g/mol (to {molecular_weight}), "
            "logP by {d_logp} (to {logp}) and TPSA by {d_tpsa} Å² (to {tpsa}); the parent has MW "
            "{p_molecular_weight}, logP {p_logp} and TPSA {p_tpsa}.",
        ),
        _matched_pair,
        generator="synthetic",
        kind="analogue",
    )
)
