"""Secrets never reach a log line: API keys, bearer tokens and URL credentials are redacted.

A server that echoes the key in an error body, a key pasted into a base URL, a debug log of a
request: every log record that passes through the loggers mineralbrief and its HTTP stack use
(and the root logger's handlers) is scrubbed of the keys the backends were given and of
anything shaped like a key.
"""

from __future__ import annotations

import logging
import re
import threading

_SHAPES = re.compile(
    r"(?:sk-[A-Za-z0-9_\-*.]{8,}"            # OpenAI-style keys
    r"|Bearer\s+[^\s\"',;]+"                 # an Authorization header's value
    r"|(?<=://)[^/\s:@]+:[^/\s@]+(?=@))",     # user:password@ in a URL
    re.I)
_LOGGERS = ("mineralbrief", "openai", "instructor", "httpx", "httpx2", "httpcore", "httpcore2")
_known: set[str] = set()
_lock = threading.Lock()


def redact(text: str, secrets: set[str] | frozenset[str] = frozenset()) -> str:
    """``text`` with the given secrets, and anything shaped like a key, replaced by ``***``."""
    for secret in sorted(secrets | _known, key=len, reverse=True):
        if secret:
            text = text.replace(secret, "***")
    return _SHAPES.sub("***", text)


class RedactingFilter(logging.Filter):
    """Rewrites a record's message with its secrets redacted (the record is formatted once,
    here, so a key passed as an argument is caught too)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record whose arguments do not format: leave it to logging
            return True
        clean = redact(message)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


_FILTER = RedactingFilter()


def protect_logs(*secrets: str) -> None:
    """Remember ``secrets`` and put the redacting filter on every logger of mineralbrief's
    stack that exists now, and on the root logger's handlers (where the CLI's output goes)."""
    with _lock:
        _known.update(s for s in secrets if s)
        names = [n for n in list(logging.root.manager.loggerDict) if n.split(".")[0] in _LOGGERS]
        for logger in [logging.getLogger(n) for n in {*names, *_LOGGERS}]:
            if _FILTER not in logger.filters:
                logger.addFilter(_FILTER)
        for handler in logging.root.handlers:
            if _FILTER not in handler.filters:
                handler.addFilter(_FILTER)
