"""Data sets shipped with ECH0 (see SOURCES.md for origin and licence)."""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent

SCIFACT_CORPUS = DATA_DIR / "scifact_corpus.jsonl"
DRUGCENTRAL_APPROVED = DATA_DIR / "drugcentral_approved.csv"
NPCLASSIFIER_5K = DATA_DIR / "npclassifier_5k.csv"
