"""Molecular-property tasks about one compound: identity (formula, name ↔ SMILES), one task per RDKit property,
rule-of-five and Veber assessments. Every value comes from the compound's molecule facts. Two-compound comparisons
are in `finetune.tasks.comparisons`."""

from __future__ import annotations

from finetune.quality.facts import fmt
from finetune.tasks.templates import Fill, Subject, Task, register, subject_fields

CATEGORY = "molecular_properties"

# property → (questions, answers); {value} is the formatted fact, {subject}/{Ref}/{ref} name the compound.
PROPERTY_TEMPLATES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "molecular_weight": (
        (
            "What is the molecular weight of {subject}?",
            "Calculate the molecular weight of {subject}.",
            "How heavy is {subject}, in g/mol?",
            "Give the average molar mass of the compound {subject}.",
        ),
        (
            "The molecular weight is {value} g/mol.",
            "{Ref} has a molecular weight of {value} g/mol.",
            "MW = {value} g/mol (average atomic masses).",
        ),
    ),
    "logp": (
        (
            "What is the logP of {subject}?",
            "Estimate the octanol–water partition coefficient (Crippen logP) of {subject}.",
            "How lipophilic is {subject}? Give its calculated logP.",
            "Report the Wildman–Crippen logP for {subject}.",
        ),
        (
            "The Crippen logP is {value}.",
            "{Ref} has a calculated logP of {value}.",
            "logP ≈ {value} (Wildman–Crippen atom contributions).",
        ),
    ),
    "tpsa": (
        (
            "What is the topological polar surface area of {subject}?",
            "Calculate the TPSA of {subject}.",
            "How large is the polar surface area (TPSA) of {subject}?",
            "Give the Ertl TPSA of the molecule {subject}.",
        ),
        (
            "The TPSA is {value} Å².",
            "{Ref} has a topological polar surface area of {value} Å².",
            "TPSA = {value} Å² (Ertl fragment method).",
        ),
    ),
    "hbd": (
        (
            "How many hydrogen-bond donors does {subject} have?",
            "Count the H-bond donors in {subject}.",
            "What is the hydrogen-bond donor count (Lipinski definition) of {subject}?",
            "Number of HBD in {subject}?",
        ),
        (
            "{Ref} has {value} hydrogen-bond donor{s}.",
            "HBD count: {value}.",
            "{Ref} has {value} H-bond donor{s} (Lipinski count of NH and OH groups).",
        ),
    ),
    "hba": (
        (
            "How many hydrogen-bond acceptors does {subject} have?",
            "Count the H-bond acceptors in {subject}.",
            "What is the hydrogen-bond acceptor count (Lipinski definition) of {subject}?",
            "Number of HBA in {subject}?",
        ),
        (
            "{Ref} has {value} hydrogen-bond acceptor{s}.",
            "HBA count: {value}.",
            "{Ref} has {value} H-bond acceptor{s} (Lipinski count of N and O atoms).",
        ),
    ),
    "rotatable_bonds": (
        (
            "How many rotatable bonds does {subject} have?",
            "Count the rotatable bonds of {subject}.",
            "How flexible is {subject}? Give the number of rotatable bonds.",
            "What is the rotatable bond count of the molecule {subject}?",
        ),
        (
            "{Ref} has {value} rotatable bond{s}.",
            "Rotatable bonds: {value}.",
            "The molecule has {value} rotatable single bond{s}.",
        ),
    ),
    "rings": (
        (
            "How many rings does {subject} contain?",
            "Count the rings (smallest set of smallest rings) in {subject}.",
            "What is the ring count of {subject}?",
            "How many rings are there in the structure {subject}?",
        ),
        (
            "{Ref} contains {value} ring{s}.",
            "Ring count: {value}.",
            "The smallest set of smallest rings has {value} member{s}.",
        ),
    ),
    "aromatic_rings": (
        (
            "How many aromatic rings does {subject} have?",
            "Count the aromatic rings in {subject}.",
            "What is the number of aromatic rings of {subject}?",
            "How many of the rings in {subject} are aromatic?",
        ),
        (
            "{Ref} has {value} aromatic ring{s}.",
            "Aromatic ring count: {value}.",
            "{Ref} has {value} aromatic ring{s} in total.",
        ),
    ),
    "heavy_atoms": (
        (
            "How many heavy atoms does {subject} have?",
            "Count the non-hydrogen atoms in {subject}.",
            "What is the heavy-atom count of {subject}?",
            "How many atoms other than hydrogen are in {subject}?",
        ),
        (
            "{Ref} has {value} heavy atom{s}.",
            "Heavy-atom count: {value}.",
            "{Ref} is built from {value} non-hydrogen atom{s}.",
        ),
    ),
    "qed": (
        (
            "What is the QED drug-likeness score of {subject}?",
            "Calculate the quantitative estimate of drug-likeness (QED) for {subject}.",
            "How drug-like is {subject} by QED?",
            "Give the Bickerton QED of the molecule {subject}.",
        ),
        (
            "The QED is {value}.",
            "{Ref} has a QED of {value} (on a scale from zero to one).",
            "QED = {value}; higher values are more drug-like.",
        ),
    ),
    "sa_score": (
        (
            "What is the synthetic accessibility score of {subject}?",
            "Estimate how easy {subject} is to synthesise (SA score).",
            "Give the Ertl–Schuffenhauer SA score for {subject}.",
            "Calculate the SA score of the molecule {subject}.",
        ),
        (
            "The SA score is {value} (from one, easy, to ten, hard).",
            "{Ref} has a synthetic accessibility score of {value}.",
            "SA score = {value}.",
        ),
    ),
    "formal_charge": (
        (
            "What is the net formal charge of {subject}?",
            "Give the total formal charge of {subject}.",
            "Is {subject} charged? State its net formal charge.",
            "Sum the formal charges of the atoms in {subject}.",
        ),
        (
            "The net formal charge is {value}.",
            "{Ref} carries a net formal charge of {value}.",
            "Total formal charge: {value}.",
        ),
    ),
}


def _property_fill(name: str):
    def fill(s: Subject) -> Fill | None:
        value = s.compound.values[name]
        fields = {**subject_fields(s.compound), "value": fmt(name, value), "s": "" if value == 1 else "s"}
        return Fill(fields, {name: value})

    return fill


for _prop, (_questions, _answers) in PROPERTY_TEMPLATES.items():
    register(Task(_prop, CATEGORY, _questions, _answers, _property_fill(_prop)))


def _formula(s: Subject) -> Fill:
    formula = s.compound.values["formula"]
    return Fill({**subject_fields(s.compound), "formula": formula}, {"formula": formula})


register(
    Task(
        "formula",
        CATEGORY,
        (
            "What is the molecular formula of {subject}?",
            "Give the molecular formula for {subject}.",
            "Write the Hill formula of {subject}.",
            "Which molecular formula corresponds to the SMILES {smiles}?",
        ),
        ("The molecular formula is {formula}.", "{Ref} has the formula {formula}.", "{formula}"),
        _formula,
    )
)


def _named(fact: str):
    # The name itself is verified through compound.name and the DrugCentral record, so each direction states
    # only what its answer says.
    def fill(s: Subject) -> Fill | None:
        p = s.compound
        if not p.named_fact or not p.name:
            return None
        return Fill(subject_fields(p), {fact: p.name if fact == "name" else p.smiles})

    return fill


register(
    Task(
        "name_to_smiles",
        CATEGORY,
        (
            "What is the SMILES of {name}?",
            "Give a canonical SMILES string for the drug {name}.",
            "Write {name} as SMILES.",
            "Convert the drug name {name} into a SMILES structure.",
        ),
        ("{smiles}", "The canonical SMILES of {name} is {smiles}.", "{name}: {smiles}"),
        _named("smiles"),
    )
)
register(
    Task(
        "smiles_to_name",
        CATEGORY,
        (
            "Which approved drug has the SMILES {smiles}?",
            "Name the drug with the structure {smiles}.",
            "What is the common name of the compound {smiles}?",
            "Identify this approved drug: {smiles}",
        ),
        ("{name}", "This is {name}.", "The structure {smiles} is the approved drug {name}."),
        _named("name"),
    )
)


def _lipinski(s: Subject) -> Fill:
    v = s.compound.values
    names = ("molecular_weight", "logp", "hbd", "hba", "lipinski_violations")
    facts = {n: v[n] for n in names} | {"lipinski_compliant": v["lipinski_compliant"]}
    fields = {**subject_fields(s.compound), **{n: fmt(n, v[n]) for n in names}}
    fields |= {f"{n}_s": "" if v[n] == 1 else "s" for n in ("hbd", "hba", "lipinski_violations")}
    fields["verdict"] = "passes" if v["lipinski_compliant"] else "fails"
    fields["verdict_yes"] = "Yes" if v["lipinski_compliant"] else "No"
    return Fill(fields, facts)


register(
    Task(
        "lipinski",
        CATEGORY,
        (
            "Does {subject} satisfy Lipinski's rule of five?",
            "Assess {subject} against Lipinski's rule of five.",
            "Is {subject} orally drug-like by the rule of five?",
            "How many rule-of-five violations does {subject} have?",
        ),
        (
            "{verdict_yes}. MW {molecular_weight} g/mol, logP {logp}, {hbd} H-bond donor{hbd_s} and {hba} "
            "acceptor{hba_s} give {lipinski_violations} violation{lipinski_violations_s}, so {ref} {verdict} the rule "
            "of five (at most one violation allowed).",
            "Lipinski violations: {lipinski_violations} (MW {molecular_weight}, logP {logp}, HBD {hbd}, HBA {hba}); "
            "{ref} {verdict} the rule.",
            "With a molecular weight of {molecular_weight} g/mol, a logP of {logp}, {hbd} donor{hbd_s} and {hba} "
            "acceptor{hba_s}, {ref} has {lipinski_violations} rule-of-five violation{lipinski_violations_s} and "
            "{verdict} the filter.",
        ),
        _lipinski,
    )
)


def _veber(s: Subject) -> Fill:
    v = s.compound.values
    names = ("rotatable_bonds", "tpsa", "veber_violations")
    facts = {n: v[n] for n in names} | {"veber_compliant": v["veber_compliant"]}
    fields = {**subject_fields(s.compound), **{n: fmt(n, v[n]) for n in names}}
    fields |= {f"{n}_s": "" if v[n] == 1 else "s" for n in names}
    fields["verdict"] = "meets" if v["veber_compliant"] else "does not meet"
    fields["verdict_yes"] = "Yes" if v["veber_compliant"] else "No"
    return Fill(fields, facts)


register(
    Task(
        "veber",
        CATEGORY,
        (
            "Does {subject} meet Veber's criteria for oral bioavailability?",
            "Assess {subject} with the Veber rules (rotatable bonds and polar surface area).",
            "Is {subject} likely to have good oral bioavailability by Veber's rules?",
        ),
        (
            "{verdict_yes}: {ref} has {rotatable_bonds} rotatable bond{rotatable_bonds_s} and a TPSA of {tpsa} Å², "
            "{veber_violations} Veber violation{veber_violations_s}.",
            "Rotatable bonds {rotatable_bonds}, TPSA {tpsa} Å²: {veber_violations} violation{veber_violations_s}, "
            "so {ref} {verdict} the Veber criteria.",
            "Veber assessment of {ref}: {verdict} the criteria ({rotatable_bonds} rotatable "
            "bond{rotatable_bonds_s}, TPSA {tpsa} Å², {veber_violations} violation{veber_violations_s}).",
        ),
        _veber,
    )
)
