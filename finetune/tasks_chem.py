"""Molecular-property tasks: identity (formula, name ↔ SMILES), one task per RDKit property, rule-of-five and
Veber assessments, and two-compound comparisons. Every value comes from the compound's profile."""

from __future__ import annotations

from finetune.facts import fmt
from finetune.templates import Fill, Subject, Task, register, subject_fields

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
        value = s.profile.values[name]
        fields = {**subject_fields(s.profile), "value": fmt(name, value), "s": "" if value == 1 else "s"}
        return Fill(fields, {name: value})

    return fill


for _prop, (_questions, _answers) in PROPERTY_TEMPLATES.items():
    register(Task(_prop, CATEGORY, _questions, _answers, _property_fill(_prop)))


def _formula(s: Subject) -> Fill:
    formula = s.profile.values["formula"]
    return Fill({**subject_fields(s.profile), "formula": formula}, {"formula": formula})


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
        p = s.profile
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
    v = s.profile.values
    names = ("molecular_weight", "logp", "hbd", "hba", "lipinski_violations")
    facts = {n: v[n] for n in names} | {"lipinski_compliant": v["lipinski_compliant"]}
    fields = {**subject_fields(s.profile), **{n: fmt(n, v[n]) for n in names}}
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
    v = s.profile.values
    names = ("rotatable_bonds", "tpsa", "veber_violations")
    facts = {n: v[n] for n in names} | {"veber_compliant": v["veber_compliant"]}
    fields = {**subject_fields(s.profile), **{n: fmt(n, v[n]) for n in names}}
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

_COMPARE = {
    "molecular_weight": ("heavier", "lighter", " g/mol", "molecular weight"),
    "logp": ("more lipophilic", "less lipophilic", "", "logP"),
    "tpsa": ("more polar", "less polar", " Å²", "TPSA"),
}


def _compare_fill(name: str):
    more, less, unit, label = _COMPARE[name]

    def fill(s: Subject) -> Fill | None:
        if s.partner is None:
            return None
        a, b = s.profile.values[name], s.partner.values[name]
        fa, fb = fmt(name, a), fmt(name, b)
        if fa == fb:
            return None  # a tie has no winner to name
        first, second = subject_fields(s.profile)["subject"], subject_fields(s.partner)["subject"]
        high, low = ((first, fa), (second, fb)) if a > b else ((second, fb), (first, fa))
        return Fill(
            {
                "a": first,
                "b": second,
                "va": fa + unit,
                "vb": fb + unit,
                "winner": high[0],
                "vwin": high[1] + unit,
                "loser": low[0],
                "vlose": low[1] + unit,
                "more": more,
                "less": less,
                "label": label,
            },
            {name: a, f"partner.{name}": b},
        )

    return fill


for _prop, (_more, _less, _unit, _label) in _COMPARE.items():
    register(
        Task(
            f"compare_{_prop}",
            CATEGORY,
            (
                f"Which is {_more}: {{a}} or {{b}}?",
                f"Compare the {_label} of {{a}} and {{b}}.",
                f"Between {{a}} and {{b}}, which compound has the higher {_label}?",
            ),
            (
                "{winner} is {more} ({label} {vwin} vs {vlose}).",
                "{label}: {va} for {a} and {vb} for {b}; {winner} is {more}.",
                "{loser} is {less}: its {label} is {vlose}, against {vwin} for {winner}.",
            ),
            _compare_fill(_prop),
            kind="pair",
        )
    )


def _similarity(s: Subject) -> Fill | None:
    if s.partner is None:
        return None
    from finetune.chem import tanimoto

    value = round(tanimoto(s.profile.mol, s.partner.mol), 2)
    fields = {"a": subject_fields(s.profile)["subject"], "b": subject_fields(s.partner)["subject"]}
    fields["value"] = fmt("tanimoto", value)
    return Fill(fields, {"tanimoto": value})


register(
    Task(
        "tanimoto_similarity",
        CATEGORY,
        (
            "What is the Tanimoto similarity of {a} and {b} (Morgan fingerprints, radius 2, 2048 bits)?",
            "How similar are {a} and {b}? Use ECFP4-like Morgan fingerprints and the Tanimoto coefficient.",
            "Compute the Morgan-fingerprint Tanimoto similarity between {a} and {b}.",
        ),
        (
            "The Tanimoto similarity is {value}.",
            "Tanimoto (Morgan, ECFP4-like) = {value}.",
            "Their fingerprints overlap with a Tanimoto coefficient of {value}.",
        ),
        _similarity,
        kind="pair",
    )
)
