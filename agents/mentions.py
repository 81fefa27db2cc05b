"""Finding compounds in free text: SMILES tokens and names known to the compound store (pure functions)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from knowledge.common.mol import InvalidSmilesError, looks_like_smiles, to_mol

_STRONG_MARKS = set("=#()[]@/\\")
_CUE_WORDS = {"smiles", "molecule", "structure", "compound", "smiles:", "molecule:", "structure:"}
_EDGE_PUNCT = "\"'`“”‘’,;:?!"
# Capitalised words that happen to parse as SMILES; never taken for structures without a cue word.
_ACRONYMS = {"CNS", "BBB", "NO", "CO", "SCN", "PCP", "CBC"}


def _strip_token(token: str) -> str:
    token = token.strip(_EDGE_PUNCT)
    token = token.rstrip(".")
    # A closing parenthesis glued by prose, e.g. "(SMILES CCO)", is not part of the molecule.
    while token.endswith(")") and token.count(")") > token.count("("):
        token = token[:-1]
    while token.startswith("(") and token.count("(") > token.count(")"):
        token = token[1:]
    return token


def find_smiles(text: str, loose: bool = False) -> list[str]:
    """SMILES strings in `text`, in order of appearance.

    A token counts when it is made of SMILES characters and atom symbols only, and either carries bond,
    branch or bracket marks, or has aromatic atoms and ring closures, or follows a cue word
    ("molecule", "SMILES"). Such a token that RDKit rejects raises InvalidSmilesError when it is clearly
    meant as a structure (marks or a cue word); a weak look-alike such as "CO2" or "p53" is ignored.
    `loose` also takes bare tokens such as "CCCCCC" that parse, for text already known to ask about a structure.
    """
    found: list[str] = []
    words = text.split()
    for i, raw in enumerate(words):
        token = _strip_token(raw)
        if not looks_like_smiles(token):
            continue
        cued = i > 0 and words[i - 1].lower().strip("(") in _CUE_WORDS
        strong = cued or any(c in _STRONG_MARKS for c in token)
        ring_closure = any(token.count(d) >= 2 for d in set(token) if d.isdigit())  # "C1CCCCC1"
        weak = (any(c.islower() for c in token) and any(c.isdigit() for c in token)) or ring_closure
        bare = loose and token not in _ACRONYMS and ("C" in token or "c" in token)
        if not (strong or weak or bare):
            continue  # all-capital words like CNS or BBB are acronyms unless a cue word says otherwise
        try:
            to_mol(token)
        except InvalidSmilesError:
            if strong:
                raise
            continue
        found.append(token)
    return found


def find_names(text: str, is_name: Callable[[str], bool], max_words: int = 5) -> list[str]:
    """Known compound names in `text` (longest match first, no overlaps), lower-cased, in order."""
    words = [w.strip(_EDGE_PUNCT + ".").lower() for w in text.split()]
    found: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(max_words, len(words) - i), 0, -1):
            phrase = " ".join(words[i : i + n])
            if phrase and is_name(phrase):
                if phrase not in found:
                    found.append(phrase)
                i += n
                break
        else:
            i += 1
    return found


def remove_terms(text: str, terms: Iterable[str]) -> str:
    for term in terms:
        text = text.replace(term, " ")
    return re.sub(r"\s+", " ", text).strip()
