"""Secrets never reach a log line: API keys in query strings (`?api_key=…`, `?token=…`) and ECH0 keys anywhere
in a message are replaced before any handler formats the record — uvicorn's access log included."""

from __future__ import annotations

import logging
import re

_SECRET_PARAM = re.compile(r"([?&](?:api[_-]?key|key|token|access[_-]?token|password|secret)=)[^&\s\"']*", re.I)
_ECH0_KEY = re.compile(r"\bech0_[A-Za-z0-9_\-]{6,}")
LOGGERS = ("uvicorn.access", "uvicorn.error", "uvicorn", "ech0.api", "fastapi")


def redact(text: str) -> str:
    return _ECH0_KEY.sub("ech0_[redacted]", _SECRET_PARAM.sub(r"\1[redacted]", text))


class RedactSecrets(logging.Filter):
    """Rewrites a record's message and string arguments (uvicorn passes the request path as an argument)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()}
        return True


def install() -> None:
    """Add the filter to the server's loggers, once per process (each uvicorn worker builds its own app)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
