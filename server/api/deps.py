"""Request dependencies: the runtime and stores the app holds, and API-key authentication with a rate limit.

Tests override any of these with `app.dependency_overrides[...]`.
"""

from __future__ import annotations

import math

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from server.api.errors import ApiError
from server.api.profiles import Profiles
from server.feedback_store import FeedbackStore
from server.jobs import JobManager
from server.keys import ApiKey, KeyStore
from server.wiring import Runtime

bearer = HTTPBearer(auto_error=False, description="an ECH0 API key: `ech0 keys create NAME --scope read|run|admin`")


def get_profiles(request: Request) -> Profiles:
    return request.app.state.profiles


def get_runtime(request: Request) -> Runtime:
    return request.app.state.profiles.base


def get_jobs(request: Request) -> JobManager:
    return request.app.state.jobs


def get_keys(request: Request) -> KeyStore:
    return request.app.state.keys


def get_feedback(request: Request) -> FeedbackStore:
    return request.app.state.feedback


def _authenticate(request: Request, credentials: HTTPAuthorizationCredentials | None, needed: str) -> ApiKey:
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None:
        raise ApiError(
            401,
            "missing API key: send the header 'Authorization: Bearer KEY' "
            "(create a key with `ech0 keys create NAME --scope read|run|admin`)",
            "missing_api_key",
            headers=challenge,
        )
    key = request.app.state.keys.verify(credentials.credentials)
    if key is None:
        raise ApiError(401, "invalid or revoked API key", "invalid_api_key", headers=challenge)
    wait = request.app.state.limiter.take(key.id)
    if wait > 0:
        limit = request.app.state.settings.server.rate_limit_per_minute
        raise ApiError(
            429,
            f"rate limit of {limit} requests a minute reached for key {key.prefix}…: retry in {math.ceil(wait)} s",
            "rate_limit_exceeded",
            headers={"Retry-After": str(math.ceil(wait))},
        )
    if not key.allows(needed):
        raise ApiError(403, f"this key has scope {key.scope!r}; this endpoint needs {needed!r}", "insufficient_scope")
    request.state.api_key = key
    return key


def require_read(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> ApiKey:
    return _authenticate(request, credentials, "read")


def require_run(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> ApiKey:
    return _authenticate(request, credentials, "run")


def require_admin(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> ApiKey:
    return _authenticate(request, credentials, "admin")
