"""LLM augmentation: paraphrases (and short explanations) of template examples, every stated number checked.

A `Paraphraser` rewrites (question, answer) pairs. `OpenAIParaphraser` asks any OpenAI-compatible endpoint
(vLLM serving the teacher, a hosted API); `RuleParaphraser`, the offline default, rewrites with seeded phrase
substitutions and framings. Whatever wrote it, a rewritten answer is kept only when every number it states
matches a fact and every numeric fact is still stated (`finetune.quality.facts.answer_problems`); the rest are
dropped and counted by the caller.
"""

from __future__ import annotations

import copy
import json
import random
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from finetune.quality.facts import answer_problems


class Paraphraser(Protocol):
    name: str
    generator: str  # the `generator` its examples carry: "llm" for a model, "rule" for the offline rewriter

    def rewrite(self, pairs: list[tuple[str, str]], seed: int) -> list[tuple[str, str] | None]: ...


_QUESTION_SWAPS = [
    ("What is the", "Could you tell me the"),
    ("How many", "What number of"),
    ("Calculate", "Work out"),
    ("Give", "Provide"),
    ("Count the", "Please count the"),
    ("Estimate", "Give an estimate of"),
    ("Which", "What"),
    ("molecular weight", "molar mass"),
    ("hydrogen-bond", "H-bond"),
    ("Is ", "Would you say "),
    ("Does ", "Would "),
    ("List", "Enumerate"),
]
_ANSWER_SWAPS = [
    ("The molecular weight is", "Its molar mass comes to"),
    ("molecular weight", "molar mass"),
    (" has ", " possesses "),
    ("There are", "We count"),
    ("contains", "includes"),
    ("The Crippen logP is", "Crippen's method gives a logP of"),
    ("The TPSA is", "Its polar surface area (TPSA) is"),
    ("is approved by", "holds approvals from"),
    ("lists", "records"),
]
_QUESTION_FRAMES = ("{q}", "Quick question: {q}", "For a medicinal-chemistry review: {q}", "{q} Please answer briefly.",
                    "I am studying this compound. {q}", "{q} A short answer is enough.")  # fmt: skip
_ANSWER_FRAMES = ("{a}", "Sure. {a}", "Here is the answer: {a}", "{a} (computed from the structure)",
                  "Answer: {a}", "Good question. {a}")  # fmt: skip


def _swap(text: str, swaps: list[tuple[str, str]], rng: random.Random) -> str:
    for old, new in swaps:
        if old in text and rng.random() < 0.6:
            text = text.replace(old, new, 1)
    return text


@dataclass(frozen=True)
class RuleParaphraser:
    """Deterministic, seeded rewording: phrase substitutions and framings that never touch values."""

    name: str = "rule-paraphraser-v1"
    generator: str = "rule"

    def rewrite(self, pairs: list[tuple[str, str]], seed: int) -> list[tuple[str, str] | None]:
        out: list[tuple[str, str] | None] = []
        for i, (question, answer) in enumerate(pairs):
            rng = random.Random(f"{seed}:{i}:{question}")
            q = rng.choice(_QUESTION_FRAMES[1:]).format(q=_swap(question, _QUESTION_SWAPS, rng))
            a = rng.choice(_ANSWER_FRAMES[1:]).format(a=_swap(answer, _ANSWER_SWAPS, rng))
            out.append((q, a))
        return out


_PROMPT = (
    "Rewrite this question and answer about a molecule in different words. {extra}Keep every SMILES string, name, "
    "identifier and number exactly as written; add no new numbers. Reply with JSON only: "
    '{{"question": "...", "answer": "..."}}\n\nQuestion: {q}\nAnswer: {a}'
)


_MAX_FAILURES = 3  # consecutive endpoint errors after which a batch stops calling


@dataclass(frozen=True)
class OpenAIParaphraser:
    """Paraphrases through an OpenAI-compatible chat endpoint. The client is made lazily in each process, so the
    object pickles to pool workers; `client` may be injected (tests, a shared client)."""

    base_url: str
    model: str
    api_key: str | None = None
    temperature: float = 0.7
    timeout_s: float = 60.0
    explain_share: float = 0.3  # share of requests asking for a one-sentence explanation too
    concurrency: int = 8
    client: Any = None
    generator: str = "llm"

    @property
    def name(self) -> str:
        return f"openai:{self.model}@{self.base_url}"

    def _client(self):
        if self.client is not None:
            return self.client
        from openai import OpenAI

        return OpenAI(base_url=self.base_url, api_key=self.api_key or "unused", timeout=self.timeout_s)

    def rewrite(self, pairs: list[tuple[str, str]], seed: int) -> list[tuple[str, str] | None]:
        """Concurrent calls (an OpenAI-compatible server such as vLLM batches them); None for each failure."""
        client = self._client()
        failures = [0]  # consecutive errors, shared by the threads
        lock = threading.Lock()

        def call(i: int, question: str, answer: str) -> tuple[str, str] | None:
            with lock:
                if failures[0] >= _MAX_FAILURES:
                    return None  # the endpoint is down: count the rest as dropped instead of waiting on each
            extra = "Add one sentence explaining what the value means. "
            extra = extra if random.Random(f"{seed}:{i}").random() < self.explain_share else ""
            try:
                reply = client.chat.completions.create(
                    model=self.model,
                    temperature=self.temperature,
                    seed=seed + i,
                    messages=[{"role": "user", "content": _PROMPT.format(extra=extra, q=question, a=answer)}],
                )
            except Exception:  # noqa: BLE001 — an endpoint error costs one example (counted), not the run
                with lock:
                    failures[0] += 1
                return None
            with lock:
                failures[0] = 0
            return _parse_reply(reply.choices[0].message.content or "")

        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            return list(pool.map(lambda args: call(*args), [(i, q, a) for i, (q, a) in enumerate(pairs)]))


def _parse_reply(text: str) -> tuple[str, str] | None:
    match = re.search(r"\{.*\}", text, re.DOTALL)
    if not match:
        return None
    try:
        data = json.loads(match.group(0))
    except json.JSONDecodeError:
        return None
    q, a = data.get("question"), data.get("answer")
    return (q.strip(), a.strip()) if isinstance(q, str) and isinstance(a, str) and q.strip() and a.strip() else None


def known_strings(example: dict[str, Any]) -> list[str]:
    """Strings whose digits are not numbers: the SMILES, names and inputs of an example."""
    out = []
    for ref in (example.get("compound"), example.get("partner")):
        if ref:
            out += [ref.get("smiles", ""), ref.get("name") or ""]
    out += [v for v in example.get("inputs", {}).values() if isinstance(v, str)]
    return [s for s in out if s]


def augment(examples: list[dict[str, Any]], paraphraser: Paraphraser, seed: int) -> tuple[list[dict[str, Any]], int]:
    """Rewritten copies of single-turn examples that pass the number check, and how many were dropped."""
    pairs = [(e["messages"][-2]["content"], e["messages"][-1]["content"]) for e in examples]
    kept, dropped = [], 0
    for example, rewritten in zip(examples, paraphraser.rewrite(pairs, seed), strict=True):
        if rewritten is None:
            dropped += 1
            continue
        question, answer = rewritten
        if answer_problems(answer, example["facts"], known_strings(example)):
            dropped += 1
            continue
        new = copy.deepcopy(example)
        new["messages"][-2]["content"], new["messages"][-1]["content"] = question, answer
        new["generator"] = paraphraser.generator
        new["template_id"] = f"{example['template_id']}.{'llm' if paraphraser.generator == 'llm' else 'para'}"
        kept.append(new)
    return kept, dropped
