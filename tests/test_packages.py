"""The fixed top-level packages import from this repository, not from another installed distribution."""

import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["agents", "tools", "labs", "knowledge", "finetune", "server", "evals"]


@pytest.mark.parametrize("name", PACKAGES)
def test_package_imports_from_repo(name):
    module = importlib.import_module(name)
    assert Path(module.__file__).resolve().parent == ROOT / name


def test_pyproject_packages_every_package():
    import tomllib

    from setuptools import find_packages

    find = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    packaged = set(find_packages(str(ROOT), include=find["include"]))
    assert set(PACKAGES) <= packaged
    on_disk = {str(p.parent.relative_to(ROOT)).replace("/", ".") for p in ROOT.glob("[a-z]*/**/__init__.py")}
    on_disk = {p for p in on_disk if not p.startswith(("tests", ".venv", "build"))}
    assert on_disk == packaged, f"packaged but not a package here, or missing: {on_disk ^ packaged}"


def test_shipped_data_is_inside_the_package():
    from knowledge.data import DRUGCENTRAL_APPROVED, NPCLASSIFIER_5K, SCIFACT_CORPUS

    for path in (SCIFACT_CORPUS, DRUGCENTRAL_APPROVED, NPCLASSIFIER_5K):
        assert path.exists() and ROOT / "knowledge" / "data" in path.parents
    assert "CC BY-SA 4.0" in (ROOT / "knowledge" / "data" / "SOURCES.md").read_text()
