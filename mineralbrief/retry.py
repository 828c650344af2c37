"""The tenacity policy for transport errors.

This is the outer of two separate retry layers (DESIGN rule 11): it retries the *HTTP call*
on 429 (honouring Retry-After), 408, 409, 5xx, timeouts and dropped connections, with
exponential backoff, jitter and a cap. Validation failures are instructor's re-asks, a
different layer with its own limit: a transport error is never shown to the model, and a bad
answer is never retried here. The openai client's own retries are off, so the layers never
multiply.

This module does not know the openai exception types: the backend passes a classifier.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import random

from tenacity import AsyncRetrying, RetryCallState, Retrying, stop_after_attempt

from .config import Settings

RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
RETRY_AFTER_CAP = 120.0


@dataclass(frozen=True)
class Transient:
    """What the classifier says of a retryable error."""

    status: int | None
    retry_after: float | None = None


Classifier = Callable[[BaseException], "Transient | None"]


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


def _policy(settings: Settings, classify: Classifier) -> dict:
    def backoff(state: RetryCallState) -> float:
        """Exponential from ``backoff_initial``, full jitter on top, capped at ``backoff_max``."""
        base = settings.backoff_initial * (2 ** (state.attempt_number - 1))
        return min(settings.backoff_max, base + random.uniform(0, settings.backoff_initial))

    def should_retry(state: RetryCallState) -> bool:
        exc = state.outcome.exception() if state.outcome else None
        return exc is not None and classify(exc) is not None

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        info = classify(exc) if exc is not None else None
        if info is not None and info.retry_after is not None:
            return min(info.retry_after, RETRY_AFTER_CAP)
        return backoff(state)

    return {
        "retry": should_retry,
        "wait": wait,
        "stop": stop_after_attempt(settings.max_attempts),
        "reraise": True,
    }


def transport_retrying(settings: Settings, classify: Classifier) -> Retrying:
    """A ``tenacity.Retrying`` for one synchronous HTTP call."""
    return Retrying(**_policy(settings, classify))


def async_transport_retrying(settings: Settings, classify: Classifier) -> AsyncRetrying:
    """A ``tenacity.AsyncRetrying`` for one asynchronous HTTP call."""
    return AsyncRetrying(**_policy(settings, classify))
