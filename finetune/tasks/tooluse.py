"""Tool-use trajectories: an ECH0 request → the JSON plan (agents/plan_models.py's shape: steps with id, tool, args,
purpose; literature_query; compounds) → tool results (the shapes ECH0's tools return) → an answer citing steps.

Tool results are computed here from the compound's molecule, never invented; experiment ids, which only a real
lab run records, are left out. A request that needs the literature gets a plan-only example.
"""

from __future__ import annotations

import json
from typing import Any

from rdkit import Chem

from finetune.dataset.molecule_facts import MoleculeFacts
from finetune.quality.facts import fmt
from finetune.tasks.structure import ELEMENT_NAMES
from finetune.tasks.templates import Fill, Subject, Task, register
from labs.chemistry.properties import PROPERTIES

CATEGORY = "tool_use"
SYSTEM = (
    "You are ECH0, a drug-discovery research assistant. Answer a research request by planning tool calls: reply "
    'first with a JSON plan {"steps": [{"id", "tool", "args", "purpose"}], "literature_query", "compounds"}. '
    "Tool results come back as tool messages; then answer, citing the step ids in brackets. Tools: "
    "compound_lookup(query), compute_properties(compound, names), structure_question(compound, question, "
    "element, other), literature_search(query)."
)
_ASKABLE = ("molecular_weight", "logp", "tpsa", "hbd", "hba", "rotatable_bonds", "qed")
_PHRASE = {
    "molecular_weight": "molecular weight",
    "logp": "logP",
    "tpsa": "TPSA",
    "hbd": "H-bond donors",
    "hba": "H-bond acceptors",
    "rotatable_bonds": "rotatable bonds",
    "qed": "QED",
    "lipinski_violations": "Lipinski violations",
}


def _step(i: int, tool: str, args: dict[str, Any], purpose: str) -> dict[str, Any]:
    return {"id": f"s{i}", "tool": tool, "args": args, "purpose": purpose}


def _plan(steps: list[dict[str, Any]], compounds: list[str], literature: str | None = None) -> str:
    return json.dumps({"steps": steps, "literature_query": literature, "compounds": compounds}, ensure_ascii=False)


def _tool(step: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    content = json.dumps(result, ensure_ascii=False)
    return {"role": "tool", "name": step["tool"], "tool_call_id": step["id"], "content": content}


def _lookup_result(p: MoleculeFacts) -> dict[str, Any]:
    a = p.annotations
    record = {
        "source": p.source,
        "source_id": p.key.split(":", 1)[1],
        "name": p.name,
        "smiles": p.smiles,
        "inchikey": p.ids.get("inchikey"),
        "cas": a.get("cas_rn"),
        "drugbank_id": a.get("drugbank_id"),
        "approved_by": a.get("approved_by", []),
        "targets": a.get("targets", []),
        "np_pathway": None,
        "np_superclass": None,
        "np_class": None,
    }
    return {"key": p.key, "title": f"{p.name} (DrugCentral approved drugs {record['source_id']})", "label": p.name,
            "record": record}  # fmt: skip


def _properties_result(p: MoleculeFacts, query: str, names: list[str] | None) -> dict[str, Any]:
    props = {n: p.values[n] for n in (names or PROPERTIES)}
    key = p.key if p.named_fact and query == p.name else None
    return {
        "compound": {"query": query, "label": p.name if key else query, "record_key": key},
        "outputs": {
            "canonical_smiles": p.smiles,
            "inchikey": Chem.MolToInchiKey(p.mol),
            "formula": p.values["formula"],
            "properties": props,
        },
        "units": {n: PROPERTIES[n].unit for n in props},
        "labels": {n: PROPERTIES[n].label for n in props},
    }


def _statement_list(p: MoleculeFacts, names: list[str]) -> str:
    units = {"molecular_weight": " g/mol", "tpsa": " Å²"}
    return ", ".join(f"{_PHRASE[n]} {fmt(n, p.values[n])}{units.get(n, '')}" for n in names)


def _compound_properties(s: Subject) -> Fill | None:
    p = s.compound
    if not p.named_fact or not p.name:
        return None
    names = sorted(s.rng.sample(_ASKABLE, s.rng.choice((2, 3))), key=_ASKABLE.index)
    steps = [
        _step(1, "compound_lookup", {"query": p.name}, f"record of {p.name} in the compound store"),
        _step(2, "compute_properties", {"compound": p.name, "names": names}, f"RDKit properties of {p.name}"),
    ]
    trajectory = [
        {"role": "assistant", "content": _plan(steps, [p.name])},
        _tool(steps[0], _lookup_result(p)),
        _tool(steps[1], _properties_result(p, p.name, names)),
    ]
    fields = {"name": p.name, "props": " and ".join(_PHRASE[n] for n in names), "key": p.key}
    fields["values"] = _statement_list(p, names)
    facts = {n: p.values[n] for n in names} | {"name": p.name}
    return Fill(fields, facts, trajectory=trajectory)


register(
    Task(
        "tool_compound_properties",
        CATEGORY,
        (
            "What are the {props} of {name}?",
            "Compute the {props} for {name}.",
            "I need the {props} of the drug {name}.",
        ),
        (
            "{name} ({key}): {values} [s2].",
            "According to the chemistry lab [s2], {name} has {values}. Compound record: {key} [s1].",
        ),
        _compound_properties,
        system=SYSTEM,
    )
)

_DRUGLIKE = ["molecular_weight", "logp", "tpsa", "hbd", "hba", "qed", "lipinski_violations"]


def _smiles_properties(s: Subject) -> Fill:
    p = s.compound
    steps = [_step(1, "compute_properties", {"compound": p.smiles}, f"RDKit properties of {p.smiles}")]
    trajectory = [
        {"role": "assistant", "content": _plan(steps, [p.smiles])},
        _tool(steps[0], _properties_result(p, p.smiles, None)),
    ]
    fields = {"smiles": p.smiles, "values": _statement_list(p, _DRUGLIKE)}
    return Fill(fields, {n: p.values[n] for n in _DRUGLIKE}, trajectory=trajectory)


register(
    Task(
        "tool_smiles_properties",
        CATEGORY,
        (
            "Compute the drug-likeness properties of {smiles}.",
            "Profile the molecule {smiles}: is it drug-like?",
            "Give me the physicochemical properties of {smiles}.",
        ),
        ("For {smiles} [s1]: {values}.", "The chemistry lab [s1] reports {values}."),
        _smiles_properties,
        system=SYSTEM,
    )
)


def _structure(s: Subject, question: str) -> Fill | None:
    p = s.compound
    compound, args, outputs, facts, inputs = p.smiles, {"question": question}, {}, {}, {}
    if question == "count_element":
        symbols = [e for e in p.counts if e in ELEMENT_NAMES and e != "H"]
        if not symbols:
            return None
        symbol = s.rng.choice(symbols)
        n = p.counts[symbol]
        args["element"] = symbol
        outputs, value = {"element": symbol, "count": n}, n
        statement = f"{compound} has {n} {symbol} atom{'s' if n != 1 else ''}"
        facts, inputs = {f"count_{symbol}": n}, {"element": symbol}
        request = {"symbol": symbol, "element": ELEMENT_NAMES[symbol]}
    elif question == "rings":
        v = p.values
        if not v["rings"]:
            return None
        outputs = {"rings": v["rings"], "aromatic_rings": v["aromatic_rings"], "ring_sizes": v["ring_sizes"]}
        value = v["rings"]
        sizes = ", ".join(str(x) for x in v["ring_sizes"])
        statement = f"{compound} has {v['rings']} rings (smallest set of smallest rings; sizes {sizes})"
        facts, request = {"rings": v["rings"], "ring_sizes": v["ring_sizes"]}, {}
    elif question == "shortest_path":
        if p.starred is None:
            return None
        compound, value = p.starred, p.path_bonds
        outputs = {"bonds": value}
        statement = f"The shortest path between the two '*' atoms of {compound} has {value} bonds"
        facts, request = {"shortest_path_bonds": value}, {}
    else:
        if p.variant is None or p.mapping is None:
            return None
        compound, args["other"] = p.variant, p.smiles
        value = [[i, j] for i, j in enumerate(p.mapping)]
        outputs = {"mapping": p.mapping, "pairs": value}
        statement = f"Atom mapping from {compound} to {p.smiles} (first → second): " + ", ".join(
            f"{i}→{j}" for i, j in enumerate(p.mapping)
        )
        facts, inputs, request = {"atom_mapping": p.mapping}, {"variant_smiles": p.variant}, {"other": p.smiles}
    step = _step(1, "structure_question", {"compound": compound, **args}, f"exact answer: {question.replace('_', ' ')}")
    result = {
        "question": question,
        "compound": {"query": compound, "label": compound, "smiles": compound, "record_key": None},
        "value": value,
        "statement": statement,
        "outputs": outputs,
    }
    trajectory = [{"role": "assistant", "content": _plan([step], [compound])}, _tool(step, result)]
    fields = {"compound": compound, "statement": statement, **request}
    derived = compound if question == "shortest_path" else None
    return Fill(fields, facts, inputs, trajectory=trajectory, compound_smiles=derived)


_STRUCTURE_REQUESTS = {
    "count_element": ("How many {element} atoms are in {compound}?", "Count the {symbol} atoms of {compound}."),
    "rings": ("How many rings are in the molecule {compound}?", "What ring sizes does {compound} have?"),
    "shortest_path": (
        "How many bonds separate the two '*' atoms in {compound}?",
        "Shortest path, in bonds, between the '*' atoms of {compound}?",
    ),
    "atom_mapping": (
        "Map the atoms of {compound} onto {other} (same molecule).",
        "Give the atom mapping from {compound} to {other}.",
    ),
}

for _question, _requests in _STRUCTURE_REQUESTS.items():
    register(
        Task(
            f"tool_{_question}",
            CATEGORY,
            _requests,
            ("{statement} [s1].", "The structure tool [s1] answers: {statement}."),
            (lambda q: lambda s: _structure(s, q))(_question),
            system=SYSTEM,
        )
    )


def _plan_literature(s: Subject) -> Fill | None:
    p = s.compound
    if not p.named_fact or not p.name:
        return None
    indications, targets = p.annotations.get("indications") or [], p.annotations.get("targets") or []
    topic_fact: dict[str, Any] = {}
    if indications:
        topic = s.rng.choice(indications)
        topic_fact, phrase = {"indications": [topic]}, topic
    elif targets:
        topic = s.rng.choice(targets)
        topic_fact, phrase = {"targets": [topic]}, f"its target {topic}"
    else:
        topic = phrase = "mechanism of action"
    prop = s.rng.choice(_ASKABLE)
    query = f"{p.name} {topic}"
    steps = [
        _step(1, "compound_lookup", {"query": p.name}, f"record of {p.name} in the compound store"),
        _step(2, "compute_properties", {"compound": p.name, "names": [prop]}, f"RDKit properties of {p.name}"),
        _step(3, "literature_search", {"query": query}, "literature evidence for the question"),
    ]
    fields = {"name": p.name, "topic": phrase, "prop": _PHRASE[prop], "plan": _plan(steps, [p.name], query)}
    return Fill(fields, {"name": p.name, **topic_fact})


register(
    Task(
        "tool_plan_literature",
        CATEGORY,
        (
            "What does the literature say about {name} and {topic}? Also compute its {prop}.",
            "Find studies on {name} and {topic}, and give its {prop}.",
            "Summarise the evidence on {name} and {topic}; include the {prop} of {name}.",
        ),
        ("{plan}",),
        _plan_literature,
        system=SYSTEM,
    )
)
