"""The Pydantic contract of mineralbrief.

Every other module, every backend and every tool reads these names; ``schemas/`` holds their
JSON Schema (``mineralbrief schema --write schemas/``) and a test fails when the two drift.

``BriefContent`` is what a backend produces (and what an LLM is asked for). ``Brief`` adds what
mineralbrief itself knows: the source, the provenance, the usage and the grounding report.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .domain.elements import canonical_element

if TYPE_CHECKING:
    from .article import Article

DealType = Literal[
    "mou", "loi", "offtake", "supply_agreement", "joint_venture", "acquisition",
    "investment", "funding", "framework", "partnership", "other",
]
EntityKind = Literal[
    "company", "government", "agency", "person", "project", "facility", "country", "other",
]
# the longest text a field takes (what a backend writes is clipped or dropped to fit it)
TITLE_MAX = 300  # a headline, a deal's title
CLAIM_MAX = 600
QUESTION_MAX = 400


def clip(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters (a longer one is cut, with an ellipsis)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


RiskCategory = Literal[
    "execution", "funding", "regulatory", "geopolitical", "market", "technology", "timeline",
    "supply",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class Evidence(_Model):
    """A verbatim span of the article that supports a statement."""

    quote: str = Field(
        min_length=1, max_length=800,
        description="Words copied verbatim from the article, a clause or one sentence.",
    )
    start: int | None = Field(
        default=None, description="Character offset in the article. Set by mineralbrief; leave null.",
    )
    end: int | None = Field(
        default=None, description="End offset in the article. Set by mineralbrief; leave null.",
    )
    verified: bool = Field(
        default=False, description="Set by mineralbrief's grounding check; leave false.",
    )


class Claim(_Model):
    """A short statement and the article spans it rests on."""

    text: str = Field(min_length=1, max_length=CLAIM_MAX)
    evidence: list[Evidence] = Field(
        default_factory=list, description="At least one verbatim quote from the article.",
    )


class Party(_Model):
    """A party to a deal."""

    name: str = Field(min_length=1, description="The name as the article writes it.")
    role: str | None = Field(default=None, description="e.g. buyer, seller, investor, processor.")
    ticker: str | None = Field(
        default=None, description='Ticker with its exchange as written, e.g. "ASX: REE".',
    )


class Amount(_Model):
    """Money or a quantity, as written and parsed."""

    text: str = Field(min_length=1, description='As written: "$1 billion", "1,800-acre".')
    value: float | None = Field(default=None, description="Parsed number: 1e9 for $1 billion.")
    currency: str | None = Field(default=None, description="ISO code when money: USD, AUD, EUR.")
    unit: str | None = Field(default=None, description="For quantities: tonnes, tpa, acres, ...")


class DealSummary(_Model):
    """One deal, agreement or funding instrument the article reports."""

    title: str = Field(min_length=1, max_length=TITLE_MAX)
    deal_type: DealType
    binding: bool | None = Field(
        default=None,
        description="true/false only when the article says so (e.g. 'non-binding'); else null.",
    )
    status: str | None = Field(default=None, description="e.g. signed, announced, completed.")
    parties: list[Party] = Field(default_factory=list)
    commodities: list[str] = Field(default_factory=list)
    locations: list[str] = Field(default_factory=list)
    projects: list[str] = Field(default_factory=list)
    amounts: list[Amount] = Field(default_factory=list)
    announced_on: date | None = None
    evidence: list[Evidence] = Field(default_factory=list)


class EntityProfile(_Model):
    """A company, government body, person, project or place the article names."""

    name: str = Field(min_length=1)
    kind: EntityKind
    ticker: str | None = None
    aliases: list[str] = Field(
        default_factory=list, description='Other names the article uses, e.g. "USSM".',
    )
    country: str | None = None
    role: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)


class RiskQuestion(_Model):
    """An open question an analyst would ask after reading the article."""

    question: str = Field(min_length=1, max_length=QUESTION_MAX)
    category: RiskCategory
    why: str | None = Field(default=None, description="What in the article raises the question.")
    evidence: list[Evidence] = Field(default_factory=list)


class ArticleMeta(_Model):
    """Where the brief came from."""

    title: str | None = None
    url: str | None = None
    published: date | None = None
    content_hash: str


class Provenance(_Model):
    """How the brief was made."""

    backend: str
    model: str | None = None
    prompt_version: str | None = None
    cached: bool = False
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


class Usage(_Model):
    """Requests and tokens spent on one brief, over every attempt, failed ones included."""

    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    # True when a server reported no tokens for an answer and they were estimated (a token for
    # every 4 bytes of the request and of the answer), so that a budget still counts them
    estimated: bool = False

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            requests=self.requests + other.requests,
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            total_tokens=self.total_tokens + other.total_tokens,
            estimated=self.estimated or other.estimated,
        )


class GroundingReport(_Model):
    """What the grounding check found: ``ok`` only when every checked item was found."""

    ok: bool = True
    checked: int = 0
    unverified: list[str] = Field(default_factory=list)


class BriefContent(_Model):
    """The part of a brief a backend writes."""

    headline: str = Field(min_length=1, max_length=TITLE_MAX)
    key_points: list[Claim] = Field(min_length=3, max_length=6)
    deals: list[DealSummary] = Field(default_factory=list)
    entities: list[EntityProfile] = Field(default_factory=list)
    elements: list[str] = Field(
        default_factory=list,
        description='Lower-case element names the article names; "NdPr" is neodymium and '
        "praseodymium; iron and boron inside NdFeB do not count.",
    )
    bottom_line: Claim
    questions: list[RiskQuestion] = Field(min_length=2, max_length=5)

    @field_validator("elements", mode="before")
    @classmethod
    def _element_names(cls, value: Any) -> Any:
        if not isinstance(value, list):
            return value
        names: dict[str, None] = {}
        unknown: list[str] = []
        for token in value:
            found = canonical_element(str(token))
            if not found:
                unknown.append(str(token))
            for name in found:
                names.setdefault(name, None)
        if unknown:
            raise ValueError(
                f"not element names: {unknown}; give lower-case element names such as "
                "'neodymium', or leave them out"
            )
        return list(names)


class Brief(BriefContent):
    """A typed, grounded brief of one article."""

    source: ArticleMeta
    provenance: Provenance
    usage: Usage = Field(default_factory=Usage)
    grounding: GroundingReport = Field(default_factory=GroundingReport)
    language: str = Field(default="en", description='"en", or "other" / "other:SCRIPT" (e.g. "other:CJK").')
    notes: list[str] = Field(default_factory=list, description="What a reader must know about this brief "
                             "(e.g. a language the backend could not read).")

    def to_markdown(self) -> str:
        """Render the brief as Markdown in the market-news style."""
        from .render.markdown import brief_to_markdown

        return brief_to_markdown(self)

    def to_html(self, article_text: str | Article | None = None) -> str:
        """Render the brief as a self-contained HTML review page.

        Args:
            article_text: the text the brief was made from (or its ``Article``). With it, the
                page shows the article beside the brief and each claim highlights its evidence;
                without it, the quotes are shown under each claim.

        Raises:
            TypeError: ``article_text`` is neither text, an ``Article`` nor None (a ``Path``:
                read it with ``load_article``).
        """
        from .article import Article
        from .render.html import brief_page

        if isinstance(article_text, Article):  # the Article at hand, as summarize takes it
            article_text = article_text.text
        elif article_text is not None and not isinstance(article_text, str):  # else "no attribute 'encode'"
            raise TypeError(f"to_html takes the article's text or its Article, not {type(article_text).__name__}"
                            + (": read it with load_article(path)" if isinstance(article_text, PurePath) else ""))
        return brief_page(self, article_text)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def _repr_html_(self) -> str:
        from .render.html import brief_fragment, notebook_style

        return notebook_style() + brief_fragment(self)

    def __repr__(self) -> str:
        headline = self.headline if len(self.headline) <= 80 else self.headline[:77] + "..."
        return (f"Brief({headline!r}, key_points={len(self.key_points)}, deals={len(self.deals)}, "
                f"entities={len(self.entities)}, questions={len(self.questions)}, "
                f"grounding={'ok' if self.grounding.ok else f'{len(self.grounding.unverified)} unverified'})")

    __str__ = __repr__


class DailyDeal(_Model):
    """One deal of the day; the same deal reported by several sources is one entry."""

    key: str = Field(description="Stable identity: deal family and resolved parties.")
    deal: DealSummary
    sources: list[str] = Field(default_factory=list, description="Every article that reports it.")
    status: Literal["new", "updated", "unchanged"] | None = Field(
        default=None, description="Against the previous day's brief, when one was given.",
    )
    merged: list[str] = Field(default_factory=list, description="The merge report: why each source after "
                              "the first was taken as the same deal.")


class EntityCount(_Model):
    """An entity of the day with how often it was mentioned."""

    name: str
    kind: EntityKind
    ticker: str | None = None
    aliases: list[str] = Field(default_factory=list)
    articles: int = 0


class DailyQuestion(_Model):
    """An open question, de-duplicated across articles."""

    question: str
    category: RiskCategory
    count: int = 1
    sources: list[str] = Field(default_factory=list)


class DailyBrief(_Model):
    """The day's brief over many articles."""

    date: date
    articles: list[ArticleMeta] = Field(default_factory=list)
    deals: list[DailyDeal] = Field(default_factory=list)
    entities: list[EntityCount] = Field(default_factory=list)
    elements: dict[str, int] = Field(default_factory=dict)
    questions: list[DailyQuestion] = Field(default_factory=list)
    bottom_line: str = ""
    failed: int = 0
    ungrounded: int = 0
    name_links: list[str] = Field(default_factory=list, description="Names taken as one organisation across "
                                  "the day's articles, and why (short form, initials, a byname).")

    def to_markdown(self) -> str:
        """Render the day as Markdown."""
        from .render.markdown import daily_to_markdown

        return daily_to_markdown(self)

    def to_html(self, briefs: list[Brief] | None = None, articles: dict[str, str] | None = None) -> str:
        """Render the day as a self-contained HTML page.

        Args:
            briefs: the day's briefs, shown below the day's deals (each deal's sources link to them).
            articles: article texts by content hash (``brief.source.content_hash``); a brief whose
                text is given is shown beside its article, with its evidence highlighted.
        """
        from .render.html import daily_page

        return daily_page(self, briefs or [], articles)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def _repr_html_(self) -> str:
        from .render.html import daily_fragment, notebook_style

        return notebook_style() + daily_fragment(self)

    def __repr__(self) -> str:
        return (f"DailyBrief({self.date.isoformat()}, articles={len(self.articles)}, deals={len(self.deals)}, "
                f"entities={len(self.entities)}, questions={len(self.questions)}, failed={self.failed}, "
                f"ungrounded={self.ungrounded})")

    __str__ = __repr__


SCHEMA_MODELS: dict[str, type[BaseModel]] = {
    "Brief": Brief,
    "DealSummary": DealSummary,
    "EntityProfile": EntityProfile,
    "RiskQuestion": RiskQuestion,
    "DailyBrief": DailyBrief,
}
