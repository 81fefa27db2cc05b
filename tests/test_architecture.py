"""The house's floors: no import runs back up (import-linter's contracts in pyproject.toml, checked here too so
that a failure names the arrow), no import cycle between modules, and the shared bottom imports nothing above it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import grimp
import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("server", "evals", "agents", "tools", "finetune", "labs", "knowledge")
# Floors from the top; packages on one floor must not import each other.
FLOORS = (("server",), ("evals",), ("agents",), ("tools", "finetune"), ("labs",), ("knowledge",))


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, cache_dir=None)


def _floor(module: str) -> int:
    top = module.split(".")[0]
    return next(i for i, floor in enumerate(FLOORS) if top in floor)


def _edges(graph: grimp.ImportGraph) -> list[tuple[str, str]]:
    return [
        (importer, imported)
        for imported in graph.modules
        for importer in graph.find_modules_that_directly_import(imported)
        if importer.split(".")[0] in PACKAGES and imported.split(".")[0] in PACKAGES
    ]


def test_no_import_runs_back_up(graph):
    up = sorted((a, b) for a, b in _edges(graph) if _floor(b) < _floor(a))
    floors = " → ".join(" | ".join(f) for f in FLOORS)
    assert not up, f"imports against the floors ({floors}): " + ", ".join(f"{a} → {b}" for a, b in up)


def test_packages_on_one_floor_are_independent(graph):
    side = sorted((a, b) for a, b in _edges(graph) if _floor(a) == _floor(b) and a.split(".")[0] != b.split(".")[0])
    assert not side, ", ".join(f"{a} → {b}" for a, b in side)


def test_no_cycle_between_modules(graph):
    modules = nx.DiGraph(_edges(graph))
    cycles = [sorted(c) for c in nx.strongly_connected_components(modules) if len(c) > 1]
    assert not cycles, "import cycles: " + "; ".join(" ↔ ".join(c) for c in cycles)


def test_the_shared_bottom_imports_nothing_above_it(graph):
    common = {m for m in graph.modules if m.startswith("knowledge.common")}
    above = sorted((a, b) for a, b in _edges(graph) if a in common and b not in common and b != "knowledge")
    assert not above, ", ".join(f"{a} → {b}" for a, b in above)


def test_import_linter_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_nothing_below_server_reads_the_environment_or_builds_settings():
    """Configuration arrives as arguments. Benchmarks that set variables for a child process are the exception."""
    pattern = re.compile(r"\bos\.environ\b|\bgetenv\(|\bSettings\(")
    allowed = {"evals/bench/load.py"}  # starts `ech0 serve` in a child process with its own environment
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for package in PACKAGES[1:]
        for path in (ROOT / package).rglob("*.py")
        if str(path.relative_to(ROOT)) not in allowed
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert not found, "reads settings or the environment below server/: " + ", ".join(found)


def test_no_module_is_over_400_lines():
    long = [
        f"{p.relative_to(ROOT)} ({n})"
        for package in PACKAGES
        for p in (ROOT / package).rglob("*.py")
        # data written as Python literals (a hand-written eval source) is data, not a module of code
        if "data" not in p.relative_to(ROOT).parts and (n := len(p.read_text().splitlines())) > 400
    ]
    assert not long, "modules over 400 lines: " + ", ".join(long)
