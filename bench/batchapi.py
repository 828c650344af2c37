"""Batch API figures: 2,000 real-length articles, a kill while waiting, a re-run that resumes.

The endpoint is ``tests/batch_server.py`` (a local fake of ``/v1/files``, ``/v1/batches`` and
``/v1/chat/completions``, in this process), answering every request with the offline backend's
brief of the 13 KB press release (a FIXTURE answer, grounded in every variant). 10% of the
articles' first answers break the schema (so they are re-asked), and 2% of the lines come back
as errors the first time (so they are sent again).

1. ``summarize_batch`` runs in a child process, which is killed (SIGKILL) while it waits on the
   batch; the run is started again with the same ``state_dir`` and must resume that batch,
   creating no second one but the follow-up (the re-asks and the errored lines).
2. Every article must be accounted for, each re-asked article re-asked once (an article whose
   line errored first and whose answer then broke the schema is re-asked in a third batch).
3. The cost at the Batch API's price, beside the same tokens online, and beside the online
   path itself (``summarize_many``, concurrency 32, the same articles and knobs) measured in
   the same run (``--no-online`` skips it).
4. A warm re-run: every article from the cache, no batch.

    .venv/bin/python bench/batchapi.py [--quick] [--no-online]
"""

from __future__ import annotations

import copy
import json
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from common import ROOT, release, variants

sys.path.insert(0, str(ROOT / "tests"))

from batch_server import FakeBatchServer, chosen

CHILD = r"""
import sys
sys.path.insert(0, {bench!r}); sys.path.insert(0, {root!r})
from common import variants
from mineralbrief.batchapi import summarize_batch
summarize_batch(variants({n}), state_dir={state!r}, base_url={url!r}, api_key="sk-fixture", model="gpt-4o-mini",
                cache_dir={cache!r}, poll=(0.2, 1.0), reask_via="batch")
"""


def fixture_answer() -> dict:
    import mineralbrief
    from mineralbrief.models import BriefContent

    brief = mineralbrief.summarize(release(), backend="offline")
    return json.loads(BriefContent.model_validate(brief.model_dump(include=set(BriefContent.model_fields)))
                      .model_dump_json())


def main() -> None:
    from mineralbrief.batchapi import summarize_batch
    from mineralbrief.config import Settings
    from mineralbrief.models import Usage

    n = 300 if "--quick" in sys.argv else 2000
    answer = fixture_answer()
    texts = variants(n)
    with FakeBatchServer(answer=lambda req: copy.deepcopy(answer)) as srv, tempfile.TemporaryDirectory() as tmp:
        srv.invalid, srv.errors, srv.slow_polls = 0.10, 0.02, 10**9
        state, cache = Path(tmp) / "state", Path(tmp) / "cache"
        settings = {"base_url": srv.base_url, "api_key": "sk-fixture", "model": "gpt-4o-mini", "cache_dir": cache}

        # 1. a run killed while it waits on its batch
        code = CHILD.format(bench=str(ROOT / "bench"), root=str(ROOT), n=n, state=str(state), url=srv.base_url,
                            cache=str(cache))
        t0 = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-c", code])
        while srv.counts["polls"] < 2:
            if child.poll() is not None:
                raise SystemExit("the child ended before it was killed")
            time.sleep(0.05)
        created_at = time.perf_counter() - t0
        child.send_signal(signal.SIGKILL)
        child.wait()
        saved = json.loads((state / "state.json").read_text())["rounds"][0]
        print(f"{n} articles: JSONL written, uploaded ({srv.files['file-1']['meta']['bytes'] / 1e6:.1f} MB) and "
              f"batch created in {created_at:.1f} s; killed while waiting on {saved['batch_id']} "
              f"({saved['status']})")

        # 2. the run again: resumes batch_1, then the follow-up
        srv.slow_polls = 1
        t1 = time.perf_counter()
        run = summarize_batch(texts, state_dir=state, reask_via="batch", poll=(0.2, 1.0), **settings)
        resumed = time.perf_counter() - t1
        statuses = Counter(r.status for r in run.results)
        follow = [json.loads(x) for k in range(2, len(run.batches) + 1)
                  for x in (state / f"round-{k}-input.jsonl").read_text().splitlines()]
        reasked = sum(len(line["body"]["messages"]) > 2 for line in follow)
        resent = len(follow) - reasked
        invalid = [i for i, t in enumerate(texts) if chosen({"messages": [{"role": "user", "content": _fenced(t)}]},
                                                            0.10, "invalid")]
        once = all(run.results[i].brief is not None and run.results[i].brief.usage.requests == 2 for i in invalid)
        accounted = sorted(r.index for r in run.results) == list(range(n))
        print(f"re-run: resumed {run.batches[0]} (not made again), then follow-ups {run.batches[1:]} in "
              f"{resumed:.1f} s; batches created {srv.created}, input files uploaded {srv.counts['uploads']} "
              f"(one per batch: nothing sent twice)")
        print(f"articles: {dict(statuses)}; every article accounted for: {accounted}")
        print(f"follow-ups: {reasked} re-asks ({len(invalid)} articles' first answers broke the schema) and "
              f"{resent} lines sent again (errored, ~2%); each re-asked article re-asked once: {once} (an article "
              "whose line errored and whose answer then broke the schema needs a third batch for its re-ask)")
        print(run.summary())

        # 3. the same tokens online, and the online path itself
        used = run.usage_batch + run.usage_online
        print(f"cost: Batch API ${run.cost:,.4f} vs ${run.cost_online:,.4f} for the same {used.total_tokens:,} "
              f"tokens online (gpt-4o-mini list prices, batch at {Settings().batch_price:.0%})")
        if "--no-online" not in sys.argv:
            import mineralbrief
            from mineralbrief.batchapi import price

            t2 = time.perf_counter()
            online = list(mineralbrief.summarize_many(texts, concurrency=32, cache=False, **settings))
            wall = time.perf_counter() - t2
            usage = sum((r.brief.usage for r in online if r.brief is not None), Usage())
            cost = price(Settings(model="gpt-4o-mini"), usage)
            print(f"online path (summarize_many, concurrency 32, measured): {Counter(r.status for r in online)}, "
                  f"{usage.requests:,} requests, {usage.total_tokens:,} tokens, ${cost:,.4f} in {wall:.1f} s; "
                  f"the Batch API costs {run.cost / cost:.2f}x that")

        # 4. warm: all from the cache
        t3 = time.perf_counter()
        warm = summarize_batch(texts, state_dir=state, poll=(0.2, 1.0), **settings)
        print(f"warm re-run: {Counter(r.status for r in warm.results)} in {time.perf_counter() - t3:.1f} s, "
              f"batches created {srv.created}")


def _fenced(text: str) -> str:
    return f"<article-0>\n{text}\n</article-0>"  # how the fake finds the article in a request


if __name__ == "__main__":
    main()
