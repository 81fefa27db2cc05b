"""The intent exemplar bank: many phrasings per intent, kept as data with their provenance (pure + one file read)."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, ValidationError

from knowledge.common.errors import Ech0Error

BANK_PATH = Path(__file__).parent / "data" / "intent_bank.yaml"
# Intents answered as conversation, not research.
CONVERSATION = ("greeting", "capabilities", "thanks", "out_of_scope", "clarify")


class Exemplar(BaseModel):
    text: str = Field(min_length=1)
    source: str = Field(min_length=1)


class IntentSpec(BaseModel):
    description: str
    exemplars: list[Exemplar] = Field(min_length=1)


class IntentBank(BaseModel):
    version: int = 1
    placeholder: str = Field("X", description="what molecule mentions are replaced by, in exemplars and requests")
    intents: dict[str, IntentSpec]

    def pairs(self) -> list[tuple[str, str]]:
        """(intent, exemplar text) for every exemplar, in file order."""
        return [(name, e.text) for name, spec in self.intents.items() for e in spec.exemplars]

    def fingerprint(self) -> str:
        """A hash of what the classifier learns from: a changed bank invalidates cached exemplar vectors."""
        text = "\n".join(f"{intent}\t{example}" for intent, example in self.pairs())
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def load_bank(path: Path = BANK_PATH) -> IntentBank:
    if not path.is_file():
        raise Ech0Error(f"intent bank {path} does not exist")
    try:
        return IntentBank.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (yaml.YAMLError, ValidationError) as exc:
        raise Ech0Error(f"intent bank {path} is not valid: {exc}") from exc


@cache
def shipped_bank() -> IntentBank:
    return load_bank()
