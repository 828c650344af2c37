"""The Redis cache: the disk cache's keys, JSON values only, a TTL, and every Redis failure a
warning and a miss. fakeredis for the unit tests; a real redis-server, started here on
127.0.0.1 (a free port, no persistence) and stopped after, for the integration tests."""

from __future__ import annotations

import logging
import os
import pickle
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import mineralbrief
from mineralbrief.batch import summarize_many
from mineralbrief.cache import BriefCache, NullCache, open_cache_url
from mineralbrief.errors import ConfigError

from conftest import FAST, SEEDS
from fixture_model import fixture_reply
from oai_server import FakeOpenAIServer

redis = pytest.importorskip("redis")
fakeredis = pytest.importorskip("fakeredis")

from mineralbrief.rediscache import DEFAULT_TTL, RedisCache, open_redis_cache, redacted_url  # noqa: E402

# read at collection, before _isolate clears MINERALBRIEF_* for each test: `make test` sets it,
# so a missing redis-server fails there instead of skipping
REQUIRE_REDIS = os.environ.get("MINERALBRIEF_REQUIRE_REDIS") == "1"
ARTICLES = sorted(SEEDS.glob("*.txt"))


@pytest.fixture
def fixture_server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(default=fixture_reply) as srv:
        yield srv


@pytest.fixture
def fake() -> fakeredis.FakeRedis:
    return fakeredis.FakeRedis(server=fakeredis.FakeServer())


def summarizer(srv: FakeOpenAIServer, store=None, **kw) -> mineralbrief.Summarizer:
    return mineralbrief.Summarizer(base_url=srv.base_url, store=store, **{**FAST, **kw})


# -- the same keys and values as the disk cache -----------------------------------------------
def test_same_keys_and_values_as_the_disk_cache(fixture_server, fake, tmp_path):
    import diskcache

    from mineralbrief.cache import TextDisk

    with summarizer(fixture_server, store=RedisCache(fake)) as s:
        for a in ARTICLES:
            s.summarize(a)
    with summarizer(fixture_server, store=BriefCache(tmp_path / "disk")) as s:
        keys = {s.cache_key(mineralbrief.load_article(a)) for a in ARTICLES}
        for a in ARTICLES:
            s.summarize(a)
    disk = diskcache.Cache(str(tmp_path / "disk"), disk=TextDisk)
    in_redis = {k.decode(): fake.get(k).decode() for k in fake.keys("*")}
    in_disk = {k: disk[k] for k in disk.iterkeys()}
    disk.close()
    assert set(in_redis) == set(in_disk) == keys and len(keys) == len(ARTICLES)
    strip = _without_timestamps
    assert {k: strip(v) for k, v in in_redis.items()} == {k: strip(v) for k, v in in_disk.items()}


def _without_timestamps(value: str) -> dict:
    import json

    data = json.loads(value)  # a value is plain JSON text
    data["provenance"].pop("created_at")
    return data


def test_a_hit_makes_no_request_and_is_marked_cached(fixture_server, fake):
    with summarizer(fixture_server, store=RedisCache(fake)) as s:
        first = s.summarize(ARTICLES[0])
        second = s.summarize(ARTICLES[0])
    assert len(fixture_server.requests) == 1
    assert not first.provenance.cached and second.provenance.cached
    assert second.model_dump(exclude={"provenance", "usage"}) == first.model_dump(exclude={"provenance", "usage"})


def test_ttl_from_the_url_and_the_default(fake):
    brief = mineralbrief.summarize(ARTICLES[0], backend="offline")
    RedisCache(fake).set("brief:a", brief)
    RedisCache(fake, ttl=60).set("brief:b", brief)
    RedisCache(fake, ttl=0).set("brief:c", brief)
    assert DEFAULT_TTL - 5 <= fake.ttl("brief:a") <= DEFAULT_TTL
    assert 55 <= fake.ttl("brief:b") <= 60
    assert fake.ttl("brief:c") == -1  # no expiry
    assert open_redis_cache("redis://127.0.0.1:1/0?ttl=60").ttl == 60
    assert open_redis_cache("redis://127.0.0.1:1/0?ttl=0").ttl is None
    assert open_redis_cache("redis://127.0.0.1:1/0").ttl == DEFAULT_TTL
    with pytest.raises(ConfigError, match="whole seconds"):
        open_redis_cache("redis://127.0.0.1:1/0?ttl=soon")


# -- what is read back is JSON or nothing: never a pickle ------------------------------------
PWNED = Path(tempfile.gettempdir()) / "mineralbrief-test-rediscache-pwned"


class _Planted:
    def __reduce__(self):  # unpickling this would write PWNED
        return (Path.write_text, (PWNED, "x"))


@pytest.mark.parametrize("value", [
    pickle.dumps(_Planted()),
    b"\xff\xfe not utf-8",
    b'{"headline": "half a brief"}',
    b"not json at all",
])
def test_a_planted_or_corrupt_value_is_a_miss_and_is_dropped(fixture_server, fake, value, caplog):
    PWNED.unlink(missing_ok=True)
    with summarizer(fixture_server, store=RedisCache(fake)) as s:
        key = s.cache_key(mineralbrief.load_article(ARTICLES[0]))
        fake.set(key, value)
        with caplog.at_level(logging.WARNING, logger="mineralbrief"):
            brief = s.summarize(ARTICLES[0])
    assert not brief.provenance.cached and len(fixture_server.requests) == 1
    assert not PWNED.exists()
    assert "corrupt" in caplog.text
    assert fake.get(key) != value  # dropped, then the fresh brief stored


# -- Redis failing: a warning and a miss, the brief kept --------------------------------------
def test_redis_down_is_a_warning_and_a_miss_and_the_brief_is_kept(fixture_server, caplog):
    server = fakeredis.FakeServer()
    cache = RedisCache(fakeredis.FakeRedis(server=server), retry_after=0.2)
    server.connected = False
    with summarizer(fixture_server, store=cache) as s, caplog.at_level(logging.WARNING, logger="mineralbrief"):
        briefs = [s.summarize(a) for a in ARTICLES[:3]]
        assert all(not b.provenance.cached for b in briefs)
        warnings = [r for r in caplog.records if "going on without it" in r.getMessage()]
        assert len(warnings) == 1  # one per outage, not one per article
        server.connected = True
        time.sleep(0.25)  # left alone for retry_after, then tried again
        s.summarize(ARTICLES[3])
        assert s.summarize(ARTICLES[3]).provenance.cached


def test_an_unreachable_server_costs_one_timeout_not_one_per_article(fixture_server):
    with socket.socket() as sock:  # a port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cache = RedisCache.from_url(f"redis://127.0.0.1:{port}/0")
    calls = 0
    real_get = cache._client.get

    def counting_get(key):
        nonlocal calls
        calls += 1
        return real_get(key)

    cache._client.get = counting_get
    with summarizer(fixture_server, store=cache) as s:
        briefs = [s.summarize(a) for a in ARTICLES]
    assert len(briefs) == len(ARTICLES) and calls == 1


def test_an_error_the_server_answers_is_a_miss_for_that_key_only(fixture_server, fake, caplog):
    with summarizer(fixture_server, store=RedisCache(fake)) as s:
        key = s.cache_key(mineralbrief.load_article(ARTICLES[0]))
        fake.hset(key, "not", "a string")  # WRONGTYPE on GET and SET
        with caplog.at_level(logging.WARNING, logger="mineralbrief"):
            assert not s.summarize(ARTICLES[0]).provenance.cached
        s.summarize(ARTICLES[1])
        assert s.summarize(ARTICLES[1]).provenance.cached  # the cache was not given up on
    assert "ResponseError" in caplog.text


def test_clear_removes_briefs_only_and_info_counts_them(fake):
    brief = mineralbrief.summarize(ARTICLES[0], backend="offline")
    cache = RedisCache(fake, name=redacted_url("redis://:s3cret@127.0.0.1:6379/0"))
    for i in range(5):
        cache.set(f"brief:{i}", brief)
    fake.set("someone-elses-key", "kept")
    assert cache.info() == {"url": "redis://:***@127.0.0.1:6379/0", "entries": 5, "ttl": DEFAULT_TTL}
    assert cache.clear() == 5
    assert fake.keys("*") == [b"someone-elses-key"]


# -- choosing the cache from the settings ----------------------------------------------------
def test_cache_url_setting_opens_a_redis_cache_without_connecting(monkeypatch, tmp_path):
    monkeypatch.setenv("MINERALBRIEF_CACHE_URL", "redis://:s3cret@127.0.0.1:1/3?ttl=60")
    s = mineralbrief.Summarizer(base_url="http://127.0.0.1:1/v1")
    assert isinstance(s.cache, RedisCache) and s.cache.ttl == 60
    assert "s3cret" not in repr(s.settings) and "s3cret" not in s.cache.name
    assert isinstance(open_cache_url(None, tmp_path / "c"), BriefCache)
    no_cache = mineralbrief.Summarizer(base_url="http://127.0.0.1:1/v1", cache=False)
    assert isinstance(no_cache.cache, NullCache)


@pytest.mark.parametrize("url", ["memcached://:s3cret@host:11211", "s3cret@127.0.0.1:6379"])
def test_a_cache_url_that_is_not_redis_is_a_config_error_that_hides_it(url):
    with pytest.raises(ConfigError, match="cache_url") as info:
        mineralbrief.Summarizer(backend="offline", cache_url=url)
    assert "s3cret" not in str(info.value)


def test_without_the_redis_extra_a_cache_url_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "redis", None)  # as if redis-py were not installed
    with pytest.raises(ConfigError, match=r"\[redis\] extra"):
        open_cache_url("redis://127.0.0.1:6379/0", tmp_path)


# -- a real redis-server ---------------------------------------------------------------------
def redis_exe() -> str:
    """The redis-server program; without it the test is skipped (failed with REQUIRE_REDIS)."""
    exe = shutil.which("redis-server")
    if exe is None:
        why = "redis-server is not installed (apt-get install redis-server; make test installs it)"
        if REQUIRE_REDIS:
            pytest.fail(why + " (MINERALBRIEF_REQUIRE_REDIS=1)")
        pytest.skip(why)
    return exe


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    """A redis-server on 127.0.0.1, a free port, no persistence; stopped after the module."""
    with redis_server(redis_exe()) as url:
        yield url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class redis_server:
    """``with redis_server(exe) as url``: redis-server on 127.0.0.1 (a free port, nothing
    saved to disk), stopped on exit. Also used by tests/test_ray.py."""

    def __init__(self, exe: str = "redis-server") -> None:
        self.port = free_port()
        self.proc = subprocess.Popen(
            [exe, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
             "--protected-mode", "yes", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def __enter__(self) -> str:
        client = redis.Redis(host="127.0.0.1", port=self.port)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.__exit__()
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.02)
        client.close()
        return f"redis://127.0.0.1:{self.port}/0"

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def test_real_redis_a_second_batch_is_all_cached(fixture_server, redis_url):
    url = redis_url.replace("/0", "/1")
    settings = dict(base_url=fixture_server.base_url, cache_url=url, **FAST)
    first = list(summarize_many(ARTICLES, concurrency=4, **settings))
    second = list(summarize_many(ARTICLES, concurrency=4, **settings))
    assert sorted(r.status for r in first) == ["done"] * len(ARTICLES)
    assert sorted(r.status for r in second) == ["cached"] * len(ARTICLES)
    assert len(fixture_server.requests) == len(ARTICLES)
    client = redis.Redis.from_url(url)
    assert len(client.keys("brief:*")) == len(ARTICLES)
    assert all(0 < client.ttl(k) <= DEFAULT_TTL for k in client.keys("brief:*"))
    client.flushdb()
    client.close()


def test_real_redis_stopped_mid_run_loses_no_brief(fixture_server, caplog):
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.skip("redis-server is not installed") if not REQUIRE_REDIS else pytest.fail("redis-server missing")
    server = redis_server(exe)
    url = server.__enter__()
    with summarizer(fixture_server, cache_url=url) as s, caplog.at_level(logging.WARNING, logger="mineralbrief"):
        s.summarize(ARTICLES[0])
        server.__exit__()
        briefs = [s.summarize(a) for a in ARTICLES]
    assert [b.provenance.cached for b in briefs] == [False] * len(ARTICLES)
    assert "going on without it" in caplog.text and "ConnectionError" in caplog.text


def test_cli_cache_info_and_clear_read_the_redis_cache(fixture_server, redis_url, capsys, monkeypatch):
    from mineralbrief.cli import main

    url = redis_url.replace("/0", "/2")
    list(summarize_many(ARTICLES, concurrency=4, base_url=fixture_server.base_url, cache_url=url, **FAST))
    assert main(["cache", "info", "--cache-url", url]) == 0
    out = capsys.readouterr().out
    assert f"entries: {len(ARTICLES)}" in out and "127.0.0.1" in out
    monkeypatch.setenv("MINERALBRIEF_CACHE_URL", url)  # the setting, as a batch job would have it
    assert main(["cache", "clear"]) == 0
    assert f"removed {len(ARTICLES)} cached brief(s)" in capsys.readouterr().out
    assert main(["cache", "info"]) == 0
    assert "entries: 0" in capsys.readouterr().out


def test_cli_cache_commands_on_an_unreachable_or_unknown_cache_say_so_in_one_line(capsys):
    from mineralbrief.cli import main

    assert main(["cache", "info", "--cache-url", f"redis://:hunter2@127.0.0.1:{free_port()}/0"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot be used" in err[0] and "hunter2" not in err[0], err
    assert main(["cache", "clear", "--cache-url", "memcached://127.0.0.1:1"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cache_url must start with" in err[0], err
