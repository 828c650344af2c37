"""The backend contract: one method.

A backend turns a request (the article, the prepared source index, the domain hints and the
settings) into a draft brief and the usage it cost. Grounding, caching and provenance are the
API's job, not the backend's, so every backend is checked the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Protocol, runtime_checkable

from ..article import Article
from ..chunking import merge_contents, split_text
from ..config import Settings
from ..domain.facts import Facts, extract_facts
from ..grounding import SourceIndex
from ..models import BriefContent, GroundingReport, Usage


@dataclass(frozen=True)
class GenerationRequest:
    """What a backend is asked to brief.

    Attributes:
        article: the article.
        index: the article prepared for grounding (the validator in the LLM backends uses it).
        settings: model, sampling, re-ask limit and endpoint.
        facts: the domain scan itself, so no backend scans the article twice.
    """

    article: Article
    index: SourceIndex
    settings: Settings
    facts: Facts | None = None

    @property
    def hints(self) -> str:
        """The domain layer's candidates as a compact text block for a prompt, or ""."""
        return self.facts.hints() if self.facts is not None else ""


@dataclass
class Generation:
    """A backend's answer: the draft, what it cost, and which model wrote it.

    ``grounding`` is set when the backend already checked this very draft against
    ``request.index`` (the LLM backends do, inside instructor's validation); the API then
    skips its own second pass.
    """

    content: BriefContent
    usage: Usage = field(default_factory=Usage)
    model: str | None = None
    grounding: GroundingReport | None = None


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


def merge_generations(gens: list[Generation], model: str | None) -> Generation:
    """One generation of a chunked article: the drafts merged, the usage summed."""
    usage = Usage()
    for g in gens:
        usage = usage + g.usage
    return Generation(content=merge_contents([g.content for g in gens]), usage=usage, model=model)


@runtime_checkable
class Backend(Protocol):
    """Anything with a ``name`` and ``generate``.

    ``generate(request)`` returns a ``Generation``. It raises ``TransportError`` when the
    endpoint kept failing, ``ValidationFailedError`` when the answers never fit the schema, and
    ``ConfigError`` when it is not set up (no key, no model). It may return a draft that states
    things the article does not: the API grounds every draft and flags (or, with
    ``strict=True``, rejects) it.

    A backend may also define ``async def agenerate(request)``; without one the API runs
    ``generate`` in a worker thread. One that opens connections per event loop also defines
    ``async def aclose()`` (``Summarizer.aclose`` calls it).

    An LLM backend sets ``cacheable = True`` and defines ``identity()``: a dict with
    ``model``, ``endpoint``, ``mode`` and ``prompt`` (version) that, with the settings'
    sampling parameters, goes into the cache key. Other backends are not cached.
    """

    name: str

    def generate(self, request: GenerationRequest) -> Generation: ...
