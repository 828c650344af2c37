"""The backend contract: what the API asks of every backend, and nothing more.

A backend turns a request (the article, its domain scan and its grounding index, all computed
once by the API) into a draft brief and the usage it cost. Caching, provenance and the strict
check are the API's job; grounding of the final draft is checked by the API for every backend,
so no backend can pass off what the article does not say.

A backend is built from its settings once; the API never sends settings again with a request,
so what the backend calls is what its ``identity()`` reports (and the cache key records).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from typing import Protocol, runtime_checkable

from ..article import Article
from ..chunking import merge_contents, split_text
from ..domain.facts import Facts, extract_facts
from ..errors import BackendError
from ..grounding import SourceIndex
from ..models import BriefContent, GroundingReport, Usage


@dataclass(frozen=True)
class GenerationRequest:
    """What a backend is asked to brief.

    Attributes:
        article: the article.
        facts: the domain scan of the article (hints for a prompt, choices for a grammar).
        index: the article prepared for grounding, built once, used by every check.
        language: ``"en"``, or ``"other"`` / ``"other:SCRIPT"`` (``domain.language``).
    """

    article: Article
    facts: Facts
    index: SourceIndex
    language: str = "en"

    @property
    def hints(self) -> str:
        """The domain layer's candidates as a compact text block for a prompt, or ""."""
        return self.facts.hints()


@dataclass
class Generation:
    """A backend's answer: the draft, what it cost, and which model wrote it.

    ``grounding`` is the report of the check the backend already ran on this very draft
    against ``request.index`` (the LLM backends do, to re-ask); None lets the API check it.
    ``notes`` say what the reader must know about the draft (e.g. a language the backend
    cannot read); they reach ``Brief.notes``.
    """

    content: BriefContent
    usage: Usage = field(default_factory=Usage)
    model: str | None = None
    grounding: GroundingReport | None = None
    notes: list[str] = field(default_factory=list)


@runtime_checkable
class Backend(Protocol):
    """Every member the API uses. ``BaseBackend`` gives the optional ones a default.

    Attributes:
        name: short name shown in provenance (``openai``, ``offline``, ``local``, ...).
    """

    name: str

    def identity(self) -> dict[str, object] | None:
        """What identifies the answers: model, endpoint, mode, prompt version, sampling and
        re-ask limits, as plain values. The API hashes it into the cache key. ``None`` means
        the backend's answers are not cached (deterministic or cheap backends, fakes)."""
        ...

    def generate(self, request: GenerationRequest) -> Generation:
        """Brief one article.

        Returns:
            The draft and its usage. The draft may state things the article does not: the
            API grounds it and flags (or, with ``strict=True``, rejects) it.

        Raises:
            TransportError: the endpoint kept failing past the transport retries.
            ValidationFailedError: the answers never fit the schema within the re-asks.
            ConfigError: the backend is not set up (no key, no model).
            ArticleError: the article cannot be briefed (too short, no sentences).
        """
        ...

    async def agenerate(self, request: GenerationRequest) -> Generation:
        """``generate`` for asyncio, with the same results and errors."""
        ...

    def close(self) -> None:
        """Release what the backend holds (clients, connections). It may be used again after."""
        ...

    async def aclose(self) -> None:
        """Close the connections opened in the running event loop, before that loop ends."""
        ...


class BaseBackend:
    """Defaults for the optional members of ``Backend``: not cached, ``agenerate`` runs
    ``generate`` in a worker thread, nothing to close. Subclass it and write ``generate``."""

    name = "custom"

    def identity(self) -> dict[str, object] | None:
        return None

    def generate(self, request: GenerationRequest) -> Generation:  # pragma: no cover - abstract
        raise NotImplementedError

    async def agenerate(self, request: GenerationRequest) -> Generation:
        return await asyncio.to_thread(self.generate, request)

    def close(self) -> None:
        return None

    async def aclose(self) -> None:
        return None


def chunk_requests(request: GenerationRequest, limit: int, *, rescan: bool = False) -> list[GenerationRequest] | None:
    """Requests for the chunks of an article over ``limit`` characters, or None when it fits.

    Each chunk keeps the whole article's index, so its quotes are grounded at their true
    offsets. ``rescan`` gives each chunk the domain scan of its own text (for a backend that
    draws choices from it)."""
    texts = split_text(request.article.text, limit)
    if len(texts) == 1:
        return None
    return [replace(request, article=request.article.model_copy(update={"text": t}),
                    facts=extract_facts(t) if rescan else request.facts) for t in texts]


def spent_before(exc: BaseException, gens: list[Generation]) -> None:
    """Add what the chunks answered before ``exc`` cost to its usage (a ``BackendError``'s), so
    a chunked article that fails still reports every paid token."""
    if isinstance(exc, BackendError) and gens:
        usage = exc.usage or Usage()
        for g in gens:
            usage = usage + g.usage
        exc.usage = usage


def merge_generations(gens: list[Generation], model: str | None) -> Generation:
    """One generation of a chunked article: the drafts merged, the usage summed. The merged
    draft is grounded again by the API (``grounding`` None)."""
    usage = Usage()
    for g in gens:
        usage = usage + g.usage
    notes = list(dict.fromkeys(n for g in gens for n in g.notes))
    return Generation(content=merge_contents([g.content for g in gens]), usage=usage, model=model, notes=notes)


def unread_language_note(backend: str, language: str) -> str:
    """The note of a backend that reads English best, for an article that is not in English."""
    script = language.split(":", 1)[1] if ":" in language else ""
    written = f" (it is written in {_SCRIPTS.get(script, script.title() + ' script')})" if script else ""
    return (f"This article is not in English{written}, and the {backend} backend reads English best "
            "(with some Spanish, French and Chinese deal words): deals, amounts and names it states may "
            "be missing from this brief. Brief it with a model (backend='openai') to read it.")


_SCRIPTS = {"CJK": "Chinese, Japanese or Korean characters"}  # language_of names their scripts CJK
