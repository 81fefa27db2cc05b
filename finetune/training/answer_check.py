"""Is an answer right for its row? The fact check that gates teacher answers (distillation), continual-learning
examples and held-out accuracy.

Facts decide when the row has any: each stated fact must be in the answer (numbers within tolerance), and every
other number must come from the question or the reference. A row without facts needs a normalized exact match.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from finetune.training.sft import answer_of, generate_answers, prompt_of

_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?!\w)(?!\.\d)")
_WORDS = re.compile(r"[a-z0-9.+-]+")
_POLARITY = re.compile(r"\b(yes|no|true|false)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str = ""


def numbers_in(text: str) -> list[float]:
    """Numbers stated in text; digits inside SMILES, formulas and identifiers (c1ccccc1, C9H8O4, CHEMBL25) are not."""
    return [float(x) for x in _NUMBER.findall(text.replace("\u2212", "-"))]


def _flatten(facts: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for key, value in facts.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.extend(_flatten(value, name + "."))
        elif isinstance(value, list | tuple):
            out.extend((f"{name}[{i}]", v) for i, v in enumerate(value))
        else:
            out.append((name, value))
    return out


def _close(x: float, value: int | float, rel_tol: float, abs_tol: float) -> bool:
    if isinstance(value, int):
        return abs(x - value) < 1e-9
    return abs(x - value) <= max(abs_tol, rel_tol * abs(value))


def _normalize(text: str) -> str:
    return " ".join(_WORDS.findall(text.lower())).rstrip(".")


def _polarity(text: str) -> str | None:
    match = _POLARITY.search(text)
    return None if match is None else {"true": "yes", "false": "no"}.get(match[1].lower(), match[1].lower())


def _stripper(row: dict[str, Any], facts: list[tuple[str, Any]]) -> Callable[[str], str]:
    """Blank out SMILES, formulae and other stated strings, whose digits are not numbers."""
    strings = [v for _, v in facts if isinstance(v, str) and v.strip()]
    strings += [(row.get(k) or {}).get("smiles") or "" for k in ("compound", "partner")]
    ordered = sorted({s for s in strings if s}, key=len, reverse=True)

    def strip(text: str) -> str:
        for s in ordered:
            text = text.replace(s, " ")
        return text

    return strip


_STRUCTURE = re.compile(r"[0-9()=#\[\]@/\\+]")


def _states(answer: str, value: str) -> bool:
    """Does the answer contain the value? Case matters for SMILES and formulae (c1ccccc1 is not C1CCCCC1)."""
    if value in answer:
        return True
    return not _STRUCTURE.search(value) and value.lower() in answer.lower()


def check_answer(answer: str, row: dict[str, Any], rel_tol: float = 0.02, abs_tol: float = 0.05) -> Verdict:
    """Is `answer` right for `row`? Facts decide when the row has any; otherwise normalized exact match."""
    if not answer.strip():
        return Verdict(False, "empty answer")
    reference = answer_of(row)
    facts = _flatten(row.get("facts") or {})
    if not facts:
        same = _normalize(answer) == _normalize(reference)
        return Verdict(same, "" if same else "differs from the reference answer")
    strip = _stripper(row, facts)
    stated = numbers_in(strip(answer))
    numeric = [(n, v) for n, v in facts if isinstance(v, int | float) and not isinstance(v, bool)]
    for name, value in numeric:
        if not any(_close(x, value, rel_tol, abs_tol) for x in stated):
            return Verdict(False, f"{name}={value} not stated")
    for name, value in facts:
        if isinstance(value, str) and value.strip() and not _states(answer, value):
            return Verdict(False, f"{name}={value!r} not stated")
    if any(isinstance(v, bool) for _, v in facts):
        expected = _polarity(reference)
        if expected is not None and _polarity(answer) != expected:
            return Verdict(False, f"answers {_polarity(answer) or 'neither yes nor no'}, expected {expected}")
    context = numbers_in(strip(" ".join(m["content"] for m in prompt_of(row)) + " " + reference))
    for x in stated:
        if not any(_close(x, v, rel_tol, abs_tol) for _, v in numeric) and not any(abs(x - c) < 1e-9 for c in context):
            return Verdict(False, f"states {x:g}, which no fact supports")
    return Verdict(True)


def evaluate(model, tokenizer, rows: list[dict[str, Any]], rel_tol: float = 0.02, abs_tol: float = 0.05, **gen):
    """Accuracy on held-out rows: stated numbers within tolerance of the facts, else normalized exact match."""
    answers = generate_answers(model, tokenizer, rows, **gen)
    correct = [check_answer(a, r, rel_tol, abs_tol).ok for a, r in zip(answers, rows, strict=True)]
    return {
        "accuracy": round(sum(correct) / len(rows), 4) if rows else 0.0,
        "correct": sum(correct),
        "n": len(rows),
        "samples": [
            {"prompt": prompt_of(r)[-1]["content"], "answer": a, "correct": c}
            for r, a, c in zip(rows[:3], answers[:3], correct[:3], strict=True)
        ],
    }
