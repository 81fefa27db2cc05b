"""The planner with request understanding on: the shipped exemplar bank read by the real MiniLM, the shipped
compound store with its synonym table — the wordings a new user tried, and conversation."""

from __future__ import annotations

import pytest

from agents.understanding.follow_up import contextualize


def _calls(plan):
    return [(s.tool, s.args) for s in plan.steps]


def _tools(plan):
    return [s.tool for s in plan.steps]


@pytest.fixture
def plan(runtime):
    return runtime.backend.plan


@pytest.mark.parametrize(
    ("request_text", "intent"),
    [
        ("Hello! Who are you?", "greeting"),
        ("What can you do?", "capabilities"),
        ("thanks a lot!", "thanks"),
        ("What's the weather in Paris tomorrow?", "out_of_scope"),
        ("asdf qwerty", "clarify"),
    ],
)
def test_conversation_gets_a_reply_not_a_search(plan, request_text, intent):
    result = plan(request_text)
    assert result.steps == [] and result.conversation == intent and result.reply
    if intent in ("greeting", "capabilities", "out_of_scope"):
        assert "similar compounds" in result.reply and "literature" in result.reply  # what ECH0 can do instead


def test_closest_drugs_and_their_targets_plans_a_similarity_search(plan):
    result = plan("Which approved drugs are structurally closest to sildenafil? list their targets")
    assert ("similarity_search", {"compound": "sildenafil", "library": "approved_drugs"}) in _calls(result)
    assert all(p.status == "planned" for p in result.parts)  # the targets come with the neighbours' records


def test_prediction_and_literature_in_one_sentence_plan_both(plan):
    result = plan("Predict the solubility of osimertinib and summarize what is known about its resistance mechanisms")
    assert ("predict_admet", {"compound": "osimertinib", "endpoints": ["solubility"]}) in _calls(result)
    query = next(s.args["query"] for s in result.steps if s.tool == "literature_search")
    assert "osimertinib" in query and "resistance" in query


def test_two_questions_joined_by_and_get_two_answers(plan):
    result = plan("How many rings does caffeine have and what is its TPSA?")
    assert {a.field for a in result.answers} == {"value", "outputs.properties.tpsa"}


def test_synonyms_typos_and_bracketed_smiles_are_resolved(plan):
    assert [a.field for a in plan("What is the QED of aspirin?").answers] == ["outputs.properties.qed"]
    misspelt = plan("What are the known targets of atorvastatn and its logP?")
    assert ("compound_lookup", {"query": "atorvastatin"}) in _calls(misspelt)
    assert any("atorvastatn" in n and "atorvastatin" in n for n in misspelt.notes)
    bracketed = plan("naphthalene (c1ccc2ccccc2c1): how many aromatic rings?")
    assert _calls(bracketed) == [("structure_question", {"compound": "c1ccc2ccccc2c1", "question": "aromatic_rings"})]


def test_a_new_wording_of_the_attachment_path_question_is_exact(plan):
    result = plan("How many bonds lie on the shortest route linking the two * attachment atoms in *CCOc1ccc(*)cc1?")
    assert _calls(result) == [("structure_question", {"compound": "*CCOc1ccc(*)cc1", "question": "shortest_path"})]


def test_reactants_named_in_words_plan_a_reaction(plan):
    result = plan("What is the product of coupling acetic acid with benzylamine?")
    assert _calls(result) == [("predict_reaction", {"reactants": ["acetic acid", "benzylamine"], "reaction": None})]


def test_an_unknown_drug_is_planned_and_named_not_dropped(plan):
    result = plan("What are the targets of sotorasib?")
    assert ("compound_lookup", {"query": "sotorasib"}) in _calls(result)
    assert any("sotorasib" in n and "SMILES" in n for n in result.notes)


def test_a_part_nothing_serves_is_named_with_what_would_make_it_work(plan):
    result = plan("What is the logP of caffeine? Also, make it better.")
    assert [a.field for a in result.answers] == ["outputs.properties.logp"]
    unplanned = [p for p in result.parts if p.status != "planned"]
    assert unplanned and unplanned[0].hint and any("make it better" in n for n in result.notes)


def test_follow_ups_are_read_with_the_earlier_turns(plan):
    assert (
        contextualize("and for ibuprofen?", ["What is the logP of caffeine?"], plan) == "What is the logP of ibuprofen?"
    )
    assert "aspirin" in contextualize("and its TPSA", ["logP of aspirin"], plan)
    assert contextualize("thanks!", ["What is the logP of caffeine?"], plan) == "thanks!"
    narrowed = contextualize("now only natural products", ["Find compounds similar to celecoxib"], plan)
    assert ("similarity_search", {"compound": "celecoxib", "library": "natural_products"}) in _calls(plan(narrowed))


def test_a_conversation_is_answered_end_to_end_with_its_history(runtime):
    greeting = runtime.research.ask("Hello! Who are you?")
    assert greeting["reply"].startswith("Hello") and "ECH0" in greeting["report_markdown"]
    follow_up = runtime.research.ask("and for ibuprofen?", history=["How many rings does caffeine have?"])
    assert follow_up["answer"] == 1  # ibuprofen's one ring, not caffeine's two
    assert any("earlier turns" in n for n in follow_up["notes"])
