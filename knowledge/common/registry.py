"""One generic registry of named members (chemprop / datamol style): labs, featurizers, task templates, tools.

A registry knows the modules whose import registers its members and imports them (with importlib) on the first
lookup or listing, so a registry module never imports its members' modules and no import cycle forms:

    LABS: Registry[LabFactory] = Registry("lab", members=("labs.chemistry.lab", "labs.toxicology.lab"))

    @LABS.register("chemistry")
    class ChemistryLab: ...

Looking up an unknown name raises `Ech0Error` naming it and listing the known names; registering a name twice is
a bug and raises ValueError.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Generic, TypeVar

from knowledge.common.errors import Ech0Error

T = TypeVar("T")


class Registry(Generic[T]):
    """Members of one kind by name. `kind` names them in messages ("unknown lab 'x': choose one of …");
    `members` are the dotted module paths that register members when imported, loaded once, in that order."""

    def __init__(self, kind: str, members: Iterable[str] = ()) -> None:
        self.kind = kind
        self._members = tuple(members)
        self._items: dict[str, T] = {}
        self._loaded = not self._members
        self._loading = False
        self._lock = threading.RLock()  # another thread waits for the members; the loading thread may re-enter

    def add(self, name: str, obj: T) -> T:
        """Register `obj` under `name`; returns `obj`."""
        if name in self._items:
            raise ValueError(f"{self.kind} {name!r} is registered twice")
        self._items[name] = obj
        return obj

    def register(self, name: str) -> Callable[[T], T]:
        """Decorator: register the decorated object under `name`, returning it unchanged."""

        def decorator(obj: T) -> T:
            return self.add(name, obj)

        return decorator

    def get(self, name: str) -> T:
        """The member called `name`; Ech0Error naming it and the known names when there is none."""
        self._load()
        if name not in self._items:
            known = ", ".join(self.names()) or "none are registered"
            raise Ech0Error(f"unknown {self.kind} {name!r}: choose one of {known}")
        return self._items[name]

    __getitem__ = get

    def find(self, name: str) -> T | None:
        """The member called `name`, or None when there is none."""
        self._load()
        return self._items.get(name)

    def names(self) -> list[str]:
        """The registered names, sorted."""
        self._load()
        return sorted(self._items)

    def items(self) -> list[tuple[str, T]]:
        """(name, member) pairs in registration order."""
        self._load()
        return list(self._items.items())

    def __iter__(self) -> Iterator[T]:
        """The members in registration order (the member modules' order, then their order within a module)."""
        return iter([obj for _, obj in self.items()])

    def __contains__(self, name: object) -> bool:
        self._load()
        return name in self._items

    def __len__(self) -> int:
        self._load()
        return len(self._items)

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}, {len(self._items)} registered)"

    def _load(self) -> None:
        if self._loaded:
            return
        with self._lock:
            # A member module that looks something up while it loads sees the members registered so far.
            if self._loaded or self._loading:
                return
            self._loading = True
            try:
                for module in self._members:
                    importlib.import_module(module)
                self._loaded = True  # after a failed import the next lookup tries (and fails loudly) again
            finally:
                self._loading = False
