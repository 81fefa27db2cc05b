"""Slots that are data rather than words: tables of molecules with values, molecular formulas and NMR shift
lists (pure functions over the request text)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.common.errors import Ech0Error
from knowledge.common.mol import try_mol

_NUMBER = r"[-+−]?\d+(?:\.\d+)?"
_SEPARATORS = re.compile(r"[\t,;|]+|\s+")  # SMILES hold no spaces, commas or pipes
# A row's unknown: "?", "??", "unknown", "n/a", "x"
_UNKNOWN = re.compile(r"^(?:\?+|unknown|tbd|n/?a|x)$", re.I)


class TableError(Ech0Error):
    """A table in the request that cannot be read as molecules with values."""


@dataclass
class Series:
    """Analogues with values, and the molecules whose value is asked (rows marked '?' or listed after)."""

    rows: list[tuple[str, float]] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)


def _cells(line: str) -> list[str]:
    """A row's cells without list bullets, quotes, "label:" colons or the brackets around "(pIC50 5.0)"."""
    cells = [c.strip().strip("`'\"").rstrip(":,") for c in _SEPARATORS.split(line.strip().strip("|")) if c.strip()]
    cells = [c[1:] if c.startswith("(") and c.count("(") > c.count(")") else c for c in cells]
    cells = [c[:-1] if c.endswith(")") and c.count(")") > c.count("(") else c for c in cells]
    return [c for c in cells if c and c not in ("-", "*", "•", "–")]


def _structural(cell: str) -> bool:
    """A cell that reads as a SMILES rather than a word ("CO", "pIC50")."""
    marked = any(ch in "()[]=#@123456789" for ch in cell) or (len(cell) >= 3 and set(cell) <= set("CNOSPFIclnos"))
    return marked and try_mol(cell) is not None


def _row(cells: list[str]) -> tuple[str, float | str | None]:
    """The row's structure (its last SMILES cell) and the value after it: a number, "?" or None."""
    for i in range(len(cells) - 1, -1, -1):
        if _structural(cells[i]):
            return cells[i], _value_after(cells[i + 1 :])
    return "", None


def _value_after(cells: list[str]) -> float | str | None:
    for cell in cells:
        if _UNKNOWN.match(cell):
            return "?"
        if re.fullmatch(_NUMBER, cell):
            return float(cell.replace("−", "-"))
        if re.fullmatch(r"p?[A-Za-z]+\d*|[<>≈~=]", cell):
            continue  # a label or a unit beside the value ("pIC50", "nM")
        return None
    return None


def find_series(text: str) -> Series | None:
    """Rows "SMILES value" (any separator, one a line or separated by ';') and rows whose value is '?'.

    None when fewer than two rows carry a value. A row with a SMILES and a value that is neither a number nor
    '?' raises TableError naming the row, rather than being skipped.
    """
    series = Series()
    lines = [ln for ln in re.split(r"\n|;\s+(?=\S)", text) if ln.strip()]
    for line in lines:
        cells = _cells(line)
        if len(cells) < 2:
            continue
        smiles, value = _row(cells)
        if value == "?":
            series.queries.append(smiles)
        elif isinstance(value, float):
            series.rows.append((smiles, value))
        elif smiles and cells[-1] != smiles and re.search(r"\d", cells[cells.index(smiles) + 1]):
            raise TableError(f"table row {line.strip()!r}: expected a SMILES and a number (or '?' for the unknown)")
    if len(series.rows) < 2:
        return None
    return series


_FORMULA = re.compile(r"\b((?:C\d*)(?:H\d*)?(?:(?:Br|Cl|N|O|S|F|P|I)\d*)*)\b")
_NUCLEUS = re.compile(r"(?<![\w.])(?:1\s*H|¹H|13\s*C|¹³C)(?:\s*[- ]?NMR)?|\b(?:proton|carbon)(?:\s*[- ]?NMR)\b", re.I)
_SHIFT = re.compile(r"(?<![\w.])([-+−]?\d+(?:\.\d+)?)(?![\w.])(?!\s*(?:H|C)\b)")


@dataclass
class Spectra:
    formula: str
    h_shifts: list[float]
    c_shifts: list[float]


def find_formula(text: str) -> str | None:
    """A molecular formula written in Hill order ("C8H10O", "C4H8O2"); a bare "C" or "CO" is not one."""
    for match in _FORMULA.finditer(text):
        formula = match.group(1)
        if re.search(r"\d", formula) and "H" in formula:
            return formula
    return None


def find_spectra(text: str) -> Spectra | None:
    """A formula with 1H and/or 13C shift lists, as people write them ("13C NMR: 171.0, 60.4, 21.0, 14.2")."""
    formula = find_formula(text)
    if formula is None:
        return None
    h, c = [], []
    markers = list(_NUCLEUS.finditer(text))
    if not markers:
        return None
    for marker, after in zip(markers, [*markers[1:], None], strict=True):
        # the shifts follow their nucleus up to the next one; multiplicities and integrals in parentheses go
        segment = re.sub(r"\([^)]*\)", " ", text[marker.end() : after.start() if after else len(text)])
        values = [float(v.replace("−", "-")) for v in _SHIFT.findall(segment)]
        carbon = re.match(r"13|¹³|carbon", marker.group(0), re.I) is not None
        (c if carbon else h).extend(v for v in values if (0 <= v <= 240 if carbon else -1 <= v <= 16))
    if len(h) + len(c) < 2:
        return None
    return Spectra(formula, h, c)
