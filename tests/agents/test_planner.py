import pytest

from agents.mentions import find_names, find_smiles
from agents.rules_planner import EmptyRequestError, plan_request
from knowledge.common.errors import CompoundNotFoundError
from knowledge.common.mol import InvalidSmilesError


class Names:
    known = {"metformin", "imatinib", "acetylsalicylic acid", "caffeine"}

    def is_name(self, phrase):
        return phrase in self.known


def _calls(plan):
    return [(s.tool, s.args) for s in plan.steps]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("How many rings are in the molecule c1ccc2ccccc2c1?", ["c1ccc2ccccc2c1"]),
        ("How many carbon atoms are in the molecule: CCO", ["CCO"]),
        (
            "compare CC(=O)Oc1ccccc1C(=O)O and (SMILES Cn1cnc2c1c(=O)n(C)c(=O)n2C).",
            ["CC(=O)Oc1ccccc1C(=O)O", "Cn1cnc2c1c(=O)n(C)c(=O)n2C"],
        ),
        ("CNS penetration, BBB, CO2, p53, IL-6 and COVID-19 in 2020", []),
    ],
)
def test_find_smiles(text, expected):
    assert find_smiles(text) == expected


def test_broken_structure_is_an_error_not_ignored():
    with pytest.raises(InvalidSmilesError, match="C1CC\\(=O"):
        find_smiles("what is the logP of C1CC(=O")


def test_find_names_prefers_longest_and_keeps_order():
    assert find_names("Is Acetylsalicylic acid better than caffeine, or metformin?", Names().is_name) == [
        "acetylsalicylic acid",
        "caffeine",
        "metformin",
    ]


def test_sample_request_plans_literature_and_chemistry():
    plan = plan_request(
        "What does the literature say about metformin and cancer? "
        "Also compute the drug-likeness properties of metformin.",
        Names(),
    )
    assert _calls(plan) == [
        ("compound_lookup", {"query": "metformin"}),
        ("compute_properties", {"compound": "metformin"}),
        ("literature_search", {"query": "metformin and cancer"}),
    ]


def test_structure_question_and_literature_question_together():
    plan = plan_request(
        "How many rings are in the molecule c1ccc2ccccc2c1? Also, what is known about metformin?", Names()
    )
    tools = _calls(plan)
    assert ("structure_question", {"compound": "c1ccc2ccccc2c1", "question": "rings"}) in tools
    assert ("compute_properties", {"compound": "c1ccc2ccccc2c1"}) not in tools  # only what was asked
    assert ("literature_search", {"query": "metformin"}) in tools
    ring_step = next(s.id for s in plan.steps if s.tool == "structure_question")
    assert [a.model_dump() for a in plan.answers] == [{"step": ring_step, "field": "value", "form": "value"}]


def test_pure_chemistry_request_has_no_literature_step():
    plan = plan_request("Compute the molecular weight and logP of imatinib", Names())
    assert [s.tool for s in plan.steps] == ["compound_lookup", "compute_properties"]


def test_plain_question_is_a_literature_search():
    plan = plan_request("What is the role of microRNA in neuronal development?", Names())
    assert _calls(plan) == [("literature_search", {"query": "What is the role of microRNA in neuronal development"})]


def test_empty_request_and_unknown_compound_are_errors():
    with pytest.raises(EmptyRequestError):
        plan_request("  ", Names())
    with pytest.raises(CompoundNotFoundError, match="foobarin"):
        plan_request("compute the logP of foobarin", Names())
