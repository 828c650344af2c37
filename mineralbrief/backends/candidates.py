"""What a small local model is asked to write, and what it may choose from.

A 135M-parameter model cannot be trusted to copy a sentence or spell a company's name, and
left to an unbounded JSON grammar it repeats one sentence until ``max_tokens``. So the local
backend asks for a *compact draft* (``LocalDraft``): choices more than prose. Two grammars
describe it:

* with candidates (the default): ``Candidates.of(facts).grammar()``. Key points, the bottom
  line and deal evidence are article sentences; each deal may only name what its sentence
  names (see ``DealOption``); entities are the organisations the domain layer found, with the
  kind it gave them; elements are the ones it found; questions come from the offline risk bank
  the article triggers. Each list is an ordered subsequence of its candidates (no repeats).
  Only the headline is free text, and it is bounded.
* without: ``free_schema()``, the same shape with bounded free strings, compiled by llama.cpp's
  JSON-Schema converter: the comparison's baseline.

``LocalDraft.to_content`` turns a draft into the contract's ``BriefContent``: amounts are parsed
by the domain layer, tickers and aliases are looked up for names the model chose, and each
quote becomes ``Evidence``. Grounding then checks the result like any other backend's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Optional, get_args

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError

from ..domain.deals import Sentence, binding_in
from ..domain.elements import chemical_elements
from ..domain.facts import Facts
from ..domain.numbers import find_amounts
from ..grounding import check_in_context, name_key
from ..models import (
    CLAIM_MAX,
    QUESTION_MAX,
    TITLE_MAX,
    Amount,
    BriefContent,
    Claim,
    DealSummary,
    DealType,
    EntityKind,
    EntityProfile,
    Evidence,
    Party,
    RiskCategory,
    RiskQuestion,
    clip,
)
from .grammar import draft_grammar
from .offline import PRIORITY, _quote, candidate_questions, score_sentences
from .offline_deal_words import public_funding

ROLES = ["buyer", "seller", "investor", "lender", "funder", "partner", "supplier", "offtaker",
         "developer", "acquirer", "target", "regulator", "other"]
# Bounds: what keeps a small model from looping, and the grammar (and prompt) small.
MAX_KEY_POINTS, MAX_DEALS, MAX_ENTITIES, MAX_QUESTIONS = 4, 3, 8, 3
MAX_SENTENCES, QUOTE_CHARS = 10, 300
HEADLINE_CHARS, BOTTOM_LINE_CHARS, QUESTION_CHARS, NAME_CHARS = 120, 240, 160, 60
FACTS_KEY = "mineralbrief_facts"


class _Draft(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class DraftParty(_Draft):
    name: str
    role: Optional[str] = None


class DraftDeal(_Draft):
    quote: str = Field(description="The article sentence that reports the deal.")
    deal_type: DealType
    binding: Optional[bool] = None
    parties: list[DraftParty] = Field(default_factory=list)
    commodities: list[str] = Field(default_factory=list)
    amounts: list[str] = Field(default_factory=list)


class DraftEntity(_Draft):
    name: str
    kind: EntityKind


class DraftQuestion(_Draft):
    question: str
    category: RiskCategory


class LocalDraft(_Draft):
    """The compact answer a local model writes; ``to_content`` makes a ``BriefContent`` of it.

    As instructor's response model it validates in two steps: the conversion (a wrong element
    name or too few distinct key points is a re-ask) and, when the validation context holds a
    ``SourceIndex``, grounding (an unverified item is a re-ask with the same message the
    OpenAI-compatible backend sends).
    """

    headline: str
    key_points: list[str] = Field(description="Article sentences, copied exactly.")
    deals: list[DraftDeal] = Field(default_factory=list)
    entities: list[DraftEntity] = Field(default_factory=list)
    elements: list[str] = Field(default_factory=list)
    bottom_line: str
    questions: list[DraftQuestion] = Field(default_factory=list)

    _content: BriefContent | None = PrivateAttr(default=None)
    _report: Any = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _convert_and_ground(self, info: ValidationInfo) -> LocalDraft:
        context = info.context or {}
        try:
            content = self.to_content(context.get(FACTS_KEY))
        except ValueError as exc:  # pydantic's ValidationError included: the answer breaks the contract
            raise PydanticCustomError("contract", "{message}", {"message": str(exc)[:600]}) from None
        self._report = check_in_context(content, context)
        self._content = content
        return self

    def to_content(self, facts: Facts | None = None) -> BriefContent:
        """The draft as the contract's ``BriefContent``.

        Raises:
            ValueError: fewer than three distinct key points or two questions, an unknown
                element name, or anything else ``BriefContent`` refuses.
        """
        orgs = {name_key(n): o for o in (facts.orgs if facts else []) for n in o.names()}

        def party(p: DraftParty) -> Party:
            org = orgs.get(name_key(p.name))
            return Party(name=p.name, role=p.role if p.role != "other" else None,
                         ticker=org.ticker if org else None)

        points = list(dict.fromkeys(q for q in self.key_points if q))
        if len(points) < 3:
            raise ValueError(f"key_points: give at least 3 different sentences (got {len(points)})")
        key_points = [Claim(text=clip(q, 300), evidence=[Evidence(quote=q)]) for q in points[:6]]
        deals = []
        for d in self.deals[:MAX_DEALS]:
            names = list(dict.fromkeys(p.name for p in d.parties if p.name))
            kind = d.deal_type.replace("_", " ")
            deals.append(DealSummary(
                title=clip(f"{' and '.join(names[:2]) or 'Unnamed parties'}: {kind}", TITLE_MAX),
                deal_type=d.deal_type, binding=d.binding,
                parties=[party(p) for p in {p.name: p for p in d.parties if p.name}.values()],
                commodities=list(dict.fromkeys(d.commodities)),
                amounts=[_amount(a) for a in dict.fromkeys(d.amounts) if a],
                evidence=[Evidence(quote=d.quote)] if d.quote else [],
            ))
        entities = []
        for e in {name_key(e.name): e for e in self.entities if e.name}.values():
            org = orgs.get(name_key(e.name))
            entities.append(EntityProfile(
                name=e.name, kind=e.kind, ticker=org.ticker if org else None,
                aliases=[a for a in org.names() if a != e.name][:5] if org else [],
            ))
        # the bottom line is an article sentence (with candidates) or rests on the first deal
        bottom = self.bottom_line or points[0]
        if bottom in self.key_points or (facts is not None and bottom in facts.text):
            anchor = [Evidence(quote=bottom)]
        else:
            anchor = deals[0].evidence[:1] if deals and deals[0].evidence else key_points[0].evidence[:1]
        return BriefContent(
            headline=clip(self.headline or points[0], TITLE_MAX),
            key_points=key_points,
            deals=deals,
            entities=entities,
            elements=self.elements,
            bottom_line=Claim(text=clip(bottom, CLAIM_MAX),
                              evidence=[e.model_copy() for e in anchor]),
            questions=[RiskQuestion(question=clip(q.question, QUESTION_MAX), category=q.category)
                       for q in {q.question: q for q in self.questions if q.question}.values()][:5],
        )


def _amount(text: str) -> Amount:
    found = find_amounts(text)
    if found:
        a = found[0]
        return Amount(text=text, value=a.value, currency=a.currency, unit=a.unit)
    return Amount(text=text)


# -- the choices and the grammars -----------------------------------------------------------
@dataclass
class DealOption:
    """A sentence that reports a deal, and what a deal drawn from it may say: the deal types
    its cues name, the organisations, elements and amounts it names, and ``binding`` only as
    the article states it."""

    quote: str
    types: list[str]
    names: list[str]
    elements: list[str]
    amounts: list[str]
    binding: list[str]  # JSON literals: "null", or "true"/"false" when the text says so


@dataclass
class Candidates:
    """What the domain layer found that a small model may choose from, all verbatim."""

    sentences: list[str]
    deals: list[DealOption]
    names: list[str]
    elements: list[str]
    questions: list[tuple[str, str]]  # (question, category) from the offline risk bank
    kinds: dict[str, str] = field(default_factory=dict)  # name -> the kind the domain layer gave it

    @classmethod
    def of(cls, facts: Facts, title: str | None) -> Candidates:
        scored = sorted(score_sentences(facts, title), key=lambda s: (-s.score, s.index))[:MAX_SENTENCES]
        chosen = [s.sentence for s in sorted(scored, key=lambda s: s.index)]
        if len(chosen) < 3:  # a short article: every sentence is a candidate
            chosen = [s for s in facts.sentences if len(s.text) >= 15][:MAX_SENTENCES]
        names = list(dict.fromkeys(o.name for o in facts.orgs))[:15]
        return cls(
            sentences=[q for q in dict.fromkeys(_verbatim(facts, s) for s in chosen) if q],
            deals=_deal_options(facts, names),
            names=names,
            elements=chemical_elements(facts.element_names),  # graphite is a commodity, not an element
            questions=[(q.question, q.category) for q in candidate_questions(facts)],
            kinds={o.name: o.kind for o in facts.orgs if o.name in names},
        )

    def grammar(self) -> str:
        """The GBNF grammar that holds a draft to these candidates (see ``grammar.py``)."""
        return draft_grammar(self, roles=ROLES, max_key_points=MAX_KEY_POINTS, max_deals=MAX_DEALS,
                             max_entities=MAX_ENTITIES, max_questions=MAX_QUESTIONS,
                             headline_chars=HEADLINE_CHARS)


_RELATED_TYPES = {"investment": ["funding"], "funding": ["investment"], "mou": ["loi"], "loi": ["mou"]}


def _deal_options(facts: Facts, names: list[str]) -> list[DealOption]:
    main = max(facts.companies, key=lambda o: o.mentions, default=None)
    options: dict[str, DealOption] = {}
    for cue in facts.cues:
        s = facts.sentence_at(cue.start)
        if s is None:
            continue
        quote = _verbatim(facts, s)

        def inside(a: int, _end: int = 0, lo: int = s.start, hi: int = s.end) -> bool:
            return lo <= a < hi

        if quote in options:
            if cue.deal_type not in options[quote].types:
                options[quote].types.append(cue.deal_type)
            continue
        if len(options) >= MAX_SENTENCES:
            break
        # countries are parties to frameworks between states, not to company deals
        here = [o.name for o in facts.orgs if o.name in names and any(inside(*sp) for sp in o.spans)
                and (o.kind != "country" or cue.deal_type == "framework")]
        if not here:
            continue  # the sentence names no party: not a deal a small model can state
        if main is not None and main.name not in here:
            here.insert(0, main.name)  # "the company signed...": the article's own company is a party
        said = binding_in(s.text)
        options[quote] = DealOption(
            quote=quote, types=[cue.deal_type], names=here,
            elements=list(dict.fromkeys(e.element for e in facts.elements if inside(e.start, e.end))),
            amounts=list(dict.fromkeys(a.text for a in facts.amounts
                                       if (a.currency or a.unit) and inside(a.start, a.end)))[:4],
            binding=["null"] if said is None else [json.dumps(said), "null"],
        )
    public = {o.name for o in facts.orgs if o.kind in ("agency", "government")}
    for option in options.values():
        option.types += [t for base in list(option.types) for t in _RELATED_TYPES.get(base, [])
                         if t not in option.types]
        if "investment" in option.types and public_funding(option.quote, option.names, public):
            option.types.remove("investment")
        # the most specific first, as the offline backend ranks them
        option.types.sort(key=lambda t: PRIORITY.index(t) if t in PRIORITY else len(PRIORITY))
        option.types.append("other")
    return list(options.values())


def _verbatim(facts: Facts, s: Sentence) -> str:
    """The original text of a sentence (never the blanked scan text), clipped at a word."""
    return _quote(facts, s, QUOTE_CHARS).quote


def _string(limit: int, min_chars: int = 1) -> dict[str, Any]:
    return {"type": "string", "minLength": min_chars, "maxLength": limit}


def _array(items: dict[str, Any], max_items: int, min_items: int = 0) -> dict[str, Any]:
    return {"type": "array", "items": items, "minItems": min_items, "maxItems": max_items}


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(properties)}


def free_schema() -> dict[str, Any]:
    """The draft as a JSON Schema with bounded free strings and lists and no candidates: the
    comparison's baseline, compiled by llama.cpp's own JSON-Schema converter."""
    party = _object({"name": _string(NAME_CHARS), "role": {"type": "string", "enum": ROLES}})
    deal = _object({
        "quote": _string(QUOTE_CHARS, 20),
        "deal_type": {"type": "string", "enum": list(get_args(DealType))},
        "binding": {"type": ["boolean", "null"]},
        "parties": _array(party, 4),
        "commodities": _array(_string(20), 6),
        "amounts": _array(_string(30), 3),
    })
    return _object({
        "headline": _string(HEADLINE_CHARS, 10),
        "key_points": _array(_string(QUOTE_CHARS, 20), MAX_KEY_POINTS, 3),
        "deals": _array(deal, MAX_DEALS),
        "entities": _array(_object({"name": _string(NAME_CHARS),
                                    "kind": {"type": "string", "enum": list(get_args(EntityKind))}}), MAX_ENTITIES),
        "elements": _array(_string(20), 10),
        "bottom_line": _string(BOTTOM_LINE_CHARS, 30),
        "questions": _array(_object({"question": _string(QUESTION_CHARS, 15),
                                     "category": {"type": "string", "enum": list(get_args(RiskCategory))}}),
                            MAX_QUESTIONS, 2),
    })
