"""The understanding evaluation as a table a person reads: accuracy per intent, then the misses."""

from __future__ import annotations

from typing import Any


def _pct(score: dict[str, Any] | None) -> str:
    if not score or score.get("rate") is None:
        return "—"
    return f"{score['rate']:.1%} ({score['n']})"


def _overlap(found: dict[str, Any] | None) -> str:
    if not found:
        return ""
    return (
        f"overlap with the exemplar bank: {len(found['exact'])} exact, {len(found['near_duplicates'])} near duplicates "
        f"(cosine ≥ 0.95); closest request cosine {found['max_cosine']}, median {found['median_cosine']}"
    )


def render(result: dict[str, Any], misses: int = 25) -> str:
    lines = [
        f"paraphrase set, {result['split']} split: {result['n']} requests "
        f"(backend {result['backend']}, understanding {result['understanding']})",
        f"plan accuracy {result['plan_accuracy']:.1%}, intent accuracy {result['intent_accuracy']:.1%}"
        + (f", answer accuracy {result['answer_accuracy']:.1%}" if result.get("answer_accuracy") is not None else ""),
        f"plan latency p50 {result['plan_latency_ms']['p50']} ms, p95 {result['plan_latency_ms']['p95']} ms",
        _overlap(result.get("bank_overlap")),
        "",
        f"{'intent':<18} {'intent':>14} {'slots':>14} {'answer':>14}",
    ]
    for intent, scores in result["by_intent"].items():
        if intent == "(all)":
            continue
        lines.append(
            f"{intent:<18} {_pct(scores.get('intent')):>14} {_pct(scores.get('slots')):>14} "
            f"{_pct(scores.get('answer')):>14}"
        )
    # the sealed split is measured, not read: its misses stay unprinted so nobody tunes to them
    shown = [] if result.get("split") == "sealed" else result["misses"][:misses]
    if shown:
        lines += ["", f"misses ({len(result['misses'])}, first {len(shown)}):"]
        for miss in shown:
            lines.append(
                f"  {miss['id']}: expected {miss['expected']}, planned {miss['planned']} — {miss['request'][:90]}"
            )
    return "\n".join(lines)
