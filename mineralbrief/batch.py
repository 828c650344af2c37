"""Many articles at once: bounded concurrency, one client and one cache, failures kept, budgets.

``asummarize_many`` / ``summarize_many`` take any iterable of articles (text, paths,
``Article`` objects, or ``ArticleError`` placeholders from a loader) and yield one
``BatchResult`` per article *as it completes*. They read the input lazily, keeping at most
twice ``concurrency`` articles in flight (``concurrency`` LLM calls, ``gate.py``), so a stream
of 10,000 articles never sits in memory. One article's failure never stops the others. With
``workers=N`` the articles are briefed in worker processes (``workers.py``).
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from .api import Summarizer
from .article import Article, ArticleLike, as_article
from .errors import BudgetExhaustedError, MineralBriefError
from .gate import CallGate, current_gate
from .models import Brief

Status = Literal["done", "cached", "failed", "skipped_budget"]


@dataclass
class BatchResult:
    """The outcome for one article.

    Attributes:
        index: position of the article in the input.
        source: the article's file or id.
        status: ``done``, ``cached``, ``failed`` or ``skipped_budget``.
        brief: the brief when done or cached.
        error: ``"ErrorType: message"`` when failed or skipped.
    """

    index: int
    source: str
    status: Status
    brief: Brief | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.brief is not None


def _source_of(item: Any, index: int) -> str:
    if isinstance(item, Article):
        return item.id
    if isinstance(item, MineralBriefError):
        return item.article_id or f"#{index}"
    if isinstance(item, str):
        return f"#{index}"
    return str(item)


async def asummarize_many(
    articles: Iterable[ArticleLike | MineralBriefError], *, concurrency: int = 8,
    budget_tokens: int | None = None, summarizer: Summarizer | None = None, **settings: Any,
) -> AsyncIterator[BatchResult]:
    """Brief many articles concurrently; yield each result as it completes.

    Args:
        articles: texts, paths, ``Article`` objects, or errors a loader produced (reported as
            failures, so nothing is silently dropped).
        concurrency: LLM calls in flight at once (>= 1); for the offline and local backends,
            articles in flight at once.
        budget_tokens: stop starting new LLM calls once the batch has used this many tokens;
            the articles whose call had not started are reported as ``skipped_budget``.
        summarizer: a ``Summarizer`` to share; default one built from ``**settings``
            (``model``, ``base_url``, ``api_key``, ``backend``, ``cache``, ``workers``, ...) and
            closed when the batch ends.
    """
    _check(concurrency, summarizer, settings)
    if summarizer is None:
        with Summarizer(**settings) as own:
            async for result in _run(articles, concurrency, budget_tokens, own):
                yield result
            await own.aclose()
    else:
        async for result in _run(articles, concurrency, budget_tokens, summarizer):
            yield result


async def _run(articles: Iterable[ArticleLike | MineralBriefError], concurrency: int,
               budget_tokens: int | None, s: Summarizer) -> AsyncIterator[BatchResult]:
    used = 0
    it = iter(enumerate(articles))
    pending: set[asyncio.Task[BatchResult]] = set()
    budget_note = f"token budget of {budget_tokens or 0:,} reached"
    gate = CallGate(concurrency, reason=budget_note)
    # A backend that takes the gate's slots per LLM call gets as many articles again being
    # prepared or finished, so a freed slot never waits for a domain scan. Any other backend
    # (offline, local, your own) has ``concurrency`` articles in flight, as many as calls.
    in_flight = concurrency * (2 if getattr(s.backend, "uses_call_gate", False) else 1)

    async def one(index: int, item: Any) -> BatchResult:
        current_gate.set(gate)  # this task's own context: what the backend's calls wait on
        source = _source_of(item, index)
        if isinstance(item, MineralBriefError):
            return BatchResult(index, source, "failed", error=f"{type(item).__name__}: {item}")
        try:
            brief = await s.asummarize(as_article(item))
        except BudgetExhaustedError:
            return BatchResult(index, source, "skipped_budget", error=budget_note)
        except MineralBriefError as exc:
            return BatchResult(index, source, "failed", error=f"{type(exc).__name__}: {exc}")
        except Exception as exc:  # a bug must not lose the rest of the batch
            return BatchResult(index, source, "failed", error=f"{type(exc).__name__}: {exc}")
        return BatchResult(index, source, "cached" if brief.provenance.cached else "done", brief=brief)

    def start_more() -> list[BatchResult]:
        skipped = []
        while len(pending) < in_flight:
            try:
                index, item = next(it)
            except StopIteration:
                break
            if gate.closed:
                skipped.append(BatchResult(index, _source_of(item, index), "skipped_budget", error=budget_note))
                continue
            pending.add(asyncio.ensure_future(one(index, item)))
        return skipped

    for r in start_more():
        yield r
    while pending:
        done, _ = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            pending.discard(task)
            result = task.result()
            if result.brief is not None:
                used += result.brief.usage.total_tokens
                if budget_tokens is not None and used >= budget_tokens:
                    gate.close()  # no new LLM call from here on, in this process or a worker
            yield result
        for r in start_more():
            yield r


def _check(concurrency: int, summarizer: Summarizer | None, settings: dict[str, Any]) -> None:
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    if summarizer is not None and settings:
        raise TypeError(f"settings ({', '.join(sorted(settings))}) are ignored when a summarizer is given: "
                        "pass them to Summarizer(...) instead")


def summarize_many(
    articles: Iterable[ArticleLike | MineralBriefError], *, concurrency: int = 8,
    budget_tokens: int | None = None, summarizer: Summarizer | None = None, **settings: Any,
) -> Iterator[BatchResult]:
    """``asummarize_many`` for synchronous code: an iterator of results as they complete.

    The event loop runs in a worker thread; results cross over through a small queue, so the
    caller can stop early (results not yet consumed are then discarded).
    """
    _check(concurrency, summarizer, settings)
    out: queue.Queue[Any] = queue.Queue(maxsize=max(2, concurrency * 2))
    stop = threading.Event()
    done = object()

    s = summarizer or Summarizer(**settings)

    async def pump() -> None:
        try:
            await deliver()
        finally:
            await s.aclose()  # this loop's connections, closed while it still runs
            if summarizer is None:
                s.close()  # its worker processes, if any

    async def deliver() -> None:
        async for result in asummarize_many(articles, concurrency=concurrency, budget_tokens=budget_tokens,
                                            summarizer=s):
            while not stop.is_set():
                try:
                    out.put_nowait(result)
                    break
                except queue.Full:  # a slow consumer: wait without blocking the loop's other requests
                    await asyncio.sleep(0.005)
            if stop.is_set():
                return

    def put(item: Any) -> None:
        while not stop.is_set():
            try:
                out.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def run() -> None:
        try:
            asyncio.run(pump())
        except BaseException as exc:  # surfaced to the caller below
            put(exc)
        finally:
            put(done)

    worker = threading.Thread(target=run, name="mineralbrief-batch", daemon=True)
    worker.start()
    try:
        while True:
            item = out.get()
            if item is done:
                break
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join(timeout=5)
