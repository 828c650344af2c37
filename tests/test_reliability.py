"""Reliability on purpose: a soak against a server failing 30% of requests, and a batch process
killed with SIGKILL midway. Both bounded in requests and time."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

import mineralbrief
from mineralbrief.batch import summarize_many
from mineralbrief.cache import BriefCache

from conftest import FAST, ROOT, SEEDS
from faults import FaultPlan
from fixture_model import fixture_reply
from helpers import children, outputs
from oai_server import FakeOpenAIServer

RATES = {"429": 0.03, "500": 0.02, "502": 0.02, "503": 0.02, "not_json": 0.02, "truncated_json": 0.02,
         "schema_break": 0.03, "invented": 0.03, "stall": 0.02, "drop": 0.02, "trickle": 0.01,
         "empty_200": 0.02, "no_choices": 0.02, "huge_body": 0.01, "deep_json": 0.01}  # 30% in all


def variants(n: int) -> list[str]:
    seeds = [p.read_text() for p in sorted(SEEDS.glob("*.txt"))]
    return [seeds[i % len(seeds)] + f"\nDesk note {i}.\n" for i in range(n)]


@pytest.mark.soak
def test_soak_500_articles_30_percent_faults(tmp_path, capsys):
    texts = variants(500)
    plan = FaultPlan(RATES, seed=7, stall=1.0)
    settings = dict(cache_dir=tmp_path / "cache", timeout=0.5, deadline=2.0, max_attempts=3, max_reasks=1, **FAST)
    t0 = time.perf_counter()
    with FakeOpenAIServer(default=plan) as srv, mineralbrief.Summarizer(base_url=srv.base_url, **settings) as s:
        first = list(summarize_many(texts, concurrency=16, summarizer=s))
        requests_first = len(srv.requests)
        second = list(summarize_many(texts, concurrency=16, summarizer=s))  # the faults go on
        requests_second = len(srv.requests) - requests_first
        srv.default = fixture_reply  # the endpoint recovers: one more run finishes the rest
        third = list(summarize_many(texts, concurrency=16, summarizer=s))
    elapsed = time.perf_counter() - t0
    for results in (first, second):
        assert sorted(r.index for r in results) == list(range(500))  # nothing lost, nothing twice
        for r in results:
            assert r.ok or (r.status == "failed" and r.error), r
    c1, c2 = Counter(r.status for r in first), Counter(r.status for r in second)
    failed_first = {r.index for r in first if not r.ok}
    assert {r.index for r in second if r.status != "cached"} <= failed_first  # the rest came from the cache
    assert c2["cached"] == c1["done"] and c2["failed"] <= c1["failed"]
    c3 = Counter(r.status for r in third)
    assert sorted(r.index for r in third) == list(range(500)) and c3["failed"] == 0  # every article briefed
    assert c3["cached"] == c2["cached"] + c2["done"]
    flagged = sum(1 for r in first if r.ok and not r.brief.grounding.ok)
    for r in first + second:  # an invented claim is never passed off as verified
        if r.ok:
            assert all("Invented Holdings" not in e.name for e in r.brief.entities) or not r.brief.grounding.ok
    with capsys.disabled():
        print(f"\nsoak: {requests_first + requests_second} requests, faults {dict(sorted(plan.counts.items()))}; "
              f"run 1: {dict(c1)} (flagged ungrounded {flagged}); run 2: {dict(c2)}; run 3, faults off: {dict(c3)}; "
              f"lost 0; {elapsed:.1f} s")


@pytest.mark.soak
def test_sigkill_midway_loses_nothing(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i, text in enumerate(variants(240)):
        (inbox / f"a{i:03d}.txt").write_text(text)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MINERALBRIEF_", "OPENAI_"))}

    with FakeOpenAIServer(default=fixture_reply) as srv:
        def cmd(out: Path) -> list[str]:
            return [sys.executable, "-m", "mineralbrief.cli", "daily", str(inbox), "--date", "2026-11-21",
                    "--out", str(out), "--base-url", srv.base_url, "--concurrency", "4", "--quiet"]

        whole = tmp_path / "whole"
        subprocess.run(cmd(whole), check=True, env={**env, "MINERALBRIEF_CACHE_DIR": str(tmp_path / "c1")},
                       capture_output=True, cwd=ROOT, timeout=300)

        out = tmp_path / "killed"
        run_env = {**env, "MINERALBRIEF_CACHE_DIR": str(tmp_path / "c2")}
        proc = subprocess.Popen(cmd(out), env=run_env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        folder = out / "2026-11-21"
        while time.monotonic() < deadline and len(list(folder.glob("*.json"))) < 40:
            time.sleep(0.02)
        assert children(proc.pid) == []  # one process does the work: nothing left behind by a kill
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        written = list(folder.glob("*.json"))
        assert 0 < len(written) < 240, "the kill must land midway"
        for p in written:
            json.loads(p.read_text())  # no half-written brief
        cache = BriefCache(tmp_path / "c2")
        assert all(cache.get(k) is not None for k in cache._cache.iterkeys())  # no corrupt entry
        cache.close()

        subprocess.run(cmd(out), check=True, env=run_env, capture_output=True, cwd=ROOT, timeout=300)
    assert not list(out.rglob(".*.tmp"))
    got, want = outputs(out), outputs(whole)
    assert sorted(got) == sorted(want)
    for name in want:
        assert got[name] == want[name], name
