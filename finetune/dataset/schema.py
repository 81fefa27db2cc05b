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


class CompoundRef(BaseModel):
    smiles: str = Field(description="canonical RDKit SMILES")
    ids: dict[str, str] = Field(
        default_factory=dict,
        description="source ids: 'drugcentral', 'npclassifier', 'esol', 'bbbp' (row numbers or ids), "
        "'drugbank', 'cas', 'inchikey'; 'analogue_of' for RDKit-made analogues",
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
    per_task: dict[str, int]
    per_category: dict[str, int]
    per_generator: dict[str, int]
    seed: int
    workers: int
    executor: str
    reused_chunks: int = Field(0, description="chunks read back from an interrupted earlier run (resume)")
    complete_before: bool = Field(False, description="the directory already held this exact data set: nothing redone")
    files: list[str] = Field(default_factory=list)
