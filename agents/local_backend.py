"""The `local` backend: the rules planner and report, plus a plain-language summary written by a small model
on CPU (SmolLM2-135M-Instruct, shipped as GGUF), checked like any other claim.

A 135M model cannot plan tool calls reliably, so planning stays deterministic; what it does well enough is
turn the verified findings into two readable sentences. Each number of the summary must be the value of the fact
it names (agents.number_check); otherwise the summary is replaced by the first findings, quoted, and the report
says why.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

from agents.backends import RulesBackend
from agents.issues import Issue
from agents.number_check import number_problems
from agents.plan_models import Plan
from agents.report import Report, Section
from agents.verify import words_supported

SYSTEM_PROMPT = "You summarise chemistry facts in one short sentence, using only the facts given."


class LocalBackend:
    name = "local"

    def __init__(self, rules: RulesBackend, model_path: str | None = None, max_new_tokens: int = 48) -> None:
        self.rules = rules
        self.model_path = model_path
        self.max_new_tokens = max_new_tokens

    @cached_property
    def _model(self) -> tuple[Any, Any]:
        if self.model_path:
            from transformers import AutoModelForCausalLM, AutoTokenizer

            path = Path(self.model_path)
            kwargs = {"gguf_file": path.name} if path.suffix == ".gguf" else {}
            folder = str(path.parent if path.suffix == ".gguf" else path)
            return AutoModelForCausalLM.from_pretrained(folder, **kwargs), AutoTokenizer.from_pretrained(
                folder, **kwargs
            )
        from finetune.training.smollm2 import load_smollm2

        return load_smollm2()

    def plan(self, request: str) -> Plan:
        return self.rules.plan(request)

    def replan(self, request: str, results: list[dict[str, Any]], issues: list[Issue], attempt: int) -> Plan | None:
        return self.rules.replan(request, results, issues, attempt)

    def summarize(self, findings: list[str]) -> str:
        import torch

        model, tokenizer = self._model
        messages = [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": "\n".join(findings)}]
        text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        inputs = tokenizer(text, return_tensors="pt")
        with torch.no_grad():
            out = model.generate(**inputs, max_new_tokens=self.max_new_tokens, do_sample=False)
        return tokenizer.decode(out[0, inputs["input_ids"].shape[1] :], skip_special_tokens=True).strip()

    def synthesize(self, run_id: str, request: str, results: list[dict[str, Any]]) -> Report:
        report = self.rules.synthesize(run_id, request, results)
        findings = [c.text for c in report.claims][:6]  # a 135M model loses track of longer inputs
        if not findings:
            return report
        summary = self.summarize(findings)
        problems = number_problems(summary, results, findings)
        if not problems and not words_supported(summary, findings):
            problems = ["most of its words are not in the findings"]
        if not problems:
            paragraph = f"{summary} *(written by {self.name} model; details and sources below)*"
            report.sections.insert(0, Section(heading="Summary", paragraphs=[paragraph]))
            return report
        report.notes.append(f"The {self.name} model's summary was dropped: {'; '.join(problems)} "
                            f"({summary[:160]!r}). The summary shown quotes the first findings instead.")  # fmt: skip
        quoted = " ".join(findings[:3])  # the deterministic summary: the findings themselves, verbatim
        report.sections.insert(0, Section(heading="Summary", paragraphs=[f"{quoted} *(quoted from the findings)*"]))
        return report
