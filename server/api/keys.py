"""API key management (admin scope): list, create (the key is in this one response only), revoke."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Field

from server.api.deps import get_keys, require_admin
from server.api.errors import ApiError
from server.keys import KeyStore

router = APIRouter(prefix="/v1/keys", tags=["keys"], dependencies=[Depends(require_admin)])


class KeyIn(BaseModel):
    name: str = Field(..., min_length=1, max_length=64)
    scope: Literal["read", "run", "admin"]


@router.get("", summary="Active keys: name, visible prefix, scope, creation time (never the key)")
def list_keys(store: KeyStore = Depends(get_keys)) -> list[dict]:
    return [key.public() for key in store.list()]


@router.post("", status_code=201, summary="Create a key; the response is the only time it is shown")
def create_key(body: KeyIn, store: KeyStore = Depends(get_keys)) -> dict:
    token, key = store.create(body.name, body.scope)
    return {"key": token, **key.public()}


@router.delete("/{name}", summary="Revoke every active key with this name (or this visible prefix)")
def revoke_key(name: str = Path(..., max_length=64), store: KeyStore = Depends(get_keys)) -> dict:
    revoked = store.revoke(name)
    if not revoked:
        raise ApiError(404, f"no active key named {name!r}", "key_not_found")
    return {"revoked": revoked}
