"""Model registry on disk: DIR/NAME/vN/{model.joblib, meta.json}; versions count up from 1 per name.

`meta.json` is written last, through a temporary file and a rename, so a version without it is an unfinished
save and is ignored. Concurrent saves of one name each claim their own version directory (mkdir is atomic).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import joblib

from knowledge.common.errors import Ech0Error

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_VERSION_DIR = re.compile(r"^v(\d+)$")
ARTIFACT, META = "model.joblib", "meta.json"


def check_name(name: str) -> str:
    if not _NAME.match(name or ""):
        raise Ech0Error(
            f"invalid model name {name!r}: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"
        )
    return name


def parse_ref(ref: str) -> tuple[str, int | None]:
    """'name' → (name, None: the latest); 'name@3' or 'name@v3' → (name, 3)."""
    name, _, version = (ref or "").partition("@")
    check_name(name)
    if not version:
        return name, None
    match = re.fullmatch(r"v?(\d+)", version)
    if not match or int(match.group(1)) < 1:
        raise Ech0Error(f"invalid model version {version!r} in {ref!r}: write NAME@VERSION, e.g. {name}@1")
    return name, int(match.group(1))


class ModelRegistry:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def versions(self, name: str) -> list[int]:
        """The complete versions saved under `name`, oldest first."""
        folder = self.root / check_name(name)
        if not folder.is_dir():
            return []
        found = [int(m.group(1)) for p in folder.iterdir() if (m := _VERSION_DIR.match(p.name))]
        return sorted(v for v in found if (folder / f"v{v}" / META).is_file())

    def save(self, name: str, model: Any, meta: dict[str, Any]) -> str:
        """Save a new version of `name`; returns its reference 'name@N'. `meta` gains name, version and ref."""
        folder = self.root / check_name(name)
        folder.mkdir(parents=True, exist_ok=True)
        taken = [int(m.group(1)) for p in folder.iterdir() if (m := _VERSION_DIR.match(p.name))]
        version = max(taken, default=0) + 1
        while True:
            try:
                (folder / f"v{version}").mkdir()
                break
            except FileExistsError:
                version += 1
        target = folder / f"v{version}"
        ref = f"{name}@{version}"
        joblib.dump(model, target / ARTIFACT, compress=3)
        meta = {**meta, "name": name, "version": version, "ref": ref}
        tmp = target / f".{META}.tmp"
        tmp.write_text(json.dumps(meta, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
        os.replace(tmp, target / META)
        return ref

    def _resolve(self, ref: str) -> tuple[str, int]:
        name, version = parse_ref(ref)
        versions = self.versions(name)
        if not versions:
            known = ", ".join(m["name"] for m in self.list()) or "none yet"
            raise Ech0Error(
                f"no model named {name!r} in {self.root} (models: {known}): train one with `ech0 models train`"
            )
        if version is None:
            return name, versions[-1]
        if version not in versions:
            listed = ", ".join(str(v) for v in versions)
            raise Ech0Error(f"model {name!r} has no version {version} (versions: {listed})")
        return name, version

    def meta(self, ref: str) -> dict[str, Any]:
        name, version = self._resolve(ref)
        return json.loads((self.root / name / f"v{version}" / META).read_text(encoding="utf-8"))

    def load(self, ref: str) -> tuple[Any, dict[str, Any]]:
        """The model and its metadata for 'name' (latest version) or 'name@N'."""
        name, version = self._resolve(ref)
        folder = self.root / name / f"v{version}"
        return joblib.load(folder / ARTIFACT), json.loads((folder / META).read_text(encoding="utf-8"))

    def list(self) -> list[dict[str, Any]]:
        """The latest version's metadata of every model, by name, with all its versions under 'versions'."""
        if not self.root.is_dir():
            return []
        out = []
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir() and _NAME.match(p.name)):
            versions = self.versions(folder.name)
            if versions:
                meta = json.loads((folder / f"v{versions[-1]}" / META).read_text(encoding="utf-8"))
                out.append({**meta, "versions": versions})
        return out
