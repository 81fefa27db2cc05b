"""A persistent cache of feature vectors, keyed by (InChIKey, featurizer name, featurizer version).

The InChIKey is the molecule's identity, so two SMILES of one molecule share an entry. An InChIKey costs a
parse and an InChI (~0.6 ms for a natural product), so the cache also remembers each SMILES string's InChIKey:
a repeated batch is answered by two bulk look-ups without touching RDKit. Vectors are float32 bytes.

SQLite through SQLAlchemy by default (a file path or any SQLAlchemy URL; PostgreSQL works with the same code).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np
from sqlalchemy import Engine, LargeBinary, String, Text, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from knowledge.common.db import create_tables, engine_for

_DTYPE = np.dtype("<f4")  # little-endian float32, whatever the host's byte order
_LOOKUP_CHUNK = 500  # ids per IN (...) clause: well under every backend's bound-parameter limit

T = TypeVar("T")


class _Base(DeclarativeBase):
    """The cache's own tables: it lives in a database of its own, not in the results database."""


class FeatureRow(_Base):
    __tablename__ = "features"

    inchikey: Mapped[str] = mapped_column(String(27), primary_key=True)
    featurizer: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[str] = mapped_column(String(32), primary_key=True)
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class SmilesKeyRow(_Base):
    __tablename__ = "smiles_inchikeys"

    smiles: Mapped[str] = mapped_column(Text, primary_key=True)
    inchikey: Mapped[str] = mapped_column(String(27), index=True)


def _chunks(items: Sequence[T], size: int = _LOOKUP_CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=_DTYPE).tobytes()


class FeatureCache:
    """Bulk get/put of feature vectors. `location` is a file path or a SQLAlchemy URL."""

    def __init__(self, location: str | Path) -> None:
        text = str(location)
        self.url = text if "://" in text else f"sqlite:///{Path(text).expanduser()}"
        # WAL: worker processes read while the parent writes.
        self.engine: Engine = engine_for(self.url, wal=True)
        create_tables(self.engine, FeatureRow, SmilesKeyRow)

    @property
    def shareable(self) -> bool:
        """True when another process can open the same cache by its URL (not an in-memory SQLite database)."""
        return self.engine.dialect.name != "sqlite" or self.engine.url.database not in (None, "", ":memory:")

    def keys_for_smiles(self, smiles: Sequence[str]) -> dict[str, str]:
        """The InChIKeys recorded for these SMILES strings (exact strings; unknown ones are absent)."""
        found: dict[str, str] = {}
        with self.engine.connect() as conn:
            for part in _chunks(list(dict.fromkeys(smiles))):
                stmt = select(SmilesKeyRow.smiles, SmilesKeyRow.inchikey).where(SmilesKeyRow.smiles.in_(part))
                found.update((text, key) for text, key in conn.execute(stmt).tuples())
        return found

    def get_many(self, keys: Iterable[str], featurizer: str, version: str) -> dict[str, np.ndarray]:
        """The cached vectors of these InChIKeys for one featurizer version; misses are absent."""
        found: dict[str, np.ndarray] = {}
        with self.engine.connect() as conn:
            for part in _chunks(list(dict.fromkeys(keys))):
                stmt = select(FeatureRow.inchikey, FeatureRow.vector).where(
                    FeatureRow.featurizer == featurizer, FeatureRow.version == version, FeatureRow.inchikey.in_(part)
                )
                for key, blob in conn.execute(stmt).tuples():
                    found[key] = np.frombuffer(blob, dtype=_DTYPE)
        return found

    def put_many(
        self,
        vectors: Mapping[str, np.ndarray],
        featurizer: str,
        version: str,
        smiles_keys: Mapping[str, str] | None = None,
    ) -> int:
        """Store vectors by InChIKey (and SMILES → InChIKey pairs) in one transaction; returns vectors added.

        Idempotent: an entry already present keeps its first value (a featurizer version is deterministic).
        """
        try:
            return self._put(vectors, featurizer, version, smiles_keys or {})
        except IntegrityError:
            # Another process stored some of these keys between our check and our insert: check again.
            return self._put(vectors, featurizer, version, smiles_keys or {})

    def _put(
        self, vectors: Mapping[str, np.ndarray], featurizer: str, version: str, smiles_keys: Mapping[str, str]
    ) -> int:
        with self.engine.begin() as conn:
            # Checking inside the write transaction keeps writes idempotent on every SQL backend.
            present = self._present(conn, list(vectors), featurizer, version)
            rows = [
                {"inchikey": k, "featurizer": featurizer, "version": version, "vector": _to_bytes(vectors[k])}
                for k in vectors
                if k not in present
            ]
            if rows:
                conn.execute(FeatureRow.__table__.insert(), rows)
            known: set[str] = set()
            for part in _chunks(list(smiles_keys)):
                known.update(conn.execute(select(SmilesKeyRow.smiles).where(SmilesKeyRow.smiles.in_(part))).scalars())
            pairs = [{"smiles": s, "inchikey": k} for s, k in smiles_keys.items() if s not in known]
            if pairs:
                conn.execute(SmilesKeyRow.__table__.insert(), pairs)
        return len(rows)

    @staticmethod
    def _present(conn, keys: list[str], featurizer: str, version: str) -> set[str]:
        present: set[str] = set()
        for part in _chunks(keys):
            stmt = select(FeatureRow.inchikey).where(
                FeatureRow.featurizer == featurizer, FeatureRow.version == version, FeatureRow.inchikey.in_(part)
            )
            present.update(conn.execute(stmt).scalars())
        return present

    def count(self, featurizer: str | None = None) -> int:
        """Vectors stored (for one featurizer, or all)."""
        stmt = select(func.count()).select_from(FeatureRow)
        if featurizer is not None:
            stmt = stmt.where(FeatureRow.featurizer == featurizer)
        with self.engine.connect() as conn:
            return int(conn.execute(stmt).scalar_one())

    def close(self) -> None:
        self.engine.dispose()

    def __len__(self) -> int:
        return self.count()
