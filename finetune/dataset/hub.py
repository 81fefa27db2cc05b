"""Publish a finished data set folder as a Hugging Face Hub dataset repo: create the repo (dataset type), then upload
the folder in one commit. The token and endpoint come from the caller; nothing here reads the environment.

The Hub checks the card's YAML header as part of the upload (`/api/validate-yaml`); its refusal, an HTTP error or
an unreachable Hub becomes one Ech0Error line naming the repo.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, Field

from finetune.dataset.factory import INFO_FILE
from finetune.dataset.schema import SPLITS
from knowledge.common.errors import Ech0Error

# Hidden entries are work in progress (.parts/, atomic-write temporaries), never part of a published data set.
IGNORED = [".*", "*/.*"]


class PushResult(BaseModel):
    """What `push_dataset` published; `ech0 data push --json` prints this object."""

    repo_id: str
    url: str = Field(description="the dataset's page on the Hub")
    commit_url: str
    private: bool = Field(description="as asked for: a repo that already existed keeps its visibility")
    files: list[str] = Field(description="paths uploaded, relative to the folder")


def _published_files(directory: Path) -> list[str]:
    info = directory / INFO_FILE
    if not directory.is_dir():
        raise Ech0Error(f"no data set directory at {directory}: give a folder made by `ech0 data generate`")
    if not info.is_file():  # the factory writes it last: without it the folder is incomplete
        raise Ech0Error(f"{directory} is not a complete data set (no {INFO_FILE}): run `ech0 data generate` to the end")
    missing = [n for n in ("README.md", *(f"{s}.parquet" for s in SPLITS)) if not (directory / n).is_file()]
    if missing:
        raise Ech0Error(f"{directory} lacks {', '.join(missing)}: regenerate it with `ech0 data generate`")
    return sorted(
        p.relative_to(directory).as_posix()
        for p in directory.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(directory).parts)
    )


def _commit_message(directory: Path) -> str:
    try:
        report = json.loads((directory / INFO_FILE).read_text(encoding="utf-8"))["report"]
        return f"ech0 data generate: {report['examples']:,} examples, seed {report['seed']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "ech0 data generate"


def _one_line(exc: BaseException) -> str:
    lines = [line.strip(" -").rstrip(".") for line in str(exc).splitlines() if line.strip(" -")]
    # huggingface_hub appends a request id and a help link on later lines; the first ones say what went wrong.
    return "; ".join(line for line in lines if not line.startswith(("Request ID", "For more information")))


def push_dataset(
    directory: Path, repo_id: str, *, token: str | None, private: bool = False, endpoint: str | None = None
) -> PushResult:
    """Create the dataset repo `repo_id` (kept if it exists) and upload `directory` to it in one commit.

    `token` is a Hub write token; `endpoint` a Hub URL other than huggingface.co. Raises Ech0Error for a missing
    token, an incomplete folder, a malformed repo id, and any refusal or HTTP failure of the Hub.
    """
    from httpx2 import TransportError
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError, HFValidationError, OfflineModeIsEnabled
    from huggingface_hub.utils import validate_repo_id

    directory = Path(directory)
    if not token:
        raise Ech0Error(
            "pushing to the Hub needs a token: set HF_TOKEN to a Hugging Face token with write access "
            "(https://huggingface.co/settings/tokens)"
        )
    try:
        validate_repo_id(repo_id)
    except HFValidationError:
        raise Ech0Error(f"{repo_id!r} is not a Hub repo id: expected NAME or OWNER/NAME") from None
    files = _published_files(directory)
    api = HfApi(endpoint=endpoint, token=token)
    where = f"pushing {directory} to the Hub dataset {repo_id}"
    try:
        # Without --private the Hub's default visibility applies (an organisation may make new repos private).
        repo = api.create_repo(repo_id, repo_type="dataset", private=True if private else None, exist_ok=True)
        commit = api.upload_folder(
            repo_id=repo.repo_id,
            repo_type="dataset",
            folder_path=directory,
            ignore_patterns=IGNORED,
            commit_message=_commit_message(directory),
        )
    except HfHubHTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "?"
        raise Ech0Error(f"{where} failed (HTTP {status}): {_one_line(exc)}") from None
    except ValueError as exc:  # the Hub refused the card's YAML header
        raise Ech0Error(f"{where} failed: {_one_line(exc)}") from None
    except OfflineModeIsEnabled:
        raise Ech0Error(f"{where} failed: HF_HUB_OFFLINE is set, which blocks every Hub request; unset it") from None
    except TransportError as exc:
        raise Ech0Error(f"{where} failed: the Hub at {api.endpoint} is unreachable ({_one_line(exc)})") from None
    return PushResult(
        repo_id=repo.repo_id, url=str(repo), commit_url=str(commit.commit_url), private=private, files=files
    )
