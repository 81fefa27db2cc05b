"""Knowledge: acquire, store and retrieve literature (corpus loading, chunking, embeddings, indexes, hybrid
retrieval, index building) and compound records (shipped sets, the compound DB, identifier resolution)."""
