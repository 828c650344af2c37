"""The brief cache: diskcache on disk, a key that covers every input, corrupt entries are misses.

Values are stored as the brief's JSON text, never as pickles, and nothing pickled is ever read:
diskcache unpickles by default (CVE-2025-69872: whoever can write the cache directory could run
code in every process that reads it), so the cache uses ``TextDisk``, which stores and reads
text only and refuses anything else as a corrupt entry (a miss). The directory is made
owner-only (0700). An entry written by another version either validates or is a miss.

The maintained fork ``diskcache-community`` installs under the same module name as diskcache
(which other packages pull in), so two would clash in one environment; the text-only disk
closes the hole with the released diskcache instead.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any, Protocol

import diskcache
from diskcache.core import MODE_RAW, MODE_TEXT, UNKNOWN
from pydantic import ValidationError

from .article import Article
from .errors import ConfigError
from .models import ArticleMeta, Brief, Usage

log = logging.getLogger(__name__)


def key_prefix(**components: Any) -> str:
    """What every key of one summarizer shares: the named components that change an answer
    besides the article (backend, model, endpoint host, prompt version, schema, sampling),
    as canonical JSON. Computed once per summarizer. The API key is never a component.
    """
    if any("key" in name and "api" in name for name in components):
        raise ValueError("the API key must never be part of a cache key")
    return json.dumps(components, sort_keys=True, default=str, separators=(",", ":"))


def cache_key(prefix: str, content_hash: str) -> str:
    """One article's key: the summarizer's ``key_prefix`` and the article's content hash."""
    return "brief:" + hashlib.sha256(f"{prefix}|{content_hash}".encode()).hexdigest()


class Cache(Protocol):
    """What the API needs of a cache."""

    def get(self, key: str) -> Brief | None: ...
    def set(self, key: str, brief: Brief) -> None: ...


class NullCache:
    """A cache that holds nothing (``cache=False``)."""

    def get(self, key: str) -> Brief | None:
        return None

    def set(self, key: str, brief: Brief) -> None:
        return None


class BriefStore:
    """A summarizer's cache as it uses it: a key per article, and failures as misses.

    A cache is an optimisation: a read that fails is a miss, a write that fails keeps the paid
    brief and only loses its caching. Either is logged once per store, not per article.
    """

    def __init__(self, cache: Cache, prefix: str | None) -> None:
        self.cache = cache
        self.prefix = prefix  # None: this backend's answers are not cached
        self._warned = False

    def key(self, art: Article) -> str | None:
        return None if self.prefix is None else cache_key(self.prefix, art.content_hash)

    def get(self, key: str | None, art: Article) -> Brief | None:
        """The cached brief under ``key``, as a brief of ``art``, or None."""
        if key is None:
            return None
        try:
            hit = self.cache.get(key)
        except Exception as exc:
            self._warn("read", exc)
            return None
        if hit is None:
            return None
        if not isinstance(hit, Brief):  # a cache of one's own that answers something else: a miss
            self._warn("read", TypeError(f"a {type(hit).__name__} where a Brief was expected"))
            return None
        # the same text from another outlet: the answer is shared, the source is this article's
        return hit.model_copy(update={
            "source": meta(art), "usage": Usage(),
            "provenance": hit.provenance.model_copy(update={"cached": True}),
        })

    def put(self, key: str | None, brief: Brief) -> None:
        if key is None:
            return
        try:
            self.cache.set(key, brief)
        except Exception as exc:  # the brief is paid for: keep it, whatever the disk says
            self._warn("write", exc)

    def close(self) -> None:
        close = getattr(self.cache, "close", None)  # the Cache protocol does not require it
        if close is not None:
            close()

    def _warn(self, what: str, exc: Exception) -> None:
        if not self._warned:
            self._warned = True
            logging.getLogger("mineralbrief").warning(
                "cache %s failed (%s: %s); going on without it", what, type(exc).__name__, exc)


def meta(art: Article) -> ArticleMeta:
    """What a brief records of its article."""
    return ArticleMeta(title=art.title, url=art.url, published=art.published, content_hash=art.content_hash)


class UnsafeEntry(ValueError):
    """A cache row that is not text (a pickle, or a file outside the cache): never loaded."""


class TextDisk(diskcache.Disk):
    """A diskcache ``Disk`` for text keys and text values only: it never pickles, and it
    refuses to unpickle what someone else may have written into the cache directory."""

    def put(self, key: Any) -> tuple[Any, bool]:
        if type(key) is not str:
            raise TypeError(f"cache keys are text, not {type(key).__name__}")
        return super().put(key)

    def get(self, key: Any, raw: bool) -> Any:
        if not raw:
            raise UnsafeEntry("a pickled key in the cache: refused")
        return super().get(key, raw)

    def store(self, value: Any, read: bool, key: Any = UNKNOWN) -> tuple[Any, ...]:
        if type(value) is not str:
            raise TypeError(f"cache values are text, not {type(value).__name__}")
        return super().store(value, read, key)

    def fetch(self, mode: int, filename: str | None, value: Any, read: bool) -> Any:
        if mode not in (MODE_RAW, MODE_TEXT):
            raise UnsafeEntry(f"a cache entry in mode {mode} (not text): refused")
        if filename is not None and (os.path.isabs(filename) or ".." in Path(filename).parts):
            raise UnsafeEntry("a cache entry pointing outside the cache: refused")
        return super().fetch(mode, filename, value, read)


# what a cache folder holds: diskcache's database and the folders of its large values
_CACHE_ENTRY = re.compile(r"cache\.db(?:-wal|-shm|-journal)?|[0-9a-f]{2}")


def _private_dir(directory: Path) -> None:
    """Create ``directory`` (and missing parents) for the owner only; tighten one we own that
    holds a cache or nothing. A folder of other things someone named as the cache folder (their
    home, a shared folder; "/" as root) keeps its mode, with a warning: it was made owner-only."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    mode = directory.stat()
    if mode.st_uid != os.getuid() or not mode.st_mode & 0o077:
        return
    other = next((p.name for p in directory.iterdir() if not _CACHE_ENTRY.fullmatch(p.name)), None)
    if other is not None:
        logging.getLogger("mineralbrief").warning(
            "cache folder %s holds other things (%r): its mode (%o) is left as it is, so others may read "
            "the cache; name a folder of its own", directory, other, mode.st_mode & 0o777)
        return
    directory.chmod(0o700)


# SQLite's busy timeout: how long one read or write waits for another process's lock. diskcache's
# default is 60 s, so a cache another process held locked (a long `cache clear`, a backup) cost
# every article a minute or two; a write that takes the lock takes milliseconds.
BUSY_TIMEOUT = 2.0
# how long a cache that failed so (locked, full, its database damaged) is left alone
REST = 30.0
_DOWN = (sqlite3.Error, diskcache.Timeout)


class BriefCache:
    """Briefs on disk, in a ``diskcache.Cache`` (SQLite + files, safe across processes), as
    JSON text only (``TextDisk``), in an owner-only directory.

    A read or write that fails for the whole cache (locked past ``BUSY_TIMEOUT``, a full disk, a
    damaged database) leaves the cache alone for ``REST`` seconds: reads are misses and writes
    are skipped, so it costs one wait and one warning, not one per article."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        _private_dir(self.directory)
        db = self.directory / "cache.db"
        if db.exists():  # diskcache's opening writes, and waits 60 s for a lock another process holds
            probe = sqlite3.connect(str(db), timeout=BUSY_TIMEOUT)
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.rollback()
            finally:
                probe.close()
        self._cache = diskcache.Cache(str(self.directory), disk=TextDisk, timeout=BUSY_TIMEOUT)
        self._down_until = 0.0

    def _resting(self) -> bool:
        return time.monotonic() < self._down_until

    def _down(self, exc: BaseException) -> None:
        self._down_until = time.monotonic() + REST
        log.warning("cache at %s failed (%s: %s); going on without it for %.0f s",
                    self.directory, type(exc).__name__, exc, REST)

    def get(self, key: str) -> Brief | None:
        """The cached brief, or None on a miss or an unreadable entry (which is dropped)."""
        if self._resting():
            return None
        try:
            raw = self._cache.get(key)
        except _DOWN as exc:  # the cache, not this entry: nothing to drop
            self._down(exc)
            return None
        except Exception as exc:  # a damaged entry must never break a run
            log.warning("cache entry %s unreadable (%s); treating as a miss", key[:18], exc)
            self._discard(key)
            return None
        if raw is None:
            return None
        try:
            if not isinstance(raw, str):
                raise UnsafeEntry(f"a {type(raw).__name__} where a brief's JSON was expected")
            return Brief.model_validate_json(raw)
        except (ValidationError, ValueError, TypeError) as exc:
            log.warning("cache entry %s corrupt (%s); treating as a miss", key[:18], type(exc).__name__)
            self._discard(key)
            return None

    def set(self, key: str, brief: Brief) -> None:
        if self._resting():
            return
        try:
            self._cache.set(key, brief.model_dump_json())
        except _DOWN as exc:
            self._down(exc)

    def _discard(self, key: str) -> None:
        try:
            self._cache.delete(key)
        except Exception:  # pragma: no cover - best effort
            pass

    def info(self) -> dict[str, Any]:
        """Where the cache is, how many entries it holds and their size on disk."""
        return {
            "directory": str(self.directory),
            "entries": len(self._cache),
            "size_bytes": self._cache.volume(),
        }

    def clear(self) -> int:
        """Remove every entry; return how many there were."""
        return int(self._cache.clear())

    def close(self) -> None:
        self._cache.close()


def open_cache(directory: Path) -> Cache:
    """The disk cache in ``directory``; when it cannot be opened (read-only, corrupt, no
    space), a warning and no cache: a run never fails for its cache."""
    try:
        return BriefCache(directory)
    except Exception as exc:
        log.warning("cache at %s cannot be opened (%s: %s); going on without it",
                    directory, type(exc).__name__, exc)
        return NullCache()


# -- choosing the cache: a URL names a shared one, no URL the disk cache ------------------------
REDIS_SCHEMES = ("redis", "rediss", "unix")


def open_cache_url(url: str | None, directory: Path) -> Cache:
    """The cache a ``cache_url`` names: ``redis://``, ``rediss://`` or ``unix://`` a Redis
    server shared by every worker (``rediscache.RedisCache``, the ``[redis]`` extra); ``None``
    the disk cache in ``directory`` (``open_cache``).

    Raises:
        ConfigError: an unknown scheme, a bad ``ttl``, or the ``[redis]`` extra missing (asked
            for by name, so a missing package is an error, not a quiet run without a cache).
    """
    if not url:
        return open_cache(directory)
    scheme = url.partition("://")[0].lower()
    if scheme in REDIS_SCHEMES:
        from .rediscache import open_redis_cache  # imports redis-py only when asked for

        return open_redis_cache(url)
    raise ConfigError(f"cache_url must start with {', '.join(s + '://' for s in REDIS_SCHEMES)}, got {scheme!r}")


# what diskcache writes in its folder: the SQLite file (and its journals), and values too big
# for it as xx/yy/<hex>.val files; `cache clear` removes a corrupt cache only if that is all
_DISKCACHE_FILE = re.compile(r"cache\.db(-wal|-shm|-journal)?")
_DISKCACHE_DIR = re.compile(r"[0-9a-f]{2}")


def _foreign(directory: Path) -> list[Path]:
    """What in ``directory`` diskcache did not write."""
    found = []
    for parent, dirs, files in os.walk(directory):
        depth = len(Path(parent).relative_to(directory).parts)
        for name in dirs:
            if depth >= 2 or not _DISKCACHE_DIR.fullmatch(name) or (Path(parent) / name).is_symlink():
                found.append(Path(parent) / name)
        for name in files:
            ok = _DISKCACHE_FILE.fullmatch(name) if depth == 0 else depth == 2 and name.endswith(".val")
            if not ok or (Path(parent) / name).is_symlink():
                found.append(Path(parent) / name)
    return found


def remake_cache(directory: Path, exc: Exception) -> None:
    """Remove a corrupt disk cache and create an empty one, only if every file in its folder is
    one diskcache writes.

    Raises:
        ConfigError: the folder holds anything else (nothing is removed).
    """
    foreign = _foreign(directory)
    if foreign:
        raise ConfigError(f"the cache at {directory} is corrupt ({exc}), and it holds files the cache did not "
                          f"write ({foreign[0]}{' ...' if len(foreign) > 1 else ''}): not removing it; "
                          "remove it yourself, or point MINERALBRIEF_CACHE_DIR elsewhere")
    shutil.rmtree(directory)
    BriefCache(directory).close()
