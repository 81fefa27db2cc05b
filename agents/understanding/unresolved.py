"""Names in a request that look like drugs ECH0 does not know: they are named in the report, never dropped (pure).

A word counts when it ends in a WHO INN stem (the common-stem list of the INN programme: -tinib, -mab, -vir,
-pril, -sartan, …) and is not a known compound name; "of X" objects of chemistry questions are caught by the
planner's cue words.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_INN_STEMS = (
    "mab", "nib", "ciclib", "parib", "zomib", "lisib", "rasib", "degib", "fenib", "vir", "stat", "pril", "sartan",
    "olol", "dipine", "conazole", "prazole", "tidine", "setron", "triptan", "gliptin", "gliflozin", "glitazone",
    "lukast", "oxacin", "cycline", "mycin", "cillin", "parin", "afil", "relin", "lutamide", "mustine", "platin",
    "taxel", "rubicin", "trexate", "caine", "azepam", "zolam", "barbital", "profen", "fenac", "coxib", "semide",
    "thiazide", "dronate", "formin", "glinide", "tegravir", "navir", "dotril", "xaban", "gatran", "lizumab",
    "ximab", "zumab", "umab", "cept", "kinra", "tinib", "metinib", "tecan", "poside", "rabine", "citabine",
    "flurane", "perone", "peridol", "pramine", "oxetine", "faxine", "tiapine", "pine", "trel", "sertib",
)  # fmt: skip
_WORD = re.compile(r"\b[A-Za-z][a-z]{4,}\b")
# Ordinary words that end like a drug stem.
_ORDINARY = {"statistics", "thermostat", "ecostat", "hemostat", "cellular", "vascular", "caine", "pine", "spine",
             "alpine", "porcupine", "turpentine", "supine", "stat", "cept", "concept", "precept", "intercept",
             "accept", "except", "percept", "receptor"}  # fmt: skip


def unknown_drug_names(text: str, is_known: Callable[[str], bool]) -> list[str]:
    """Words of `text` shaped like INN drug names that no known compound carries, in order, once each."""
    found: list[str] = []
    for word in _WORD.findall(text):
        lower = word.lower()
        if lower in _ORDINARY or lower in found or is_known(lower):
            continue
        if any(lower.endswith(stem) and len(lower) > len(stem) + 2 for stem in _INN_STEMS):
            found.append(lower)
    return found


def unresolved_hint(name: str) -> str:
    return (
        f"{name!r} is not in the shipped compound sets: give its SMILES (e.g. “{name} (SMILES)”), or run with the "
        "live data mode (ECH0_DATA__MODE=live) to look it up in PubChem"
    )
