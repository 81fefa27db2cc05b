"""Compound files from COCONUT, ZINC, DrugBank, the PDB and plain CSV, read into `CompoundEntry`s for the DB.

Each reader yields entries, or a `RowFailure` for a row or record it cannot read (no structure, a structure RDKit
cannot parse), and goes on to the next. Formats (`read_compounds(path, FORMAT)`):

- `coconut` — a COCONUT 2.0 export. CSV (comma or tab): `identifier` (or `coconut_id`), `canonical_smiles`
  (or `smiles`), optional `name`, `iupac_name`, `cas`, `synonyms` ('|' or ';' separated). SDF: the same names
  as data items (`> <identifier>`), the structure from the molblock.
- `zinc` — ZINC tranche files: `.smi`/`.txt` lines `SMILES ZINC_ID` (space or tab separated; a `smiles zinc_id`
  header line is skipped), or CSV/TSV with `smiles` and `zinc_id` columns.
- `drugbank-sdf` — DrugBank's open structures SDF (CC0): data items `DRUGBANK_ID`, `GENERIC_NAME` (or
  `COMMON_NAME`), `SYNONYMS` ('; ' separated), optional `CAS_NUMBER`; the structure from the molblock.
- `drugbank-xml` — DrugBank's full database XML (`<drugbank xmlns="http://www.drugbank.ca">` with `<drug>`
  elements: primary `<drugbank-id>`, `<name>`, `<cas-number>`, `<synonyms>`, `<calculated-properties>` SMILES,
  `<external-identifiers>` ChEMBL and PubChem Compound). It is licensed (free for academic research after
  registration, commercial otherwise): it is read only when the caller confirms a licence (`drugbank_licence`).
- `pdb-ccd` — the PDB Chemical Component Dictionary (`components.cif`, mmCIF, one `data_XXX` block per ligand):
  `_chem_comp.id`, `_chem_comp.name`, `_chem_comp.pdbx_synonyms`, and the `_pdbx_chem_comp_descriptor` rows
  (`SMILES_CANONICAL`, else `SMILES`, else `InChI`). A `.csv`/`.tsv` ligand list (`comp_id` or `id`, `smiles`,
  `name`) is read as `csv` with the PDB as its source.
- `csv` — any CSV/TSV with a `smiles` column (also `canonical_smiles`, `isomeric_smiles`); optional `name`, `id`,
  `synonyms`, and identifier columns that are stored and merged on: `drugcentral_id`, `chembl_id`
  (`molecule_chembl_id`), `pubchem_cid` (`cid`), `drugbank_id`, `cas` (`cas_rn`, `cas_number`), `zinc_id`,
  `coconut_id`, `comp_id` (PDB), `inchikey` (`standard_inchi_key`). The first of those present names the row's
  source; else `csv`. The shipped DrugCentral CSV reads as `csv`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

from knowledge.common.errors import Ech0Error
from knowledge.common.mol import InvalidStructureError, parse_structure
from knowledge.compound_db import CompoundDB
from knowledge.compound_models import CompoundEntry, RowFailure, UpsertReport
from knowledge.standardize import is_cas

FORMATS = ("coconut", "zinc", "drugbank-sdf", "drugbank-xml", "pdb-ccd", "csv")
DRUGBANK_LICENCE_ERROR = (
    "{path} is DrugBank's full database XML, which is licensed (free for academic research after registration at "
    "go.drugbank.com, commercial otherwise): if you hold a licence, confirm it with --i-have-a-drugbank-licence; "
    "DrugBank's open structures SDF (CC0) needs none: --format drugbank-sdf"
)
_SMILES_COLS = ("smiles", "canonical_smiles", "isomeric_smiles", "smiles_string")
_NAME_COLS = ("name", "pref_name", "generic_name", "common_name", "compound_name")
# column -> (identifier namespace, source that the column names), in the order a row's source is chosen
_ID_COLS = {
    "drugcentral_id": ("drugcentral", "drugcentral"),
    "chembl_id": ("chembl", "chembl"),
    "molecule_chembl_id": ("chembl", "chembl"),
    "pubchem_cid": ("pubchem_cid", "pubchem"),
    "cid": ("pubchem_cid", "pubchem"),
    "drugbank_id": ("drugbank", "drugbank"),
    "coconut_id": ("coconut", "coconut"),
    "zinc_id": ("zinc", "zinc"),
    "comp_id": ("pdb", "pdb"),
    "chem_comp_id": ("pdb", "pdb"),
    "cas": ("cas", None),
    "cas_rn": ("cas", None),
    "cas_number": ("cas", None),
    "inchikey": ("inchikey", None),
    "standard_inchi_key": ("inchikey", None),
}
_DRUGBANK_NS = "{http://www.drugbank.ca}"


def read_compounds(path: Path, fmt: str, *, drugbank_licence: bool = False) -> Iterator[CompoundEntry | RowFailure]:
    """Entries (and per-row failures) from a compound file in one of `FORMATS`."""
    path = Path(path)
    if fmt not in FORMATS:
        raise Ech0Error(f"unknown compound file format {fmt!r}: use one of {', '.join(FORMATS)}")
    if not path.is_file():
        raise Ech0Error(f"compound file {path} does not exist")
    with path.open("rb") as fh:
        head = fh.read(512).lstrip()
    is_xml = head.startswith(b"<?xml") or head.startswith(b"<drugbank")
    if fmt == "drugbank-xml" or (fmt == "drugbank-sdf" and is_xml):
        if not drugbank_licence:
            raise Ech0Error(DRUGBANK_LICENCE_ERROR.format(path=path))
        return _drugbank_xml(path)
    is_sdf = path.suffix.lower() in (".sdf", ".sd", ".mol")
    if fmt == "coconut":
        return _sdf(path, "coconut", ("identifier", "coconut_id")) if is_sdf else _table(path, "coconut")
    if fmt == "zinc":
        return _zinc(path)
    if fmt == "drugbank-sdf":
        return _sdf(path, "drugbank", ("DRUGBANK_ID",))
    if fmt == "pdb-ccd":
        return _table(path, "pdb") if path.suffix.lower() in (".csv", ".tsv") else _ccd(path)
    return _table(path, None)


def import_file(db: CompoundDB, path: Path, fmt: str, *, drugbank_licence: bool = False) -> UpsertReport:
    """Read a compound file and merge it into the DB; bad rows are in the report, never stopping the import."""
    return db.upsert_many(read_compounds(path, fmt, drugbank_licence=drugbank_licence))


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in re.split(r"\s*[|;]\s*", value or "") if v.strip()]


def _entry(source: str, source_id: str, structure: str, **fields) -> CompoundEntry:
    ids = {ns: [v for v in values if v and (ns != "cas" or is_cas(v))] for ns, values in fields.pop("ids", {}).items()}
    return CompoundEntry(source=source, source_id=source_id, structure=structure, ids=ids, **fields)


# --- delimited tables ------------------------------------------------------------------------------------------


def _rows(path: Path) -> Iterator[dict[str, str]]:
    """Rows with lower-cased column names; raises Ech0Error for a file without a header or a SMILES column."""
    with path.open(newline="", encoding="utf-8-sig") as fh:
        sample = fh.read(4096)
        fh.seek(0)
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        reader = csv.DictReader(fh, delimiter=delimiter)
        if not reader.fieldnames:
            raise Ech0Error(f"{path} is empty: a compound table needs a header row")
        if not {c.strip().lower() for c in reader.fieldnames} & set(_SMILES_COLS):
            raise Ech0Error(f"{path} has no SMILES column: name one of {', '.join(_SMILES_COLS)}")
        for row in reader:
            yield {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if isinstance(v, str)}


def _table(path: Path, source: str | None) -> Iterator[CompoundEntry | RowFailure]:
    """Rows of a CSV/TSV; `source` fixes the source (its id from `{source}_id`, `identifier`, `comp_id` or `id`)."""
    for number, row in enumerate(_rows(path), 1):
        smiles = next((row[c] for c in _SMILES_COLS if row.get(c)), "")
        ids: dict[str, list[str]] = {}
        row_source, row_id = source, None
        for column, (namespace, col_source) in _ID_COLS.items():
            if row.get(column):
                values = [row[column]] if namespace != "cas" else _split(row[column])
                ids.setdefault(namespace, []).extend(values)
                if row_source is None and col_source:
                    row_source, row_id = col_source, row[column]
        if source is not None:
            own = (f"{source}_id", "identifier", "comp_id", "chem_comp_id", "id")
            row_id = next((row[c] for c in own if row.get(c)), None)
        row_id = row_id or row.get("id") or f"{path.name}:{number}"
        if not smiles:
            yield RowFailure(row=number, source_id=row_id, reason="no SMILES in this row")
            continue
        name = next((row[c] for c in _NAME_COLS if row.get(c)), None)
        synonyms = _split(row.get("synonyms")) + ([row["iupac_name"]] if row.get("iupac_name") else [])
        yield _entry(row_source or "csv", row_id, smiles, name=name, synonyms=synonyms, ids=ids)


def _zinc(path: Path) -> Iterator[CompoundEntry | RowFailure]:
    if path.suffix.lower() in (".csv", ".tsv"):
        yield from _table(path, "zinc")
        return
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            parts = line.split()
            if not parts or (number == 1 and parts[0].lower() == "smiles"):
                continue
            if len(parts) < 2 or not parts[1].upper().startswith("ZINC"):
                yield RowFailure(row=number, source_id=None, reason=f"expected 'SMILES ZINC_ID', got {line.strip()!r}")
                continue
            yield _entry("zinc", parts[1], parts[0])


# --- SDF ---------------------------------------------------------------------------------------------------------


def read_sdf(path: Path) -> Iterator[tuple[int, str, dict[str, str]]]:
    """(record number, molblock, data items) for each record of an SD file, read one record at a time."""
    with path.open(encoding="utf-8", errors="replace") as fh:
        lines: list[str] = []
        number = 0
        for line in fh:
            if line.startswith("$$$$"):
                number += 1
                yield number, *_sdf_record(lines)
                lines = []
            else:
                lines.append(line)
        if any(line.strip() for line in lines):
            yield number + 1, *_sdf_record(lines)


def _sdf_record(lines: list[str]) -> tuple[str, dict[str, str]]:
    end = next((i for i, line in enumerate(lines) if line.startswith("M  END")), len(lines) - 1)
    data: dict[str, str] = {}
    field: str | None = None
    for line in lines[end + 1 :]:
        header = re.match(r"^>.*<([^>]+)>", line)
        if header:
            field = header.group(1).strip()
            data[field] = ""
        elif field is not None and line.strip():
            data[field] = (data[field] + "\n" + line.rstrip("\r\n")).strip()
        else:
            field = None
    return "".join(lines[: end + 1]), data


def _sdf(path: Path, source: str, id_items: tuple[str, ...]) -> Iterator[CompoundEntry | RowFailure]:
    from rdkit import Chem

    for number, molblock, data in read_sdf(path):
        items = {k.lower(): v for k, v in data.items()}
        ident = next((items[k.lower()] for k in id_items if items.get(k.lower())), None) or f"{path.name}:{number}"
        try:
            smiles = Chem.MolToSmiles(parse_structure(molblock))
        except InvalidStructureError:
            yield RowFailure(row=number, source_id=ident, reason="the molblock does not parse (RDKit)")
            continue
        name = next((items[c] for c in ("generic_name", "common_name", "name") if items.get(c)), None)
        synonyms = _split(items.get("synonyms")) + ([items["iupac_name"]] if items.get("iupac_name") else [])
        cas = _split(items.get("cas_number") or items.get("cas"))
        yield _entry(source, ident, smiles, name=name, synonyms=synonyms, ids={"cas": cas})


# --- DrugBank XML ------------------------------------------------------------------------------------------------


def _drugbank_xml(path: Path) -> Iterator[CompoundEntry | RowFailure]:
    import xml.etree.ElementTree as ET

    depth, number = 0, 0
    for event, element in ET.iterparse(path, events=("start", "end")):
        if event == "start":
            depth += 1
            continue
        depth -= 1
        if element.tag != f"{_DRUGBANK_NS}drug" or depth != 1:  # <drug> also appears inside pathways
            continue
        number += 1
        yield _drugbank_drug(element, number)
        element.clear()


def _drugbank_drug(drug, number: int) -> CompoundEntry | RowFailure:
    ns = _DRUGBANK_NS
    ids = [e.text for e in drug.findall(f"{ns}drugbank-id") if e.get("primary") == "true" and e.text]
    ident = ids[0] if ids else f"drug {number}"
    props = {
        p.findtext(f"{ns}kind"): p.findtext(f"{ns}value")
        for p in drug.iterfind(f"{ns}calculated-properties/{ns}property")
    }
    structure = props.get("SMILES") or props.get("InChI")
    if not structure:
        return RowFailure(row=number, source_id=ident, reason="no calculated SMILES or InChI (a biologic?)")
    external = {
        e.findtext(f"{ns}resource"): e.findtext(f"{ns}identifier")
        for e in drug.iterfind(f"{ns}external-identifiers/{ns}external-identifier")
    }
    xref = {"chembl": external.get("ChEMBL"), "pubchem_cid": external.get("PubChem Compound")}
    return _entry(
        "drugbank",
        ident,
        structure,
        name=drug.findtext(f"{ns}name"),
        synonyms=[s.text for s in drug.iterfind(f"{ns}synonyms/{ns}synonym") if s.text],
        ids={"cas": [drug.findtext(f"{ns}cas-number") or ""], **{k: [v] for k, v in xref.items() if v}},
        properties={"groups": [g.text for g in drug.iterfind(f"{ns}groups/{ns}group") if g.text]},
    )


# --- PDB Chemical Component Dictionary -----------------------------------------------------------------------------


def _ccd_blocks(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8", errors="replace") as fh:
        block: list[str] = []
        for line in fh:
            if line.startswith("data_") and block:
                yield "".join(block)
                block = []
            block.append(line)
        if block:
            yield "".join(block)


def _first(block: dict, key: str) -> str | None:
    """The first value of an mmCIF item that is not '?' (unknown) or '.' (not applicable)."""
    return next((v for v in block.get(key, []) if v not in ("?", ".")), None)


def _ccd(path: Path) -> Iterator[CompoundEntry | RowFailure]:
    from Bio.PDB.MMCIF2Dict import MMCIF2Dict

    for number, text in enumerate(_ccd_blocks(path), 1):
        ident = text.split(None, 1)[0].removeprefix("data_") if text.startswith("data_") else f"block {number}"
        try:
            block = MMCIF2Dict(io.StringIO(text))
        except ValueError as exc:
            yield RowFailure(row=number, source_id=ident, reason=f"unreadable mmCIF block: {exc}")
            continue
        ident = _first(block, "_chem_comp.id") or ident
        kinds = block.get("_pdbx_chem_comp_descriptor.type", [])
        values = block.get("_pdbx_chem_comp_descriptor.descriptor", [])
        found = {}
        for kind, value in zip(kinds, values, strict=False):
            found.setdefault(kind, value)
        structure = found.get("SMILES_CANONICAL") or found.get("SMILES") or found.get("InChI")
        if not structure:
            yield RowFailure(row=number, source_id=ident, reason="no SMILES or InChI descriptor")
            continue
        synonyms = _split(_first(block, "_chem_comp.pdbx_synonyms")) + [
            s for s in block.get("_pdbx_chem_comp_synonyms.name", []) if s not in ("?", ".")
        ]
        name = _first(block, "_chem_comp.name")
        yield _entry("pdb", ident, structure, name=name.lower() if name else None, synonyms=synonyms)
