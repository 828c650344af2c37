"""The public API with the shipped fakes and the offline backend; bad input gives typed errors."""

from __future__ import annotations

from pathlib import Path

import pytest

import mineralbrief

from conftest import SEEDS
from helpers import invented, reference

ARTICLE = SEEDS / "rarex_ussm_mou.txt"


def test_fake_backend_answers_in_order_and_is_grounded():
    fake = mineralbrief.FakeBackend([reference(), invented()])
    ok = mineralbrief.summarize(ARTICLE, backend=fake)
    flagged = mineralbrief.summarize(ARTICLE, backend=fake)
    assert ok.grounding.ok and not flagged.grounding.ok
    assert ok.provenance.backend == "fake" and len(fake.requests) == 2
    assert fake.requests[0].hints  # the domain layer's candidates reach the backend


def test_a_models_hints_are_the_entities_and_elements_and_the_rest_is_scanned_only_when_read():
    from mineralbrief.domain.facts import extract_facts

    fake = mineralbrief.FakeBackend([reference()])
    mineralbrief.summarize(ARTICLE, backend=fake)
    request = fake.requests[0]
    # a model reads amounts, dates and places in the article itself: not listed, never scanned
    assert "- entities: U.S. Strategic Metals (company; also USSM)" in request.hints and "- elements: " in request.hints
    assert not any(f"- {kind}:" in request.hints for kind in ("amounts", "dates", "places", "deal cues"))
    assert not {"locations", "amounts", "dates", "cues"} & set(vars(request.facts))
    # the local backend's small model gets them all (its grammar holds it to them anyway)
    facts = extract_facts((SEEDS / "mp_materials_dod.txt").read_text())
    full = facts.hints(everything=True)
    assert all(f"- {kind}:" in full for kind in ("amounts", "dates", "places", "deal cues"))
    assert full.startswith(facts.hints().split("\n- warning")[0])


def test_function_backend_and_strict():
    fn = mineralbrief.FunctionBackend(lambda request: invented())
    with pytest.raises(mineralbrief.UngroundedBriefError):
        mineralbrief.summarize(ARTICLE, backend=fn, strict=True)


def test_fake_backend_raises_queued_errors():
    fake = mineralbrief.FakeBackend([mineralbrief.BackendError("scripted failure")])
    with pytest.raises(mineralbrief.BackendError, match="scripted"):
        mineralbrief.summarize(ARTICLE, backend=fake)


def test_auto_without_key_is_offline_and_says_so():
    brief = mineralbrief.summarize(ARTICLE.read_text())
    assert brief.provenance.backend == "offline" and brief.grounding.ok
    assert "offline backend" in brief.to_markdown()


def test_accepts_text_path_and_article():
    a = mineralbrief.summarize(ARTICLE.read_text())
    b = mineralbrief.summarize(ARTICLE)
    c = mineralbrief.summarize(mineralbrief.Article(text=ARTICLE.read_text(), url="https://example.test/a"))
    assert a.source.content_hash == b.source.content_hash == c.source.content_hash
    assert c.source.url == "https://example.test/a"


async def test_asummarize_offline():
    brief = await mineralbrief.asummarize(ARTICLE)
    assert brief.grounding.ok


@pytest.mark.parametrize("bad", ["", "   \n\t ", "abc\x00def"])
def test_bad_text_is_an_article_error(bad):
    with pytest.raises(mineralbrief.ArticleError):
        mineralbrief.summarize(bad)


def test_bad_files_are_article_errors(tmp_path: Path):
    (tmp_path / "bin.txt").write_bytes(b"\x89PNG\x00\x00\x01")
    (tmp_path / "latin1.txt").write_bytes("Minérals caf\xe9".encode("latin-1"))
    (tmp_path / "bad.json").write_text("{not json")
    for name in ("bin.txt", "latin1.txt", "bad.json", "missing.txt"):
        with pytest.raises(mineralbrief.ArticleError):
            mineralbrief.summarize(tmp_path / name)
    with pytest.raises(mineralbrief.ArticleError):  # was open()'s ValueError: embedded null byte
        mineralbrief.summarize(tmp_path / "nul\x00in the name.txt")


def test_markdown_has_the_brief_sections():
    md = mineralbrief.summarize(ARTICLE).to_markdown()
    for section in ("## Bottom line", "## Open questions", "*Source:"):
        assert section in md
    assert md.startswith("# ")


def test_unknown_argument_type_is_an_article_error():
    with pytest.raises(mineralbrief.ArticleError):
        mineralbrief.summarize(42)  # type: ignore[arg-type]


def test_the_model_called_is_the_model_cached_and_reported(server, tmp_path):
    """Settings reach a backend once: a summarizer built around a backend reports, and caches
    under, the model that backend calls; model settings beside it are refused, not half-used."""
    from mineralbrief.backends.openai_compat import OpenAICompatBackend

    from oai_server import answer

    backend = OpenAICompatBackend(mineralbrief.Settings(model="model-a", base_url=server.base_url))
    with pytest.raises(mineralbrief.ConfigError, match="model"):
        mineralbrief.Summarizer(backend=backend, model="model-b")
    server.push(answer(reference()))
    s = mineralbrief.Summarizer(backend=backend, cache_dir=tmp_path / "c")
    brief = s.summarize(ARTICLE)
    assert server.requests[0]["model"] == "model-a" == brief.provenance.model
    other = mineralbrief.Summarizer(
        backend=OpenAICompatBackend(mineralbrief.Settings(model="model-b", base_url=server.base_url)),
        cache_dir=tmp_path / "c")
    art = mineralbrief.Article(text=ARTICLE.read_text())
    assert other.cache_key(art) != s.cache_key(art)


def test_module_level_summarize_reuses_one_summarizer_per_settings(server):
    from oai_server import answer

    server.push(answer(reference()), answer(reference("mp_materials_dod")))
    mineralbrief.summarize(ARTICLE, base_url=server.base_url, cache=False)
    mineralbrief.summarize(SEEDS / "mp_materials_dod.txt", base_url=server.base_url, cache=False)
    first = mineralbrief.api.shared_summarizer(base_url=server.base_url, cache=False)
    assert first is mineralbrief.api.shared_summarizer(base_url=server.base_url, cache=False)
    assert first is not mineralbrief.api.shared_summarizer(base_url=server.base_url, cache=False, model="x")
    assert first is not mineralbrief.api.shared_summarizer(base_url=server.base_url, cache=False, api_key="sk-other")
    # one connection served both calls: the second reused the first's
    assert len(server.headers) == 2 and len({h["x-fixture-peer-port"] for h in server.headers}) == 1


def test_keys_given_as_secret_strings_never_share_a_summarizer():
    """``SecretStr("A")`` and ``SecretStr("B")`` print alike: a service passing each tenant's key
    must get each tenant's summarizer (its key, its bill), and the same one for the same key."""
    from pydantic import SecretStr

    get = mineralbrief.api.shared_summarizer
    a = get(backend="openai", base_url="http://127.0.0.1:9/v1", api_key=SecretStr("sk-tenant-a"), cache=False)
    b = get(backend="openai", base_url="http://127.0.0.1:9/v1", api_key=SecretStr("sk-tenant-b"), cache=False)
    assert a is not b and b.settings.api_key is not None
    assert b.settings.api_key.get_secret_value() == "sk-tenant-b"
    assert get(backend="openai", base_url="http://127.0.0.1:9/v1", api_key=SecretStr("sk-tenant-b"), cache=False) is b


def test_a_backend_without_the_contract_is_refused_with_a_pointer():
    class Half:
        name = "half"

        def generate(self, request):  # pragma: no cover - never called
            raise AssertionError

    with pytest.raises(mineralbrief.ConfigError, match="BaseBackend"):
        mineralbrief.Summarizer(backend=Half())


@pytest.mark.parametrize("how", ["argument", "environment", "mode"])
def test_asking_for_a_model_without_a_key_is_an_error_not_an_offline_brief(how, monkeypatch):
    # (a mode is how a model is asked: mode="json" without a key was an offline brief, silently)
    if how == "environment":
        monkeypatch.setenv("MINERALBRIEF_MODEL", "gpt-4o-mini")
        kwargs = {}
    else:
        kwargs = {"model": "gpt-4o-mini"} if how == "argument" else {"mode": "json"}
    with pytest.raises(mineralbrief.ConfigError, match="OPENAI_API_KEY.*offline"):
        mineralbrief.summarize(ARTICLE, **kwargs)
    # asking for offline explicitly is fine, with or without a model name around
    assert mineralbrief.summarize(ARTICLE, backend="offline", **kwargs).provenance.backend == "offline"


def test_module_level_summarize_sees_a_changed_environment(server, monkeypatch):
    """The settings of summarize() are not read again for the same arguments and environment,
    but a change of either is a new summarizer."""
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-aaaaaaaaaaaaaaaaaaaa")
    a = mineralbrief.api.shared_summarizer(cache=False)
    assert mineralbrief.api.shared_summarizer(cache=False) is a
    monkeypatch.setenv("MINERALBRIEF_MODEL", "another-model")
    b = mineralbrief.api.shared_summarizer(cache=False)
    assert b is not a and b.settings.model == "another-model"


@pytest.mark.parametrize("bad", [
    # timeout=inf reached the transport and came back as "TransportError: endpoint kept failing:
    # OverflowError: timestamp out of range", after every retry
    {"timeout": float("inf")}, {"connect_timeout": float("inf")}, {"deadline": float("inf")},
    {"backoff_max": float("inf")}, {"backoff_initial": float("inf")},
    # a negative or infinite price made a negative or infinite cost in BatchRun.summary()
    {"prices": {"m": (-1.0, 2.0)}}, {"prices": {"m": (1.0, float("inf"))}}, {"prices": {"m": (float("nan"), 1.0)}},
])
def test_an_infinite_or_negative_number_setting_is_a_config_error(bad):
    with pytest.raises(mineralbrief.ConfigError, match=next(iter(bad))):
        mineralbrief.Summarizer(backend="offline", **bad)
