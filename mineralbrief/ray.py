"""Past one machine: brief a Ray Dataset of articles with a pool of actors (the ``[ray]`` extra).

Each actor holds one ``Summarizer`` (one client, one connection pool, one cache) for its life,
built from a ``Settings`` sent by value: a worker never reads its own environment, so every
machine briefs with the driver's settings. Inside an actor a batch of rows runs through
``asummarize_many`` (async, ``concurrency`` articles in flight), so one actor keeps many LLM
calls waiting at once; a few actors per machine are enough.

Every input row gives exactly one output row: the brief as JSON, or the failure and its reason.
A row whose article cannot be built, an article the model cannot brief, even a bug on one
article, is a ``failed`` row, never a lost one. An actor that dies is restarted and its batch
retried (Ray drops the dead attempt's output), so a crash costs time, not rows, and not a row
twice; with a shared cache (``cache_url="redis://..."``) the retry does not pay twice either.

    ray.data.Dataset of {text, title?, url?, published?, source?, index?}
        -> brief_dataset(ds, settings)       map_batches, one Summarizer per actor
        -> {index, source, content_hash, status, brief (JSON), error}

``summarize_on_ray`` is the same for a list of articles, with ``summarize_many``'s signature
and results, for the daily job: ``address=None`` starts a local cluster (stopped after),
``address="ray://head:10001"`` or ``"auto"`` joins one.

Ray is imported when these functions run, never when mineralbrief is imported.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from .api import Summarizer
from .article import Article, ArticleLike, as_article
from .batch import BatchResult, Status, _source_of, _whole, asummarize_many, check_articles
from .config import Settings, make_settings
from .errors import ArticleError, ConfigError, MineralBriefError
from .models import Brief

if TYPE_CHECKING:  # pragma: no cover - for the annotations only
    import pyarrow as pa
    import ray.data

log = logging.getLogger("mineralbrief")

ARTICLE_FIELDS = ("text", "title", "url", "published", "source")
RESULT_COLUMNS = ("index", "source", "content_hash", "status", "brief", "error")
PROBE_TIMEOUT = 5.0  # seconds for a cluster's address to take a connection before ray.init tries it


# What Ray reads when it is imported, for a local cluster of our own: a node address of
# 127.0.0.1, not the machine's outward one (on Linux Ray otherwise treats the machine as the head
# of a multi-node cluster), and no usage report sent out. Set only when unset, so a user's own
# values win, and only before Ray is imported: afterwards they would change nothing.
LOCAL_ONLY = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_USAGE_STATS_ENABLED": "0"}


def _ray(local: bool = False) -> Any:
    if local and "ray" not in sys.modules:
        for name, value in LOCAL_ONLY.items():
            os.environ.setdefault(name, value)
    try:
        import ray
        import ray.data
    except ImportError:
        raise ConfigError("Ray is not installed: pip install 'mineralbrief[ray]'") from None
    return ray


def _result_schema() -> pa.Schema:
    import pyarrow as pa

    # fixed types: a batch of failures only (every brief null) must not make a null-typed column
    return pa.schema([("index", pa.int64()), ("source", pa.string()), ("content_hash", pa.string()),
                      ("status", pa.string()), ("brief", pa.large_string()), ("error", pa.string())])


class _Briefer:
    """One actor of the pool: one ``Summarizer`` for its life, a batch of rows per call."""

    def __init__(self, settings: Settings, concurrency: int) -> None:
        self._summarizer = Summarizer(settings)
        self._concurrency = concurrency
        self._schema = _result_schema()

    def __call__(self, batch: pa.Table) -> pa.Table:
        import pyarrow as pa

        rows = batch.to_pylist()
        results = asyncio.run(self._brief([_article(row) for row in rows]))
        out = [_row(rows[i], results.get(i), i) for i in range(len(rows))]
        return pa.Table.from_pylist(out, schema=self._schema)

    async def _brief(self, items: list[Article | MineralBriefError]) -> dict[int, BatchResult]:
        found: dict[int, BatchResult] = {}
        async for r in asummarize_many(items, concurrency=self._concurrency, summarizer=self._summarizer):
            found[r.index] = r
        return found


def _article(row: dict[str, Any]) -> Article | MineralBriefError:
    """The row's article, or the reason it has none (reported as that row's failure)."""
    fields = {k: row[k] for k in ARTICLE_FIELDS if row.get(k) is not None}
    source = fields.get("source") if isinstance(fields.get("source"), str) else None
    if not isinstance(fields.get("text"), str):
        return ArticleError("the row has no 'text' column of type str", article_id=source)
    try:
        return Article(**fields)
    except Exception as exc:  # a bad title or date in one row: that row's failure
        return ArticleError(f"the row is not an article: {type(exc).__name__}: {exc}", article_id=source)


def _row(row: dict[str, Any], result: BatchResult | None, i: int) -> dict[str, Any]:
    text = row.get("text")
    # not validated: a row that is no article still needs its hash and name, and an exception
    # here would fail the whole batch
    digest = Article.model_construct(text=text).content_hash if isinstance(text, str) else None
    source = row.get("source") if isinstance(row.get("source"), str) else None
    index = row.get("index") if isinstance(row.get("index"), int) else None
    out: dict[str, Any] = {
        "index": index, "source": source or (digest[:12] if digest else f"#{i if index is None else index}"),
        "content_hash": digest, "brief": None, "error": None,
    }
    if result is None:  # asummarize_many yields one result per input; kept as a row if it ever did not
        return {**out, "status": "failed", "error": "no result for this article in its batch"}
    brief = result.brief.model_dump_json() if result.brief is not None else None
    return {**out, "status": result.status, "brief": brief, "error": result.error}


def brief_dataset(
    ds: ray.data.Dataset, settings: Settings | None = None, *, actors: int = 2, concurrency: int = 8,
    batch_size: int | None = None, num_cpus: float = 1.0, **overrides: Any,
) -> ray.data.Dataset:
    """Brief every row of ``ds`` on a pool of actors; lazily, like any Ray Dataset.

    Args:
        ds: rows with a ``text`` column and, optionally, ``title``, ``url``, ``published``,
            ``source`` and ``index`` (carried to the result, to match results to inputs).
        settings: the ``Settings`` every actor builds its ``Summarizer`` from, sent by value;
            ``None`` reads this process's environment (once, here). Set ``cache_url`` to a
            Redis every worker can reach, or each machine keeps its own disk cache.
        actors: actors in the pool (each holds one Summarizer and its connections).
        concurrency: articles in flight in one actor.
        batch_size: rows per call of an actor; default ``4 * concurrency``.
        num_cpus: CPUs Ray reserves per actor; the work mostly waits on the endpoint, so a
            fraction lets more actors share a machine.
        **overrides: ``Settings`` fields (``model``, ``base_url``, ``backend``, ...).

    Returns:
        A Dataset with one row per input row: ``index``, ``source``, ``content_hash``,
        ``status`` (``done``, ``cached`` or ``failed``), ``brief`` (the Brief's JSON, or null)
        and ``error`` (``"ErrorType: message"``, or null).

    Raises:
        ConfigError: Ray is not installed, or an invalid setting or size.
    """
    ray = _ray()
    if actors < 1 or concurrency < 1 or (batch_size is not None and batch_size < 1) or num_cpus < 0:
        raise ConfigError("actors, concurrency and batch_size must be at least 1, num_cpus 0 or more")
    s = _portable(make_settings(settings, **overrides))
    return ds.map_batches(
        _Briefer, fn_constructor_kwargs={"settings": s, "concurrency": concurrency},
        batch_size=batch_size or 4 * concurrency, batch_format="pyarrow", zero_copy_batch=True,
        compute=ray.data.ActorPoolStrategy(size=actors), num_cpus=num_cpus,
    )


def _portable(s: Settings) -> Settings:
    """The settings as every worker must see them: the driver's cache directory, not each
    worker's default (on one machine, the actors then share the driver's disk cache)."""
    if s.cache and not s.cache_url and s.cache_dir is None:
        return s.with_overrides(cache_dir=s.resolved_cache_dir)
    return s


def summarize_on_ray(
    articles: Iterable[ArticleLike | MineralBriefError], *, address: str | None = None, actors: int = 2,
    concurrency: int = 8, batch_size: int | None = None, num_cpus: float = 1.0,
    budget_tokens: int | None = None, summarizer: Summarizer | None = None, **settings: Any,
) -> Iterator[BatchResult]:
    """``summarize_many`` on a Ray cluster: one ``BatchResult`` per article, as they complete.

    The articles are read here, at the call (a ``Path`` here may not exist on a worker), sent
    to the cluster as a Dataset when the iterator is first read, briefed by ``brief_dataset``
    and streamed back. Every article gives exactly one result; if the Ray job itself fails, the
    articles it did not report come back as ``failed`` with the reason. The workers need
    mineralbrief installed (with ``[redis]`` for a shared cache): for a remote cluster, call
    ``ray.init(address, runtime_env=...)`` first, and that connection is used.

    Args:
        articles: as for ``summarize_many``: texts, paths, ``Article`` objects, loader errors.
        address: the cluster to use: ``None`` starts a local one for this call (stopped
            after), on 127.0.0.1 only and without Ray's usage report when Ray was not imported
            before (see ``LOCAL_ONLY``; this process then cannot join another machine's cluster);
            or ``"auto"``, ``"ray://head:10001"``, ``"head-node:6379"`` to join one. When Ray is
            already initialised in this process, that connection is used as is.
        actors, concurrency, batch_size, num_cpus: see ``brief_dataset``.
        budget_tokens: not supported across machines (no actor sees the others' spending):
            only ``None`` is accepted.
        summarizer: a ``Summarizer`` whose *settings* are sent to the actors (its backend
            instance and cache cannot cross to other machines); or ``**settings``.

    Raises:
        ConfigError: Ray is not installed, ``budget_tokens`` given, or settings beside a summarizer.
    """
    check_articles(articles, "summarize_on_ray")
    ray = _ray(local=address is None)
    if budget_tokens is not None:
        raise ConfigError("budget_tokens is not supported on Ray (no actor sees what the others spend); "
                          "use summarize_many for a budgeted run")
    if summarizer is not None and settings:
        raise ConfigError(f"settings ({', '.join(sorted(settings))}) are ignored when a summarizer is given")
    _whole("actors", actors, 1)
    _whole("concurrency", concurrency, 1)
    s = summarizer.settings if summarizer is not None else make_settings(**settings)
    if address is not None and s.cache and not s.cache_url:
        log.warning("briefing on a Ray cluster without cache_url: each machine keeps its own disk cache")
    rows, early = _rows(articles)  # checked and read here, before any cluster starts
    return _stream(ray, address, rows, early, dict(settings=s, actors=actors, concurrency=concurrency,
                                                    batch_size=batch_size, num_cpus=num_cpus))


def _stream(ray: Any, address: str | None, rows: list[dict[str, Any]], early: list[BatchResult],
            options: dict[str, Any]) -> Iterator[BatchResult]:
    yield from early
    if not rows:
        return
    with _connected(ray, address):
        out = brief_dataset(ray.data.from_items(rows), **options)
        yield from _collect(out, {row["index"]: row["name"] for row in rows})


def _rows(articles: Iterable[ArticleLike | MineralBriefError]) -> tuple[list[dict[str, Any]], list[BatchResult]]:
    """Rows for the cluster, and the failures known before it (unreadable files, loader errors)."""
    rows: list[dict[str, Any]] = []
    failed: list[BatchResult] = []
    for index, item in enumerate(articles):
        source = _source_of(item, index)  # named as summarize_many names it
        try:
            if isinstance(item, MineralBriefError):
                raise item
            art = as_article(item)
        except MineralBriefError as exc:
            failed.append(BatchResult(index, source, "failed", error=f"{type(exc).__name__}: {exc}"))
            continue
        row: dict[str, Any] = art.model_dump()
        row.update(index=index, name=source)  # the article's own source stays as it is
        rows.append(row)
    return rows, failed


def _collect(out: ray.data.Dataset, sources: dict[int, str]) -> Iterator[BatchResult]:
    """Stream the result rows back as ``BatchResult``; every index once, whatever happens."""
    seen: set[int] = set()
    try:
        for row in out.iter_rows():
            index = int(row["index"])
            if index in seen or index not in sources:  # Ray drops a failed attempt's rows; guard anyway
                log.error("Ray returned article #%d twice or unasked; the copy is dropped", index)
                continue
            seen.add(index)
            yield _result(index, sources[index], row)
    except Exception as exc:  # the job itself failed: what it did not report is failed, not lost
        reason = f"the Ray job failed: {type(exc).__name__}: {exc}"
        log.error("%s; %d article(s) not briefed", reason, len(sources) - len(seen))
        for index in sorted(set(sources) - seen):
            yield BatchResult(index, sources[index], "failed", error=reason)
        return
    for index in sorted(set(sources) - seen):  # the job ended without them (never seen: a guard)
        yield BatchResult(index, sources[index], "failed", error="no result came back from the Ray job")


def _result(index: int, source: str, row: dict[str, Any]) -> BatchResult:
    status: Status = row["status"]
    brief = Brief.model_validate_json(row["brief"]) if row.get("brief") else None
    return BatchResult(index, source, status, brief=brief, error=row.get("error"))


@contextmanager
def _connected(ray: Any, address: str | None) -> Iterator[None]:
    """This process's Ray connection: the existing one, the cluster at ``address``, or a local
    cluster started here and stopped on exit (so a daily job leaves no Ray processes behind)."""
    if ray.is_initialized():
        yield
        return
    why = None if address is None else _silent(address)
    if why is not None:  # (else ray.init waits in its own connection retries, over ten minutes)
        raise ConfigError(f"cannot join the Ray cluster at {address}: {why}")
    # Ray's start-up lines are noise beside the daily job's own progress; its warnings are not
    try:
        ray.init(address=address, include_dashboard=False, logging_level=logging.WARNING)
    except (ValueError, ConnectionError, RuntimeError, TimeoutError) as exc:
        # (ray:// without ray[client], a head that does not answer) Ray's error, said as a setting's
        # in one line: it was "internal error: ValueError" on the command line
        where = "start a local Ray cluster" if address is None else f"join the Ray cluster at {address}"
        raise ConfigError(f"cannot {where}: {type(exc).__name__}: {str(exc)[:300]}") from exc
    try:
        yield
    finally:
        ray.shutdown()


def _silent(address: str, timeout: float = PROBE_TIMEOUT) -> str | None:
    """Why nothing answers at ``address`` ("host:port" or "ray://host:port"), or None when a
    connection is taken there (or the address names no host and port to try: "auto")."""
    hostport = address.removeprefix("ray://")
    host, sep, port = hostport.rpartition(":")
    if not sep or not host or not port.isdigit() or "/" in hostport:
        return None
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as exc:
        return f"nothing answers at {hostport} ({type(exc).__name__}: {exc.strerror or exc})"
    return None
