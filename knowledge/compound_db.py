"""The normalized compound store: records from every source, merged by standardized InChIKey, in SQL.

SQLite through SQLAlchemy by default (the results database), PostgreSQL with the same code. A source contributes a
`CompoundEntry` (its id, name, structure as given, identifiers, synonyms, reported properties, bioactivities);
`CompoundDB.upsert` standardizes the structure (`knowledge.standardize`) and merges the entry into the compound
with that InChIKey. Upserts are idempotent: the same entry twice changes nothing, and an identifier already held
by one compound is never moved to another (the first source to claim it keeps it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from knowledge.common.db import Base, create_tables, engine_for
from knowledge.common.errors import Ech0Error
from knowledge.common.mol import InvalidStructureError, to_mol
from knowledge.compound_models import (
    NAMESPACES,
    SOURCE_NAMESPACES,
    Bioactivity,
    CompoundEntry,
    NormalizedCompound,
    RowFailure,
    SourceRef,
    UpsertReport,
)
from knowledge.standardize import INCHIKEY_PATTERN, StandardStructure, normalize_name, standardize

MAX_SYNONYMS = 200  # PubChem ranks synonyms; past a few hundred they are registry numbers and vendor codes
MAX_TEXT = 255


class CompoundRow(Base):
    __tablename__ = "compounds"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    inchikey: Mapped[str] = mapped_column(String(27), unique=True)
    inchi: Mapped[str] = mapped_column(Text)
    smiles: Mapped[str] = mapped_column(Text)
    formula: Mapped[str] = mapped_column(String(MAX_TEXT))
    name: Mapped[str | None] = mapped_column(String(MAX_TEXT))
    properties: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class _OfCompound:
    """The columns every per-compound table shares: its own id and the compound it belongs to."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)


class IdentifierRow(_OfCompound, Base):
    __tablename__ = "compound_identifiers"
    __table_args__ = (UniqueConstraint("namespace", "value"),)
    namespace: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(MAX_TEXT))


class SynonymRow(_OfCompound, Base):
    __tablename__ = "compound_synonyms"
    __table_args__ = (UniqueConstraint("compound_id", "norm"),)
    synonym: Mapped[str] = mapped_column(String(MAX_TEXT))
    norm: Mapped[str] = mapped_column(String(MAX_TEXT), index=True)


class SourceRow(_OfCompound, Base):
    __tablename__ = "compound_sources"
    __table_args__ = (UniqueConstraint("source", "source_id"),)
    source: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[str] = mapped_column(String(MAX_TEXT))
    name: Mapped[str | None] = mapped_column(String(MAX_TEXT))
    structure: Mapped[str] = mapped_column(Text)
    properties: Mapped[dict] = mapped_column(JSON, default=dict)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ActivityRow(_OfCompound, Base):
    __tablename__ = "compound_activities"
    __table_args__ = (UniqueConstraint("source", "activity_id"),)
    source: Mapped[str] = mapped_column(String(32))
    activity_id: Mapped[str] = mapped_column(String(64))
    target_id: Mapped[str | None] = mapped_column(String(64), index=True)
    data: Mapped[dict] = mapped_column(JSON)
    pchembl_value: Mapped[float | None] = mapped_column(Float)


def _clip(values: Iterable[str | None], limit: int | None = None) -> list[str]:
    out = list(dict.fromkeys(v.strip() for v in values if v and v.strip() and len(v.strip()) <= MAX_TEXT))
    return out[:limit] if limit else out


class CompoundDB:
    """Merged compound records in SQL. `properties` computes properties of a standardized molecule (injected by
    the caller, e.g. `labs.chemistry.properties.compute_properties`, so this core does not import the labs)."""

    def __init__(self, url: str, properties: Callable[[Any], dict[str, Any]] | None = None) -> None:
        from sqlalchemy.engine import make_url

        backend = make_url(url).get_backend_name()
        if backend == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        elif backend == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            raise Ech0Error(f"the compound DB runs on SQLite or PostgreSQL, not {backend!r} ({url.split(':')[0]})")
        self.engine = engine_for(url)
        self._insert = insert
        self._properties = properties
        create_tables(self.engine, CompoundRow, IdentifierRow, SynonymRow, SourceRow, ActivityRow)

    # --- writing ---------------------------------------------------------------------------------------------

    def upsert(self, entry: CompoundEntry, structure: StandardStructure | None = None) -> NormalizedCompound:
        """Merge one entry; raises InvalidStructureError when its structure cannot be read."""
        structure = structure or standardize(entry.structure)
        with Session(self.engine) as session, session.begin():
            self._merge(session, entry, structure)
        return self.get(structure.inchikey)

    def upsert_many(self, entries: Iterable[CompoundEntry | RowFailure], batch_size: int = 500) -> UpsertReport:
        """Merge entries in batches; an unreadable structure or a failed row is reported and the import goes on."""
        report = UpsertReport()
        batch: list[tuple[int, CompoundEntry, StandardStructure]] = []
        for number, item in enumerate(entries, 1):
            if isinstance(item, RowFailure):
                report.failures.append(item)
                continue
            try:
                batch.append((number, item, standardize(item.structure)))
            except InvalidStructureError as exc:
                report.failures.append(RowFailure(row=number, source_id=item.source_id, reason=str(exc)))
            if len(batch) >= batch_size:
                self._write_batch(batch, report)
                batch = []
        self._write_batch(batch, report)
        return report

    def _write_batch(self, batch: list[tuple[int, CompoundEntry, StandardStructure]], report: UpsertReport) -> None:
        if not batch:
            return
        with Session(self.engine) as session, session.begin():
            for number, entry, structure in batch:
                try:
                    with session.begin_nested():  # a savepoint: one bad row does not abort the batch
                        created = self._merge(session, entry, structure)
                except Exception as exc:  # noqa: BLE001 - a DB error on one row (too long, bad type) is that row's
                    report.failures.append(RowFailure(row=number, source_id=entry.source_id, reason=str(exc)[:300]))
                    continue
                report.added += created
                report.merged += not created
                report.inchikeys.append(structure.inchikey)

    def _merge(self, session: Session, entry: CompoundEntry, structure: StandardStructure) -> bool:
        """Write one entry into its compound; True when the compound was new."""
        now = datetime.now(UTC)
        name = _clip([entry.name])
        by_key = select(CompoundRow).where(CompoundRow.inchikey == structure.inchikey)
        created = False
        if session.scalars(by_key).first() is None:
            values = {
                "inchikey": structure.inchikey,
                "inchi": structure.inchi,
                "smiles": structure.smiles,
                "formula": structure.formula,
                "name": name[0] if name else None,
                "properties": self._compute(structure),
                "updated_at": now,
            }
            created = self._upsert_ignore(session, CompoundRow, ["inchikey"], [values])  # a racing writer may win
        row = session.scalars(by_key).one()
        if row.name is None and name:
            row.name = name[0]
        row.updated_at = now

        ids = {ns: list(values) for ns, values in entry.ids.items()}
        if entry.source in SOURCE_NAMESPACES:
            ids.setdefault(SOURCE_NAMESPACES[entry.source], []).insert(0, entry.source_id)
        for key in {structure.input_inchikey, structure.inchikey} - {None}:
            ids.setdefault("inchikey", []).append(key)
        id_rows = [
            {"compound_id": row.id, "namespace": ns, "value": v.upper() if ns != "pubchem_cid" else v}
            for ns, values in ids.items()
            for v in _clip(values)
        ]
        self._upsert_ignore(session, IdentifierRow, ["namespace", "value"], id_rows)
        synonyms = _clip([entry.name, *entry.synonyms], MAX_SYNONYMS)
        syn_rows = [{"compound_id": row.id, "synonym": s, "norm": normalize_name(s)} for s in synonyms]
        self._upsert_ignore(session, SynonymRow, ["compound_id", "norm"], syn_rows)
        source_row = {
            "compound_id": row.id,
            "source": entry.source,
            "source_id": entry.source_id,
            "name": name[0] if name else None,
            "structure": entry.structure,
            "properties": entry.properties,
            "fetched_at": now,
        }
        stmt = self._insert(SourceRow.__table__).values([source_row])
        update = {k: stmt.excluded[k] for k in ("compound_id", "name", "structure", "properties", "fetched_at")}
        session.execute(stmt.on_conflict_do_update(index_elements=["source", "source_id"], set_=update))
        if entry.bioactivities:
            self._write_activities(session, row.id, entry.bioactivities)
        return created

    def _write_activities(self, session: Session, compound_id: int, activities: list[Bioactivity]) -> None:
        rows = [
            {
                "compound_id": compound_id,
                "source": a.source,
                "activity_id": a.activity_id,
                "target_id": a.target_id,
                "data": a.model_dump(mode="json"),
                "pchembl_value": a.pchembl_value,
            }
            for a in {a.activity_id: a for a in activities}.values()
        ]
        stmt = self._insert(ActivityRow.__table__).values(rows)
        update = {k: stmt.excluded[k] for k in ("compound_id", "target_id", "data", "pchembl_value")}
        session.execute(stmt.on_conflict_do_update(index_elements=["source", "activity_id"], set_=update))

    def _upsert_ignore(self, session: Session, model: type[Base], keys: list[str], rows: list[dict]) -> bool:
        if not rows:
            return False
        result = session.execute(self._insert(model.__table__).values(rows).on_conflict_do_nothing(index_elements=keys))
        return bool(result.rowcount)

    def _compute(self, structure: StandardStructure) -> dict[str, Any]:
        if self._properties is None:
            return {}
        try:
            return self._properties(to_mol(structure.smiles))
        except Exception:  # noqa: BLE001 - a property that fails on an exotic structure leaves the record without
            return {}

    # --- reading ---------------------------------------------------------------------------------------------

    def get(self, inchikey: str) -> NormalizedCompound | None:
        with Session(self.engine) as session:
            row = session.scalars(select(CompoundRow).where(CompoundRow.inchikey == inchikey.upper())).first()
            return self._load(session, row) if row is not None else None

    def find(self, namespace: str, value: str) -> NormalizedCompound | None:
        """The compound holding an identifier, e.g. ('cas', '50-78-2'), ('chembl', 'CHEMBL25'), ('inchikey', …)."""
        if namespace not in NAMESPACES:
            raise Ech0Error(f"unknown identifier namespace {namespace!r}: use one of {', '.join(NAMESPACES)}")
        value = value.strip() if namespace == "pubchem_cid" else value.strip().upper()
        with Session(self.engine) as session:
            stmt = select(CompoundRow).join(IdentifierRow, IdentifierRow.compound_id == CompoundRow.id)
            row = session.scalars(
                stmt.where(IdentifierRow.namespace == namespace, IdentifierRow.value == value)
            ).first()
            if row is None and namespace == "inchikey" and INCHIKEY_PATTERN.match(value):
                row = session.scalars(select(CompoundRow).where(CompoundRow.inchikey == value)).first()
            return self._load(session, row) if row is not None else None

    def by_synonym(self, name: str) -> list[NormalizedCompound]:
        """Every compound one of whose names or synonyms is `name` (case and spacing ignored)."""
        with Session(self.engine) as session:
            stmt = select(CompoundRow).join(SynonymRow, SynonymRow.compound_id == CompoundRow.id)
            rows = session.scalars(stmt.where(SynonymRow.norm == normalize_name(name)).order_by(CompoundRow.id))
            return [self._load(session, r) for r in rows.unique()]

    def names(self) -> list[str]:
        """Normalized names and synonyms of every stored compound."""
        with Session(self.engine) as session:
            return list(session.scalars(select(SynonymRow.norm).distinct()))

    def count(self) -> int:
        with Session(self.engine) as session:
            return session.scalar(select(func.count()).select_from(CompoundRow)) or 0

    def summaries(self, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        """Newest first: inchikey, name, formula, sources and activity count of each compound."""
        with Session(self.engine) as session:
            rows = session.scalars(
                select(CompoundRow)
                .order_by(CompoundRow.updated_at.desc(), CompoundRow.id.desc())
                .limit(limit)
                .offset(offset)
            ).all()
            ids = [r.id for r in rows]
            sources: dict[int, list[str]] = {}
            for cid, source, sid in session.execute(
                select(SourceRow.compound_id, SourceRow.source, SourceRow.source_id).where(
                    SourceRow.compound_id.in_(ids)
                )
            ):
                sources.setdefault(cid, []).append(f"{source}:{sid}")
            counts = dict(
                session.execute(
                    select(ActivityRow.compound_id, func.count())
                    .where(ActivityRow.compound_id.in_(ids))
                    .group_by(ActivityRow.compound_id)
                ).all()
            )
            return [
                {
                    "inchikey": r.inchikey,
                    "name": r.name,
                    "formula": r.formula,
                    "smiles": r.smiles,
                    "sources": sorted(sources.get(r.id, [])),
                    "activities": counts.get(r.id, 0),
                }
                for r in rows
            ]

    def _load(self, session: Session, row: CompoundRow) -> NormalizedCompound:
        ids: dict[str, list[str]] = {}
        for ns, value in session.execute(
            select(IdentifierRow.namespace, IdentifierRow.value)
            .where(IdentifierRow.compound_id == row.id)
            .order_by(IdentifierRow.id)
        ):
            ids.setdefault(ns, []).append(value)
        synonyms = session.scalars(
            select(SynonymRow.synonym).where(SynonymRow.compound_id == row.id).order_by(SynonymRow.id)
        ).all()
        sources = [
            SourceRef(
                source=s.source, source_id=s.source_id, name=s.name, properties=s.properties, fetched_at=s.fetched_at
            )
            for s in session.scalars(select(SourceRow).where(SourceRow.compound_id == row.id).order_by(SourceRow.id))
        ]
        activities = [
            Bioactivity(**a)
            for a in session.scalars(
                select(ActivityRow.data).where(ActivityRow.compound_id == row.id).order_by(ActivityRow.id)
            )
        ]
        return NormalizedCompound(
            inchikey=row.inchikey,
            inchi=row.inchi,
            smiles=row.smiles,
            formula=row.formula,
            name=row.name,
            ids=ids,
            synonyms=list(synonyms),
            properties=row.properties or {},
            sources=sources,
            bioactivities=activities,
        )
