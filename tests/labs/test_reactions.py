"""Reaction product prediction: every shipped template reproduces its example, ambiguity is reported, names
restrict, bad input fails with a clear error; and the predict_reaction tool runs it as a recorded experiment."""

import pytest
import yaml
from rdkit import Chem
from rdkit.Chem import rdChemReactions

from knowledge.common.errors import Ech0Error
from knowledge.common.mol import InvalidSmilesError
from labs.chemistry.reactions import TEMPLATES_PATH, load_templates, predict_products

TEMPLATES = load_templates()

REQUIRED_CLASSES = {
    "amide_coupling_acid_amine",
    "amide_coupling_acyl_chloride_amine",
    "fischer_esterification",
    "esterification_acyl_chloride_alcohol",
    "ester_hydrolysis",
    "reductive_amination_aldehyde",
    "reductive_amination_ketone",
    "snar_amine",
    "snar_alkoxide",
    "suzuki_boronic_acid",
    "suzuki_boronate_ester",
    "buchwald_hartwig",
    "sonogashira",
    "boc_deprotection",
    "cbz_deprotection",
    "benzyl_ester_hydrogenolysis",
    "n_alkylation",
    "williamson_ether",
    "urea_isocyanate",
    "sulfonamide_formation",
    "cuaac_click",
    "wittig",
    "heck",
    "nitro_reduction",
    "grignard_carbonyl",
    "diels_alder",
    "ester_aminolysis",
}


def canon(smiles: str) -> str:
    return Chem.MolToSmiles(Chem.MolFromSmiles(smiles))


def smiles_of(result: dict) -> list[str]:
    return [p["smiles"] for p in result["products"]]


def test_yaml_schema_is_valid_and_covers_the_required_classes():
    raw = yaml.safe_load(TEMPLATES_PATH.read_text(encoding="utf-8"))
    ids = [entry["id"] for entry in raw]
    assert len(ids) == len(set(ids)) >= 25
    assert set(ids) >= REQUIRED_CLASSES
    for entry in raw:
        assert {"id", "name", "reaction_class", "aliases", "smarts", "reagents", "example", "source"} <= set(entry)
        assert entry["aliases"] and all(isinstance(a, str) for a in entry["aliases"])
        rxn = rdChemReactions.ReactionFromSmarts(entry["smarts"])
        assert rxn.GetNumProductTemplates() == 1 and rxn.Validate()[1] == 0, entry["id"]
        assert rxn.GetNumReactantTemplates() == len(entry["example"]["reactants"]), entry["id"]


@pytest.mark.parametrize("tpl", TEMPLATES, ids=lambda t: t.id)
def test_every_template_reproduces_its_example(tpl):
    expected = canon(tpl.example.product)
    named = predict_products(tpl.example.reactants, tpl.id)
    assert smiles_of(named) == [expected] and named["fired"] == [tpl.id]
    assert named["products"][0]["template"] == tpl.id and named["products"][0]["uses_all_reactants"]
    # Unrestricted, the example's product still comes first (possibly found by a second template too).
    top = predict_products(tpl.example.reactants)["products"][0]
    assert top["smiles"] == expected and tpl.id in [top["template"], *top["also_from"]]


def test_two_templates_on_one_pair_are_ambiguous_and_both_listed():
    result = predict_products(["NCCO", "CC(=O)Cl"])  # N- versus O-acylation of ethanolamine
    assert result["ambiguous"] and "ambiguous" in result["message"]
    assert smiles_of(result) == ["CC(=O)NCCO", "CC(=O)OCCN"]
    assert result["fired"] == ["amide_coupling_acyl_chloride_amine", "esterification_acyl_chloride_alcohol"]


def test_multi_site_template_returns_each_distinct_product():
    result = predict_products(["Clc1ccnc(Cl)n1", "C1COCCN1"], "snar")  # 2,4-dichloropyrimidine: C2 and C4
    assert set(smiles_of(result)) == {canon("Clc1nccc(N2CCOCC2)n1"), canon("Clc1ccnc(N2CCOCC2)n1")}
    assert result["ambiguous"] and "snar_amine matches 2 sites" in result["message"]


def test_same_product_from_two_templates_is_listed_once_with_both():
    result = predict_products(["Clc1ccc([N+](=O)[O-])cc1", "C1COCCN1"])
    top = result["products"][0]
    assert top["smiles"] == canon("O=[N+]([O-])c1ccc(N2CCOCC2)cc1")
    assert top["template"] == "snar_amine" and top["also_from"] == ["buchwald_hartwig"]
    # Nitro reduction of the aryl chloride alone uses one reactant: listed after, not ambiguous with the top.
    assert not result["ambiguous"] and not result["products"][1]["uses_all_reactants"]


def test_a_symmetric_diamine_gives_one_product():
    result = predict_products(["C1CNCCN1", "CC(=O)O"], "amide coupling")
    assert smiles_of(result) == ["CC(=O)N1CCNCC1"] and not result["ambiguous"]


def test_named_reaction_restricts_the_templates():
    reactants = ["COC(=O)c1ccccc1", "NC"]
    assert set(predict_products(reactants)["fired"]) == {"ester_aminolysis", "ester_hydrolysis"}
    only = predict_products(reactants, "saponification")
    assert only["fired"] == ["ester_hydrolysis"] and smiles_of(only) == ["O=C(O)c1ccccc1"]
    assert predict_products(["CC(=O)O", "NCc1ccccc1"], "HATU")["fired"] == ["amide_coupling_acid_amine"]


def test_misspelt_reaction_name_is_matched_fuzzily():
    result = predict_products(["Brc1ccccc1", "OB(O)c1ccccc1"], "suzki coupling")
    assert smiles_of(result) == ["c1ccc(-c2ccccc2)cc1"] and result["fired"] == ["suzuki_boronic_acid"]


def test_lactone_opening_keeps_one_molecule():
    assert smiles_of(predict_products(["O=C1CCCO1"], "ester hydrolysis")) == ["O=C(O)CCCO"]
    hydrolysis = predict_products(["CCOC(C)=O"], "hydrolysis")["products"][0]
    assert hydrolysis["smiles"] == "CC(=O)O" and hydrolysis["coproducts"] == ["CCO"]


def test_azole_nh_and_salt_input():
    assert smiles_of(predict_products(["Cc1ccc(Br)cc1", "c1cc[nH]n1"], "buchwald")) == ["Cc1ccc(-n2cccn2)cc1"]
    # A hydrochloride salt is split into its components; the amide still forms.
    assert predict_products(["NCc1ccccc1.Cl", "CC(=O)O"], "amide")["products"][0]["smiles"] == "CC(=O)NCc1ccccc1"


@pytest.mark.parametrize(
    ("bad", "reason"),
    [("C1CC", "syntax error"), ("C(C)(C)(C)(C)C", "Explicit valence"), ("", "empty")],
)
def test_bad_smiles_names_the_input_and_rdkit_reason(bad, reason):
    with pytest.raises(InvalidSmilesError, match=reason) as err:
        predict_products([bad, "CCO"])
    assert "reactant 1" in str(err.value)


def test_reactants_no_template_applies_to_raise_and_list_classes():
    with pytest.raises(Ech0Error, match="no reaction template applies") as err:
        predict_products(["CCO", "c1ccccc1"])
    assert "amide formation" in str(err.value) and "cross-coupling" in str(err.value)
    with pytest.raises(Ech0Error, match="no 'Suzuki' template applies") as err:
        predict_products(["CC(=O)O", "NCc1ccccc1"], "Suzuki")
    assert "OB(O)c1ccccc1" in str(err.value)  # says what the template needs


def test_unknown_reaction_name_lists_close_names():
    with pytest.raises(Ech0Error, match="unknown reaction 'esterificaton of the moon'") as err:
        predict_products(["CC(=O)O", "CCO"], "esterificaton of the moon")
    assert "esterification" in str(err.value)


def test_no_reactants_is_an_error():
    with pytest.raises(Ech0Error, match="no reactants"):
        predict_products([])


@pytest.fixture
def tool_context(tmp_path):
    from knowledge.compound_models import CompoundRecord
    from knowledge.compounds import CompoundStore
    from labs.runner import LabRunner
    from labs.store import ExperimentStore
    from tools.registry import ToolContext

    records = [
        CompoundRecord(source="t", source_id="1", name="acetic acid", smiles="CC(=O)O"),
        CompoundRecord(source="t", source_id="2", name="benzylamine", smiles="NCc1ccccc1"),
    ]
    # The reaction tool reads no literature, so the context needs no retriever.
    return ToolContext(
        retriever=None,
        compounds=CompoundStore(records),
        labs=LabRunner(ExperimentStore(f"sqlite:///{tmp_path / 'ech0.db'}")),
    )


def test_predict_reaction_tool_resolves_names_and_records_the_experiment(tool_context):
    from tools.registry import TOOLS

    run = TOOLS["predict_reaction"].run
    data = run(tool_context, reactants=["acetic acid", "benzylamine"], reaction="amide coupling")
    assert data["value"] == "CC(=O)NCc1ccccc1" and data["experiment_id"].startswith("exp-")
    assert data["statement"] == (
        "Amide coupling of acetic acid and benzylamine gives CC(=O)NCc1ccccc1 (template amide_coupling_acid_amine)"
    )
    assert data["alternatives"] == [] and [r["smiles"] for r in data["reactants"]] == ["CC(=O)O", "NCc1ccccc1"]
    again = run(tool_context, reactants=["CC(=O)O", "NCc1ccccc1"], reaction="amide coupling")
    assert again["experiment_id"] == data["experiment_id"]  # same SMILES, same recorded experiment

    ambiguous = run(tool_context, reactants=["NCCO", "CC(=O)Cl"])
    assert "1 other product is possible" in ambiguous["statement"]
    assert [a["smiles"] for a in ambiguous["alternatives"]] == ["CC(=O)OCCN"]


def test_predict_reaction_tool_reports_errors_to_the_planner(tool_context):
    from tools.registry import TOOLS, _bind

    tool = _bind(TOOLS["predict_reaction"], tool_context)
    outcome = tool.invoke({"reactants": ["benzylamine", "CCO"], "reaction": "wittig"})
    assert not outcome["ok"] and "no 'wittig' template applies" in outcome["error"]
    unknown = tool.invoke({"reactants": ["unobtainium", "CCO"]})
    assert not unknown["ok"] and "unobtainium" in unknown["error"]
