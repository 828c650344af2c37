"""Batch figures: wall time against a 200 ms server, the warm re-run, daily_brief at scale, and
peak memory while streaming 10,000 articles.

1. 500 articles through summarize_many at concurrency 32 against a local OpenAI-compatible
   FIXTURE server (tests/oai_server.py in a separate process, answering after 200 ms with the
   offline backend's brief of the article). Printed as a ratio to the ideal ceil(500/32) x 0.2 s
   (target <= 1.10x): a bare HTTP client sending the same requests (the floor the server and
   transport set); workers=1 (everything in this process), its first batch and a second batch
   of new articles; workers=2, five batches of new articles after the workers are started (the
   start is timed and printed apart), then their median and worst. Each line gives the client's CPU per article (this process and
   its workers, from /proc) and the stand-in server's CPU, since all share this machine's cores.
2. The same 500 again, all cached: summarizing work per article (target < 0.5 s in all).
3. daily_brief over 2,000 briefs (target < 2 s).
4. 10,000 articles streamed through summarize_many (offline backend): peak RSS (target < 300 MB).

    .venv/bin/python bench/batch.py [--quick]
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = r"""
import re, sys
sys.path.insert(0, {tests!r})
from oai_server import FakeOpenAIServer, Reply, completion, article_of
from fixture_model import offline_answer
cache = {{}}
def answer(req):
    # the articles are 7 seeds, each with an "Item N." line appended: one answer per seed,
    # so the stand-in for a remote endpoint spends little of this machine's CPU (a real
    # endpoint spends none of it)
    key = re.sub(r"\n[A-Z][a-z ]*item \d+\.\n|\nItem \d+\.\n", "", article_of(req))
    if key not in cache:
        cache[key] = offline_answer(req)
    return Reply(body=completion(req, cache[key]), delay={delay})
# record=False: the requests are not kept (a list of them grows by thousands here, and the
# collector's passes over it stall every answer in flight); gc.freeze() leaves the imports
# out of those passes. A real endpoint's pauses are not this machine's to measure.
import gc
gc.freeze()
with FakeOpenAIServer(default=answer, record=False) as srv:
    print(srv.base_url, flush=True)
    sys.stdin.read()
"""


def articles(n: int, label: str = "Item") -> list[str]:
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    return [seeds[i % len(seeds)] + f"\n{label} {i}.\n" for i in range(n)]


def transport_floor(base_url: str, texts: list[str], concurrency: int) -> float:
    """Wall time of a bare async HTTP client (openai's own httpx client, no openai, no
    instructor, no summarizing) posting one chat request per text at ``concurrency``: what
    the server and the transport alone cost."""
    import openai

    async def run() -> float:
        sem = asyncio.Semaphore(concurrency)
        async with openai.DefaultAsyncHttpxClient(base_url=base_url, timeout=30) as client:
            async def one(text: str) -> None:
                async with sem:
                    body = {"model": "floor", "messages": [{"role": "user", "content": f"<article>\n{text}\n</article>"}]}
                    response = await client.post("/chat/completions", content=json.dumps(body),
                                                 headers={"content-type": "application/json"})
                    response.raise_for_status()
                    response.json()

            await one(texts[0])  # one connection and the imports, outside the timing
            t0 = time.perf_counter()
            await asyncio.gather(*(one(t) for t in texts))
            return time.perf_counter() - t0

    return asyncio.run(run())


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a live process, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(quick: bool = False) -> None:
    import mineralbrief
    from mineralbrief.batch import summarize_many
    from mineralbrief.daily import daily_brief

    n, conc, delay = (100, 32, 0.2) if quick else (500, 32, 0.2)
    texts = articles(n)
    proc = subprocess.Popen([sys.executable, "-c", SERVER.format(tests=str(ROOT / "tests"), delay=delay)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        base_url = proc.stdout.readline().strip()
        ideal = math.ceil(n / conc) * delay
        floor = transport_floor(base_url, articles(n, "Floor item"), conc)
        print(f"1. {n} articles, concurrency {conc}, server latency {delay * 1000:.0f} ms, ideal {ideal:.2f} s "
              f"(target <= 1.10x):")
        print(f"   floor: a bare HTTP client sending the same requests, no summarizing: {floor:.2f} s, "
              f"ratio {floor / ideal:.3f}x")
        def timed(label: str, batch: list[str], s: mineralbrief.Summarizer) -> float:
            pool = s.start_workers(wait=False)  # the running pool, None with workers=1
            pids = pool.pids if pool is not None else []
            watched = [proc.pid, *pids]  # the stand-in server, then the workers
            c0, t0, w0 = time.process_time(), time.perf_counter(), [cpu_seconds(p) for p in watched]
            counts = Counter(r.status for r in summarize_many(batch, concurrency=conc, summarizer=s))
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            server, *workers = (cpu_seconds(p) - c for p, c in zip(watched, w0))
            where = f" (this process {cpu / n * 1000:.1f}, {len(pids)} workers {sum(workers) / n * 1000:.1f})" if pids else ""
            print(f"   {label}: {wall:.2f} s, ratio {wall / ideal:.3f}x; client CPU "
                  f"{(cpu + sum(workers)) / n * 1000:.1f} ms/article{where}; server CPU {server:.2f} s; "
                  f"done {counts['done']}/{n}")
            return wall / ideal

        with tempfile.TemporaryDirectory() as cache_dir:
            s = mineralbrief.Summarizer(base_url=base_url, cache_dir=Path(cache_dir), timeout=30)
            timed("workers=1, first batch of this process", texts, s)
            timed(f"workers=1, warm process (a second batch of {n} new articles, same Summarizer)",
                  articles(n, "Second batch item"), s)
            with tempfile.TemporaryDirectory() as cache_dir2:
                t0 = time.perf_counter()
                w = mineralbrief.Summarizer(base_url=base_url, cache_dir=Path(cache_dir2), timeout=30, workers=2)
                w.start_workers()
                print(f"   workers=2: the two worker processes started and ready in {time.perf_counter() - t0:.2f} s "
                      "(not in the figures below)")
                ratios = [timed("workers=2, first batch of the workers", articles(n, "Workers item"), w)]
                for k in "second third fourth fifth".split():
                    ratios.append(timed(f"workers=2, {k} batch of {n} new articles",
                                        articles(n, f"Workers {k} item"), w))
                w.close()
                print(f"   workers=2 over {len(ratios)} batches: median {statistics.median(ratios):.3f}x, "
                      f"worst {max(ratios):.3f}x, over 1.10x: {sum(r > 1.10 for r in ratios)}")
            t0 = time.perf_counter()
            warm = list(summarize_many(texts, concurrency=conc, summarizer=s))
            warm_wall = time.perf_counter() - t0
            t0 = time.perf_counter()
            for t in texts:
                s.summarize(t)
            per = (time.perf_counter() - t0) / n
            print(f"2. warm re-run of the same {n} (all cached: {sum(r.status == 'cached' for r in warm)}): "
                  f"{warm_wall:.3f} s through summarize_many; {per * 1000:.3f} ms/article in summarize "
                  f"(target < 0.5 s in all, <= 1 ms/article)")
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)

    offline = mineralbrief.Summarizer(backend="offline", cache=False)
    base = [offline.summarize(t) for t in articles(14)]
    many = [base[i % len(base)].model_copy(update={"source": base[i % len(base)].source.model_copy(
        update={"url": f"https://example.test/{i}"})}) for i in range(2000)]
    t0 = time.perf_counter()
    day = daily_brief(many, date=date(2026, 11, 21))
    print(f"3. daily_brief over {len(many)} briefs: {time.perf_counter() - t0:.3f} s "
          f"({len(day.deals)} merged deals) (target < 2 s)")

    stream_n = 2000 if quick else 10_000
    seeds = articles(7)

    def stream():
        for i in range(stream_n):
            yield seeds[i % 7] + f"\nStream item {i}.\n"

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    count = sum(1 for r in summarize_many(stream(), concurrency=16, summarizer=offline) if r.ok)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"4. {count}/{stream_n} articles streamed through summarize_many (offline) in "
          f"{time.perf_counter() - t0:.1f} s: peak RSS {peak:.0f} MB (was {before:.0f} MB before) (target < 300 MB)")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
