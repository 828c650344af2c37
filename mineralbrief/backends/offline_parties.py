"""The parties of the offline backend's deals (``PartyFinder``): the entities each sentence of an
article names (by the scan's spans, or by written forms where the scan missed them), the article's
own company, and the sides of one instrument: the names nearest its cue, one deal per buyer or
investor named together, and the side a sentence leaves out (the article's company, or the parties
of the sentence before). How a party is named (usable names, short forms, tickers) is in
``offline_names``; the deal finder that builds on this class is in ``offline_deals``.
"""

from __future__ import annotations

from ..domain.deals import DealCue, Sentence
from ..domain.facts import Facts
from ..domain.numbers import AmountMention
from ..models import Party
from .offline_deal_words import EACH, LIST_GLUE, PLURAL
from .offline_merge import MONEY_TYPES, SALES, SOFT
from .offline_names import (
    DESCRIBED_BY,
    DESCRIPTOR,
    IN_A_NAME,
    NAME_GOES_ON,
    SUFFIX,
    Forms,
    fuller_names,
    party_name,
    short_forms,
    symbol_of,
    words_of,
    written_counts,
)


class PartyFinder:
    """The parties of one article: who each sentence names, the article's own company, and the
    sides of each instrument (``_Finder`` in ``offline_deals`` finds the instruments)."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.public = {o.name for o in facts.orgs if o.kind in ("agency", "government")}
        self.governments = {o.name for o in facts.orgs if o.kind == "government"}
        self.fuller = fuller_names(facts)
        for o in facts.companies:  # the scan may take a ticker written alone ("QKM said") for a company
            if (symbol := symbol_of(o.ticker)) and (n := party_name(o.name)) and symbol != n:
                self.fuller.setdefault(symbol, self.fuller.get(n, n))
        # the article's own company: named most (its short and full names together), and in the
        # lead (a release's issuer comes first)
        lead = min(len(facts.text), 600)
        score: dict[str, int] = {}
        first: dict[str, int] = {}
        ticker: dict[str, str | None] = {}
        usable = [(o, self.fuller.get(n, n)) for o in facts.companies if (n := party_name(o.name)) and o.spans]
        symbols = {o.name: symbol for o, _ in usable if (symbol := symbol_of(o.ticker))}
        words = words_of(facts.text)
        counts = written_counts(facts.text, {f for _, n in usable for f in (n, SUFFIX.sub("", n))} |
                                set(symbols.values()), words)
        for o, name in usable:
            # the scan may miss mentions ("Lithium Americas" of "Lithium Americas Corp."): count the written
            # name, and the ticker written as a name ("LAC keeps 62%"; its listing is one mention already)
            written = max(counts[f] for f in {name, SUFFIX.sub("", name)})
            written += max(0, counts[symbols[o.name]] - 1) if o.name in symbols else 0
            score[name] = max(score.get(name, 0) + o.mentions, written)
            first[name] = min(first.get(name, o.spans[0][0]), o.spans[0][0])
            ticker[name] = ticker.get(name) or o.ticker
        ranked = sorted(score, key=lambda n: (-(score[n] + (5 if first[n] < lead else 0)), first[n]))
        self.main = Party(name=ranked[0], ticker=ticker[ranked[0]]) if ranked else None
        self.company_names = {o.name for o in facts.companies}
        self.end_of: dict[str, int] = {}  # where a party's mention in the current sentence ends
        # the names each sentence holds, bucketed once (a scan of every name per sentence is
        # quadratic in a long article)
        self.parties_of: list[tuple[str, Party, bool]] = []  # (name, party, company?) of each usable entity
        self.spans_in: dict[int, list[tuple[int, tuple[int, int]]]] = {}  # sentence -> (entity, span)
        forms: list[tuple[str, int]] = []  # (a written form, its entity)
        short = short_forms(facts, self.fuller, words)
        self.short: set[str] = set()  # the short forms among the forms
        for o in facts.orgs:
            if o.kind not in ("company", "agency", "government"):
                continue
            usable_name = party_name(o.name)
            if not usable_name:
                continue
            usable_name = self.fuller.get(usable_name, usable_name)
            k = len(self.parties_of)
            self.parties_of.append((usable_name, Party(name=usable_name, ticker=o.ticker), o.kind == "company"))
            for sp in o.spans:
                i = facts.sentence_index(sp[0])
                if i is not None:
                    self.spans_in.setdefault(i, []).append((k, sp))
            forms += [(f, k) for f in {f for n in o.names() for f in (n, SUFFIX.sub("", n))
                                       if len(f) >= 4 and f[:1].isupper()}]
            if o.kind == "company" and usable_name in short:
                forms.append((short[usable_name], k))
                self.short.add(short[usable_name])
            if o.kind == "company" and (symbol := symbol_of(o.ticker)):
                forms.append((symbol, k))  # "LAC keeps 62%": a company called by its ticker
        self.forms = Forms(forms)
        self._mentions: dict[int, tuple[list[tuple[int, Party, bool]], dict[str, int], dict[str, int]]] = {}
        self.last_of: dict[str, int] = {}  # where a party's mention in the current sentence is named last

    def mentions(self, s: Sentence) -> list[tuple[int, Party, bool]]:
        """The entities a sentence names that can be parties: (first offset, party, company?).
        A name the scan missed here but found elsewhere is looked up by its written forms; a
        name inside a longer one is the longer one; a name used as a descriptor ("PowerCo, the
        Volkswagen Group's battery company") is not a party."""
        i = self.facts.sentence_index(s.start)
        kept = self._mentions.get(i) if i is not None else None
        if kept is None:
            kept = self._find_mentions(s, i)
            if i is not None:
                self._mentions[i] = kept
        out, ends, lasts = kept
        self.end_of.update(ends)
        self.last_of.update(lasts)
        return list(out)

    def _find_mentions(self, s: Sentence, i: int | None,
                       ) -> tuple[list[tuple[int, Party, bool]], dict[str, int], dict[str, int]]:
        text = self.facts.text
        spans: dict[int, list[tuple[int, int]]] = {}
        for k, sp in self.spans_in.get(i, []) if i is not None else ():
            spans.setdefault(k, []).append(sp)
        written = self._written(s)
        found: dict[str, tuple[int, int, Party, bool]] = {}
        lasts: dict[str, int] = {}  # where the sentence names a party last
        for k in sorted(set(spans) | set(written)):  # in the scan's order: the first of one name wins
            name, party, company = self.parties_of[k]
            if name in found:
                continue
            at = spans.get(k) or written.get(k, [])
            at = [sp for sp in at if not DESCRIPTOR.match(text, sp[1], sp[1] + 60)
                  and not self._described(text, sp[0])]
            if at:
                first = min(at)
                found[name] = (first[0], first[1], party, company)
                lasts[name] = max(at)[0]
        bounds = [(a, b) for a, b, _, _ in found.values()]
        out = []
        ends: dict[str, int] = {}
        for a, b, party, company in sorted(found.values(), key=lambda x: x[0]):
            if any(a2 <= a and b <= b2 and (a2, b2) != (a, b) for a2, b2 in bounds):
                continue  # "LG Energy" inside "LG Energy Solution"
            ends[party.name] = b
            out.append((a, party, company))
        return out, ends, lasts

    @staticmethod
    def _described(text: str, at: int) -> bool:
        """Whether the name at ``at`` follows "a subsidiary of", "owned by", "filiale de"."""
        before = text[max(0, at - 40):at]
        return (" of " in before or " by " in before or " de " in before) and DESCRIBED_BY.search(before) is not None

    def _written(self, s: Sentence) -> dict[int, list[tuple[int, int]]]:
        """Where a sentence writes an entity's names, or a name without its legal suffix
        ("Tesla" for "Tesla Inc"): the first whole-word place of each form, by entity. The
        sentence's words are looked up, not every name searched for."""
        out: dict[int, list[tuple[int, int]]] = {}
        seen: set[tuple[str, int]] = set()
        t = s.text
        for at, f, k in self.forms.find(t):
            if (f, k) in seen or (at and t[at - 1].isalnum()) or t[at + len(f):at + len(f) + 1].isalnum():
                continue
            if f in self.short and (IN_A_NAME.search(t, max(0, at - 30), at) or NAME_GOES_ON.match(t, at + len(f))):
                continue  # a short form inside another name: "Attorney General", "Latin America"
            seen.add((f, k))
            out.setdefault(k, []).append((s.start + at, s.start + at + len(f)))
        return out

    def parties(self, s: Sentence) -> list[Party]:
        """The parties a sentence names, companies first, then in order; at most four."""
        ranked = sorted(self.mentions(s), key=lambda x: (not x[2], x[0]))[:4]
        return [p for _, p, _ in ranked]

    def _own_parties(self, kind: str, kinds: list[str], typed: list[tuple[str, DealCue]],
                     mentions: list[tuple[int, Party, bool]]) -> list[Party]:
        """The parties of one instrument: in a sentence with several, each name goes to the
        money instrument whose cue stands nearest, and the sentence's subject to all of them (a
        contract keeps every name: "signed offtakes with A, which will also lend $X")."""
        if len(kinds) > 1 and mentions and kind not in MONEY_TYPES and not any(k in MONEY_TYPES for k in kinds):
            # "a binding offtake with A and a non-binding MOU with B": each contract names its side
            # after its own word, up to the next instrument's
            at = [c.start for t, c in typed if t == kind]
            later = [c.start for t, c in typed if t in kinds and t != kind and c.start > at[0]]
            own = [m for m in mentions[1:] if at[0] < m[0] < min(later, default=m[0] + 1)]
            if own:
                return [p for _, p, _ in sorted([mentions[0], *own], key=lambda x: (not x[2], x[0]))[:4]]
        if len(kinds) == 1 or not mentions or kind not in MONEY_TYPES:
            ranked = sorted(mentions, key=lambda x: (not x[2], x[0]))[:4]
            return [p for _, p, _ in ranked]
        cue_at = [(c.start, t) for t, c in typed if t in kinds]

        def nearest(at: int) -> tuple[int, str]:
            return min((abs(x - at), t) for x, t in cue_at)
        # a name said again by the instrument ("under which Stellantis also agreed to invest") is its side
        mine = [mentions[0]] + [m for m in mentions[1:]
                                if kind in (nearest(m[0])[1], nearest(self.last_of.get(m[1].name, m[0]))[1])]
        return [p for _, p, _ in sorted(mine, key=lambda x: (not x[2], x[0]))[:4]]

    def _each_buyer(self, kind: str, parties: list[Party], mentions: list[tuple[int, Party, bool]],
                    typed: list[tuple[str, DealCue]]) -> tuple[list[list[Party]], bool]:
        """Offtakes and supply contracts (plural) with several buyers listed in one breath
        ("offtakes with Panasonic Energy, Stellantis and PowerCo") are one contract per buyer,
        each with the article's company. Also whether the sentence tells several buyers'
        contracts at once (then it does not swallow one buyer's contract told alone)."""
        plural = any(t == kind and PLURAL.search(c.text) for t, c in typed) or EACH.search(
            self.facts.text, typed[0][1].start - 80, typed[0][1].start) is not None  # "each agreed to buy"
        if kind not in SALES or self.main is None or not plural:  # "an offtake with Hyundai and Kia"
            return [parties], False
        text = self.facts.text
        others = [(at, p) for at, p, company in mentions if company and p.name != self.main.name]
        summary = len(others) >= 2  # contracts with several buyers, even when not named as a list
        run: list[Party] = []
        best: list[Party] = []
        for k, (at, p) in enumerate(others):
            joined = k > 0 and LIST_GLUE.match(text, self.end_of[others[k - 1][1].name], at) is not None
            run = [*run, p] if joined else [p]
            best = run if len(run) > len(best) else best
        if len(best) < 2:
            return [parties], summary
        return [[self.main, p] for p in best], True

    def _each_investor(self, parties: list[Party], amounts: list[AmountMention],
                       mentions: list[tuple[int, Party, bool]], s: Sentence,
                       ) -> list[tuple[list[Party], list[AmountMention]]]:
        """Investors named together each make their own investment: "each buyer will invest
        $25 million" is one stake per buyer, and "GM committed $125 million, while Panasonic
        said it could invest $150 million" gives each its own sum (the investor named last
        before a sum)."""
        main = self.main
        if main is None:
            return [(parties, amounts)]
        investors = [p for p in parties if p.name != main.name]
        if len(investors) < 2:
            return [(parties, amounts)]
        if EACH.search(s.text):
            return [([p, main], amounts) for p in investors]
        named = [(at, p) for at, p, _ in mentions if p in investors]
        own: dict[str, list[AmountMention]] = {}
        for a in amounts:
            before = [p for at, p in named if at < a.start]
            if before:
                own.setdefault(before[-1].name, []).append(a)
        if len(own) < 2:
            return [(parties, amounts)]
        return [([p, main], own[p.name]) for p in investors if p.name in own]

    def _complete(self, parties: list[Party], prev: Sentence | None, kind: str,
                  heads: Sentence | None = None) -> list[Party]:
        """A deal has two sides: when the sentence names one, the other is the article's company
        ("secured a $620 million loan"); when it names none, those of the sentence it heads
        ("Offtake is locked up. GM has rights to all volumes"), else of the sentence before
        ("Each buyer will invest ...")."""
        parties = list(parties)
        names = {p.name for p in parties}
        companies = self.company_names
        if not names and heads is not None:
            parties = self.parties(heads)[:3]
            names = {p.name for p in parties}
        if not names and prev is not None and kind not in SOFT:  # the nearest sentence before that names someone
            i = self.facts.sentence_index(prev.start)
            for j in range(i, max(-1, i - 3), -1) if i is not None else ():
                parties = self.parties(self.facts.sentences[j])[:3]
                if parties:
                    break
            names = {p.name for p in parties}
        if kind == "funding" and len(parties) == 1 and parties[0].name in companies and prev is not None:
            # "The larger loan, of A$185 million, goes to Renascor": the lender is the public body
            # named just before (a loan has a lender)
            i = self.facts.sentence_index(prev.start)
            lender = next((p for j in (range(i, max(-1, i - 3), -1) if i is not None else ())
                           for p in self.parties(self.facts.sentences[j]) if p.name in self.public), None)
            if lender is not None:
                return [*parties, lender]
        if self.main is not None and self.main.name not in names and (
                len(parties) < 2 or not any(p.name in companies for p in parties)):
            parties.insert(0, self.main)
        return parties

