"""Articles per second for the offline backend on one core.

The sample articles in seeds/ are repeated to N articles (default 1,000) and briefed one after
another in this single process (one core), through the public API with the cache off, so the
figure includes loading, the domain scan, the brief and grounding. Target: >= 200 articles/s.
The domain scan's own cost per article is printed after it.

    .venv/bin/python bench/offline.py [N]
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import mineralbrief
from mineralbrief.domain.facts import extract_facts

ROOT = Path(__file__).resolve().parent.parent


def main(n: int = 1000) -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {max(os.sched_getaffinity(0))})  # one core
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    articles = [mineralbrief.Article(text=texts[i % len(texts)], source=f"a{i}") for i in range(n)]
    s = mineralbrief.Summarizer(backend="offline", cache=False)
    s.summarize(articles[0])  # warm up (compiles the lexicon regexes once)
    t0 = time.perf_counter()
    flagged = 0
    for a in articles:
        flagged += not s.summarize(a).grounding.ok
    elapsed = time.perf_counter() - t0
    chars = sum(len(a.text) for a in articles)
    print(f"{n} articles ({len(texts)} samples repeated, {chars / n:,.0f} chars each on average), one core")
    print(f"offline backend: {n / elapsed:,.0f} articles/s ({elapsed * 1000 / n:.2f} ms/article); "
          f"ungrounded: {flagged} (target >= 200/s)")
    # the domain scan alone: every backend pays it once per article (the LLM backends before
    # each request, on the event loop in a batch)
    t0 = time.perf_counter()
    for a in articles:
        extract_facts(a.text)
    print(f"domain scan (extract_facts) alone: {(time.perf_counter() - t0) * 1e6 / n:,.0f} µs/article")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
