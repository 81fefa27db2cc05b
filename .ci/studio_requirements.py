"""The requirements of `langgraph dev` (langgraph-cli[inmem], langgraph-api, langgraph-runtime-inmem) but the
jsonschema-rs pin, one per line: `make setup` installs these three packages with --no-deps, then these.

langgraph-api 0.16 pins jsonschema-rs<0.45; schemathesis 4.32 (the API fuzz test) needs >=0.60, and langgraph-api
runs on 0.60 (its tests here pass). Installing both through one resolver would downgrade schemathesis to a
release that no longer runs with current hypothesis.
"""

import importlib.metadata as metadata

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

PACKAGES = {"langgraph-cli": {"inmem"}, "langgraph-api": set(), "langgraph-runtime-inmem": set()}
LEFT_OUT = {"jsonschema-rs", *PACKAGES}


def requirements() -> list[str]:
    """One line per project: two packages asking for one project get both their version ranges."""
    merged: dict[str, tuple[set[str], SpecifierSet]] = {}
    for package, extras in PACKAGES.items():
        for requirement in map(Requirement, metadata.requires(package) or []):
            name = requirement.name.lower().replace("_", "-")
            wanted = requirement.marker is None or any(
                requirement.marker.evaluate({"extra": extra}) for extra in (extras or {""})
            )
            if wanted and name not in LEFT_OUT:
                known_extras, specifier = merged.get(name, (set(), SpecifierSet()))
                merged[name] = (known_extras | requirement.extras, specifier & requirement.specifier)
    return [
        f"{name}{'[' + ','.join(sorted(extras)) + ']' if extras else ''}{specifier}"
        for name, (extras, specifier) in sorted(merged.items())
    ]


if __name__ == "__main__":
    print("\n".join(requirements()))
