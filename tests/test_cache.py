"""The brief cache: hits make no request, every key component is a miss, corrupt is a miss."""

from __future__ import annotations

import pytest

import mineralbrief
from mineralbrief.cache import BriefCache, key_prefix

from conftest import FAST, SEEDS
from helpers import reference
from oai_server import answer

ARTICLE = SEEDS / "rarex_ussm_mou.txt"


def call(server, article=ARTICLE, **kw):
    return mineralbrief.summarize(article, base_url=server.base_url, **{**FAST, **kw})


def test_second_identical_call_makes_no_request(server):
    server.push(answer(reference()))
    first = call(server)
    second = call(server)
    assert len(server.requests) == 1
    assert first.provenance.cached is False and second.provenance.cached is True
    assert second.usage.requests == 0
    assert second.model_dump(exclude={"provenance", "usage"}) == first.model_dump(exclude={"provenance", "usage"})


@pytest.mark.parametrize("change", [
    {"model": "other-model"},
    {"temperature": 0.7},
    {"max_tokens": 1000},
    {"seed": 7},
    {"max_reasks": 0},
    {"mode": "json"},
])
def test_changing_a_key_component_is_a_miss(server, change):
    server.push(answer(reference()), answer(reference()))
    call(server)
    again = call(server, **change)
    assert len(server.requests) == 2 and again.provenance.cached is False


def test_changed_article_is_a_miss(server):
    server.push(answer(reference()), answer(reference()))
    call(server)
    call(server, article=ARTICLE.read_text() + "\nUpdated.\n")
    assert len(server.requests) == 2


def test_changed_endpoint_host_is_a_miss(server):
    from oai_server import FakeOpenAIServer

    server.push(answer(reference()))
    call(server)
    with FakeOpenAIServer() as other:
        other.push(answer(reference()))
        brief = mineralbrief.summarize(ARTICLE, base_url=other.base_url, **FAST)
    assert brief.provenance.cached is False and len(other.requests) == 1


@pytest.mark.parametrize("component", ["mineralbrief.backends.openai_compat.prompt_version", "mineralbrief.api._schema_hash"])
def test_changed_prompt_or_schema_is_a_miss(server, monkeypatch, component):
    server.push(answer(reference()), answer(reference()))
    call(server)
    monkeypatch.setattr(component, lambda *names: "changed")
    mineralbrief.api.close_shared()  # a new version of the prompts or models comes with a new process
    call(server)
    assert len(server.requests) == 2


def test_api_key_is_not_part_of_the_key(server):
    server.push(answer(reference()))
    call(server, api_key="sk-first-aaaaaaaaaaaaaaaaaaaa")
    again = call(server, api_key="sk-second-bbbbbbbbbbbbbbbbbbbb")
    assert again.provenance.cached is True and len(server.requests) == 1


def test_cache_false_neither_reads_nor_writes(server):
    server.push(answer(reference()), answer(reference()))
    call(server, cache=False)
    call(server, cache=False)
    assert len(server.requests) == 2


def test_corrupt_entry_is_a_miss(server, tmp_path):
    server.push(answer(reference()), answer(reference()))
    s = mineralbrief.Summarizer(base_url=server.base_url, **FAST)
    s.summarize(ARTICLE)
    store: BriefCache = s.cache  # type: ignore[assignment]
    (key,) = list(store._cache.iterkeys())
    store._cache.set(key, '{"headline": "truncat')
    brief = s.summarize(ARTICLE)
    assert brief.provenance.cached is False and len(server.requests) == 2
    assert s.summarize(ARTICLE).provenance.cached is True  # rewritten, readable again


def test_cache_key_refuses_an_api_key():
    with pytest.raises(ValueError):
        key_prefix(model="x", api_key="sk-123")


class _Planted:
    """A pickle that, if ever loaded, writes a marker file: the attack of CVE-2025-69872."""

    marker = ""

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_a_planted_pickle_is_never_loaded(server, tmp_path):
    import diskcache

    server.push(answer(reference()), answer(reference()))
    s = mineralbrief.Summarizer(base_url=server.base_url, **FAST)
    s.summarize(ARTICLE)
    (key,) = list(s.cache._cache.iterkeys())  # type: ignore[attr-defined]
    s.close()
    _Planted.marker = str(tmp_path / "pwned")
    attacker = diskcache.Cache(str(s.settings.resolved_cache_dir))  # the default disk pickles
    attacker.set(key, _Planted())
    attacker.set(("a", "tuple", "key"), "x")  # a pickled key too
    attacker.close()
    again = mineralbrief.Summarizer(base_url=server.base_url, **FAST)
    brief = again.summarize(ARTICLE)
    assert not (tmp_path / "pwned").exists()
    assert brief.provenance.cached is False and len(server.requests) == 2  # refused: a miss
    with pytest.raises(Exception, match="refused"):
        list(again.cache._cache.iterkeys())  # type: ignore[attr-defined]


def test_the_cache_directory_is_owner_only(tmp_path):
    BriefCache(tmp_path / "new" / "cache").close()
    assert (tmp_path / "new" / "cache").stat().st_mode & 0o777 == 0o700
    loose = tmp_path / "loose"
    loose.mkdir(mode=0o777)
    loose.chmod(0o777)
    BriefCache(loose).close()
    assert loose.stat().st_mode & 0o777 == 0o700
    loose.chmod(0o755)  # a cache already in it: still its own
    BriefCache(loose).close()
    assert loose.stat().st_mode & 0o777 == 0o700


def test_a_folder_of_other_things_named_as_the_cache_keeps_its_mode(tmp_path, caplog):
    # the folder someone names as the cache folder (their home, a web root; "/" as root) was
    # made owner-only whatever it held
    shared = tmp_path / "www"
    shared.mkdir()
    (shared / "index.html").write_text("<p>hi</p>")
    shared.chmod(0o755)
    with caplog.at_level("WARNING", logger="mineralbrief"):
        BriefCache(shared).close()
    assert shared.stat().st_mode & 0o777 == 0o755
    assert any("holds other things" in r.getMessage() and "index.html" in r.getMessage() for r in caplog.records)


def test_a_failed_cache_write_keeps_the_paid_answer(server, caplog):
    class FullDisk(mineralbrief.NullCache):
        def set(self, key, brief):
            raise OSError(28, "No space left on device")

    server.push(answer(reference()), answer(reference("mp_materials_dod")))
    s = mineralbrief.Summarizer(base_url=server.base_url, store=FullDisk(), **FAST)
    a = s.summarize(ARTICLE)
    b = s.summarize(SEEDS / "mp_materials_dod.txt")
    assert a.grounding.ok and b.grounding.ok
    warnings = [r for r in caplog.records if "cache write failed" in r.getMessage()]
    assert len(warnings) == 1  # warned once, not per article


@pytest.mark.parametrize("garbage", [{"summary": "a dict"}, "a string", 42])
def test_a_cache_answering_a_non_brief_is_a_miss(server, caplog, garbage):
    class Odd(mineralbrief.NullCache):  # a cache of one's own, e.g. a JSON store that returns dicts
        def get(self, key):
            return garbage

    server.push(answer(reference()))
    s = mineralbrief.Summarizer(base_url=server.base_url, store=Odd(), **FAST)
    assert s.summarize(ARTICLE).grounding.ok
    assert len(server.requests) == 1
    assert any("cache read failed" in r.getMessage() for r in caplog.records)


def test_a_cache_hit_carries_the_metadata_of_the_article_at_hand(server):
    server.push(answer(reference()))
    text = ARTICLE.read_text()
    s = mineralbrief.Summarizer(base_url=server.base_url, **FAST)
    first = s.summarize(mineralbrief.Article(text=text, url="https://one.test/a", title="One"))
    second = s.summarize(mineralbrief.Article(text=text, url="https://two.test/b", title="Two"))
    assert second.provenance.cached and len(server.requests) == 1
    assert (first.source.url, second.source.url) == ("https://one.test/a", "https://two.test/b")
    assert second.source.title == "Two"


@pytest.mark.parametrize("damage", ["garbage", "unwritable"])
def test_a_corrupt_or_unwritable_cache_is_a_warning_not_a_crash(server, tmp_path, damage, caplog):
    where = tmp_path / "c"
    if damage == "garbage":
        BriefCache(where).close()
        (where / "cache.db").write_bytes(b"this is not a sqlite database" * 100)
    else:  # a path no one can create (its parent is a file), whoever runs the test
        (tmp_path / "file").write_text("x")
        where = tmp_path / "file" / "cache"
    server.push(answer(reference()))
    brief = mineralbrief.summarize(ARTICLE, base_url=server.base_url, cache_dir=where, **FAST)
    assert brief.grounding.ok
    assert any("cache" in r.getMessage() for r in caplog.records if r.levelname == "WARNING")
