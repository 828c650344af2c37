"""Backends for users' own tests: no model, no network.

``FakeBackend`` answers from a queue; ``FunctionBackend`` answers from a function. Both go
through the same grounding and caching as a real backend.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from typing import Any, Union

from ..errors import BackendError
from ..models import BriefContent, Usage
from .base import BaseBackend, Generation, GenerationRequest

Answer = Union[BriefContent, dict, Exception]


def _content(answer: Any) -> BriefContent:
    if isinstance(answer, BriefContent):
        return BriefContent.model_validate(answer.model_dump())
    return BriefContent.model_validate(answer)


class FakeBackend(BaseBackend):
    """Answers from a queue, in order; an ``Exception`` in the queue is raised.

    Args:
        answers: briefs (``BriefContent`` or dicts) and exceptions, consumed in order.
        model: the model name to report in provenance.

    Attributes:
        requests: every ``GenerationRequest`` received, for assertions.
    """

    name = "fake"

    def __init__(self, answers: Iterable[Answer], model: str = "fake-model") -> None:
        self._answers = deque(answers)
        self.model = model
        self.requests: list[GenerationRequest] = []

    def generate(self, request: GenerationRequest) -> Generation:
        self.requests.append(request)
        if not self._answers:
            raise BackendError("FakeBackend has no answers left", article_id=request.article.id)
        answer = self._answers.popleft()
        if isinstance(answer, Exception):
            raise answer
        return Generation(content=_content(answer), usage=Usage(requests=1), model=self.model)


class FunctionBackend(BaseBackend):
    """Answers with ``fn(request)``, which returns a brief (or dict) or raises.

    Args:
        fn: called once per article.
        model: the model name to report in provenance.
    """

    name = "function"

    def __init__(self, fn: Callable[[GenerationRequest], Answer], model: str = "function") -> None:
        self.fn = fn
        self.model = model

    def generate(self, request: GenerationRequest) -> Generation:
        return Generation(content=_content(self.fn(request)), usage=Usage(requests=1), model=self.model)
