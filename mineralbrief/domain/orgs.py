"""Companies, government bodies, countries and their tickers, with alias resolution.

Companies are found from the signals press releases give: a ticker with its exchange
(``RareX Limited (ASX: REE)``, ``(LYC.AX)``), a defined short name (``U.S. Strategic Metals
("USSM")``), a legal suffix (``Limited``, ``Inc.``, ``Tbk``) or an industry word at the end of a
capitalised name (``Iluka Resources``, ``MP Materials``), a company word that opens one (``PT``,
``Sociedad``, ``Société``); and from the cues news gives: a role before the name ("trading house
Hanwa"), an apposition after it ("Brunp, the recycling arm of CATL"), a country's possessive
("South Korea's LG"), and the gazetteer of well-known names. What only looks like a company is
left out: descriptive phrases ("Critical Raw Materials"), the names of things and contracts
("Letter of Interest", "Stibnite Gold Project"), pieces of longer names ("LG Energy" of "LG Energy
Solution"), names inside a public body's ("Ministry of ... Mineral Resources"), speakers, and
phrases running across a full stop or a paragraph break; public bodies become agencies. Names
that differ only in dots, case or a legal suffix ("US Strategic Metals", "U.S. Strategic Metals
Inc.") resolve to one entity; defined short names and parenthesised acronyms become its aliases.

Here: ``find_orgs``, which runs the steps, with the patterns of the signals (tickers, company
words, defined names, suffixes) and the helpers only they use. Its parts are the sibling
modules: orgnames (what a name looks like), orgscan (what the scan reads in an article),
orgregistry (the entities found), orgcues (the cues of news: roles, appositions, possessives),
orggazetteer and orgcjk (well-known and Chinese names).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator

from .anchored import Starts
from .gazetteer import FORMS
from .lexicon import (
    LEXICON_FORMS,
    LEXICON_INDEX,
    lexicon_entry,
    lexicon_matches,
)
from .matching import name_key
from .orgcjk import add_chinese
from .orgcues import BASED_RE, ROLE_RE, TITLE_RE, add_cued, role_matches
from .orggazetteer import add_gazetteer
from .orgnames import (
    COMMA_LEGAL,
    COMPANY_WORD_END,
    INDUSTRY_SUFFIX,
    LEGAL_END,
    LEGAL_SUFFIX,
    THING_HEADS,
    clean_name,
    head_kind,
    initials_fit,
    name_before,
    plausible_company,
)
from .orgregistry import Org, Registry, fold_prefixes, within
from .orgscan import (
    SAID_RE,
    Scan,
    capitalised_word_before,
    company_starts,
    in_body_name,
    looks_like_person,
    one_word_name,
    said_matches,
    stands_alone,
)
from .wordindex import Anchored, Capitals, matches_at

EXCHANGES = (
    r"ASX|NASDAQ|Nasdaq|NYSE American|NYSE|TSX[.\s-]?V|TSXV|TSX|CSE|OTCQX|OTCQB|OTC Pink|OTC|"
    r"LSE|LON|AIM|FSE|FRA|ETR|XETRA|JSE|NZX|HKEX|HKG|SEHK|SGX|KRX|KOSDAQ|KOSPI|TSE|TYO|B3|BMV|Frankfurt|"
    r"NYSEAMERICAN|Euronext(?: Paris| Brussels| Amsterdam)?|EPA|IDX|SHA|SHE|SSE|SZSE|BSE|NSE|WSE|OMX|STO|OSE|BVL|BCS"
)
_TICKER_RE = re.compile(
    r"(?P<ex>\b(?:" + EXCHANGES + r")(?:\s*/\s*(?:" + EXCHANGES + r"))*)\b\s*(?::|,|–|-|—)?\s*"
    r"(?P<sym>[A-Z][A-Z0-9]{0,5}(?:\.[A-Z]{1,2})?(?!\w)|\d{4,6}(?![\d,.]\d)|\d[A-Z0-9]{0,4}[A-Z][A-Z0-9]{0,4}\b)"
    r"(?P<more>(?:\s*[,/]\s*[A-Z][A-Z0-9]{1,5}\b(?!\s*[:–-]))*)"
)
# Where a ticker can start: the words (runs of word characters) the exchanges above begin with,
# looked up in the article's index of capitalised words (``\b`` before them is the index's rule).
_EXCHANGE_WORDS = ("ASX", "NASDAQ", "Nasdaq", "NYSE", "NYSEAMERICAN", "TSX", "TSXV", "CSE", "OTCQX", "OTCQB", "OTC",
                   "LSE", "LON", "AIM", "FSE", "FRA", "ETR", "XETRA", "JSE", "NZX", "HKEX", "HKG", "SEHK", "SGX", "KRX",
                   "KOSDAQ", "KOSPI", "TSE", "TYO", "B3", "BMV", "Frankfurt", "Euronext", "EPA", "IDX", "SHA", "SHE",
                   "SSE", "SZSE", "BSE", "NSE", "WSE", "OMX", "STO", "OSE", "BVL", "BCS")
# Reuters instrument codes: a symbol and the exchange's suffix, in brackets
_RIC_RE = re.compile(r"\(([A-Z0-9]{1,6}\.(?:AX|N|O|OQ|TO|V|CN|L|SS|SZ|HK|T|KS|KQ|SA|PA|DE|AS|BR|MI|MC|JO|NS|BO|ST|"
                     r"OL|HE|CO|SI|KL|JK|BK|NZ|MX|SN|LM|BA))\)")
_PAREN_RE = re.compile(r"\(([^()]{1,80})\)")
_DEFINED_RE = re.compile(r"\(\s*(?:the\s+)?[\"“']([A-Z][\w.&-]{1,30})[\"”']")
_ACRONYM_RE = re.compile(r"^([A-Z][A-Za-z]{0,2}[A-Z][A-Za-z]*|[A-Z]{2,8})$")
# Spaces within a name: at most one line break (a hard-wrapped line), never a paragraph's.
_SPACE = r"(?:[ \t]+\n?|\n)[ \t]*"
# A capitalised name ("&" may join its words: "Mitsui & Co.") ending in company words: an industry
# word, then any further industry or legal words ("Eurasian Resources Group", "Panasonic Energy Co.,
# Ltd."), a legal word after a comma ("Tesla, Inc."), after a place ("Perpetua Resources Idaho, Inc.") or
# after a country in brackets ("Talon Nickel (USA) LLC").
_COMPANY_RE = re.compile(
    # (the class first, the word boundary after it: the engine skips ahead to capitals)
    # (nor inside a hyphenated or dotted run: "Alpha-Beta-Gamma..." tried at each capital was quadratic)
    # (a word's characters are never given back, "*+": a space or a comma follows a name's word,
    # neither of which the word can hold; giving them back one by one made a failed try slow)
    r"([A-Z](?<![\w&'.-][A-Z])[\w&'.-]*+(?:" + _SPACE + r"(?:[A-Z][\w&'.-]*+|&)){0,4}?(?:,\s+" + COMMA_LEGAL
    + r"|\s+" + LEGAL_SUFFIX + r"|\s+" + INDUSTRY_SUFFIX
    + r")(?:(?:\s+\((?:USA|US|U\.S\.|Canada|Australia|UK)\)|\s+[A-Z][a-z]+)?"
    r"(?:\s+" + LEGAL_SUFFIX + r"|,\s+" + COMMA_LEGAL + r")|\s+" + INDUSTRY_SUFFIX + r")*)"
    r"(?![\w])(?!\s+(?:Project|Mine|Deposit|Prospect|Field))"
    # nor name a place where something is made ("the Vidalia Graphite facility")
    r"(?![ \t]+(?:project|mine|deposit|prospect|facility|plant|refinery|complex|concession|tenement|site|business|"
    r"division|segment)\b)"
)
_WITH = re.compile(r"\s+with\b")  # "RareX Partners with ...": a verb
_EXCHANGE = re.compile(EXCHANGES)
_SPACES = re.compile(r"\s+")
_AROUND_SLASH = re.compile(r"\s*/\s*")


# Public development and finance bodies with a company's legal word: "Production Development
# Corporation", "Development Finance Corporation", "National Reconstruction Fund Corporation".
_DEVELOPMENT_BODY = re.compile(r"\b(?:Development|Reconstruction|Export Credit)\b.*\b(?:Corporation|Bank|Fund)\b")
# the partners' names before the last two of a firm's: "Cravath, " in "Cravath, Swaine & Moore LLP"
_PARTNERS_BEFORE = re.compile(r"(?:[A-Z][\w'-]+, ){1,2}$")
# lower-case words that, right after a name and its acronym, make the name a thing's:
# "the Advanced Technology Vehicles Manufacturing (ATVM) loan program"
_THING_NEXT = frozenset(w.lower() for w in THING_HEADS) | {"programs", "loans", "grant", "scheme", "regime"}
_NEXT_WORD = re.compile(r"\s*([A-Za-z]+)")
# Words that open a company's name in French, Spanish, Portuguese and Indonesian ("PT Vale
# Indonesia Tbk", "Sociedad Química y Minera de Chile", "Société pour le Traitement du Terril")
_LATIN = "A-Za-zÀ-ÖØ-öø-ÿ"
_PREFIX_HEADS = ("PT", "Minera", "Sociedad", "Compañía", "Compania", "Empresa", "Corporación", "Corporacion", "Société",
                 "Societe", "Entreprise", "Compagnie", "Companhia", "Mineração", "Mineradora", "Grupo", "Groupe")
_PREFIX_RE = re.compile(
    r"(?<![" + _LATIN + r"0-9])((?:" + "|".join(_PREFIX_HEADS) + ")"
    r"(?:(?:" + _SPACE + r"(?:de|del|des|du|la|le|las|los|y|e|et|pour|da|do|dos|di))*" + _SPACE + r"[A-Z]["
    + _LATIN + r"'-]*){1,7}(?:" + _SPACE + r"(?:Tbk|S\.A\.|SA|SpA|S\.A\.S\.|Ltda\.?))?)(?![" + _LATIN + r"0-9])"
)
_PREFIX_WORDS = ("PT ", "Minera", "Sociedad", "Compañía", "Compania", "Companhia", "Empresa", "Corporaci",
                 "Société", "Societe", "Entreprise", "Compagnie", "Grupo", "Groupe")


def find_orgs(text: str, starts: Starts | None = None) -> list[Org]:
    """Companies, agencies, governments and countries the article names, resolved
    (``starts``: the text's, when the caller has it).

    Returns:
        One ``Org`` per entity, with every span where a name or alias of it occurs.
    """
    if "*" in text:  # Markdown emphasis ("**Nouveau Monde Graphite** (TSXV: NOU)"): spaces, offsets kept
        text = text.replace("*", " ")
    if starts is None or starts.text != text:
        starts = Starts(text)
    reg, scan = Registry(), Scan(text, starts)
    # 1. tickers: the name right before "(ASX: REE)" is a listed company
    tickers: list[tuple[int, int]] = []  # where "(ASX: LKAB)" stands: a symbol there is no company of its own
    for m in matches_at(_TICKER_RE, text, scan.capitals.starts(_EXCHANGE_WORDS)):
        tickers.append((m.start(), m.end()))
        paren_start = text.rfind("(", max(0, m.start() - 3), m.start() + 1)
        if paren_start < 0 and text[max(0, m.start() - 3):m.start()].rstrip()[-1:] in (",", ";", "/"):
            continue  # a second listing in one bracket: "(ASX: NVX, NASDAQ: NVX)"
        before = name_before(text, paren_start if paren_start >= 0 else m.start())
        if before is None:
            continue
        name, start = before
        sym = m.group("sym")  # one letter only in brackets ("(NYSE: F)"), where it cannot be a word
        if not plausible_company(name) or len(sym) < 2 and text[m.end():m.end() + 1] not in (")", ";"):
            continue
        org = reg.add(name, "company", (start, start + len(name)), "ticker")
        if org.ticker is None:
            ex = m.group("ex")
            if not ex.isalnum():  # "NYSE American", "TSX / ASX": one space, no space around a slash
                ex = _AROUND_SLASH.sub("/", _SPACES.sub(" ", ex))
            org.ticker = f"{ex}: {m.group('sym')}"
    # 1a. a wire's instrument code: "Lynas Rare Earths (LYC.AX)", "Shenghe Resources (600392.SS)"
    for m in _RIC_RE.finditer(text):
        before = name_before(text, m.start())
        if before is None or not plausible_company(before[0]):
            continue
        name, start = before
        org = reg.add(name, "company", (start, start + len(name)), "ticker")
        org.ticker = org.ticker or m.group(1)
        tickers.append((m.start(), m.end()))
    tickers.sort()
    # 1b. names a company word opens: "PT Vale Indonesia Tbk", "Corporación Nacional del Cobre"
    for m in _prefix_matches(starts, scan.capitals):
        name = m.group(1)
        if len(name.split()) >= 2 and reg.find(name) is None and head_kind(name) is None:
            reg.add(name, "company", (m.start(1), m.end(1)), "prefix")
    # (the text's characters outside ASCII, which the scanners share, first: two searches of a
    # 13 KB text for a Chinese word cost ~25 us, and most articles hold no Chinese character)
    if not starts.non_ascii().isdisjoint("司团") and ("公司" in text or "集团" in text):
        add_chinese(reg, text)
    # 2. defined short names and parenthesised acronyms: Name ("USSM") / Name (DOE), and a
    #    well-known short name in brackets: "Corporación Nacional del Cobre (Codelco)"
    for m in _PAREN_RE.finditer(text):
        inner = m.group(1).strip()
        defined = _DEFINED_RE.match(text, m.start())  # (it stops before the closing bracket)
        alias = defined.group(1) if defined else (inner if _ACRONYM_RE.match(inner) or inner in FORMS else None)
        if alias is None or _EXCHANGE.fullmatch(alias):
            continue
        before = name_before(text, m.start())
        if before is None:
            continue
        name, start = before
        if name_key(name) == name_key(alias):
            continue
        known = reg.find(name) or _lexicon_org(reg, name)
        if known is None:
            head = head_kind(name)
            fits = initials_fit(alias, name)
            if head == "agency":  # "the Loan Programs Office (LPO)"
                if fits or defined:
                    reg.alias(reg.add(name, "agency", (start, start + len(name)), "defined"), alias)
                continue
            if head == "thing" or _names_a_thing(text, start, m.end(), name):
                continue
            companyish = plausible_company(name) or bool(COMPANY_WORD_END.search(name))
            if not (companyish and (fits or defined or alias in FORMS)):
                continue
            known = reg.add(name, "company", (start, start + len(name)), "defined")
        reg.alias(known, alias)
    # 3. legal suffixes and industry words: "Iluka Resources", "Appian Capital"; a piece of a name
    #    found above is none ("Mines-Investment Holdings" of "Zambia Consolidated Copper Mines-...")
    held: list[tuple[int, int]] = []
    for span in sorted(sp for o in reg.orgs for sp in o.spans):
        if not held or span[0] >= held[-1][1]:
            held.append(span)
    held_ends = [e for _, e in held]
    held_set = set(held)  # membership per candidate: a list was quadratic on a long article
    company, pos = Anchored(_COMPANY_RE, text, company_starts(scan)), 0
    while (found := company.search(pos)) is not None:
        m = found
        pos = m.end()
        if _WITH.match(text, pos, pos + 6):  # "RareX Partners with ..." is a verb
            continue
        phrase, (near, limit) = m.group(1), m.span(1)
        picked = _best_tail(reg, scan, clean_name(phrase), near, limit)
        if picked is None:
            # a phrase that gives no name leaves its last word to the next phrase: "NEWS PROVIDED BY
            # Lithium" is none, but its "Lithium" starts "Lithium Americas Corp."
            last = near + max(phrase.rfind(" "), phrase.rfind("\n")) + 1
            pos = last if last > m.start() else pos
            continue
        name, start = picked
        end = start + len(name)
        if held and within(held, held_ends, start, end) and (start, end) not in held_set:
            continue
        partners = _PARTNERS_BEFORE.search(text, max(0, start - 60), start) if "&" in name else None
        if partners and not any(w in FORMS or reg.find(w) for w in partners.group().split(", ") if w):
            # a firm named for its partners: "Cravath, Swaine & Moore LLP" (not a list of known names)
            name, start = text[partners.start():start] + name, partners.start()
        existing = reg.find(name)
        if existing is not None and existing.kind != "company":
            continue
        if existing is None and not LEGAL_END.search(name) and (not stands_alone(scan, name)
                                                                 or in_body_name(text, start)):
            continue
        reg.add(name, "agency" if _DEVELOPMENT_BODY.search(name) else "company", (start, start + len(name)), "suffix")
    # 3b. names introduced by a role ("magnet maker Vulcan Elements") or speaking twice
    #     ("Vulcan Elements said"): companies without a suffix or ticker
    roles = [*role_matches(starts),
             *(m for m in BASED_RE.finditer(text) if capitalised_word_before(text, m.start()))]
    for rx, need, cued in ((ROLE_RE, 1, roles), (SAID_RE, 2, said_matches(scan))):
        for m in cued:
            name = clean_name(m.group(1))
            single = len(name.split()) < 2  # one word only after a role: "battery cell producer Freyr"
            if (not plausible_company(name) or single and (rx is SAID_RE or not one_word_name(scan, name))
                    or reg.find(name) is not None
                    or TITLE_RE.search(text[max(0, m.start(1) - 40):m.start(1)] + " " + name)):
                continue
            if scan.mentions.count(name) < need:
                continue
            if lexicon_entry(name) is not None or rx is SAID_RE and looks_like_person(scan, name):
                continue
            start = m.start(1) + m.group(1).find(name.split()[0])
            reg.add(name, "company", (start, start + len(name)), "role")
    add_cued(reg, scan)
    # 3c. well-known companies the news names bare ("Ford", "CATL", "Rio Tinto")
    add_gazetteer(reg, scan, tickers)
    # 4. lexicons: agencies, governments, countries (one pass over the text)
    for span in lexicon_matches(text, scan.mentions, starts):
        start, end = span
        written = text[start:end]
        canon, kind = LEXICON_INDEX[written.lower()]
        if written in ("US", "U.S.") and re.match(r"\s*\$", text[end:end + 3]):
            continue
        if written.islower() and canon[0].isupper():
            continue  # "washington" as a common word is not the city or the state
        org = reg.find(canon) or reg.add(canon, kind, None, "lexicon")
        reg.add_span(org, span, unique=False)
        if written != canon:
            reg.alias(org, LEXICON_FORMS.get(written.lower(), written))
    # 5. every further mention of a known name or alias, in one pass
    owner = {written: org for org in reg.orgs for written in org.names()}
    for span in scan.mentions.spans(owner):
        reg.add_span(owner[text[span[0]:span[1]]], span)
    for org in reg.orgs:
        org.spans.sort()
    fold_prefixes(reg)
    return [o for o in reg.orgs if o.spans]


def _prefix_matches(starts: Starts, capitals: Capitals) -> Iterator[re.Match[str]]:
    """``_PREFIX_RE.finditer(text)``, the pattern tried only where the article's index of
    capitalised words has a company word that opens a name (an alternation of them was a pass
    over the text). A match's company word is a whole word of the index: blank space follows
    it, and before it stands no Latin letter or digit, which in a text with no "_" and no word
    character outside Latin-1 is no word character at all. Other texts are searched as before.

    The places tried are those the search by ``_PREFIX_WORDS`` tried (the start of the text, and
    where one of those words is written), so the names found are the same: "PT" is tried only
    before a space there, not before a line break."""
    text = starts.text
    if "_" in text or any(c.isalnum() and not "\xc0" <= c <= "\xff" for c in starts.non_ascii()):
        return starts.finditer(_PREFIX_RE, _PREFIX_WORDS)
    heads = [i for i in capitals.starts(_PREFIX_HEADS) if text.startswith(_PREFIX_WORDS, i)]
    return starts.matches_at(_PREFIX_RE, heads)


_TAIL_WORDS = 40  # the most words of a name _best_tail reads (a name has a few)


def _best_tail(reg: Registry, scan: Scan, phrase: str, near: int, limit: int) -> tuple[str, int] | None:
    """The company name inside a capitalised phrase that ends with a company word.

    A known name wins; otherwise the longest tail among those the article repeats most, so
    "Inks Mou With Ionic Rare Earths" gives "Ionic Rare Earths" and "Argentem Creek Partners"
    stays whole. In a Title Cased headline, a name must also appear elsewhere. The name's
    position is where the phrase (``text[near:limit]``) writes it, else (the phrase broke a line
    or spaced its words otherwise) its next mention.
    """
    # its last words only: a name is a few words, and a hostile phrase of thousands ("Lithium Corp
    # Lithium Corp ...", which the pattern's chain of company words runs through) made a tail of
    # every length: quadratic (52 KB took 3 s and 450 MB; 1 MB ran out of memory)
    words = phrase.split()[-_TAIL_WORDS:]
    find = reg.find
    tails: list[str] = []  # the tails not known, longest first
    for i in range(len(words)):
        name = " ".join(words[i:])
        if find(name) is not None:  # the longest known tail
            break
        tails.append(name)
    else:
        best: tuple[int, int, str] | None = None
        for t in tails:
            if t[0].islower() or not scan.plausible(t):  # (a tail starts with its first word)
                continue
            scored = (scan.mentions.count(t), len(t), t)
            if best is None or scored > best:
                best = scored
        if best is None:
            return None
        count, _, name = best
        if count < 2 and scan.title_line(near):
            return None
    pos = scan.text.find(name, near, limit)
    if pos < 0:
        later = scan.mentions.starts(name)
        k = bisect_left(later, near)
        pos = later[k] if k < len(later) else -1
    return (name, pos) if pos >= 0 else None


def _names_a_thing(text: str, start: int, after: int, name: str) -> bool:
    """True when a bracketed short name belongs to a thing: "the" opens a name with no company
    word, or a thing's word follows the brackets ("the ... (ATVM) loan program")."""
    if not COMPANY_WORD_END.search(name) and text[max(0, start - 4):start].lower() == "the ":
        return True
    nxt = _NEXT_WORD.match(text, after, after + 20)
    return nxt is not None and nxt.group(1).lower() in _THING_NEXT


def _lexicon_org(reg: Registry, name: str) -> Org | None:
    entry = lexicon_entry(name)
    return reg.add(entry[0], entry[1], None, "lexicon") if entry else None


