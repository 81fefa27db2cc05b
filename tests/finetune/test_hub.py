"""`ech0 data push DIR REPO`: repo creation and folder upload through the real `HfApi`, against a Hub stand-in
served over HTTP on 127.0.0.1 (tests/finetune/hub_stub.py); one-line errors for every way a push can fail."""

from __future__ import annotations

import json
import shutil
import socket

import pytest

from finetune.dataset.hub import push_dataset
from knowledge.common.errors import Ech0Error
from server.cli import main
from tests.finetune.hub_stub import StubHub

PUBLISHED = {
    "README.md",
    "dataset_info.json",
    *(f"{split}.{ext}" for split in ("train", "validation", "test") for ext in ("jsonl", "parquet")),
}


@pytest.fixture
def hub(monkeypatch):
    import huggingface_hub.constants

    # The suite runs with HF_HUB_OFFLINE=1 (tests/conftest.py); the stub is local, so this test lets requests out.
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    stub = StubHub().start()
    yield stub
    stub.stop()


@pytest.fixture
def folder(dataset, tmp_path):
    """A copy of the session data set with the leftovers of a run that must never be published."""
    source, _ = dataset
    out = shutil.copytree(source, tmp_path / "ds")
    shutil.rmtree(out / "qa", ignore_errors=True)  # other tests may have run `data check` on the shared set
    (out / ".parts").mkdir()
    (out / ".parts" / "chunk-0.npz").write_bytes(b"partial")
    (out / ".train.jsonl.x1.tmp").write_text("half a line")
    return out


def test_push_creates_the_dataset_repo_and_uploads_the_folder(hub, folder):
    result = push_dataset(folder, "chem-lab/ech0-instructions", token=hub.token, private=True, endpoint=hub.url)

    assert hub.calls()[0] == ("POST", "/api/repos/create")
    created = hub.repos["chem-lab/ech0-instructions"]["body"]
    assert created["type"] == "dataset" and created["name"] == "ech0-instructions"
    assert created["organization"] == "chem-lab" and created["visibility"] == "private"
    assert ("POST", "/api/validate-yaml") in hub.calls()  # the Hub checks the card's header before the upload
    assert hub.calls()[-1] == ("POST", "/api/datasets/chem-lab/ech0-instructions/commit/main")
    assert all(r.authorization == f"Bearer {hub.token}" for r in hub.requests)

    uploaded = hub.repos["chem-lab/ech0-instructions"]["files"]
    assert set(uploaded) == PUBLISHED == set(result.files)  # no .parts/ and no temporary files
    for name, data in uploaded.items():
        assert data == (folder / name).read_bytes(), name
    assert result.repo_id == "chem-lab/ech0-instructions" and result.private
    assert result.url == f"{hub.url}/datasets/chem-lab/ech0-instructions"
    assert "/commit/" in result.commit_url


def test_push_to_an_existing_repo_keeps_it_and_commits_again(hub, folder):
    push_dataset(folder, "chem-lab/ds", token=hub.token, endpoint=hub.url)
    assert "visibility" not in hub.repos["chem-lab/ds"]["body"]  # without --private the Hub's default applies
    (folder / "qa").mkdir()
    (folder / "qa" / "report.md").write_text("# checked\n")
    result = push_dataset(folder, "chem-lab/ds", token=hub.token, endpoint=hub.url)
    assert [c for c in hub.calls() if c[1] == "/api/repos/create"] == [("POST", "/api/repos/create")] * 2
    assert "qa/report.md" in hub.repos["chem-lab/ds"]["files"] and "qa/report.md" in result.files


def test_cli_push_reads_hf_token_and_prints_the_result(hub, folder, monkeypatch, capsys):
    monkeypatch.setenv("HF_TOKEN", hub.token)
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    assert main(["data", "push", str(folder), "chem-lab/ds", "--private", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["repo_id"] == "chem-lab/ds" and out["private"] and set(out["files"]) == PUBLISHED
    assert set(hub.repos["chem-lab/ds"]["files"]) == PUBLISHED


def _one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


def test_cli_push_without_a_token_is_one_line_and_sends_nothing(hub, folder, monkeypatch, capsys):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    assert main(["data", "push", str(folder), "chem-lab/ds"]) == 1
    assert "HF_TOKEN" in _one_error_line(capsys)
    assert hub.requests == []


def test_a_rejected_token_is_one_line_naming_the_repo(hub, folder, monkeypatch, capsys):
    monkeypatch.setenv("HF_TOKEN", "hf_wrong")
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    assert main(["data", "push", str(folder), "chem-lab/ds"]) == 1
    line = _one_error_line(capsys)
    assert "chem-lab/ds" in line and "HTTP 401" in line and "Invalid credentials" in line


def test_a_card_the_hub_refuses_is_one_line(hub, folder):
    hub.yaml_errors.append('"license" must be one of [apache-2.0, mit, …]')
    with pytest.raises(Ech0Error) as caught:
        push_dataset(folder, "chem-lab/ds", token=hub.token, endpoint=hub.url)
    message = str(caught.value)
    assert "\n" not in message and "Invalid metadata in README.md" in message and '"license"' in message
    assert not hub.repos["chem-lab/ds"]["files"]  # refused before any upload


def test_unreachable_hub_and_offline_mode_are_one_line(folder, monkeypatch):
    import huggingface_hub.constants

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    with pytest.raises(Ech0Error, match=f"the Hub at http://127.0.0.1:{port} is unreachable"):
        push_dataset(folder, "chem-lab/ds", token="hf_x", endpoint=f"http://127.0.0.1:{port}")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    with pytest.raises(Ech0Error, match="HF_HUB_OFFLINE is set"):
        push_dataset(folder, "chem-lab/ds", token="hf_x", endpoint=f"http://127.0.0.1:{port}")


def test_bad_folder_or_repo_id_is_one_line_before_any_request(hub, folder, tmp_path):
    with pytest.raises(Ech0Error, match="not a Hub repo id"):
        push_dataset(folder, "chem lab/ds!", token=hub.token, endpoint=hub.url)
    with pytest.raises(Ech0Error, match="no data set directory"):
        push_dataset(tmp_path / "missing", "chem-lab/ds", token=hub.token, endpoint=hub.url)
    (folder / "dataset_info.json").unlink()  # what an interrupted generation leaves
    with pytest.raises(Ech0Error, match="not a complete data set"):
        push_dataset(folder, "chem-lab/ds", token=hub.token, endpoint=hub.url)
    assert hub.requests == []


def test_generate_pushes_to_the_hub_behind_a_flag(hub, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    monkeypatch.delenv("HF_TOKEN", raising=False)
    argv = ["data", "generate", "--out", str(tmp_path / "ds"), "--compounds", "12", "--seed", "2", "--workers", "1",
            "--push-to-hub", "chem-lab/fresh", "--json"]  # fmt: skip
    assert main(argv) == 1 and "HF_TOKEN" in _one_error_line(capsys)
    assert not (tmp_path / "ds").exists() and hub.requests == []  # refused before any work
    monkeypatch.setenv("HF_TOKEN", hub.token)
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["examples"] > 0 and out["push"]["repo_id"] == "chem-lab/fresh"
    assert set(hub.repos["chem-lab/fresh"]["files"]) == set(out["push"]["files"]) >= {"README.md", "train.parquet"}
