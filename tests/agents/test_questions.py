"""Single-value questions: planned from free text, answered exactly by the chemistry lab, cited, in `answer`."""

import pytest
from rdkit import Chem

from agents.questions import find_question, mask_element_words
from agents.rules_planner import plan_request


class Names:
    def is_name(self, phrase):
        return phrase in {"metformin", "imatinib", "caffeine", "nitrogen", "ibuprofen"}


CARBON = "How many carbon atoms are in the molecule:\n\nS(c1sc(N)nn1)C(F)F\n\nGive your answer as an integer."
RINGS = "How many rings are in the molecule:\n\nO=C(Nc1ccccc1)C1CC2CCC1C2\n\nDo not write any comments."
DUMMY = (
    "Determine the number of bonds along the shortest path connecting the two dummy atoms (denoted by '*') in "
    "the molecule:\n\n*c1ccc(CC*)cc1\n\nGive your answer as an integer."
)
MAPPING = (
    "The following two SMILES strings represent the same molecule.\n\nSMILES 1: CC(=O)Nc1ccc(O)cc1\n"
    "SMILES 2: Oc1ccc(NC(C)=O)cc1\n\nProvide the atom mapping from SMILES 1 to SMILES 2 as a list of tuples."
)


def _calls(plan):
    return [(s.tool, s.args) for s in plan.steps]


def test_answer_format_instructions_are_not_literature_queries():
    plan = plan_request(CARBON, Names())
    assert _calls(plan) == [
        ("structure_question", {"compound": "S(c1sc(N)nn1)C(F)F", "question": "count_element", "element": "carbon"})
    ]
    assert plan.literature_query is None


def test_mapping_question_takes_the_two_structures_from_other_lines():
    plan = plan_request(MAPPING, Names())
    assert _calls(plan) == [
        (
            "structure_question",
            {"compound": "CC(=O)Nc1ccc(O)cc1", "question": "atom_mapping", "other": "Oc1ccc(NC(C)=O)cc1"},
        )
    ]


@pytest.mark.parametrize(
    ("clause", "kind", "extra"),
    [
        ("How many Cl atoms are in it", "count_element", {"element": "Cl"}),
        ("How many hydrogen bond donors does it have", "property", {"prop": "hbd"}),
        ("Count the aromatic rings", "aromatic_rings", {}),
        ("Bonds on the shortest path between atoms 2 and 7", "shortest_path", {"atoms": (2, 7)}),
        ("What is its molecular formula", "formula", {}),
        ("Does it pass Lipinski's rule of five", "lipinski", {}),
        ("How many heavy atoms does it have", "heavy_atoms", {}),
    ],
)
def test_question_kinds(clause, kind, extra):
    question = find_question(clause, ["CCO"], [])
    assert question is not None and question.kind == kind
    for key, value in extra.items():
        assert getattr(question, key) == value


def test_element_words_are_not_compound_names():
    assert "nitrogen" not in mask_element_words("How many nitrogen atoms does imatinib have?")
    plan = plan_request("How many nitrogen atoms does imatinib have?", Names())
    assert _calls(plan) == [
        ("compound_lookup", {"query": "imatinib"}),
        ("structure_question", {"compound": "imatinib", "question": "count_element", "element": "nitrogen"}),
    ]


def test_bare_structure_in_a_structural_question_is_found():
    plan = plan_request("How many bonds are on the shortest path between atoms 0 and 5 in CCCCCC?", Names())
    assert plan.steps[0].args == {"compound": "CCCCCC", "question": "shortest_path", "atom_a": 0, "atom_b": 5}


def _mapping_is_isomorphism(a: str, b: str, pairs) -> bool:
    ma, mb = Chem.MolFromSmiles(a), Chem.MolFromSmiles(b)
    to_b = dict(pairs)
    if sorted(to_b) != list(range(ma.GetNumAtoms())) or sorted(to_b.values()) != list(range(mb.GetNumAtoms())):
        return False
    for bond in ma.GetBonds():
        i, j = bond.GetBeginAtomIdx(), bond.GetEndAtomIdx()
        other = mb.GetBondBetweenAtoms(to_b[i], to_b[j])
        if other is None or other.GetBondType() != bond.GetBondType():
            return False
    return all(ma.GetAtomWithIdx(i).GetSymbol() == mb.GetAtomWithIdx(j).GetSymbol() for i, j in to_b.items())


def test_exact_answers_end_to_end(runtime):
    assert runtime.research.ask(CARBON)["answer"] == 3
    assert runtime.research.ask(RINGS)["answer"] == 3
    assert runtime.research.ask(DUMMY)["answer"] == 7
    result = runtime.research.ask(MAPPING)
    assert _mapping_is_isomorphism("CC(=O)Nc1ccc(O)cc1", "Oc1ccc(NC(C)=O)cc1", result["answer"])
    assert result["claims"] and result["claims"][0]["citations"][0].startswith("exp-")
    assert runtime.research.ask("How many nitrogen atoms does imatinib have?")["answer"] == 7
    assert runtime.research.ask("Does ibuprofen obey Lipinski's rule of five?")["answer"] == "yes"
    assert runtime.research.ask("What is the molecular formula of caffeine?")["answer"] == "C8H10N4O2"


def test_several_questions_give_a_list(runtime):
    result = runtime.research.ask("How many rings are in c1ccc2ccccc2c1? How many carbon atoms are in CCO?")
    assert result["answer"] == [2, 2]
    assert "**Answer:** 2; 2" in result["report_markdown"]


def test_single_value_questions_about_labs_and_neighbours(runtime):
    assert runtime.research.ask("What is the biosynthetic pathway of paclitaxel?")["answer"] == "Terpenoids"
    assert runtime.research.ask("Does O=C1C=CC(=O)C=C1 have any structural alerts?")["answer"] == "yes"
    assert runtime.research.ask("Does CCO have any PAINS alerts?")["answer"] == "no"
    similar = runtime.research.ask("Find approved drugs similar to imatinib.")["answer"]
    assert similar[:2] == ["nilotinib", "ponatinib"]


def test_names_stored_in_the_compound_db_are_planned_and_resolved(runtime):
    from knowledge.compound_models import CompoundEntry

    runtime.compound_db.upsert(
        CompoundEntry(
            source="pubchem",
            source_id="2244",
            name="Aspirin",
            structure="CC(=O)Oc1ccccc1C(=O)O",
            synonyms=["Aspirin", "Acetylsalicylic acid", "50-78-2"],
        )  # fmt: skip
    )
    runtime.__dict__.pop("backend", None)
    runtime.__dict__.pop("graph", None)
    result = runtime.research.ask("What is the molecular weight of aspirin?")
    assert result["answer"] == 180.16
