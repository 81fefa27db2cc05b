"""File adapters: COCONUT, ZINC, DrugBank (SDF and licensed XML), PDB CCD mmCIF and ligand CSV, generic CSV."""

from __future__ import annotations

import itertools

import pytest
from rdkit import Chem

from knowledge.common.errors import Ech0Error
from knowledge.compound_db import CompoundDB
from knowledge.compound_models import CompoundEntry, RowFailure
from knowledge.data import DRUGCENTRAL_APPROVED
from knowledge.sources.compound_files import import_file, read_compounds, read_sdf

CAFFEINE = "Cn1c(=O)c2c(ncn2C)n(C)c1=O"
CAFFEINE_KEY = "RYYVLZVUVIJVGH-UHFFFAOYSA-N"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def sdf_record(smiles: str | None, items: dict[str, str]) -> str:
    block = (
        Chem.MolToMolBlock(Chem.MolFromSmiles(smiles))
        if smiles
        else "broken\n  RDKit\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\nM  END\n"
    )
    data = "".join(f"> <{k}>\n{v}\n\n" for k, v in items.items())
    return f"{block}{data}$$$$\n"


def split(items):
    entries = [i for i in items if isinstance(i, CompoundEntry)]
    failures = [i for i in items if isinstance(i, RowFailure)]
    return entries, failures


def test_coconut_csv(tmp_path):
    path = write(
        tmp_path,
        "coconut.csv",
        "identifier,canonical_smiles,standard_inchi_key,name,iupac_name,cas,synonyms\n"
        f'CNP0000001,{CAFFEINE},{CAFFEINE_KEY},caffeine,"1,3,7-trimethylpurine-2,6-dione",58-08-2,guaranine|theine\n'
        "CNP0000002,,,nothing,,,\n"
        "CNP0000003,C1CC(=O,,broken,,58-08-3,\n",
    )
    entries, failures = split(list(read_compounds(path, "coconut")))
    assert [(f.row, f.source_id) for f in failures] == [(2, "CNP0000002")]
    caffeine, broken = entries
    assert (caffeine.source, caffeine.source_id, caffeine.name) == ("coconut", "CNP0000001", "caffeine")
    assert caffeine.ids["cas"] == ["58-08-2"] and caffeine.ids["inchikey"] == [CAFFEINE_KEY]
    assert caffeine.synonyms == ["guaranine", "theine", "1,3,7-trimethylpurine-2,6-dione"]
    assert broken.ids["cas"] == []  # a CAS number with a wrong check digit is dropped, the row kept


def test_coconut_sdf_reports_a_broken_record_by_its_id_and_goes_on(tmp_path):
    text = (
        sdf_record(CAFFEINE, {"identifier": "CNP0000001", "name": "caffeine"})
        + sdf_record(None, {"identifier": "CNP0000009"})
        + sdf_record("CCO", {"identifier": "CNP0000010"})
    )
    path = write(tmp_path, "coconut.sdf", text)
    assert [n for n, _, _ in read_sdf(path)] == [1, 2, 3]
    entries, failures = split(list(read_compounds(path, "coconut")))
    assert [e.source_id for e in entries] == ["CNP0000001", "CNP0000010"]
    assert Chem.MolToInchiKey(Chem.MolFromSmiles(entries[0].structure)) == CAFFEINE_KEY
    assert [(f.row, f.source_id) for f in failures] == [(2, "CNP0000009")]


def test_zinc_smi_and_csv(tmp_path):
    smi = write(
        tmp_path, "AAAA.smi", "smiles zinc_id\nCC(=O)Nc1ccc(O)cc1 ZINC000000001234\nCCO\nc1ccccc1\tZINC000000005678\n"
    )
    entries, failures = split(list(read_compounds(smi, "zinc")))
    assert [(e.source, e.source_id) for e in entries] == [("zinc", "ZINC000000001234"), ("zinc", "ZINC000000005678")]
    assert failures[0].row == 3 and "SMILES ZINC_ID" in failures[0].reason
    csv_path = write(tmp_path, "zinc.csv", "smiles,zinc_id,mwt\nCCO,ZINC000000000001,46.07\n")
    assert [e.source_id for e in read_compounds(csv_path, "zinc")] == ["ZINC000000000001"]


def test_drugbank_open_structures_sdf(tmp_path):
    path = write(
        tmp_path,
        "structures.sdf",
        sdf_record(
            "CC(=O)Oc1ccccc1C(=O)O",
            {"DRUGBANK_ID": "DB00945", "GENERIC_NAME": "Acetylsalicylic acid", "SYNONYMS": "Aspirin; ASA"},
        ),
    )
    (entry,) = read_compounds(path, "drugbank-sdf")
    assert (entry.source, entry.source_id, entry.name) == ("drugbank", "DB00945", "Acetylsalicylic acid")
    assert entry.synonyms == ["Aspirin", "ASA"]


DRUGBANK_XML = """<?xml version="1.0" encoding="UTF-8"?>
<drugbank xmlns="http://www.drugbank.ca" version="5.1">
<drug type="small molecule">
  <drugbank-id primary="true">DB00945</drugbank-id>
  <drugbank-id>APRD00264</drugbank-id>
  <name>Acetylsalicylic acid</name>
  <cas-number>50-78-2</cas-number>
  <groups><group>approved</group><group>vet_approved</group></groups>
  <synonyms><synonym language="english">Aspirin</synonym><synonym>2-Acetoxybenzoic acid</synonym></synonyms>
  <pathways><pathway><drugs><drug><drugbank-id>DB00001</drugbank-id><name>nested</name></drug></drugs></pathway></pathways>
  <calculated-properties>
    <property><kind>logP</kind><value>1.24</value><source>ALOGPS</source></property>
    <property><kind>SMILES</kind><value>CC(=O)OC1=CC=CC=C1C(O)=O</value><source>ChemAxon</source></property>
  </calculated-properties>
  <external-identifiers>
    <external-identifier><resource>ChEMBL</resource><identifier>CHEMBL25</identifier></external-identifier>
    <external-identifier><resource>PubChem Compound</resource><identifier>2244</identifier></external-identifier>
  </external-identifiers>
</drug>
<drug type="biotech">
  <drugbank-id primary="true">DB00001</drugbank-id>
  <name>Lepirudin</name>
</drug>
</drugbank>
"""


def test_drugbank_xml_needs_the_licence_flag(tmp_path):
    path = write(tmp_path, "full database.xml", DRUGBANK_XML)
    for fmt in ("drugbank-xml", "drugbank-sdf"):  # an XML file given as the SDF format is caught too
        with pytest.raises(Ech0Error, match="--i-have-a-drugbank-licence") as err:
            read_compounds(path, fmt)
        assert "licensed" in str(err.value) and "drugbank-sdf" in str(err.value)
    entries, failures = split(list(read_compounds(path, "drugbank-xml", drugbank_licence=True)))
    (aspirin,) = entries
    assert (aspirin.source_id, aspirin.name, aspirin.structure) == (
        "DB00945",
        "Acetylsalicylic acid",
        "CC(=O)OC1=CC=CC=C1C(O)=O",
    )
    assert aspirin.ids == {"cas": ["50-78-2"], "chembl": ["CHEMBL25"], "pubchem_cid": ["2244"]}
    assert aspirin.synonyms == ["Aspirin", "2-Acetoxybenzoic acid"]
    assert aspirin.properties == {"groups": ["approved", "vet_approved"]}
    assert [(f.row, f.source_id) for f in failures] == [(2, "DB00001")]


COMPONENTS_CIF = """data_CFF
#
_chem_comp.id                                    CFF
_chem_comp.name                                  CAFFEINE
_chem_comp.type                                  NON-POLYMER
_chem_comp.pdbx_synonyms                         "1,3,7-TRIMETHYLXANTHINE"
_chem_comp.formula                               "C8 H10 N4 O2"
#
loop_
_pdbx_chem_comp_descriptor.comp_id
_pdbx_chem_comp_descriptor.type
_pdbx_chem_comp_descriptor.program
_pdbx_chem_comp_descriptor.program_version
_pdbx_chem_comp_descriptor.descriptor
CFF SMILES           ACDLabs              10.04 "O=C2N(c1ncn(c1C(=O)N2C)C)C"
CFF SMILES_CANONICAL CACTVS               3.341 "Cn1cnc2n(C)c(=O)n(C)c(=O)c12"
CFF InChIKey         InChI                1.03  RYYVLZVUVIJVGH-UHFFFAOYSA-N
#
data_HOH
#
_chem_comp.id                                    HOH
_chem_comp.name                                  WATER
_chem_comp.pdbx_synonyms                         ?
#
_pdbx_chem_comp_descriptor.comp_id               HOH
_pdbx_chem_comp_descriptor.type                  SMILES
_pdbx_chem_comp_descriptor.program               ACDLabs
_pdbx_chem_comp_descriptor.program_version       10.04
_pdbx_chem_comp_descriptor.descriptor            O
#
data_UNX
#
_chem_comp.id                                    UNX
_chem_comp.name                                  "UNKNOWN ATOM OR ION"
#
"""


def test_pdb_chemical_component_dictionary(tmp_path):
    path = write(tmp_path, "components.cif", COMPONENTS_CIF)
    entries, failures = split(list(read_compounds(path, "pdb-ccd")))
    assert [(e.source, e.source_id, e.name) for e in entries] == [("pdb", "CFF", "caffeine"), ("pdb", "HOH", "water")]
    assert entries[0].structure == "Cn1cnc2n(C)c(=O)n(C)c(=O)c12"  # SMILES_CANONICAL preferred
    assert entries[0].synonyms == ["1,3,7-TRIMETHYLXANTHINE"]
    assert [(f.row, f.source_id) for f in failures] == [(3, "UNX")]


def test_pdb_ligand_csv(tmp_path):
    path = write(tmp_path, "ligands.csv", f"comp_id,name,smiles\nCFF,caffeine,{CAFFEINE}\nATP,atp,\n")
    entries, failures = split(list(read_compounds(path, "pdb-ccd")))
    assert [(e.source, e.source_id) for e in entries] == [("pdb", "CFF")]
    assert failures[0].source_id == "ATP"


def test_generic_csv_reads_the_shipped_drugcentral_file(tmp_path):
    head = "".join(itertools.islice(DRUGCENTRAL_APPROVED.open(), 6))
    path = write(tmp_path, "dc.csv", head)
    entries = list(read_compounds(path, "csv"))
    assert len(entries) == 5 and all(e.source == "drugcentral" for e in entries)
    first = entries[0]
    assert first.source_id == "4" and first.name == "levobupivacaine"
    assert first.ids["cas"] == ["27262-47-1"] and first.ids["drugbank"] == ["DB01002"]
    tsv = write(tmp_path, "plain.tsv", "smiles\tname\nCCO\tethanol\n")
    (plain,) = read_compounds(tsv, "csv")
    assert (plain.source, plain.source_id, plain.name) == ("csv", "plain.tsv:1", "ethanol")


@pytest.mark.parametrize(
    ("name", "text", "fmt", "needle"),
    [
        ("x.csv", "name,id\naspirin,1\n", "csv", "no SMILES column"),
        ("empty.csv", "", "csv", "is empty"),
        ("x.csv", "smiles\nCCO\n", "mol2", "unknown compound file format 'mol2'"),
    ],
)
def test_bad_files_are_clear_errors(tmp_path, name, text, fmt, needle):
    path = write(tmp_path, name, text)
    with pytest.raises(Ech0Error, match=needle):
        list(read_compounds(path, fmt))


def test_missing_file(tmp_path):
    with pytest.raises(Ech0Error, match="does not exist"):
        read_compounds(tmp_path / "nope.sdf", "coconut")


def test_import_merges_across_files_by_inchikey(tmp_path):
    db = CompoundDB(f"sqlite:///{tmp_path / 'c.db'}")
    coconut = write(
        tmp_path, "coconut.csv", f"identifier,canonical_smiles,name\nCNP0000001,{CAFFEINE},caffeine\nCNP2,C1CC(=O,x\n"
    )
    report = import_file(db, coconut, "coconut")
    assert (report.added, report.merged, len(report.failures)) == (1, 0, 1)
    pdb = import_file(db, write(tmp_path, "components.cif", COMPONENTS_CIF), "pdb-ccd")
    assert (pdb.added, pdb.merged) == (1, 1)  # water is new; CFF merges into caffeine
    caffeine = db.get(CAFFEINE_KEY)
    assert caffeine.ids["coconut"] == ["CNP0000001"] and caffeine.ids["pdb"] == ["CFF"]
    assert db.count() == 2
