"""Vector indexes behind one protocol: embedded qdrant-edge (default) and a Qdrant server via qdrant-client."""

from knowledge.index.base import Hit, IndexPoint, VectorIndex, point_id

__all__ = ["Hit", "IndexPoint", "VectorIndex", "point_id"]
