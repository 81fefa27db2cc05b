"""Dashboard sign-in: an API key from the login form kept in an HttpOnly, SameSite=Strict cookie (or sent as
`Authorization: Bearer KEY`), never in a URL. Forms and scripts that change something also send a CSRF token
derived from the key, so another site can neither read nor forge a signed-in request.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from urllib.parse import quote

from fastapi import Request
from starlette.exceptions import HTTPException

from server.api.errors import ApiError
from server.keys import ApiKey

COOKIE = "ech0_key"
COOKIE_PATH = "/dashboard"
MAX_AGE_S = 8 * 3600
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"


def token_of(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.cookies.get(COOKIE) or None


def csrf_token(token: str) -> str:
    return hmac.new(token.encode(), b"ech0-dashboard-csrf", hashlib.sha256).hexdigest()[:32]


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a dashboard path only (never another site)."""
    if target and target.startswith(COOKIE_PATH) and not target.startswith("//") and "\\" not in target:
        return target
    return f"{COOKIE_PATH}/runs"


def _verify(request: Request, needed: str) -> ApiKey | None:
    token = token_of(request)
    key = request.app.state.keys.verify(token) if token else None
    if key is None:
        return None
    wait = request.app.state.limiter.take(key.id)
    if wait > 0:
        raise ApiError(429, f"rate limit reached: retry in {math.ceil(wait)} s", "rate_limit_exceeded",
                       headers={"Retry-After": str(math.ceil(wait))})  # fmt: skip
    if not key.allows(needed):
        raise ApiError(403, f"this key has scope {key.scope!r}; this needs {needed!r}", "insufficient_scope")
    request.state.api_key = key
    request.state.csrf = csrf_token(token)
    return key


def page_reader(request: Request) -> ApiKey:
    """A page: signed in with at least a read key, else to the login form (and back here afterwards)."""
    key = _verify(request, "read")
    if key is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise HTTPException(303, "sign in first", headers={"Location": f"{COOKIE_PATH}/login?next={quote(target)}"})
    return key


def data_reader(request: Request) -> ApiKey:
    """A data endpoint the pages' script calls: 401 rather than a redirect."""
    key = _verify(request, "read")
    if key is None:
        raise ApiError(401, "sign in to the dashboard first", "missing_api_key")
    return key


def check_csrf(request: Request, submitted: str | None) -> None:
    expected = getattr(request.state, "csrf", None)
    given = submitted or request.headers.get(CSRF_HEADER)
    if expected is None or not given or not hmac.compare_digest(expected, given):
        raise ApiError(403, "missing or wrong CSRF token: reload the page and try again", "csrf_failed")


def require_scope(request: Request, needed: str) -> None:
    key: ApiKey | None = getattr(request.state, "api_key", None)
    if key is None or not key.allows(needed):
        scope = key.scope if key else "none"
        raise ApiError(403, f"this key has scope {scope!r}; this action needs {needed!r}", "insufficient_scope")
