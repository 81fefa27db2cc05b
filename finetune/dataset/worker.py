"""One chunk of compounds → examples: compute each compound's molecule facts once, render every applicable task
from them, add analogues, tool-use trajectories and paraphrases, then sign the examples (digest and MinHash) and
write the chunk's part files atomically. Runs in a pool worker; everything it needs arrives pickled in `ChunkJob`."""

from __future__ import annotations

import io
import json
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from finetune.dataset.atomic import atomic_write_bytes, atomic_write_text
from finetune.dataset.molecule_facts import MoleculeFacts, build_molecule_facts
from finetune.dataset.paraphrase import Paraphraser, RuleParaphraser, augment
from finetune.dataset.schema import SPLITS
from finetune.dataset.sources import SourceCompound
from finetune.quality import dedup
from finetune.tasks.templates import Subject, Task, pick_templates, render, tasks_of_kind


@dataclass(frozen=True)
class Recipe:
    """How many examples of each kind a compound yields (part of the fingerprint a resumed run must match)."""

    templates_per_task: int = 2
    analogues_per_compound: int = 3
    tasks_per_analogue: int = 6
    tool_examples: int = 3
    paraphrases: int = 2

    def key(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class ChunkJob:
    index: int
    compounds: list[SourceCompound]
    seed: int
    recipe: Recipe
    paraphraser: Paraphraser = field(default_factory=RuleParaphraser)


@dataclass
class ChunkStats:
    index: int
    examples: int = 0
    compounds: int = 0
    invalid: int = 0
    analogues: int = 0
    analogues_rejected: int = 0
    llm_rejected: int = 0
    seconds: float = 0.0


@dataclass
class ChunkOutput:
    """A finished chunk as its two part files: JSONL lines, and an npz of signatures, digests, splits, stats."""

    stats: ChunkStats
    jsonl: str
    npz: bytes


def part_paths(parts_dir: Path, index: int) -> tuple[Path, Path]:
    stem = parts_dir / f"chunk-{index:06d}"
    return stem.with_suffix(".jsonl"), stem.with_suffix(".npz")


_NAMED_TOOLS = ("tool_compound_properties", "tool_plan_literature")


def _is_tool(task: Task) -> bool:
    return task.category == "tool_use"


def compound_examples(
    p: MoleculeFacts, peers: list[MoleculeFacts], seed: int, recipe: Recipe
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Examples of one compound (with its analogues), and unused single-turn renderings to paraphrase."""
    rng = random.Random(f"{seed}:{p.key}:render")
    examples: list[dict[str, Any]] = []
    spare: list[dict[str, Any]] = []
    subject = Subject(p, rng, peers=peers)
    tools: list[Task] = []
    used: dict[str, set[int]] = {}
    for task in tasks_of_kind("compound"):
        if _is_tool(task):
            tools.append(task)
            continue
        fill = task.fill(subject)
        if fill is None:
            continue
        # Rule answers share their step layout across phrasings: one per compound keeps them apart.
        k = 1 if task.generator == "rule" else recipe.templates_per_task
        picks = pick_templates(task, rng, k + 1)
        used[task.name] = {q for q, _ in picks[:k]}
        examples += [render(task, fill, q, a, subject) for q, a in picks[:k]]
        spare += [render(task, fill, q, a, subject) for q, a in picks[k:]]
    same_split = [q for q in peers if q.split == p.split and q.smiles != p.smiles]
    if same_split:
        for task in tasks_of_kind("pair"):
            pair = Subject(p, rng, partner=rng.choice(same_split), peers=peers)
            fill = task.fill(pair)
            if fill is not None:
                q, a = pick_templates(task, rng, 1)[0]
                examples.append(render(task, fill, q, a, pair))
    rng.shuffle(tools)
    # Requests about a named drug (lookup, properties, literature) are the planner's commonest: first when they apply.
    tools.sort(key=lambda t: t.name not in _NAMED_TOOLS)
    made = 0
    for task in tools:
        if made >= recipe.tool_examples:
            break
        fill = task.fill(subject)
        if fill is not None:
            q, a = pick_templates(task, rng, 1)[0]
            examples.append(render(task, fill, q, a, subject))
            made += 1
    for analogue in p.analogues:
        examples += _analogue_examples(p, analogue, rng, recipe, used)
    return examples, spare


def _analogue_examples(
    parent: MoleculeFacts, analogue, rng: random.Random, recipe: Recipe, used: dict[str, set[int]]
) -> list[dict[str, Any]]:
    subject = Subject(analogue.compound, rng, analogue=analogue, parent=parent)
    out = []
    # One pair task per analogue, in turn: two decorations of one parent in one task read as near duplicates.
    pair_tasks = tasks_of_kind("analogue")
    task = pair_tasks[parent.analogues.index(analogue) % len(pair_tasks)]
    fill = task.fill(subject)
    if fill is not None:
        q, a = pick_templates(task, rng, 1)[0]
        out.append(render(task, fill, q, a, subject))
    # A few property tasks on the analogue itself: RDKit facts only (an analogue has no name or source data).
    candidates = [t for t in tasks_of_kind("compound") if not _is_tool(t)]
    rng.shuffle(candidates)
    made = 0
    for task in candidates:
        if made >= recipe.tasks_per_analogue:
            break
        fill = task.fill(subject)
        if fill is not None:
            q, a = pick_templates(task, rng, 1, avoid=used.get(task.name))[0]
            used.setdefault(task.name, set()).add(q)
            out.append(render(task, fill, q, a, subject, generator="synthetic"))
            made += 1
    return out


def run_chunk(job: ChunkJob) -> ChunkOutput:
    """Generate and sign one chunk. Returns the part files' content (the caller writes them: Ray tasks may run
    on other machines)."""
    start = time.perf_counter()
    stats = ChunkStats(job.index)
    molecules: list[MoleculeFacts] = []
    for compound in job.compounds:
        molecule = build_molecule_facts(compound, job.seed, job.recipe.analogues_per_compound)
        if molecule is None:
            stats.invalid += 1
            continue
        molecules.append(molecule)
        stats.analogues += len(molecule.analogues)
        stats.analogues_rejected += molecule.analogues_rejected
    stats.compounds = len(molecules)
    examples: list[dict[str, Any]] = []
    spares: list[dict[str, Any]] = []
    rng = random.Random(f"{job.seed}:chunk:{job.index}")
    for molecule in molecules:
        made, spare = compound_examples(molecule, [q for q in molecules if q is not molecule], job.seed, job.recipe)
        examples += made
        spares += rng.sample(spare, min(job.recipe.paraphrases, len(spare)))
    if spares:
        kept, dropped = augment(spares, job.paraphraser, job.seed * 1_000_003 + job.index)
        examples += kept
        stats.llm_rejected = dropped
    stats.examples = len(examples)
    lines = [json.dumps(e, ensure_ascii=False) for e in examples]
    texts = [dedup.example_text(e["messages"]) for e in examples]
    signatures = dedup.signatures(texts) if texts else np.empty((0, dedup.NUM_PERM), dtype=np.uint32)
    digests = np.frombuffer(b"".join(dedup.digest(e["messages"]) for e in examples), dtype=np.uint8)
    splits = np.asarray([SPLITS.index(e["split"]) for e in examples], dtype=np.uint8)
    stats.seconds = time.perf_counter() - start
    buffer = io.BytesIO()
    meta = np.array(json.dumps(stats.__dict__))
    np.savez(buffer, signatures=signatures, digests=digests.reshape(-1, 16), splits=splits, meta=meta)
    return ChunkOutput(stats, "".join(line + "\n" for line in lines), buffer.getvalue())


def write_part(parts_dir: Path, output: ChunkOutput) -> None:
    jsonl_path, npz_path = part_paths(parts_dir, output.stats.index)
    # The npz first, the JSONL last: the JSONL's presence marks the chunk complete for a resumed run.
    atomic_write_bytes(npz_path, output.npz)
    atomic_write_text(jsonl_path, output.jsonl)


def read_part(parts_dir: Path, index: int) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, dict] | None:
    """A completed chunk's lines, signatures, digests, splits and stats; None when the chunk is not complete."""
    jsonl_path, npz_path = part_paths(parts_dir, index)
    if not jsonl_path.is_file() or not npz_path.is_file():
        return None
    try:
        with np.load(npz_path) as data:
            signatures, digests, splits = data["signatures"], data["digests"], data["splits"]
            meta = json.loads(str(data["meta"]))
    except (OSError, ValueError, KeyError):
        return None
    lines = jsonl_path.read_text(encoding="utf-8").splitlines()
    if len(lines) != len(signatures) or len(lines) != len(splits):
        return None
    return lines, signatures, digests, splits, meta
