"""Offline name-to-structure for the names medicinal chemists write for reagents and building blocks.

Rule-based over `knowledge.naming_data` (RDKit only): substituted parents with locants, multipliers and o-/m-/p-
("2,4-dichloropyrimidine"), suffixes ("pyridine-3-carboxylic acid"), functional-class names ("benzyl bromide",
"ethyl 4-hydroxybenzoate", "4-methoxyphenylboronic acid pinacol ester"), protecting groups ("Boc-piperazine",
"Boc-Gly-OMe") and the 20 amino acids (L unless D- is given). It never guesses: an unknown token, a missing
position, a valence error or a name that reads more than one way ("bromopyridine") gives None from
`name_to_smiles` and a `NameParseError` saying why from `parse_name_strict`.
"""

from __future__ import annotations

import itertools
import re
import threading
from functools import lru_cache

from rdkit import Chem
from rdkit.Chem import AllChem

import knowledge.common.mol  # noqa: F401  (silences RDKit's log: failed readings are expected here)
from knowledge import naming_data as nd
from knowledge.common.errors import Ech0Error


class NameParseError(Ech0Error, ValueError):
    """A chemical name the parser cannot turn into exactly one structure; the message says which part and why."""


class _Fail(Exception):
    """One reading of a name that does not build (other readings may)."""


_MAX_PLACEMENTS = 3000  # readings tried for substituents written without locants
_CW, _CCW = Chem.ChiralType.CHI_TETRAHEDRAL_CW, Chem.ChiralType.CHI_TETRAHEDRAL_CCW
_FLIP = {_CW: _CCW, _CCW: _CW, Chem.ChiralType.CHI_UNSPECIFIED: Chem.ChiralType.CHI_UNSPECIFIED}
_LOCAL = threading.local()  # per thread: why readings of the name being parsed failed, for the strict message


def _normalize(name: str) -> str:
    text = name.strip().translate(str.maketrans({"–": "-", "‐": "-", "′": "'", "[": "(", "]": ")", "{": "(", "}": ")"}))
    text = re.sub(r"(?<![A-Za-z])n-(?=(?:prop|but|pent|hex)yl)", "", text)  # n-butyl is butyl; N-butyl a locant
    text = " ".join(text.lower().split()).replace("alpha", "α").replace("beta", "β")
    text = re.sub(r"(^|[-( ])1h-", r"\1", text)  # 1H-indole: the indicated hydrogen the templates already carry
    return re.sub(r"(?<![a-z])(ortho|meta|para)-", lambda m: m.group(1)[0] + "-", text)


def looks_systematic(name: str) -> bool:
    """True when `name` is written only in the parser's vocabulary (locants, prefixes, parents, suffixes) and names
    a parent or functional class: a cheap test, before any parsing, that rejects ordinary words."""
    if not name or len(name) > 150:
        return False
    text = _normalize(name)
    return bool(nd.TOKENS.fullmatch(text)) and nd.CORE.search(text) is not None


@lru_cache(maxsize=512)
def _template(smiles: str, locs: str) -> Chem.Mol:
    mol = Chem.MolFromSmiles(smiles)
    labels = locs.split() if locs else ["-"] * mol.GetNumAtoms()
    if mol is None or len(labels) != mol.GetNumAtoms():
        raise Ech0Error(f"naming table: {smiles!r} needs one locant per atom, got {locs!r}")
    for atom, label in zip(mol.GetAtoms(), labels, strict=True):
        if label == "!":
            atom.SetBoolProp("acid", True)
        elif label != "-":
            atom.SetProp("loc", label)
    return mol


def _bare(mol: Chem.Mol) -> Chem.Mol:
    """A substituent's copy without locants or acid marks, so they keep naming the parent's atoms only."""
    mol = Chem.Mol(mol)
    for atom, prop in itertools.product(mol.GetAtoms(), ("loc", "acid")):
        atom.ClearProp(prop)
    return mol


def _dummies(mol: Chem.Mol) -> list[int]:
    return [a.GetIdx() for a in mol.GetAtoms() if a.GetAtomicNum() == 0]


def _graft(mol: Chem.Mol, idx: int, sub: Chem.Mol) -> Chem.RWMol:
    """Bond atom `idx` of `mol` to the atom `sub`'s first '*' marks, replacing that many hydrogens of `idx`."""
    out = Chem.RWMol(mol)
    out.UpdatePropertyCache(strict=False)
    atom = out.GetAtomWithIdx(idx)
    star = sub.GetAtomWithIdx(_dummies(sub)[0])
    nbr = star.GetNeighbors()[0].GetIdx()
    bond = sub.GetBondBetweenAtoms(star.GetIdx(), nbr).GetBondType()
    order = 2 if bond == Chem.BondType.DOUBLE else 1
    where = atom.GetProp("loc").split("|")[0] if atom.HasProp("loc") else atom.GetSymbol()
    if atom.GetAtomicNum() == 0 or atom.GetTotalNumHs() < order:
        raise _Fail(f"position {where} has no hydrogen left to replace")
    if atom.GetChiralTag() != Chem.ChiralType.CHI_UNSPECIFIED:
        raise _Fail(f"position {where} is a stereocentre: substituting it would change its configuration")
    atom.SetNumExplicitHs(max(0, atom.GetNumExplicitHs() - order))
    offset = out.GetNumAtoms()
    out.InsertMol(sub)
    out.AddBond(idx, offset + nbr, bond)
    out.RemoveAtom(offset + star.GetIdx())
    return out


def _join(group: Chem.Mol, frag: Chem.Mol) -> Chem.RWMol:
    """Bond a group's open valence ('*') to a fragment's ('*'): "benzyl" + "bromide"."""
    out = Chem.RWMol(group)
    (star,) = _dummies(out)
    nbr = out.GetAtomWithIdx(star).GetNeighbors()[0]
    nbr.SetNumExplicitHs(nbr.GetNumExplicitHs() + 1)  # the hydrogen the fragment then replaces
    idx = nbr.GetIdx()
    out.RemoveAtom(star)
    return _graft(out, idx - (idx > star), frag)


def _atoms(mol: Chem.Mol, loc: str, name: str) -> int:
    """The atom a locant names ('n' and "n'" fall back to the parent's first and second numbered nitrogen)."""
    hits = [a.GetIdx() for a in mol.GetAtoms() if a.HasProp("loc") and loc in a.GetProp("loc").split("|")]
    if not hits and loc.startswith("n"):
        nitrogens = [a.GetIdx() for a in mol.GetAtoms() if a.HasProp("loc") and a.GetAtomicNum() == 7]
        hits = nitrogens[len(loc) - 1 : len(loc)]
    if not hits:
        raise _Fail(f"{name} has no position {loc.upper() if loc.startswith('n') else loc}")
    if len(hits) > 1:
        raise _Fail(f"position {loc} of {name} is ambiguous (write it primed or use another name)")
    return hits[0]


def _is_n(atom: Chem.Atom) -> bool:
    return atom.HasProp("loc") and "n" in atom.GetProp("loc").split("|")


def _sanitized(mol: Chem.Mol) -> Chem.Mol:
    out = Chem.Mol(mol)
    try:
        Chem.SanitizeMol(out)
    except Exception as exc:  # RDKit raises several types for valence and aromaticity errors
        raise _Fail(f"the structure is not valid ({exc})") from exc
    return out


def _place(mol: Chem.Mol, items: list[tuple[Chem.Mol, int, bool]]) -> Chem.Mol:
    """Put substituents written without locants where they fit; more than one distinct result is ambiguous."""
    if not items:
        return mol
    mol = Chem.RWMol(mol)
    mol.UpdatePropertyCache(strict=False)
    slots = []
    explicit_n = [a.GetIdx() for a in mol.GetAtoms() if _is_n(a)]
    for sub, count, on_nitrogen in items:
        if on_nitrogen:
            cands = explicit_n or [a.GetIdx() for a in mol.GetAtoms() if a.GetAtomicNum() == 7 and a.GetTotalNumHs()]
        else:  # an N-substituent is always written with its N locant
            cands = [a.GetIdx() for a in mol.GetAtoms() if a.HasProp("loc") and a.GetTotalNumHs() and not _is_n(a)]
        slots.append([(sub, combo) for combo in itertools.combinations_with_replacement(cands, count)])
    results: dict[str, Chem.Mol] = {}
    for n, choice in enumerate(itertools.product(*slots)):
        if n > _MAX_PLACEMENTS:
            raise _Fail("too many ways to place the substituents without locants: give locants")
        try:
            out = mol
            for sub, combo in choice:
                for idx in combo:
                    out = _graft(out, idx, sub)
            results.setdefault(Chem.MolToSmiles(_sanitized(out)), out)
        except _Fail:
            continue
    if not results:
        raise _Fail("a substituent without a locant fits nowhere")
    if len(results) > 1:
        raise _Fail("substituents without locants could go on different positions: give locants")
    return next(iter(results.values()))


def _items(text: str, pos: int = 0):
    """Every reading of a prefix string as (locants, count, substituent mols, protecting group) items."""
    if pos == len(text):
        yield []
        return
    locs = None
    if m := re.compile(rf"({nd.LOCS})-").match(text, pos):
        locs, pos = m.group(1).split(","), m.end()
    for mult, count in [(k, v) for k, v in nd.MULTIPLIERS.items() if text.startswith(k, pos)] + [("", 1)]:
        start = pos + len(mult) + (text.startswith("-", pos + len(mult)) and bool(mult))
        for subs, end, pg in _prefix_at(text, start):
            if locs is not None and len(locs) != count:
                continue
            nxt = end + 1 if text.startswith("-", end) else end
            for rest in _items(text, nxt):
                yield [(locs, count, subs, pg), *rest]


def _prefix_at(text: str, pos: int):
    if text.startswith("(", pos):
        depth, end = 0, pos
        for end in range(pos, len(text)):
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            if depth == 0:
                break
        if depth == 0 and (groups := _groups(text[pos + 1 : end])):
            yield [_bare(g) for g in groups], end + 1, False
        return
    for key in nd.PREFIX_NAMES:
        if text.startswith(key, pos):
            end = pos + len(key)
            if key in nd.PROTECTING_GROUPS:
                if key in nd.SHORT_GROUPS and end < len(text) and not text.startswith("-", end):
                    continue
                yield [_bare(_template(nd.PROTECTING_GROUPS[key], ""))], end, True
            else:
                yield [_bare(_template(*nd.SUBSTITUENTS[key]))], end, False


def _groups(text: str) -> list[Chem.Mol]:
    """The readings of `text` as a group with one open valence ("4-methoxyphenyl", "(pyridin-3-yl)")."""
    text = text.strip()
    if text.startswith("(") and text.endswith(")") and text.count("(") == 1:
        text = text[1:-1]
    return [g for g in _frames(text) if len(_dummies(g)) == 1]


def _frames(text: str) -> list[Chem.Mol]:
    """Every structure `text` reads as: prefixes + stem (+ suffix); groups keep their '*'."""
    found = []
    for i, ch in enumerate(text):
        for stem in nd.STEMS_BY_CHAR.get(ch, ()):
            if not text.startswith(stem, i):
                continue
            rest = text[i + len(stem) :]
            suffix = nd.SUFFIX_RE.fullmatch(rest) if rest else None
            if rest and suffix is None:
                continue
            try:
                found.extend(_build(text[:i], stem, suffix))
            except _Fail as exc:
                _errors().append(str(exc))
    return found


def _errors() -> list[str]:
    if not hasattr(_LOCAL, "errors"):
        _LOCAL.errors = []
    return _LOCAL.errors


def _build(head: str, stem: str, suffix) -> list[Chem.Mol]:
    kind, key = nd.STEMS[stem]
    implied_at = stereo = extra = None
    if kind == "implied" and (m := re.search(rf"(?:^|-)({nd.LOC})-$", head)):
        implied_at, head = m.group(1), head[: m.start(1)]
    if key in nd.AMINO_ACIDS and (m := re.search(r"(?:^|-)(l|d|dl)-$", head)):
        stereo, head = m.group(1), head[: m.start(1)]
    if kind == "implied":
        key, extra = nd.IMPLIED.get(key, (key, "yl"))
        kind = "group" if key in nd.SUBSTITUENTS else "parent"
    mol = _template(*(nd.SUBSTITUENTS[key] if kind == "group" else nd.ALL_PARENTS[key]))
    if stereo in ("d", "dl"):
        if not any(a.GetChiralTag() != Chem.ChiralType.CHI_UNSPECIFIED for a in mol.GetAtoms()):
            raise _Fail(f"{key} has no stereocentre for {stereo.upper()}-")
        mol = Chem.Mol(mol)
        for atom in mol.GetAtoms():  # D is the mirror image of the L template; DL leaves the centres unspecified
            atom.SetChiralTag(_FLIP[atom.GetChiralTag()] if stereo == "d" else Chem.ChiralType.CHI_UNSPECIFIED)
    unplaced: list[tuple[Chem.Mol, int, bool]] = []
    if extra is not None:
        sub = _bare(_template("**", "") if extra == "yl" else _template(*nd.SUBSTITUENTS[extra]))
        if implied_at is None:
            unplaced.append((sub, 1, False))
        else:
            mol = _graft(mol, _atoms(mol, implied_at, key), sub)
    if suffix is not None:
        if kind != "parent":
            raise _Fail(f"{key!r} is a substituent and takes no suffix")
        locs, mult, name = suffix.groups()
        count = nd.MULTIPLIERS[mult] if mult else 1
        sub = _template(*nd.SUFFIXES[name])
        if locs is None and (m := re.search(rf"(?:^|-)({nd.LOCS})-$", head)):  # "5-bromo-2-pyridinamine"
            locs, head = m.group(1), head[: m.start(1)]
        if locs is None and count == 1 and _symmetric_carbocycle(Chem.MolToSmiles(mol)):
            locs = "1"
        if locs is None:
            unplaced.append((sub, count, False))
        else:
            if len(locs.split(",")) != count:
                raise _Fail(f"the suffix -{locs}-{mult or ''}{name} has {len(locs.split(','))} locants for {count}")
            for loc in locs.split(","):
                mol = _graft(mol, _atoms(mol, loc, key), sub)
    out = []
    readings = list(itertools.islice(_items(head.rstrip("-")), 50)) if head else [[]]
    if not readings:
        raise _Fail(f"cannot read the prefixes {head!r}")
    for items in readings:
        try:
            built = mol
            pending = list(unplaced)
            for locs, count, subs, pg in items:
                if len(subs) != 1:
                    raise _Fail("a nested group reads more than one way")
                if locs is None:
                    pending.append((subs[0], count, pg))
                    continue
                for loc in locs:
                    built = _graft(built, _atoms(built, loc, key), subs[0])
            out.append(_place(built, pending))
        except _Fail as exc:
            _errors().append(str(exc))
    return out


@lru_cache(maxsize=256)
def _symmetric_carbocycle(smiles: str) -> bool:
    """True for benzene, cyclohexane, methane…: a suffix without a locant goes on position 1."""
    mol = Chem.MolFromSmiles(smiles)
    ranks = Chem.CanonicalRankAtoms(mol, breakTies=False)
    return all(a.GetAtomicNum() == 6 for a in mol.GetAtoms()) and len(set(ranks)) == 1


def _ester(acids: list[Chem.Mol], groups: list[Chem.Mol]) -> list[Chem.Mol]:
    out = []
    for acid, group in itertools.product(acids, groups):
        sites = [a.GetIdx() for a in acid.GetAtoms() if a.HasProp("acid")]
        if len(sites) == 1 and not _dummies(acid):
            out.append(_graft(acid, sites[0], group))
    return out


_PINACOL = AllChem.ReactionFromSmarts("[B:1]([OX2H1:2])[OX2H1:3]>>[B:1]1[O:2]C(C)(C)C(C)(C)[O:3]1")


def _readings(text: str) -> list[Chem.Mol]:
    """Every structure the normalized name reads as, over all the name forms."""
    out = [m for m in _frames(text) if not _dummies(m)]
    words = text.split(" ")
    if m := nd.SHORTHAND.fullmatch(text):
        pg, stereo, code, cterm = m.groups()
        if "-" in text:
            base = f"{pg + '-' if pg and pg != 'h' else ''}{stereo + '-' if stereo else ''}{nd.AA_CODES[code]}"
            acids = _readings(base)
            for acid in (Chem.RWMol(a) for a in acids if cterm == "nh2"):  # the C-terminal amide: OH becomes NH2
                acid.GetAtomWithIdx(next(a.GetIdx() for a in acid.GetAtoms() if a.HasProp("acid"))).SetAtomicNum(7)
                out.append(acid)
            if cterm != "nh2":
                out += _ester(acids, _groups(nd.C_TERMINI[cterm])) if cterm and nd.C_TERMINI[cterm] else acids
    if text.endswith(" pinacol ester"):
        for acid in _readings(text.removesuffix(" pinacol ester")):
            out += [p[0] for p in _PINACOL.RunReactants((_sanitized(acid),))]
    if len(words) >= 3 and words[-1] == "ester":
        out += _ester(_readings(" ".join(words[:-2])), _groups(words[-2]))
    if len(words) >= 2:
        group, rest = words[0], " ".join(words[1:])
        if rest in nd.CLASS_WORDS:
            out += [_join(g, _template(*nd.CLASS_WORDS[rest])) for g in _groups(group)]
        elif rest.endswith("ate"):
            out += _ester(_readings(rest.removesuffix("ate") + "ic acid"), _groups(group))
    for cls, frag in nd.GROUP_CLASSES.items():
        if text.endswith(cls) and len(text) > len(cls):
            out += [_join(g, _template(*frag)) for g in _groups(text.removesuffix(cls).rstrip(" -"))]
    return out


def parse_name_strict(name: str) -> str:
    """The canonical SMILES of a reagent or building-block name; raises NameParseError naming the part it cannot
    read, the position that does not exist or has no hydrogen, or that the name reads more than one way."""
    text = _normalize(name or "")
    if not text:
        raise NameParseError("empty chemical name")
    tokens = nd.TOKENS.match(text)
    if tokens is None or tokens.end() < len(text):
        at = tokens.end() if tokens else 0
        raise NameParseError(f"cannot read {text[at:]!r} in the name {name!r}: not a known prefix, parent or suffix")
    variants = [text]
    if re.search(r"(?<![a-z0-9'])[omp]-", text):  # o/m/p: 2/3/4 on a retained parent, 1,2/1,3/1,4 for a pair
        spots = {"o": ("2", "1,2"), "m": ("3", "1,3"), "p": ("4", "1,4")}
        variants = [re.sub(r"(?<![a-z0-9'])([omp])-", lambda m, k=k: spots[m.group(1)][k] + "-", text) for k in (0, 1)]
    _errors().clear()
    smiles = set()
    for variant in variants:
        for mol in _readings(variant):
            try:
                smiles.add(Chem.MolToSmiles(_sanitized(mol)))
            except _Fail as exc:
                _errors().append(str(exc))
    if len(smiles) == 1:
        return smiles.pop()
    if smiles:
        raise NameParseError(f"{name!r} reads as more than one structure ({', '.join(sorted(smiles))}): give locants")
    reasons = [e for e in _errors() if not e.startswith("cannot read")] or _errors()  # a reading that got furthest
    reason = reasons[0] if reasons else "no parent, group or functional class in it is recognised"
    raise NameParseError(f"cannot build {name!r}: {reason}")


@lru_cache(maxsize=4096)
def name_to_smiles(name: str) -> str | None:
    """The canonical SMILES for a systematic or semi-systematic reagent name, or None when it is not one the parser
    reads unambiguously. Ordinary words are rejected by `looks_systematic` before any parsing."""
    if not looks_systematic(name):
        return None
    try:
        return parse_name_strict(name)
    except (NameParseError, _Fail):
        return None
