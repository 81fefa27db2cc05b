"""Grading of the paraphrase set: a plan's intents and slots, and the short answers, against the set's own cases."""

from __future__ import annotations

import pytest

from agents.plan_models import AnswerSpec, Plan, PlanStep
from evals.understanding import (
    SPLITS,
    answer_ok,
    evaluate,
    inchikey_resolver,
    load_cases,
    plan_intents,
    slots_ok,
)


def _step(i, tool, **args):
    return PlanStep(id=f"s{i}", tool=tool, args=args, purpose="")


def test_background_steps_do_not_count_as_asked():
    plan = Plan(
        steps=[_step(1, "compound_lookup", query="metformin"), _step(2, "compute_properties", compound="metformin"),
               _step(3, "literature_search", query="metformin cancer")],
        background=["s1", "s2"],
    )  # fmt: skip
    assert plan_intents(plan) == {"literature"}
    smiles = plan.model_copy(update={"answers": [AnswerSpec(step="s1", field="record.smiles")], "background": ["s2"]})
    assert plan_intents(smiles) == {"literature", "property"}  # the record read for its SMILES answers a property


@pytest.mark.parametrize(
    ("expected", "answer", "ok"),
    [
        ({"type": "number", "value": 194.19, "tolerance": 0.1}, 194.2, True),
        ({"type": "number", "value": 194.19, "tolerance": 0.1}, [2, 194.25], True),
        ({"type": "number", "value": 194.19, "tolerance": 0.1}, 195, False),
        ({"type": "integer", "value": 3}, 3, True),
        ({"type": "yes_no", "value": "yes"}, "no", False),
        ({"type": "smiles", "value": "OCC"}, "CCO", True),
        ({"type": "pairs", "value": [[0, 2], [1, 1], [2, 0]]}, [[2, 0], [1, 1], [0, 2]], True),
        ({"type": "formula", "value": "C9H8O4"}, None, False),
    ],
)
def test_answers_are_compared_by_type(expected, answer, ok):
    assert answer_ok(expected, answer) is ok


def test_the_set_grades_a_right_and_a_wrong_plan(runtime):
    case = next(c for c in load_cases(SPLITS["dev"]) if c.request == "What is the molecular weight of caffeine?")
    part = case.parts[0]
    right = runtime.backend.plan(case.request)
    wrong = runtime.backend.plan("What is the logP of caffeine?")

    resolve = inchikey_resolver(runtime.compounds)
    assert slots_ok(part, right, resolve) and not slots_ok(part, wrong, resolve)
    result = evaluate([case], lambda c: right, resolve, ask=lambda c: runtime.research.ask(c.request)["answer"])
    assert result["plan_accuracy"] == 1.0 and result["answer_accuracy"] == 1.0
    assert result["by_intent"]["property"]["answer"] == {"rate": 1.0, "n": 1}
