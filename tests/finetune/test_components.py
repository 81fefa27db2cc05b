"""The factory's parts: templates, MinHash against datasketch, the fact check of paraphrases, analogues."""

from __future__ import annotations

import json

import httpx
import numpy as np
from datasketch import MinHash

from finetune.dataset.paraphrase import OpenAIParaphraser, RuleParaphraser, augment
from finetune.quality import dedup
from finetune.quality.facts import answer_problems
from finetune.tasks.templates import all_template_ids, list_tasks


def test_at_least_20_tasks_and_200_distinct_templates():
    ids = all_template_ids()
    assert len(list_tasks()) >= 20
    assert len(ids) == len(set(ids)) >= 200


def test_batch_signatures_equal_datasketch():
    texts = ["What is the logP of CCO?\nThe Crippen logP is -0.00.", "short", "Å² → ring sizes: 6, 6 " * 40]
    ours = dedup.signatures(texts)
    for text, row in zip(texts, ours, strict=True):
        reference = MinHash(num_perm=dedup.NUM_PERM, seed=dedup.SEED, scheme="affine32", hashfunc=int)
        reference.update_batch([int(h) for h in dedup.shingle_hashes(text)])
        assert np.array_equal(reference.hashvalues.astype(np.uint32), row)


def test_near_duplicate_filter():
    base = "How many hydrogen-bond donors does CC(=O)Oc1ccccc1C(=O)O have?\nAspirin has 1 hydrogen-bond donor."
    other = "What is the Bemis–Murcko scaffold of c1ccc2ccccc2c1?\nThe scaffold is c1ccc2ccccc2c1."
    sig = dedup.signatures([base, base + " ", other])
    f = dedup.NearDuplicateFilter()
    assert [f.add(s) for s in sig] == [True, False, True]
    assert [(i, j) for i, j, _ in dedup.near_duplicate_pairs(sig)] == [(0, 1)]


def _example():
    return {
        "messages": [
            {"role": "user", "content": "What is the molecular weight of aspirin (CC(=O)Oc1ccccc1C(=O)O)?"},
            {"role": "assistant", "content": "Aspirin has a molecular weight of 180.16 g/mol."},
        ],
        "task": "molecular_weight",
        "category": "molecular_properties",
        "template_id": "molecular_weight.q0.a1",
        "generator": "template",
        "compound": {"smiles": "CC(=O)Oc1ccccc1C(=O)O", "ids": {}, "name": "aspirin"},
        "partner": None,
        "inputs": {},
        "facts": {"molecular_weight": 180.16},
        "split": "train",
    }


def test_answer_problems_find_wrong_and_missing_numbers():
    facts, strings = {"molecular_weight": 180.16, "hbd": 1}, ["CC(=O)Oc1ccccc1C(=O)O"]
    assert answer_problems("MW 180.16 g/mol and 1 donor of CC(=O)Oc1ccccc1C(=O)O.", facts, strings) == []
    assert answer_problems("MW about 180.2, 1 donor.", facts, strings) == []  # rounded is still the fact
    assert answer_problems("MW 181.16 g/mol, 1 donor.", facts, strings)
    assert any("not stated" in p for p in answer_problems("1 donor.", facts, strings))


class _Liar:
    name, generator = "liar", "llm"

    def rewrite(self, pairs, seed):
        return [(q, a.replace("180.16", "190.16")) for q, a in pairs]


def test_paraphrases_are_fact_checked_and_failures_counted():
    kept, dropped = augment([_example()], RuleParaphraser(), seed=1)
    assert dropped == 0 and kept[0]["generator"] == "rule" and kept[0]["template_id"].endswith(".para")
    assert "180.16" in kept[0]["messages"][-1]["content"]
    assert kept[0]["messages"] != _example()["messages"]
    assert augment([_example()], RuleParaphraser(), seed=1) == (kept, 0)  # deterministic
    kept, dropped = augment([_example()], _Liar(), seed=1)
    assert kept == [] and dropped == 1


def _client(answer: str):
    from openai import OpenAI

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        assert body["model"] == "teacher" and "180.16" in body["messages"][0]["content"]
        reply = {"question": "Give the molar mass of aspirin.", "answer": answer}
        return httpx.Response(200, json={
            "id": "x", "object": "chat.completion", "created": 0, "model": "teacher",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": json.dumps(reply)}}],
        })  # fmt: skip

    http = httpx.Client(transport=httpx.MockTransport(handler))
    return OpenAI(base_url="http://endpoint/v1", api_key="k", http_client=http)


def test_openai_paraphraser_through_the_real_client():
    good = OpenAIParaphraser("http://endpoint/v1", "teacher", client=_client("It weighs 180.16 g/mol."))
    kept, dropped = augment([_example()], good, seed=0)
    assert (
        dropped == 0
        and kept[0]["generator"] == "llm"
        and kept[0]["messages"][-1]["content"] == "It weighs 180.16 g/mol."
    )
    bad = OpenAIParaphraser("http://endpoint/v1", "teacher", client=_client("It weighs 18.016 g/mol."))
    assert augment([_example()], bad, seed=0) == ([], 1)


def test_analogues_are_valid_and_keep_the_scaffold():
    from finetune.dataset import edits
    from finetune.dataset.molecule_facts import build_molecule_facts
    from finetune.dataset.sources import SourceCompound
    from knowledge.common.mol import try_mol

    source = SourceCompound("input", "1", "CC(=O)Nc1ccc(O)cc1", {"input": "1"}, "paracetamol")
    molecule = build_molecule_facts(source, seed=0, n_analogues=5)
    assert molecule is not None and len(molecule.analogues) == 5
    for analogue in molecule.analogues:
        smiles = analogue.compound.smiles
        assert edits.round_trip(smiles) == smiles != molecule.smiles
        assert analogue.compound.group == molecule.group == "c1ccccc1"
        made = edits.attach(molecule.mol, [analogue.site], analogue.substituent)
        assert edits.round_trip(edits.Chem.MolToSmiles(made)) == smiles
    assert molecule.starred.count("*") == 2 and molecule.path_bonds >= 3
    assert edits.is_atom_mapping(try_mol(molecule.variant), molecule.mol, molecule.mapping)


def test_split_is_a_function_of_the_scaffold_group():
    from finetune.dataset.molecule_facts import split_for

    groups = [f"group{i}" for i in range(2000)]
    splits = [split_for(g, 7) for g in groups]
    assert splits == [split_for(g, 7) for g in groups]
    share = {s: splits.count(s) / len(splits) for s in ("train", "validation", "test")}
    assert 0.75 < share["train"] < 0.85 and 0.07 < share["test"] < 0.13
