"""summarize(), asummarize() and Summarizer: one article in, one grounded Brief out.

The flow of one article, top to bottom (``Summarizer.summarize``)::

    article -> cache lookup -> facts (domain scan) + grounding index -> backend.generate
            -> grounding -> cache store -> Brief

The cache is looked up first (the key needs only the article's hash and the backend's
identity), so a warm re-run costs a hash and a read per article.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import logging
import threading
from collections import OrderedDict
from functools import lru_cache
from typing import Any

from . import telemetry
from .article import Article, ArticleLike, as_article
from .backends import make_backend
from .backends.base import Backend, Generation, GenerationRequest
from .cache import Cache, NullCache, cache_key, key_prefix, open_cache_url
from .config import Settings, environment_key, make_settings
from .domain.facts import extract_facts
from .domain.language import language_of
from .errors import ConfigError, UngroundedBriefError
from .grounding import SourceIndex, ground
from .models import ArticleMeta, Brief, BriefContent, Provenance, Usage

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
        self._key_prefix = None if identity is None else key_prefix(
            backend=self.backend.name, schema=_schema_hash(), **identity)
        prompt = None if identity is None else identity.get("prompt")
        self._prompt_version = prompt if isinstance(prompt, str) else None
        if store is not None:
            self.cache: Cache = store
        elif self.settings.cache and identity is not None:
            self.cache = open_cache_url(self.settings.cache_url, self.settings.resolved_cache_dir)
        else:
            self.cache = NullCache()
        self._cache_warned = False

    @property
    def backend_name(self) -> str:
        return self.backend.name

    def summarize(self, article: ArticleLike) -> Brief:
        """Brief one article.

        Args:
            article: the text (``str``), a ``Path`` to a .txt/.md/.html/.json file, or an
                ``Article``.

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
            art = span.article(as_article(article))
            key = self.cache_key(art)
            cached = self._lookup(key, art)
            if cached is not None:
                return span.brief(self._checked(cached, art))
            request = self._request(art)
            return span.brief(self._finish(art, key, request, self.backend.generate(request)))

    async def asummarize(self, article: ArticleLike) -> Brief:
        """``summarize`` for asyncio (the backend's ``agenerate``)."""
        with telemetry.article_span(self.backend) as span:
            art = span.article(as_article(article))
            key = self.cache_key(art)
            cached = self._lookup(key, art)
            if cached is not None:
                return span.brief(self._checked(cached, art))
            request = self._request(art)
            return span.brief(self._finish(art, key, request, await self.backend.agenerate(request)))

    def cached(self, article: ArticleLike) -> Brief | None:
        """The brief the cache already holds for ``article``, or None; never calls the backend.

        A batch answers its cache hits this way, as they come, without a task each: a warm
        re-run then holds one brief at a time, as a loop of ``summarize`` calls does.

        Raises:
            ArticleError: the input is not an article.
            UngroundedBriefError: ``strict=True`` and the cached brief is not fully grounded.
        """
        art = as_article(article)
        hit = self._lookup(self.cache_key(art), art)
        if hit is None:
            return None
        with telemetry.article_span(self.backend) as span:  # a hit is traced as summarize traces it
            span.article(art)
            return span.brief(self._checked(hit, art))

    # -- the steps, in the order they run ----------------------------------------------------
    def cache_key(self, art: Article) -> str | None:
        """The article's cache key, or None when this backend's answers are not cached."""
        if self._key_prefix is None:
            return None
        return cache_key(self._key_prefix, art.content_hash)

    def _lookup(self, key: str | None, art: Article) -> Brief | None:
        if key is None:
            return None
        try:
            hit = self.cache.get(key)
        except Exception as exc:  # a cache is an optimisation: its failure is a miss
            self._warn_cache("read", exc)
            return None
        if hit is None:
            return None
        # the same text from another outlet: the answer is shared, the source is this article's
        return hit.model_copy(update={
            "source": _meta(art), "usage": Usage(),
            "provenance": hit.provenance.model_copy(update={"cached": True}),
        })

    def _request(self, art: Article) -> GenerationRequest:
        facts = extract_facts(art.text)
        index = SourceIndex(art.text, extra_aliases=facts.aliases, elements=facts.element_names,
                            blocked=facts.injections)
        return GenerationRequest(article=art, facts=facts, index=index, language=language_of(art.text))

    def _finish(self, art: Article, key: str | None, request: GenerationRequest, gen: Generation) -> Brief:
        # offsets and flags never come from a model: checked here, or by the backend's re-ask loop
        report = gen.grounding or ground(gen.content, request.index)
        brief = Brief.model_construct(  # fields of a validated BriefContent: not validated again
            **{name: getattr(gen.content, name) for name in BriefContent.model_fields},
            source=_meta(art),
            provenance=Provenance(backend=self.backend.name, model=gen.model,
                                  prompt_version=self._prompt_version),
            usage=gen.usage,
            grounding=report,
            language=request.language,
            notes=gen.notes,
        )
        if not report.ok:
            log.warning("%s: %d item(s) not found in the article: %s", art.id,
                        len(report.unverified), "; ".join(report.unverified[:3]))
        if key is not None:
            try:
                self.cache.set(key, brief)
            except Exception as exc:  # the brief is paid for: keep it, whatever the disk says
                self._warn_cache("write", exc)
        return self._checked(brief, art)

    def _checked(self, brief: Brief, art: Article) -> Brief:
        if self.settings.strict and not brief.grounding.ok:
            raise UngroundedBriefError(brief.grounding.unverified, brief=brief, article_id=art.id)
        return brief

    def _warn_cache(self, what: str, exc: Exception) -> None:
        if not self._cache_warned:
            self._cache_warned = True
            log.warning("cache %s failed (%s: %s); going on without it", what, type(exc).__name__, exc)

    # -- lifetime ----------------------------------------------------------------------------
    def close(self) -> None:
        """Close the backend's clients and the cache. A later call opens them again."""
        self.backend.close()
        close = getattr(self.cache, "close", None)  # the Cache protocol does not require it
        if close is not None:
            close()

    async def aclose(self) -> None:
        """Close the connections the backend opened in the running event loop."""
        await self.backend.aclose()

    def __enter__(self) -> Summarizer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _meta(art: Article) -> ArticleMeta:
    return ArticleMeta(title=art.title, url=art.url, published=art.published, content_hash=art.content_hash)


# -- module-level functions: one Summarizer per distinct settings, reused -----------------------
_shared: OrderedDict[str, Summarizer] = OrderedDict()
_calls: dict[tuple[str, tuple[tuple[str, str], ...]], str] = {}  # arguments and environment -> fingerprint
_shared_lock = threading.Lock()
_SHARED_MAX = 32


def _fingerprint(s: Settings) -> str:
    secret = s.api_key.get_secret_value() if s.api_key is not None else ""
    return s.model_dump_json() + "|" + hashlib.sha256(secret.encode()).hexdigest()


def shared_summarizer(settings: Settings | None = None, **overrides: Any) -> Summarizer:
    """The ``Summarizer`` that ``summarize()`` uses for these settings: made once (with its
    client, connection pool and cache) and reused by every call with the same settings."""
    # a call with the same arguments and environment as an earlier one skips reading the
    # settings again (about a millisecond: pydantic-settings parses every variable)
    call = None if settings is not None else (repr(sorted(overrides.items())), environment_key())
    with _shared_lock:
        known = _calls.get(call) if call is not None else None
        if known is not None and known in _shared:
            _shared.move_to_end(known)
            return _shared[known]
    s = make_settings(settings, **overrides)
    key = _fingerprint(s)
    with _shared_lock:
        if call is not None:
            _calls[call] = key
            if len(_calls) > 4 * _SHARED_MAX:
                _calls.clear()
        found = _shared.get(key)
        if found is None:
            found = _shared[key] = Summarizer(s)
            if len(_shared) > _SHARED_MAX:  # dropped, not closed: another thread may be using it
                _shared.popitem(last=False)
        _shared.move_to_end(key)
        return found


@atexit.register
def close_shared() -> None:
    """Close the summarizers that ``summarize()`` keeps (done at exit; later calls make new ones)."""
    with _shared_lock:
        summarizers = list(_shared.values())
        _shared.clear()
        _calls.clear()
    for s in summarizers:
        try:
            s.close()
        except Exception:
            pass


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
    if backend is not None and not isinstance(backend, str):
        return Summarizer(settings, backend=backend, **overrides).summarize(article)
    return shared_summarizer(settings, backend=backend, **overrides).summarize(article)


async def asummarize(
    article: ArticleLike, *, settings: Settings | None = None, backend: Backend | str | None = None,
    **overrides: Any,
) -> Brief:
    """``summarize`` for asyncio."""
    if backend is not None and not isinstance(backend, str):
        return await Summarizer(settings, backend=backend, **overrides).asummarize(article)
    return await shared_summarizer(settings, backend=backend, **overrides).asummarize(article)
