"""The offline backend: a full brief from the domain layer alone. No model, no network.

Everything it writes is taken from the article: key points are article sentences chosen by
domain cues and position, deals and entities come from the extractors, the bottom line is
composed from detected facts, and the questions come from a bank of risk patterns that the
article's own words trigger. Every item carries the span it rests on, so the brief is grounded
by construction; a name, ticker, amount or element that grounding still cannot find in the
article (a name read short where markup stands inside a word) is left out (``written_only``).
"""

from __future__ import annotations

import re

from ..domain.deals import Sentence
from ..domain.elements import chemical_elements
from ..domain.facts import MARKDOWN_LINK, Facts
from ..domain.matching import name_key
from ..domain.written import states_value
from ..errors import ArticleError
from ..grounding import SourceIndex
from ..models import (
    QUESTION_MAX,
    BriefContent,
    Claim,
    DealSummary,
    EntityProfile,
    RiskQuestion,
    Usage,
)
from .base import BaseBackend, Generation, GenerationRequest, unread_language_note
from .offline_bottom import bottom_line, tidy
from .offline_deals import LABEL, find_deals
from .offline_headline import headline_of, strip_dateline
from .offline_merge import PRIORITY as PRIORITY  # the local backend ranks its choices by it
from .offline_people import people_and_sites
from .offline_text import (
    cut_by_a_line_break,
    in_masthead,
    key_sentences,
    repaired_name,
    score_sentences,
)
from .offline_text import quote as _quote

__all__ = ["build_brief", "score_sentences", "OfflineBackend"]  # score_sentences: the local backend's

VERSION = "offline-1"
_STATE_KINDS = {"government", "agency", "country"}


_DATELINE = re.compile(
    r"^(?:[A-Z][\w.'’ -]*,\s*){1,3}(?:[A-Z][a-z]{2,8}\.? \d{1,2},? \d{4}|\d{1,2} [A-Z][a-z]+ \d{4})"
    r"\s*(?:/[^/]{1,40}/)?\s*(?:--|—|–|-)\s*"
)


def _clean(s: str, limit: int = 300) -> str:
    s = tidy(strip_dateline(_DATELINE.sub("", s)))
    s = re.sub(r"\s+", " ", MARKDOWN_LINK.sub(r"\1", s)).replace("\\$", "$").strip()
    if len(s) > limit:
        cut = s.rfind(" ", 0, limit - 1)  # a text with no space in reach (one long word) is cut inside it
        s = s[: cut if cut > 0 else limit - 1].rstrip(",;:") + "…"
    return s


def _inside(span: tuple[int, int], s: Sentence) -> bool:
    return s.start <= span[0] < s.end


class OfflineBackend(BaseBackend):
    """Briefs from deterministic extraction. ``provenance.backend == "offline"``. Not cached:
    briefing again costs about what reading a cache entry does."""

    name = "offline"

    def generate(self, request: GenerationRequest) -> Generation:
        try:
            content = written_only(build_brief(request.facts, request.article.title), request.index)
        except ArticleError as exc:
            # both, for an article not read as English: the language alone ("This article is not
            # in English") told a user whose one English line was too short to read as any language
            # that it was not English
            why = str(exc) if request.language == "en" else (
                f"{exc}; it does not read as English either, which this backend reads best "
                "(backend='openai' reads other languages)")
            raise ArticleError(f"{request.article.id}: {why}", article_id=request.article.id) from None
        if request.language == "en":
            return Generation(content=content, usage=Usage(), model=VERSION)
        if not content.deals:  # "no deal is reported" would claim what this backend cannot know
            content.bottom_line = Claim(
                text="No deal could be read: the article is not in English, and this backend reads English best.",
                evidence=content.bottom_line.evidence)
        return Generation(content=content, usage=Usage(), model=VERSION,
                          notes=[unread_language_note("offline", request.language)])

    async def agenerate(self, request: GenerationRequest) -> Generation:
        return self.generate(request)  # a few milliseconds of CPU: a thread would only add to it


def written_only(content: BriefContent, index: SourceIndex) -> BriefContent:
    """``content`` without the names, tickers, amounts and elements the article does not write,
    as grounding reads the article: a name read short where markup or a dot stands inside a word
    ("Dan Te**han" gave "Dan Te"). A model is asked again for what grounding finds missing; this
    backend asks no one, so it leaves out what the check would flag. The same checks as
    ``grounding.ground``, item by item (an entity keeps the names the article writes, the first
    of them its name, and goes when it writes none)."""
    entities: list[EntityProfile] = []
    known: set[str] = set()
    for e in content.entities:
        names = [n for n in [e.name, *e.aliases] if index.has_name(n)]
        if not names:
            continue
        known.update(name_key(n) for n in names)
        update: dict[str, object] = {}
        if names != [e.name, *e.aliases]:
            update.update(name=names[0], aliases=names[1:])
        if e.ticker and not index.writes_ticker(e.ticker):
            update["ticker"] = None
        entities.append(e.model_copy(update=update) if update else e)
    deals = []
    for d in content.deals:
        parties = [p if not p.ticker or index.writes_ticker(p.ticker) else p.model_copy(update={"ticker": None})
                   for p in d.parties if index.has_name(p.name) or name_key(p.name) in known]
        amounts = [a for a in d.amounts
                   if index.writes_amount(a.text) and (a.value is None or states_value(a.text, a.value))]
        deals.append(d if (parties, amounts) == (d.parties, d.amounts)
                     else d.model_copy(update={"parties": parties, "amounts": amounts}))
    return content.model_copy(update={
        "entities": entities, "deals": deals, "elements": [el for el in content.elements if el in index.elements]})


# -- the pieces --------------------------------------------------------------------------------
def _key_points(facts: Facts, title: str | None) -> list[Claim]:
    """Sentences chosen for what they say (see ``offline_text``), each quoted at its span."""
    picked = key_sentences(facts, title)
    if len(picked) < 3:
        raise ArticleError(
            f"too short to brief: {len(picked)} sentence(s) of running text (tables, headings and "
            "fragments aside); a brief needs at least three"
        )
    return [Claim(text=_clean(s.text), evidence=[_quote(facts, s)]) for s in picked]



def _deals(facts: Facts) -> list[DealSummary]:
    return find_deals(facts)


_PROJECT_RE = re.compile(r"\b((?:[A-Z][\w'-]+\s+){1,3}(?:Project|Mine|Deposit|Hub|Refinery|Facility))\b")


def _projects(facts: Facts, sentences: list[Sentence]) -> list[str]:
    found = []
    for s in sentences:
        for m in _PROJECT_RE.finditer(s.text):
            name = re.sub(r"^(?:The|A|An|Its|Their|Our)\s+", "", m.group(1))
            if name not in found and len(name.split()) > 1:
                found.append(name)
                if len(found) == 4:  # a deal told in a thousand sentences is not read to the end
                    return found
    return found


def _entities(facts: Facts) -> list[EntityProfile]:
    out = []
    whole = [o for o in facts.orgs if not (o.kind == "company" and (  # half a name, an outlet, a commodity
        cut_by_a_line_break(facts, o.spans) or in_masthead(facts, o.name, o.spans) or not repaired_name(o.name)))]
    for o in sorted(whole, key=lambda o: (o.kind != "company", -o.mentions))[:15]:
        first = facts.sentence_at(o.spans[0][0]) if o.spans else None
        out.append(EntityProfile(
            name=(repaired_name(o.name) or o.name) if o.kind == "company" else o.name,
            kind=o.kind,  # type: ignore[arg-type]
            ticker=o.ticker, aliases=o.aliases[:5],
            evidence=[_quote(facts, first, 300)] if first else [],
        ))
    return out + people_and_sites(facts)


def _bottom_line(facts: Facts, deals: list[DealSummary], key_points: list[Claim]) -> Claim:
    return bottom_line(facts, deals, key_points, LABEL)


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeio" else "a"


_FACILITY = re.compile(r"\b(?:plant|facility|refinery|processing hub|hub|mine|site|separation)\b", re.I)
_CHINA = re.compile(r"\bChin(?:a|ese)\b[^.]{0,80}\b(?:export controls?|restrict\w*|ban|licen[cs]\w*)|"
                    r"\b(?:export controls?|restrict\w*)\b[^.]{0,80}\bChin(?:a|ese)\b", re.I)
_TIMELINE = re.compile(
    r"\b(?:by|in|from|until)\s+(?:early |mid-|late )?(?:19|20)\d{2}\b|\bfirst production\b|commissioning", re.I)


def _questions(facts: Facts, deals: list[DealSummary]) -> list[RiskQuestion]:
    qs: list[RiskQuestion] = []

    def ask(question: str, category: str, why: str, s: Sentence | None) -> None:
        # a question quoting names or sums of hostile length is left out, never cut short
        if len(qs) < 5 and len(question) <= QUESTION_MAX and all(q.question != question for q in qs):
            qs.append(RiskQuestion(question=question, category=category, why=why,  # type: ignore[arg-type]
                                   evidence=[_quote(facts, s, 300)] if s else []))

    def sentence_of(d: DealSummary) -> Sentence | None:
        return facts.sentence_at(d.evidence[0].start) if d.evidence and d.evidence[0].start is not None else None

    sums = [d for d in deals if d.deal_type in ("funding", "investment") and d.amounts]
    if sums:  # one question for all the money, not one per sum
        texts = [d.amounts[0].text for d in sums[:3]]
        listed = texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1]
        ask(f"What conditions attach to the {listed}, and when {'does it' if len(sums) == 1 else 'do they'} close?",
            "funding", "Funding is announced without its terms.", sentence_of(sums[0]))
    for d in deals:
        names = " and ".join(p.name for p in d.parties[:2])
        if d.deal_type in ("mou", "loi") or d.binding is False:
            ask(f"Will the {LABEL[d.deal_type]} between {names} become a binding agreement, and when?",
                "execution", "The agreement is described as non-binding or preliminary.", sentence_of(d))
        if d.deal_type == "offtake":
            ask("What price and volume terms does the offtake set, and for how long?",
                "market", "An offtake is reported without its commercial terms.", sentence_of(d))
        if d.deal_type == "framework":
            ask("Which projects will the framework actually fund, and on what timeline?",
                "timeline", "A government framework is cited as support.", sentence_of(d))
        if d.deal_type == "acquisition":
            ask("What approvals does the acquisition still need before it completes?",
                "regulatory", "An acquisition is announced.", sentence_of(d))
    china = next((s for s in facts.sentences if _CHINA.search(s.text)), None)
    if china:
        ask("How exposed are the project's inputs and customers to Chinese export controls?",
            "geopolitical", "The article cites Chinese restrictions on rare earths.", china)
    plant = next((s for s in facts.sentences if _FACILITY.search(s.text) and any(
        _inside(sp, s) for o in facts.companies for sp in o.spans)), None)
    if plant:
        ask("What permits, commissioning date and feedstock does the planned facility still need?",
            "execution", "A processing facility is planned or named.", plant)
    if not any(_TIMELINE.search(s.text) for s in facts.sentences):
        lead = facts.sentences[0] if facts.sentences else None
        ask("What is the timeline to first production or first revenue?",
            "timeline", "The article gives no dates for delivery.", lead)
    lead = next((s for s in facts.sentences if len(s.text) > 40), facts.sentences[0] if facts.sentences else None)
    if not sums:
        ask("How will the companies fund the next stage?", "funding",
            "The article does not say how the work is paid for.", lead)
    ask("What demand and prices does the plan assume for the products?", "market",
        "Market conditions are not discussed.", lead)
    return qs[:5]


def candidate_questions(facts: Facts) -> list[RiskQuestion]:
    """The risk bank's questions this article triggers (the local backend's question choices)."""
    return _questions(facts, _deals(facts))


def build_brief(facts: Facts, title: str | None = None) -> BriefContent:
    """A complete ``BriefContent`` from a domain scan."""
    title = headline_of(facts, title)
    key_points = _key_points(facts, title)
    deals = _deals(facts)
    headline = _clean(title or key_points[0].text, 200)
    return BriefContent(
        headline=headline,
        key_points=key_points,
        deals=deals,
        entities=_entities(facts),
        elements=chemical_elements(facts.element_names),
        bottom_line=_bottom_line(facts, deals, key_points),
        questions=_questions(facts, deals),
    )
