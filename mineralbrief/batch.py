"""Many articles at once: bounded concurrency, one client and one cache, failures kept, budgets.

``asummarize_many`` / ``summarize_many`` take any iterable of articles (text, paths,
``Article`` objects, or ``ArticleError`` placeholders from a loader) and yield one
``BatchResult`` per article *as it completes*. They read the input lazily, keeping at most
``concurrency`` articles in flight, so a stream of 10,000 articles never sits in memory. One
article's failure never stops the others.

With ``via="batch"`` the articles go through the provider's Batch API instead (``batchapi.py``:
half the price, answers within a day, resumable from ``state_dir``); the results then come
when the batch is done, in input order.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import queue
import threading
import time
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from . import telemetry
from .api import Summarizer
from .article import Article, ArticleLike, as_article
from .backends.base import GenerationRequest
from .cache import NullCache
from .errors import BackendError, ConfigError, MineralBriefError, UngroundedBriefError
from .models import Brief

if TYPE_CHECKING:
    from .batchapi import ReaskVia

Status = Literal["done", "cached", "failed", "skipped_budget"]
Via = Literal["online", "batch"]
Articles = Iterable[ArticleLike | MineralBriefError] | AsyncIterable[ArticleLike | MineralBriefError]


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
    articles: Articles, *, concurrency: int = 8,
    budget_tokens: int | None = None, summarizer: Summarizer | None = None, via: Via = "online",
    state_dir: str | Path | None = None, reask_via: ReaskVia = "auto",
    on_status: Callable[[str], None] | None = None, **settings: Any,
) -> AsyncGenerator[BatchResult, None]:
    """Brief many articles concurrently; yield each result as it completes.

    Args:
        articles: texts, paths, ``Article`` objects, or errors a loader produced (reported as
            failures, so nothing is silently dropped); an iterable or an async iterable of them.
        concurrency: articles in flight at once (>= 1), hence LLM calls in flight at most.
        budget_tokens: start no new article once the batch has used this many tokens (every
            attempt counts, failed ones included); the articles not started are reported as
            ``skipped_budget``. The articles already in flight finish, so a batch can go over
            by what they use.
        summarizer: a ``Summarizer`` to share; default one built from ``**settings``
            (``model``, ``base_url``, ``api_key``, ``backend``, ``cache``, ...) and closed when
            the batch ends.
        via: ``"online"`` (chat completions now, full price) or ``"batch"``: the provider's
            Batch API (``mineralbrief.batchapi.summarize_batch``: half the price, within 24 h;
            ``concurrency`` then bounds the online re-asks). It needs ``state_dir``.
        state_dir: with ``via="batch"``, the run's folder: run again with it to resume.
        reask_via: with ``via="batch"``: ``auto``, ``batch`` or ``online`` (see ``summarize_batch``).
        on_status: with ``via="batch"``: called with a line as each batch changes state, and
            with the run's summary (its cost at both prices) at the end; default the log.

    Raises:
        ConfigError: one article (a text, a ``Path``) where an iterable of them belongs,
            ``concurrency`` below 1, a negative budget, or settings beside a summarizer;
            with ``via="batch"``: no ``state_dir``, a budget, or not the openai backend.
        Exception: whatever ``articles`` itself raises (a generator that fails), once the
            articles already in flight are finished and yielded: nothing paid for is lost.
    """
    _check(concurrency, budget_tokens, summarizer, settings, via, articles)
    if via == "batch":
        options = {"state_dir": state_dir, "reask_via": reask_via, "on_status": on_status}
        if isinstance(articles, AsyncIterable):  # the Batch API sends them in one file anyway
            articles = [item async for item in articles]
        run = await asyncio.to_thread(_batch, articles, concurrency, budget_tokens, summarizer, options, settings)
        for result in run:
            yield result
        return
    s = summarizer or Summarizer(**settings)
    try:
        # closed here when the caller stops (aclose): else the runner, and what it has in flight,
        # ran on until the loop finalized it, after the backend below was closed
        async with contextlib.aclosing(_run(articles, concurrency, budget_tokens, s)) as running:
            async for result in running:
                yield result
    finally:
        await s.aclose()  # this loop's connections, closed while it still runs
        if summarizer is None:
            s.close()


# From a list or tuple, the articles that can start together (as many as there is room for in
# flight) are read and prepared (scanned and indexed) one after another, then sent. When the
# client's CPU limits a batch (a fast endpoint, many in flight), the scan's tables are then still
# in the processor's caches (a scan between other articles' answers took 2.6 ms, not 1.9), and the
# answers come back, and are checked, in groups too: 6.5% less time than one article at a time
# (300 releases of 13 KB, 32 in flight, ten alternated pairs of runs). Nothing waits long in a
# group: it is sent once it has taken GROUP_WAIT; an article read slowly is sent at once; the
# group is sent before a long article is scanned (LONG_ARTICLE: 8 s for a hostile 1.9 MB text);
# any other input (a generator, an async feed) is sent one article at a time, since its next read
# may wait as long as the next article takes to come (a queue, a feed's next page).
GROUP_WAIT = 0.05
SLOW_READ = 0.01  # reading and scanning a 13 KB article from disk takes about 2-3 ms
LONG_ARTICLE = 32_000  # characters: about SLOW_READ of scanning


def _prepared(s: Summarizer, art: Article | None) -> GenerationRequest | Exception | None:
    """``art`` prepared, or what preparing it raised (that article's failure); None unread."""
    if art is None:
        return None
    try:
        return s.prepare(art)
    except Exception as exc:
        # its span, as asummarize would have made it: an article that failed is traced too
        with telemetry.article_span(s.backend) as span:
            span.article(art)
            span.failed(exc)
        return exc


async def _one(s: Summarizer, index: int, item: Any,
               request: GenerationRequest | Exception | None) -> tuple[BatchResult, int]:
    """One article's result and the tokens it cost, whatever happened (``request``: the item
    read, missed in the cache and prepared, or what preparing it raised; None when the item is
    still to be read)."""
    source = _source_of(item, index)
    if isinstance(item, MineralBriefError):
        return BatchResult(index, source, "failed", error=f"{type(item).__name__}: {item}"), 0
    try:
        if isinstance(request, Exception):
            raise request
        # an unread item is read here (its error is this item's failure); a read one was just
        # looked up in the cache and missed: not looked up again
        brief = await (s.asummarize(item) if request is None else s.asummarize_prepared(request))
    except (Exception, asyncio.CancelledError) as exc:  # one article's failure, even a bug, must not lose the batch
        # this article cancelled (the caller stopped) is not a failure to report; a backend's
        # own CancelledError is
        task = asyncio.current_task()
        if isinstance(exc, asyncio.CancelledError) and (task is None or task.cancelling()):
            raise
        usage = exc.usage if isinstance(exc, BackendError) else None
        if isinstance(exc, UngroundedBriefError) and exc.brief is not None:  # strict: paid for, then refused
            usage = exc.brief.usage
        return (BatchResult(index, source, "failed", error=f"{type(exc).__name__}: {exc}"),
                usage.total_tokens if usage is not None else 0)
    status: Status = "cached" if brief.provenance.cached else "done"
    return BatchResult(index, source, status, brief=brief), brief.usage.total_tokens


def _cached(s: Summarizer, index: int, item: Any,
            art: Article | None = None) -> tuple[BatchResult | None, Article | None]:
    """A cache hit's result, or None and the article as read (so a miss is not read, hashed
    and looked up again), or None and None when reading or looking up failed (``_one`` reports it).
    ``art``: the item already read (a copy released by the one in flight)."""
    if isinstance(item, MineralBriefError):
        return None, None
    try:
        art = as_article(item) if art is None else art
        brief = s.cached(art)
    except Exception:
        return None, None
    if brief is None:
        return None, art
    return BatchResult(index, _source_of(item, index), "cached", brief=brief), art


async def _run(articles: Articles, concurrency: int,
               budget_tokens: int | None, s: Summarizer) -> AsyncGenerator[BatchResult, None]:
    used = 0
    note = f"token budget of {budget_tokens or 0:,} reached"
    # an async generator is what async code has (pages of a feed, rows of a database): iter() of
    # one raised a bare TypeError ("'async_generator' object is not iterable") at the first article
    items = _async_items(articles) if isinstance(articles, AsyncIterable) else _sync_items(articles)
    pending: set[asyncio.Task[tuple[BatchResult, int]]] = set()
    # each task puts itself here when it ends: a completion is taken from the queue, not found by
    # asyncio.wait, which hooks and unhooks every pending task for each one (a context copy and a
    # callback each: at 32 in flight, the garbage collector worked about twice as long)
    finished: asyncio.Queue[asyncio.Task[tuple[BatchResult, int]]] = asyncio.Queue()
    broken: Exception | None = None  # the input's own error: raised once what is in flight is delivered
    # the same article twice in a batch (one wire story from two feeds, a file copied) was paid for
    # twice: both missed the cache while the first was in flight. A copy now waits for the article
    # in flight under its cache key, then is that brief's cache hit (or, when the first failed or
    # the cache kept nothing, briefed itself). Waiting copies count as in flight, so the input is
    # still read no further ahead than ``concurrency``. Without a cache (``cache=False``) a copy
    # could only be briefed after the first, so it is briefed beside it, as before.
    shared = not isinstance(s.cache, NullCache)
    keys: dict[asyncio.Task[tuple[BatchResult, int]], str] = {}
    waiting: dict[str, list[tuple[int, Any, Article]]] = {}
    ready: deque[tuple[int, Any, Article]] = deque()  # copies released, taken before new input
    held = 0  # copies waiting
    # read and prepared, not yet started (GROUP_WAIT)
    group: list[tuple[int, Any, str | None, GenerationRequest | Exception | None]] = []
    one_by_one = not isinstance(articles, (list, tuple))  # in memory: its reads cannot wait (GROUP_WAIT)
    began = 0.0  # when the group's first article was read

    async def start() -> None:
        """Start each article of the group (none: nothing to do)."""
        started = list(group)
        group.clear()
        for index, item, key, request in started:
            task = asyncio.ensure_future(_one(s, index, item, request))
            task.add_done_callback(finished.put_nowait)
            pending.add(task)
            if key is not None:
                keys[task] = key
            await asyncio.sleep(0)  # let it start: its request goes out before the next one's

    try:
        while True:
            while len(pending) + held + len(group) < concurrency and (ready or broken is None):
                reading = time.monotonic()
                if ready:
                    index, item, copy = ready.popleft()
                    hit, art = _cached(s, index, item, copy)
                    if hit is None and budget_tokens is not None and used >= budget_tokens:
                        await start()  # the group is not held while the caller takes a result
                        yield BatchResult(index, _source_of(item, index), "skipped_budget", error=note)
                        continue
                else:
                    try:
                        nxt = await anext(items, None)
                    except Exception as exc:
                        broken = exc
                        break
                    if nxt is None:
                        break
                    index, item = nxt
                    if budget_tokens is not None and used >= budget_tokens:
                        await start()
                        yield BatchResult(index, _source_of(item, index), "skipped_budget", error=note)
                        continue
                    hit, art = _cached(s, index, item)
                if hit is not None:
                    await start()
                    yield hit  # at once: no task, nothing held while others complete
                    continue
                key = None if art is None or not shared else s.cache_key(art)
                if key is not None and key in waiting and art is not None:  # a copy of an article in flight
                    waiting[key].append((index, item, art))
                    held += 1
                    continue
                if key is not None:
                    waiting[key] = []
                if group and art is not None and len(art.text) >= LONG_ARTICLE:
                    await start()
                if not group:
                    began = time.monotonic()
                group.append((index, item, key, _prepared(s, art)))
                now = time.monotonic()
                if one_by_one or now - began >= GROUP_WAIT or now - reading >= SLOW_READ:
                    await start()
            if group:  # no room for more, or no more input
                await start()
            if not pending:
                if broken is not None:
                    raise broken
                return
            task = await finished.get()
            while True:  # every article that has ended counts against the budget before another starts
                pending.discard(task)
                key = keys.pop(task, None)
                if key is not None:
                    copies = waiting.pop(key)
                    held -= len(copies)
                    ready.extend(copies)
                result, tokens = task.result()
                used += tokens
                yield result
                if finished.empty():
                    break
                task = finished.get_nowait()
    finally:  # the caller stopped early: what is in flight is cancelled, not left running
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
        await items.aclose()


async def _sync_items(articles: Iterable[Any]) -> AsyncGenerator[tuple[int, Any], None]:
    for pair in enumerate(articles):
        yield pair


async def _async_items(articles: AsyncIterable[Any]) -> AsyncGenerator[tuple[int, Any], None]:
    index = 0
    async for item in articles:
        yield index, item
        index += 1


def _batch(articles: Iterable[ArticleLike | MineralBriefError], concurrency: int, budget_tokens: int | None,
           summarizer: Summarizer | None, options: dict[str, Any], settings: dict[str, Any]) -> list[BatchResult]:
    from .batchapi import summarize_batch  # imports the openai backend: only when asked for

    if options["state_dir"] is None:
        raise ConfigError("via='batch' needs state_dir=: the folder where the batch's id and files are kept")
    if budget_tokens is not None:
        raise ConfigError("budget_tokens does not apply to via='batch': a batch is sent whole")
    return summarize_batch(articles, summarizer=summarizer, concurrency=concurrency, **options, **settings).results


def _whole(name: str, value: Any, least: int) -> None:
    """Refuse ``value`` unless it is a whole number of at least ``least``: a NaN compared as no
    number (``concurrency=nan`` started no article and returned no result), a str raised a bare
    TypeError."""
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        more = "at least 1" if least == 1 else f"{least} or more"
        raise ConfigError(f"{name} must be a whole number, {more}, got {value!r}")


def check_articles(articles: Any, name: str = "summarize_many") -> None:
    """Refuse one article given where many are: a text was iterated character by character,
    each character an article (with a model, a paid call each), and a ``Path`` raised a bare
    TypeError."""
    one = isinstance(articles, (str, bytes, bytearray, os.PathLike, Article, Mapping))
    if one or not isinstance(articles, (Iterable, AsyncIterable)):
        raise ConfigError(f"{name} takes an iterable of articles (texts, paths or Articles), not "
                          f"{'one ' if one else ''}{type(articles).__name__}: summarize() briefs one article, "
                          "and iter_source(folder) reads a folder's")


def _check(concurrency: int, budget_tokens: int | None, summarizer: Summarizer | None,
           settings: dict[str, Any], via: str = "online", articles: Any = ()) -> None:
    check_articles(articles)
    if via not in ("online", "batch"):
        raise ConfigError(f"via is 'online' or 'batch', got {via!r}")
    _whole("concurrency", concurrency, 1)
    if budget_tokens is not None:
        _whole("budget_tokens", budget_tokens, 0)
    if summarizer is not None and settings:
        raise ConfigError(f"settings ({', '.join(sorted(settings))}) are ignored when a summarizer is given: "
                          "pass them to Summarizer(...) instead")


def summarize_many(
    articles: Iterable[ArticleLike | MineralBriefError], *, concurrency: int = 8,
    budget_tokens: int | None = None, summarizer: Summarizer | None = None, via: Via = "online",
    state_dir: str | Path | None = None, reask_via: ReaskVia = "auto",
    on_status: Callable[[str], None] | None = None, **settings: Any,
) -> Iterator[BatchResult]:
    """``asummarize_many`` for synchronous code: an iterator of results as they complete.

    The event loop runs in a worker thread; results cross over through a small queue, so the
    caller can stop early (results not yet consumed are then discarded). With ``via="batch"``
    the Batch API runs in the caller's thread and the results follow, in input order.
    """
    _check(concurrency, budget_tokens, summarizer, settings, via, articles)
    if via == "batch":
        yield from _batch(articles, concurrency, budget_tokens, summarizer,
                          {"state_dir": state_dir, "reask_via": reask_via, "on_status": on_status}, settings)
        return
    out: queue.Queue[Any] = queue.Queue(maxsize=max(2, concurrency * 2))
    stop = threading.Event()
    done = object()
    running: list[tuple[asyncio.AbstractEventLoop, asyncio.Task[Any]]] = []

    async def deliver() -> None:
        running.append((asyncio.get_running_loop(), asyncio.current_task()))  # type: ignore[arg-type]
        if stop.is_set():  # the caller stopped before the loop began
            return
        batch = asummarize_many(articles, concurrency=concurrency, budget_tokens=budget_tokens,
                                summarizer=summarizer, **settings)
        async for result in batch:
            while not stop.is_set():
                try:
                    out.put_nowait(result)
                    break
                except queue.Full:  # a slow consumer: wait without blocking the loop's other requests
                    await asyncio.sleep(0.005)
            if stop.is_set():
                await batch.aclose()  # cancels what is in flight, closes the connections
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
            asyncio.run(deliver())
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
        if running and worker.is_alive():  # cancel what is in flight now, not at its next answer
            loop, task = running[0]
            try:
                loop.call_soon_threadsafe(task.cancel)
            except RuntimeError:  # the loop has just ended
                pass
        worker.join(timeout=5)
