"""The offline backend's deals: one deal per instrument, typed by the instrument's own words.

A sentence can report several instruments ("an offtake and a US$25 million equity placement"):
each becomes a deal of its own, and the sums of the sentence go to the instrument they sit
nearest. Parties are the entities of the sentence (agencies, governments and state companies
included), completed from the sentence before when the sentence names one side only. Mentions of
one deal across the article (the headline, the lead, a later "the loan") are merged into one
(``offline_merge``). How parties are named is in ``offline_names``, the cues the domain's list lacks
in ``offline_cues``, Markdown deal tables in ``offline_tables``.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from ..domain.deals import DealCue, Sentence, binding_in, status_in
from ..domain.facts import Facts
from ..domain.numbers import AmountMention
from ..models import Amount, DealSummary, Evidence, Party
from .offline_cues import PUT_IN, more_cues
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
from .offline_tables import Row, deal_rows

LABEL = {
    "mou": "MOU", "loi": "letter of intent", "offtake": "offtake agreement",
    "supply_agreement": "supply agreement", "joint_venture": "joint venture",
    "acquisition": "acquisition", "investment": "investment", "funding": "funding package",
    "framework": "framework", "partnership": "partnership", "other": "deal",
}
# "each buyer will invest", "GM and Panasonic each agreed to buy": one deal per party named
_EACH = re.compile(r"\b(?:each|both|chacun|chacune|cada uno)\b", re.I)
# what stands between the names of a list: "A, B and C", "A as well as B", "A and Volkswagen's
# battery arm C" (an owner named to describe the next name)
_LIST_GLUE = re.compile(
    r"(?:,?\s*(?:Inc|Ltd|Co|Corp|LLC|plc)\.?)?\s*(?:,|,?\s+(?:and|et|y|as well as))\s+(?:with\s+)?"
    r"(?:[A-Z][\w&.-]*(?: [A-Z][\w&.-]*){0,3}['’]s (?:[a-z][\w-]* ){0,3})?$")
# a cue in the plural: "offtakes", "supply agreements", "contrats d'approvisionnement" (French and
# Spanish put the plural on the first word)
_PLURAL = re.compile(r"s$|^(?:contrat|accord|entente|contrato|acuerdo)s\b", re.I)
MAX_DEALS = 8

_BOILERPLATE = re.compile(
    r"forward[- ]looking|please visit|www\.|https?://|copyright|all rights reserved|disclaimer|"
    r"subscribe|image source|for more information|contact:|^contact\b|view original content|"
    r"this announcement has been|authori[sz]ed (?:for release|by the board)|cookies?\b|"
    r"newsletter|read more|add a public comment|no comments|such statements|"
    r"could cause actual results")  # lower-case: searched in the lower-cased sentence (six times faster than re.I)
# Where a release stops reporting: its "About ..." notes, disclaimers and contacts.
# (Blanks within the line only: "\s*" on both sides ran over runs of blank lines from each of them,
# cubic in a run of newlines.)
_TAIL_SECTION = re.compile(
    r"^[#* \t]*(?:About (?:the )?[A-Z][^\n]{0,60}|Forward[- ]Looking[^\n]*|Cautionary[^\n]*|"
    r"(?:(?:Media|Investor|Press)[ \t]*)?(?:C|c)ontacts?:?|Neither [^\n]*|Disclaimer[^\n]*)[ \t\r]*$", re.M)
_EQUITY = re.compile(r"\b(?:stock|shares?|stake|equity|warrants?|shareholder|placement|convertible)\b", re.I)
_STAKE = re.compile(
    r"\b(?:stakes?\b|interest in|(?<!all-)shares?\b|equity|\d+(?:[.,]\d+)?\s?%|per ?cent|participa\w+|"
    r"a (?:quarter|third) of)", re.I)  # "shareholder approval" and "an all-share deal" are no stake
_JV_BEFORE = re.compile(r"\bjoint[- ]venture\b", re.I)
_CONTROL = re.compile(
    r"\b(?:full (?:ownership|control)|sole owner|100\s?%|all (?:of )?the (?:shares|issued)|whole company|"
    r"wholly[- ]owned|bought out|buy(?:s|ing)? out|takeover|merger|control of|contrôle total|"
    r"seul (?:maître|propriétaire)|control total|totalidad)\b", re.I)
# weak cues name a deal only when the sentence also gives its sum
_WEAK = re.compile(r"^(?:financing|funding|contribution|incentives|subsid\w*|shareholders?|warrants|equity|invest\w*|"
                   r"partner\w*|inversión|investir|alianzas?|asociaci\w+)$", re.I)
_BACKREF = re.compile(
    r"\b(?:the|this|that|its|such)\s+(?:[\w-]+\s+)?"
    r"(MOU|MoU|memorandum|LOI|letter|partnership|collaboration|agreement|alliance|deal|arrangement|"
    r"loan|grant|award|commitment|offtake|contract|transaction)\b", re.I)
_NOUN_KIND = {"mou": "mou", "memorandum": "mou", "loi": "loi", "letter": "loi", "loan": "funding", "grant": "funding",
              "award": "funding", "commitment": "funding", "offtake": "offtake", "partnership": "partnership",
              "collaboration": "partnership", "alliance": "partnership"}
# the offtake cues that are verbs ("agreed to buy"), not the article's name for the contract
# ("an agreement for the supply of" names a supply contract: it is no verb)
_PURCHASE_VERB = re.compile(r"(?:agree(?!ment)|commit|right|to |will |buy|purchase)", re.I)
# partners investing together in one project: a joint venture by another name
_JOINT = re.compile(
    r"\b(?:jointly|all (?:two|three|four) (?:companies|partners|groups)|the (?:two|three|four) (?:companies|partners)|"
    r"(?:second|third|fourth) shareholder)\b|共同投资|三方", re.I)
_TERMS_OF = re.compile(
    r"\b(?:under|in|by) (?:the|this|a|its) (?:(?:legally |non-)?binding |definitive |long-term )?"
    r"(?:agreement|term sheet|contract|deal)\b|\bthe (?:legally |non-)?binding (?:agreement|term sheet|contract)\b",
    re.I)
_AGGREGATE = re.compile(r"\baggregate\W+(?:\w+\W+){0,2}$", re.I)
_IS_A = re.compile(r"\b(?:is|was|are|were|remains?) (?:a|an|the)(?: [\w-]+)? $", re.I)
# an investment named outright needs no sum ("agreed to make an equity investment in the company");
# "a stake in", "shareholder" or "equity" alone may describe holdings, not a deal
_NAMED_STAKE = re.compile(r"(?:equity|strategic) investment|(?:buy|buys|bought|buying|acquir\w+|purchased) ", re.I)
# the stake a co-owner held, bought by the other: "the 49.9% minority interest held by B", "bought
# out partner B", "la participation que détenait B"
_CO_OWNER = re.compile(
    r"\b(?:minority (?:stake|interest|share)|(?:stake|interest|share) (?:held by|(?:\w+ )?had held)|"
    r"(?:bought|buys?|buying) out (?:its |their )?(?:\w+ )?partner|que détenait|que poseía)", re.I)
_SIDES_AFTER = 30  # how far after "signed with" the other side of a contract of no named kind is named
# "buy rival ", "buy its partner ": the words that may stand between a purchase verb and the company bought
_BEFORE_A_NAME = re.compile(r"\s+(?:(?:its|their|the|rival|peer|fellow|smaller|larger|former|junior|partner|"
                            r"competitor|miner|producer|developer|explorer)\s+){0,3}")
# a binding agreement still to come
_TO_COME = re.compile(
    r"\b(?:(?:aim|plan|intend|expect|hope|seek|look)\w* to|will|would|could|towards?|with a view to|ahead of)\s+"
    r"(?:(?:sign|negotiate|enter into|execute|finali[sz]e|conclude|reach|agree on|a|an|the|fully|legally|formal|"
    r"definitive)\s+){0,4}binding\b|"
    r"\bto (?:sign|negotiate|enter into|execute|finali[sz]e|conclude|reach)\s+(?:(?:a|an|the|fully|legally|formal|"
    r"definitive)\s+){0,3}binding\b", re.I)
_MOU_REACH = 30  # an offtake word this near a memorandum names what the memorandum is about
_CJK = re.compile(r"[\u4e00-\u9fff]")
_BOUND_DEAL = re.compile(r"\b(?:non-?)?binding\s+(?:[\w-]+\s+){0,2}?(?:deal|agreement|contract|term sheet|pact)s?\b",
                         re.I)
_ADVISER = re.compile(r"\b(?:acted|acting|act|serves?|served) as (?:\w+ )?(?:financial |legal |technical )?"
                      r"(?:advis[eo]rs?|counsel|arrangers?|underwriters?)\b", re.I)


def public_funding(text: str, names: list[str], public_bodies: set[str]) -> bool:
    """An "investment" by a public body with no equity words is funding: "the department invests
    $1 billion" is a grant, not a stake."""
    return not _EQUITY.search(text) and any(n in public_bodies for n in names)


def _binds(text: str) -> bool | None:
    """Whether the text says the deal binds (``binding_in``), unless the binding agreement it names
    is still to come ("the parties aim to sign a binding agreement by June"): that says nothing
    of the deal signed."""
    said = binding_in(text)
    if said and _TO_COME.search(text):
        return None
    return said


def _instrument(cue: DealCue, window: str, before: str) -> str:
    """The deal type a cue names once its own words are read: buying a minority stake is an
    investment, not an acquisition, unless the buyer takes control; a stake taken right after
    a joint venture is named is the joint venture's terms."""
    if cue.deal_type == "acquisition" and not re.match(r"takeover|merger|buyout|b\w+ (?:out|back)", cue.text, re.I):
        if _STAKE.search(window) and not _CONTROL.search(window):
            return "joint_venture" if _JV_BEFORE.search(before) else "investment"
    if cue.deal_type == "investment" and PUT_IN.match(cue.text) and _JV_BEFORE.search(before):
        return "joint_venture"  # "... in a joint venture. GM puts in $625m": what the partner brings to it
    return cue.deal_type


def _resolve(typed: list[tuple[str, DealCue]]) -> list[str]:
    """The instruments a sentence reports, from its cue types: softer words give way to the
    instrument they describe (a letter of interest for debt is the letter; a stake taken through
    a joint venture is the joint venture; "partnership" beside an offtake is the offtake)."""
    kinds = list(dict.fromkeys(t for t, _ in typed))
    if "mou" in kinds:  # "non-binding offtake MOUs": the memorandum is the instrument
        memoranda = [c.start for t, c in typed if t == "mou"]

        def told_apart(kind: str) -> bool:  # "a binding offtake with A and a non-binding MOU with B"
            return all(min(abs(c.start - m) for m in memoranda) > _MOU_REACH for t, c in typed if t == kind)
        kinds = [k for k in kinds if k in ("mou", "joint_venture", "acquisition") or k in SALES and told_apart(k)]
    if "loi" in kinds:
        kinds = [k for k in kinds if k not in ("funding", "investment", "offtake", "supply_agreement")]
    if "joint_venture" in kinds:
        kinds = [k for k in kinds if k not in ("acquisition", "investment", "funding", "partnership")]
    if "acquisition" in kinds:
        kinds = [k for k in kinds if k != "investment"]
    if "offtake" in kinds:
        kinds = [k for k in kinds if k != "supply_agreement"]
    hard = [k for k in kinds if k not in SOFT]
    if hard:
        kinds = hard
    if "framework" in kinds and "partnership" in kinds:
        kinds.remove("partnership")
    return kinds


def _reporting_end(text: str) -> int:
    """Where a release's own report ends: its "About" notes, disclaimers and contacts after it
    describe the company, not the news (only past the first third, so a short piece is whole)."""
    for m in _TAIL_SECTION.finditer(text):
        if m.start() > len(text) // 3:
            return m.start()
    return len(text)


class _Finder:
    """The deal candidates of one article."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.end = _reporting_end(facts.text)
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
        self.rows = deal_rows(facts.sentences)
        self.end_of: dict[str, int] = {}  # where a party's mention in the current sentence ends
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
        # what each sentence holds, bucketed once (a scan of every name or sum per sentence is
        # quadratic in a long article)
        self.amounts_in: list[list[AmountMention]] = [[] for _ in facts.sentences]
        for a in facts.amounts:
            i = facts.sentence_index(a.start)
            if i is not None:
                self.amounts_in[i].append(a)
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

    def candidates(self) -> list[Candidate]:
        out: list[Candidate] = []
        facts = self.facts
        for i, s in enumerate(facts.sentences):
            cues = self.cues[i]
            if (s.start >= self.end or _BOILERPLATE.search(s.text.lower()) or s.text.endswith("?")
                    or _ADVISER.search(s.text)):
                continue
            if i in self.rows:  # "| Panasonic Energy | 18,000 t | 7 years | US$25M |"
                out += self._row_deals(self.rows[i], s, i)
                continue
            if not cues:
                # "Under the binding agreement, Liontown will deliver ...", "The letter is not a commitment"
                ref = _BACKREF.search(s.text)
                amounts = list(self.amounts_in[i])
                # "the contract would be worth more than $1.5 billion": a sum for a deal already named
                priced = ref is not None and any(a.currency and term_amount(a, facts.text, s, "") for a in amounts)
                # "Tesla signs binding lithium deal with Liontown": a headline binding a deal told below
                bound = "binding" in s.text and _BOUND_DEAL.search(s.text) is not None and _binds(s.text) is not None
                if _TERMS_OF.search(s.text) or (ref or bound) and _binds(s.text) is not None or priced:
                    hint = _NOUN_KIND.get(ref.group(1).lower()) if ref else None
                    out.append(Candidate(REF, [s], [p for _, p, _ in self.mentions(s)], amounts, True,
                                          _binds(s.text), hint))
                continue
            prev = facts.sentences[i - 1] if i else None
            nxt = facts.sentences[i + 1] if i + 1 < len(facts.sentences) else None
            window = " ".join(x.text for x in (prev, s, nxt) if x is not None)
            cues = [c for c in cues if facts.text[c.end:c.end + 2] not in ("'s", "’s")]  # "the loan's reserve"
            if not cues:
                continue
            typed = [(_instrument(c, window, prev.text if prev else ""), c) for c in cues]
            if any(t == "offtake" for t, _ in typed):  # "agreed to buy Larkspur Metals for $1 billion"
                companies_at = [at for at, _, company in self.mentions(s) if company]
                typed = [("acquisition" if t == "offtake" and self._buys_a_company(c, companies_at) else t, c)
                         for t, c in typed]
            if _JOINT.search(s.text):  # "all three companies will make equity investments in the project"
                typed = [("joint_venture" if t == "investment" else t, c) for t, c in typed]
            if not any(a.currency and term_amount(a, facts.text, s, "") for a in self.amounts_in[i]):
                # "the split of the equity is not disclosed, but under the framework agreement ...": a
                # weak money word with no sum names no instrument, and does not outrank the one beside it
                named = [(t, c) for t, c in typed if not (t in MONEY_TYPES and _WEAK.match(c.text))]
                typed = named or typed
            kinds = _resolve(typed)
            mentions = self.mentions(s)
            names = [p.name for _, p, _ in mentions]
            if any(k == "investment" for k in kinds) and public_funding(s.text, names[:1], self.public):
                typed = [("funding" if t == "investment" else t, c) for t, c in typed]
                kinds = list(dict.fromkeys("funding" if k == "investment" else k for k in kinds))
            amounts = list(self.amounts_in[i])
            money_kinds = [k for k in kinds if k in MONEY_TYPES]
            for kind in kinds:
                strong = any(t == kind and (kind == "joint_venture" or not _WEAK.match(c.text)) for t, c in typed)
                mine = self._amounts_for(kind, kinds, money_kinds, typed, amounts, s)
                parties = self._own_parties(kind, kinds, typed, mentions)
                if kind == "other":  # its sides are named in the cue and right after it
                    cue = next(c for t, c in typed if t == kind)
                    parties = [p for at, p, _ in mentions if cue.start <= at <= cue.end + _SIDES_AFTER]
                if kind == "investment" and len([p for p in parties if p != self.main]) >= 2:
                    # "A and B are investing an aggregate of $80 million": the sum of several stakes,
                    # none of them its own
                    mine = [a for a in mine if not _AGGREGATE.search(facts.text, max(s.start, a.start - 40), a.start)]
                if kind in SALES:  # a government buys or sells through its companies and agencies
                    parties = [p for p in parties if p.name not in self.governments]
                has_money = any(a.currency for a in mine)
                companies = sum(1 for _, p, c in mentions if c and p in parties)
                if not mentions and _BACKREF.search(s.text) and not _EACH.search(s.text):
                    # "the third offtake", "the loan would cover ...": a deal already named
                    out.append(Candidate(REF, [s], [], amounts, True, _binds(s.text), kind))
                    continue
                if kind in MONEY_TYPES and not has_money and (
                        not strong or len(parties) < 2 or not companies or kind == "investment" and not any(
                            t == kind and _NAMED_STAKE.match(c.text) for t, c in typed)):
                    continue  # a deal with no sum counts only when named outright between two sides
                if not strong and not has_money and kind not in SOFT:
                    continue
                heads = nxt if len(s.text.split()) <= HEADING_WORDS and not parties else None
                if heads is not None and any(c.deal_type == kind for c in self.cues[i + 1]):
                    continue  # a heading over the sentence that tells the deal itself
                if not parties and _CJK.search(s.text):
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
                        t == kind and _IS_A.search(facts.text, max(s.start, c.start - 30), c.start) for t, c in typed):
                    continue  # "the mine is a joint venture in which A holds 51%": what a project is, not a deal
                back = self._refers_back(s, [c for t, c in typed if t == kind])
                # "binding offtakes ... and a A$300 million loan": the word binds the instrument it stands by
                own = next(c for t, c in typed if t == kind) if len(kinds) > 1 else None
                binds = _binds(facts.text[max(s.start, own.start - 40):own.end] if own else s.text)
                if kind in ("investment", "funding"):
                    out += [Candidate(kind, [s], p, a, back, binds)
                            for p, a in self._each_investor(ps, mine, mentions, s)]
                else:
                    split, several = self._each_buyer(kind, ps, mentions, typed)
                    verb = all(_PURCHASE_VERB.match(c.text) for t, c in typed if t == kind)
                    out += [Candidate(kind, [s], p, mine, back, binds, each=several, verb=verb)
                            for p in split]
                if kind == "acquisition" and len(ps) >= 2 and _CO_OWNER.search(s.text):
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
        return any(_BEFORE_A_NAME.fullmatch(self.facts.text, cue.end, at) for at in companies_at if at > cue.end)

    @staticmethod
    def _refers_back(s: Sentence, cues: list[DealCue]) -> bool:
        """Whether the sentence points back at a deal already named ("the agreement", "this
        partnership"), not at an instrument its own cue qualifies: "under the framework agreement"
        names a framework (the cue stands before the noun), "the partnership" points back."""
        for m in _BACKREF.finditer(s.text):
            noun_at = s.start + m.start(1)
            if not any(s.start + m.start() <= c.start < noun_at for c in cues):
                return True
        return False

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
        plural = any(t == kind and _PLURAL.search(c.text) for t, c in typed) or _EACH.search(
            self.facts.text, typed[0][1].start - 80, typed[0][1].start) is not None  # "each agreed to buy"
        if kind not in SALES or self.main is None or not plural:  # "an offtake with Hyundai and Kia"
            return [parties], False
        text = self.facts.text
        others = [(at, p) for at, p, company in mentions if company and p.name != self.main.name]
        summary = len(others) >= 2  # contracts with several buyers, even when not named as a list
        run: list[Party] = []
        best: list[Party] = []
        for k, (at, p) in enumerate(others):
            joined = k > 0 and _LIST_GLUE.match(text, self.end_of[others[k - 1][1].name], at) is not None
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
        if _EACH.search(s.text):
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
            title=f"{' and '.join(p.name for p in c.parties[:2])}: {LABEL[c.deal_type]}",
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
