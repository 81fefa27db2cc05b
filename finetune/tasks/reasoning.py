"""Rule-based reasoning: multi-step answers whose every step is computed and states its value and threshold
(why a compound passes or fails the rule of five, Veber's rules, the rule of three; MW from the formula)."""

from __future__ import annotations

from typing import Any

from rdkit import Chem

from finetune.quality.facts import LIPINSKI, RULE_OF_THREE, VEBER, atomic_mass, fmt
from finetune.tasks.templates import Fill, Subject, Task, register, subject_fields

CATEGORY = "molecular_properties"
_LABELS = {
    "molecular_weight": ("molecular weight", " g/mol"),
    "logp": ("logP", ""),
    "hbd": ("H-bond donors", ""),
    "hba": ("H-bond acceptors", ""),
    "rotatable_bonds": ("rotatable bonds", ""),
    "tpsa": ("TPSA", " Å²"),
}


def _steps(values: dict[str, Any], rule: dict[str, float], prefix: str) -> tuple[list[str], dict[str, Any], int]:
    """One line per criterion: value, comparison with the limit, verdict; and the facts those lines state."""
    lines, facts, violations = [], {}, 0
    for name, limit in rule.items():
        label, unit = _LABELS[name]
        value = values[name]
        ok = value <= limit
        violations += not ok
        verdict = "within the limit" if ok else "a violation"
        lines.append(f"• {label}: {fmt(name, value)}{unit} {'≤' if ok else '>'} {limit}{unit}, {verdict}")
        facts[name] = value
        facts[f"{prefix}.{name}"] = limit
    return lines, facts, violations


def _rule_fill(rule: dict[str, float], prefix: str, count_fact: str, allowed: int, rule_name: str):
    def fill(s: Subject) -> Fill | None:
        values = s.compound.values
        lines, facts, violations = _steps(values, rule, prefix)
        if violations != values[count_fact]:
            return None  # a value within rounding of its limit: the stated steps could not justify the count
        passes = violations <= allowed
        facts[count_fact] = violations
        allowance = "none are allowed" if allowed == 0 else "at most one is allowed"
        conclusion = (
            f"Violations: {violations}; {allowance}, so {subject_fields(s.compound)['ref']} "
            f"{'passes' if passes else 'fails'} {rule_name}."
        )
        fields = subject_fields(s.compound) | {"steps": "\n".join(lines), "conclusion": conclusion}
        fields["lead"] = "Checking each criterion in turn:" if s.rng.random() < 0.5 else "Criterion by criterion:"
        return Fill(fields, facts)

    return fill


_RULE_ANSWERS = ("{lead}\n{steps}\n{conclusion}", "{steps}\n\n{conclusion}")

register(
    Task(
        "lipinski_reasoning",
        CATEGORY,
        (
            "Explain step by step whether {subject} violates Lipinski's rule of five.",
            "Why does {subject} pass or fail the rule of five? Cite each value.",
            "Walk through the Lipinski criteria for {subject}.",
            "Check {subject} against each rule-of-five criterion and conclude.",
        ),
        _RULE_ANSWERS,
        _rule_fill(LIPINSKI, "threshold", "lipinski_violations", 1, "the rule of five"),
        generator="rule",
    )
)
register(
    Task(
        "veber_reasoning",
        CATEGORY,
        (
            "Explain step by step whether {subject} meets Veber's oral bioavailability criteria.",
            "Does {subject} satisfy Veber's rules? Cite the rotatable bonds and TPSA.",
            "Walk through the Veber criteria for {subject}.",
        ),
        _RULE_ANSWERS,
        _rule_fill(VEBER, "threshold", "veber_violations", 0, "Veber's criteria"),
        generator="rule",
    )
)
register(
    Task(
        "rule_of_three_reasoning",
        CATEGORY,
        (
            "Is {subject} fragment-like by the rule of three? Explain each criterion.",
            "Walk through Congreve's rule of three for {subject}.",
            "Check {subject} against the rule-of-three limits for fragments, step by step.",
        ),
        _RULE_ANSWERS,
        _rule_fill(RULE_OF_THREE, "ro3_threshold", "ro3_violations", 0, "the rule of three"),
        generator="rule",
    )
)


def _mw_from_formula(s: Subject) -> Fill | None:
    mol = s.compound.mol
    if any(atom.GetIsotope() for atom in mol.GetAtoms()) or len(s.compound.counts) > 7:
        return None  # isotopes change the masses; very long sums make poor examples
    facts: dict[str, Any] = {"formula": s.compound.values["formula"]}
    lines = []
    for symbol, n in s.compound.counts.items():
        mass = atomic_mass(symbol)
        contribution = round(n * Chem.GetPeriodicTable().GetAtomicWeight(symbol), 3)
        facts |= {f"count_{symbol}": n, f"atomic_mass.{symbol}": mass, f"mass_contribution.{symbol}": contribution}
        lines.append(f"• {symbol}: {n} × {mass:.3f} = {contribution:.3f}")
    mw = s.compound.values["molecular_weight"]
    facts["molecular_weight"] = mw
    fields = subject_fields(s.compound) | {"formula": facts["formula"], "lines": "\n".join(lines)}
    fields["mw"] = fmt("molecular_weight", mw)
    return Fill(fields, facts)


register(
    Task(
        "mw_from_formula",
        CATEGORY,
        (
            "Derive the molecular weight of {subject} from its formula, showing each element's contribution.",
            "Work out the molar mass of {subject} step by step from its molecular formula.",
            "Compute the molecular weight of {smiles} by summing atomic masses.",
        ),
        (
            "The formula is {formula}. Count × average atomic mass per element:\n{lines}\nSum: {mw} g/mol.",
            "{formula}:\n{lines}\nTotal molecular weight ≈ {mw} g/mol.",
        ),
        _mw_from_formula,
        generator="rule",
    )
)
