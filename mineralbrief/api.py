"""summarize(), asummarize() and Summarizer: one article in, one grounded Brief out.

The flow, top to bottom::

    article -> cache lookup -> facts (domain scan) -> backend.generate -> grounding -> cache store

The cache is looked up before the domain scan (the key needs only the article's hash and the
settings), so a warm re-run costs a hash and a read per article. With ``workers=N`` the steps
after a miss run in worker processes (``workers.py``); the lookup and the strict check stay here.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import threading
from functools import lru_cache
from typing import Any

from pydantic import ValidationError

from .article import Article, ArticleLike, as_article
from .backends.base import Backend, Generation, GenerationRequest
from .cache import BriefCache, Cache, NullCache, cache_key
from .config import Settings
from .domain.facts import extract_facts
from .errors import ConfigError, UngroundedBriefError
from .gate import current_gate
from .grounding import SourceIndex, ground
from .models import ArticleMeta, Brief, BriefContent, Provenance, Usage
from .workers import WorkerPool

log = logging.getLogger("mineralbrief")


def make_settings(settings: Settings | None = None, **overrides: Any) -> Settings:
    """Settings from the environment (read once, here) with ``overrides`` on top.

    Raises:
        ConfigError: an unknown or invalid setting.
    """
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        return settings.with_overrides(**given) if settings is not None else Settings(**given)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'settings'}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"invalid settings: {problems}") from None


def make_backend(settings: Settings) -> Backend:
    """The backend ``settings.backend`` names (``auto``: an endpoint or key means openai)."""
    if settings.resolved_backend == "openai":
        from .backends.openai_compat import OpenAICompatBackend

        return OpenAICompatBackend(settings)
    if settings.resolved_backend == "local":
        from .backends.local import LocalBackend

        return LocalBackend(settings)
    from .backends.offline import OfflineBackend

    return OfflineBackend()


@lru_cache(maxsize=1)
def _schema_hash() -> str:
    schema = json.dumps(BriefContent.model_json_schema(), sort_keys=True)
    return hashlib.sha256(schema.encode()).hexdigest()[:16]


class Summarizer:
    """A reusable summarizer: one settings object, one backend (and its HTTP client), one cache.

    Args:
        settings: a ``Settings``; ``None`` reads the environment.
        backend: a backend instance (e.g. ``FakeBackend`` in tests) or a backend name
            (``"auto"``, ``"openai"``, ``"offline"``); default from settings.
        store: a cache instance (``BriefCache``, ``NullCache`` or your own); default a
            ``BriefCache`` in ``settings.resolved_cache_dir``, or none when ``cache=False``.
        **overrides: any ``Settings`` field, e.g. ``model="gpt-4o-mini"``, ``cache=False``.
    """

    def __init__(
        self, settings: Settings | None = None, *, backend: Backend | str | None = None,
        store: Cache | None = None, **overrides: Any,
    ) -> None:
        if isinstance(backend, str):
            overrides["backend"], backend = backend, None
        self.settings = make_settings(settings, **overrides)
        self.backend: Backend = backend or make_backend(self.settings)
        # an LLM backend: its answers depend on model, endpoint, prompt and sampling, and are cached
        self._llm = bool(getattr(self.backend, "cacheable", False))
        # what identifies the model behind an LLM backend: model, endpoint, mode, prompt version
        self._identity: dict[str, str | None] = self.backend.identity() if self._llm else {}
        if store is not None:
            self.cache: Cache = store
        elif self.settings.cache and self._llm:
            self.cache = BriefCache(self.settings.resolved_cache_dir)
        else:
            self.cache = NullCache()
        self._pool: WorkerPool | None = None
        self._pool_lock = threading.Lock()
        self._worker_settings = self._for_workers(backend) if self.settings.workers > 1 else None

    def _for_workers(self, backend: Backend | None) -> Settings:
        """The settings a worker process rebuilds this summarizer from: it must be the same one."""
        if backend is not None:
            raise ConfigError(
                f"workers={self.settings.workers} needs a backend chosen by name (backend=\"openai\", "
                "\"offline\" or \"local\"): a backend object cannot be rebuilt in another process")
        if isinstance(self.cache, BriefCache):
            return self.settings.with_overrides(cache=True, cache_dir=self.cache.directory)
        if isinstance(self.cache, NullCache):
            return self.settings.with_overrides(cache=False)
        raise ConfigError(f"workers={self.settings.workers} needs a BriefCache or no cache, "
                          f"not {type(self.cache).__name__}: worker processes write the cache themselves")

    @property
    def backend_name(self) -> str:
        return self.backend.name

    # -- the flow --------------------------------------------------------------------------
    def _request(self, art: Article) -> GenerationRequest:
        facts = extract_facts(art.text)
        index = SourceIndex(art.text, extra_aliases=facts.aliases, elements=facts.element_names,
                            blocked=facts.injections)
        return GenerationRequest(
            article=art, index=index, settings=self.settings, facts=facts,
        )

    def _key(self, art: Article) -> str:
        s, llm = self.settings, self._llm
        ident = self._identity
        return cache_key(
            article=art.content_hash,
            backend=self.backend.name,
            model=ident.get("model"),
            endpoint=ident.get("endpoint"),
            mode=ident.get("mode"),
            prompt=ident.get("prompt"),
            schema=_schema_hash(),
            temperature=s.temperature if llm else None,
            max_tokens=s.max_tokens if llm else None,
            seed=s.seed if llm else None,
            max_reasks=s.max_reasks if llm else None,
            max_input_chars=s.max_input_chars if llm else None,
        )

    def _from_cache(self, key: str) -> Brief | None:
        hit = self.cache.get(key)
        if hit is None:
            return None
        log.debug("cache hit %s", key[:18])
        return hit.model_copy(update={
            "provenance": hit.provenance.model_copy(update={"cached": True}),
            "usage": Usage(),
        })

    def _assemble(self, art: Article, request: GenerationRequest, gen: Generation) -> Brief:
        content = gen.content
        # offsets and flags never come from a model: checked here, or by the backend's validator
        report = gen.grounding or ground(content, request.index)
        # content is a validated BriefContent already (or instructor's subclass of it): its fields
        # make the Brief, constructed, not validated again
        brief = Brief.model_construct(
            **{name: getattr(content, name) for name in BriefContent.model_fields},
            source=ArticleMeta(
                title=art.title, url=art.url, published=art.published, content_hash=art.content_hash,
            ),
            provenance=Provenance(
                backend=self.backend.name, model=gen.model,
                prompt_version=self._identity.get("prompt"),
            ),
            usage=gen.usage,
            grounding=report,
        )
        if not report.ok:
            log.warning(
                "%s: %d item(s) not found in the article: %s", art.id, len(report.unverified),
                "; ".join(report.unverified[:3]),
            )
        return brief

    def _checked(self, brief: Brief, art: Article) -> Brief:
        if self.settings.strict and not brief.grounding.ok:
            raise UngroundedBriefError(brief.grounding.unverified, brief=brief, article_id=art.id)
        return brief

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
        art = as_article(article)
        key = self._key(art)
        brief = self._from_cache(key)  # a hit costs a hash and a read: no scan, no request
        if brief is None:
            request = self._request(art)
            brief = self._assemble(art, request, self.backend.generate(request))
            self.cache.set(key, brief)
        return self._checked(brief, art)

    def start_workers(self, wait: bool = True) -> WorkerPool | None:
        """Start the worker processes now (``workers=N``), rather than at the first cache miss;
        None with ``workers=1``.

        Args:
            wait: block until they are ready (about a second: they import mineralbrief). With
                False they get ready while you do something else; articles sent before then wait.

        Raises:
            WorkerError: a worker could not start (its error is on stderr).
        """
        if self._worker_settings is None:
            return None
        with self._pool_lock:
            if self._pool is None:
                self._pool = WorkerPool(self._worker_settings, self.settings.workers)
            pool = self._pool
        if wait:
            pool.wait_ready()
        return pool

    def close(self) -> None:
        """Stop the worker processes, if any (they also stop at exit). The summarizer stays
        usable: a later batch starts new ones."""
        with self._pool_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()

    def __enter__(self) -> Summarizer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def aclose(self) -> None:
        """Close the connections the backend opened in the running event loop (a later call
        opens new ones). ``summarize_many`` calls this before its loop ends."""
        close = getattr(self.backend, "aclose", None)
        if close is not None:
            await close()

    async def asummarize(self, article: ArticleLike) -> Brief:
        """``summarize`` for asyncio: the backend's ``agenerate`` when it has one; with
        ``workers=N``, a cache miss is briefed in a worker process (``WorkerError`` if that
        process dies twice on it)."""
        art = as_article(article)
        key = self._key(art)
        brief = self._from_cache(key)
        if brief is None:
            if self._worker_settings is not None:
                pool = self._pool or await asyncio.to_thread(self.start_workers)
                brief = await asyncio.wrap_future(pool.submit(art, current_gate.get(), key))  # type: ignore[union-attr]
            else:
                brief = await self._afresh(art, key)
        return self._checked(brief, art)

    async def _afresh(self, art: Article, key: str | None = None) -> Brief:
        """A cache miss, in this process: scan, generate, ground, store (what a worker runs)."""
        request = self._request(art)
        agenerate = getattr(self.backend, "agenerate", None)
        if agenerate is not None:
            gen = await agenerate(request)
        else:
            gen = await asyncio.to_thread(self.backend.generate, request)
        brief = self._assemble(art, request, gen)
        self.cache.set(key or self._key(art), brief)
        return brief


def summarize(
    article: ArticleLike, *, settings: Settings | None = None, backend: Backend | str | None = None,
    **overrides: Any,
) -> Brief:
    """Brief one article with a one-off ``Summarizer``. See ``Summarizer.summarize``.

    Args:
        article: text, a ``Path`` or an ``Article``.
        settings: a ``Settings``; ``None`` reads the environment.
        backend: a backend instance, e.g. ``FakeBackend``.
        **overrides: ``Settings`` fields: ``model``, ``base_url``, ``api_key``, ``backend``
            (as a name), ``cache``, ``max_reasks``, ``strict``, ``mode``, ...
    """
    return Summarizer(settings, backend=backend, **overrides).summarize(article)


async def asummarize(
    article: ArticleLike, *, settings: Settings | None = None, backend: Backend | str | None = None,
    **overrides: Any,
) -> Brief:
    """``summarize`` for asyncio."""
    return await Summarizer(settings, backend=backend, **overrides).asummarize(article)
