"""The feedback export on plain rows: no store, no runtime."""

import json

from finetune.feedback import export_feedback

RUNS = {
    "r1": {"run_id": "r1", "request": "How many rings are in C1CC1?", "report": {"report_markdown": "One ring.",
                                                                              "answer": 1}},
    "r2": {"run_id": "r2", "request": "What is the logP of CCO?", "report": {"report_markdown": "…", "answer": -0.3}},
}  # fmt: skip


def test_rows_become_cases_and_examples_and_unknown_runs_are_skipped(tmp_path):
    feedback = [
        {"id": 1, "run_id": "r1", "rating": 1, "correction": None},
        {"id": 2, "run_id": "r2", "rating": -1, "correction": None},
        {"id": 3, "run_id": "gone", "rating": 1, "correction": "anything"},
    ]
    counts = export_feedback(feedback, RUNS.get, tmp_path)
    assert counts == {"eval_cases": 1, "train_examples": 1}
    (case,) = [json.loads(line) for line in (tmp_path / "eval_cases.jsonl").read_text().splitlines()]
    assert case == {"id": "feedback-2", "question": "What is the logP of CCO?", "wrong_answer": -0.3,
                    "answer_type": "number", "source": "rated wrong on run r2"}  # fmt: skip
    (example,) = [json.loads(line) for line in (tmp_path / "train_examples.jsonl").read_text().splitlines()]
    assert example["messages"][1]["content"] == "One ring." and example["source_run"] == "r1"
