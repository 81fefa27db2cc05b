"""The generic registry: registration, lookups with a clear error, listing, and lazy loading of member modules."""

from __future__ import annotations

import sys
import textwrap
import threading

import pytest

from knowledge.common.errors import Ech0Error
from knowledge.common.registry import Registry


def test_register_add_lookup_and_listing():
    shapes: Registry[int] = Registry("shape")

    @shapes.register("square")
    def square() -> int:
        return 4

    assert shapes.add("triangle", 3) == 3
    assert shapes.get("square") is square and shapes["triangle"] == 3
    assert shapes.names() == ["square", "triangle"]
    assert list(shapes) == [square, 3]  # registration order
    assert shapes.items() == [("square", square), ("triangle", 3)]
    assert "square" in shapes and "circle" not in shapes and len(shapes) == 2
    assert shapes.find("triangle") == 3 and shapes.find("circle") is None


def test_unknown_name_is_an_ech0_error_listing_the_known_names():
    shapes: Registry[int] = Registry("shape")
    shapes.add("square", 4)
    shapes.add("hexagon", 6)
    with pytest.raises(Ech0Error, match=r"unknown shape 'circle': choose one of hexagon, square"):
        shapes.get("circle")
    with pytest.raises(Ech0Error, match="unknown shape 'circle'"):
        shapes["circle"]
    with pytest.raises(Ech0Error, match="none are registered"):
        Registry("colour").get("red")


def test_registering_a_name_twice_is_a_bug():
    shapes: Registry[int] = Registry("shape")
    shapes.add("square", 4)
    with pytest.raises(ValueError, match="shape 'square' is registered twice"):
        shapes.register("square")(5)


@pytest.fixture
def member_modules(tmp_path, monkeypatch):
    """A registry module `reg_home` whose members live in `reg_a` (slow to import, looks itself up) and `reg_b`."""
    files = {
        "reg_home.py": """
            from knowledge.common.registry import Registry
            WIDGETS = Registry("widget", members=("reg_a", "reg_b"))
        """,
        "reg_a.py": """
            import time
            from reg_home import WIDGETS
            WIDGETS.add("alpha", 1)
            time.sleep(0.2)
            SEEN_WHILE_LOADING = WIDGETS.names()
            WIDGETS.add("zeta", 26)
        """,
        "reg_b.py": 'from reg_home import WIDGETS\nWIDGETS.add("beta", 2)',
    }
    for name, text in files.items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    for name in ("reg_home", "reg_a", "reg_b"):
        sys.modules.pop(name, None)


def test_members_load_lazily_in_order_on_first_lookup(member_modules):
    from reg_home import WIDGETS

    assert "reg_a" not in sys.modules and "reg_b" not in sys.modules  # defining the registry imports no member
    assert WIDGETS.names() == ["alpha", "beta", "zeta"]
    assert list(WIDGETS) == [1, 26, 2]  # module order, then order within a module
    assert sys.modules["reg_a"].SEEN_WHILE_LOADING == ["alpha"]  # a lookup while loading does not recurse


def test_a_second_thread_waits_for_the_members(member_modules):
    from reg_home import WIDGETS

    seen: list[list[str]] = []
    threads = [threading.Thread(target=lambda: seen.append(WIDGETS.names())) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == [["alpha", "beta", "zeta"]] * 3


def test_a_missing_member_module_fails_loudly_on_every_lookup():
    broken: Registry[int] = Registry("widget", members=("no_such_module_for_the_registry_test",))
    for _ in range(2):
        with pytest.raises(ModuleNotFoundError):
            broken.names()
