"""The daily brief: many briefs become one, with the same deal from several sources merged.

Entities are resolved across articles through their names and aliases ("US Strategic Metals",
"U.S. Strategic Metals" and "USSM" are one). Two deals are one when they share resolved parties
(two, or all of them when a deal names fewer) and their types are compatible (an MOU reported by
one source and a "partnership" by another is the same agreement).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Literal

from rapidfuzz import fuzz

from .domain.aliases import link_variants
from .grounding import name_key
from .models import Brief, DailyBrief, DailyDeal, DailyQuestion, DealSummary, EntityCount

_FAMILY = {
    "mou": "agreement", "loi": "agreement", "partnership": "agreement", "joint_venture": "agreement",
    "offtake": "offtake", "supply_agreement": "offtake",
    "investment": "money", "funding": "money", "acquisition": "acquisition",
    "framework": "framework", "other": "other",
}
_SPECIFICITY = ["mou", "loi", "offtake", "supply_agreement", "joint_venture", "acquisition",
                "investment", "funding", "framework", "partnership", "other"]


class _Resolver:
    """Union-find over name keys: every name and alias of an entity lands on one key."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        root = key
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[key] != root:
            self.parent[key], key = root, self.parent[key]
        return root

    def union(self, names: Iterable[str]) -> None:
        keys = [k for k in (name_key(n) for n in names) if k]
        for k in keys[1:]:
            a, b = self.find(keys[0]), self.find(k)
            if a != b:
                self.parent[max(a, b)] = min(a, b)

    def union_keys(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def __call__(self, name: str) -> str:
        key = name_key(name)
        return self.find(key) if key else ""


def source_of(brief: Brief) -> str:
    """How the day names the article a brief came from: its URL, else its title, else its hash."""
    return brief.source.url or brief.source.title or brief.source.content_hash[:12]


def _deal_key(deal: DealSummary, resolve: _Resolver) -> tuple[str, frozenset[str]]:
    return _FAMILY.get(deal.deal_type, "other"), frozenset(k for k in (resolve(p.name) for p in deal.parties) if k)


def _same(a: frozenset[str], b: frozenset[str], da: DealSummary, db: DealSummary,
          companies: frozenset[str] = frozenset(), paired: frozenset[str] = frozenset()) -> bool:
    """Two reports of one deal: two shared parties (and sums that do not disagree), or, when a
    report names one party only, that party and sums that agree (a one-party placement must not
    swallow another company's grant), or a shared company and sums that agree (outlets name the
    lender differently: "U.S. Energy Department", "the U.S. government"). A shared agency alone
    never joins two sums: it makes many awards of about the same size.

    A party named in a script the other report does not use ("福特汽车公司" beside "Ford") can
    be neither matched nor told apart (``_across_scripts``); ``paired``: such parties of ``a``
    (an entry of the day) already taken for a party of a report merged into it."""
    sa, sb = _scripts(a), _scripts(b)
    common = sa & sb
    if len(common) < len(sa | sb):
        return _across_scripts(a, b, common, paired) and _same_money(da, db)
    shared = a & b
    if len(shared) >= 2:
        return _same_money(da, db)
    if not shared or not _same_money(da, db, need_sums=True):
        return False
    has_sums = any(x.currency and x.value for x in da.amounts) and any(x.currency and x.value for x in db.amounts)
    return min(len(a), len(b)) == 1 or (_FAMILY.get(da.deal_type) == "money" and has_sums and bool(shared & companies))


# letters of one writing system under several Unicode names: "ŋ", "ƒ", "ȼ" stay in a name key
# (no ASCII letter is read in them: "ø", "ł", "đ" are) and are Latin; Japanese writes names in kana and in kanji
_WRITING = {"LATIN": "latin", "HIRAGANA": "CJK", "KATAKANA": "CJK"}


@lru_cache(maxsize=1 << 16)  # every comparison of two reports asks for each of their parties
def _script(key: str) -> str:
    """The script a name key is written in: "latin" (name keys carry no accents; "ŋ" is
    Latin too), or the Unicode name's first word of its first letter outside ASCII ("CJK" for
    Chinese characters and Japanese kana alike, "CYRILLIC", "HANGUL", ...)."""
    c = next((c for c in key if not c.isascii() and c.isalpha()), None)
    if c is None:
        return "latin"
    word = unicodedata.name(c, "OTHER").split()[0]
    return _WRITING.get(word, word)


@lru_cache(maxsize=1 << 12)
def _scripts(keys: frozenset[str]) -> frozenset[str]:
    return frozenset(_script(k) for k in keys)


def _across_scripts(a: frozenset[str], b: frozenset[str], common: frozenset[str],
                    paired: frozenset[str] = frozenset()) -> bool:
    """Two reports in partly different scripts name one deal: they share a party written in a
    script both use, and two or more once each party one report writes in a script the other
    does not use is counted as one of the other's parties it does not share (it may be that
    party, written otherwise): the rule for reports in one script, two shared parties. A party
    of ``a`` in ``paired`` is already one of ``a``'s other parties: it is not counted again."""
    ka = frozenset(k for k in a if _script(k) in common)
    kb = frozenset(k for k in b if _script(k) in common)
    shared = ka & kb
    maybe = min(len(a - ka - paired), len(kb - shared)) + min(len(b - kb), len(ka - shared))
    return bool(shared) and len(shared) + maybe >= 2


def _paired(a: frozenset[str], b: frozenset[str], paired: frozenset[str]) -> frozenset[str]:
    """The parties written in a script only one of two merged reports uses that the merge took for
    the other's parties ("特斯拉" for "Tesla"), added to ``paired``: an entry that took them must
    not take them again for a third report's other party ("LG Energy Solution"). Where a side
    writes more such parties than the other has left to be, which is which is unknown: none."""
    common = _scripts(a) & _scripts(b)
    ka = frozenset(k for k in a if _script(k) in common)
    kb = frozenset(k for k in b if _script(k) in common)
    shared = ka & kb
    fa, fb = a - ka - paired, b - kb
    out = set(paired)
    if fa and len(fa) <= len(kb - shared):
        out |= fa
    if fb and len(fb) <= len(ka - shared):
        out |= fb
    return frozenset(out)


ROUNDING = 0.05  # "$2.3bn" and "US$2.26 billion" are one sum; a loan and a stake usually are not


def _same_money(a: DealSummary, b: DealSummary, *, need_sums: bool = False) -> bool:
    """Two money deals are one only when their sums agree within rounding, in one currency (a
    loan and a stake are two deals). Sums in different or unknown currencies do not decide,
    unless ``need_sums``: then only sums that agree make the two one."""
    if _FAMILY.get(a.deal_type) != "money":
        return True
    va = [(x.currency, x.value) for x in a.amounts if x.currency and x.value]
    vb = [(x.currency, x.value) for x in b.amounts if x.currency and x.value]
    shared = {c for c, _ in va} & {c for c, _ in vb}
    if not shared:
        return not need_sums
    return any(ca == cb and ca in shared and abs(x - y) <= ROUNDING * max(x, y) for ca, x in va for cb, y in vb)


def _matches(old: DailyDeal, family: str, parties: frozenset[str], deal: DealSummary) -> bool:
    """The same deal in an earlier day's brief: same family, shared parties, agreeing sums."""
    old_family, _, rest = old.key.partition(":")
    old_parties = frozenset(rest.split("@", 1)[0].split("|"))
    return old_family == family and _same(old_parties, parties, old.deal, deal)


def _richer(a: DealSummary, b: DealSummary) -> DealSummary:
    """The more informative of two reports of one deal (specific type, known binding, amounts)."""
    def rank(d: DealSummary) -> tuple[int, int, int, int]:
        return (-_SPECIFICITY.index(d.deal_type), d.binding is not None, len(d.amounts), len(d.parties))
    return a if rank(a) >= rank(b) else b


def _day(value: object) -> date:
    """``value`` as a day: a ``date`` (a ``datetime``'s day), or its ISO text ("2026-11-21"); else
    a one-line error (pydantic's, raised from the model far below, ran to four lines)."""
    if isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"date is a day, e.g. date(2026, 11, 21) or \"2026-11-21\", got {value!r}") from None
    raise TypeError(f"date is a datetime.date, e.g. date(2026, 11, 21), got {type(value).__name__}")


def daily_brief(
    briefs: Iterable[Brief], *, date: date, previous: DailyBrief | None = None, failed: int = 0,
) -> DailyBrief:
    """Build the ``DailyBrief`` of ``date`` from the day's briefs.

    Args:
        briefs: the day's briefs (any order).
        date: the day.
        previous: the previous day's brief, to mark deals new, updated or unchanged.
        failed: how many articles could not be briefed (reported in the Markdown).
    """
    # a Brief is itself iterable (its fields): one given alone failed far below, on a tuple
    if isinstance(briefs, Brief):
        raise TypeError("daily_brief takes a list of briefs, not one Brief: daily_brief([brief], date=...)")
    briefs = list(briefs)
    for b in briefs:
        if not isinstance(b, Brief):
            raise TypeError(f"daily_brief takes Briefs, got {type(b).__name__}")
    if previous is not None and not isinstance(previous, DailyBrief):
        raise TypeError(f"previous is the previous day's DailyBrief, got {type(previous).__name__}")
    date = _day(date)
    resolve = _Resolver()
    for b in briefs:
        for e in b.entities:
            resolve.union([e.name, *e.aliases])
    # outlets name one party differently: short forms, parents, initials, agencies' word order
    names = {name_key(n) for b in briefs for e in b.entities for n in (e.name, *e.aliases)}
    names |= {name_key(p.name) for b in briefs for d in b.deals for p in d.parties}
    links = link_variants(names)
    for a, b_, _why in links:
        resolve.union_keys(a, b_)

    companies = frozenset(resolve(e.name) for b in briefs for e in b.entities if e.kind == "company")
    # deals: merge reports of one deal, indexed by party so 2,000 briefs stay fast
    groups: list[tuple[str, frozenset[str], DealSummary, list[str]]] = []
    paired: list[frozenset[str]] = []  # each entry's parties taken for a party in another script
    why: dict[int, list[str]] = {}  # the merge report: for each entry, why each later source joined it
    by_party: dict[str, list[int]] = {}
    for b in briefs:
        src = source_of(b)
        for d in b.deals:
            family, parties = _deal_key(d, resolve)
            if not parties:
                continue
            home = next((i for p in parties for i in by_party.get(p, [])
                         if groups[i][0] == family
                         and _same(groups[i][1], parties, groups[i][2], d, companies, paired[i])),
                        None)
            if home is None:
                groups.append((family, parties, d, [src]))
                paired.append(frozenset())
                for p in parties:
                    by_party.setdefault(p, []).append(len(groups) - 1)
            else:
                fam, ps, best, sources = groups[home]
                if src not in sources:
                    sources.append(src)
                    why.setdefault(home, []).append(
                        f"{src}: its {d.deal_type} shares {', '.join(sorted(ps & parties))} in the {fam} family"
                        + ("; sums agree within rounding" if fam == "money" and d.amounts else ""))
                groups[home] = (fam, ps | parties, _richer(best, d), sources)
                paired[home] = _paired(ps, parties, paired[home])

    deals = []
    for i, (family, parties, d, sources) in enumerate(groups):
        money = sorted(a.value for a in d.amounts if a.currency and a.value is not None)
        key = family + ":" + "|".join(sorted(parties)) + (f"@{money[0]:.6g}" if family == "money" and money else "")
        status: Literal["new", "updated", "unchanged"] | None = None
        if previous is not None:
            old = next((o for o in previous.deals if o.key == key), None) or next(
                (o for o in previous.deals if _matches(o, family, parties, d)), None)
            if old is None:
                status = "new"
            elif (old.deal.binding, old.deal.status, [a.text for a in old.deal.amounts]) != (
                    d.binding, d.status, [a.text for a in d.amounts]):
                status = "updated"
            else:
                status = "unchanged"
        deals.append(DailyDeal(key=key, deal=d, sources=sources, status=status, merged=why.get(i, [])))
    deals.sort(key=lambda x: (-len(x.sources), _SPECIFICITY.index(x.deal.deal_type)))

    # entities with the number of articles that name them
    seen: dict[str, EntityCount] = {}
    for b in briefs:
        for e in b.entities:
            key = resolve(e.name)
            ec = seen.get(key)
            if ec is None:
                seen[key] = EntityCount(name=e.name, kind=e.kind, ticker=e.ticker, aliases=list(e.aliases), articles=1)
            else:
                ec.articles += 1
                ec.ticker = ec.ticker or e.ticker
                ec.aliases += [a for a in [e.name, *e.aliases] if a not in ec.aliases and a != ec.name]
    entities = sorted(seen.values(), key=lambda e: (-e.articles, e.kind != "company", e.name))

    elements = Counter(el for b in briefs for el in b.elements)

    questions: list[DailyQuestion] = []
    for b in briefs:
        for q in b.questions:
            same = next((x for x in questions if x.category == q.category
                         and fuzz.token_sort_ratio(x.question, q.question) >= 90), None)
            if same is None:
                questions.append(DailyQuestion(question=q.question, category=q.category, sources=[source_of(b)]))
            elif source_of(b) not in same.sources:
                same.count += 1
                same.sources.append(source_of(b))
    questions.sort(key=lambda q: -q.count)

    day = DailyBrief(
        date=date, articles=[b.source for b in briefs], deals=deals, entities=entities[:40],
        elements=dict(elements.most_common()), questions=questions[:8], failed=failed,
        name_links=[f"{a} = {b_} ({reason})" for a, b_, reason in links if resolve.find(a) == resolve.find(b_)][:50],
        ungrounded=sum(not b.grounding.ok for b in briefs),
    )
    day.bottom_line = _bottom_line(day)
    return day


def _bottom_line(day: DailyBrief) -> str:
    if not day.articles:
        return "No articles were briefed."
    parts = [f"{len(day.articles)} article(s), {len(day.deals)} distinct deal(s)"]
    new = sum(d.status == "new" for d in day.deals)
    if new:
        parts[-1] += f" ({new} new)"
    companies = [e for e in day.entities if e.kind == "company"]
    if companies:
        parts.append(f"most covered: {companies[0].name} ({companies[0].articles} article(s))")
    if day.elements:
        parts.append("elements in focus: " + ", ".join(list(day.elements)[:4]))
    multi = [d for d in day.deals if len(d.sources) > 1]
    if multi:
        parts.append(f"{len(multi)} deal(s) reported by more than one source")
    return "; ".join(parts) + "."


def load_daily(path: Path) -> DailyBrief:
    """Read a daily brief written as JSON."""
    return DailyBrief.model_validate_json(Path(path).read_text(encoding="utf-8"))
