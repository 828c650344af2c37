"""An endpoint's rate limit, for ``FakeOpenAIServer``: token buckets, 429 past them, headers.

FIXTURE: ``TokenBucketLimit(inner, rpm=..., tpm=...)`` is a default handler that lets a request
through to ``inner`` (which makes the answer) only while its buckets hold a request and the
request's tokens; otherwise it answers 429 with the ``Retry-After`` that would let it through.
Every answer carries OpenAI's ``x-ratelimit-*`` headers (``headers=False`` leaves them out). The
buckets hold ``burst`` seconds of the limit, like a provider that enforces a per-minute limit
over shorter periods.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from oai_server import Reply


def request_tokens(request: dict[str, Any]) -> int:
    """The server's count of a request against a token limit: prompt (4 bytes a token) + max_tokens."""
    return len(json.dumps(request, separators=(",", ":"))) // 4 + int(request.get("max_tokens") or 0)


class TokenBucketLimit:
    """Requests (and tokens) per minute as token buckets; counts what it let through and refused."""

    def __init__(self, inner: Callable[[dict[str, Any]], Reply], *, rpm: int, tpm: int | None = None,
                 burst: float = 1.0, headers: bool = True) -> None:
        self.inner, self.headers = inner, headers
        self.limits: dict[str, int] = {k: v for k, v in (("requests", rpm), ("tokens", tpm)) if v}
        self.capacity = {k: v * burst / 60 for k, v in self.limits.items()}
        self.level = dict(self.capacity)
        self.stamp = time.monotonic()
        self.lock = threading.Lock()
        self.passed = self.refused = 0
        self.first: float | None = None
        self.last: float | None = None

    def _refill(self, now: float) -> None:
        for k, cap in self.capacity.items():
            self.level[k] = min(cap, self.level[k] + (now - self.stamp) * self.limits[k] / 60)
        self.stamp = now

    def __call__(self, request: dict[str, Any]) -> Reply:
        need = {"requests": 1.0, "tokens": float(request_tokens(request))}
        with self.lock:
            now = time.monotonic()
            self.first = self.first if self.first is not None else now
            self._refill(now)
            short = {k: min(need[k], cap) - self.level[k] for k, cap in self.capacity.items()}
            wait = max((s * 60 / self.limits[k] for k, s in short.items() if s > 0), default=0.0)
            if wait > 0:
                self.refused += 1
                return Reply(status=429, body={"error": {"message": "fixture: rate limit reached", "type": "requests"}},
                             headers={"retry-after": f"{wait:.3f}", **self._headers()})
            for k in self.capacity:
                self.level[k] -= need[k]
            self.passed += 1
            self.last = now
            headers = self._headers()
        reply = self.inner(request)
        return replace(reply, headers={**reply.headers, **headers})

    def _headers(self) -> dict[str, str]:
        if not self.headers:
            return {}
        out = {}
        for k, cap in self.capacity.items():
            per_s = self.limits[k] / 60
            out[f"x-ratelimit-limit-{k}"] = str(self.limits[k])
            out[f"x-ratelimit-remaining-{k}"] = str(max(0, int(self.level[k])))
            out[f"x-ratelimit-reset-{k}"] = f"{max(0.0, cap - self.level[k]) / per_s:.3f}s"
        return out

    def allowed_seconds(self, n: int, tokens_each: int = 0) -> float:
        """The least time ``n`` requests take under these limits, from a full bucket."""
        times = [max(0.0, n - self.capacity["requests"]) * 60 / self.limits["requests"]]
        if "tokens" in self.capacity:
            times.append(max(0.0, n * tokens_each - self.capacity["tokens"]) * 60 / self.limits["tokens"])
        return max(times)
