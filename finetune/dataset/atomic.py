"""Atomic file writes: write a temporary file beside the target, then rename it over the target, so that a
killed run never leaves a half-written file looking complete. Disk errors become one-line Ech0Errors."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from knowledge.common.errors import Ech0Error


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# mkstemp creates files readable by their owner only; published files get the usual mode.
FILE_MODE = 0o666 & ~_umask()


def temp_beside(path: Path) -> str:
    """A new empty temporary file in `path`'s directory, with the mode a plain file would get."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.fchmod(fd, FILE_MODE)
    os.close(fd)
    return tmp


def disk_error(path: Path, exc: OSError) -> Ech0Error:
    if exc.errno == errno.ENOSPC:
        return Ech0Error(f"no space left on the device while writing {path}: free some space or choose another --out")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return Ech0Error(f"cannot write to {path.parent}: permission denied (choose a writable --out directory)")
    return Ech0Error(f"cannot write {path}: {exc.strerror or exc}")


def ensure_writable_dir(path: Path) -> Path:
    """Create `path` if needed and prove it writable with a probe file; raises Ech0Error naming it."""
    try:
        if path.exists() and not path.is_dir():
            raise Ech0Error(f"--out {path} is a file, not a directory: give a directory for the data set")
        path.mkdir(parents=True, exist_ok=True)
        tempfile.NamedTemporaryFile(dir=path, prefix=".probe-").close()  # created, then deleted on close
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise disk_error(path / ".probe", exc) from exc
        raise Ech0Error(f"cannot write to {path}: {exc.strerror or exc} (choose a writable --out directory)") from exc
    return path


@contextlib.contextmanager
def atomic_open(path: Path, mode: str = "w") -> Iterator[IO]:
    """A file object whose content replaces `path` only when the block finishes without an error."""
    try:
        tmp = temp_beside(path)
    except OSError as exc:
        raise disk_error(path, exc) from exc
    try:
        with open(tmp, mode, **({"encoding": "utf-8"} if "b" not in mode else {})) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise disk_error(path, exc) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    with atomic_open(path, "w") as handle:
        handle.write(text)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    with atomic_open(path, "wb") as handle:
        handle.write(data)
