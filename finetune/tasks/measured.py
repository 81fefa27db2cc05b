"""Tasks whose answers come from the source files: measured BBB penetration (BBBP) and solubility (ESOL), targets,
indications, approvals and identifiers (DrugCentral), and natural-product classes (NPClassifier)."""

from __future__ import annotations

from finetune.quality.facts import fmt
from finetune.tasks.templates import Fill, Subject, Task, register, subject_fields

MAX_LISTED = 5  # targets/indications named in one answer; the count states how many the source has


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _bbb(s: Subject) -> Fill | None:
    value = s.compound.annotations.get("bbb_penetrant")
    if value is None:
        return None
    fields = subject_fields(s.compound)
    fields["yes"] = "Yes" if value else "No"
    fields["label"] = "penetrating" if value else "not penetrating"
    fields["does"] = "crosses" if value else "does not cross"
    return Fill(fields, {"bbb_penetrant": value})


register(
    Task(
        "bbb_penetration",
        "biological_activity",
        (
            "Does {subject} cross the blood–brain barrier?",
            "Is {subject} BBB-penetrant according to measured data?",
            "Can {subject} reach the central nervous system through the blood–brain barrier?",
            "What is the measured blood–brain barrier permeability class of {subject}?",
        ),
        (
            "{yes}. In the BBBP data set (Martins et al.) it is labelled as {label} the blood–brain barrier.",
            "Measured label: {label} (BBBP). {Ref} {does} the blood–brain barrier.",
            "{yes} — the BBBP measurements classify it as {label}.",
        ),
        _bbb,
    )
)


def _solubility(s: Subject) -> Fill | None:
    value = s.compound.annotations.get("log_solubility")
    if value is None:
        return None
    return Fill({**subject_fields(s.compound), "value": fmt("log_solubility", value)}, {"log_solubility": value})


register(
    Task(
        "aqueous_solubility",
        "biological_activity",
        (
            "What is the measured aqueous solubility of {subject}?",
            "How soluble in water is {subject}? Give log S.",
            "Report the experimental log solubility (mol/L) of {subject}.",
            "What log S was measured for {subject} in the ESOL set?",
        ),
        (
            "The measured log solubility is {value} (log mol/L, ESOL).",
            "log S = {value} log(mol/L), measured (Delaney ESOL data set).",
            "{Ref} has an experimental aqueous solubility of {value} in log mol/L.",
        ),
        _solubility,
    )
)


def _targets(s: Subject) -> Fill | None:
    targets = s.compound.annotations.get("targets") or []
    if not targets or not s.compound.name:
        return None
    listed = targets[:MAX_LISTED]
    fields = subject_fields(s.compound)
    fields |= {"count": fmt("target_count", len(targets)), "targets": _join(listed)}
    fields["scope"] = "namely" if len(listed) == len(targets) else "including"
    fields["s"] = "" if len(targets) == 1 else "s"
    return Fill(fields, {"targets": listed, "target_count": len(targets), "name": s.compound.name})


register(
    Task(
        "drug_targets",
        "biological_activity",
        (
            "Which protein targets does {name} act on?",
            "List the known molecular targets of {subject}.",
            "What does {name} bind to?",
            "Name the targets of the drug {name}.",
        ),
        (
            "DrugCentral lists {count} target{s} for {name}, {scope} {targets}.",
            "{Ref} has {count} annotated target{s} in DrugCentral, {scope} {targets}.",
            "Targets of {name} ({count} in DrugCentral), {scope} {targets}.",
        ),
        _targets,
    )
)


def _is_target(s: Subject) -> Fill | None:
    targets = s.compound.annotations.get("targets") or []
    if not targets or not s.compound.name:
        return None
    known = set(targets)
    decoys = sorted({t for peer in s.peers for t in peer.annotations.get("targets") or [] if t not in known})
    if decoys and s.rng.random() < 0.5:
        target, value = s.rng.choice(decoys), False
    else:
        target, value = s.rng.choice(targets), True
    fields = subject_fields(s.compound) | {"target": target, "yes": "Yes" if value else "No"}
    fields["is"] = "is" if value else "is not"
    return Fill(fields, {"queried_target": target, "is_target": value, "name": s.compound.name})


register(
    Task(
        "is_target",
        "biological_activity",
        (
            "Is {target} a target of {name}?",
            "Does {name} act on {target}?",
            "According to DrugCentral, does {name} bind {target}?",
        ),
        (
            "{yes}. {target} {is} among the DrugCentral targets of {name}.",
            "{yes} — DrugCentral {is_listed} {target} as a target of {name}.",
        ),
        lambda s: _with_listed(_is_target(s)),
    )
)


def _with_listed(fill: Fill | None) -> Fill | None:
    if fill is not None:
        fill.fields["is_listed"] = "lists" if fill.facts["is_target"] else "does not list"
    return fill


def _indications(s: Subject) -> Fill | None:
    items = s.compound.annotations.get("indications") or []
    if not items or not s.compound.name:
        return None
    listed = items[:MAX_LISTED]
    fields = subject_fields(s.compound) | {"indications": _join(listed), "count": str(len(items))}
    fields["s"] = "" if len(items) == 1 else "s"
    return Fill(fields, {"indications": listed, "indication_count": len(items), "name": s.compound.name})


register(
    Task(
        "indications",
        "clinical_therapeutic",
        (
            "What is {name} indicated for?",
            "List the approved indications of {subject}.",
            "Which diseases is {name} used to treat?",
            "Give the therapeutic indications of the drug {name}.",
        ),
        (
            "{Ref} has {count} listed indication{s}: {indications}.",
            "Indications of {name} ({count}): {indications}.",
            "{Ref} is used for {indications} ({count} indication{s} in DrugCentral).",
        ),
        _indications,
    )
)

_AGENCY = {"FDA": "the US FDA", "EMA": "the EMA", "PMDA": "Japan's PMDA"}


def _approval(s: Subject) -> Fill | None:
    agencies = s.compound.annotations.get("approved_by") or []
    if not agencies or not s.compound.name:
        return None
    fields = subject_fields(s.compound) | {"agencies": _join([_AGENCY.get(a, a) for a in agencies])}
    fields["codes"] = ", ".join(agencies)
    return Fill(fields, {"approved_by": agencies})


register(
    Task(
        "approval",
        "clinical_therapeutic",
        (
            "Which regulators have approved {name}?",
            "Is {name} an approved drug, and by which agencies?",
            "By which agencies (FDA, EMA, PMDA) is {subject} approved?",
        ),
        (
            "{Ref} is approved by {agencies}.",
            "Approved by: {codes} (DrugCentral).",
            "{name} has approvals from {agencies}.",
        ),
        _approval,
    )
)


def _identifier(fact: str):
    def fill(s: Subject) -> Fill | None:
        value = s.compound.annotations.get(fact)
        if not value or not s.compound.name:
            return None
        return Fill(subject_fields(s.compound) | {"value": value}, {fact: value})

    return fill


register(
    Task(
        "drugbank_id",
        "clinical_therapeutic",
        (
            "What is the DrugBank accession of {name}?",
            "Give the DrugBank identifier for {subject}.",
            "Which DrugBank ID corresponds to the drug {name}?",
        ),
        ("{value}", "The DrugBank accession of {name} is {value}.", "{Ref}: DrugBank {value}."),
        _identifier("drugbank_id"),
    )
)
register(
    Task(
        "cas_number",
        "clinical_therapeutic",
        (
            "What is the CAS registry number of {name}?",
            "Give the CAS number for {subject}.",
            "Which CAS RN identifies {name}?",
        ),
        ("{value}", "The CAS registry number of {name} is {value}.", "{Ref}: CAS {value}."),
        _identifier("cas_rn"),
    )
)

_NP = {
    "np_pathway": ("biosynthetic pathway", "pathway"),
    "np_superclass": ("structural superclass", "superclass"),
    "np_class": ("structural class", "class"),
}


def _np_fill(fact: str):
    def fill(s: Subject) -> Fill | None:
        value = s.compound.annotations.get(fact)
        if not value:
            return None
        return Fill(subject_fields(s.compound) | {"value": value}, {fact: value})

    return fill


for _fact, (_long, _short) in _NP.items():
    register(
        Task(
            _fact,
            "natural_products",
            (
                f"What is the NPClassifier {_short} of the natural product {{smiles}}?",
                f"Classify the natural product {{smiles}} by {_long}.",
                f"To which {_long} does the natural product {{smiles}} belong?",
                f"Give the {_short} of this natural product: {{smiles}}",
            ),
            (
                "{value}",
                f"Its {_long} is {{value}} (NPClassifier).",
                f"NPClassifier {_short}: {{value}}.",
            ),
            _np_fill(_fact),
        )
    )
