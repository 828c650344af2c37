"""The summarizers that module-level ``summarize()`` keeps: one per distinct settings, reused.

A service calling ``summarize(text)`` per request must not pay a new client (a TLS context),
a new connection to the provider and a new cache per call; it gets the summarizer made by the
first call with the same settings (and API key), its connection pool and cache included.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import PurePath
from typing import Any, Generic, Protocol, TypeVar

from pydantic import SecretStr

from .config import Settings, environment_key, make_settings


class _Closable(Protocol):
    def close(self) -> None: ...


S = TypeVar("S", bound=_Closable)

_MAX = 32  # distinct settings kept; the least recently used is dropped past that


def _fingerprint(s: Settings) -> str:
    secret = s.api_key.get_secret_value() if s.api_key is not None else ""
    return s.model_dump_json() + "|" + hashlib.sha256(secret.encode()).hexdigest()


_PLAIN = (str, int, float, bool, type(None), PurePath)  # told apart by their repr


def _call(overrides: dict[str, Any]) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    """The arguments and the environment as a value, or None when a value's repr may not tell two
    apart (``SecretStr("key A")`` and ``SecretStr("key B")`` both print as stars: one tenant's
    key must never answer for another's), and the settings are read again."""
    parts = []
    for name, value in sorted(overrides.items()):
        if isinstance(value, SecretStr):
            value = "secret:" + hashlib.sha256(value.get_secret_value().encode()).hexdigest()
        elif not isinstance(value, _PLAIN):
            return None
        parts.append((name, value))
    return repr(parts), environment_key()


class Shared(Generic[S]):
    """Objects made by ``make(settings)``, one per distinct settings, safe to use from threads."""

    def __init__(self, make: Callable[[Settings], S]) -> None:
        self._make = make
        self._made: OrderedDict[str, S] = OrderedDict()
        # arguments and environment -> fingerprint: a repeated call skips reading the settings
        # again (about a millisecond: pydantic-settings parses every variable)
        self._calls: dict[tuple[str, tuple[tuple[str, str], ...]], str] = {}
        self._lock = threading.Lock()

    def get(self, settings: Settings | None = None, **overrides: Any) -> S:
        call = None if settings is not None else _call(overrides)
        with self._lock:
            known = self._calls.get(call) if call is not None else None
            if known is not None and known in self._made:
                self._made.move_to_end(known)
                return self._made[known]
        s = make_settings(settings, **overrides)
        key = _fingerprint(s)
        with self._lock:
            if call is not None:
                self._calls[call] = key
                if len(self._calls) > 4 * _MAX:
                    self._calls.clear()
            found = self._made.get(key)
            if found is None:
                found = self._made[key] = self._make(s)
                if len(self._made) > _MAX:  # dropped, not closed: another thread may be using it
                    self._made.popitem(last=False)
            self._made.move_to_end(key)
            return found

    def close(self) -> None:
        """Close and forget every object kept (later calls make new ones)."""
        with self._lock:
            made = list(self._made.values())
            self._made.clear()
            self._calls.clear()
        for obj in made:
            try:
                obj.close()
            except Exception:  # at exit, one failed close must not stop the others
                pass
