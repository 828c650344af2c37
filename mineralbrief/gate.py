"""The batch's gate on LLM calls: at most ``limit`` in flight, none started once it is closed.

A batch bounds what it asks of the endpoint, not how many articles it is working on: a slot is
held for each HTTP exchange only. The domain scan and request building of the next articles, and
the parsing, grounding and caching of the last ones, happen outside it, so a slot freed by an
answer is taken at once by a request that is ready, instead of waiting for CPU work. When the
token budget is reached the gate closes: an article that has not made its call yet is skipped
(``BudgetExhaustedError``), one whose call is under way finishes.

The gate travels in a context variable that ``asummarize_many`` sets in each article's task;
an LLM backend that declares ``uses_call_gate = True`` wraps each HTTP attempt in
``async with gate.slot():`` (all on one event loop: the slots are an ``asyncio.Semaphore``).
Outside a batch there is no gate. With ``workers=N`` each worker holds a share of the limit
(``workers.py``) and closing the batch's gate closes theirs.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar

from .errors import BudgetExhaustedError

_ids = itertools.count(1)


class CallGate:
    """At most ``limit`` LLM calls in flight; ``close()`` refuses every call not yet started.

    Args:
        limit: calls in flight at once (>= 1).
        reason: the message of the ``BudgetExhaustedError`` a refused call raises.
    """

    def __init__(self, limit: int, reason: str = "the batch's token budget was reached") -> None:
        if limit < 1:
            raise ValueError("a gate needs a limit of at least 1")
        self.id = next(_ids)
        self.limit = limit
        self.reason = reason
        self.closed = False
        self.on_close: list[Callable[[], None]] = []  # e.g. a worker pool passing the news on
        self._slots = asyncio.Semaphore(limit)

    def close(self) -> None:
        """Refuse every call not yet started, here and wherever ``on_close`` reaches."""
        if not self.closed:
            self.closed = True
            for notify in self.on_close:
                notify()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        async with self._slots:
            if self.closed:
                raise BudgetExhaustedError(self.reason)
            yield


current_gate: ContextVar[CallGate | None] = ContextVar("mineralbrief_call_gate", default=None)
