"""Reaction product prediction from RDKit reaction templates kept as data (data/reaction_templates.yaml).

Every template (or only those a named reaction picks) is run on every ordering of the reactants; products are
sanitized, deduplicated by canonical SMILES and ranked: templates that use all given reactants first, then the
more specific template (fewer distinct products), then the file's order. Nothing here guesses: when no template
applies the caller gets an Ech0Error, never a reactant handed back as a "product".
"""

from __future__ import annotations

import re
from functools import cache
from itertools import permutations
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field
from rapidfuzz import fuzz, process
from rdkit import Chem
from rdkit.Chem import rdChemReactions

from knowledge.common.errors import Ech0Error
from knowledge.common.mol import InvalidSmilesError

TEMPLATES_PATH = Path(__file__).parent / "data" / "reaction_templates.yaml"
MAX_REACTANTS = 6  # orderings grow factorially; six covers any one-pot medicinal-chemistry step
_FUZZY_MIN = 85  # rapidfuzz score (0–100) for a reaction name that is not written exactly as a known one


class ReactionExample(BaseModel):
    reactants: list[str] = Field(min_length=1)
    product: str


class ReactionTemplate(BaseModel):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    reaction_class: str
    aliases: list[str] = Field(default_factory=list)
    smarts: str
    reagents: str
    example: ReactionExample
    source: str
    notes: str = ""


class ProductCandidate(BaseModel):
    smiles: str
    template: str
    name: str
    reaction_class: str
    reactants_used: list[str]  # the reactants in the template's order
    coproducts: list[str] = Field(default_factory=list)  # e.g. the alcohol of an ester hydrolysis
    uses_all_reactants: bool
    also_from: list[str] = Field(default_factory=list)  # other templates that give the same product


class Prediction(BaseModel):
    products: list[ProductCandidate]
    fired: list[str]
    ambiguous: bool
    message: str


@cache
def load_templates(path: Path = TEMPLATES_PATH) -> tuple[ReactionTemplate, ...]:
    """The templates of a YAML file, checked: unique ids, SMARTS that RDKit reads, one product template each."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, list):
        raise Ech0Error(f"{path} must hold a list of reaction templates")
    templates = tuple(ReactionTemplate.model_validate(entry) for entry in raw)
    seen: set[str] = set()
    for tpl in templates:
        if tpl.id in seen:
            raise Ech0Error(f"{path}: reaction template id {tpl.id!r} appears twice")
        seen.add(tpl.id)
        compile_template(tpl.smarts)
    return templates


@cache
def compile_template(smarts: str) -> rdChemReactions.ChemicalReaction:
    """The RDKit reaction for a template's SMARTS; raises Ech0Error when it does not parse or is malformed."""
    try:
        rxn = rdChemReactions.ReactionFromSmarts(smarts)
    except ValueError as exc:
        raise Ech0Error(f"reaction SMARTS {smarts!r} does not parse: {exc}") from None
    if rxn.GetNumProductTemplates() != 1:
        raise Ech0Error(f"reaction SMARTS {smarts!r} must have one product template (group co-products in '()')")
    if rxn.GetProductTemplate(0).GetAtomWithIdx(0).GetAtomMapNum() == 0:
        raise Ech0Error(f"reaction SMARTS {smarts!r}: the product's first atom must be mapped (it marks the product)")
    _, errors = rxn.Validate()
    if errors:
        raise Ech0Error(f"reaction SMARTS {smarts!r} is not a valid reaction ({errors} errors from RDKit)")
    rxn.Initialize()
    return rxn


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-–—,]+", " ", text.lower()).strip()


def _keys(tpl: ReactionTemplate) -> list[str]:
    return [_norm(k) for k in (tpl.id, tpl.name, tpl.reaction_class, *tpl.aliases)]


def select_templates(reaction: str | None, templates: tuple[ReactionTemplate, ...]) -> list[ReactionTemplate]:
    """All templates, or those a reaction name picks by id, name, class or alias (exactly, else fuzzily)."""
    if reaction is None or not reaction.strip():
        return list(templates)
    query = _norm(reaction)
    exact = [t for t in templates if query in _keys(t)]
    if exact:
        return exact

    def score(key: str) -> float:
        subset = fuzz.token_set_ratio(query, key) if len(query) >= 4 else 0.0
        return max(fuzz.ratio(query, key), subset)

    scored = [(max(score(k) for k in _keys(t)), t) for t in templates]
    best = max(s for s, _ in scored)
    if best >= _FUZZY_MIN:
        return [t for s, t in scored if s >= best - 3]
    names = sorted({k for t in templates for k in (t.id, t.reaction_class, *t.aliases)})
    close = [m for m, _, _ in process.extract(reaction, names, scorer=fuzz.WRatio, limit=5)]
    classes = ", ".join(sorted({t.reaction_class for t in templates}))
    raise Ech0Error(
        f"unknown reaction {reaction!r}: closest known names are {', '.join(close)} (reaction classes: {classes})"
    )


def _rdkit_reason(text: str) -> str:
    """Why RDKit rejects a SMILES: a syntax error, or the first chemistry problem sanitization finds."""
    raw = Chem.MolFromSmiles(text, sanitize=False)
    if raw is None:
        return "SMILES syntax error (check brackets, ring-closure digits and atom symbols)"
    problems = Chem.DetectChemistryProblems(raw)
    return problems[0].Message() if problems else "RDKit cannot sanitize it"


def parse_reactants(reactants: list[str]) -> list[tuple[str, Chem.Mol]]:
    """(canonical SMILES, molecule) per reactant; a dotted SMILES is split into its components."""
    if not reactants:
        raise Ech0Error("no reactants: give one or more reactant SMILES, e.g. ['CC(=O)O', 'NCc1ccccc1']")
    parsed: list[tuple[str, Chem.Mol]] = []
    for i, text in enumerate(reactants, 1):
        text = (text or "").strip()
        mol = Chem.MolFromSmiles(text) if text else None
        if mol is None or mol.GetNumAtoms() == 0:
            reason = _rdkit_reason(text) if text else "it is empty"
            raise InvalidSmilesError(f"reactant {i} {text!r} is not a valid SMILES: {reason}")
        for frag in Chem.GetMolFrags(mol, asMols=True):
            parsed.append((Chem.MolToSmiles(frag), frag))
    if len(parsed) > MAX_REACTANTS:
        raise Ech0Error(f"{len(parsed)} reactant molecules given: give at most {MAX_REACTANTS} (omit solvents)")
    return parsed


def _mapno(atom: Chem.Atom) -> int:
    """The template map number RDKit stamps on a product atom (0 for atoms carried over untouched)."""
    return atom.GetIntProp("old_mapno") if atom.HasProp("old_mapno") else 0


def _clean(product: Chem.Mol, main_mapno: int) -> tuple[str, list[str]] | None:
    """(main product, co-products) as canonical SMILES, or None when the product is not a sane molecule.

    The main product is the fragment holding the product template's first mapped atom (the acid of a hydrolysis).
    """
    try:
        Chem.SanitizeMol(product)
    except (ValueError, RuntimeError):  # RDKit's sanitization exceptions derive from these
        return None
    main, others = None, []
    for atoms in Chem.GetMolFrags(product, sanitizeFrags=False):
        frag = Chem.MolFromSmiles(Chem.MolFragmentToSmiles(product, atoms))
        if frag is None:
            return None
        holds_main = any(_mapno(product.GetAtomWithIdx(a)) == main_mapno for a in atoms)
        if holds_main and main is None:
            main = Chem.MolToSmiles(frag)
        else:
            others.append(Chem.MolToSmiles(frag))
    return (main, sorted(others)) if main is not None else None


def _apply(tpl: ReactionTemplate, parsed: list[tuple[str, Chem.Mol]]) -> dict[str, ProductCandidate]:
    """Distinct products of one template over every ordering of the reactants, by canonical SMILES."""
    rxn = compile_template(tpl.smarts)
    inputs = {s for s, _ in parsed}
    n = rxn.GetNumReactantTemplates()
    main_mapno = rxn.GetProductTemplate(0).GetAtomWithIdx(0).GetAtomMapNum()
    found: dict[str, ProductCandidate] = {}
    for order in permutations(range(len(parsed)), n):
        for outcome in rxn.RunReactants(tuple(parsed[i][1] for i in order)):
            cleaned = _clean(outcome[0], main_mapno)
            if cleaned is None or cleaned[0] in inputs:  # an unchanged reactant is never a product
                continue
            found.setdefault(
                cleaned[0],
                ProductCandidate(
                    smiles=cleaned[0],
                    template=tpl.id,
                    name=tpl.name,
                    reaction_class=tpl.reaction_class,
                    reactants_used=[parsed[i][0] for i in order],
                    coproducts=cleaned[1],
                    uses_all_reactants=n == len(parsed),
                ),
            )
    return found


def _message(ranked: list[ProductCandidate], per_template: dict[str, int], ambiguous: bool) -> str:
    top = ranked[0]
    parts = [f"{top.name} ({top.template}) gives {top.smiles}"]
    if top.also_from:
        parts.append(f"the same product also comes from {', '.join(top.also_from)}")
    multi = [f"{tid} matches {k} sites" for tid, k in per_template.items() if k > 1]
    if multi:
        parts.append("multi-site: " + "; ".join(multi) + ", each distinct product is listed")
    if ambiguous:
        n_top = sum(len(p.reactants_used) == len(top.reactants_used) for p in ranked)
        parts.append(
            f"ambiguous: {n_top} distinct products fit these reactants; they are ranked by template specificity, "
            "not by a selectivity model, so check which the conditions favour"
        )
    partial = [p for p in ranked if len(p.reactants_used) < len(top.reactants_used)]
    if partial:
        parts.append(f"{len(partial)} more product(s) use fewer of the reactants")
    return "; ".join(parts) + "."


def predict_products(reactants: list[str], reaction: str | None = None) -> dict[str, Any]:
    """Products of `reactants` (SMILES) under every applicable template, or those `reaction` names.

    Returns {"products": [...], "fired": [template ids], "ambiguous": bool, "message": str}; raises Ech0Error
    for an invalid SMILES, an unknown reaction name, or reactants that no template applies to.
    """
    templates = load_templates()
    chosen = select_templates(reaction, templates)
    parsed = parse_reactants(reactants)
    order = {t.id: i for i, t in enumerate(templates)}
    candidates: list[ProductCandidate] = []
    per_template: dict[str, int] = {}
    for tpl in chosen:
        found = _apply(tpl, parsed)
        if found:
            per_template[tpl.id] = len(found)
            candidates.extend(found.values())
    if not candidates:
        given = ", ".join(s for s, _ in parsed)
        if reaction and reaction.strip():
            needs = "; ".join(f"{t.id} needs e.g. {' + '.join(t.example.reactants)}" for t in chosen)
            raise Ech0Error(f"no {reaction!r} template applies to {given}: {needs}")
        classes = ", ".join(sorted({t.reaction_class for t in chosen}))
        raise Ech0Error(
            f"no reaction template applies to {given}: tried {len(chosen)} templates ({classes}); "
            "check the reactants carry the reacting groups, or name the reaction"
        )
    candidates.sort(key=lambda p: (-len(p.reactants_used), per_template[p.template], order[p.template], p.smiles))
    ranked: list[ProductCandidate] = []
    by_smiles: dict[str, ProductCandidate] = {}
    for cand in candidates:
        if cand.smiles in by_smiles:
            first = by_smiles[cand.smiles]
            if cand.template != first.template and cand.template not in first.also_from:
                first.also_from.append(cand.template)
            continue
        by_smiles[cand.smiles] = cand
        ranked.append(cand)
    fired = list(dict.fromkeys(p.template for p in candidates))
    top_tier = [p for p in ranked if len(p.reactants_used) == len(ranked[0].reactants_used)]
    ambiguous = len(top_tier) > 1
    return Prediction(
        products=ranked, fired=fired, ambiguous=ambiguous, message=_message(ranked, per_template, ambiguous)
    ).model_dump()
