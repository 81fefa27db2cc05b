"""The training example and the reports of the factory, as pydantic models (the boundary of every file it writes)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Category = Literal[
    "molecular_properties", "biological_activity", "natural_products", "clinical_therapeutic", "tool_use"
]
Generator = Literal["template", "rule", "llm", "synthetic"]
Split = Literal["train", "validation", "test"]
SPLITS: tuple[Split, ...] = ("train", "validation", "test")
CATEGORIES: tuple[str, ...] = Category.__args__  # type: ignore[attr-defined]


class Message(BaseModel):
    role: Literal["system", "user", "assistant", "tool"]
    content: str
    name: str | None = Field(None, description="for role=tool: the tool that produced the content")
    tool_call_id: str | None = Field(None, description="for role=tool: the plan step id it answers")


# Every namespace a compound id can come from: the shipped sets and a user CSV ('input', row numbers), the ids
# DrugCentral carries, and the parents of RDKit-made molecules. The Parquet files give each its own column.
ID_NAMESPACES: tuple[str, ...] = (
    "drugcentral",
    "npclassifier",
    "esol",
    "bbbp",
    "input",
    "drugbank",
    "cas",
    "inchikey",
    "analogue_of",
    "derived_from",
)


class CompoundRef(BaseModel):
    smiles: str = Field(description="canonical RDKit SMILES")
    name: str | None = Field(None, description="the source's name, where it has one")
    ids: dict[str, str] = Field(
        default_factory=dict,
        description="source ids: 'drugcentral', 'npclassifier', 'esol', 'bbbp', 'input' (row numbers or ids), "
        "'drugbank', 'cas', 'inchikey'; 'analogue_of' / 'derived_from' for RDKit-made molecules (ID_NAMESPACES)",
    )


class Example(BaseModel):
    """One training example: a chat and everything needed to verify it from scratch."""

    messages: list[Message] = Field(min_length=2)
    task: str
    category: Category
    template_id: str
    generator: Generator
    compound: CompoundRef
    partner: CompoundRef | None = Field(None, description="second compound of comparison and matched-pair tasks")
    inputs: dict[str, Any] = Field(
        default_factory=dict, description="question inputs needed to recompute the facts (element, variant SMILES…)"
    )
    facts: dict[str, Any] = Field(description="every value stated in the answer, by its name (chemistry lab names)")
    split: Split | None = None


_STRING = {"dtype": "string", "_type": "Value"}
_COMPOUND = {"smiles": _STRING, "name": _STRING, "ids": dict.fromkeys(ID_NAMESPACES, _STRING)}
# A mapping of mixed-type values (numbers, strings, booleans, lists) as (name, JSON text of the value) pairs.
_NAMED_JSON = [{"name": _STRING, "value": _STRING}]
# The Hugging Face `datasets` features of the Parquet files, in the serialised form `Features.from_dict` reads (a
# one-element list is a list of that struct): every `datasets` version since 2.x reads it the same way.
PARQUET_FEATURES: dict[str, Any] = {
    "messages": [{"role": _STRING, "content": _STRING, "name": _STRING, "tool_call_id": _STRING}],
    "task": _STRING,
    "category": _STRING,
    "template_id": _STRING,
    "generator": _STRING,
    "split": _STRING,
    "compound": _COMPOUND,
    "partner": _COMPOUND,
    "inputs": _NAMED_JSON,
    "facts": _NAMED_JSON,
}


class GenerationReport(BaseModel):
    """What `generate_dataset` made; `--json` prints this object."""

    out_dir: str
    examples: int = Field(description="verified examples written, all splits")
    tasks: int = Field(description="distinct tasks among the examples")
    templates: int = Field(description="distinct template ids among the examples")
    invalid: int = Field(description="input compounds rejected: SMILES that do not parse or do not round-trip")
    exact_duplicates: int = Field(description="examples dropped because their messages repeat an earlier example")
    near_duplicates: int = Field(description="examples dropped by MinHash LSH (Jaccard ≥ threshold)")
    near_duplicate_rate: float = Field(description="near duplicates among the generated (not yet deduplicated) set")
    examples_per_hour: float
    wall_s: float
    compounds: int = Field(description="input compounds used (valid)")
    analogues: int = Field(description="RDKit-enumerated analogues that passed validation")
    analogues_rejected: int
    llm_rejected: int = Field(description="paraphrases dropped because a stated number did not match the facts")
    splits: dict[str, int]
    split_bytes: dict[str, int] = Field(
        default_factory=dict, description="in-memory Arrow size of each split's Parquet rows (the card's num_bytes)"
    )
    per_task: dict[str, int]
    per_category: dict[str, int]
    per_generator: dict[str, int]
    seed: int
    workers: int
    executor: str
    reused_chunks: int = Field(0, description="chunks read back from an interrupted earlier run (resume)")
    complete_before: bool = Field(False, description="the directory already held this exact data set: nothing redone")
    files: list[str] = Field(default_factory=list)
