"""Fault injection for the fixture OpenAI-compatible server. FIXTURE: every answer is made up.

``FaultPlan(rates={"429": 0.05, ...}, seed=1)`` is a default handler for ``FakeOpenAIServer``:
each request draws one outcome, a fault with its configured rate or a good answer (the offline
backend's brief of the article in the request). Draws are seeded, so a run is repeatable.
"""

from __future__ import annotations

import json
import random
import threading
from collections import Counter
from typing import Any

from fixture_model import offline_answer
from oai_server import Reply, completion

KINDS = ("429", "500", "502", "503", "not_json", "truncated_json", "schema_break", "invented", "stall", "drop",
         "trickle", "empty_200", "no_choices", "huge_body", "deep_json")


class FaultPlan:
    """Answers with faults at configurable rates.

    Args:
        rates: kind -> probability per request (kinds in ``KINDS``); the rest are good answers.
        seed: for repeatable draws.
        stall: seconds a stalled answer waits (set it above the client timeout).
    """

    def __init__(self, rates: dict[str, float], seed: int = 0, stall: float = 2.0) -> None:
        unknown = set(rates) - set(KINDS)
        if unknown or sum(rates.values()) > 1:
            raise ValueError(f"bad fault rates: {rates}")
        self.rates = rates
        self.stall = stall
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.counts: Counter[str] = Counter()

    def draw(self) -> str:
        with self.lock:
            x = self.random.random()
        for kind, rate in self.rates.items():
            if x < rate:
                return kind
            x -= rate
        return "ok"

    def __call__(self, request: dict[str, Any]) -> Reply:
        kind = self.draw()
        with self.lock:
            self.counts[kind] += 1
        if kind in ("429", "500", "502", "503"):
            headers = {"retry-after": "0"} if kind == "429" else {}
            return Reply(status=int(kind), body={"error": {"message": f"fixture fault {kind}"}}, headers=headers)
        if kind == "not_json":
            return Reply(kind="raw", body=b"<html><body>502 Bad Gateway</body></html>", headers={"content-type": "text/html"})
        good = completion(request, offline_answer(request))
        if kind == "truncated_json":
            text = json.dumps(good)
            return Reply(kind="raw", body=text[: len(text) // 2].encode())
        if kind == "schema_break":
            return Reply(body=completion(request, {"headline": "x", "key_points": "not a list", "deals": [{"deal_type": "handshake"}]}))
        if kind == "invented":
            answer = offline_answer(request)
            answer["entities"].append({"name": "Invented Holdings Plc", "kind": "company"})
            answer["key_points"][0]["evidence"] = [{"quote": "Invented Holdings agreed to buy the project for $9 billion"}]
            return Reply(body=completion(request, answer))
        if kind == "stall":
            return Reply(body=good, delay=self.stall)
        if kind == "trickle":  # a byte every 20 ms: never a read timeout, always past the deadline
            return Reply(kind="trickle", trickle=0.02, body=good)
        if kind == "empty_200":
            return Reply(kind="raw", body=b"")
        if kind == "no_choices":
            return Reply(body={"id": "x", "object": "chat.completion", "choices": []})
        if kind == "huge_body":  # 40 MB of one string: over the transport's cap
            return Reply(kind="raw", body=b'{"choices": [{"message": {"content": "' + b"x" * 40_000_000 + b'"}}]}')
        if kind == "deep_json":
            return Reply(kind="raw", body=b"[" * 200_000 + b"]" * 200_000)
        if kind == "drop":
            return Reply(kind="drop")
        return Reply(body=good)
