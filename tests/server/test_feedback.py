"""Feedback: stored against a run from the CLI, then exported as eval cases and training examples."""

import json

from finetune.feedback import export_feedback
from server.cli import main
from server.feedback_store import FeedbackStore


def test_feedback_becomes_eval_cases_and_training_examples(runtime, tmp_path):
    good = runtime.research.ask("How many rings are in c1ccc2ccccc2c1?")
    wrong = runtime.research.ask("How many carbon atoms are in CCO?")
    corrected = runtime.research.ask("What is the molecular formula of CCO?")
    store = FeedbackStore(runtime.settings.db_url)
    store.add(good["run_id"], rating=1)
    store.add(wrong["run_id"], rating=-1)
    store.add(corrected["run_id"], rating=0, correction="C2H6O")
    counts = export_feedback(store.list(limit=1_000_000), runtime.runs.get_run, tmp_path / "flywheel")
    assert counts == {"eval_cases": 2, "train_examples": 2}
    cases = [json.loads(line) for line in (tmp_path / "flywheel" / "eval_cases.jsonl").read_text().splitlines()]
    assert {"question": "What is the molecular formula of CCO?", "answer": "C2H6O"}.items() <= cases[0].items()
    assert cases[1]["wrong_answer"] == 2 and cases[1]["answer_type"] == "integer"
    examples = [json.loads(x) for x in (tmp_path / "flywheel" / "train_examples.jsonl").read_text().splitlines()]
    assert {e["messages"][1]["content"] for e in examples} >= {"C2H6O"}
    assert all(e["generator"] == "feedback" and e["messages"][0]["role"] == "user" for e in examples)


def test_feedback_cli_checks_the_run_and_the_rating(runtime, monkeypatch, capsys):
    monkeypatch.setenv("ECH0_DATA_DIR", str(runtime.settings.data_dir))
    monkeypatch.setenv("ECH0_DATABASE_URL", runtime.settings.db_url)
    monkeypatch.setenv("ECH0_KNOWLEDGE__CORPUS_PATH", str(runtime.settings.knowledge.corpus_path))
    run = runtime.research.ask("How many rings are in C1CC1?")
    assert main(["feedback", run["run_id"], "--rating", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rating"] == 1
    assert main(["feedback", "no-such-run", "--rating", "1"]) == 1
    assert "no finished run 'no-such-run'" in capsys.readouterr().err
    assert main(["feedback", run["run_id"], "--rating", "7"]) == 1
    assert "rating 7" in capsys.readouterr().err
