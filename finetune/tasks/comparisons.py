"""Two-compound tasks (kind "pair"): which of two compounds is heavier, more lipophilic or more polar, and their
Tanimoto similarity. Every value comes from the two compounds' molecule facts."""

from __future__ import annotations

from finetune.dataset.edits import tanimoto
from finetune.quality.facts import fmt
from finetune.tasks.properties import CATEGORY
from finetune.tasks.templates import Fill, Subject, Task, register, subject_fields

_COMPARE = {
    "molecular_weight": ("heavier", "lighter", " g/mol", "molecular weight"),
    "logp": ("more lipophilic", "less lipophilic", "", "logP"),
    "tpsa": ("more polar", "less polar", " Å²", "TPSA"),
}


def _compare_fill(name: str):
    more, less, unit, label = _COMPARE[name]

    def fill(s: Subject) -> Fill | None:
        if s.partner is None:
            return None
        a, b = s.compound.values[name], s.partner.values[name]
        fa, fb = fmt(name, a), fmt(name, b)
        if fa == fb:
            return None  # a tie has no winner to name
        first, second = subject_fields(s.compound)["subject"], subject_fields(s.partner)["subject"]
        high, low = ((first, fa), (second, fb)) if a > b else ((second, fb), (first, fa))
        return Fill(
            {
                "a": first,
                "b": second,
                "va": fa + unit,
                "vb": fb + unit,
                "winner": high[0],
                "vwin": high[1] + unit,
                "loser": low[0],
                "vlose": low[1] + unit,
                "more": more,
                "less": less,
                "label": label,
            },
            {name: a, f"partner.{name}": b},
        )

    return fill


for _prop, (_more, _less, _unit, _label) in _COMPARE.items():
    register(
        Task(
            f"compare_{_prop}",
            CATEGORY,
            (
                f"Which is {_more}: {{a}} or {{b}}?",
                f"Compare the {_label} of {{a}} and {{b}}.",
                f"Between {{a}} and {{b}}, which compound has the higher {_label}?",
            ),
            (
                "{winner} is {more} ({label} {vwin} vs {vlose}).",
                "{label}: {va} for {a} and {vb} for {b}; {winner} is {more}.",
                "{loser} is {less}: its {label} is {vlose}, against {vwin} for {winner}.",
            ),
            _compare_fill(_prop),
            kind="pair",
        )
    )


def _similarity(s: Subject) -> Fill | None:
    if s.partner is None:
        return None
    value = round(tanimoto(s.compound.mol, s.partner.mol), 2)
    fields = {"a": subject_fields(s.compound)["subject"], "b": subject_fields(s.partner)["subject"]}
    fields["value"] = fmt("tanimoto", value)
    return Fill(fields, {"tanimoto": value})


register(
    Task(
        "tanimoto_similarity",
        CATEGORY,
        (
            "What is the Tanimoto similarity of {a} and {b} (Morgan fingerprints, radius 2, 2048 bits)?",
            "How similar are {a} and {b}? Use ECFP4-like Morgan fingerprints and the Tanimoto coefficient.",
            "Compute the Morgan-fingerprint Tanimoto similarity between {a} and {b}.",
        ),
        (
            "The Tanimoto similarity is {value}.",
            "Tanimoto (Morgan, ECFP4-like) = {value}.",
            "Their fingerprints overlap with a Tanimoto coefficient of {value}.",
        ),
        _similarity,
        kind="pair",
    )
)
