"""The brief cache: diskcache on disk, a key that covers every input, corrupt entries are misses.

Values are stored as the brief's JSON text, not pickles, so an entry written by another version
of mineralbrief either validates or is treated as a miss.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any, Protocol

import diskcache
from pydantic import ValidationError

from .models import Brief

log = logging.getLogger(__name__)


def cache_key(**components: Any) -> str:
    """A stable key from named components (article hash, backend, model, host, ...).

    The caller passes everything that changes the answer; this function only hashes it. The
    API key is never a component.
    """
    if any("key" in name and "api" in name for name in components):
        raise ValueError("the API key must never be part of a cache key")
    blob = json.dumps(components, sort_keys=True, default=str, separators=(",", ":"))
    return "brief:" + hashlib.sha256(blob.encode()).hexdigest()


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


class BriefCache:
    """Briefs on disk, in a ``diskcache.Cache`` (SQLite + files, safe across processes)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._cache = diskcache.Cache(str(self.directory))

    def get(self, key: str) -> Brief | None:
        """The cached brief, or None on a miss or an unreadable entry (which is dropped)."""
        try:
            raw = self._cache.get(key)
        except Exception as exc:  # a damaged entry must never break a run
            log.warning("cache entry %s unreadable (%s); treating as a miss", key[:18], exc)
            self._discard(key)
            return None
        if raw is None:
            return None
        try:
            return Brief.model_validate_json(raw)
        except (ValidationError, ValueError, TypeError) as exc:
            log.warning("cache entry %s corrupt (%s); treating as a miss", key[:18], type(exc).__name__)
            self._discard(key)
            return None

    def set(self, key: str, brief: Brief) -> None:
        self._cache.set(key, brief.model_dump_json())

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
