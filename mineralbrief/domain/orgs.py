"""Companies, government bodies, countries and their tickers, with alias resolution.

Companies are found from the signals press releases give: a ticker with its exchange
(``RareX Limited (ASX: REE)``), a defined short name (``U.S. Strategic Metals ("USSM")``), a
legal suffix (``Limited``, ``Inc.``) or an industry word at the end of a capitalised name
(``Iluka Resources``, ``MP Materials``). Names that differ only in dots, case or a legal suffix
("US Strategic Metals", "U.S. Strategic Metals Inc.") resolve to one entity; defined short names
and parenthesised acronyms become its aliases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..grounding import name_key
from .fastre import FastPattern

EXCHANGES = (
    r"ASX|NASDAQ|Nasdaq|NYSE American|NYSE|TSX[.\s-]?V|TSXV|TSX|CSE|OTCQX|OTCQB|OTC Pink|OTC|"
    r"LSE|AIM|FSE|FRA|ETR|XETRA|JSE|NZX|HKEX|SGX|KRX|TSE|B3|BMV|Frankfurt|NYSEAMERICAN"
)
_TICKER_RE = FastPattern(
    r"(?P<ex>\b(?:" + EXCHANGES + r"))\s*(?::|,|–|-|—)?\s*(?P<sym>[A-Z][A-Z0-9]{0,5}(?:\.[A-Z]{1,2})?)"
    r"(?P<more>(?:\s*[,/]\s*[A-Z][A-Z0-9]{1,5}\b(?!\s*[:–-]))*)"
)
_PAREN_RE = re.compile(r"\(([^()]{1,80})\)")
_NAME = r"[A-Z][\w&'.-]*(?:\s+(?:of|and|&|de|du|la|for|the|[A-Z0-9][\w&'.-]*))*"
_DEFINED_RE = re.compile(r"\(\s*(?:the\s+)?[\"“']([A-Z][\w.&-]{1,30})[\"”']")
_ACRONYM_RE = re.compile(r"^([A-Z][A-Za-z]{0,2}[A-Z][A-Za-z]*|[A-Z]{2,8})$")
LEGAL_SUFFIX = r"(?:Limited|Ltd\.?|Inc\.?|Incorporated|Corp\.?|Corporation|Company|PLC|plc|LLC|L\.L\.C\.|LP|Pty\.? Ltd\.?|AG|S\.A\.|SA|N\.V\.|GmbH|SE|ASA|AB|Oyj|Bhd)"
INDUSTRY_SUFFIX = (r"(?:Resources|Materials|Metals|Minerals|Mining|Rare Earths|Rare Earth|Energy|"
                   r"Group|Holdings|Partners|Capital|Technologies|Industries|Magnetics|Magnets|"
                   r"Lithium|Graphite|Nickel|Cobalt|Exploration|Minerals Corp)")
_COMPANY_RE = FastPattern(
    r"\b((?:[A-Z][\w&'.-]*\s+){0,4}?(?:[A-Z][\w&'.-]*)\s+(?:" + LEGAL_SUFFIX + r"|" + INDUSTRY_SUFFIX + r")"
    r"(?:\s+" + LEGAL_SUFFIX + r")?)(?![\w])(?!\s+(?:Project|Mine|Deposit|Prospect|Field))"
)
# compiled once: these run per word of every candidate name
_LEGAL_RE = re.compile(LEGAL_SUFFIX)
_POSSESSIVE_WORD = re.compile(r"(['’]s|-based)$")
_POSSESSIVE_END = re.compile(r"['’]s$")
_NAME_WHOLE = re.compile(_NAME)
_TOKEN = re.compile(r"\S+")
# Capitalised words that start sentences or name things that are not companies.
_NOT_COMPANY_WORDS = frozenset({
    "the", "a", "an", "this", "that", "these", "under", "both", "with", "and", "for", "in", "on",
    "by", "as", "at", "from", "to", "of", "its", "their", "our", "his", "her", "while", "when",
    "framework", "initiative", "program", "programme", "accelerator", "act", "order", "agreement",
    "partnership", "strategy", "facility", "fund", "office", "department", "ministry", "agency",
    "policy", "alliance", "dialogue", "plan", "critical", "rare", "earth", "earths", "heavy",
    "light", "strategic", "global", "domestic", "american", "australian", "chinese", "western",
    "allied", "national", "federal", "new", "mixed", "separated", "magnet", "minerals", "metals",
    "materials", "resources", "mining", "energy", "group", "capital", "partners", "project",
    "processing", "supply", "chain", "chains", "element", "elements", "oxide", "oxides", "us",
    "u.s.", "usa", "u.s.-australia", "us-australia", "exchange", "co-founder", "ceo", "managing",
    "director", "chairman", "executive", "chief", "president", "prime", "minister", "secretary",
    "international", "limited", "holdings", "source", "why", "how", "what", "process", "inks",
    "signs", "deal", "news", "update", "report", "press", "release", "company", "companies",
})
_SENTENCE_STARTERS = frozenset({
    "The", "A", "An", "This", "That", "These", "Under", "Both", "With", "And", "For", "In", "On",
    "By", "As", "At", "From", "To", "Its", "Their", "Our", "While", "When", "Together", "Welcoming",
    "Leveraging", "Signed", "Shares", "Read", "About", "Today", "Meanwhile", "However", "Also",
})

_ROLE_RE = re.compile(
    r"\b(?:maker|producer|miner|developer|start-?up|firm|processor|refiner|supplier|automaker|"
    r"manufacturer|recycler|explorer|subsidiary|investor)\s+((?:[A-Z][\w&'.-]*)(?:\s+[A-Z][\w&'.-]*){0,3})"
)
_SAID_RE = FastPattern(
    r"((?:[A-Z][\w&'.-]*\s+){1,3}[A-Z][\w&'.-]*)\s+(?:said|says|announced|announces|agreed|expects|plans)\b"
)
_TITLE_RE = re.compile(
    r"\b(?:Director|CEO|Chief|Chairman|Chairwoman|Chair|President|Minister|Secretary|Officer|Founder|"
    r"Mr|Mrs|Ms|Dr|Senator|Governor|Analyst|analysts?|Managing)\b\.?\s*(?:[A-Z][\w'-]*\s*)*$"
)

AGENCIES: dict[str, tuple[str, ...]] = {
    "U.S. Department of Defense": ("Department of Defense", "DoD", "Pentagon", "Department of War", "DOW"),
    "U.S. Department of Energy": ("Department of Energy", "DOE"),
    "U.S. Department of State": ("Department of State", "State Department"),
    "U.S. Department of Commerce": ("Department of Commerce", "Commerce Department"),
    "U.S. Department of the Interior": ("Department of the Interior", "Interior Department"),
    "Export-Import Bank of the United States": ("EXIM", "EXIM Bank", "Export-Import Bank"),
    "U.S. International Development Finance Corporation": ("DFC", "Development Finance Corporation"),
    "Office of Strategic Capital": ("OSC",),
    "CHIPS Program Office": (),
    "Defense Logistics Agency": ("DLA",),
    "Defense Production Act": ("DPA",),
    "National Energy Technology Laboratory": ("NETL",),
    "U.S. Geological Survey": ("USGS",),
    "Export Finance Australia": ("EFA",),
    "Critical Minerals Facility": (),
    "Geoscience Australia": (),
    "Japan Organization for Metals and Energy Security": ("JOGMEC",),
    "European Commission": (),
    "European Investment Bank": ("EIB",),
    "Minerals Security Partnership": ("MSP",),
    "White House": (),
    "Department of Industry, Science and Resources": (),
}
GOVERNMENTS: dict[str, tuple[str, ...]] = {
    "U.S. government": ("US government", "United States government", "Trump Administration",
                        "Trump administration", "Biden administration"),
    "Australian Government": ("Australian government", "Albanese Government"),
    "Canadian government": ("Government of Canada",),
    "Chinese government": ("Beijing government",),
    "Japanese government": ("Government of Japan",),
}
COUNTRIES: dict[str, tuple[str, ...]] = {
    "United States": ("U.S.", "US", "USA", "U.S.A.", "America"),
    "Australia": (), "Canada": (), "China": ("PRC",), "Japan": (), "India": (), "Brazil": (),
    "Kenya": (), "Uganda": (), "United Kingdom": ("UK", "U.K.", "Britain"), "Germany": (),
    "France": (), "South Korea": ("Korea",), "Saudi Arabia": (), "Greenland": (), "Vietnam": (),
    "Malaysia": (), "Myanmar": (), "Indonesia": (), "Philippines": (), "Chile": (),
    "Argentina": (), "Kazakhstan": (), "Ukraine": (), "Tanzania": (), "Malawi": (),
    "Madagascar": (), "Namibia": (), "South Africa": (), "Norway": (), "Sweden": (),
    "Finland": (), "Estonia": (), "Mongolia": (), "Peru": (), "Mexico": (),
    "Democratic Republic of the Congo": ("DRC", "DR Congo"), "Angola": (), "Zambia": (),
}
STATES = (
    "Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia "
    "Hawaii Idaho Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts "
    "Michigan Minnesota Mississippi Missouri Montana Nebraska Nevada Ohio Oklahoma Oregon "
    "Pennsylvania Tennessee Texas Utah Vermont Virginia Washington Wisconsin Wyoming"
).split() + ["New Mexico", "New York", "North Carolina", "North Dakota", "South Carolina",
             "South Dakota", "West Virginia", "Western Australia", "Queensland", "New South Wales",
             "Northern Territory", "South Australia", "Victoria", "Tasmania", "Quebec", "Ontario",
             "British Columbia", "Saskatchewan"]


_PLACE_WORDS = frozenset({"us", "u.s.", "usa", "u.s", "uk", "eu", "american", "australian"}) | frozenset(
    w.lower() for name in COUNTRIES for w in [name])


@dataclass
class Org:
    """One resolved entity: its canonical name, kind, ticker, aliases and mention spans."""

    name: str
    kind: str
    ticker: str | None = None
    aliases: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    signals: set[str] = field(default_factory=set)

    @property
    def mentions(self) -> int:
        return len(self.spans)

    def names(self) -> list[str]:
        return [self.name, *self.aliases]


def _clean_name(raw: str) -> str:
    words = raw.strip(" ,;:-–").split()
    # drop what precedes a possessive or a "-based" qualifier: "DOE's National ..." -> "National ..."
    for i in range(len(words) - 1, -1, -1):
        if _POSSESSIVE_WORD.search(words[i]) and i < len(words) - 1:
            words = words[i + 1:]
            break
    while words and (words[0] in _SENTENCE_STARTERS or words[0].lower() in {"the", "and", "with"}
                     or _LEGAL_RE.fullmatch(words[0])):
        words = words[1:]
    name = " ".join(words).strip(" ,;:-–")
    return _POSSESSIVE_END.sub("", name)


def _generic(word: str) -> bool:
    w = word.lower().strip(".,")
    if w in _NOT_COMPANY_WORDS or _LEGAL_RE.fullmatch(word):
        return True
    parts = [p for p in w.split("-") if p]
    return bool(parts) and all(p in _PLACE_WORDS for p in parts)


def _title_line(text: str, pos: int) -> bool:
    """True when ``pos`` sits in a Title Cased line (a headline), where capitals mean nothing."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    words = re.findall(r"[A-Za-z][\w'-]*", text[start:end if end >= 0 else len(text)])
    long_words = [w for w in words if len(w) > 3]
    return len(long_words) >= 4 and sum(w[0].isupper() for w in long_words) / len(long_words) > 0.8


def _plausible_company(name: str) -> bool:
    words = name.split()
    if not words or len(words) > 7:
        return False
    if any(w.lower().strip(".,") in {"framework", "initiative", "program", "act", "order",
                                       "agreement", "accelerator", "department", "ministry"} for w in words):
        return False
    return any(not _generic(w) for w in words)


class _Registry:
    def __init__(self) -> None:
        self.orgs: list[Org] = []
        self.by_key: dict[str, Org] = {}

    def find(self, name: str) -> Org | None:
        return self.by_key.get(name_key(name))

    def add(self, name: str, kind: str, span: tuple[int, int] | None, signal: str) -> Org:
        org = self.find(name)
        if org is None:
            org = Org(name=name, kind=kind)
            self.orgs.append(org)
            self.by_key[name_key(name)] = org
        elif len(name) > len(org.name) and kind == org.kind and name_key(name) == name_key(org.name):
            org.name = name  # prefer the fuller written form ("Ionic Rare Earths Limited")
        if span is not None and span not in org.spans:
            org.spans.append(span)
        org.signals.add(signal)
        return org

    def alias(self, org: Org, alias: str) -> None:
        key = name_key(alias)
        if not key or key == name_key(org.name):
            return
        other = self.by_key.get(key)
        if other is not None and other is not org:
            return
        if alias not in org.aliases:
            org.aliases.append(alias)
        self.by_key[key] = org


_CONNECTORS = frozenset({"of", "and", "&", "de", "du", "la", "for", "the"})


def _name_before(text: str, pos: int) -> tuple[str, int] | None:
    """The capitalised name that ends right before ``pos`` (skipping parentheticals)."""
    window_start = max(0, pos - 160)
    line_start = text.rfind("\n", window_start, pos) + 1
    end = pos
    while True:  # skip "(...)" groups and spaces between the name and pos
        while end > line_start and text[end - 1].isspace():
            end -= 1
        if end > line_start and text[end - 1] == ")":
            open_at = text.rfind("(", line_start, end)
            if open_at < 0 or end - open_at > 62:
                return None
            end = open_at
            continue
        break
    words = list(_TOKEN.finditer(text[line_start:end]))
    taken: list[re.Match[str]] = []
    for w in reversed(words):
        token = w.group(0)
        if token[0].isupper() or token[0].isdigit() and taken:
            taken.append(w)
        elif token in _CONNECTORS and taken:
            taken.append(w)
        else:
            break
    while taken and taken[-1].group(0) in _CONNECTORS:
        taken.pop()
    if not taken:
        return None
    first, last = taken[-1], taken[0]
    raw = text[line_start + first.start():line_start + last.end()]
    if not _NAME_WHOLE.fullmatch(raw):
        return None
    name = _clean_name(raw)
    if not name:
        return None
    start = text.find(name.split()[0], line_start + first.start())
    return name, start


def find_orgs(text: str) -> list[Org]:
    """Companies, agencies, governments and countries the article names, resolved.

    Returns:
        One ``Org`` per entity, with every span where a name or alias of it occurs.
    """
    reg = _Registry()
    # 1. tickers: the name right before "(ASX: REE)" is a listed company
    for m in _TICKER_RE.finditer(text):
        paren_start = text.rfind("(", max(0, m.start() - 3), m.start() + 1)
        before = _name_before(text, paren_start if paren_start >= 0 else m.start())
        if before is None:
            continue
        name, start = before
        if not _plausible_company(name) or len(m.group("sym")) < 2:
            continue
        org = reg.add(name, "company", (start, start + len(name)), "ticker")
        if org.ticker is None:
            ex = re.sub(r"\s+", " ", m.group("ex"))
            org.ticker = f"{ex}: {m.group('sym')}"
    # 2. defined short names and parenthesised acronyms: Name ("USSM") / Name (DOE)
    for m in _PAREN_RE.finditer(text):
        inner = m.group(1).strip()
        defined = _DEFINED_RE.match(m.group(0))
        alias = defined.group(1) if defined else (inner if _ACRONYM_RE.match(inner) else None)
        if alias is None or re.fullmatch(EXCHANGES, alias):
            continue
        before = _name_before(text, m.start())
        if before is None:
            continue
        name, start = before
        if name_key(name) == name_key(alias):
            continue
        known = reg.find(name) or _lexicon_org(reg, name)
        if known is None:
            fits = _initials_fit(alias, name)
            companyish = _plausible_company(name) or bool(re.search(
                r"\b(?:" + LEGAL_SUFFIX + "|" + INDUSTRY_SUFFIX + r")$", name))
            if not (companyish and (fits or defined)):
                continue
            known = reg.add(name, "company", (start, start + len(name)), "defined")
        reg.alias(known, alias)
    # 3. legal suffixes and industry words: "Iluka Resources", "Appian Capital"
    for m in _COMPANY_RE.finditer(text):
        if re.match(r"\s+with\b", text[m.end():m.end() + 6]):  # "RareX Partners with ..." is a verb
            continue
        picked = _best_tail(reg, text, _clean_name(m.group(1)), m.start(1))
        if picked is None:
            continue
        name, start = picked
        existing = reg.find(name)
        if existing is not None and existing.kind != "company":
            continue
        reg.add(name, "company", (start, start + len(name)), "suffix")
    # 3b. names introduced by a role ("magnet maker Vulcan Elements") or speaking twice
    #     ("Vulcan Elements said"): companies without a suffix or ticker
    for rx, need in ((_ROLE_RE, 1), (_SAID_RE, 2)):
        for m in rx.finditer(text):
            name = _clean_name(m.group(1))
            if (not _plausible_company(name) or len(name.split()) < 2 or reg.find(name) is not None
                    or _TITLE_RE.search(text[max(0, m.start(1) - 40):m.start(1)] + " " + name)):
                continue
            if count_mentions(text, name) < need:
                continue
            if _lexicon_entry(name) is not None:
                continue
            start = m.start(1) + m.group(1).find(name.split()[0])
            reg.add(name, "company", (start, start + len(name)), "role")
    # 4. lexicons: agencies, governments, countries (one pass over the text)
    for start, end in _lexicon_matches(text):
        written = text[start:end]
        canon, kind = _LEXICON_INDEX[written.lower()]
        if written in ("US", "U.S.") and re.match(r"\s*\$", text[end:end + 3]):
            continue
        if written.islower() and canon[0].isupper():
            continue  # "washington" as a common word is not the city or the state
        org = reg.find(canon) or reg.add(canon, kind, None, "lexicon")
        org.spans.append((start, end))
        if written != canon:
            reg.alias(org, _LEXICON_FORMS.get(written.lower(), written))
    # 5. every further mention of a known name or alias, in one pass
    owner = {written: org for org in reg.orgs for written in org.names()}
    if owner:
        for start, end in mention_spans(text, list(owner)):
            org = owner[text[start:end]]
            if (start, end) not in org.spans:
                org.spans.append((start, end))
    for org in reg.orgs:
        org.spans.sort()
    _fold_prefixes(reg)
    return [o for o in reg.orgs if o.spans]


# Mentions of a name found with str.find, not a regex per name: the names differ from article
# to article, so each regex would be compiled anew (about a third of the scan's time on
# articles whose names the process had not seen). Same rule as the regex
# (?<![\w.])name(?![\w]); tests/test_fastre.py compares the two.
def _whole(text: str, start: int, end: int) -> bool:
    """No word character or dot right before ``start``, no word character at ``end``."""
    if start > 0:
        c = text[start - 1]
        if c.isalnum() or c in "_.":
            return False
    return end == len(text) or not (text[end].isalnum() or text[end] == "_")


def _starts(text: str, name: str) -> list[int]:
    """Every start of ``name`` in ``text`` standing as a whole name (overlapping included)."""
    out, i = [], text.find(name)
    while i >= 0:
        if _whole(text, i, i + len(name)):
            out.append(i)
        i = text.find(name, i + 1)
    return out


def count_mentions(text: str, name: str) -> int:
    """How many times ``name`` stands in ``text`` as a whole name (non-overlapping, as
    ``len(re.findall(...))`` counts)."""
    count, free_from = 0, 0
    for i in _starts(text, name):
        if i >= free_from:
            count, free_from = count + 1, i + len(name)
    return count


def mention_spans(text: str, names: list[str]) -> list[tuple[int, int]]:
    """Spans of the names in ``text``, left to right, the longest name winning where several
    start at one place, none overlapping (what one regex alternation of the names, longest
    first, finds)."""
    longest: dict[int, int] = {}
    for name in names:
        for i in _starts(text, name) if name else ():
            longest[i] = max(longest.get(i, 0), len(name))
    spans, free_from = [], 0
    for i in sorted(longest):
        if i >= free_from:
            spans.append((i, i + longest[i]))
            free_from = i + longest[i]
    return spans


def _fold_prefixes(reg: _Registry) -> None:
    """"Virgin Mining" beside "Virgin Mining & Minerals Ltd.": the short form is an alias."""
    companies = [o for o in reg.orgs if o.kind == "company"]
    for short in companies:
        skey = name_key(short.name)
        for long in companies:
            lkey = name_key(long.name)
            if long is short or not short.spans or not lkey.startswith(skey + " "):
                continue
            if len(skey.split()) < 2 or not (long.ticker or re.search(LEGAL_SUFFIX + r"$", long.name)):
                continue
            long.spans = sorted(set(long.spans) | set(short.spans))
            long.ticker = long.ticker or short.ticker
            if short.name not in long.aliases:
                long.aliases.append(short.name)
            long.aliases += [a for a in short.aliases if a not in long.aliases]
            short.spans = []
            break


def _best_tail(reg: _Registry, text: str, phrase: str, near: int) -> tuple[str, int] | None:
    """The company name inside a capitalised phrase that ends with a company word.

    A known name wins; otherwise the longest tail among those the article repeats most, so
    "Inks Mou With Ionic Rare Earths" gives "Ionic Rare Earths" and "Argentem Creek Partners"
    stays whole. In a Title Cased headline, a name must also appear elsewhere.
    """
    words = phrase.split()
    tails = [" ".join(words[i:]) for i in range(len(words))]
    known = [t for t in tails if reg.find(t) is not None]
    if known:
        name = known[0]
    else:
        scored = []
        for t in tails:
            if not _plausible_company(t) or t.split()[0][0].islower():
                continue
            count = count_mentions(text, t)
            scored.append((count, len(t), t))
        if not scored:
            return None
        count, _, name = max(scored)
        if count < 2 and _title_line(text, near):
            return None
    pos = text.find(name, near)
    return (name, pos) if pos >= 0 else None


def _initials_fit(alias: str, name: str) -> bool:
    letters = "".join(w[0] for w in re.split(r"[\s.-]+", name) if w and w[0].isupper())
    a = alias.upper()
    return a in letters.upper() or letters.upper().startswith(a[:2]) or name.upper().startswith(a[:3])


def _lexicon_entry(name: str) -> tuple[str, str] | None:
    """(canonical name, kind) when ``name`` is a known agency, government or country."""
    return _LEXICON_BY_KEY.get(name_key(name))


def _lexicon_org(reg: _Registry, name: str) -> Org | None:
    entry = _lexicon_entry(name)
    return reg.add(entry[0], entry[1], None, "lexicon") if entry else None


_LEXICON_INDEX: dict[str, tuple[str, str]] = {}
_LEXICON_FORMS: dict[str, str] = {}
_LEXICON_BY_KEY: dict[str, tuple[str, str]] = {}
for _table, _kind in ((AGENCIES, "agency"), (GOVERNMENTS, "government"), (COUNTRIES, "country")):
    for _canon, _aliases in _table.items():
        for _written in (_canon, *_aliases):
            _LEXICON_INDEX.setdefault(_written.lower(), (_canon, _kind))
            _LEXICON_BY_KEY.setdefault(name_key(_written), (_canon, _kind))
            _LEXICON_FORMS.setdefault(_written.lower(), _written)


@lru_cache(maxsize=1)
def _lexicon_regexes() -> tuple[FastPattern, re.Pattern[str]]:
    """Short or upper-case forms (US, DOE, UK) match their case; names match any case (they
    are searched in the lower-cased text, which keeps every offset)."""
    forms = sorted(_LEXICON_FORMS.values(), key=len, reverse=True)
    exact = [re.escape(f) for f in forms if f.isupper() or len(f) <= 4]
    folded = [re.escape(f.lower()) for f in forms if not (f.isupper() or len(f) <= 4)]
    edge_l, edge_r = r"(?<![\w.-])(?:", r")(?![\w])"
    return FastPattern(edge_l + "|".join(exact) + edge_r), re.compile(edge_l + "|".join(folded) + edge_r)


def _lexicon_matches(text: str) -> list[tuple[int, int]]:
    exact, folded = _lexicon_regexes()
    lowered = text.lower()
    spans = [m.span() for m in exact.finditer(text)]
    if len(lowered) == len(text):
        spans += [m.span() for m in folded.finditer(lowered)]
    spans.sort()
    return spans


@lru_cache(maxsize=1)
def _states_regex() -> FastPattern:
    names = sorted(STATES, key=len, reverse=True)
    return FastPattern(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b")


def find_locations(text: str) -> list[tuple[str, int, int]]:
    """US states, Australian states and Canadian provinces the article names, with spans."""
    out = []
    for m in _states_regex().finditer(text):
        if m.group(1) == "Washington" and re.match(r"\s*,?\s*D\.?\s?C", text[m.end():m.end() + 6]):
            continue  # the capital, not the state
        out.append((m.group(1), m.start(), m.end()))
    return out
