"""mineralbrief: typed, grounded briefs of critical-minerals and rare-earth news."""

from .api import Summarizer, asummarize, summarize
from .article import Article, as_article, load_article
from .backends.base import Backend, BaseBackend, Generation, GenerationRequest
from .backends.fake import FakeBackend, FunctionBackend
from .batch import BatchResult, asummarize_many, summarize_many
from .cache import BriefCache, Cache, NullCache
from .config import Settings
from .daily import daily_brief
from .errors import (
    ArticleError,
    BackendError,
    ConfigError,
    MineralBriefError,
    NothingToBriefError,
    OutputBusyError,
    OutputError,
    TransportError,
    UngroundedBriefError,
    ValidationFailedError,
)
from .models import (
    Amount,
    ArticleMeta,
    Brief,
    BriefContent,
    Claim,
    DailyBrief,
    DealSummary,
    EntityProfile,
    Evidence,
    GroundingReport,
    Party,
    Provenance,
    RiskQuestion,
    Usage,
)
from .ratelimit import RateLimiter
from .ray import brief_dataset, summarize_on_ray
from .rediscache import RedisCache
from .sources import Fetcher, iter_source, load_url

__version__ = "0.1.0"

_BATCH_API = frozenset({"BatchItemError", "BatchRun", "summarize_batch"})


def __getattr__(name: str) -> object:
    # the Batch API's names import openai and instructor (a second): only when asked for
    if name in _BATCH_API:
        from . import batchapi

        return getattr(batchapi, name)
    raise AttributeError(f"module 'mineralbrief' has no attribute {name!r}")


__all__ = [
    "Amount",
    "Article",
    "ArticleError",
    "ArticleMeta",
    "Backend",
    "BackendError",
    "BaseBackend",
    "BatchItemError",
    "BatchResult",
    "BatchRun",
    "Brief",
    "BriefCache",
    "BriefContent",
    "Cache",
    "Claim",
    "ConfigError",
    "DailyBrief",
    "DealSummary",
    "EntityProfile",
    "Evidence",
    "FakeBackend",
    "Fetcher",
    "FunctionBackend",
    "Generation",
    "GenerationRequest",
    "GroundingReport",
    "MineralBriefError",
    "NothingToBriefError",
    "NullCache",
    "OutputBusyError",
    "OutputError",
    "Party",
    "Provenance",
    "RateLimiter",
    "RedisCache",
    "RiskQuestion",
    "Settings",
    "Summarizer",
    "TransportError",
    "UngroundedBriefError",
    "Usage",
    "ValidationFailedError",
    "__version__",
    "as_article",
    "asummarize",
    "asummarize_many",
    "brief_dataset",
    "daily_brief",
    "iter_source",
    "load_article",
    "load_url",
    "summarize",
    "summarize_batch",
    "summarize_many",
    "summarize_on_ray",
]
