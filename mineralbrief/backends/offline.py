"""The offline backend: a full brief from the domain layer alone. No model, no network.

Everything it writes is taken from the article: key points are article sentences chosen by
domain cues and position, deals and entities come from the extractors, the bottom line is
composed from detected facts, and the questions come from a bank of risk patterns that the
article's own words trigger. Every item carries the span it rests on, so the brief is grounded
by construction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from ..domain.deals import Sentence
from ..domain.facts import Facts
from ..errors import ArticleError
from ..models import (
    BriefContent,
    Claim,
    DealSummary,
    EntityProfile,
    Evidence,
    RiskQuestion,
    Usage,
)
from .base import BaseBackend, Generation, GenerationRequest, unread_language_note
from .offline_deals import LABEL, find_deals
from .offline_deals import PRIORITY as PRIORITY  # the local backend ranks its choices by it
from .offline_deals import public_funding as public_funding

VERSION = "offline-1"
_BOILERPLATE = re.compile(
    r"forward[- ]looking|please visit|www\.|https?://|copyright|all rights reserved|disclaimer|"
    r"subscribe|image source|for more information|contact:|^contact\b|view original content|"
    r"this announcement has been|authori[sz]ed (?:for release|by the board)|cookies?\b|"
    r"newsletter|read more|add a public comment|no comments",
    re.I,
)
_COMPANY_KINDS = {"company"}
_AREA_UNITS = {"acres", "hectares", "km"}
_EQUITY = re.compile(r"\b(?:stock|shares?|stake|equity|warrants?|shareholder|placement|convertible)\b", re.I)
_COST = re.compile(
    r"\b(?:cost|costs|capex|capital expenditure|estimate[sd]?|revenue|valu(?:ed|ation)|market cap)\b", re.I)
_STRONG_MONEY = re.compile(
    r"\b(?:loan|grant|award|incentive|stock|shares|stake|placement|equity|raise[sd]?|financing)\w*", re.I)
_STATE_KINDS = {"government", "agency", "country"}


@dataclass
class _Scored:
    sentence: Sentence
    score: float
    index: int


def _quote(facts: Facts, s: Sentence, limit: int = 400) -> Evidence:
    """The sentence, verbatim from the original text (clipped at a word boundary)."""
    start, end = s.start, s.end
    if end - start > limit:
        cut = facts.text.rfind(" ", start, start + limit)
        end = cut if cut > start else start + limit
    return Evidence(quote=facts.text[start:end].strip(), start=start, end=end, verified=True)


_DATELINE = re.compile(
    r"^(?:[A-Z][\w.'’ -]*,\s*){1,3}(?:[A-Z][a-z]{2,8}\.? \d{1,2},? \d{4}|\d{1,2} [A-Z][a-z]+ \d{4})"
    r"\s*(?:/[^/]{1,40}/)?\s*(?:--|—|–|-)\s*"
)


def _clean(s: str, limit: int = 300) -> str:
    s = _DATELINE.sub("", s)
    s = re.sub(r"\s+", " ", re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)).replace("\\$", "$").strip()
    if len(s) > limit:
        s = s[: s.rfind(" ", 0, limit - 1)].rstrip(",;:") + "…"
    return s


def _inside(span: tuple[int, int], s: Sentence) -> bool:
    return s.start <= span[0] < s.end


class OfflineBackend(BaseBackend):
    """Briefs from deterministic extraction. ``provenance.backend == "offline"``. Not cached:
    briefing again costs about what reading a cache entry does."""

    name = "offline"

    def generate(self, request: GenerationRequest) -> Generation:
        try:
            content = build_brief(request.facts, request.article.title)
        except ArticleError as exc:
            why = str(exc) if request.language == "en" else unread_language_note("offline", request.language)
            raise ArticleError(f"{request.article.id}: {why}", article_id=request.article.id) from None
        if request.language == "en":
            return Generation(content=content, usage=Usage(), model=VERSION)
        if not content.deals:  # "no deal is reported" would claim what this backend cannot know
            content.bottom_line = Claim(
                text="No deal could be read: the article is not in English and this backend reads English only.",
                evidence=content.bottom_line.evidence)
        return Generation(content=content, usage=Usage(), model=VERSION,
                          notes=[unread_language_note("offline", request.language)])

    async def agenerate(self, request: GenerationRequest) -> Generation:
        return self.generate(request)  # a few milliseconds of CPU: a thread would only add to it


# -- the pieces --------------------------------------------------------------------------------
def score_sentences(facts: Facts, title: str | None) -> list[_Scored]:
    """Body sentences worth a key point, scored by deal cues, names, sums, elements and position
    (boilerplate, questions, fragments and the title itself left out)."""
    n = len(facts.sentences)
    cue_types = _cue_types(facts)
    companies, states, amounts = [0] * n, [0] * n, [0] * n
    elements: list[set[str]] = [set() for _ in range(n)]
    for o in facts.orgs:
        if o.kind != "company" and o.kind not in _STATE_KINDS:
            continue
        counter = companies if o.kind == "company" else states
        for sp in o.spans:
            i = facts.sentence_index(sp[0])
            if i is not None:
                counter[i] += 1
    for a in facts.amounts:
        i = facts.sentence_index(a.start)
        if i is not None:
            amounts[i] += 1
    for e in facts.elements:
        i = facts.sentence_index(e.start)
        if i is not None:
            elements[i].add(e.element)
    out = []
    body_index = 0
    for i, s in enumerate(facts.sentences):
        text = s.text
        if title and fuzz.ratio(text.lower(), title.lower()) > 90:
            continue
        if _BOILERPLATE.search(text) or text.endswith("?") or len(text) < 40:
            continue
        words = len(text.split())
        if words < 7:
            continue
        score = 3.0 * len(cue_types[i]) + 1.5 * min(3, companies[i]) + 1.0 * min(2, amounts[i])
        score += 0.5 * min(3, len(elements[i])) + 0.5 * min(2, states[i])
        score += max(0.0, 3.0 - 0.4 * body_index)  # the lead carries the news
        if words > 70:
            score -= 2.0
        out.append(_Scored(s, score, i))
        body_index += 1
    return out


def _key_points(facts: Facts, title: str | None) -> list[Claim]:
    scored = sorted(score_sentences(facts, title), key=lambda x: (-x.score, x.index))
    picked: list[_Scored] = []
    for cand in scored:
        if any(fuzz.token_set_ratio(cand.sentence.text, p.sentence.text) > 75 for p in picked):
            continue
        picked.append(cand)
        if len(picked) == 5:
            break
    if len(picked) < 3:  # a short article: take whatever sentences remain
        for i, s in enumerate(facts.sentences):
            if len(picked) >= 3:
                break
            if all(p.sentence is not s for p in picked) and len(s.text) >= 15 and not (
                    title and s.text.strip() == title.strip()):
                picked.append(_Scored(s, 0.0, i))
    if len(picked) < 3:
        raise ArticleError(
            f"too short to brief: {len(facts.sentences)} sentence(s); a brief needs at least three"
        )
    picked.sort(key=lambda x: x.index)
    return [Claim(text=_clean(p.sentence.text), evidence=[_quote(facts, p.sentence)]) for p in picked]


def _cue_types(facts: Facts) -> list[set[str]]:
    """For each sentence, the deal cues it holds."""
    types: list[set[str]] = [set() for _ in facts.sentences]
    for c in facts.cues:
        i = facts.sentence_index(c.start)
        if i is not None:
            types[i].add(c.deal_type)
    return types



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
    return found[:4]


def _entities(facts: Facts) -> list[EntityProfile]:
    out = []
    for o in sorted(facts.orgs, key=lambda o: (o.kind != "company", -o.mentions))[:15]:
        first = facts.sentence_at(o.spans[0][0]) if o.spans else None
        out.append(EntityProfile(
            name=o.name, kind=o.kind,  # type: ignore[arg-type]
            ticker=o.ticker, aliases=o.aliases[:5],
            evidence=[_quote(facts, first, 300)] if first else [],
        ))
    return out


def _bottom_line(facts: Facts, deals: list[DealSummary], key_points: list[Claim]) -> Claim:
    if not deals:
        named = ", ".join(o.name for o in facts.companies[:3]) or ", ".join(o.name for o in facts.orgs[:3])
        els = ", ".join(facts.element_names[:4])
        text = "No specific deal is reported"
        text += f"; the article concerns {els}" if els else ""
        text += f" and names {named}" if named else ""
        return Claim(text=text + ".", evidence=key_points[0].evidence[:1])
    d = deals[0]
    parties = " and ".join(p.name for p in d.parties[:2])
    kind = ("non-binding " if d.binding is False else "binding " if d.binding else "") + LABEL[d.deal_type]
    text = f"{parties}: {_article(kind)} {kind}"
    if d.commodities:
        text += f" covering {', '.join(d.commodities[:4])}"
    if d.locations:
        text += f" in {' and '.join(d.locations[:2])}"  # "Missouri, Western Australia" reads as one place
    money = [a.text for a in d.amounts if a.currency]
    if money:
        text += f", worth {money[0]}"
    text += "."
    others = [f"{LABEL[o.deal_type]}" + (f" ({o.amounts[0].text})" if o.amounts else "") for o in deals[1:4]]
    if others:
        text += f" Also reported: {', '.join(others)}."
    if d.binding is False:
        text += " Nothing is committed until a binding agreement follows."
    return Claim(text=text, evidence=d.evidence[:1])


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
        if len(qs) < 5 and all(q.question != question for q in qs):
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
    key_points = _key_points(facts, title)
    deals = _deals(facts)
    headline = _clean(title or key_points[0].text, 200)
    return BriefContent(
        headline=headline,
        key_points=key_points,
        deals=deals,
        entities=_entities(facts),
        elements=facts.element_names,
        bottom_line=_bottom_line(facts, deals, key_points),
        questions=_questions(facts, deals),
    )
