from knowledge.chunking import chunk_document, split_sentences
from knowledge.corpus import Document


def test_split_sentences_handles_glued_and_spaced_boundaries():
    text = "Alpha rose by 3.5 fold.Beta fell (n = 7).To assess it, e.g. Gamma was used. Delta ended! Final one"
    spans = split_sentences(text)
    sentences = [text[s:e] for s, e in spans]
    assert sentences == [
        "Alpha rose by 3.5 fold.",
        "Beta fell (n = 7).",
        "To assess it, e.g. Gamma was used.",
        "Delta ended!",
        "Final one",
    ]


def test_chunks_keep_offsets_and_respect_size():
    sentences = [f"Sentence number {i} says something about metformin." for i in range(30)]
    doc = Document(source="t", doc_id="1", title="A title", text=" ".join(sentences))
    chunks = chunk_document(doc, max_chars=200)
    assert len(chunks) > 1
    for chunk in chunks:
        assert doc.text[chunk.start : chunk.end] == chunk.text
        assert len(chunk.text) <= 200
        for s, e in chunk.sentences:
            assert doc.text[s:e] in sentences
        assert chunk.embedding_text().startswith("A title\n")
    covered = [doc.text[s:e] for c in chunks for s, e in c.sentences]
    assert covered == sentences


def test_chunk_hash_is_deterministic_and_content_sensitive():
    doc = Document(source="t", doc_id="1", title="T", text="One sentence here. Another one there.")
    again = chunk_document(doc)
    assert [c.content_hash for c in chunk_document(doc)] == [c.content_hash for c in again]
    changed = doc.model_copy(update={"text": "One sentence here. Another one changed."})
    assert chunk_document(changed)[0].content_hash != again[0].content_hash
    assert again[0].key == "t:1#0"


def test_empty_abstract_gives_a_title_chunk():
    chunks = chunk_document(Document(source="t", doc_id="2", title="Only a title", text=""))
    assert len(chunks) == 1 and chunks[0].embedding_text() == "Only a title\n"
