"""The tenacity policy for transport errors, with a total deadline per call.

This is the outer of two separate retry layers (DESIGN rule 11): it retries the *HTTP call*
on 429 (honouring Retry-After), 408, 409, 5xx, timeouts and dropped connections, with
exponential backoff, jitter and a cap. Validation failures are instructor's re-asks, a
different layer with its own limit: a transport error is never shown to the model, and a bad
answer is never retried here. The openai client's own retries are off, so the layers never
multiply.

This module knows no HTTP library: ``backends/transport.py`` runs the policy under the openai
client, and says which errors are transient.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from tenacity import RetryCallState

from .config import Settings

RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
RETRY_AFTER_CAP = 120.0


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` (or ``retry-after-ms`` given as ``"<n>ms"``) value."""
    if not value:
        return None
    value = value.strip()
    try:
        if value.endswith("ms"):
            return max(0.0, float(value[:-2]) / 1000.0)
        return max(0.0, float(value))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def transport_policy(settings: Settings, deadline: float, is_transient: Callable[[BaseException], bool]) -> dict:
    """Keyword arguments for a ``tenacity.Retrying`` (or ``AsyncRetrying``) of one call.

    Args:
        settings: ``max_attempts``, ``backoff_initial``, ``backoff_max``.
        deadline: ``time.monotonic()`` past which no attempt starts and no wait is begun.
        is_transient: which errors are worth another attempt; an error may carry the
            server's ``retry_after`` (seconds).

    A ``Retry-After`` longer than ``RETRY_AFTER_CAP`` or than the time left stops at once: a
    server that says "come back in an hour" fails the call now instead of after the cap.
    """
    def backoff(state: RetryCallState) -> float:
        """Exponential from ``backoff_initial``, full jitter on top, capped at ``backoff_max``."""
        base = settings.backoff_initial * (2 ** (state.attempt_number - 1))
        return min(settings.backoff_max, base + random.uniform(0, settings.backoff_initial))

    def asked(state: RetryCallState) -> float | None:
        exc = state.outcome.exception() if state.outcome else None
        return getattr(exc, "retry_after", None)

    def should_retry(state: RetryCallState) -> bool:
        exc = state.outcome.exception() if state.outcome else None
        return exc is not None and is_transient(exc)

    def wait(state: RetryCallState) -> float:
        server = asked(state)
        planned = server if server is not None else backoff(state)
        return max(0.0, min(planned, deadline - time.monotonic()))

    def stop(state: RetryCallState) -> bool:
        if state.attempt_number >= settings.max_attempts:
            return True
        left = deadline - time.monotonic()
        server = asked(state)
        return left <= 0 or (server is not None and server > min(left, RETRY_AFTER_CAP))

    return {"retry": should_retry, "wait": wait, "stop": stop, "reraise": True}
