"""A brief cache in Redis, shared by every process and machine that can reach the server.

Keys are the disk cache's keys (``cache.cache_key``: ``brief:`` and a SHA-256), so a brief is
found under the same key whichever cache holds it. Values are the brief's JSON text only: a
value is read as UTF-8 JSON and validated as a ``Brief``; nothing is ever unpickled, so a
pickle (or anything else) planted in the database is a corrupt entry, dropped as a miss.

The cache is an optimisation. Any Redis failure (refused, timed out, out of memory, read-only
replica) is a warning and a miss, never an exception: a paid answer is never lost for it. A
server that cannot be reached is left alone for ``retry_after`` seconds, so a dead or
unreachable Redis costs one timeout, not one per article; an error the server answered with
(out of memory, a read-only replica) costs only that command.

Needs the ``[redis]`` extra (redis-py). ``open_redis_cache`` reads ``cache_url``, e.g.
``redis://127.0.0.1:6379/0``, ``rediss://:password@host:6380/2?ttl=86400``,
``unix:///run/redis.sock?db=1``; ``ttl`` (seconds, ``0`` for none) is ours, every other query
parameter is redis-py's.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import ValidationError

from .errors import ConfigError
from .models import Brief

log = logging.getLogger(__name__)

DEFAULT_TTL = 30 * 24 * 3600  # a month: Redis memory is finite, and a month-old brief is rarely asked again
KEY_PATTERN = "brief:*"  # every key cache_key() makes; clear() removes these and nothing else


def redacted_url(url: str) -> str:
    """``url`` without its password, for messages (a Redis URL often carries one)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


class RedisCache:
    """Briefs in Redis as JSON text, under the disk cache's keys, with a TTL.

    Args:
        client: a ``redis.Redis`` (or ``fakeredis.FakeRedis``) client; returned bytes, not
            decoded strings, are expected (either works).
        ttl: seconds an entry lives (``None`` or ``0``: until evicted or cleared).
        retry_after: seconds to leave Redis alone after a failure.
        name: how messages name the server (``redacted_url`` of its URL).
    """

    def __init__(self, client: Any, *, ttl: int | None = DEFAULT_TTL, retry_after: float = 30.0,
                 name: str = "redis") -> None:
        from redis.exceptions import ConnectionError, RedisError, TimeoutError

        self._client = client
        self.ttl = ttl or None
        self.retry_after = retry_after
        self.name = name
        # OSError too: a socket error redis-py did not wrap must not escape either
        self._errors: tuple[type[BaseException], ...] = (RedisError, OSError)
        self._unreachable: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError, OSError)
        self._down_until = 0.0
        self._warned: set[tuple[str, str]] = set()
        self._lock = threading.Lock()  # batch.py and Ray actors call from several threads

    @classmethod
    def from_url(cls, url: str, *, ttl: int | None = DEFAULT_TTL, timeout: float = 2.0,
                 retry_after: float = 30.0) -> RedisCache:
        """A cache on the server at ``url``. Nothing connects yet: a server that is down
        shows as a warning at the first lookup, not here.

        Args:
            url: ``redis://``, ``rediss://`` or ``unix://`` URL, as redis-py reads it.
            ttl: seconds an entry lives.
            timeout: seconds to connect and for one command; short, since a miss is cheaper
                than waiting on a cache.
            retry_after: seconds to leave Redis alone after a failure.
        """
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        # no retries (redis-py's default retries with backoff): a miss costs less than the wait
        client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout,
                                      retry=Retry(NoBackoff(), 0))
        return cls(client, ttl=ttl, retry_after=retry_after, name=redacted_url(url))

    def get(self, key: str) -> Brief | None:
        """The cached brief, or None on a miss, a corrupt entry (dropped) or a Redis failure."""
        if self._resting():
            return None
        try:
            raw = self._client.get(key)
        except self._errors as exc:
            self._failed("read", exc)
            return None
        self._recovered()
        if raw is None:
            return None
        try:
            text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            if not isinstance(text, str):
                raise TypeError(f"a {type(text).__name__} where a brief's JSON was expected")
            return Brief.model_validate_json(text)
        except (UnicodeDecodeError, ValidationError, ValueError, TypeError) as exc:
            log.warning("%s: cache entry %s corrupt (%s); treating as a miss", self.name, key[:18],
                        type(exc).__name__)
            self._discard(key)
            return None

    def set(self, key: str, brief: Brief) -> None:
        """Store ``brief``'s JSON under ``key`` (with the TTL); a failure is a warning."""
        if self._resting():
            return
        try:
            self._client.set(key, brief.model_dump_json(), ex=self.ttl)
        except self._errors as exc:
            self._failed("write", exc)
            return
        self._recovered()

    def info(self) -> dict[str, Any]:
        """The server (without its password), how many briefs it holds, and their TTL.

        Raises:
            redis.exceptions.RedisError: the server cannot be reached (asked for on purpose,
                so the failure is reported, not hidden).
        """
        entries = sum(1 for _ in self._client.scan_iter(match=KEY_PATTERN, count=1000))
        return {"url": self.name, "entries": entries, "ttl": self.ttl}

    def clear(self) -> int:
        """Remove every brief (the ``brief:*`` keys only: the database may hold other data);
        return how many there were."""
        removed = 0
        batch: list[Any] = []
        for key in self._client.scan_iter(match=KEY_PATTERN, count=1000):
            batch.append(key)
            if len(batch) == 1000:
                removed += int(self._client.delete(*batch))
                batch.clear()
        if batch:
            removed += int(self._client.delete(*batch))
        return removed

    def close(self) -> None:
        """Close the connection pool (a later call opens it again)."""
        try:
            self._client.close()
        except self._errors:  # pragma: no cover - closing a dead connection
            pass

    # -- failure handling --------------------------------------------------------------------
    def _resting(self) -> bool:
        return time.monotonic() < self._down_until

    def _failed(self, what: str, exc: BaseException) -> None:
        unreachable = isinstance(exc, self._unreachable)
        with self._lock:
            if unreachable:
                self._down_until = time.monotonic() + self.retry_after
            # an unreachable server is one outage, whether a read or a write found it (a write
            # after a model call longer than ``retry_after`` finds it again: no second warning)
            kind = ("reach" if unreachable else what, type(exc).__name__)
            first = kind not in self._warned
            self._warned.add(kind)
        # one warning per kind of failure, not one per article (an OOM server fails every write)
        level = logging.WARNING if first else logging.DEBUG
        pause = f" for {self.retry_after:.0f} s" if unreachable else " for this entry"
        log.log(level, "%s: cache %s failed (%s: %s); going on without it%s", self.name, what,
                type(exc).__name__, exc, pause)

    def _recovered(self) -> None:
        if self._down_until:
            with self._lock:
                self._down_until = 0.0
                self._warned.clear()  # the next outage is news again
            log.info("%s: cache reachable again", self.name)

    def _discard(self, key: str) -> None:
        try:
            self._client.delete(key)
        except self._errors:  # best effort: the next read drops it again
            pass


def open_redis_cache(url: str) -> RedisCache:
    """The Redis cache at ``url`` (``?ttl=SECONDS`` sets the TTL; the default is 30 days).

    Raises:
        ConfigError: the ``[redis]`` extra is not installed, or ``ttl`` is not a whole number.
    """
    try:
        import redis  # noqa: F401
    except ImportError:
        raise ConfigError("cache_url names a Redis server, which needs the [redis] extra: "
                          "pip install 'mineralbrief[redis]'") from None
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    ttl: int | None = DEFAULT_TTL
    rest = []
    for name, value in query:
        if name != "ttl":
            rest.append((name, value))
            continue
        try:
            ttl = int(value)
        except ValueError:
            raise ConfigError(f"cache_url: ttl must be whole seconds (0 for none), got {value!r}") from None
        if ttl < 0:
            raise ConfigError(f"cache_url: ttl must be 0 or more, got {ttl}")
    # redis-py passes unknown query parameters on to the connection, which refuses them
    clean = urlunsplit(parts._replace(query=urlencode(rest)))
    return RedisCache.from_url(clean, ttl=ttl)
