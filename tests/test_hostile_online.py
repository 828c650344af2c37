"""The online path against a hostile endpoint and hostile answers (a second review's findings).

FIXTURE: every answer here is scripted; none is a real model's output."""

from __future__ import annotations

from mineralbrief.batch import summarize_many

from conftest import FAST, SEEDS
from helpers import invented
from oai_server import FakeOpenAIServer, Reply, completion

ARTICLE = SEEDS / "rarex_ussm_mou.txt"


def variants(n: int) -> list[str]:
    return [ARTICLE.read_text() + f"\nDesk note {i}.\n" for i in range(n)]


def test_a_strict_batch_counts_the_tokens_of_briefs_it_refused():
    # strict=True raised UngroundedBriefError, which carries the paid brief but is no
    # BackendError: the batch counted 0 tokens for it, so the budget never stopped a batch of
    # ungrounded answers (4 articles at 1,000 tokens each went out under a 1,500 budget)
    def ungrounded(req):
        return Reply(body=completion(req, invented(), tokens=(1000, 0)))

    with FakeOpenAIServer(default=ungrounded) as srv:
        results = list(summarize_many(variants(4), concurrency=1, budget_tokens=1500, base_url=srv.base_url,
                                      cache=False, strict=True, max_reasks=0, **FAST))
        sent = len(srv.requests)
    statuses = [r.status for r in sorted(results, key=lambda r: r.index)]
    assert statuses == ["failed", "failed", "skipped_budget", "skipped_budget"] and sent == 2
