"""The provider's Batch API: the same briefs at half the price, within a day, resumable.

``summarize_batch`` (``summarize_many(..., via="batch")``) runs one batch job:

1. every article is looked up in the cache first; only the misses are sent;
2. each miss (each chunk of a long one) becomes one JSONL line whose body is the request the
   online path sends, byte for byte (``OpenAICompatBackend.request_body``), so a brief made
   here is stored under the key the online path looks up, and the reverse;
3. the file is uploaded (purpose ``batch``) and a batch created (``/v1/chat/completions``,
   24 h window); the batch id is saved in ``state_dir/state.json`` *before* waiting;
4. the batch is polled with backoff until it ends; its output and error files are
   downloaded into ``state_dir``;
5. every answer goes through the online dialogue (``OpenAICompatBackend.replay``): schema
   validation through instructor, grounding against the article's index, re-asks;
6. what still needs a request (a re-ask, or a line that errored or expired) goes in a
   follow-up batch, or online when few (``reask_via``); an errored line is sent again at most
   ``retries`` times;
7. every brief is stored in the cache; every article gets one ``BatchResult``.

A run killed at any point and started again with the same ``state_dir`` resumes: a batch
already created is polled, never created again (one created but not yet saved is found by its
input file), and downloaded files are read, not fetched again. The provider's side (the state
file, upload, create, poll, download) is ``batchjob.py``; this module is the briefs' side.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .api import Summarizer
from .article import Article, ArticleLike, as_article
from .backends.base import Generation, GenerationRequest, chunk_requests, merge_generations
from .backends.openai_compat import OpenAICompatBackend
from .batch import BatchResult, _source_of, _whole, check_articles
from .batchjob import BatchState, locked, read_round, run_round
from .config import Settings
from .errors import BackendError, ConfigError, MineralBriefError
from .models import Usage

log = logging.getLogger("mineralbrief")

ReaskVia = Literal["auto", "batch", "online"]
ENDPOINT = "/v1/chat/completions"
Outcome = Generation | dict[str, Any] | Exception | None  # done | next request body | failed | not yet replayed


class BatchItemError(BackendError):
    """A request the Batch API never answered (an error line, an expired, failed or cancelled
    batch), after every send it was allowed."""


@dataclass
class BatchRun:
    """What a Batch API run did.

    Attributes:
        results: one ``BatchResult`` per input article, in input order.
        batches: the ids of the batches this run's state holds, in the order they were created.
        usage_batch: what the Batch API's answers cost (tokens at the batch price).
        usage_online: what re-asks sent online cost (tokens at the online price).
        cost: USD at the prices paid (batch answers at ``batch_price``, online ones in full), or
            None when ``prices`` has no entry for the model.
        cost_online: USD the same tokens would have cost online, or None.
    """

    results: list[BatchResult]
    batches: list[str]
    usage_batch: Usage
    usage_online: Usage
    cost: float | None
    cost_online: float | None
    model: str = ""

    def summary(self) -> str:
        """One paragraph: the counts, the batches, the tokens and both costs."""
        counts = {k: sum(r.status == k for r in self.results) for k in ("done", "cached", "failed")}
        used = self.usage_batch + self.usage_online
        cost = (f"${self.cost:,.4f} (Batch API price; ${self.cost_online:,.4f} online)"
                if self.cost is not None and self.cost_online is not None
                else f"no price for model {self.model!r} (pass prices={{...}})")
        return (f"{len(self.results)} article(s): {counts['done']} done, {counts['cached']} cached, "
                f"{counts['failed']} failed | {len(self.batches)} batch(es) {', '.join(self.batches) or '-'} | "
                f"{used.requests:,} requests ({self.usage_online.requests:,} online), "
                f"{used.total_tokens:,} tokens | cost {cost}")


def price(settings: Settings, usage: Usage) -> float | None:
    """USD of ``usage`` at the online price of ``settings.model``, or None when unknown."""
    found = settings.prices.get(settings.model)
    if found is None:
        return None
    return (usage.prompt_tokens * found[0] + usage.completion_tokens * found[1]) / 1_000_000


@dataclass
class _Item:
    """One line of a batch: one article's request (or one chunk's), and what came back for it."""

    cid: str
    request: GenerationRequest
    answers: list[dict[str, Any]] = field(default_factory=list)
    sends: int = 0  # sends that came back without an answer
    why: str = ""
    outcome: Outcome = None
    online: Usage | None = None  # what its online continuation cost

    @property
    def batch_usage(self) -> Usage:
        return sum((_usage(a) for a in self.answers), Usage())


@dataclass
class _Job:
    """The articles of one content hash (one cache key): asked once, briefed for each."""

    key: str
    request: GenerationRequest
    items: list[_Item]
    members: list[tuple[int, Article]] = field(default_factory=list)


def summarize_batch(
    articles: Iterable[ArticleLike | MineralBriefError], *, state_dir: str | os.PathLike[str],
    summarizer: Summarizer | None = None, reask_via: ReaskVia = "auto", online_max: int = 50,
    retries: int = 1, concurrency: int = 8, poll: tuple[float, float] = (5.0, 60.0),
    on_status: Callable[[str], None] | None = None, **settings: Any,
) -> BatchRun:
    """Brief many articles through the provider's Batch API (see the module docstring).

    Args:
        articles: texts, paths, ``Article`` objects, or errors a loader produced.
        state_dir: a folder of this run's own: the state file and the batch files live there.
            Run again with the same folder to resume; use a new one for a new run.
        summarizer: a ``Summarizer`` with the openai backend; default one from ``**settings``.
        reask_via: where re-asks and errored lines go after the first batch: ``"batch"`` (a
            follow-up batch, half price, hours), ``"online"`` (now, full price), or ``"auto"``:
            online when ``online_max`` or fewer, else a batch.
        retries: sends again of a line that came back without an answer (error, expiry).
        concurrency: online re-asks in flight at once.
        poll: the first and the longest wait between two looks at a batch, in seconds.
        on_status: called with a line whenever a batch changes state.

    Raises:
        ConfigError: not the openai backend, a bad argument, settings of another run in
            ``state_dir``, or another run using it.
        BackendError: the Files or Batches endpoint kept failing (the state is kept: run again).
    """
    check_articles(articles, "summarize_batch")
    if reask_via not in ("auto", "batch", "online"):
        raise ConfigError(f"reask_via is auto, batch or online, got {reask_via!r}")
    for name, value, least in (("retries", retries, 0), ("online_max", online_max, 0), ("concurrency", concurrency, 1)):
        _whole(name, value, least)
    if summarizer is not None and settings:
        raise ConfigError(f"settings ({', '.join(sorted(settings))}) are ignored when a summarizer is given")
    s = summarizer or Summarizer(**settings)
    try:
        if not isinstance(s.backend, OpenAICompatBackend):
            raise ConfigError(f"the Batch API needs the openai backend, not {s.backend_name!r}: "
                              "set an API key or base_url (backend='openai')")
        return _Run(s, s.backend, Path(state_dir), reask_via, online_max, retries, concurrency, poll,
                    on_status).run(articles)
    finally:
        if summarizer is None:
            s.close()


class _Run:
    def __init__(self, s: Summarizer, backend: OpenAICompatBackend, folder: Path, reask_via: ReaskVia,
                 online_max: int, retries: int, concurrency: int, poll: tuple[float, float],
                 on_status: Callable[[str], None] | None) -> None:
        self.s, self.backend, self.folder = s, backend, folder
        self.reask_via, self.online_max, self.retries, self.concurrency = reask_via, online_max, retries, concurrency
        self.poll, self.on_status = poll, on_status or (lambda line: log.info("%s", line))
        self.jobs: dict[str, _Job] = {}
        self.items: dict[str, _Item] = {}
        self.results: dict[int, BatchResult] = {}

    def run(self, articles: Iterable[ArticleLike | MineralBriefError]) -> BatchRun:
        count = self._read(articles)
        self.folder.mkdir(parents=True, exist_ok=True)
        with locked(self.folder):
            self.state = BatchState(self.folder, _fingerprint(self.backend))
            self.client = self.backend.batch_client
            try:
                self._rounds()
            finally:
                self.client.close()
        return self._report(count)

    # -- 1. the cache first; one job per content hash ----------------------------------------
    def _read(self, articles: Iterable[ArticleLike | MineralBriefError]) -> int:
        count = 0
        for index, item in enumerate(articles):
            count += 1
            source = _source_of(item, index)
            try:
                if isinstance(item, MineralBriefError):
                    raise item
                art = as_article(item)
                key = self.s.cache_key(art)
                assert key is not None  # the openai backend's answers are always keyed
                hit = self.s.store.get(key, art)
                if hit is not None:
                    self.results[index] = BatchResult(index, source, "cached", brief=self.s.checked(hit, art))
                    continue
            except Exception as exc:  # one article's failure must not lose the batch
                self.results[index] = BatchResult(index, source, "failed", error=f"{type(exc).__name__}: {exc}")
                continue
            job = self.jobs.get(key)
            if job is None:
                request = self.s.prepare(art)
                parts = chunk_requests(request, self.backend.settings.max_input_chars) or [request]
                # named by the content (the state's settings are fixed), not the cache key, which
                # holds the endpoint's host: a recording must replay against another port
                items = [_Item(f"mb-{art.content_hash[:32]}-{i}", r) for i, r in enumerate(parts)]
                job = self.jobs[key] = _Job(key, request, items)
                self.items.update((it.cid, it) for it in items)
            job.members.append((index, art))
        return count

    # -- 2-6. rounds: a batch, then follow-ups, until nothing is left to ask -------------------
    def _rounds(self) -> None:
        if not self.items:  # every article from the cache (or failed before asking): nothing to send
            return
        for rnd in self.state.rounds:
            if rnd["done"]:
                self._absorb(rnd)
        while True:
            pending = next((r for r in self.state.rounds if not r["done"]), None)
            if pending is None:
                todo = self._todo()
                if todo and self.state.cancelled:
                    for it in todo:
                        it.why = it.why or "a batch of this run was cancelled (a new state_dir sends the rest)"
                    return
                if not todo:
                    return
                fresh = any(not it.answers and not it.sends for it in todo)  # never sent: a batch it is
                if not fresh and (self.reask_via == "online" or
                                  (self.reask_via == "auto" and len(todo) <= self.online_max)):
                    return self._online(todo)
                pending = self.state.new_round([(it.cid, it.outcome) for it in todo
                                                if isinstance(it.outcome, dict)], ENDPOINT)
            run_round(self.client, self.state, pending, ENDPOINT, self.poll, self.on_status)
            self._absorb(pending)

    def _todo(self) -> list[_Item]:
        """What needs a request: a first ask, a re-ask, or a send again of one that got no answer."""
        todo = []
        for it in self.items.values():
            if it.outcome is None:
                try:
                    it.outcome = self.backend.replay(it.request, it.answers)
                except Exception as exc:  # schema failures past max_reasks; a bug stays one article's
                    it.outcome = exc
            if isinstance(it.outcome, dict) and it.sends <= self.retries:
                todo.append(it)
        return todo

    def _absorb(self, rnd: dict[str, Any]) -> None:
        """Take in a done round: each answer joins its item's dialogue; no answer is a failed send."""
        for cid, got in read_round(self.folder, rnd).items():
            it = self.items.get(cid)
            if it is None:  # an article of an earlier run in this folder, not asked for now
                continue
            it.outcome = None  # replayed again with what came back
            if isinstance(got, dict):
                it.answers.append(got)
            elif cid in rnd["ids"]:
                it.sends += 1
                it.why = got

    def _online(self, todo: list[_Item]) -> None:
        self.backend.client  # noqa: B018 - built once here, not by each thread
        self.on_status(f"{len(todo)} request(s) online (re-asks and retries)")
        with ThreadPoolExecutor(self.concurrency, thread_name_prefix="mineralbrief-reask") as pool:
            futures = {it.cid: pool.submit(self.backend.replay, it.request, it.answers, online=True) for it in todo}
            for it in todo:
                try:
                    it.outcome = futures[it.cid].result()
                    spent = it.outcome.usage if isinstance(it.outcome, Generation) else Usage()
                except Exception as exc:
                    it.outcome = exc
                    spent = (exc.usage if isinstance(exc, BackendError) else None) or Usage()
                it.online = _minus(spent, it.batch_usage)

    # -- 7. briefs, the cache, the report -----------------------------------------------------
    def _report(self, count: int) -> BatchRun:
        for job in self.jobs.values():
            outcomes = [it.outcome for it in job.items]
            failed = next((o for o in outcomes if isinstance(o, Exception)), None)
            waiting = next((it for it in job.items if not isinstance(it.outcome, (Generation, Exception))), None)
            for index, art in job.members:
                source = _source_of(art, index)
                try:
                    if failed is not None:
                        raise failed
                    if waiting is not None:
                        sent = f"no answer after {waiting.sends} send(s)" if waiting.sends else "not sent"
                        raise BatchItemError(f"{sent}: {waiting.why}", article_id=art.id, usage=waiting.batch_usage)
                    gens = [o for o in outcomes if isinstance(o, Generation)]
                    gen = gens[0] if len(gens) == 1 else merge_generations(gens, self.backend.settings.model)
                    self.results[index] = BatchResult(index, source, "done",
                                                      brief=self.s.finish(job.request, gen, job.key))
                except Exception as exc:
                    self.results[index] = BatchResult(index, source, "failed", error=f"{type(exc).__name__}: {exc}")
        batch = sum((it.batch_usage for it in self.items.values()), Usage())
        online = sum((it.online for it in self.items.values() if it.online is not None), Usage())
        settings = self.backend.settings
        full, paid_online = price(settings, batch + online), price(settings, online)
        paid = None if full is None or paid_online is None else \
            (full - paid_online) * settings.batch_price + paid_online
        batches = [r["batch_id"] for r in self.state.rounds if r["batch_id"]]
        run = BatchRun([self.results[i] for i in range(count)], batches, batch, online, paid, full, settings.model)
        self.on_status(run.summary())
        return run


def _fingerprint(backend: OpenAICompatBackend) -> str:
    identity = json.dumps(backend.identity(), sort_keys=True, default=str)
    return hashlib.sha256(identity.encode()).hexdigest()[:16]


def _usage(body: dict[str, Any]) -> Usage:
    u = body.get("usage") or {}
    return Usage(requests=1, prompt_tokens=u.get("prompt_tokens") or 0,
                 completion_tokens=u.get("completion_tokens") or 0, total_tokens=u.get("total_tokens") or 0)


def _minus(a: Usage, b: Usage) -> Usage:
    counts = ("requests", "prompt_tokens", "completion_tokens", "total_tokens")
    return Usage(**{name: max(0, getattr(a, name) - getattr(b, name)) for name in counts}, estimated=a.estimated)
