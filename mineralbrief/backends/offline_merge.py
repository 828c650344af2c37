"""The offline backend's deal reports and their merging: each report of an instrument in the
article (the headline, the lead, a later "the loan") folds into one deal, compared only with the
deals it could repeat (a shared party, a sum within rounding)."""

from __future__ import annotations

import math
import re
from bisect import bisect_left, insort
from dataclasses import dataclass, field

from ..domain.deals import Sentence
from ..domain.numbers import AmountMention
from ..models import Party

# When one sentence has several cues of one family, the most specific names the deal.
PRIORITY = ["mou", "loi", "offtake", "supply_agreement", "joint_venture", "acquisition",
            "framework", "investment", "funding", "partnership"]
MONEY_TYPES = {"investment", "funding", "acquisition"}
VOLUME_TYPES = {"offtake", "supply_agreement", "joint_venture"}
SOFT = {"partnership", "framework"}
SALES = {"offtake", "supply_agreement"}
REF = "terms"  # not a deal: a sentence that gives the terms of one already named
HEADING_WORDS = 5  # a line this short names what the next one tells
ROUNDING = 0.05
# a sum's own words: what it prices is not a deal (a build cost, a market, a valuation)
_NOT_TERMS = re.compile(
    r"(?:cost|capex|capital (?:cost|required|expenditure|intensity)|estimat\w*|needs? to build|budget|"
    r"revenue|market (?:cap\w*|size|value)|valu(?:ed|ation)|net present value|NPV|sales of|worth of|"
    r"raised from shareholders|spent|spend(?:ing)?)\W+(?:\w+\W+){0,6}$", re.I)
_COST_AFTER = re.compile(
    r"\W*(?:\w+\W+){0,4}?(?:estimat\w*|needs? to build|cost\w*|capex|budget\w*|raised from)\b", re.I)
_CAPACITY = re.compile(
    r"(?:capacity|produc\w*|output|resource|reserves?|nameplate|process(?:ing)?|expansion|expand\w*)"
    r"\W+(?:\w+\W+){0,5}$", re.I)


@dataclass
class Candidate:
    deal_type: str
    sentences: list[Sentence]
    parties: list[Party]
    amounts: list[AmountMention] = field(default_factory=list)
    refers_back: bool = False
    binding: bool | None = None
    hint: str | None = None  # for a sentence that only refers back: the kind of deal it names
    each: bool = False  # one buyer's contract, split from a list of several
    verb: bool = False  # a purchase named by its verb only ("agreed to buy"): it does not say offtake or supply

    _sums: dict[str, list[float]] = field(default_factory=dict, repr=False, compare=False)
    _summed: int = field(default=0, repr=False, compare=False)
    _names: set[str] = field(default_factory=set, repr=False, compare=False)
    _named: int = field(default=0, repr=False, compare=False)
    _texts: set[str] = field(default_factory=set, repr=False, compare=False)
    _texted: int = field(default=0, repr=False, compare=False)

    def names(self) -> set[str]:
        """The parties' names (parties and amounts only grow: the sets are brought up to date)."""
        self._names.update(p.name for p in self.parties[self._named:])
        self._named = len(self.parties)
        return self._names

    def texts(self) -> set[str]:
        """The amounts as written."""
        self._texts.update(a.text for a in self.amounts[self._texted:])
        self._texted = len(self.amounts)
        return self._texts

    def __post_init__(self) -> None:  # its own lists: a deal grows as reports merge into it
        self.parties = list(self.parties)
        self.amounts = list(self.amounts)

    @property
    def money(self) -> list[tuple[str, float]]:
        return [(a.currency, a.value) for a in self.amounts if a.currency and a.value]

    def sums(self) -> dict[str, list[float]]:
        """The sums by currency, sorted, brought up to date as amounts are added (a deal told
        in a thousand sentences is not read again for each of them)."""
        for a in self.amounts[self._summed:]:
            if a.currency and a.value:
                insort(self._sums.setdefault(a.currency, []), a.value)
        self._summed = len(self.amounts)
        return self._sums


def term_amount(a: AmountMention, text: str, sentence: Sentence, deal_type: str) -> bool:
    """Whether a sum or quantity of the sentence is a term of the deal: money for any deal,
    volumes for offtakes, supply and joint ventures; never a cost, a capacity or a market."""
    before = text[max(sentence.start, a.start - 60):a.start]
    if a.currency:
        return not _NOT_TERMS.search(before) and not _COST_AFTER.match(text, a.end, min(sentence.end, a.end + 60))
    if a.unit in ("acres", "hectares", "km", "MW", "GWh", "ounces") or deal_type not in VOLUME_TYPES:
        return False
    return not _CAPACITY.search(before)


def _close(a: list[tuple[str, float]], sums: dict[str, list[float]]) -> bool:
    """A candidate's sums and a deal's (by currency, sorted) share one within rounding ("$2.3
    bln" and "US$2.26 billion"). Closeness only grows toward ``x``: the nearest sum on either
    side decides."""
    for cur, x in a:
        ys = sums.get(cur, [])
        i = bisect_left(ys, x)
        if any(abs(x - y) <= ROUNDING * max(x, y) for y in ys[max(0, i - 1):i + 1]):
            return True
    return False


# an instrument that a sum of money is raised through: the sum named again is the same deal
_ABSORBS = {"loi": {"funding", "investment"}, "mou": {"funding", "investment"},
            "joint_venture": {"acquisition", "investment", "funding"}}


def _same(d: Candidate, c: Candidate, companies: set[str]) -> bool:
    """Whether candidate ``c`` reports deal ``d`` again: the same type with the same sides and
    no sums that disagree; a sum raised through a letter or a joint venture named again; an
    offtake an outlet calls a supply deal; "the partnership" that refers back to a deal."""
    names, dnames = {p.name for p in c.parties}, d.names()
    shared = names & dnames
    if d.deal_type != c.deal_type:
        if {d.deal_type, c.deal_type} == SALES:
            return len(shared) >= 2
        if c.deal_type in _ABSORBS.get(d.deal_type, ()) or d.deal_type in _ABSORBS.get(c.deal_type, ()):
            return bool(shared) and _close(c.money, d.sums())
        return c.deal_type in SOFT and c.refers_back and not c.money and bool(shared)
    if c.deal_type == "investment" and (names - dnames) & companies and (dnames - names) & companies:
        return False  # another investor on each side: two stakes, even of one size
    if d.sums() and c.money:
        # a joint venture's or a contract's several sums are its terms; an investor's tranches
        # in one company are one investment; two loans or purchases are told apart by their sums
        if d.deal_type not in MONEY_TYPES and (len(shared) >= 2 or shared and (names <= dnames or dnames <= names)):
            return True
        if d.deal_type == "investment" and names == dnames and len(names) >= 2:
            return True
        return _close(c.money, d.sums())
    if c.deal_type not in SALES and shared:  # one side gives no sum: "the transaction" again
        return True
    # one side named alone folds into a deal that names it, but never swallows the deals that
    # name it with someone else (a company's offtakes with several buyers)
    if (c.each or d.each) and len(names) >= 2 and len(dnames) >= 2:
        return names == dnames  # a contract with one of several buyers is not their summary
    return names <= dnames or (dnames <= names and len(dnames) >= 2) or len(shared) >= 2


def _fits(d: Candidate, ref: Candidate, volumes: bool) -> bool:
    # volumes are a contract's terms, sums a loan's or a stake's; bare "agreement" is rarely a loan
    return (d.deal_type in SALES) == volumes if ref.amounts else d.deal_type not in MONEY_TYPES


def _attach(named: list[Candidate], ref: Candidate, text: str) -> tuple[Candidate, list[AmountMention]] | None:
    """A sentence that gives the terms of "the agreement" without naming its kind: its binding
    word and its sums go to the latest deal it names a party of (or the latest deal). ``named``:
    the deals it may mean, latest first."""
    named = sorted(named, key=lambda d: d.deal_type != ref.hint)  # the kind it names first, latest first
    volumes = any(a.currency is None for a in ref.amounts)
    home = next((d for d in named if _fits(d, ref, volumes)), named[0] if named else None)
    if home is None:
        return None
    home.sentences.append(ref.sentences[0])
    home.binding = home.binding if home.binding is not None else ref.binding
    written = home.texts()
    added = [a for a in ref.amounts
             if term_amount(a, text, ref.sentences[0], home.deal_type) and a.text not in written]
    home.amounts += added
    return home, added


_BUCKET = 0.06  # wider than log(1 / (1 - ROUNDING)): two sums within rounding fall in one bucket or the next
# A report is compared with the latest deals that share a party or a sum with it, this many at
# most: no article tells a hundred deals of one company, but a hostile one (a table of thousands
# of a company's contracts) would otherwise compare every report with every deal before it.
NEAR = 100


class _Deals:
    """The deals merged so far, indexed by party name, by sum and by type: each report is
    compared with the deals it could repeat (a shared party, a sum within rounding), not with
    every deal of the article (a wire of a thousand deals)."""

    def __init__(self) -> None:
        self.deals: list[Candidate] = []
        self.at: dict[int, int] = {}  # id of a deal -> its place
        self.by_name: dict[str, set[int]] = {}
        self.by_sum: dict[tuple[str, int], set[int]] = {}
        self.by_type: dict[str, list[int]] = {}  # places, in order; a deal whose type changed is skipped

    @staticmethod
    def _bucket(value: float) -> int:
        return math.floor(math.log(value) / _BUCKET)

    def add(self, d: Candidate) -> None:
        self.at[id(d)] = len(self.deals)
        self.deals.append(d)
        self.note(d, d)
        self.by_type.setdefault(d.deal_type, []).append(self.at[id(d)])

    def note(self, home: Candidate, c: Candidate) -> None:
        """Index ``home`` under the names and sums of ``c`` (merged into it)."""
        i = self.at[id(home)]
        for p in c.parties:
            self.by_name.setdefault(p.name, set()).add(i)
        for cur, x in c.money:
            if x > 0:
                self.by_sum.setdefault((cur, self._bucket(x)), set()).add(i)

    def attach(self, ref: Candidate, text: str) -> bool:
        """``_attach`` a sentence that refers back, among the deals that name its parties (or all);
        whether it found one."""
        named = self.sharing(Candidate(REF, [], ref.parties))[::-1] if ref.parties else self.latest_of_each_type()
        attached = _attach(named, ref, text)
        if attached:
            self.note(attached[0], Candidate(REF, [], [], attached[1]))
        return attached is not None

    def retype(self, home: Candidate, deal_type: str) -> None:
        home.deal_type = deal_type
        insort(self.by_type.setdefault(deal_type, []), self.at[id(home)])

    def sharing(self, c: Candidate) -> list[Candidate]:
        """The deals that name one of ``c``'s parties or hold a sum near one of its sums, in
        order: the latest ``NEAR`` of them."""
        places: set[int] = set()
        for p in c.parties:
            places |= self.by_name.get(p.name, set())
        for cur, x in c.money:
            if x > 0:
                b = self._bucket(x)
                for k in (b - 1, b, b + 1):
                    places |= self.by_sum.get((cur, k), set())
        return [self.deals[i] for i in sorted(places)[-NEAR:]]

    def latest_of_each_type(self) -> list[Candidate]:
        """The latest deal of each type, latest first."""
        out = []
        for t, places in self.by_type.items():
            while places and self.deals[places[-1]].deal_type != t:
                places.pop()  # a deal retyped (a letter's sum named again): types only move to the instrument
            if places:
                out.append(places[-1])
        return [self.deals[i] for i in sorted(out, reverse=True)]


_LABEL = "label:"  # a vote from a heading, counted only when no sentence names the contract


def _vote(c: Candidate) -> list[str]:
    """The word a report uses for its contract: none for a verb ("agreed to buy"); a heading's
    ("Existing offtake with B") counts only where the body says nothing."""
    if c.verb:
        return []
    s = c.sentences[0]
    heading = len(s.text.split()) <= HEADING_WORDS and not s.text.rstrip().endswith((".", "!", "?", ":"))
    return [_LABEL + c.deal_type] if heading else [c.deal_type]


def merge_reports(cands: list[Candidate], text: str, companies: set[str]) -> list[Candidate]:
    """One deal per instrument: every report of it in the article folded into one."""
    index = _Deals()
    deals = index.deals
    votes: dict[int, list[str]] = {}
    early: list[Candidate] = []
    for c in cands:
        if c.deal_type == REF:
            if not index.attach(c, text) and c.parties:
                early.append(c)  # a headline before the deal it binds is told: tried again at the end
            continue
        # a deal it repeats names one of its parties or holds one of its sums (see _same)
        home = next((d for d in (index.sharing(c) if c.parties else deals[-NEAR:]) if _same(d, c, companies)), None)
        if home is None:
            index.add(c)
            votes[id(c)] = _vote(c)
            continue
        votes[id(home)] += _vote(c)
        if c.deal_type in _ABSORBS and home.deal_type in _ABSORBS[c.deal_type]:
            index.retype(home, c.deal_type)
        home.sentences += c.sentences
        home.binding = home.binding if home.binding is not None else c.binding
        has = home.names()
        home.parties += [p for p in c.parties if p.name not in has]
        written = home.texts()
        home.amounts += [a for a in c.amounts if a.text not in written]
        index.note(home, c)
    for c in early:
        index.attach(c, text)
    deals = list(deals)
    gone: set[int] = set()
    for d in deals:  # named alone before its buyer came up: the fuller deal tells it
        names = {p.name for p in d.parties}
        if len(names) != 1 or d.money:
            continue
        fuller = next((e for e in index.sharing(d) if e is not d and id(e) not in gone and
                       e.deal_type == d.deal_type and names < e.names()), None)
        if fuller is not None:
            fuller.sentences += d.sentences
            votes[id(fuller)] += votes[id(d)]
            gone.add(id(d))
    for d in deals:  # "GM, Panasonic to buy from NMG" when each buyer has its own contract
        names = {p.name for p in d.parties}
        if id(d) in gone or d.deal_type not in SALES or len(names) < 2 or d.each and len(names) < 3:
            continue
        near = [e for e in index.sharing(Candidate(REF, [], d.parties)) if e is not d and id(e) not in gone
                and e.deal_type in SALES]
        own = [e for e in near if e.names() < names] if len(names) >= 3 else []
        if not own:  # "these purchase agreements" of the buyers alone, each contract being with the seller
            own = [e for e in near if e.each and len(e.names() & names) == 1]
            if not own or not set.intersection(*(e.names() for e in own)) - names:
                continue
        if len(own) >= 2 and names <= {p.name for e in own for p in e.parties}:
            for e in own:  # "binding offtake agreements with A and B": each contract binds
                e.sentences += d.sentences
                e.binding = e.binding if e.binding is not None else d.binding
                votes[id(e)] += votes[id(d)]
            gone.add(id(d))
    deals = [d for d in deals if id(d) not in gone]
    for d in deals:  # an offtake some sentences call a supply contract: the word used most
        said = [t for t in votes[id(d)] if t in SALES] or [
            t[len(_LABEL):] for t in votes[id(d)] if t.startswith(_LABEL) and t[len(_LABEL):] in SALES]
        if d.deal_type in SALES and said:
            d.deal_type = max(sorted(set(said), key=PRIORITY.index), key=said.count)  # a tie: the offtake
    # a partnership with no terms of its own, between the sides of a more specific deal, is that
    # deal in softer words
    def echoed(d: Candidate) -> bool:  # a framework agreement is an instrument of its own
        names = d.names()
        return any(e.deal_type not in SOFT and (names <= e.names() or len(names & e.names()) >= 2)
                   for e in index.sharing(Candidate(REF, [], d.parties)) if id(e) not in gone)
    return [d for d in deals if d.deal_type != "partnership" or d.money or not echoed(d)]
