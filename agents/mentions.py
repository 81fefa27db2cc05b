"""Finding compounds in free text: SMILES tokens, identifiers (InChI, InChIKey, CAS, CID, ChEMBL, DrugBank), names
known to the compound store, and misspelt names by string similarity (pure functions; the common-word list is
read once from knowledge/data/common_words.txt)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import Indel

from knowledge.common.mol import InvalidSmilesError, looks_like_smiles, to_mol, try_mol
from knowledge.data import DATA_DIR
from knowledge.standardize import is_cas

_STRONG_MARKS = set("=#()[]@/\\")
_CUE_WORDS = {"smiles", "molecule", "structure", "compound", "smiles:", "molecule:", "structure:"}
_EDGE_PUNCT = "\"'`“”‘’,;:?!"
# Capitalised words that happen to parse as SMILES; never taken for structures without a cue word.
_ACRONYMS = {"CNS", "BBB", "NO", "CO", "SCN", "PCP", "CBC"}
_CLOSERS = {"(": ")", "[": "]", "{": "}"}


def _wrapped(token: str) -> bool:
    """True when a bracket opening `token` closes at its last character: "(CCO)" yes, "(C)CC(O)" no."""
    if len(token) < 3 or token[0] not in _CLOSERS or token[-1] != _CLOSERS[token[0]]:
        return False
    opener, closer = token[0], _CLOSERS[token[0]]
    depth = 0
    for i, char in enumerate(token):
        depth += (char == opener) - (char == closer)
        if depth == 0:
            return i == len(token) - 1
    return False


def _strip_token(token: str) -> str:
    previous = None
    while token != previous:
        previous = token
        token = token.strip(_EDGE_PUNCT).rstrip(".")
        # A closing parenthesis glued by prose, e.g. "(SMILES CCO)", is not part of the molecule.
        while token.endswith(")") and token.count(")") > token.count("("):
            token = token[:-1]
        while token.startswith("(") and token.count("(") > token.count(")"):
            token = token[1:]
        # A structure written in brackets after its name, "naphthalene (c1ccc2ccccc2c1)": no SMILES starts with
        # "(", but one can be a bracket atom ("[Na+]"), which stays as written when RDKit reads it.
        if _wrapped(token) and (token[0] == "(" or try_mol(token) is None):
            token = token[1:-1]
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
        if not looks_like_smiles(token) or re.fullmatch(r"[A-Z]{2,5}\+?/[-−]", token):
            continue  # "BBB+/-": a class label, not a structure
        cued = i > 0 and words[i - 1].lower().strip("(") in _CUE_WORDS
        marked = any(c in _STRONG_MARKS for c in token)
        strong = cued or marked
        ring_closure = any(token.count(d) >= 2 for d in set(token) if d.isdigit())  # "C1CCCCC1"
        weak = (any(c.islower() for c in token) and any(c.isdigit() for c in token)) or ring_closure
        bare = loose and token not in _ACRONYMS and ("C" in token or "c" in token)
        if not (strong or weak or bare):
            continue  # all-capital words like CNS or BBB are acronyms unless a cue word says otherwise
        try:
            to_mol(token)
        except InvalidSmilesError:
            # a cue word before a plain word is a table header ("SMILES  pIC50"), not a broken structure
            if marked or (cued and any(c.isdigit() for c in token) is False and len(token) > 3):
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


# --- identifiers ----------------------------------------------------------------------------------------------

_INCHI = re.compile(r"InChI=1S?/\S+")
_INCHIKEY = re.compile(r"(?<![A-Z0-9-])[A-Z]{14}-[A-Z]{10}-[A-Z](?![A-Za-z0-9-])")
_CID = re.compile(r"\b(?:PubChem\s+)?CID[:\s]\s*(\d+)\b", re.IGNORECASE)
_CHEMBL = re.compile(r"\bCHEMBL\d+\b", re.IGNORECASE)
_DRUGBANK = re.compile(r"\bDB\d{5}\b")
_CAS = re.compile(r"(?<![\d-])\d{2,7}-\d{2}-\d(?![\d-])")


def _trim_inchi(inchi: str) -> str:
    """An InChI without the prose punctuation glued to its end (an InChI may end in a balanced ')')."""
    inchi = inchi.rstrip(_EDGE_PUNCT + ".")
    while inchi.endswith(")") and inchi.count(")") > inchi.count("("):
        inchi = inchi[:-1].rstrip(_EDGE_PUNCT + ".")
    return inchi


def find_identifiers(text: str) -> list[str]:
    """Compound identifiers in `text`, in order of appearance, written as `knowledge.resolve.classify` reads them:
    InChI strings, InChIKeys, PubChem CIDs ('CID 2244'), ChEMBL ids ('CHEMBL25'), DrugBank ids ('DB00945') and
    CAS numbers whose check digit is right ('50-78-2'; a date such as 2020-10-5 fails the check)."""
    found: list[tuple[int, str]] = []
    inchi_spans = []
    for match in _INCHI.finditer(text):
        found.append((match.start(), _trim_inchi(match.group())))
        inchi_spans.append(match.span())

    def outside_inchi(match: re.Match) -> bool:
        return not any(start <= match.start() < end for start, end in inchi_spans)

    for match in filter(outside_inchi, _INCHIKEY.finditer(text)):
        found.append((match.start(), match.group()))
    for match in filter(outside_inchi, _CID.finditer(text)):
        found.append((match.start(), f"CID {match.group(1)}"))
    for match in filter(outside_inchi, _CHEMBL.finditer(text)):
        found.append((match.start(), match.group().upper()))
    for match in filter(outside_inchi, _DRUGBANK.finditer(text)):
        found.append((match.start(), match.group()))
    for match in filter(outside_inchi, _CAS.finditer(text)):
        if is_cas(match.group()):
            found.append((match.start(), match.group()))
    return list(dict.fromkeys(ident for _, ident in sorted(found)))


# --- misspelt names -------------------------------------------------------------------------------------------

FUZZY_MIN_SCORE = 0.88
_MIN_LETTERS = 5
_FUZZY_WORD = re.compile(r"^[a-z][a-z'\-]*[a-z]$")


class FuzzyMention(NamedTuple):
    mention: str  # as written in the text
    name: str  # the known name it is closest to
    score: float  # Indel similarity of the two, lower-cased (0-1)


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Words fuzzy matching never takes for a misspelt name (knowledge/data/common_words.txt; its header says
    where they come from)."""
    lines = (DATA_DIR / "common_words.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=4)
def _targets(names: tuple[str, ...]) -> tuple[str, ...]:
    # Short names ("thc", "atp") are too close to too many words to be matched approximately.
    return tuple(n for n in dict.fromkeys(names) if sum(c.isalpha() for c in n) >= _MIN_LETTERS)


def _fuzzy_phrase(words: list[str], stop: frozenset[str]) -> bool:
    """True when `words` could be a misspelt name: word-like, five letters or more, and not a common word (the
    first and last word of a phrase must not be one, so that "the metformn" is tried as "metformn" only)."""
    if not all(_FUZZY_WORD.match(w) for w in words) or words[0] in stop or words[-1] in stop or len(words[0]) < 3:
        return False
    return sum(len(w) for w in words) >= _MIN_LETTERS


def _exact_spans(words: list[str], is_name: Callable[[str], bool], max_words: int = 5) -> list[bool]:
    """Which words belong to a name `is_name` knows exactly (longest match first, as `find_names` reads them)."""
    taken = [False] * len(words)
    i = 0
    while i < len(words):
        n = next((n for n in range(min(max_words, len(words) - i), 0, -1) if is_name(" ".join(words[i : i + n]))), 1)
        if n > 1 or is_name(words[i]):
            taken[i : i + n] = [True] * n
        i += n
    return taken


def find_names_fuzzy(
    text: str,
    names: Sequence[str],
    is_name: Callable[[str], bool],
    min_score: float = FUZZY_MIN_SCORE,
    max_words: int = 3,
) -> list[FuzzyMention]:
    """Misspelt compound names in `text` ("atorvastatn" → atorvastatin), in order, longest phrase first.

    Words and phrases that `is_name` knows exactly are skipped (`find_names` reports them), as are words of
    fewer than five letters, words with digits, and common English and biomedical words (`common_words`), so
    ordinary prose yields nothing. A phrase counts when its closest name in `names` (lower-case, as
    `CompoundStore.names()` gives them) has an Indel similarity of at least `min_score`."""
    targets = _targets(tuple(names))
    stop = common_words()
    raw = text.split()
    words = [w.strip(_EDGE_PUNCT + ".()[]").lower() for w in raw]
    taken = _exact_spans(words, is_name)
    found: list[FuzzyMention] = []
    i = 0
    while i < len(words):
        for n in range(min(max_words, len(words) - i), 0, -1):
            phrase = words[i : i + n]
            if any(taken[i : i + n]) or not _fuzzy_phrase(phrase, stop):
                continue
            best = process.extractOne(
                " ".join(phrase), targets, scorer=Indel.normalized_similarity, score_cutoff=min_score
            )
            if best is not None:
                mention = " ".join(w.strip(_EDGE_PUNCT + ".()[]") for w in raw[i : i + n])
                found.append(FuzzyMention(mention, best[0], round(best[1], 3)))
                i += n
                break
        else:
            i += 1
    return found
