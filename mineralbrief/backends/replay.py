"""The Batch API's side of a dialogue (``OpenAICompatBackend.replay``): a transport that answers
from the answers a batch already returned, and keeps the next request unsent.

Split from openai_compat.py, which runs the dialogue through instructor; this module imports
neither openai nor instructor.
"""

from __future__ import annotations

import json
import logging
from collections import deque
from collections.abc import Sequence
from typing import Any

import httpx2 as httpx

# -- the Batch API's side of a dialogue ---------------------------------------------------------
# The Batch API answers the same requests later, from a file. Rather than rebuild instructor's
# requests (tools, tool_choice, re-ask messages) by hand, a dialogue runs through instructor as
# online, over a transport that answers from the answers already received: the request after
# the last one is the next line of a batch (or, online, is sent on). So the bodies are the
# online path's, and the answers are validated, grounded and re-asked by the online code.
_UNSENT = "mineralbrief: request kept for the Batch API, not sent"


class Unsent(Exception):
    def __init__(self, body: dict[str, Any]) -> None:
        super().__init__(_UNSENT)
        self.body = body


class Replay(httpx.BaseTransport):
    """Answers from answers already received, in order; keeps (or, with ``inner``, sends) the next request."""

    def __init__(self, answers: Sequence[dict[str, Any]], inner: httpx.BaseTransport | None) -> None:
        self._answers = deque(answers)
        self._inner = inner
        self.unsent: dict[str, Any] | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self._answers:
            return httpx.Response(200, json=self._answers.popleft())
        if self._inner is not None:
            return self._inner.handle_request(request)
        self.unsent = json.loads(request.content)
        return httpx.Response(499, json={"error": {"message": _UNSENT}})

    def close(self) -> None:  # the inner transport is the backend's, shared: not closed here
        return None


class _QuietUnsent(logging.Filter):
    """A request kept for the Batch API is no failed call: not logged as one."""

    def filter(self, record: logging.LogRecord) -> bool:
        return _UNSENT not in record.getMessage()


QUIET = _QuietUnsent()
