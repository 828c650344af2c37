"""Rate limits: a batch at an endpoint's limit, against a server that enforces it.

The server (a process of its own on 127.0.0.1) is ``tests/oai_server.py`` behind
``tests/limited_server.py``: token buckets for requests and tokens per minute holding one
second of the limit, a 429 with the ``Retry-After`` that would let the request through past
them, OpenAI's ``x-ratelimit-*`` headers on every answer (or none). It answers every request
with the offline backend's brief of the 13 KB press release (a FIXTURE answer, grounded in
every variant). Each scenario briefs N distinct real-length articles with
``summarize_many(concurrency=16)`` on a warmed-up ``Summarizer``, and prints the share of 429s
(target < 1%) and the wall time beside the least time the limit allows, (N - burst) / rate
(target within 10%).

    .venv/bin/python bench/ratelimit.py [--quick]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from common import RELEASE, ROOT, variants

TPM = 8_000_000  # about 20 of these requests a second (each ~6,700 tokens: the prompt and max_tokens)

SERVER = r"""
import gc, json, sys
sys.path.insert(0, {tests!r})
sys.path.insert(0, {root!r})
from oai_server import FakeOpenAIServer, Reply, completion
from limited_server import TokenBucketLimit
import mineralbrief
from mineralbrief.models import BriefContent
text = open({release!r}, encoding="utf-8").read()
brief = mineralbrief.summarize(text, backend="offline")
content = BriefContent.model_validate(brief.model_dump(include=set(BriefContent.model_fields)))
answer = json.loads(content.model_dump_json())
limit = TokenBucketLimit(lambda req: Reply(body=completion(req, answer), delay={delay}),
                         rpm={rpm}, tpm={tpm}, burst={burst}, headers={headers})
gc.freeze()
with FakeOpenAIServer(default=limit, record=False) as srv:
    print(srv.base_url, flush=True)
    for line in sys.stdin:
        print(json.dumps({{"passed": limit.passed, "refused": limit.refused}}), flush=True)
"""


@contextmanager
def limited(rpm: int, tpm: int | None, headers: bool, delay: float,
            burst: float) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    code = SERVER.format(tests=str(ROOT / "tests"), root=str(ROOT), release=str(RELEASE), rpm=rpm, tpm=tpm,
                         headers=headers, delay=delay, burst=burst)
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        yield proc.stdout.readline().strip(), proc
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=10)


def counts(proc: subprocess.Popen[str]) -> dict[str, int]:
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("stats\n")
    proc.stdin.flush()
    return json.loads(proc.stdout.readline())


def scenario(name: str, n: int, *, server_rpm: int, server_tpm: int | None, headers: bool,
             client: dict[str, int], delay: float = 0.05, burst: float = 1.0,
             pace: float | None = None) -> tuple[float, float, float]:
    import mineralbrief

    texts = variants(n + 1, label=name)
    with limited(server_rpm, server_tpm, headers, delay, burst) as (url, proc), tempfile.TemporaryDirectory() as tmp:
        s = mineralbrief.Summarizer(base_url=url, model="m", cache=False, cache_dir=Path(tmp), **client)
        s.summarize(texts[0])  # imports, the connection and one answer's headers, outside the timing
        body_tokens = _request_tokens(s, texts[1])
        time.sleep(burst + 0.2)  # the server's buckets full again
        before = counts(proc)
        t0 = time.perf_counter()
        results = list(mineralbrief.summarize_many(texts[1:], concurrency=16, summarizer=s))
        wall = time.perf_counter() - t0
        after = counts(proc)
        s.close()
    refused = after["refused"] - before["refused"]
    sent = after["passed"] - before["passed"] + refused
    rate_rq = server_rpm / 60
    allowed = max(0.0, (n - rate_rq * burst) / rate_rq)
    if server_tpm:
        rate_tk = server_tpm / 60
        allowed = max(allowed, (n * body_tokens - rate_tk * burst) / rate_tk)
    if pace:  # where the client's own pace (articles/s with no limit) is slower, that is the bound
        allowed = max(allowed, n / pace)
    allowed += delay  # the last answer's own latency
    ok = sum(r.status == "done" for r in results)
    share = refused / max(sent, 1)
    bound = f"{allowed:>8.2f} {wall / allowed:>6.3f}x" if allowed > 2 * delay else f"{'-':>8} {'-':>7}"
    print(f"{name:<38} {n:>5} {ok:>5} {sent:>6} {refused:>5} {share:>7.2%} {wall:>8.2f} {bound}")
    return share, wall, allowed


def _request_tokens(s, text: str) -> int:
    """What the server counts for one of these requests (prompt estimate + max_tokens)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from limited_server import request_tokens

    from mineralbrief.article import as_article

    return request_tokens(s.backend.request_body(s.prepare(as_article(text))))


def main() -> None:
    import logging

    logging.getLogger("instructor").setLevel(logging.CRITICAL)  # each refused call, as the CLI does
    quick = "--quick" in sys.argv
    n = 300 if quick else 1000
    print(f"{'scenario':<38} {'N':>5} {'done':>5} {'sent':>6} {'429s':>5} {'share':>7} {'wall s':>8} "
          f"{'limit s':>8} {'ratio':>7}")
    ceiling = scenario("no limit reached (the client's pace)", n, server_rpm=600_000, server_tpm=None,
                       headers=True, client={})
    pace = n / ceiling[1]
    print(f"  the client alone briefs {pace:.0f} articles/s here; the limits below are under that")
    rows = [  # (429 share, wall, allowed)
        scenario("rpm 1200, rpm set, headers", n, server_rpm=1200, server_tpm=None, headers=True,
                 client={"rpm": 1200}, pace=pace),
        scenario("rpm 1200, rpm set, no headers", n, server_rpm=1200, server_tpm=None, headers=False,
                 client={"rpm": 1200}, pace=pace),
        scenario("rpm 1200, nothing set, headers", n, server_rpm=1200, server_tpm=None, headers=True, client={},
                 pace=pace),
        scenario("rpm 1200, 10 s burst, nothing set, headers", n, server_rpm=1200, server_tpm=None, headers=True,
                 client={}, burst=10.0, pace=pace),
        scenario("tpm-bound, tpm set, headers", n, server_rpm=60_000, server_tpm=TPM, headers=True,
                 client={"rpm": 60_000, "tpm": TPM}, pace=pace),
        scenario("tpm-bound, nothing set, headers", n, server_rpm=60_000, server_tpm=TPM, headers=True, client={},
                 pace=pace),
    ]
    print("for contrast, a limit the client is told nothing of (no setting, no headers): nothing to pace by, so it"
          " only pauses all calls on each 429, and an article fails when max_attempts (4) in a row are refused")
    scenario("rpm 1200, nothing set, no headers", n, server_rpm=1200, server_tpm=None, headers=False, client={},
             pace=pace)
    worst_share = max(r[0] for r in rows)
    worst_ratio = max(r[1] / r[2] for r in rows)
    print(f"\nworst 429 share {worst_share:.2%} (target < 1%); worst time {worst_ratio:.3f}x the limit's "
          "(target <= 1.10x)")
    print("429 share = refused / requests the server saw; limit s = (N - the burst) / rate + one latency, or N"
          " at the client's own pace when that is slower; buckets hold one second of the limit unless said")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
