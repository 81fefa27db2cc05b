"""Reflection over step results: what failed, what came back empty, which predictions are not to be trusted (pure).

The findings go two ways: into the report's notes (a reader sees every weak spot), and back to the planner,
which may try a different plan for the steps that can be retried, at most `max_replans` times.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

IssueKind = Literal["failed", "empty", "low_confidence", "rejected"]


class Issue(BaseModel):
    step_id: str
    tool: str
    kind: IssueKind
    message: str
    retryable: bool


def _prediction_issues(result: dict[str, Any]) -> list[Issue]:
    issues = []
    for p in (result.get("data") or {}).get("predictions", []):
        if p.get("in_domain") is False:
            issues.append(
                Issue(
                    step_id=result["step_id"],
                    tool=result["tool"],
                    kind="low_confidence",
                    message=(
                        f"the {p['endpoint']} prediction for {p['label']} is outside the model's applicability "
                        f"domain (nearest training compound Tanimoto {p['similarity']:.2f}): treat it as a guess"
                    ),
                    retryable=False,
                )
            )
    return issues


def review(results: list[dict[str, Any]]) -> list[Issue]:
    """Every weak spot in the results, in step order."""
    issues: list[Issue] = []
    for r in sorted(results, key=lambda r: r["step_id"]):
        if r.get("rejected"):
            issues.append(Issue(step_id=r["step_id"], tool=r["tool"], kind="rejected", message=r["error"],
                                retryable=False))  # fmt: skip
        elif not r["ok"]:
            issues.append(Issue(step_id=r["step_id"], tool=r["tool"], kind="failed", message=r["error"] or "",
                                retryable=r["tool"] == "literature_search"))  # fmt: skip
        elif r["tool"] == "literature_search" and not r["data"]["passages"]:
            issues.append(
                Issue(
                    step_id=r["step_id"],
                    tool=r["tool"],
                    kind="empty",
                    message=f"no passage reached the relevance threshold for {r['args']['query']!r}",
                    retryable=";" in r["args"]["query"],  # a compound query can be split into its parts
                )
            )
        else:
            issues.extend(_prediction_issues(r))
    return issues


def should_replan(issues: list[Issue], attempt: int, max_replans: int) -> bool:
    return attempt < max_replans and any(i.retryable for i in issues)
