"""mineralbrief: typed, grounded briefs of critical-minerals and rare-earth news."""

from .api import Summarizer, asummarize, summarize
from .article import Article, as_article, load_article
from .backends.base import Backend, Generation, GenerationRequest
from .backends.fake import FakeBackend, FunctionBackend
from .config import Settings
from .errors import (
    ArticleError,
    BackendError,
    BudgetExhaustedError,
    ConfigError,
    MineralBriefError,
    TransportError,
    UngroundedBriefError,
    ValidationFailedError,
    WorkerError,
)
from .models import (
    Amount,
    ArticleMeta,
    Brief,
    BriefContent,
    Claim,
    DealSummary,
    EntityProfile,
    Evidence,
    GroundingReport,
    Party,
    Provenance,
    RiskQuestion,
    Usage,
)

__version__ = "0.1.0"

__all__ = [
    "Amount",
    "Article",
    "ArticleError",
    "ArticleMeta",
    "Backend",
    "BackendError",
    "Brief",
    "BriefContent",
    "BudgetExhaustedError",
    "Claim",
    "ConfigError",
    "DealSummary",
    "EntityProfile",
    "Evidence",
    "FakeBackend",
    "FunctionBackend",
    "Generation",
    "GenerationRequest",
    "GroundingReport",
    "MineralBriefError",
    "Party",
    "Provenance",
    "RiskQuestion",
    "Settings",
    "Summarizer",
    "TransportError",
    "UngroundedBriefError",
    "Usage",
    "ValidationFailedError",
    "WorkerError",
    "__version__",
    "as_article",
    "asummarize",
    "load_article",
    "summarize",
]
