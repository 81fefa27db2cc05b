"""The planner dev set: well-formed, covering every intent, and planned correctly by the rules backend."""

from agents.plan_models import Plan, PlanStep
from evals.planner import ExpectedStep, evaluate_plans, load_dev_set, plan_is_correct


def _plan(*steps):
    return Plan(steps=[PlanStep(id=f"s{i}", tool=t, args=a, purpose="") for i, (t, a) in enumerate(steps, 1)])


def test_plan_matching_is_one_to_one_and_checks_arguments():
    expected = [
        ExpectedStep(tool="compute_properties", args={"compound": "CCO"}),
        ExpectedStep(tool="literature_search"),
    ]
    assert plan_is_correct(
        expected, _plan(("literature_search", {"query": "x"}), ("compute_properties", {"compound": "CCO"}))
    )
    assert not plan_is_correct(expected, _plan(("compute_properties", {"compound": "CCN"}), ("literature_search", {})))
    assert not plan_is_correct(expected, _plan(("compute_properties", {"compound": "CCO"})))
    extra = _plan(("compute_properties", {"compound": "CCO"}), ("literature_search", {}), ("toxicity_alerts", {}))
    assert not plan_is_correct(expected, extra)


def test_dev_set_covers_every_intent_with_sixty_requests(runtime):
    cases = load_dev_set()
    assert len(cases) >= 60
    intents = {i for c in cases for i in c.intents}
    assert {"literature", "compound", "property", "admet", "toxicity", "similarity", "comparison",
            "natural_product", "structure", "training"} <= intents  # fmt: skip
    result = evaluate_plans(cases, runtime.backend.plan)
    assert result["plan_accuracy"] >= 0.95, result["misses"]
