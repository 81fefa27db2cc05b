"""Every error leaves the API as JSON in the OpenAI shape: {"error": {"message", "type", "param", "code"}}.

User errors (Ech0Error) become 4xx (503 when the index is missing or the job queue is full); anything
unexpected becomes a 500 whose body says nothing about the internals, while the traceback goes to the log.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from knowledge.common.errors import CompoundNotFoundError, Ech0Error, IndexMissingError
from knowledge.common.mol import InvalidSmilesError
from server.jobs import JobQueueFullError, error_kind

log = logging.getLogger("ech0.api")

_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    405: "invalid_request_error",
    409: "conflict_error",
    413: "request_too_large",
    422: "invalid_request_error",
    429: "rate_limit_error",
    501: "not_implemented",
    503: "service_unavailable",
}


class ApiError(Exception):
    """An error a route or dependency raises on purpose, with its status and a message for the client."""

    def __init__(
        self,
        status: int,
        message: str,
        code: str | None = None,
        param: str | None = None,
        headers: dict[str, str] | None = None,
        type_: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.code, self.param = status, message, code, param
        self.headers = headers
        self.type = type_ or _TYPES.get(status, "api_error")


def error_body(status: int, message: str, code: str | None = None, param: str | None = None, type_=None) -> dict:
    return {
        "error": {"message": message, "type": type_ or _TYPES.get(status, "api_error"), "param": param, "code": code}
    }


def error_response(status: int, message: str, code: str | None = None, headers=None, param=None) -> JSONResponse:
    return JSONResponse(error_body(status, message, code, param), status_code=status, headers=headers)


def ech0_status(exc: Ech0Error) -> int:
    if isinstance(exc, IndexMissingError | JobQueueFullError):
        return 503
    if isinstance(exc, CompoundNotFoundError):
        return 404
    if isinstance(exc, InvalidSmilesError):
        return 422
    return 400


def ech0_error_body(exc: Ech0Error) -> dict:
    return error_body(ech0_status(exc), str(exc), error_kind(exc))


def _location(loc: tuple) -> str:
    return ".".join(str(part) for part in loc if part != "body") or "body"


async def _on_ech0(_request: Request, exc: Ech0Error) -> JSONResponse:
    status = ech0_status(exc)
    headers = {"Retry-After": "30"} if isinstance(exc, JobQueueFullError) else None
    return error_response(status, str(exc), error_kind(exc), headers)


async def _on_api(_request: Request, exc: ApiError) -> JSONResponse:
    body = error_body(exc.status, exc.message, exc.code, exc.param, exc.type)
    return JSONResponse(body, status_code=exc.status, headers=exc.headers)


async def _on_validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
    # The offending input is not echoed back: it may be large, or hold something the client should not log.
    problems = [f"{_location(e.get('loc', ()))}: {e.get('msg', 'invalid')}" for e in exc.errors()[:10]]
    first = exc.errors()[0] if exc.errors() else {}
    param = _location(first.get("loc", ())) if first else None
    return error_response(422, "invalid request: " + "; ".join(problems), "invalid_request", param=param)


async def _on_http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
    message = exc.detail if isinstance(exc.detail, str) else "request failed"
    return error_response(exc.status_code, message, None, getattr(exc, "headers", None))


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal server error: the server log has the details", "internal_error")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(Ech0Error, _on_ech0)
    app.add_exception_handler(ApiError, _on_api)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(Exception, _on_unexpected)
