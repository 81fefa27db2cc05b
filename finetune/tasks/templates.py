"""The template engine: tasks, their question × answer phrasings (each pair is one stable template id), a registry,
and rendering a filled task into an example dict.

A task's `fill` reads a compound's precomputed molecule facts and returns the format fields and the facts the answer
states, or None when the task does not apply (no name, no rings…). Rendering is string formatting only.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from finetune.dataset.molecule_facts import Analogue, MoleculeFacts
from knowledge.common.registry import Registry


@dataclass
class Subject:
    """What a task is asked about: a compound, with a partner (pairs) or as an analogue of a parent."""

    compound: MoleculeFacts
    rng: random.Random
    partner: MoleculeFacts | None = None
    analogue: Analogue | None = None
    parent: MoleculeFacts | None = None
    peers: list[MoleculeFacts] = field(default_factory=list)  # the other compounds of the chunk (decoys)


@dataclass
class Fill:
    fields: dict[str, Any]
    facts: dict[str, Any]
    inputs: dict[str, Any] = field(default_factory=dict)
    compound: MoleculeFacts | None = None  # when the example is about another molecule than the subject's molecule
    partner: MoleculeFacts | None = None
    compound_smiles: str | None = None  # a derived molecule ('*'-marked copy) stated as the example's compound
    trajectory: list[dict[str, Any]] | None = None  # tool use: plan and tool messages between request and answer


@dataclass(frozen=True)
class Task:
    name: str
    category: str
    questions: tuple[str, ...]
    answers: tuple[str, ...]
    fill: Callable[[Subject], Fill | None]
    generator: str = "template"
    kind: str = "compound"  # compound | pair | analogue
    system: str | None = None

    def template_ids(self) -> list[str]:
        return [f"{self.name}.q{i}.a{j}" for i in range(len(self.questions)) for j in range(len(self.answers))]


# The task modules register their tasks on import; the registry imports them on the first lookup, in this order.
# Registration order is the order the factory renders tasks in (and draws random numbers for): keep it stable.
TASKS: Registry[Task] = Registry(
    "task",
    members=(
        "finetune.tasks.reasoning",
        "finetune.tasks.properties",
        "finetune.tasks.comparisons",
        "finetune.tasks.measured",
        "finetune.tasks.structure",
        "finetune.tasks.tooluse",
    ),
)


def register(task: Task) -> Task:
    return TASKS.add(task.name, task)


def list_tasks() -> list[str]:
    return TASKS.names()


def all_template_ids() -> list[str]:
    return [tid for task in TASKS for tid in task.template_ids()]


def tasks_of_kind(kind: str) -> list[Task]:
    return [t for t in TASKS if t.kind == kind]


def subject_fields(p: MoleculeFacts) -> dict[str, str]:
    """Format fields naming a compound: `subject` in questions, `ref`/`Ref` in answers."""
    name = p.name
    return {
        "smiles": p.smiles,
        "subject": f"{name} ({p.smiles})" if name else p.smiles,
        "ref": name or "this molecule",
        "Ref": (name[:1].upper() + name[1:]) if name else "This molecule",
        "name": name or "",
    }


def pick_templates(task: Task, rng: random.Random, k: int, avoid: set[int] | None = None) -> list[tuple[int, int]]:
    """k (question, answer) index pairs; distinct questions and, where possible, distinct answers. Questions in
    `avoid` come last (an analogue avoids its parent's phrasings, which would make near-duplicate text)."""
    qs = list(range(len(task.questions)))
    rng.shuffle(qs)
    if avoid:
        qs.sort(key=lambda q: q in avoid)
    answers = list(range(len(task.answers)))
    rng.shuffle(answers)
    return [(qs[i], answers[i % len(answers)]) for i in range(min(k, len(qs)))]


def render(task: Task, fill: Fill, q: int, a: int, subject: Subject, generator: str | None = None) -> dict[str, Any]:
    """The example dict (the JSONL row) of one template of a filled task."""
    compound = fill.compound or subject.compound
    messages = [{"role": "system", "content": task.system}] if task.system else []
    messages.append({"role": "user", "content": task.questions[q].format(**fill.fields)})
    messages.extend(fill.trajectory or [])
    messages.append({"role": "assistant", "content": task.answers[a].format(**fill.fields)})
    ref = compound.ref()
    if fill.compound_smiles:
        ref = {"smiles": fill.compound_smiles, "ids": {"derived_from": compound.key}}
    partner = fill.partner or subject.partner
    return {
        "messages": messages,
        "task": task.name,
        "category": task.category,
        "template_id": f"{task.name}.q{q}.a{a}",
        "generator": generator or task.generator,
        "compound": ref,
        "partner": partner.ref() if partner is not None else None,
        "inputs": fill.inputs,
        "facts": fill.facts,
        "split": subject.compound.split,
    }


def render_task(task: Task, subject: Subject, k: int, generator: str | None = None) -> list[dict[str, Any]]:
    """Up to k examples of a task for a subject (none when the task does not apply)."""
    fill = task.fill(subject)
    if fill is None:
        return []
    return [render(task, fill, q, a, subject, generator) for q, a in pick_templates(task, subject.rng, k)]
