import csv

import pytest
from rdkit import Chem

from knowledge.common.errors import CompoundNotFoundError, Ech0Error
from knowledge.compound_models import CompoundRecord
from knowledge.compounds import SHIPPED_SYNONYMS, CompoundStore, SynonymRow, load_synonyms
from knowledge.data import DRUGCENTRAL_APPROVED, NPCLASSIFIER_5K
from knowledge.resolve import resolve


@pytest.fixture(scope="module")
def store():
    return CompoundStore.from_files(DRUGCENTRAL_APPROVED, NPCLASSIFIER_5K, synonyms=SHIPPED_SYNONYMS)


@pytest.fixture(scope="module")
def rows():
    return load_synonyms(SHIPPED_SYNONYMS)


def test_every_preferred_name_is_a_drugcentral_name_or_a_chemical_row(rows):
    with DRUGCENTRAL_APPROVED.open(encoding="utf-8") as fh:
        drugcentral = {row["name"].strip().lower() for row in csv.DictReader(fh)}
    chemicals = {r.name for r in rows if r.kind == "chemical"}
    unknown = [
        (r.name, r.preferred) for r in rows if r.kind != "chemical" and r.preferred not in drugcentral | chemicals
    ]
    assert unknown == []
    assert not chemicals & drugcentral  # a chemical row never shadows a shipped drug
    names = [r.name for r in rows]
    assert len(names) == len(set(names))


def test_every_chemical_smiles_parses_and_is_not_a_shipped_drug(rows):
    with DRUGCENTRAL_APPROVED.open(encoding="utf-8") as fh:
        drug_keys = {row["inchikey"] for row in csv.DictReader(fh) if row["inchikey"]}
    chemicals = [r for r in rows if r.kind == "chemical"]
    assert len(chemicals) >= 100
    for row in chemicals:
        mol = Chem.MolFromSmiles(row.smiles)
        assert mol is not None, row.name
        assert Chem.MolToInchiKey(mol) not in drug_keys, row.name
        assert row.preferred == row.name and row.source


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("aspirin", "acetylsalicylic acid"),
        ("Aspirin", "acetylsalicylic acid"),
        ("acetaminophen", "paracetamol"),
        ("adrenaline", "epinephrine"),
        ("noradrenaline", "norepinephrine"),
        ("albuterol", "salbutamol"),
        ("frusemide", "furosemide"),
        ("lignocaine", "lidocaine"),
        ("glyburide", "glibenclamide"),
        ("meperidine", "pethidine"),
        ("cyclosporine", "ciclosporin"),
        ("DMSO", "dimethyl sulfoxide"),
    ],
)
def test_synonyms_find_the_drugcentral_record(store, query, name):
    result = resolve(store, query)
    assert (result.status, result.method, result.confidence) == ("resolved", "synonym", 0.95)
    assert store.resolve(query).name == name
    assert store.resolve(query).source == "drugcentral"


def test_aspirin_is_the_acetylsalicylic_acid_record_with_its_targets(store):
    record = store.resolve("aspirin")
    assert record.key == store.resolve("acetylsalicylic acid").key
    assert record.targets and "FDA" in record.approved_by


@pytest.mark.parametrize(
    ("brand", "generic"),
    [
        ("Tylenol", "paracetamol"),
        ("Lipitor", "atorvastatin"),
        ("Viagra", "sildenafil"),
        ("Gleevec", "imatinib"),
        ("Glucophage", "metformin"),
    ],  # fmt: skip
)
def test_brand_names_find_the_generic(store, brand, generic):
    assert store.resolve(brand).name == generic


def test_chemicals_are_records_of_their_own(store):
    record = store.resolve("benzylamine")
    assert (record.key, record.source, record.smiles) == ("ech0_synonyms:benzylamine", "ech0_synonyms", "NCc1ccccc1")
    assert store.get("ech0_synonyms:benzylamine") == record
    assert {"benzylamine", "naphthalene", "aspirin", "tylenol"} <= set(store.names())
    assert store.resolve("NCc1ccccc1").key == record.key  # by structure
    assert store.resolve("WGQKYBSKWIADBV-UHFFFAOYSA-N").key == record.key  # by InChIKey
    assert store.resolve("InChI=1S/C7H9N/c8-6-7-4-2-1-3-5-7/h1-5H,6,8H2").key == record.key
    assert store.resolve("DCM").smiles == "ClCCl"  # a synonym of a chemical
    assert record not in store.records  # the similarity libraries stay the shipped sets


def test_acetic_acid_is_the_shipped_drug_and_naphthalene_a_chemical(store):
    assert store.resolve("acetic acid").source == "drugcentral"
    naphthalene = store.resolve("naphthalene")
    assert naphthalene.source == "ech0_synonyms" and Chem.MolToSmiles(Chem.MolFromSmiles(naphthalene.smiles)) == (
        "c1ccc2ccccc2c1"
    )


@pytest.mark.parametrize(("query", "name"), [("atorvastatn", "atorvastatin"), ("tylenl", "paracetamol")])
def test_misspelt_names_and_synonyms_resolve_by_similarity(store, query, name):
    result = resolve(store, query)
    assert (result.status, result.method) == ("resolved", "fuzzy_name")
    assert result.match.label == name


def test_a_misspelt_synonym_of_one_record_is_not_ambiguous(store):
    result = resolve(store, "cyclosporn")  # close to cyclosporin, cyclosporine and ciclosporin: one record
    assert result.status == "resolved" and result.match.label == "ciclosporin"


@pytest.mark.parametrize("query", ["CID 2244", "CHEMBL25"])
def test_live_only_identifiers_offline_say_what_to_do(store, query):
    with pytest.raises(CompoundNotFoundError) as err:
        store.resolve(query)
    message = str(err.value)
    assert "live data mode" in message and "compound DB" in message and "name or SMILES" in message


def test_a_synonym_of_an_unknown_record_is_a_clear_error():
    records = [CompoundRecord(source="t", source_id="1", name="metformin", smiles="CN(C)C(=N)NC(N)=N")]
    row = SynonymRow(name="glucophage", preferred="metfromin", kind="brand", source="test")
    with pytest.raises(Ech0Error, match="'glucophage' names 'metfromin'"):
        CompoundStore(records, synonyms=[row])


def test_a_chemical_row_without_a_parsable_smiles_is_a_clear_error(tmp_path):
    path = tmp_path / "synonyms.csv"
    path.write_text("name,preferred,smiles,kind,source\nfoo,foo,C1CC(,chemical,test\n")
    with pytest.raises(Ech0Error, match="SMILES for 'foo' does not parse"):
        CompoundStore.from_files(None, None, synonyms=path)
    path.write_text("name,preferred,smiles,kind,source\nfoo,foo,,reagent,test\n")
    with pytest.raises(Ech0Error, match="bad synonym row"):
        CompoundStore.from_files(None, None, synonyms=path)


def test_stores_without_the_table_are_unchanged():
    store = CompoundStore.from_files(DRUGCENTRAL_APPROVED, None)
    assert store.chemicals == [] and "aspirin" not in store.names()
