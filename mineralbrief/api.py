"""summarize(), asummarize() and Summarizer: one article in, one grounded Brief out.

The flow of one article, top to bottom (``Summarizer.summarize``)::

    article -> cache lookup -> prepare: facts (domain scan) + grounding index -> backend.generate
            -> finish: grounding -> cache store -> Brief

The cache is looked up first (the key needs only the article's hash and the backend's
identity), so a warm re-run costs a hash and a read per article.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import logging
from functools import lru_cache
from typing import Any

from . import telemetry
from .article import Article, ArticleLike, as_article
from .backends import make_backend
from .backends.base import Backend, Generation, GenerationRequest
from .cache import BriefStore, Cache, NullCache, key_prefix, meta, open_cache_url
from .config import Settings, make_settings
from .domain.facts import extract_facts
from .domain.language import language_of
from .errors import ConfigError, UngroundedBriefError
from .grounding import SourceIndex, ground
from .models import Brief, BriefContent, Provenance
from .shared import Shared

log = logging.getLogger("mineralbrief")

# What a Summarizer itself uses; every other setting is the backend's.
_SUMMARIZER_FIELDS = frozenset({"backend", "strict", "cache", "cache_dir", "cache_url"})


@lru_cache(maxsize=1)
def _schema_hash() -> str:
    schema = json.dumps(BriefContent.model_json_schema(), sort_keys=True)
    return hashlib.sha256(schema.encode()).hexdigest()[:16]


class Summarizer:
    """A reusable summarizer: one settings object, one backend (and its HTTP client), one cache.

    Args:
        settings: a ``Settings``; ``None`` reads the environment.
        backend: a backend instance (``FakeBackend`` in tests, a backend you built) or a backend
            name (``"auto"``, ``"openai"``, ``"offline"``, ``"local"``); default from settings.
            A backend instance carries its own model and sampling settings.
        store: a cache instance (``BriefCache``, ``NullCache`` or your own); default a
            ``BriefCache`` in ``settings.resolved_cache_dir``, or none when ``cache=False``.
        **overrides: any ``Settings`` field, e.g. ``model="gpt-4o-mini"``, ``cache=False``.

    Raises:
        ConfigError: an invalid setting, or model settings given beside a backend instance.
    """

    def __init__(
        self, settings: Settings | None = None, *, backend: Backend | str | None = None,
        store: Cache | None = None, **overrides: Any,
    ) -> None:
        if isinstance(backend, str):
            overrides["backend"], backend = backend, None
        if backend is not None:
            if not isinstance(backend, Backend):
                raise ConfigError(f"{type(backend).__name__} lacks members of the Backend contract "
                                  "(identity, generate, agenerate, close, aclose): subclass mineralbrief.BaseBackend")
            misplaced = sorted(k for k, v in overrides.items() if v is not None and k not in _SUMMARIZER_FIELDS)
            if misplaced:
                raise ConfigError(
                    f"{', '.join(misplaced)} belong to the backend, which is already built: build it "
                    f"with them (e.g. OpenAICompatBackend(Settings({misplaced[0]}=...))) or pass no backend")
        self.settings = make_settings(settings, **overrides)
        self.backend: Backend = backend if backend is not None else make_backend(self.settings)
        identity = self.backend.identity()
        # everything but the article that changes an answer, hashed into each article's key
        prefix = None if identity is None else key_prefix(backend=self.backend.name, schema=_schema_hash(), **identity)
        prompt = None if identity is None else identity.get("prompt")
        self._prompt_version = prompt if isinstance(prompt, str) else None
        if store is None and self.settings.cache and identity is not None:
            store = open_cache_url(self.settings.cache_url, self.settings.resolved_cache_dir)
        elif store is None:
            store = NullCache()
        self.store = BriefStore(store, prefix)

    @property
    def cache(self) -> Cache:
        """The cache the briefs are kept in (``store``'s)."""
        return self.store.cache

    @property
    def backend_name(self) -> str:
        return self.backend.name

    def summarize(self, article: ArticleLike, *, refresh: bool = False) -> Brief:
        """Brief one article.

        Args:
            article: the text (``str``), a ``Path`` to a .txt/.md/.html/.json file, or an
                ``Article``.
            refresh: brief it again even when the cache holds a brief, and store the new one.

        Returns:
            A ``Brief``; ``brief.grounding.ok`` is False when something in it could not be
            found in the article (``grounding.unverified`` says what).

        Raises:
            ArticleError: the input is not an article.
            TransportError: the endpoint kept failing past the transport retries.
            ValidationFailedError: the answers never fit the schema within ``max_reasks``.
            UngroundedBriefError: ``strict=True`` and the brief could not be fully grounded.
            ConfigError: e.g. the openai backend without a key or endpoint.
        """
        with telemetry.article_span(self.backend) as span:  # a no-op without OpenTelemetry
            art, key, hit = self._look_up(span, article, refresh)
            if hit is not None:
                return hit
            request = self.prepare(art)
            return span.brief(self.finish(request, self.backend.generate(request), key))

    async def asummarize(self, article: ArticleLike, *, refresh: bool = False) -> Brief:
        """``summarize`` for asyncio (the backend's ``agenerate``)."""
        with telemetry.article_span(self.backend) as span:
            art, key, hit = self._look_up(span, article, refresh)
            if hit is not None:
                return hit
            request = self.prepare(art)
            return span.brief(self.finish(request, await self.backend.agenerate(request), key))

    async def asummarize_prepared(self, request: GenerationRequest) -> Brief:
        """``asummarize`` of an article already looked up in the cache (a miss) and prepared
        (``prepare``): a batch prepares its articles in groups, then sends each so."""
        with telemetry.article_span(self.backend) as span:
            span.article(request.article)
            generation = await self.backend.agenerate(request)
            return span.brief(self.finish(request, generation, self.store.key(request.article)))

    def cached(self, article: ArticleLike) -> Brief | None:
        """The brief the cache already holds for ``article``, or None; never calls the backend.

        A batch answers its cache hits this way, as they come, without a task each.

        Raises:
            ArticleError: the input is not an article.
            UngroundedBriefError: ``strict=True`` and the cached brief is not fully grounded.
        """
        art = as_article(article)
        hit = self.store.get(self.store.key(art), art)
        if hit is None:
            return None
        with telemetry.article_span(self.backend) as span:  # a hit is traced as summarize traces it
            span.article(art)
            return span.brief(self.checked(hit, art))

    def cache_key(self, art: Article) -> str | None:
        """The article's cache key, or None when this backend's answers are not cached."""
        return self.store.key(art)

    def _look_up(self, span: telemetry.ArticleSpan, article: ArticleLike,
                 refresh: bool) -> tuple[Article, str | None, Brief | None]:
        """The article as read, its cache key, and the cache's brief of it (checked) or None."""
        art = span.article(as_article(article))
        key = self.store.key(art)
        hit = None if refresh else self.store.get(key, art)
        return art, key, None if hit is None else span.brief(self.checked(hit, art))

    # -- the steps of a miss, in the order they run (the Batch API runs them apart) ------------
    def prepare(self, art: Article) -> GenerationRequest:
        """What the backend is asked: the article, its facts and its grounding index."""
        facts, language = extract_facts(art.text), language_of(art.text)
        index = SourceIndex(art.text, extra_aliases=facts.aliases, elements=facts.element_names,
                            blocked=facts.injections, language=language)
        return GenerationRequest(article=art, facts=facts, index=index, language=language)

    def finish(self, request: GenerationRequest, gen: Generation, key: str | None) -> Brief:
        """The brief of a generation: grounded, stored under ``key``, checked."""
        art = request.article
        # offsets and flags never come from a model: checked here, or by the backend's re-ask loop
        report = gen.grounding or ground(gen.content, request.index)
        brief = Brief.model_construct(  # fields of a validated BriefContent: not validated again
            **{name: getattr(gen.content, name) for name in BriefContent.model_fields},
            source=meta(art),
            provenance=Provenance(backend=self.backend.name, model=gen.model, prompt_version=self._prompt_version),
            usage=gen.usage, grounding=report, language=request.language, notes=gen.notes,
        )
        if not report.ok:
            log.warning("%s: %d item(s) not found in the article: %s", art.id,
                        len(report.unverified), "; ".join(report.unverified[:3]))
        self.store.put(key, brief)
        return self.checked(brief, art)

    def checked(self, brief: Brief, art: Article) -> Brief:
        """``brief``, or ``UngroundedBriefError`` when ``strict`` and it is not fully grounded."""
        if self.settings.strict and not brief.grounding.ok:
            raise UngroundedBriefError(brief.grounding.unverified, brief=brief, article_id=art.id)
        return brief

    # -- lifetime ----------------------------------------------------------------------------
    def close(self) -> None:
        """Close the backend's clients and the cache. A later call opens them again."""
        self.backend.close()
        self.store.close()

    async def aclose(self) -> None:
        """Close the connections the backend opened in the running event loop."""
        await self.backend.aclose()

    def __enter__(self) -> Summarizer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- module-level functions: one Summarizer per distinct settings, reused -----------------------
_shared: Shared[Summarizer] = Shared(Summarizer)
shared_summarizer = _shared.get  # the Summarizer that summarize() uses for these settings
close_shared = _shared.close  # closes them (done at exit; later calls make new ones)
atexit.register(close_shared)


def _summarizer(settings: Settings | None, backend: Backend | str | None, overrides: dict[str, Any]) -> Summarizer:
    if backend is not None and not isinstance(backend, str):  # a backend instance is the caller's own
        return Summarizer(settings, backend=backend, **overrides)
    return shared_summarizer(settings, backend=backend, **overrides)


def summarize(
    article: ArticleLike, *, settings: Settings | None = None, backend: Backend | str | None = None,
    **overrides: Any,
) -> Brief:
    """Brief one article. See ``Summarizer.summarize`` for what it returns and raises.

    Calls with the same settings share one ``Summarizer`` (client, connections, cache).

    Args:
        article: text, a ``Path`` or an ``Article``.
        settings: a ``Settings``; ``None`` reads the environment.
        backend: a backend name, or a backend instance (e.g. ``FakeBackend``).
        **overrides: ``Settings`` fields: ``model``, ``base_url``, ``api_key``, ``cache``,
            ``max_reasks``, ``strict``, ``mode``, ...
    """
    return _summarizer(settings, backend, overrides).summarize(article)


async def asummarize(
    article: ArticleLike, *, settings: Settings | None = None, backend: Backend | str | None = None,
    **overrides: Any,
) -> Brief:
    """``summarize`` for asyncio."""
    return await _summarizer(settings, backend, overrides).asummarize(article)
