"""Follow-ups read with the earlier turns of a chat or run: "and for ibuprofen?", "and its TPSA", "now only
natural products", "now with aniline instead of benzylamine" (pure, over a planning function).

Each earlier turn is first made self-contained the same way, oldest first, so "ok now vardenafil" after "QED of
sildenafil?" and "And tadalafil?" asks the QED of vardenafil.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from agents.plan_models import Plan
from knowledge.common.errors import Ech0Error

PlanFn = Callable[[str], Plan]
_PRONOUNS = re.compile(r"\b(?:its|their|it|them|that one|this one|that compound|this compound|the same one)\b", re.I)
_LEAD = re.compile(
    r"^\s*(?:(?:and|ok|okay|now|then|so|also|what|how|about|for|in|with|same|do|the|please)\b[\s,]*)+", re.I
)
_INSTEAD = re.compile(r"\binstead of\s+(.+?)\s*[?.!]*$", re.I)


def _asks(plan: Plan) -> bool:
    """Whether a plan asks something itself: a step that is not background, or a conversation reply."""
    background = set(plan.background)
    conversation = plan.conversation not in (None, "clarify")
    return conversation or any(s.id not in background for s in plan.steps)


def _try(plan_fn: PlanFn, text: str) -> Plan | None:
    try:
        return plan_fn(text)
    except Ech0Error:  # a turn the planner refuses (a broken SMILES, an unknown compound) is no base
        return None


def contextualize(request: str, history: Sequence[str], plan_fn: PlanFn) -> str:
    """The request to plan: `request` itself, or — when it only makes sense with the earlier turns — the last
    research turn rewritten with what the follow-up changes."""
    base = None
    for turn in history:
        resolved = _resolve(turn, base, plan_fn)
        if resolved is not None:
            base = resolved
    if base is None:
        return request
    return _resolve(request, base, plan_fn) or request


def _resolve(turn: str, base: str | None, plan_fn: PlanFn) -> str | None:
    """`turn` made self-contained against `base` (the last research turn, already self-contained); None for a
    conversation turn ("thanks!"), which is answered as it is and is no base for later turns."""
    plan = _try(plan_fn, turn)
    refers = _PRONOUNS.search(turn) is not None
    if plan is not None and plan.conversation not in (None, "clarify") and not plan.compounds and not refers:
        return None  # (a turn too vague on its own may be a follow-up: it is read with the earlier ones)
    if base is None:
        return turn
    base_plan = _try(plan_fn, base)
    if base_plan is None or not base_plan.compounds:
        return turn
    own = plan.compounds if plan is not None else []
    asks_itself = plan is not None and _asks(plan) and not _only_mentions(turn, own)
    if own and not asks_itself:
        # "what about theophylline", "now with aniline instead of benzylamine": the last question, new compound
        replaced = _INSTEAD.search(turn)
        old = replaced.group(1).strip() if replaced else base_plan.compounds[0]
        new = next((c for c in own if c.lower() != old.lower()), own[0])
        return re.sub(re.escape(old), new, base, count=1, flags=re.I)
    if not own and _PRONOUNS.search(turn):
        # "and its indications?": the follow-up's question about the last turn's compounds
        subjects = " and ".join(base_plan.compounds)
        text = (
            _PRONOUNS.sub("the", turn) if re.search(r"\b(?:its|their)\b", turn, re.I) else _PRONOUNS.sub(subjects, turn)
        )
        text = _LEAD.sub("", text).strip(" ?.!")
        return f"{text} of {subjects}?" if re.search(r"\b(?:its|their)\b", turn, re.I) else text
    if not own and not asks_itself:
        # "now only natural products": the last question, narrowed by the follow-up's words
        return f"{base.rstrip(' ?.!')} — {_LEAD.sub('', turn).strip(' ?.!')}"
    return turn


def _only_mentions(turn: str, mentions: Sequence[str]) -> bool:
    """A turn that is little more than a compound ("and tadalafil?", "ok now vardenafil")."""
    rest = turn
    for mention in mentions:
        rest = re.sub(re.escape(mention), " ", rest, flags=re.I)
    rest = _LEAD.sub("", rest)
    return len(re.findall(r"[A-Za-z]{3,}", rest)) <= 1
