"""The one place that turns settings into concrete backends: the ECH0 runtime."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from agents.backends import Backend, RulesBackend
from agents.store import RunStore
from knowledge.common.errors import Ech0Error
from knowledge.compounds import CompoundStore
from knowledge.embeddings import SentenceTransformerEmbedder
from knowledge.index.base import VectorIndex
from knowledge.naming import looks_systematic, name_to_smiles
from knowledge.retrieve import Retriever
from knowledge.sparse import Bm25Encoder
from labs.runner import LabRunner
from labs.store import ExperimentStore
from server.settings import Settings, current_settings

if TYPE_CHECKING:
    from agents.research import Research
    from knowledge.corpus import Document
    from knowledge.indexing import IndexRecipe
    from knowledge.ingest import IngestReport
    from knowledge.sources import FetchResult


def make_embedder(settings: Settings) -> SentenceTransformerEmbedder:
    k = settings.knowledge
    return SentenceTransformerEmbedder(
        k.embedding_model, batch_size=k.embedding_batch_size, quantize=k.embedding_quantize
    )


def make_index(
    settings: Settings, embedder: SentenceTransformerEmbedder, create: bool = False, path: Path | None = None
) -> VectorIndex:
    """The configured index for `embedder`'s vectors; `path` overrides the embedded index's directory."""
    k = settings.knowledge
    dim, model = embedder.dim, embedder.model_id
    fusion = {"rrf_k": k.rrf_k, "rrf_weights": (k.rrf_dense_weight, k.rrf_sparse_weight)}
    if k.index_backend == "edge":
        from knowledge.index.edge import EdgeIndex

        return EdgeIndex(path or settings.index_path, dim=dim, model=model, create=create, **fusion)
    if not k.qdrant_url:
        raise Ech0Error("index_backend is 'qdrant' but no server is set: set ECH0_KNOWLEDGE__QDRANT_URL")
    from qdrant_client import QdrantClient

    from knowledge.index.remote import QdrantServerIndex

    api_key = k.qdrant_api_key.get_secret_value() if k.qdrant_api_key else None
    client = QdrantClient(url=k.qdrant_url, api_key=api_key)
    collection = f"{k.collection}-{path.name}" if path else k.collection
    return QdrantServerIndex(client, collection, dim=dim, model=model, create=create, **fusion)


def pubmed_config(settings: Settings):
    from knowledge.sources.pubmed import PubMedConfig

    return PubMedConfig(email=settings.data.ncbi_email, api_key=settings.data.ncbi_api_key)


def make_http_client(settings: Settings, transport=None, **options):
    """The shared HTTP stack for the live sources, with the NCBI, arXiv, PubChem and ChEMBL rate limits; `options`
    go to HttpClient (a test's retry policy and clock)."""
    from knowledge.http import HttpClient
    from knowledge.sources.arxiv import arxiv_source_policy
    from knowledge.sources.chembl import chembl_source_policy
    from knowledge.sources.pubchem import pubchem_source_policy
    from knowledge.sources.pubmed import pubmed_source_policy

    return HttpClient(
        settings.http_cache_dir,
        mode=settings.data.mode,
        sources=[
            pubmed_source_policy(pubmed_config(settings)),
            arxiv_source_policy(),
            pubchem_source_policy(),
            chembl_source_policy(),
        ],
        transport=transport,
        **options,
    )


def make_compound_db(settings: Settings):
    """The normalized compound DB in the results database, computing properties with the chemistry lab's set."""
    from knowledge.compound_db import CompoundDB
    from labs.chemistry.properties import compute_properties

    return CompoundDB(settings.db_url, properties=compute_properties)


class _StoreNames:
    """Adapts the compound store to the planner's name matcher (names of three letters or more), plus the
    names and synonyms of compounds stored in the compound DB (e.g. "aspirin" once looked up in PubChem)."""

    def __init__(self, store: CompoundStore, extra: list[str] | None = None) -> None:
        self._names = {n for n in store.names() if len(n) >= 3}
        # synonyms from PubChem include codes and numbers: only word-like names of four letters or more
        self._names |= {n for n in extra or [] if len(n) >= 4 and n[0].isalpha() and not any(c.isdigit() for c in n)}

    def is_name(self, phrase: str) -> bool:
        # a systematic name the offline parser reads ("4-bromoanisole", "Boc-piperazine") names a compound too
        return phrase in self._names or (looks_systematic(phrase) and name_to_smiles(phrase) is not None)

    def all_names(self) -> list[str]:
        """Every name, for matching misspelt mentions."""
        return sorted(self._names)


def make_chat_model(settings: Settings, http_client=None):
    """The OpenAI-compatible chat model of the settings (vLLM, the teacher, any hosted API)."""
    from langchain_openai import ChatOpenAI

    llm = settings.llm
    return ChatOpenAI(
        model=llm.model,
        base_url=llm.base_url,
        api_key=llm.api_key.get_secret_value() if llm.api_key else "not-needed",
        temperature=llm.temperature,
        timeout=llm.timeout_s,
        max_retries=1,
        http_client=http_client,
    )


def make_intent_classifier(settings: Settings, embedder: SentenceTransformerEmbedder):
    """The planner's intent recognition by meaning, on the retrieval embedder (None when configured off)."""
    if settings.llm.understanding == "off":
        return None
    from agents.understanding.bank import shipped_bank
    from agents.understanding.classifier import IntentClassifier

    return IntentClassifier(
        shipped_bank(),
        embedder.embed_documents,
        model_id=embedder.model_id,
        cache_dir=settings.data_dir / "cache",
        method=settings.llm.understanding,
    )


def make_backend(
    settings: Settings,
    compounds: CompoundStore,
    tools=None,
    http_client=None,
    extra_names: list[str] | None = None,
    classifier=None,
) -> Backend:
    """The configured planner/writer. `tools` (the allowlist) is what an LLM planner may call."""
    rules = RulesBackend(_StoreNames(compounds, extra_names), classifier)
    llm = settings.llm
    if llm.backend == "rules":
        return rules
    if llm.backend == "openai":
        from agents.llm_backend import ChatModelBackend

        model = make_chat_model(settings, http_client)
        return ChatModelBackend("openai", model, tools or {}, rules, llm.base_url, fallback=llm.fallback_to_rules)
    if llm.backend == "local":
        from agents.local_backend import LocalBackend

        return LocalBackend(rules, model_path=llm.local_model)
    raise Ech0Error(f"unknown LLM backend {llm.backend!r}: use 'rules', 'openai' or 'local'")


@dataclass
class Runtime:
    """Everything a request needs, built once per process; heavy parts load on first use."""

    settings: Settings
    _closers: list = field(default_factory=list)
    _named_backends: dict[str, Backend] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)

    @cached_property
    def embedder(self) -> SentenceTransformerEmbedder:
        return make_embedder(self.settings)

    @cached_property
    def sparse(self) -> Bm25Encoder:
        return Bm25Encoder()

    def retriever_for(self, path: Path | None = None) -> Retriever:
        """A retriever over the configured index, or over the embedded index at `path`."""
        return Retriever(
            self.embedder,
            lambda: make_index(self.settings, self.embedder, path=path),
            min_score=self.settings.knowledge.min_relevance,
            sparse=self.sparse,
            mode=self.settings.knowledge.search_mode,
        )

    @cached_property
    def retriever(self) -> Retriever:
        return self.retriever_for()

    @cached_property
    def compounds(self) -> CompoundStore:
        """The shipped sets, falling back to the compound DB and then PubChem/ChEMBL (per data mode)."""
        from knowledge.resolve import CompoundLookup

        d = self.settings.data
        from knowledge.compounds import SHIPPED_SYNONYMS

        store = CompoundStore.from_files(d.drugcentral_path, d.npclassifier_path, synonyms=SHIPPED_SYNONYMS)
        store.fallback = CompoundLookup(store, lambda: self.compound_db, lambda: self.http)
        return store

    @cached_property
    def compound_db(self):
        return make_compound_db(self.settings)

    @cached_property
    def http(self):
        client = make_http_client(self.settings)
        self._closers.append(client.close)
        return client

    @cached_property
    def labs(self) -> LabRunner:
        from labs.base import LabContext

        return LabRunner(ExperimentStore(self.settings.db_url), LabContext(models_dir=self.settings.models_dir))

    @cached_property
    def runs(self) -> RunStore:
        return RunStore(self.settings.db_url)

    @cached_property
    def tools(self):
        from tools.registry import build_tools

        return build_tools(self.tool_context)

    @cached_property
    def tool_context(self):
        from tools.registry import ToolContext

        return ToolContext(
            retriever=self.retriever,
            compounds=self.compounds,
            labs=self.labs,
            top_k=self.settings.knowledge.top_k,
            models_dir=self.settings.models_dir,
        )

    @cached_property
    def approval_reason(self):
        from tools.registry import approval_check

        return approval_check(self.tool_context)

    @cached_property
    def backend(self) -> Backend:
        tools = self.tools if self.settings.llm.backend == "openai" else None
        return make_backend(
            self.settings, self.compounds, tools, extra_names=self.compound_db.names(), classifier=self.intents
        )

    @cached_property
    def intents(self):
        """The intent classifier the rules planner reads clauses with (shared by every backend of the runtime)."""
        return make_intent_classifier(self.settings, self.embedder)

    def backend_named(self, name: str) -> Backend:
        """The backend `name` ('rules', 'openai', 'local') on these settings, for a run whose context picks it
        over the configured one; built on first use."""
        if name not in self._named_backends:
            settings = self.settings.model_copy(update={"llm": self.settings.llm.model_copy(update={"backend": name})})
            tools = self.tools if name == "openai" else None
            self._named_backends[name] = make_backend(
                settings, self.compounds, tools, extra_names=self.compound_db.names(), classifier=self.intents
            )
        return self._named_backends[name]

    def checkpointer(self):
        """LangGraph checkpoints in the results database when it is PostgreSQL (runs resume on any host that
        shares it), else in a SQLite file next to it."""
        url = self.settings.db_url
        if url.startswith(("postgresql", "postgres://")):
            import psycopg
            from langgraph.checkpoint.postgres import PostgresSaver
            from psycopg.rows import dict_row

            dsn = url.replace("postgresql+psycopg://", "postgresql://").replace(
                "postgresql+psycopg2://", "postgresql://"
            )
            conn = psycopg.connect(dsn, autocommit=True, prepare_threshold=0, row_factory=dict_row)
            self._closers.append(conn.close)
            saver = PostgresSaver(conn)
            saver.setup()
            return saver
        from langgraph.checkpoint.sqlite import SqliteSaver

        conn = sqlite3.connect(self.settings.data_dir / "checkpoints.db", check_same_thread=False)
        self._closers.append(conn.close)
        return SqliteSaver(conn)

    @cached_property
    def graph(self):
        from agents.graph import build_graph

        return build_graph(
            self.backend,
            self.tools,
            self.runs,
            checkpointer=self.checkpointer(),
            approval_reason=self.approval_reason,
            max_replans=self.settings.llm.max_replans,
            named_backends=self.backend_named,
        )

    @cached_property
    def research(self) -> Research:
        """Research runs on this runtime's graph (asked for on each run, so that a rebuilt graph is used)."""
        from agents.research import Research

        return Research(lambda: self.graph, self.runs, self.settings.llm.max_request_chars)

    # Literature indexing (knowledge.indexing) into the configured index, or the embedded one at `index_path`.

    def index_recipe(self) -> IndexRecipe:
        from knowledge.indexing import IndexRecipe

        k = self.settings.knowledge
        return IndexRecipe(k.embedding_model, k.embedding_quantize, k.chunk_max_chars)

    def index_is_complete(
        self, index_path: Path | None = None, corpus_path: Path | None = None, source: str | None = None
    ) -> bool:
        """True when the embedded index holds the whole corpus (the configured one by default)."""
        from knowledge.indexing import index_is_complete

        k = self.settings.knowledge
        if k.index_backend != "edge":
            return False  # only the embedded index keeps a completion marker
        return index_is_complete(index_path or self.settings.index_path, corpus_path or k.corpus_path,
                                 source or k.corpus_source, self.index_recipe())  # fmt: skip

    def build_index(self, corpus_path: Path | None = None, source: str | None = None, index_path: Path | None = None,
                    limit: int | None = None, on_start=None, on_progress=None) -> IngestReport:  # fmt: skip
        """Index a corpus file (the configured one by default); see knowledge.indexing.build_index."""
        from knowledge.indexing import build_index

        k = self.settings.knowledge
        marker_dir = (index_path or self.settings.index_path) if k.index_backend == "edge" else None
        return build_index(corpus_path or k.corpus_path, source or k.corpus_source,
                           lambda: make_index(self.settings, self.embedder, create=True, path=index_path),
                           self.embedder, self.index_recipe(), sparse=self.sparse, marker_dir=marker_dir,
                           limit=limit, on_start=on_start, on_progress=on_progress)  # fmt: skip

    def add_documents(
        self, docs: list[Document], index_path: Path | None = None, on_start=None, on_progress=None
    ) -> IngestReport:
        from knowledge.indexing import add_documents

        return add_documents(docs, lambda: make_index(self.settings, self.embedder, create=True, path=index_path),
                             self.embedder, max_chars=self.settings.knowledge.chunk_max_chars, sparse=self.sparse,
                             on_start=on_start, on_progress=on_progress)  # fmt: skip

    def fetch_documents(self, source: str, query: str, max_results: int, http) -> FetchResult:
        from knowledge.indexing import fetch_documents

        return fetch_documents(source, query, max_results, http, pubmed_config(self.settings))

    def close(self) -> None:
        if "retriever" in self.__dict__:
            self.retriever.close()
        for close in self._closers:
            close()


def build_runtime(settings: Settings | None = None) -> Runtime:
    return Runtime(settings or current_settings())
