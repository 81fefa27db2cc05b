"""Number gate for model-written text: each number must be the value of the fact its sentence names (pure).

A sentence is split into claims — a number, the property word it is attached to, the compound it is about and
its unit — and each claim is looked up among the facts of the tool results: computed properties, structure
answers, ADMET predictions, similarity hits. "The molecular weight of metformin is -1" names metformin's
molecular weight (129.17), so -1 is rejected even when -1 occurs somewhere else in the findings. A number
attached to no known fact must occur, as written, in the findings.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

# property words → fact keys; longer phrases first so "aromatic rings" is not read as "rings"
_ALIASES: dict[str, tuple[str, ...]] = {
    "molecular_weight": ("molecular weight", "molecular mass", "molar mass", "mol. weight", "mw", "weighs",
                         "weight", "mass"),
    "logp": ("crippen logp", "clogp", "logp", "log p", "partition coefficient"),
    "tpsa": ("topological polar surface area", "polar surface area", "tpsa", "psa"),
    "hbd": ("hydrogen-bond donors", "hydrogen bond donors", "hydrogen-bond donor", "hydrogen bond donor",
            "h-bond donors", "h-bond donor", "hbd", "donors", "donor"),
    "hba": ("hydrogen-bond acceptors", "hydrogen bond acceptors", "hydrogen-bond acceptor", "hydrogen bond acceptor",
            "h-bond acceptors", "h-bond acceptor", "hba", "acceptors", "acceptor"),
    "rotatable_bonds": ("rotatable bonds", "rotatable bond", "rotors"),
    "aromatic_rings": ("aromatic rings", "aromatic ring"),
    "rings": ("rings", "ring"),
    "heavy_atoms": ("non-hydrogen atoms", "heavy atoms", "heavy atom"),
    "qed": ("qed", "drug-likeness", "drug likeness", "druglikeness"),
    "lipinski_violations": ("lipinski rule-of-five violations", "rule-of-five violations", "rule of five violations",
                            "lipinski violations", "rule of five", "rule-of-five", "rule of 5", "rule-of-5", "ro5",
                            "violations", "violation"),
    "sa_score": ("synthetic accessibility", "sa score", "sa_score", "sascore"),
    "path_bonds": ("shortest path", "bonds", "bond"),
    "alerts": ("structural alerts", "structural alert", "alerts", "alert"),
    "np_likeness": ("np-likeness", "np likeness", "natural-product likeness", "natural product likeness"),
    "similarity": ("tanimoto similarity", "tanimoto", "similarity"),
    "solubility": ("aqueous solubility", "solubility", "log s", "logs"),
    "lipophilicity": ("lipophilicity", "logd"),
    "bbb": ("blood–brain barrier", "blood-brain barrier", "blood brain barrier", "bbb"),
    "clintox": ("clinical-trial toxicity", "clinical trial toxicity", "clintox"),
}  # fmt: skip
# Words after which a number describes the value's spread or a detail, not the value itself.
_MODIFIERS = ("standard deviation", "uncertainty", "interval", "confidence", "threshold", "membered", "sizes", "size",
              "range", "std", "±", "+/-")  # fmt: skip
_COUNT_KEYS = {"hbd", "hba", "rotatable_bonds", "aromatic_rings", "rings", "heavy_atoms", "lipinski_violations",
               "path_bonds", "alerts"}  # fmt: skip
_NUMBER_NAMES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"
_WORDS = {w: i for i, w in enumerate(_NUMBER_NAMES.split(" ") + ["seventeen", "eighteen", "nineteen", "twenty"])}
_ELEMENTS = {"H": "hydrogen", "B": "boron", "C": "carbon", "N": "nitrogen", "O": "oxygen", "F": "fluorine",
             "Si": "silicon", "P": "phosphorus", "S": "sulfur", "Cl": "chlorine", "Br": "bromine",
             "I": "iodine"}  # fmt: skip
_STRUCTURE_KEYS = {"heavy_atoms": "heavy_atoms", "rings": "rings", "aromatic_rings": "aromatic_rings",
                   "shortest_path": "path_bonds"}  # fmt: skip
_CONNECTIVES = {"and", "or", "but", "with", "of", "in", "the", "a", "an", "its", "to", "vs", "versus", "than", "for",
                "is", "are", "has", "have", "while", "whereas", "at", "by", "from"}  # fmt: skip

# unit → (family, factor to the family's base unit)
_UNITS: dict[str, tuple[str, float]] = {"g/mol": ("mass", 1), "g mol-1": ("mass", 1), "g·mol⁻¹": ("mass", 1),
                                        "kda": ("mass", 1000), "da": ("mass", 1), "daltons": ("mass", 1),
                                        "dalton": ("mass", 1), "å²": ("area", 1), "å2": ("area", 1), "å^2": ("area", 1),
                                        "a²": ("area", 1), "a^2": ("area", 1), "log mol/l": ("logmol", 1)}  # fmt: skip
_UNITS |= {"grams per mole": ("mass", 1), "grams/mol": ("mass", 1), "grams": ("mass", 1)}
_UNIT_KEYS = {"mass": "molecular_weight", "area": "tpsa"}
_UNIT = re.compile(r"\s*(" + "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True)) + r")(?![\w²])",
                   re.IGNORECASE)  # fmt: skip
_NUMBER = re.compile(
    r"(?<![\w.])(?P<sign>[-−+])?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?"
    r"(?:[eE](?P<exp>[-−+]?\d+)|\s*[x×]\s*10\s*(?:\^|\*\*)\s*(?P<exp2>[-−+]?\d+))?"
    r"(?P<pct>\s*%)?(?![\w²]|-[A-Za-z]|\.\d)"
)
_NUMBER_WORD = re.compile(r"\b(" + "|".join(_WORDS) + r"|no)\b", re.IGNORECASE)
# Numbers that are labels, not values: code spans, reference marks, years, identifiers (CYP3A4, C4H11N5,
# hzone_phenol_A(479)), list remainders.
_IGNORED = re.compile(
    r"`[^`]*`|\[\d+\]|(?<![\d.])(?:19|20)\d\d(?![\d.])|(?<![\d.])[A-Za-z]+\d+[A-Za-z\d]*|[\w-]+\(\d+\)|\band \d+ more\b"
)
_SENTENCES = re.compile(r"(?<=[.!?])\s+|;")


@dataclass(frozen=True)
class Fact:
    """One numeric value a tool returned: `key` names what it is, `subject` whose it is."""

    key: str
    subject: str
    value: float
    unit: str = ""
    context: str = ""  # a similarity hit's query compound


@dataclass(frozen=True)
class NumberClaim:
    """A number in a sentence, with the fact key, subject and unit it is attached to (when any)."""

    written: str
    value: float
    tolerance: float
    key: str | None
    subject: str | None
    unit_family: str | None
    percent: bool


@dataclass
class Findings:
    """What a sentence is checked against: the facts of the tool results and every number the findings state."""

    facts: list[Fact]
    subjects: dict[str, str]  # mention (lower case) → subject id
    labels: list[str]  # display labels containing digits, masked before parsing ("1 easy – 10 hard")
    pool: list[float]


def _num(x: Any) -> float | None:
    return float(x) if isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x) else None


def _add_subject(subjects: dict[str, str], compound: dict[str, Any]) -> str:
    sid = str(compound.get("label") or compound.get("query") or "").lower()
    for mention in (compound.get("label"), compound.get("query"), compound.get("smiles")):
        if mention:
            subjects.setdefault(str(mention).lower(), sid)
    return sid


def _facts_of(tool: str, data: dict[str, Any], subjects: dict[str, str], labels: list[str]) -> list[Fact]:
    facts: list[Fact] = []
    compound = data.get("compound") if isinstance(data.get("compound"), dict) else None
    sid = _add_subject(subjects, compound) if compound else ""
    if tool == "compute_properties":
        for name, value in data.get("outputs", {}).get("properties", {}).items():
            if _num(value) is not None:
                facts.append(Fact(name, sid, float(value), data.get("units", {}).get(name, "")))
        labels += [lab for lab in data.get("labels", {}).values() if re.search(r"\d", lab)]
    elif tool == "structure_question" and _num(data.get("value")) is not None:
        question = data.get("question", "")
        element = data.get("outputs", {}).get("element", "")
        key = _STRUCTURE_KEYS.get(question, f"atoms:{element.lower()}" if question == "count_element" else question)
        facts.append(Fact(key, sid, float(data["value"])))
    elif tool == "predict_admet":
        for p in data.get("predictions", []):
            psid = _add_subject(subjects, {"label": p.get("label")}) if p.get("label") else sid
            for value in (p.get("prediction"), p.get("measured")):  # both are that endpoint's value for the compound
                if _num(value) is not None:
                    facts.append(Fact(p["endpoint"], psid, float(value), p.get("unit") or ""))
            if _num(p.get("similarity")) is not None:
                facts.append(Fact("similarity", psid, float(p["similarity"])))
            labels += [p["endpoint_label"]] if re.search(r"\d", p.get("endpoint_label", "")) else []
    elif tool == "similarity_search":
        for hit in data.get("hits", []):
            hid = _add_subject(subjects, {"label": hit.get("label")})
            if _num(hit.get("similarity")) is not None:
                facts.append(Fact("similarity", hid, float(hit["similarity"]), context=sid))
    elif tool == "classify_natural_product":
        for key, value in (("np_likeness", data.get("np_likeness")), ("similarity", data.get("max_similarity"))):
            if _num(value) is not None:
                facts.append(Fact(key, sid, float(value)))
    elif tool == "toxicity_alerts" and _num(data.get("outputs", {}).get("n_alerts")) is not None:
        facts.append(Fact("alerts", sid, float(data["outputs"]["n_alerts"])))
    elif tool == "compound_lookup" and isinstance(data.get("record"), dict):
        _add_subject(subjects, {"label": data.get("label"), "query": data["record"].get("name")})
    return facts


def _leaf_numbers(value: Any, out: list[float]) -> None:
    if isinstance(value, dict):
        for v in value.values():
            _leaf_numbers(v, out)
    elif isinstance(value, list | tuple):
        for v in value:
            _leaf_numbers(v, out)
    elif isinstance(value, str):
        out.extend(v for v in (_parse(m)[0] for m in _NUMBER.finditer(value)) if v is not None)
    elif _num(value) is not None:
        out.append(float(value))


def findings_of(results: list[dict[str, Any]], texts: list[str] | None = None) -> Findings:
    """The facts of successful tool results, and the numbers of `texts` (the written findings) and the results."""
    facts: list[Fact] = []
    subjects: dict[str, str] = {}
    labels: list[str] = []
    pool: list[float] = []
    for r in results:
        if r.get("ok") and isinstance(r.get("data"), dict):
            facts += _facts_of(r["tool"], r["data"], subjects, labels)
            _leaf_numbers(r["data"], pool)
            _leaf_numbers(r.get("args") or {}, pool)
    _leaf_numbers(list(texts or []), pool)
    return Findings(facts, subjects, sorted(set(labels), key=len, reverse=True), pool)


def _parse(m: re.Match) -> tuple[float | None, float]:
    """(value, tolerance at the digits written) of a number match."""
    sign = -1.0 if m["sign"] in ("-", "−") else 1.0
    digits = m["int"].replace(",", "") + (m["frac"] or "")
    exp_text = (m["exp"] or m["exp2"] or "0").replace("−", "-")
    exponent = int(exp_text)
    decimals = len(m["frac"]) - 1 if m["frac"] else 0
    value = sign * float(digits) * 10.0**exponent
    return value, 0.5 * 10.0 ** (exponent - decimals)


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for a, b in spans:
        chars[a:b] = " " * (b - a)
    return "".join(chars)


def _mentions(text: str, words: dict[str, str]) -> list[tuple[int, int, str]]:
    """(start, end, target) of each non-overlapping phrase of `words` in `text`, longest phrase first."""
    if not words:
        return []
    phrases = sorted(words, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w])(" + "|".join(re.escape(p) for p in phrases) + r")(?![\w])", re.IGNORECASE)
    return [(m.start(), m.end(), words[m.group(1).lower()]) for m in pattern.finditer(text)]


def _property_words(findings: Findings) -> dict[str, str]:
    words = {alias: key for key, aliases in _ALIASES.items() for alias in aliases}
    for fact in findings.facts:
        if fact.key.startswith("atoms:"):
            symbol = fact.key.split(":", 1)[1]
            name = _ELEMENTS.get(symbol.capitalize(), symbol)
            for phrase in (f"{symbol} atoms", f"{symbol} atom", f"{name} atoms", f"{name} atom", f"{name}s"):
                words[phrase.lower()] = fact.key
    words |= {m: "~" for m in _MODIFIERS}  # "~": the number after it is a detail, not the value
    return words


def _adjacent_after(text: str, end: int, mentions: list[tuple[int, int, str]]) -> tuple[int, int, str] | None:
    """The mention right after position `end` ("three rings", "2 fused rings"), if any."""
    for start, stop, target in mentions:
        if start >= end:
            gap = text[end:start].split()
            if len(gap) == 0 or (len(gap) == 1 and gap[0].lower() not in _CONNECTIVES and not re.search(r"\d", gap[0])):
                return start, stop, target
            return None
    return None


def claims_in(text: str, findings: Findings) -> list[NumberClaim]:
    """The numbers of `text`, each with the fact key, subject and unit it is attached to."""
    for label in findings.labels:  # "Synthetic accessibility (1 easy – 10 hard)": the digits are part of a name
        text = re.sub(re.escape(label), lambda m: re.sub(r"\d", "#", m.group(0)), text, flags=re.IGNORECASE)
    return [claim for sentence in _SENTENCES.split(text) for claim in _sentence_claims(sentence, findings)]


def _sentence_claims(sentence: str, findings: Findings) -> list[NumberClaim]:
    masked = _mask(sentence, [m.span() for m in _IGNORED.finditer(sentence)])
    compounds = _mentions(masked, findings.subjects)
    masked = _mask(masked, [(a, b) for a, b, _ in compounds])  # SMILES digits are ring closures, not values
    props = _mentions(masked, _property_words(findings))
    masked = _mask(masked, [(a, b) for a, b, _ in props])  # "rule of 5" is a name
    found: list[tuple[int, int, float, float, str, bool]] = []  # start, end, value, tolerance, written, percent
    for m in _NUMBER.finditer(masked):
        value, tol = _parse(m)
        found.append((m.start(), m.end(), value, tol, m.group(0).strip(), bool(m["pct"])))
    for m in _NUMBER_WORD.finditer(masked):  # "three rings": a count word counts only right before a count property
        after = _adjacent_after(masked, m.end(), props)
        if after and after[2] in _COUNT_KEYS | {k for *_, k in props if k.startswith("atoms:")}:
            found.append((m.start(), m.end(), float(_WORDS.get(m.group(1).lower(), 0)), 0.0, m.group(0), False))
    found.sort()
    claims = []
    previous_end = 0
    for start, end, value, tol, written, percent in found:
        unit = _UNIT.match(masked, end)
        family, factor = _UNITS[unit.group(1).lower()] if unit else (None, 1.0)
        tail = unit.end() if unit else end
        key = _attached_key(masked, start, tail, previous_end, props, compounds)
        if key is None and family in _UNIT_KEYS:
            key = _UNIT_KEYS[family]
        subject = _subject(masked, start, tail, compounds)
        claims.append(NumberClaim(written, value * factor, tol * factor, None if key == "~" else key, subject,
                                  family, percent))  # fmt: skip
        previous_end = end
    return claims


def _attached_key(text, start, tail, previous_end, props, compounds) -> str | None:
    after = _adjacent_after(text, tail, props)
    if after:
        return after[2]
    before = [p for p in props if p[1] <= start]
    if not before:
        return None
    p_start, p_end, key = before[-1]
    # a second number after the same property word belongs to it only when a new compound came in between
    # ("MW of metformin 129.2, of phenformin 205.3"), not in "MW 129.2 and 5 nitrogens"
    if previous_end > p_end and not any(previous_end <= c[0] < start for c in compounds):
        return None
    return key


def _subject(text: str, start: int, tail: int, compounds: list[tuple[int, int, str]]) -> str | None:
    follow = re.match(r"\s*(?:for|of|in)\s+", text[tail:])
    if follow:
        at = tail + follow.end()
        for c_start, _, sid in compounds:
            if c_start == at:
                return sid
    before = [c for c in compounds if c[1] <= start]
    if before:
        return before[-1][2]
    after = [c for c in compounds if c[0] >= tail]
    return after[0][2] if after else None


def _close(claim: NumberClaim, value: float) -> bool:
    # compare at the digits written, or at the fact's own precision when the text writes more digits
    fact_decimals = len(repr(value).split(".")[1]) if "." in repr(value) and "e" not in repr(value) else 0
    tolerance = max(claim.tolerance, 0.5 * 10.0**-fact_decimals) + 1e-9
    candidates = [claim.value] + ([claim.value / 100] if claim.percent else [])
    scale = [tolerance] + ([tolerance / 100] if claim.percent else [])
    return any(abs(c - value) <= t for c, t in zip(candidates, scale, strict=True))


def check_claim(claim: NumberClaim, findings: Findings) -> str | None:
    """Why the claim's number is wrong, or None when it checks out."""
    facts = [f for f in findings.facts if f.key == claim.key] if claim.key else []
    if not facts:  # a number naming no known fact must be stated as it is in the findings
        values = [claim.value] + ([claim.value / 100] if claim.percent else [])
        if any(math.isclose(v, p, rel_tol=1e-9, abs_tol=1e-12) for v in values for p in findings.pool):
            return None
        return f"{claim.written} is not a value in the findings"
    what = claim.key.replace("_", " ")
    if claim.subject:
        named = [f for f in facts if f.subject == claim.subject] or [f for f in facts if f.context == claim.subject]
        if not named:
            return f"{claim.written}: the findings give no {what} for {claim.subject}"
        facts = named
    families = {_UNITS[f.unit.lower()][0] for f in facts if f.unit.lower() in _UNITS}
    if claim.unit_family and families and claim.unit_family not in families:
        return f"{claim.written} has the wrong unit for the {what} (the findings give {facts[0].unit})"
    if any(_close(claim, f.value) for f in facts):
        return None
    stated = ", ".join(
        f"{f.value:g}{' ' + f.unit if f.unit else ''}"
        + (f" for {f.subject}" if f.subject and not claim.subject else "")
        for f in facts[:4]
    )
    return f"{claim.written} is not the {what}{' of ' + claim.subject if claim.subject else ''} ({stated})"


def number_problems(text: str, results: list[dict[str, Any]], texts: list[str] | None = None) -> list[str]:
    """Why each wrong number in `text` is wrong; empty when every number is the value of the fact it names.

    `results` are the step results the text summarises; `texts` the written findings (their numbers may be
    quoted even when they name no fact).
    """
    findings = findings_of(results, texts)
    return [problem for claim in claims_in(text, findings) if (problem := check_claim(claim, findings))]
