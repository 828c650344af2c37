"""Ray on one machine beside the one-process runner, in the same run, and where Ray's time goes.

2,000 distinct 13 KB press releases, a stand-in endpoint answering after 200 ms
(bench/common.py, a process of its own), no cache (both runners do every article):

1. ``summarize_many(concurrency=32)`` in this process.
2. ``summarize_on_ray`` on a local Ray cluster started here on 127.0.0.1 (2 actors x 16 in
   flight: the same 32 calls in flight), every article accounted for (one result per index).
3. Where Ray's overhead goes: starting the cluster (once per process); a job's actor pool,
   split into Ray's part (a job of two rows through two actors that do nothing: scheduling,
   worker processes, Ray Data's executor) and ours (a job of two articles: importing
   mineralbrief, one Summarizer per actor, one 200 ms answer); serialising (articles to Arrow
   rows, briefs to JSON in the actors and back on the driver, measured on 2,000 here); and
   what the job takes beyond the one-process run.
4. With a redis-server on 127.0.0.1 (when installed): the same job with a shared cache, cold
   (every brief written) and warm (every brief found by the actors).

This machine has 2 cores: a few actors; more would only contend for them.

    PYTHONPATH=. .venv/bin/python bench/ray.py [--n 2000] [--actors 2] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from common import endpoint, variants

# this file is bench/ray.py, and a script's folder comes first on sys.path: `import ray` would
# import this file again instead of Ray
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

# before Ray is imported: a node address of 127.0.0.1 (not the machine's), no usage report,
# no token file written to ~/.ray (see tests/test_ray.py)
os.environ.update(RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER="0", RAY_USAGE_STATS_ENABLED="0", RAY_AUTH_MODE="disabled")


def one_process(base_url: str, texts: list[str], concurrency: int) -> tuple[float, float, Counter]:
    """Wall time, this process's CPU seconds, statuses."""
    from mineralbrief.batch import summarize_many

    t0, cpu0 = time.perf_counter(), time.process_time()
    statuses = Counter(r.status for r in summarize_many(texts, concurrency=concurrency, base_url=base_url,
                                                        cache=False))
    return time.perf_counter() - t0, time.process_time() - cpu0, statuses


def on_ray(texts: list[str], actors: int, concurrency: int, **settings: object) -> tuple[float, float, Counter]:
    """Wall time, time to the first result, statuses; fails loudly unless every index came back once."""
    from mineralbrief.ray import summarize_on_ray

    t0 = time.perf_counter()
    first = None
    seen: Counter = Counter()
    statuses: Counter = Counter()
    for r in summarize_on_ray(texts, actors=actors, concurrency=concurrency, **settings):
        first = first or time.perf_counter() - t0
        seen[r.index] += 1
        statuses[r.status] += 1
    wall = time.perf_counter() - t0
    if sorted(seen) != list(range(len(texts))) or max(seen.values()) != 1:
        raise SystemExit(f"Ray lost or repeated articles: {len(seen)} of {len(texts)} indices, "
                         f"{sum(v > 1 for v in seen.values())} twice")
    return wall, first or 0.0, statuses


class _Nothing:
    """An actor that returns its batch: the cost of Ray's actor-pool machinery alone."""

    def __call__(self, batch):  # type: ignore[no-untyped-def]
        return batch


def empty_job(ray, actors: int) -> float:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    ds = ray.data.from_items([{"i": i} for i in range(actors)])
    ds.map_batches(_Nothing, batch_size=1, compute=ray.data.ActorPoolStrategy(size=actors)).take_all()
    return time.perf_counter() - t0


def serialisation(texts: list[str], base_url: str) -> tuple[float, float, float]:
    """Seconds to turn the articles into Arrow rows, and the briefs into JSON and back."""
    import pyarrow as pa

    import mineralbrief
    from mineralbrief.article import as_article

    t0 = time.perf_counter()
    rows = [as_article(t).model_dump() for t in texts]
    pa.Table.from_pylist(rows)
    to_rows = time.perf_counter() - t0
    brief = mineralbrief.summarize(texts[0], base_url=base_url, cache=False)
    t0 = time.perf_counter()
    dumped = [brief.model_dump_json() for _ in texts]
    dump = time.perf_counter() - t0
    t0 = time.perf_counter()
    for d in dumped:
        mineralbrief.Brief.model_validate_json(d)
    return to_rows, dump, time.perf_counter() - t0


def redis_server() -> tuple[subprocess.Popen[bytes], str] | None:
    import socket

    import redis

    exe = shutil.which("redis-server")
    if exe is None:
        return None
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([exe, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    for _ in range(500):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.02)
    client.close()
    return proc, f"redis://127.0.0.1:{port}/0"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--actors", type=int, default=2)
    ap.add_argument("--concurrency", type=int, default=16, help="articles in flight per actor")
    args = ap.parse_args()
    n, actors, per_actor, delay = args.n, args.actors, args.concurrency, 0.2
    total = actors * per_actor
    ideal = math.ceil(n / total) * delay

    import ray

    with endpoint(delay=delay) as base_url:
        print(f"{n} distinct 13 KB articles, server latency {delay * 1000:.0f} ms, {total} in flight, "
              f"no cache; ideal {ideal:.2f} s; {os.cpu_count()} cores")
        wall1, cpu1, st1 = one_process(base_url, variants(n, "One"), total)
        print(f"1. summarize_many, one process:            {wall1:6.2f} s = {wall1 / ideal:.2f}x ideal  {dict(st1)}; "
              f"client CPU {cpu1 / n * 1000:.1f} ms/article (one core: >= {cpu1:.1f} s)")

        t0 = time.perf_counter()
        ray.init(num_cpus=os.cpu_count(), include_dashboard=False, logging_level="warning")
        ray.data.DataContext.get_current().enable_progress_bars = False
        logging.getLogger("ray.data").setLevel(logging.WARNING)  # a line per job start and end
        start = time.perf_counter() - t0
        try:
            ray_part = empty_job(ray, actors)
            pool, _, _ = on_ray(variants(actors, "Warm"), actors, per_actor, base_url=base_url, cache=False)
            wall2, first, st2 = on_ray(variants(n, "Ray"), actors, per_actor, base_url=base_url, cache=False)
            print(f"2. summarize_on_ray, {actors} actors x {per_actor}:        {wall2:6.2f} s = "
                  f"{wall2 / ideal:.2f}x ideal, {wall2 / wall1:.2f}x one process  {dict(st2)} (all {n} indices once)")
            to_rows, dump, load = serialisation(variants(n, "Ser"), base_url)
            print("3. where Ray's time goes:")
            print(f"   cluster start-up (ray.init, once per process)             {start:6.2f} s")
            print(f"   a job's actor pool, Ray's part (2 rows, 2 idle actors)     {ray_part:6.2f} s  every job")
            print(f"   a 2-article job (+ importing mineralbrief, a Summarizer     {pool:6.2f} s  every job")
            print("     per actor, one 200 ms answer)")
            print(f"   first result of the {n}-article job after                {first:6.2f} s")
            print(f"   serialisation of {n}: articles -> Arrow rows {to_rows:.2f} s, briefs -> JSON {dump:.2f} s "
                  f"(actors), JSON -> Brief {load:.2f} s (driver)")
            print(f"   the Ray job minus the one-process run                     {wall2 - wall1:+6.2f} s")
            server = redis_server()
            if server is None:
                print("4. (no redis-server installed: the shared-cache runs are skipped)")
                return
            proc, url = server
            try:
                cold, _, st_cold = on_ray(variants(n, "Ray"), actors, per_actor, base_url=base_url, cache_url=url)
                warm, _, st_warm = on_ray(variants(n, "Ray"), actors, per_actor, base_url=base_url, cache_url=url)
                print(f"4. shared Redis cache: cold {cold:6.2f} s {dict(st_cold)}; warm {warm:6.2f} s {dict(st_warm)}")
            finally:
                proc.terminate()
                proc.wait(timeout=10)
        finally:
            ray.shutdown()


if __name__ == "__main__":
    main()
