"""Errors raised by mineralbrief. Every one derives from ``MineralBriefError``::

    MineralBriefError
    ├── ConfigError            a setting is missing or contradicts another
    ├── ArticleError           the input is not an article (empty, binary, undecodable)
    │   ├── NothingToBriefError  a daily run's inbox does not exist or holds nothing
    │   └── sources.FetchError   a URL could not be fetched (its HTTP ``status``)
    ├── OutputError            a daily run's outputs cannot be written (a file, a full disk)
    │   └── OutputBusyError    another run is writing to the same output folder
    ├── BackendError           the backend could not produce a brief
    │   ├── TransportError     HTTP/connection failures outlived the transport retries
    │   ├── ValidationFailedError
    │   │                      the model's answers never fit the schema within max_reasks
    │   └── batchapi.BatchItemError  a Batch API line was never answered
    └── UngroundedBriefError   strict=True and some statements could not be found in the article

Errors carry context (attempts, last HTTP status, the last raw answer, the article id, the
tokens the failed attempts cost) and never the API key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Brief, Usage


class MineralBriefError(Exception):
    """Base class of every error mineralbrief raises."""

    def __init__(self, message: str, *, article_id: str | None = None) -> None:
        super().__init__(message)
        self.article_id = article_id


class ConfigError(MineralBriefError):
    """A setting is missing, malformed or contradicts another."""


class ArticleError(MineralBriefError):
    """The input cannot be read as an article."""


class NothingToBriefError(ArticleError):
    """The inbox does not exist or holds nothing to brief."""


class OutputError(MineralBriefError):
    """The outputs cannot be written: the folder is a file, the disk is full, no permission."""


class OutputBusyError(OutputError):
    """Another run is writing to the same output folder."""


class BackendError(MineralBriefError):
    """The backend could not produce a brief.

    Attributes:
        usage: requests and tokens the failed attempts cost (a batch's budget counts them).
    """

    def __init__(self, message: str, *, article_id: str | None = None, usage: Usage | None = None) -> None:
        super().__init__(message, article_id=article_id)
        self.usage = usage


class TransportError(BackendError):
    """The endpoint kept failing (429, 5xx, timeouts, dropped connections) past the retries.

    Attributes:
        attempts: HTTP attempts made, the first one included.
        last_status: HTTP status of the last attempt, or None when no response came back.
    """

    def __init__(
        self, message: str, *, attempts: int, last_status: int | None,
        article_id: str | None = None, usage: Usage | None = None,
    ) -> None:
        super().__init__(message, article_id=article_id, usage=usage)
        self.attempts = attempts
        self.last_status = last_status


class ValidationFailedError(BackendError):
    """The model's answers did not fit the schema after every re-ask.

    Attributes:
        attempts: answers received, the first one included.
        last_raw: the last raw answer, as text, for debugging.
        errors: the validation messages of the last answer.
    """

    def __init__(
        self, message: str, *, attempts: int, last_raw: str | None, errors: list[Any],
        article_id: str | None = None, usage: Usage | None = None,
    ) -> None:
        super().__init__(message, article_id=article_id, usage=usage)
        self.attempts = attempts
        self.last_raw = last_raw
        self.errors = errors


class UngroundedBriefError(MineralBriefError):
    """``strict=True`` and the brief states things the article does not.

    Attributes:
        unverified: the items that could not be found in the article.
        brief: the brief as generated, flagged, for inspection.
    """

    def __init__(
        self, unverified: list[str], *, brief: Brief | None = None,
        article_id: str | None = None,
    ) -> None:
        shown = "; ".join(unverified[:5]) + (" ..." if len(unverified) > 5 else "")
        super().__init__(
            f"{len(unverified)} statement(s) not found in the article: {shown}",
            article_id=article_id,
        )
        self.unverified = unverified
        self.brief = brief
