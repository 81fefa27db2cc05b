"""Misspelt request words put right before cue words and questions read them: "molecualr wieght" → "molecular
weight", "lipinksi" → "lipinski", "rotable" → "rotatable" (pure, over a vocabulary).

The vocabulary is the domain's own words: every word of the intent exemplar bank plus the property names. A
word is corrected only when it is not already a word of the vocabulary or of common English and biomedical
text, is not a compound name, has five letters or more, and has one clear closest vocabulary word.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein, Indel

MIN_SIMILARITY = 0.84
LONG_WORD_SIMILARITY = 0.8
# Words the property and cue vocabulary needs beyond the exemplars'.
DOMAIN_WORDS = (
    "molecular weight mass rotatable bonds accessibility synthetic lipinski compliant compliance violations formula "
    "aromatic rings heavy atoms nitrogen oxygen carbon sulfur chlorine fluorine bromine solubility lipophilicity "
    "toxicity toxicophores alerts similar similarity analogues predict prediction literature acceptors donors "
    "hydrogen natural products classification pathway superclass structure reaction product coupling"
)
_WORD = re.compile(r"(?<![\w=/\\#@()\[\]*+])[A-Za-z][a-z]{4,}(?![\w=/\\#@()\[\]*+])")


def _similarity(a: str, b: str, **_: object) -> float:
    """The better of two edit measures: a swap ("wieght") is one Damerau edit, a dropped syllable ("rotable")
    costs Indel less."""
    return max(DamerauLevenshtein.normalized_similarity(a, b), Indel.normalized_similarity(a, b))


@lru_cache(maxsize=4)
def _vocabulary(words: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(words))


def vocabulary_of(texts: Iterable[str]) -> frozenset[str]:
    """Lower-case words of five letters or more in `texts`."""
    return frozenset(w.lower() for text in texts for w in re.findall(r"[A-Za-z]{5,}", text))


def correct_words(
    text: str, vocabulary: frozenset[str], known: Callable[[str], bool]
) -> tuple[str, list[tuple[str, str]]]:
    """`text` with misspelt vocabulary words corrected, and the (word, correction) pairs made.

    `known(word)` says a word stands as written (common words, compound names)."""
    targets = _vocabulary(vocabulary)
    fixes: list[tuple[str, str]] = []

    def fix(match: re.Match) -> str:
        word = match.group(0)
        lower = word.lower()
        if lower in vocabulary or known(lower) or lower.rstrip("s") in vocabulary or lower[:-2] in vocabulary:
            return word  # (plurals of vocabulary words stand too)
        # one edit in a five-letter word is 0.8, a swap in a longer one ("wieght") 0.83 and up
        cutoff = MIN_SIMILARITY if len(lower) <= 5 else LONG_WORD_SIMILARITY
        best = process.extract(lower, targets, scorer=_similarity, limit=2, score_cutoff=cutoff)
        if not best or (len(best) > 1 and best[1][1] >= best[0][1]):
            return word  # nothing close, or two equally close words: leave it
        fixes.append((word, best[0][0]))
        return best[0][0]

    return _WORD.sub(fix, text), fixes
