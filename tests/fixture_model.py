"""A deterministic stand-in for a model, for batch tests. FIXTURE: it answers every request
with the offline backend's brief of the article in the request, so any article gets a valid,
grounded answer without a real model."""

from __future__ import annotations

import hashlib
from typing import Any

from mineralbrief.backends.offline import build_brief
from mineralbrief.domain.facts import extract_facts

from oai_server import Reply, article_of, completion


def offline_answer(request: dict[str, Any]) -> dict[str, Any]:
    text = article_of(request)
    return build_brief(extract_facts(text)).model_dump(mode="json", exclude_none=True)


def article_bucket(request: dict[str, Any], buckets: int) -> int:
    return int(hashlib.sha256(article_of(request).encode()).hexdigest(), 16) % buckets


def fixture_reply(request: dict[str, Any]) -> Reply:
    if not article_of(request):  # e.g. a body cut short by a client killed mid-send
        return Reply(status=400, body={"error": {"message": "fixture: no article in the request"}})
    return Reply(body=completion(request, offline_answer(request)))
