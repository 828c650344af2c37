"""The offline backend's deals: one deal per instrument, typed by the instrument's own words.

A sentence can report several instruments ("an offtake and a US$25 million equity placement"):
each becomes a deal of its own, and the sums of the sentence go to the instrument they sit
nearest. Parties are the entities of the sentence (agencies, governments and state companies
included), completed from the sentence before when the sentence names one side only. Mentions of
one deal across the article (the headline, the lead, a later "the loan") are merged into one
(``offline_merge``). This module holds the finder of an article's instruments (``_Finder``) and
``find_deals``, which turns its merged candidates into ``DealSummary`` items. Which parties a
sentence names and each instrument's sides are found in ``offline_parties``, the word lists and
small pure helpers that type an instrument are in ``offline_deal_words``; how parties are named is
in ``offline_names``, the cues the domain's list lacks in ``offline_cues``, Markdown deal tables in
``offline_tables``.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from ..domain.deals import DealCue, Sentence, status_in
from ..domain.facts import Facts
from ..domain.numbers import AmountMention
from ..models import TITLE_MAX, Amount, DealSummary, Evidence, clip
from .offline_cues import more_cues
from .offline_deal_words import (
    ADVISER,
    AGGREGATE,
    BACKREF,
    BEFORE_A_NAME,
    BOILERPLATE,
    BOUND_DEAL,
    CJK,
    CO_OWNER,
    EACH,
    IS_A,
    JOINT,
    NAMED_STAKE,
    NOUN_KIND,
    PURCHASE_VERB,
    SIDES_AFTER,
    TERMS_OF,
    WEAK,
    deal_binds,
    instrument,
    public_funding,
    reporting_end,
    resolve,
)
from .offline_merge import (
    HEADING_WORDS,
    MONEY_TYPES,
    REF,
    ROUNDING,
    SALES,
    SOFT,
    VOLUME_TYPES,
    Candidate,
    merge_reports,
    term_amount,
)
from .offline_names import party_name
from .offline_parties import PartyFinder
from .offline_tables import Row, deal_rows

LABEL = {
    "mou": "MOU", "loi": "letter of intent", "offtake": "offtake agreement",
    "supply_agreement": "supply agreement", "joint_venture": "joint venture",
    "acquisition": "acquisition", "investment": "investment", "funding": "funding package",
    "framework": "framework", "partnership": "partnership", "other": "deal",
}
MAX_DEALS = 8


class _Finder(PartyFinder):
    """The deal candidates of one article: which parties its sentences name, and each
    instrument's sides, come from ``PartyFinder``."""

    def __init__(self, facts: Facts) -> None:
        super().__init__(facts)
        self.end = reporting_end(facts.text)
        self.rows = deal_rows(facts.sentences)
        self.cues: list[list[DealCue]] = [[] for _ in facts.sentences]
        more = more_cues(facts.plain)
        starts = [c.start for c in facts.cues]
        # "the offtake contracts signed with ...": a contract another cue qualifies is of that kind
        more = [c for c in more if facts.sentence_index(c.start) == facts.sentence_index(c.end - 1) and (
                c.deal_type != "other" or bisect_left(starts, c.start - 20) == bisect_right(starts, c.end))]
        for c in sorted([*facts.cues, *more], key=lambda c: c.start):
            i = facts.sentence_index(c.start)
            if i is not None:
                self.cues[i].append(c)
        # what each sentence holds, bucketed once (its names by ``PartyFinder``; a scan of every name
        # or sum per sentence is quadratic in a long article)
        self.amounts_in: list[list[AmountMention]] = [[] for _ in facts.sentences]
        for a in facts.amounts:
            i = facts.sentence_index(a.start)
            if i is not None:
                self.amounts_in[i].append(a)

    def candidates(self) -> list[Candidate]:
        out: list[Candidate] = []
        facts = self.facts
        for i, s in enumerate(facts.sentences):
            cues = self.cues[i]
            if (s.start >= self.end or BOILERPLATE.search(s.text.lower()) or s.text.endswith("?")
                    or ADVISER.search(s.text)):
                continue
            if i in self.rows:  # "| Panasonic Energy | 18,000 t | 7 years | US$25M |"
                out += self._row_deals(self.rows[i], s, i)
                continue
            if not cues:
                # "Under the binding agreement, Liontown will deliver ...", "The letter is not a commitment"
                ref = BACKREF.search(s.text)
                amounts = list(self.amounts_in[i])
                # "the contract would be worth more than $1.5 billion": a sum for a deal already named
                priced = ref is not None and any(a.currency and term_amount(a, facts.text, s, "") for a in amounts)
                # "Tesla signs binding lithium deal with Liontown": a headline binding a deal told below
                bound = "binding" in s.text and BOUND_DEAL.search(s.text) is not None and deal_binds(s.text) is not None
                if TERMS_OF.search(s.text) or (ref or bound) and deal_binds(s.text) is not None or priced:
                    hint = NOUN_KIND.get(ref.group(1).lower()) if ref else None
                    out.append(Candidate(REF, [s], [p for _, p, _ in self.mentions(s)], amounts, True,
                                          deal_binds(s.text), hint))
                continue
            prev = facts.sentences[i - 1] if i else None
            nxt = facts.sentences[i + 1] if i + 1 < len(facts.sentences) else None
            window = " ".join(x.text for x in (prev, s, nxt) if x is not None)
            cues = [c for c in cues if facts.text[c.end:c.end + 2] not in ("'s", "’s")  # "the loan's reserve"
                    and not RULED_OUT.search(facts.text, max(s.start, c.start - 80), c.start)]
            if not cues:
                continue
            typed = [(instrument(c, window, prev.text if prev else ""), c) for c in cues]
            if any(t == "offtake" for t, _ in typed):  # "agreed to buy Larkspur Metals for $1 billion"
                companies_at = [at for at, _, company in self.mentions(s) if company]
                typed = [("acquisition" if t == "offtake" and self._buys_a_company(c, companies_at) else t, c)
                         for t, c in typed]
            if JOINT.search(s.text):  # "all three companies will make equity investments in the project"
                typed = [("joint_venture" if t == "investment" else t, c) for t, c in typed]
            if not any(a.currency and term_amount(a, facts.text, s, "") for a in self.amounts_in[i]):
                # "the split of the equity is not disclosed, but under the framework agreement ...": a
                # weak money word with no sum names no instrument, and does not outrank the one beside it
                named = [(t, c) for t, c in typed if not (t in MONEY_TYPES and WEAK.match(c.text))]
                typed = named or typed
            kinds = resolve(typed)
            mentions = self.mentions(s)
            names = [p.name for _, p, _ in mentions]
            if any(k == "investment" for k in kinds) and public_funding(s.text, names[:1], self.public):
                typed = [("funding" if t == "investment" else t, c) for t, c in typed]
                kinds = list(dict.fromkeys("funding" if k == "investment" else k for k in kinds))
            amounts = list(self.amounts_in[i])
            money_kinds = [k for k in kinds if k in MONEY_TYPES]
            for kind in kinds:
                strong = any(t == kind and (kind == "joint_venture" or not WEAK.match(c.text)) for t, c in typed)
                mine = self._amounts_for(kind, kinds, money_kinds, typed, amounts, s)
                parties = self._own_parties(kind, kinds, typed, mentions)
                if kind == "other":  # its sides are named in the cue and right after it
                    cue = next(c for t, c in typed if t == kind)
                    parties = [p for at, p, _ in mentions if cue.start <= at <= cue.end + SIDES_AFTER]
                if kind == "investment" and len([p for p in parties if p != self.main]) >= 2:
                    # "A and B are investing an aggregate of $80 million": the sum of several stakes,
                    # none of them its own
                    mine = [a for a in mine if not AGGREGATE.search(facts.text, max(s.start, a.start - 40), a.start)]
                if kind in SALES:  # a government buys or sells through its companies and agencies
                    parties = [p for p in parties if p.name not in self.governments]
                has_money = any(a.currency for a in mine)
                companies = sum(1 for _, p, c in mentions if c and p in parties)
                if not mentions and BACKREF.search(s.text) and not EACH.search(s.text):
                    # "the third offtake", "the loan would cover ...": a deal already named
                    out.append(Candidate(REF, [s], [], amounts, True, deal_binds(s.text), kind))
                    continue
                if kind in MONEY_TYPES and not has_money and (
                        not strong or len(parties) < 2 or not companies or kind == "investment" and not any(
                            t == kind and NAMED_STAKE.match(c.text) for t, c in typed)):
                    continue  # a deal with no sum counts only when named outright between two sides
                if not strong and not has_money and kind not in SOFT:
                    continue
                heads = nxt if len(s.text.split()) <= HEADING_WORDS and not parties else None
                if heads is not None and any(c.deal_type == kind for c in self.cues[i + 1]):
                    continue  # a heading over the sentence that tells the deal itself
                if not parties and CJK.search(s.text):
                    continue  # the name scan misses short Chinese names: sides taken from elsewhere would be guesses
                ps = self._complete(parties, prev, kind, heads)
                if prev is not None and not has_money and kind in MONEY_TYPES | {"loi", "mou"} and \
                        not self.cues[i - 1] and {p.name for p in self.parties(prev)} & {p.name for p in ps}:
                    # "EXIM may finance up to US$1.8 billion. The form this takes is a letter of interest"
                    mine = [a for a in self.amounts_in[i - 1] if a.currency
                            and term_amount(a, facts.text, prev, kind)]
                if kind in MONEY_TYPES and len(ps) < 2 and not strong:
                    continue  # a company spending on its own plant is capex, not a deal
                if not ps or (kind in SOFT and len(ps) < 2):  # a venture has two sides
                    continue
                if kind == "joint_venture" and len(parties) < 2 and any(
                        t == kind and IS_A.search(facts.text, max(s.start, c.start - 30), c.start) for t, c in typed):
                    continue  # "the mine is a joint venture in which A holds 51%": what a project is, not a deal
                back = self._refers_back(s, [c for t, c in typed if t == kind])
                # "binding offtakes ... and a A$300 million loan": the word binds the instrument it stands by
                own = next(c for t, c in typed if t == kind) if len(kinds) > 1 else None
                binds = deal_binds(facts.text[max(s.start, own.start - 40):own.end] if own else s.text)
                if kind in ("investment", "funding"):
                    out += [Candidate(kind, [s], p, a, back, binds)
                            for p, a in self._each_investor(ps, mine, mentions, s)]
                else:
                    split, several = self._each_buyer(kind, ps, mentions, typed)
                    verb = all(PURCHASE_VERB.match(c.text) for t, c in typed if t == kind)
                    out += [Candidate(kind, [s], p, mine, back, binds, each=several, verb=verb)
                            for p in split]
                if kind == "acquisition" and len(ps) >= 2 and CO_OWNER.search(s.text):
                    # buying out the stake a partner held: the two were in a joint venture (a background deal)
                    out.append(Candidate("joint_venture", [s], ps[:2], refers_back=True))
        return out

    def _row_deals(self, row: Row, s: Sentence, i: int) -> list[Candidate]:
        """The deals of one row of a deal table: the article's company with the party the row
        names, one deal per kind the header names; a sum goes to the kind of its column, a
        volume to the contract."""
        main = self.main
        others = [(at, p) for at, p, company in self.mentions(s) if company and main is not None and p != main]
        if main is None or not others:
            return []
        if row.kind_at(others[0][0]) is None and any(row.kind_at(at) is not None for at, _ in others[1:]):
            return []  # "| Albemarle | Tesla |" under "| Company | Main customers |": another company's buyer
        out = []
        for kind in row.kinds:
            mine = [a for a in self.amounts_in[i] if term_amount(a, self.facts.text, s, kind)
                    and (row.kind_at(a.start) == kind if a.currency else kind in VOLUME_TYPES)]
            if kind in MONEY_TYPES and not mine:
                continue
            parties = [others[0][1], main] if kind in MONEY_TYPES else [main, others[0][1]]
            out.append(Candidate(kind, [s], parties, mine))
        return out

    def _buys_a_company(self, cue: DealCue, companies_at: list[int]) -> bool:
        """Whether a purchase verb's object is a company ("agreed to buy rival Larkspur"): its
        acquisition, not a purchase of output."""
        if not cue.text.lower().endswith(("buy", "purchase")):
            return False
        return any(BEFORE_A_NAME.fullmatch(self.facts.text, cue.end, at) for at in companies_at if at > cue.end)

    @staticmethod
    def _refers_back(s: Sentence, cues: list[DealCue]) -> bool:
        """Whether the sentence points back at a deal already named ("the agreement", "this
        partnership"), not at an instrument its own cue qualifies: "under the framework agreement"
        names a framework (the cue stands before the noun), "the partnership" points back."""
        for m in BACKREF.finditer(s.text):
            noun_at = s.start + m.start(1)
            if not any(s.start + m.start() <= c.start < noun_at for c in cues):
                return True
        return False

    def _amounts_for(self, kind: str, kinds: list[str], money_kinds: list[str],
                     typed: list[tuple[str, DealCue]], amounts: list[AmountMention],
                     s: Sentence) -> list[AmountMention]:
        """The sums and volumes of the sentence that belong to this instrument: each goes to the
        nearest instrument that can hold it (money to a money deal when the sentence has one)."""
        text = self.facts.text
        mine = []
        for a in amounts:
            if not term_amount(a, text, s, kind):
                continue
            holders = (money_kinds or kinds) if a.currency else [k for k in kinds if k in VOLUME_TYPES]
            if kind not in holders:
                continue
            if len(holders) > 1:
                near = min(((abs(c.start - a.start), t) for t, c in typed if t in holders), default=(0, kind))
                if near[1] != kind:
                    continue
            mine.append(a)
        return mine

# "is not in talks to be acquired", "would never sign an offtake", "denies Tesla takeover report": a
# deal the text says does not exist (the words allowed between are the few of such a denial, so
# "did not disclose the terms of the offtake" keeps its deal)
RULED_OUT = re.compile(
    r"(?:(?:\b(?:not|never)|n[’']t)\s+(?:(?:yet|be|been|in|talks|to|sign|signed|enter|entered|into|agree|agreed|"
    r"any|an|a|formally|pursue|pursuing|seeking|seek)\s+){0,5}|\bden(?:ies|ied|y|ying)\s+(?:[\w’'-]+\s+){0,2}"
    # "denied (a Bloomberg report) that it had signed a $500 million offtake": what it denies signing
    # ("declined to comment on whether it had signed", "would neither confirm nor deny that A had
    # signed"; the signing word is needed: "denied that the offtake was delayed" keeps its deal)
    r"|\b(?:den(?:ies|ied|y|ying)\s+(?:[\w’'-]+\s+){0,3}?that|whether)\s+(?:(?:it|they|the\s+company|"
    r"(?-i:[A-Z][\w&.’'-]*)|had|has|have|was|would|will|been)\s+){0,4}"
    r"(?:signed|agreed|entered|reached|struck|sign|agree|enter|strike)\s+(?:(?:into|an?|any|the|to)\s+){0,2}"
    r"(?:(?:US|A|C)?[$€£]\s?[\d.,]+(?:\s+(?:million|billion|bn|m))?\s+)?"
    # "If A were to sign an offtake with B", "B could one day seek a supply agreement", "has no
    # plans to sign": a deal imagined, not made
    r"|\bno\s+(?:plans?|intention)\s+to\s+(?:sign|agree|enter|strike|seek|pursue)\s+(?:(?:an?|any|into|the|to)\s+){0,2}"
    r"|\bif\s+(?:[\w’'.-]+\s+){0,4}?(?:were|was)\s+to\s+(?:sign|agree|enter|strike|seek|pursue)\s+"
    r"(?:(?:an?|any|into|the|to)\s+){0,2}"
    r"|\b(?:could|might|may)\s+(?:one\s+day|someday|eventually|in\s+future)\s+(?:sign|seek|pursue|strike|agree|enter)\s+"
    r"(?:(?:an?|any|into|the|to)\s+){0,2}"
    # "walked away from (broke off, ended) talks (with B) on an offtake": talks that failed, no deal
    r"|\b(?:walk(?:ed|s|ing)?\s+away\s+from|br(?:oke|eaks?|eaking)\s+off|pull(?:ed|s|ing)?\s+out\s+of|end(?:ed|s|ing)"
    r"|abandon(?:ed|s|ing)?|call(?:ed|s|ing)?\s+off)\s+(?:(?:the|its|their)\s+)?(?:talks|negotiations|discussions)\s+"
    r"(?:(?:with|between)\s+(?:[\w&.’'-]+\s+){1,5}?)?(?:on|over|about|for|towards?)\s+(?:(?:an?|the|any)\s+)?"
    r"(?:[\w$.,%’'-]+\s+){0,4})$",
    re.I)


def _evidence(facts: Facts, s: Sentence, limit: int = 400) -> Evidence:
    start, end = s.start, s.end
    if end - start > limit:
        cut = facts.text.rfind(" ", start, start + limit)
        end = cut if cut > start else start + limit
    return Evidence(quote=facts.text[start:end].strip(), start=start, end=end, verified=True)


def _precise(amounts: Iterable[AmountMention]) -> list[AmountMention]:
    """One sum as each outlet rounds it ("$2.3 bln" in the headline, "US$2.26 billion" in the
    body) is kept once, as written most precisely."""
    amounts = list(amounts)

    def digits(a: AmountMention) -> int:
        return sum(ch.isdigit() for ch in a.text)
    def finer(b: AmountMention, a: AmountMention) -> bool:
        return b is not a and b.currency == a.currency and bool(a.value and b.value) and abs(
            (a.value or 0) - (b.value or 0)) <= ROUNDING * max(a.value or 0, b.value or 0) and (
            digits(b), b.value or 0) > (digits(a), a.value or 0)
    return [a for a in amounts if not (a.currency and any(finer(b, a) for b in amounts))]


def find_deals(facts: Facts) -> list[DealSummary]:
    """The deals of an article as ``DealSummary`` items, each resting on its sentences."""
    from .offline import _projects  # the project finder belongs to the brief's other parts

    finder = _Finder(facts)
    deals: list[DealSummary] = []
    companies = {finder.fuller.get(n, n) for o in facts.companies if (n := party_name(o.name))}
    names_at = sorted(sp for o in facts.orgs for sp in o.spans)
    name_starts = [a for a, _ in names_at]
    reach = list(itertools.accumulate((b for _, b in names_at), max))  # the furthest a name runs so far

    def in_a_name(pos: int) -> bool:
        i = bisect_right(name_starts, pos) - 1
        return i >= 0 and reach[i] > pos

    for c in merge_reports(finder.candidates(), facts.text, companies)[:MAX_DEALS]:
        sentences = c.sentences
        binding = c.binding
        held = {facts.sentence_index(s.start) for s in sentences}  # a deal told in many sentences

        def told(pos: int, held: set[int | None] = held) -> bool:
            i = facts.sentence_index(pos)
            return i is not None and i in held
        dates = [d for d in facts.dates if told(d.start)]
        announced = dates[0].value if dates else (facts.dateline.value if facts.dateline and not deals else None)
        places = list(dict.fromkeys(loc for loc, a, _ in facts.locations if told(a)))
        commodities = list(dict.fromkeys(  # "Andes Copper" names a company, not the deal's metal
            e.element for e in facts.elements if told(e.start) and not in_a_name(e.start)))
        deals.append(DealSummary(
            title=clip(f"{' and '.join(p.name for p in c.parties[:2])}: {LABEL[c.deal_type]}", TITLE_MAX),
            deal_type=c.deal_type,  # type: ignore[arg-type]
            binding=binding,
            status=next((st for st in (status_in(s.text) for s in sentences) if st), None),
            parties=c.parties[:5],
            commodities=commodities,
            locations=places,
            projects=_projects(facts, sentences),
            amounts=[Amount(text=a.text, value=a.value, currency=a.currency, unit=a.unit)
                     for a in _precise({a.text: a for a in c.amounts}.values())],
            announced_on=announced,
            evidence=[_evidence(facts, s) for s in sentences[:2]],
        ))
    return deals
