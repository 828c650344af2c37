"""Ray past one machine, on a local Ray cluster started here on 127.0.0.1 (marked ``ray``).

The cluster is loopback only (node address 127.0.0.1), with no dashboard, no usage stats and
no token file written to the home folder; the fixture model server (tests/oai_server.py with
tests/fixture_model.py: FIXTURE answers, the offline brief of each article) and a
redis-server run here on 127.0.0.1 as well. The same articles through Ray and through
``summarize_many`` give the same briefs, the same failures, and the same cache entries (keys
and values) in a shared Redis.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import mineralbrief
from mineralbrief.batch import summarize_many
from mineralbrief.errors import ArticleError, ConfigError

from conftest import FAST, ROOT, SEEDS
from fixture_model import fixture_reply
from oai_server import FakeOpenAIServer, Reply, article_of

# Ray Data's own deprecation notices (its DataContext reading its own old options)
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.*")
ARTICLES = sorted(SEEDS.glob("*.txt")) + sorted((ROOT / "corpus").glob("*.txt"))
REQUIRE_RAY = os.environ.get("MINERALBRIEF_REQUIRE_RAY") == "1"
# what Ray reads when it is imported and when it starts (this Ray: 2.60): a node address of
# 127.0.0.1 instead of the machine's (Ray calls a Linux machine a cluster and picks its
# outward address otherwise), no usage report, and no token file written to ~/.ray
RAY_ENV = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "disabled"}


def test_without_ray_installed_the_error_says_what_to_install(monkeypatch):
    from mineralbrief.ray import summarize_on_ray

    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(ConfigError, match=r"\[ray\]"):
        summarize_on_ray(["text"], backend="offline")


class Unjoined:
    """A Ray not yet connected, whose ``init`` raises ``error``."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def is_initialized(self) -> bool:
        return False

    def init(self, **kwargs: object) -> None:
        raise self.error


def test_a_cluster_that_cannot_be_joined_is_a_config_error(monkeypatch):
    # `--address ray://head:10001` without ray[client] was "internal error: ValueError"
    import mineralbrief.ray as on_ray

    monkeypatch.setattr(on_ray, "_silent", lambda address: None)  # the head takes a connection
    no_client = Unjoined(ValueError("Ray Client requires pip package `ray[client]`."))
    monkeypatch.setattr(on_ray, "_ray", lambda local=False: no_client)
    text = (SEEDS / "rarex_ussm_mou.txt").read_text()
    with pytest.raises(ConfigError, match=r"cannot join the Ray cluster at ray://head:10001: ValueError: .*ray\[client\]"):
        list(on_ray.summarize_on_ray([text], address="ray://head:10001", backend="offline", cache=False))


def test_an_address_where_nothing_answers_fails_at_once_in_one_line(monkeypatch):
    # ray.init waited in its own connection retries (over ten minutes) for a cluster that is not there
    import socket

    import mineralbrief.ray as on_ray

    unused = Unjoined(AssertionError("ray.init was tried"))
    monkeypatch.setattr(on_ray, "_ray", lambda local=False: unused)
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # (bound and let go: nothing listens there)
    text = (SEEDS / "rarex_ussm_mou.txt").read_text()
    t0 = time.monotonic()
    for address in (f"127.0.0.1:{port}", f"ray://127.0.0.1:{port}"):
        with pytest.raises(ConfigError, match=rf"cannot join the Ray cluster at {address}: nothing answers at "
                                              rf"127.0.0.1:{port} \(ConnectionRefusedError"):
            list(on_ray.summarize_on_ray([text], address=address, backend="offline", cache=False))
    assert time.monotonic() - t0 < 5
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    listening.listen()
    with listening:
        assert on_ray._silent(f"127.0.0.1:{listening.getsockname()[1]}") is None
    assert on_ray._silent("auto") is None


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[object]:
    if importlib.util.find_spec("ray") is None:
        why = "Ray is not installed: pip install -e '.[ray]' (make test installs it)"
        if REQUIRE_RAY:
            pytest.fail(why + " (MINERALBRIEF_REQUIRE_RAY=1)")
        pytest.skip(why)
    with pytest.MonkeyPatch.context() as mp:
        for name, value in RAY_ENV.items():
            mp.setenv(name, value)
        import ray
        import ray.data

        ray.init(num_cpus=2, include_dashboard=False, logging_level="warning", log_to_driver=False)
        ray.data.DataContext.get_current().enable_progress_bars = False
        try:
            assert ray.util.get_node_ip_address() == "127.0.0.1"
            yield ray
        finally:
            ray.shutdown()


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    from test_rediscache import redis_exe, redis_server

    with redis_server(redis_exe()) as url:
        yield url.rsplit("/", 1)[0]


def poisoned(request: dict) -> Reply:
    """The fixture model, except that an article saying POISON gets a 400 (not retried)."""
    if "POISON" in article_of(request):
        return Reply(status=400, body={"error": {"message": "fixture: this article is refused"}})
    return fixture_reply(request)


@pytest.fixture(scope="module")
def model() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(default=poisoned) as srv:
        yield srv


def comparable(brief: mineralbrief.Brief) -> dict:
    data = brief.model_dump(mode="json")
    data["provenance"].pop("created_at")  # the moment it was made: the only field that may differ
    return data


def entries(url: str) -> dict[str, dict]:
    import redis

    client = redis.Redis.from_url(url)
    try:
        out = {}
        for key in client.scan_iter(match="brief:*"):
            value = json.loads(client.get(key))
            value["provenance"].pop("created_at")
            out[key.decode()] = value
        return out
    finally:
        client.close()


@pytest.mark.ray
def test_ray_and_summarize_many_give_the_same_briefs_failures_and_cache_entries(ray_cluster, model, redis_url):
    from mineralbrief.ray import summarize_on_ray

    articles: list = [*ARTICLES, "A short note that says POISON and nothing else.", Path("no/such/file.txt"),
                      ArticleError("a loader's error", article_id="feed#3"), "   "]
    settings = dict(base_url=model.base_url, **FAST)
    local = {r.index: r for r in summarize_many(articles, concurrency=8, cache_url=f"{redis_url}/1", **settings)}
    on_ray = list(summarize_on_ray(articles, actors=2, concurrency=8, cache_url=f"{redis_url}/2", **settings))

    assert sorted(r.index for r in on_ray) == list(range(len(articles)))  # nothing lost, nothing twice
    for r in on_ray:
        mine = local[r.index]
        assert (r.source, r.status, r.error) == (mine.source, mine.status, mine.error)
        assert (r.brief is None) == (mine.brief is None)
        if r.brief is not None:
            assert comparable(r.brief) == comparable(mine.brief)
    failed = {r.source: r.error for r in on_ray if r.status == "failed"}
    assert len(failed) == 4 and "no/such/file.txt" in failed and failed["feed#3"] == "ArticleError: a loader's error"
    briefed = sum(r.ok for r in on_ray)
    assert briefed == len(ARTICLES)

    in_one_process, through_ray = entries(f"{redis_url}/1"), entries(f"{redis_url}/2")
    assert len(in_one_process) == briefed and in_one_process == through_ray

    # the shared cache: what one process stored, every Ray worker finds
    before = len(model.requests)
    again = list(summarize_on_ray(articles, actors=2, concurrency=8, cache_url=f"{redis_url}/1", **settings))
    assert sorted(r.status for r in again if r.ok) == ["cached"] * briefed
    assert len(model.requests) == before + 1  # only the refused article asks again (a failure is not cached)


@pytest.mark.ray
def test_the_offline_backend_on_ray_matches_one_process(ray_cluster):
    from mineralbrief.ray import summarize_on_ray

    local = {r.index: r for r in summarize_many(ARTICLES, backend="offline")}
    on_ray = list(summarize_on_ray(ARTICLES, backend="offline", actors=2, batch_size=5))
    assert sorted(r.index for r in on_ray) == list(range(len(ARTICLES)))
    for r in on_ray:
        assert r.status == local[r.index].status and r.error == local[r.index].error
        if r.ok:
            assert comparable(r.brief) == comparable(local[r.index].brief)


@pytest.mark.ray
def test_brief_dataset_gives_a_row_per_row_with_a_reason_for_each_failure(ray_cluster):
    import datetime

    from mineralbrief.ray import RESULT_COLUMNS, brief_dataset

    text = ARTICLES[0].read_text(encoding="utf-8")
    rows = [
        {"text": text, "title": "A title", "url": "https://example.com/a", "published": datetime.date(2026, 1, 2),
         "source": "feed/a"},
        {"text": "", "title": None, "url": None, "published": None, "source": "feed/empty"},
        {"text": None, "title": "no text", "url": None, "published": None, "source": "feed/none"},
    ]
    out = brief_dataset(ray_cluster.data.from_items(rows), backend="offline", actors=1)
    got = {r["source"]: r for r in out.take_all()}
    assert set(got) == {"feed/a", "feed/empty", "feed/none"}
    assert set(got["feed/a"]) == set(RESULT_COLUMNS)
    brief = mineralbrief.Brief.model_validate_json(got["feed/a"]["brief"])
    assert got["feed/a"]["status"] == "done" and brief.source.title == "A title"
    assert brief.source.published == datetime.date(2026, 1, 2)
    assert got["feed/empty"]["status"] == "failed" and "empty" in got["feed/empty"]["error"]
    assert got["feed/none"]["status"] == "failed" and "'text'" in got["feed/none"]["error"]


@pytest.mark.ray
def test_an_actor_killed_mid_run_loses_no_article_and_repeats_none(ray_cluster, redis_url):
    """SIGKILL one actor while its batch waits on the model: Ray restarts it and retries the
    batch; every article still comes back once, and what was briefed before the kill is found
    in the shared cache instead of being paid for again."""
    from mineralbrief.ray import summarize_on_ray

    slow = lambda req: Reply(body=fixture_reply(req).body, delay=0.3)  # noqa: E731
    texts = [f"{ARTICLES[i % len(ARTICLES)].read_text(encoding='utf-8')}\nItem {i}.\n" for i in range(60)]
    with FakeOpenAIServer(default=slow) as srv:
        results = summarize_on_ray(texts, actors=2, concurrency=4, batch_size=8, base_url=srv.base_url,
                                   cache_url=f"{redis_url}/3", **FAST)
        killed: list[int] = []
        killer = threading.Thread(target=_kill_one_actor_after, args=(srv, 12, killed), daemon=True)
        killer.start()
        got = list(results)
        killer.join()
    assert killed, "no MapWorker actor was killed"
    assert sorted(r.index for r in got) == list(range(len(texts)))  # nothing lost, nothing twice
    assert [r.error for r in got if not r.ok] == []
    # the killed actor's answers in flight are asked again, nothing else
    assert len(texts) <= len(srv.requests) <= len(texts) + 4


def _kill_one_actor_after(srv: FakeOpenAIServer, requests: int, killed: list[int]) -> None:
    """SIGKILL one actor once the model has had ``requests`` requests (so batches are in flight)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        pids = _actor_pids()
        if pids and len(srv.requests) >= requests:
            os.kill(pids[0], signal.SIGKILL)
            killed.append(pids[0])
            return
        time.sleep(0.02)


def _actor_pids() -> list[int]:
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes()
            except OSError:
                continue
            if b"MapWorker(MapBatches(_Briefer))" in cmdline:
                pids.append(int(proc.name))
    return sorted(pids)


@pytest.mark.ray
def test_a_budget_is_refused_on_ray(ray_cluster):
    from mineralbrief.ray import summarize_on_ray

    with pytest.raises(ConfigError, match="budget_tokens"):
        summarize_on_ray(ARTICLES, backend="offline", budget_tokens=1000)


LOCAL_RUN = """
import json, sys
from pathlib import Path
import mineralbrief

seen = []
for r in mineralbrief.summarize_on_ray(sorted(Path(sys.argv[1]).glob("*.txt")), backend="offline"):
    import ray  # imported by now, after mineralbrief asked for a loopback-only cluster

    seen.append((r.index, r.status))
    node = ray.util.get_node_ip_address()
print(json.dumps({"seen": sorted(seen), "node": node, "after": ray.is_initialized()}))
"""


@pytest.mark.ray
def test_address_none_starts_a_loopback_cluster_and_stops_it(tmp_path):
    """What the daily job does: no cluster yet, ``address=None``: one is started on 127.0.0.1
    for the call and stopped after (in a process of its own: this module's cluster is running)."""
    import subprocess

    if importlib.util.find_spec("ray") is None:
        pytest.skip("Ray is not installed") if not REQUIRE_RAY else pytest.fail("Ray is not installed")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RAY_", "MINERALBRIEF_"))}
    env.update(RAY_AUTH_MODE="disabled", PYTHONPATH=str(ROOT), MINERALBRIEF_CACHE_DIR=str(tmp_path / "cache"))
    proc = subprocess.run([sys.executable, "-c", LOCAL_RUN, str(SEEDS)], env=env, capture_output=True, text=True,
                          timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert [i for i, _ in got["seen"]] == list(range(len(list(SEEDS.glob("*.txt")))))
    assert got["node"] == "127.0.0.1" and got["after"] is False


@pytest.mark.ray
def test_daily_on_the_ray_engine_writes_the_day(ray_cluster, tmp_path, capsys):
    """`mineralbrief daily --engine ray` briefs on the cluster this process already joined."""
    from mineralbrief.cli import main

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for path in sorted(SEEDS.glob("*.txt"))[:4]:
        (inbox / path.name).write_text(path.read_text())
    out = tmp_path / "briefs"
    code = main(["daily", str(inbox), "--date", "2026-11-21", "--out", str(out), "--backend", "offline",
                 "--engine", "ray", "--actors", "1", "-q"])
    assert code == 0, capsys.readouterr().err
    assert len(list((out / "2026-11-21").glob("*.json"))) == 4 and (out / "2026-11-21.json").exists()
