"""PubMed and arXiv into the index through the shared HTTP stack (network replaced by httpx.MockTransport)."""

import httpx
import pytest

from server.cli import main
from server.settings import Settings
from server.wiring import build_runtime, make_http_client
from tests.conftest import DATA

SOURCES = DATA / "sources"


def _eutils(request: httpx.Request) -> httpx.Response:
    name = "esearch_pubmed.json" if "esearch" in request.url.path else "efetch_pubmed.xml"
    return httpx.Response(200, content=(SOURCES / name).read_bytes())


@pytest.fixture
def fresh_runtime(tmp_path, embedder):
    rt = build_runtime(Settings(data_dir=tmp_path / "data", data={"mode": "replay"}))
    rt.__dict__["embedder"] = embedder
    yield rt
    rt.close()


def test_pubmed_abstracts_become_cited_evidence(fresh_runtime):
    calls = []

    def handler(request):
        calls.append(request.url.path)
        return _eutils(request)

    with make_http_client(fresh_runtime.settings, transport=httpx.MockTransport(handler)) as http:
        result = fresh_runtime.fetch_documents("pubmed", "metformin", 3, http)
    assert [d.doc_id for d in result.documents] == ["31000001", "31000002"]
    assert [f.doc_id for f in result.failures] == ["31000003"]  # asked for, not returned: reported, not lost
    report = fresh_runtime.add_documents(result.documents)
    assert report.embedded == report.chunks > 0

    hits = fresh_runtime.retriever.search(
        "metformin pharmacokinetics in elderly patients", filters={"source": ["pubmed"]}
    )
    assert hits.passages and hits.passages[0].year and hits.passages[0].journal

    answer = fresh_runtime.research.ask("What is known about the pharmacokinetics of metformin in the elderly?")
    documents = [c for c in answer["citations"] if c["kind"] == "document"]
    assert documents and all(c["id"].startswith("pubmed:") for c in documents)
    assert "PMID 3100000" in answer["report_markdown"]

    # The same search again in offline mode is answered from the HTTP cache, without the network.
    offline = fresh_runtime.settings.model_copy(
        update={"data": fresh_runtime.settings.data.model_copy(update={"mode": "offline"})}
    )
    with make_http_client(offline, transport=httpx.MockTransport(lambda r: pytest.fail("network used"))) as http:
        again = fresh_runtime.fetch_documents("pubmed", "metformin", 3, http)
    assert [d.doc_id for d in again.documents] == ["31000001", "31000002"] and len(calls) == 2


def test_offline_cache_miss_is_a_one_line_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ECH0_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ECH0_DATA__MODE", "offline")
    assert main(["index", "add", "pubmed", "metformin", "--max", "5"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "replay or live" in err and "Traceback" not in err
    assert main(["index", "add", "crossref", "metformin"]) == 1
    assert "unknown literature source 'crossref'" in capsys.readouterr().err


def test_add_file_with_a_field_mapping(tmp_path, monkeypatch, capsys, embedder):
    monkeypatch.setenv("ECH0_DATA_DIR", str(tmp_path))
    path = tmp_path / "export.jsonl"
    path.write_text(
        '{"pmid": "1", "title": "Aspirin and colorectal cancer", "abstract": "Aspirin lowers adenoma risk. '
        'The effect needs years of use.", "year": 2016}\n'
    )
    argv = [
        "index",
        "add-file",
        str(path),
        "--source",
        "pubmed",
        "--id-field",
        "pmid",
        "--year-field",
        "year",
        "--json",
    ]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert '"fetched": 1' in out and '"embedded": 1' in out
