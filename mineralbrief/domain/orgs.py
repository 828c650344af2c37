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
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field

from .anchored import Starts, occurrences
from .elements import ELEMENT_NAMES
from .gazetteer import FORMS, find_gazetteer
from .lexicon import (
    COUNTRIES,
    LEXICON_FORMS,
    LEXICON_INDEX,
    lexicon_entry,
    lexicon_matches,
)
from .matching import name_key
from .mentions import Mentions
from .wordindex import Anchored, Capitals, matches_at, words_back

EXCHANGES = (
    r"ASX|NASDAQ|Nasdaq|NYSE American|NYSE|TSX[.\s-]?V|TSXV|TSX|CSE|OTCQX|OTCQB|OTC Pink|OTC|"
    r"LSE|LON|AIM|FSE|FRA|ETR|XETRA|JSE|NZX|HKEX|HKG|SEHK|SGX|KRX|KOSDAQ|KOSPI|TSE|TYO|B3|BMV|Frankfurt|"
    r"NYSEAMERICAN|Euronext(?: Paris| Brussels| Amsterdam)?|EPA|IDX|SHA|SHE|SSE|SZSE|BSE|NSE|WSE|OMX|STO|OSE|BVL|BCS"
)
_TICKER_RE = re.compile(
    r"(?P<ex>\b(?:" + EXCHANGES + r")(?:\s*/\s*(?:" + EXCHANGES + r"))*)\b\s*(?::|,|–|-|—)?\s*"
    r"(?P<sym>[A-Z][A-Z0-9]{0,5}(?:\.[A-Z]{1,2})?(?![A-Za-z0-9])|\d{4,6}(?![\d,.]\d)|\d[A-Z0-9]{0,4}[A-Z][A-Z0-9]{0,4}\b)"
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
_NAME = (r"[A-Z][\w&'.-]*,?(?:\s+(?:of|and|&|de|del|des|du|la|le|y|e|et|pour|da|do|dos|for|the"
         r"|[A-Z0-9][\w&'.-]*,?))*")
_DEFINED_RE = re.compile(r"\(\s*(?:the\s+)?[\"“']([A-Z][\w.&-]{1,30})[\"”']")
_ACRONYM_RE = re.compile(r"^([A-Z][A-Za-z]{0,2}[A-Z][A-Za-z]*|[A-Z]{2,8})$")
LEGAL_SUFFIX = (r"(?:Limited|Ltd\.?|Inc\.?|Incorporated|Corp\.?|Corporation|Company|PLC|Plc|plc|LLC|L\.L\.C\.|LLP|LP"
                r"|Pty\.? Ltd\.?|AG|S\.A\.|SA|N\.V\.|GmbH|SE|ASA|AB|Oyj|Bhd|Tbk|S\.p\.A\.|SpA|S\.A\.S\.|K\.K\.|Co\.?)")
# the legal words written after a comma ("Tesla, Inc.", "Mitsui & Co., Ltd.")
_COMMA_LEGAL = r"(?:Inc\.?|Ltd\.?|Limited|LLC|LLP|L\.P\.|Corp\.?|S\.A\.|Tbk)"
INDUSTRY_SUFFIX = (r"(?:Resources|Materials|Metals|Minerals|Mining|Rare Earths|Rare Earth|Energy|"
                   r"Group|Holdings|Partners|Capital|Technologies|Industries|Magnetics|Magnets|"
                   r"Lithium|Graphite|Nickel|Cobalt|Copper|Zinc|Gold|Silver|Uranium|Manganese|Tungsten|Vanadium|Antimony|Mines|"
                   r"Exploration|Resource|Holding)")
# Spaces within a name: at most one line break (a hard-wrapped line), never a paragraph's.
_SPACE = r"(?:[ \t]+\n?|\n)[ \t]*"
# A capitalised name ("&" may join its words: "Mitsui & Co.") ending in company words: an industry
# word, then any further industry or legal words ("Eurasian Resources Group", "Panasonic Energy Co.,
# Ltd."), a legal word after a comma ("Tesla, Inc."), after a place ("Perpetua Resources Idaho, Inc.") or
# after a country in brackets ("Talon Nickel (USA) LLC").
_COMPANY_RE = re.compile(
    # (the class first, the word boundary after it: the engine skips ahead to capitals)
    # (nor inside a hyphenated or dotted run: "Alpha-Beta-Gamma..." tried at each capital was quadratic)
    r"([A-Z](?<![\w&'.-][A-Z])[\w&'.-]*(?:" + _SPACE + r"(?:[A-Z][\w&'.-]*|&)){0,4}?(?:,\s+" + _COMMA_LEGAL
    + r"|\s+" + LEGAL_SUFFIX + r"|\s+" + INDUSTRY_SUFFIX
    + r")(?:(?:\s+\((?:USA|US|U\.S\.|Canada|Australia|UK)\)|\s+[A-Z][a-z]+)?"
    r"(?:\s+" + LEGAL_SUFFIX + r"|,\s+" + _COMMA_LEGAL + r")|\s+" + INDUSTRY_SUFFIX + r")*)"
    r"(?![\w])(?!\s+(?:Project|Mine|Deposit|Prospect|Field))"
    # nor name a place where something is made ("the Vidalia Graphite facility")
    r"(?![ \t]+(?:project|mine|deposit|prospect|facility|plant|refinery|complex|concession|tenement|site|business|"
    r"division|segment)\b)"
)
# The words (runs of word characters) the company words start with: "Ltd" of "Ltd.", "S" of "S.A.",
# "Rare" of "Rare Earths". A company name is looked for back from where one stands.
_SUFFIX_WORDS = frozenset(w for alternatives in (LEGAL_SUFFIX, INDUSTRY_SUFFIX, _COMMA_LEGAL)
                          for w in re.findall(r"(?:^\(\?:|\|)(\w+)", alternatives))
_LOWER_SUFFIX_WORDS = tuple(sorted(w for w in _SUFFIX_WORDS if not w[0].isupper()))  # "plc": not in Capitals
# compiled once: these run per word of every candidate name
_LEGAL_RE = re.compile(LEGAL_SUFFIX)
_POSSESSIVE_WORD = re.compile(r"(['’]s|-based)$")
_POSSESSIVE_END = re.compile(r"['’]s$")
_NAME_WHOLE = re.compile(_NAME)
# a word with a full stop that does not end a sentence: an initial, "U.S.", "Co.", "Inc."
_ABBREVIATION = re.compile(r"(?:[A-Z]\.)+|(?:Mr|Mrs|Ms|Dr|St|Mt|Ft|Jr|Sr|No|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct"
                           r"|Nov|Dec|Nev|Calif|Ariz|Colo|Tenn|Minn|Mich|Wash|Tex|Ont|Que|Sask)\.|" + LEGAL_SUFFIX)
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
_ROLE_OPENERS = frozenset("miner automaker carmaker producer developer explorer refiner processor supplier "
                           "trader manufacturer recycler investor".split())
_ARTICLES = frozenset({"La", "El", "Le", "Les", "Los", "Las", "Der", "Die", "Das", "Il", "Lo", "Os", "As"})
_SENTENCE_STARTERS = frozenset({
    "The", "A", "An", "This", "That", "These", "Under", "Both", "With", "And", "For", "In", "On",
    "By", "As", "At", "From", "To", "Its", "Their", "Our", "While", "When", "Together", "Welcoming",
    "Leveraging", "Signed", "Shares", "Read", "About", "Today", "Meanwhile", "However", "Also",
})

_ROLES = (r"maker|producer|miner|developer|start-?up|firm|processor|refiner|supplier|automaker|carmaker|"
          r"manufacturer|recycler|explorer|subsidiary|investor|trader|trading house|conglomerate|smelter|"
          r"wealth fund|giant|venture|partner")
# "magnet maker Vulcan Elements", "trading house Hanwa"
_ROLE_RE = re.compile(r"\b(?:" + _ROLES + r")\s+((?:[A-Z][\w&'.-]*)(?:\s+[A-Z][\w&'.-]*){0,3})")
_ROLE_WORDS = tuple(w for w in _ROLES.replace("start-?up", "start").replace("trading house", "trading")
                   .replace("wealth fund", "wealth").split("|"))
# "Singapore-based Rigqueza International" (the place before "-based" is checked apart)
_BASED_RE = re.compile(r"-based\s+((?:[A-Z][\w&'.-]*)(?:\s+[A-Z][\w&'.-]*){0,3})")
# "Brunp, the recycling arm of CATL": a name, then what it is (the name is found back from the comma)
_APPOSITION_RE = re.compile(
    r",\s+(?:a|an|the|its|their)\s+(?:[a-z][\w-]*\s+){0,3}?(?:" + _ROLES + r"|unit|arm|affiliate|company)"
    r"(?=\s*[,.;)]|\s+(?:of|in|based|that|which|whose|owned|controlled|listed|backed)\b)")
# "South Korea's LG", "Germany's BASF": a country's organisation, by its initials
# (matched at the possessive; the country before it is checked with str.endswith)
_COUNTRYS_RE = re.compile(r"['’]s\s+([A-Z][A-Z0-9&]{1,6})(?=\s*[,.;]|\s+(?:and|is|are|was|were|has|have|had|will|"
                          r"would|said|says|signed|agreed|plans|to|which)\b)")
_COUNTRY_NAMES = tuple(COUNTRIES)
_CUE_WORDS = (", a ", ", an ", ", the ", ", its ", ", their ", "'s ", "’s ")
# the verbs of a statement: "CNGR said", "Vulcan Elements announced"
_SAID_VERBS = ("said", "says", "announced", "announces", "agreed", "expects", "plans")
_ACRONYM_END = re.compile(r"(?<![\w.&])([A-Z][A-Z0-9&]{2,7})$")
# capitalised words a single-word name after a role cue cannot be
_NOT_A_NAME = frozenset("""
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July
August September October November December The A An This That It Its In On At For And But Inc Ltd
""".split())
_SAID_RE = re.compile(
    # a name starts at a word's start, not inside a hyphenated run (there it was quadratic)
    r"((?:[A-Z](?<![\w&'.-][A-Z])[\w&'.-]*\s+)(?:[A-Z][\w&'.-]*\s+){0,2}[A-Z][\w&'.-]*)\s+"
    r"(?:said|says|announced|announces|agreed|expects|plans)\b"
)
# A title, then only capitalised words to the end. Each word runs to a space or the end (the
# lookahead): written as (?:[A-Z][\w'-]*\s*)*$ the engine tried every split of a long capitalised
# word before failing, in time exponential in its capitals; this form accepts the same strings.
_TITLE_RE = re.compile(
    r"\b(?:Director|CEO|Chief|Chairman|Chairwoman|Chair|President|Minister|Secretary|Officer|Founder|"
    r"Mr|Mrs|Ms|Dr|Senator|Governor|Analyst|analysts?|Managing)\b\.?\s*(?:[A-Z][\w'-]*(?=\s|$)\s*)*$"
)
_LEGAL_END = re.compile(LEGAL_SUFFIX + r"$")
_COMPANY_WORD_END = re.compile(r"\b(?:" + LEGAL_SUFFIX + "|" + INDUSTRY_SUFFIX + r")$")
_EXCHANGE = re.compile(EXCHANGES)


# Words that describe rather than name: a phrase made only of these and the words above ("Battery
# Metals", "Critical Raw Materials", "North American Lithium") is no company without a legal word.
_DESCRIPTIVE = ELEMENT_NAMES | frozenset("""
battery batteries minor raw base precious responsible sustainable clean green nuclear advanced
technology technologies tech vehicle vehicles manufacturing production development industrial
industry north south east west northern southern eastern central world future market markets
commodity commodities mineral metal ore ores chemical chemicals electric power solar magnetic
investment finance financial trade trading security defense defence government public private natural
mine mines gold silver consolidated
state united states general rare-earth lithium-ion high-purity african
european asian pacific canadian chilean chinese indonesian japanese korean
""".split())
# The last word of a name that makes it a public body, not a company.
_AGENCY_HEADS = frozenset("""
Office Commission Agency Administration Authority Bureau Department Ministry Council Board
Service Institute Survey Directorate Secretariat Comisión Ministerio Oficina Departamento
Ministère Commissariat Agence
""".split())
# The last word of a name that makes it a thing (a project, a contract, a law), not a company.
_THING_HEADS = frozenset("""
Project Projects Deposit Prospect Plant Facility Refinery Program Programme Act Law Agreement
Agreements Letter Memorandum Understanding Interest Intent Loan Leach Initiative Framework
Strategy Plan Policy Index Exchange Platform Partnership Alliance Accelerator Order Rule Guidance
Report Review Conference Summit Week Award Zone Corridor Hub Mill Smelter Campus University
Laboratory Standard Assurance Process Technology Route Circuit
""".split())
_HEADS = _THING_HEADS | _AGENCY_HEADS  # made once: _plausible_company reads it per candidate
# A public body's name running up to a position: "Ministry of Industry and Mineral Resources" holds
# no company "Mineral Resources", "Department of Natural Resources" none "Natural Resources".
_BODY_BEFORE = re.compile(
    r"(?:Ministry|Minister|Department|Secretary|Office|Bureau|Commission|Agency|Institute|Council|Board|"
    r"Authority|Administration|Ministère|Ministerio|Secretaría)\s+(?:of|for|de|du|des|del)\s+(?:the\s+)?"
    r"(?:[A-Z][\w'-]*,?\s+){0,4}(?:(?:and|&|y|et)\s+(?:[A-Z][\w'-]*\s+){0,3})?$")
# Public development and finance bodies with a company's legal word: "Production Development
# Corporation", "Development Finance Corporation", "National Reconstruction Fund Corporation".
_DEVELOPMENT_BODY = re.compile(r"\b(?:Development|Reconstruction|Export Credit)\b.*\b(?:Corporation|Bank|Fund)\b")
# the partners' names before the last two of a firm's: "Cravath, " in "Cravath, Swaine & Moore LLP"
_PARTNERS_BEFORE = re.compile(r"(?:[A-Z][\w'-]+, ){1,2}$")
# lower-case words that, right after a name and its acronym, make the name a thing's:
# "the Advanced Technology Vehicles Manufacturing (ATVM) loan program"
_THING_NEXT = frozenset(w.lower() for w in _THING_HEADS) | {"programs", "loans", "grant", "scheme", "regime"}
# capitalised words that may follow a company's name without extending it
_AFTER_NAME = frozenset("""
Chief CEO CFO COO Chairman Chairwoman Chair President Managing Executive Director Founder
Co-founder Senior Vice Head General Inc Inc. Ltd Ltd. Limited Corp Corp. LLC Group Holdings
""".split())
# Words that open a company's name in French, Spanish, Portuguese and Indonesian ("PT Vale
# Indonesia Tbk", "Sociedad Química y Minera de Chile", "Société pour le Traitement du Terril")
_LATIN = "A-Za-zÀ-ÖØ-öø-ÿ"
_PREFIX_RE = re.compile(
    r"(?<![" + _LATIN + r"0-9])((?:PT|Minera|Sociedad|Compañía|Compania|Empresa|Corporación|Corporacion|Société|"
    r"Societe|Entreprise|Compagnie|Companhia|Mineração|Mineradora|Grupo|Groupe)"
    r"(?:(?:" + _SPACE + r"(?:de|del|des|du|la|le|las|los|y|e|et|pour|da|do|dos|di))*" + _SPACE + r"[A-Z]["
    + _LATIN + r"'-]*){1,7}(?:" + _SPACE + r"(?:Tbk|S\.A\.|SA|SpA|S\.A\.S\.|Ltda\.?))?)(?![" + _LATIN + r"0-9])"
)
_PREFIX_WORDS = ("PT ", "Minera", "Sociedad", "Compañía", "Compania", "Companhia", "Empresa", "Corporaci",
                 "Société", "Societe", "Entreprise", "Compagnie", "Grupo", "Groupe")

# Common given names (public fact): a speaker "Jon Cherry said" twice is a person, not a company.
_GIVEN_NAMES = frozenset("""
Aaron Adam Adrian Ahmed Alan Albert Alex Alexander Alice Amanda Amy Andrea Andrew Angela Ann Anna Anne
Anthony Antonio Arne Ashley Barbara Ben Benjamin Bill Bob Brad Brendan Brian Bruce Carlos Carol Caroline
Catherine Charles Chris Christian Christine Christopher Claire Colin Craig Dan Daniel David Deborah Dennis
Diana Diego Donald Doug Douglas Duncan Ed Edward Elena Elizabeth Emily Emma Eric Erik Fernando Frank
Gabriel Gary George Grace Grant Greg Hans Helen Henri Henry Hiroshi Ian Jack James Jan Jane Janet Jason
Javier Jean Jeff Jennifer Jeremy Jessica Jim Joe John Jon Jonathan Jorge Jose Joseph Juan Julia Julie
Karen Kate Katherine Keith Kelly Kevin Kim Laura Lisa Luis Maria Marie Mark Martin Mary Matthew Michael
Michelle Mike Mohammed Nancy Nicholas Nick Nicolas Olivia Pablo Patricia Patrick Paul Peter Philip
Pierre Rachel Raj Rebecca Ricardo Richard Robert Roberto Ryan Sam Samuel Sarah Scott Sean Simon Sophie
Stephen Steve Steven Susan Takeshi Thomas Tim Timothy Todd Tom Tony Victoria Wei William Xavier Yuki
""".split())
# Chinese company names end in a company word (公司 "company", 集团 "group"); where one starts, the
# run of Chinese characters is cut after its last joining word (与 "and", 由 "by", ...) and a
# country in front (美国 "US") is dropped. A listing follows in brackets: （603799.SH）.
_CJK_COMPANY_RE = re.compile(r"[\u4e00-\u9fff]{2,24}?(?:股份有限公司|有限责任公司|有限公司|集团公司|集团|公司)")
_CJK_JOINERS = re.compile(r".*[与和及同由向对将在为是把被从让给，、]")
_CJK_COUNTRY = re.compile(r"^(?:美国|中国|日本|韩国|印尼|印度尼西亚|澳大利亚|澳洲|加拿大|英国|德国|法国|"
                          r"智利|阿根廷|巴西|刚果)")
_CJK_NOT_NAMES = frozenset("该公司 本公司 公司 子公司 母公司 分公司 合资公司 项目公司 新公司 上市公司 "
                           "一家公司 这家公司 两家公司 三家公司 集团 该集团 本集团 控股公司 矿业公司 "
                           "国有企业 企业集团".split())
_CJK_GENERIC_ENDS = tuple(n for n in _CJK_NOT_NAMES if len(n) >= 4)
# Found only once ``name_key`` keeps Chinese characters: the grounding check and the evaluation
# compare names by it, and today it leaves a Chinese name empty (the brief would be flagged).
_CJK_KEYED = bool(name_key("公司"))
_CJK_TICKER = re.compile(r"\s*[（(]\s*(\d{6}\.(?:SH|SZ|SS)|\d{4,5}\.HK)\s*[）)]")

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
    # a full stop ends a sentence, not a name: "Idaho. The Company" -> "The Company"
    for i in range(len(words) - 2, -1, -1):
        if words[i].endswith(".") and not _ABBREVIATION.fullmatch(words[i]):
            words = words[i + 1:]
            break
    # drop what precedes a possessive or a "-based" qualifier: "DOE's National ..." -> "National ..."
    for i in range(len(words) - 1, -1, -1):
        if _POSSESSIVE_WORD.search(words[i]) and i < len(words) - 1:
            words = words[i + 1:]
            break
    while len(words) > 2 and words[0] in _ARTICLES:  # "La Corporación Nacional del Cobre"
        words = words[1:]
    while len(words) > 1 and words[0].lower() in _ROLE_OPENERS:  # "Miner Glencore", "Automaker Ford"
        words = words[1:]
    while words and (words[0] in _SENTENCE_STARTERS or words[0].lower() in {"the", "and", "with"}
                     or _LEGAL_RE.fullmatch(words[0]) or words[0] == "&" or words[0] in _NOT_A_NAME):
        words = words[1:]
    name = " ".join(words).strip(" ,;:-–")
    return _POSSESSIVE_END.sub("", name)


def _generic(word: str) -> bool:
    w = word.lower().strip(".,")
    if w in _NOT_COMPANY_WORDS or w in _DESCRIPTIVE or _LEGAL_RE.fullmatch(word):
        return True
    parts = [p for p in w.split("-") if p]
    return bool(parts) and all(p in _PLACE_WORDS for p in parts)


def _plausible_company(name: str) -> bool:
    """A name that could be a company's: not a thing's or a body's, and not only descriptive words
    unless a legal word ends it after two others ("National Mining Company")."""
    words = name.split()
    if not words or len(words) > 7 or words[-1].strip(".,") in _HEADS:
        return False
    if any(w.lower().strip(".,") in {"framework", "initiative", "program", "act", "order",
                                       "agreement", "accelerator", "department", "ministry"} for w in words):
        return False
    if any(not _generic(w) for w in words):
        return True
    named = [w for w in words if not _LEGAL_RE.fullmatch(w.strip(","))]
    return len(named) >= 2 and len(named) < len(words) and named[0] not in _SENTENCE_STARTERS


def _stands_alone(scan: _Scan, name: str) -> bool:
    """True when the article writes ``name`` once at least not run into a further capitalised
    word (a headline's capitals say nothing): "LG Energy" only ever before "Solution", "Critical Raw Materials"
    only before "Act" or "Board" are pieces of longer names."""
    text = scan.text
    for i in scan.mentions.starts(name):
        j = k = i + len(name)
        while k < len(text) and text[k] == " ":
            k += 1
        if k == j or k == len(text) or not text[k].isupper():
            return True
        if scan.title_line(i):  # in a headline every word has a capital: no sign either way
            continue
        e = k
        while e < len(text) and not text[e].isspace():
            e += 1
        if text[k:e].strip(",.;:") in _AFTER_NAME:
            return True
    return False


def _looks_like_person(scan: _Scan, name: str) -> bool:
    """A speaker's name, not a company's: two or three plain words, and a common given name first,
    or quoted as people are ("said Maria Lopez", "Maria Lopez, chief executive"), or the surname
    alone speaking or titled elsewhere ("Lopez added", "Mr. Lopez")."""
    words = name.split()
    if not 2 <= len(words) <= 3 or not all(w.isalpha() or "'" in w or "-" in w for w in words):
        return False
    if _COMPANY_WORD_END.search(name) or any(_generic(w) for w in words):
        return False
    if words[0] in _GIVEN_NAMES:
        return True
    # looked for around the name's and the surname's own mentions (a search of the whole text
    # per candidate was quadratic on a long article)
    text, last = scan.text, words[-1]
    for at in scan.mentions.starts(name):
        if _SAID_BEFORE.search(text, max(0, at - 20), at) or _ROLE_AFTER.match(text, at + len(name)):
            return True
    for at in scan.mentions.starts(last):
        if _TITLE_BEFORE.search(text, max(0, at - 6), at) or _SPOKE_AFTER.match(text, at + len(last)):
            return True
    return False


_SAID_BEFORE = re.compile(r"\b(?:said|says|according to)\s+$")
_ROLE_AFTER = re.compile(r",\s+(?:the\s+)?(?:[a-z]+\s+)?(?:chief|executive|president|chairman|chairwoman|director|"
                         r"analyst|minister|secretary|founder|head|spokes\w+|CEO|CFO)\b")
_TITLE_BEFORE = re.compile(r"(?:Mr|Ms|Mrs|Dr)\.?\s+$")
_SPOKE_AFTER = re.compile(r"\s+(?:added|told|noted|explained|continued)\b")


def _in_body_name(text: str, start: int) -> bool:
    """True when the name at ``start`` ends a public body's: "Ministry of ... Mineral Resources"."""
    return _BODY_BEFORE.search(text, max(0, start - 80), start) is not None


def _head_kind(name: str) -> str | None:
    """"agency" or "thing" when the last word of ``name`` makes it a public body or a thing."""
    last = name.split()[-1] if name.split() else ""
    return "agency" if last in _AGENCY_HEADS else "thing" if last in _THING_HEADS else None


_WORD_CHARS = re.compile(r"\w+")


class _Scan:
    """The article and what the company scan looks up in it, each found once."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.capitals = Capitals(text)  # built once: the name lookups, gazetteer and ticker scan read it
        self.mentions = Mentions(text, self.capitals)
        self._newlines: list[int] | None = None
        self._title_lines: dict[int, bool] = {}
        self._words: frozenset[str] | None = None
        self._verbs: dict[str, list[int]] | None = None

    def verbs(self) -> dict[str, list[int]]:
        """Where each verb of ``_SAID_VERBS`` is written (inside longer words too), verb by verb."""
        if self._verbs is None:
            self._verbs = {verb: list(occurrences(self.text, (verb,))) for verb in _SAID_VERBS}
        return self._verbs

    def writes_word(self, word: str) -> bool:
        """True when ``word`` stands in the text as a whole word (``\\bword\\b``); the text's
        words are collected once, not searched for per word."""
        if not _WORD_CHARS.fullmatch(word):
            return re.search(r"\b" + re.escape(word) + r"\b", self.text) is not None
        if self._words is None:
            self._words = frozenset(_WORD_CHARS.findall(self.text))
        return word in self._words

    def title_line(self, pos: int) -> bool:
        """True when ``pos`` sits in a Title Cased line (a headline), where capitals mean nothing."""
        text = self.text
        if self._newlines is None:  # found once: a search back to the line start per call was quadratic
            self._newlines = [m.start() for m in re.finditer("\n", text)]
        k = bisect_left(self._newlines, pos)
        start = self._newlines[k - 1] + 1 if k else 0
        verdict = self._title_lines.get(start)
        if verdict is None:
            end = self._newlines[k] if k < len(self._newlines) else len(text)
            words = re.findall(r"[A-Za-z][\w'-]*", text[start:end])
            long_words = [w for w in words if len(w) > 3]
            verdict = self._title_lines[start] = len(long_words) >= 4 and (
                sum(w[0].isupper() for w in long_words) / len(long_words) > 0.8)
        return verdict


def _said_matches(scan: _Scan) -> Iterator[re.Match[str]]:
    """``_SAID_RE.finditer(text)``, the pattern tried only at the capitalised words among the
    four words before a verb (its name has two to four words, each after a space, and a space
    comes before the verb): a pass of the pattern tried it at every capital of the article."""
    text = scan.text
    starts: set[int] = set()
    for at in scan.verbs().values():
        for v in at:
            if v and text[v - 1].isspace():
                starts.update(scan.capitals.between(words_back(text, v, 4), v))
    return matches_at(_SAID_RE, text, sorted(starts))


def _company_starts(scan: _Scan) -> set[int]:
    """Where ``_COMPANY_RE`` can match: at the capitalised words among the five words before a
    company word that follows a space (the name has one to five words, spaces between them).
    A pass of the pattern tried it at every capital of the article."""
    text = scan.text
    ends = [*scan.capitals.starts(_SUFFIX_WORDS), *occurrences(text, _LOWER_SUFFIX_WORDS)]
    starts: set[int] = set()
    for end in ends:
        if end and text[end - 1].isspace():
            starts.update(scan.capitals.between(words_back(text, end, 5), end))
    return starts


def _key(name: str) -> str:
    """``name_key``, or the name itself where that leaves nothing (a Chinese name)."""
    return name_key(name) or name.strip()


class _Registry:
    def __init__(self) -> None:
        self.orgs: list[Org] = []
        self.by_key: dict[str, Org] = {}
        self._seen: dict[int, set[tuple[int, int]]] = {}  # per org: its spans, for O(1) membership

    def find(self, name: str) -> Org | None:
        return self.by_key.get(_key(name))

    def add(self, name: str, kind: str, span: tuple[int, int] | None, signal: str) -> Org:
        org = self.find(name)
        if org is None:
            org = Org(name=name, kind=kind)
            self.orgs.append(org)
            self.by_key[_key(name)] = org
        elif len(name) > len(org.name) and kind == org.kind and _key(name) == _key(org.name):
            org.name = name  # prefer the fuller written form ("Ionic Rare Earths Limited")
        if span is not None:
            self.add_span(org, span)
        org.signals.add(signal)
        return org

    def add_span(self, org: Org, span: tuple[int, int], unique: bool = True) -> None:
        seen = self._seen.setdefault(id(org), set())
        if unique and span in seen:
            return
        seen.add(span)
        org.spans.append(span)

    def merge(self, into: Org, other: Org) -> None:
        """Fold ``other`` (another name of the same company) into ``into``."""
        for written in other.names():
            if self.by_key.get(_key(written)) is other:
                self.by_key[_key(written)] = into
            if written not in into.aliases and _key(written) != _key(into.name):
                into.aliases.append(written)
        for span in other.spans:
            self.add_span(into, span)
        into.ticker = into.ticker or other.ticker
        into.signals |= other.signals
        self.orgs.remove(other)

    def alias(self, org: Org, alias: str) -> None:
        key = _key(alias)
        if not key or key == _key(org.name):
            return
        other = self.by_key.get(key)
        if other is not None and other is not org:
            return
        if alias not in org.aliases:
            org.aliases.append(alias)
        self.by_key[key] = org


_CONNECTORS = frozenset({"of", "and", "&", "de", "del", "des", "du", "la", "le", "y", "e", "et", "pour", "da", "do",
                         "dos", "for", "the"})
_TOKEN = re.compile(r"[\w&'’.-]+,?")
_LOOK_BACK = 160  # a name, with the parentheticals after it, ends within this many characters


def _name_before(text: str, pos: int) -> tuple[str, int] | None:
    """The capitalised name that ends right before ``pos`` (skipping parentheticals).

    The name lies on the line of ``pos`` and within ``_LOOK_BACK`` characters of it: a run of
    capitalised words that goes on past that window is no name. (On a text without line breaks
    the search once ran back to the start of the text for every ticker and acronym: quadratic.)
    """
    window_start = max(0, pos - _LOOK_BACK)
    line_start = text.rfind("\n", window_start, pos) + 1 or window_start
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
    # the window cuts a line: its first word may be cut, and a name running into it is too long
    cut = line_start > 0 and text[line_start - 1] != "\n"
    words = text[line_start:end].split()
    if cut and words and not text[line_start].isspace() and not text[line_start - 1].isspace():
        words = words[1:]
    taken = 0  # how many words, from the last, belong to the name
    for token in reversed(words):
        if not _TOKEN.fullmatch(token):  # 'Company")': the end of a quote or a bracket, not a name
            break
        if token.endswith(",") and taken and not _LEGAL_RE.fullmatch(words[len(words) - taken].strip(",")):
            break  # "Panasonic Energy, Stellantis": a list, not one name ("Tesla, Inc." is one)
        if token[0].isupper() or token[0].isdigit() and taken or token in _CONNECTORS and taken:
            taken += 1
        else:
            break
    if cut and taken == len(words) and taken:
        return None
    while taken and words[len(words) - taken] in _CONNECTORS:
        taken -= 1
    if not taken:
        return None
    first = end  # walk back over the taken words (and the spaces between them) to the first
    for i, token in enumerate(reversed(words[len(words) - taken:])):
        while i and text[first - 1].isspace():
            first -= 1
        first -= len(token)
    raw = text[first:end]
    if not _NAME_WHOLE.fullmatch(raw):
        return None
    name = _clean_name(raw)
    if not name:
        return None
    start = text.find(name.split()[0], first)
    return name, start


def find_orgs(text: str) -> list[Org]:
    """Companies, agencies, governments and countries the article names, resolved.

    Returns:
        One ``Org`` per entity, with every span where a name or alias of it occurs.
    """
    if "*" in text:  # Markdown emphasis ("**Nouveau Monde Graphite** (TSXV: NOU)"): spaces, offsets kept
        text = text.replace("*", " ")
    reg, scan, starts = _Registry(), _Scan(text), Starts(text)
    # 1. tickers: the name right before "(ASX: REE)" is a listed company
    tickers: list[tuple[int, int]] = []  # where "(ASX: LKAB)" stands: a symbol there is no company of its own
    for m in matches_at(_TICKER_RE, text, scan.capitals.starts(_EXCHANGE_WORDS)):
        tickers.append((m.start(), m.end()))
        paren_start = text.rfind("(", max(0, m.start() - 3), m.start() + 1)
        if paren_start < 0 and text[max(0, m.start() - 3):m.start()].rstrip()[-1:] in (",", ";", "/"):
            continue  # a second listing in one bracket: "(ASX: NVX, NASDAQ: NVX)"
        before = _name_before(text, paren_start if paren_start >= 0 else m.start())
        if before is None:
            continue
        name, start = before
        sym = m.group("sym")  # one letter only in brackets ("(NYSE: F)"), where it cannot be a word
        if not _plausible_company(name) or len(sym) < 2 and text[m.end():m.end() + 1] not in (")", ";"):
            continue
        org = reg.add(name, "company", (start, start + len(name)), "ticker")
        if org.ticker is None:
            ex = re.sub(r"\s*/\s*", "/", re.sub(r"\s+", " ", m.group("ex")))
            org.ticker = f"{ex}: {m.group('sym')}"
    # 1a. a wire's instrument code: "Lynas Rare Earths (LYC.AX)", "Shenghe Resources (600392.SS)"
    for m in _RIC_RE.finditer(text):
        before = _name_before(text, m.start())
        if before is None or not _plausible_company(before[0]):
            continue
        name, start = before
        org = reg.add(name, "company", (start, start + len(name)), "ticker")
        org.ticker = org.ticker or m.group(1)
        tickers.append((m.start(), m.end()))
    tickers.sort()
    # 1b. names a company word opens: "PT Vale Indonesia Tbk", "Corporación Nacional del Cobre"
    for m in starts.finditer(_PREFIX_RE, _PREFIX_WORDS):
        name = m.group(1)
        if len(name.split()) >= 2 and reg.find(name) is None and _head_kind(name) is None:
            reg.add(name, "company", (m.start(1), m.end(1)), "prefix")
    if _CJK_KEYED and ("公司" in text or "集团" in text):
        _add_chinese(reg, text)
    # 2. defined short names and parenthesised acronyms: Name ("USSM") / Name (DOE), and a
    #    well-known short name in brackets: "Corporación Nacional del Cobre (Codelco)"
    for m in _PAREN_RE.finditer(text):
        inner = m.group(1).strip()
        defined = _DEFINED_RE.match(m.group(0))
        alias = defined.group(1) if defined else (inner if _ACRONYM_RE.match(inner) or inner in FORMS else None)
        if alias is None or _EXCHANGE.fullmatch(alias):
            continue
        before = _name_before(text, m.start())
        if before is None:
            continue
        name, start = before
        if name_key(name) == name_key(alias):
            continue
        known = reg.find(name) or _lexicon_org(reg, name)
        if known is None:
            head = _head_kind(name)
            fits = _initials_fit(alias, name)
            if head == "agency":  # "the Loan Programs Office (LPO)"
                if fits or defined:
                    reg.alias(reg.add(name, "agency", (start, start + len(name)), "defined"), alias)
                continue
            if head == "thing" or _names_a_thing(text, start, m.end(), name):
                continue
            companyish = _plausible_company(name) or bool(_COMPANY_WORD_END.search(name))
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
    company, pos = Anchored(_COMPANY_RE, text, _company_starts(scan)), 0
    while (found := company.search(pos)) is not None:
        m = found
        # a phrase that gives no name leaves its last word to the next phrase: "NEWS PROVIDED BY
        # Lithium" is none, but its "Lithium" starts "Lithium Americas Corp."
        last = m.start(1) + max(m.group(1).rfind(" "), m.group(1).rfind("\n")) + 1
        pos = m.end()
        if re.match(r"\s+with\b", text[m.end():m.end() + 6]):  # "RareX Partners with ..." is a verb
            continue
        picked = _best_tail(reg, scan, _clean_name(m.group(1)), m.start(1), m.end(1))
        if picked is None:
            pos = last if last > m.start() else pos
            continue
        name, start = picked
        if held and _within(held, held_ends, start, start + len(name)) and (start, start + len(name)) not in held_set:
            continue
        partners = _PARTNERS_BEFORE.search(text, max(0, start - 60), start) if "&" in name else None
        if partners and not any(w in FORMS or reg.find(w) for w in partners.group().split(", ") if w):
            # a firm named for its partners: "Cravath, Swaine & Moore LLP" (not a list of known names)
            name, start = text[partners.start():start] + name, partners.start()
        existing = reg.find(name)
        if existing is not None and existing.kind != "company":
            continue
        if existing is None and not _LEGAL_END.search(name) and (not _stands_alone(scan, name)
                                                                 or _in_body_name(text, start)):
            continue
        reg.add(name, "agency" if _DEVELOPMENT_BODY.search(name) else "company", (start, start + len(name)), "suffix")
    # 3b. names introduced by a role ("magnet maker Vulcan Elements") or speaking twice
    #     ("Vulcan Elements said"): companies without a suffix or ticker
    roles = [*starts.finditer(_ROLE_RE, _ROLE_WORDS),
             *(m for m in _BASED_RE.finditer(text) if _capitalised_word_before(text, m.start()))]
    for rx, need, cued in ((_ROLE_RE, 1, roles), (_SAID_RE, 2, _said_matches(scan))):
        for m in cued:
            name = _clean_name(m.group(1))
            single = len(name.split()) < 2  # one word only after a role: "battery cell producer Freyr"
            if (not _plausible_company(name) or single and (rx is _SAID_RE or not _one_word_name(scan, name))
                    or reg.find(name) is not None
                    or _TITLE_RE.search(text[max(0, m.start(1) - 40):m.start(1)] + " " + name)):
                continue
            if scan.mentions.count(name) < need:
                continue
            if lexicon_entry(name) is not None or rx is _SAID_RE and _looks_like_person(scan, name):
                continue
            start = m.start(1) + m.group(1).find(name.split()[0])
            reg.add(name, "company", (start, start + len(name)), "role")
    _add_cued(reg, scan)
    # 3c. well-known companies the news names bare ("Ford", "CATL", "Rio Tinto")
    _add_gazetteer(reg, scan, tickers)
    # 4. lexicons: agencies, governments, countries (one pass over the text)
    for start, end in lexicon_matches(text, scan.mentions):
        written = text[start:end]
        canon, kind = LEXICON_INDEX[written.lower()]
        if written in ("US", "U.S.") and re.match(r"\s*\$", text[end:end + 3]):
            continue
        if written.islower() and canon[0].isupper():
            continue  # "washington" as a common word is not the city or the state
        org = reg.find(canon) or reg.add(canon, kind, None, "lexicon")
        reg.add_span(org, (start, end), unique=False)
        if written != canon:
            reg.alias(org, LEXICON_FORMS.get(written.lower(), written))
    # 5. every further mention of a known name or alias, in one pass
    owner = {written: org for org in reg.orgs for written in org.names()}
    for start, end in scan.mentions.spans(owner):
        reg.add_span(owner[text[start:end]], (start, end))
    for org in reg.orgs:
        org.spans.sort()
    _fold_prefixes(reg)
    return [o for o in reg.orgs if o.spans]


def _add_chinese(reg: _Registry, text: str) -> None:
    """Chinese company names: "浙江华友钴业股份有限公司（603799.SH）", "及美国福特汽车公司" -> 福特汽车公司."""
    for m in _CJK_COMPANY_RE.finditer(text):
        name, start = m.group(), m.start()
        cut = _CJK_JOINERS.match(name[:-2])
        if cut:
            name, start = name[cut.end():], start + cut.end()
        country = _CJK_COUNTRY.match(name)
        if country and len(name) - country.end() >= 4:
            name, start = name[country.end():], start + country.end()
        if len(name) < 4 or name in _CJK_NOT_NAMES or any(name.endswith(g) for g in _CJK_GENERIC_ENDS):
            continue
        org = reg.add(name, "company", (start, start + len(name)), "suffix")
        listing = _CJK_TICKER.match(text, m.end())
        if listing and org.ticker is None:
            org.ticker = listing.group(1)


def _capitalised_word_before(text: str, i: int) -> bool:
    """True when a capitalised word ends at ``i``: "Singapore" in "Singapore-based"."""
    j = i
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] in ".-"):
        j -= 1
    return j < i and text[j].isupper()


def _one_word_name(scan: _Scan, name: str) -> bool:
    """A single word that can be a name on its own: not a day, a month or a title, not a word
    the article also writes in lower case, not a place."""
    word = name.strip(",.")
    if word in _NOT_A_NAME or word in _AFTER_NAME or word in _AGENCY_HEADS or word in _THING_HEADS:
        return False
    low = word.lower()
    return low == word or not scan.writes_word(low)


def _add_cued(reg: _Registry, scan: _Scan) -> None:
    """Companies an apposition, a country's possessive or a repeated statement gives away:
    "Brunp, the recycling arm of CATL", "South Korea's LG", "CNGR said ... CNGR said"."""
    text = scan.text
    found: list[tuple[str, int]] = []
    for i in sorted(occurrences(text, _CUE_WORDS)):
        if text[i] == ",":
            m = _APPOSITION_RE.match(text, i)
            before = _name_before(text, i) if m is not None else None
            if before is None:
                continue
            name, start = before
            if " and " in name:  # "Stellantis and PowerCo, the battery company of ...": the last one
                name = name[name.rindex(" and ") + 5:]
                start = text.find(name, start)
            if len(name.split()) > 1 or _one_word_name(scan, name):
                found.append((name, start))
        else:
            m = _COUNTRYS_RE.match(text, i)
            if m is None:
                continue
            ahead = text[max(0, i - 40):i]
            country = next((c for c in _COUNTRY_NAMES if ahead.endswith(c)), None)
            if country is not None and not ahead[:-len(country)][-1:].isalpha():
                found.append((m.group(1), m.start(1)))
    for i in (v - 1 for at in scan.verbs().values() for v in at if v and text[v - 1] == " "):
        acronym = _ACRONYM_END.search(text, max(0, i - 8), i)
        if acronym is not None and scan.mentions.count(acronym.group(1)) >= 2:
            found.append((acronym.group(1), acronym.start(1)))
    for name, start in found:
        if (reg.find(name) is not None or lexicon_entry(name) is not None or not _plausible_company(name)
                or _TITLE_RE.search(text[max(0, start - 40):start] + " " + name)):
            continue
        reg.add(name, "company", (start, start + len(name)), "role")


def _add_gazetteer(reg: _Registry, scan: _Scan, tickers: list[tuple[int, int]]) -> None:
    """Companies of the gazetteer the article writes, each merged with what the scan above found
    under any of its forms. A form inside a name already found ("Hyundai Motor" in "Hyundai Motor
    Company") is part of that name, not a mention of its own, and ties the entry to it: a bare
    "Hyundai" elsewhere is then the same company."""
    hits = find_gazetteer(scan.text, scan.capitals)
    if tickers:  # a ticker's symbol ("ASX: LKAB") names the listed company before it, not LKAB
        ends = [e for _, e in tickers]
        hits = [h for h in hits if not _within(tickers, ends, h[2], h[3])]
    if not hits:
        return
    found = sorted((sp, i) for i, o in enumerate(reg.orgs) for sp in o.spans)
    starts = [sp[0] for sp, _ in found]
    by_canon: dict[str, list[tuple[str, int, int]]] = {}
    owner: dict[str, Org] = {}
    for canon, form, start, end in hits:
        k = bisect_left(starts, start + 1) - 1  # the last span found that starts at or before
        if k >= 0 and found[k][0][1] >= end:
            holder = reg.orgs[found[k][1]]
            if holder.kind == "company":
                owner.setdefault(canon, holder)
            if found[k][0] != (start, end):
                continue
        by_canon.setdefault(canon, []).append((form, start, end))
    for canon, written in by_canon.items():
        forms = list(dict.fromkeys(form for form, _, _ in written))
        known: list[Org] = []
        for o in map(reg.find, [canon, *forms]):
            if o is not None and all(o is not k for k in known):
                known.append(o)
        # the fullest name of those found leads: "Nouveau Monde Graphite", not "Nouveau Monde"
        org = max([o for o in (owner.get(canon), *known) if o is not None], key=lambda o: len(o.name), default=None)
        if org is not None and org.kind != "company":
            continue
        if org is not None:  # found already: a differing form is an alias (step 5 spans it)
            org.signals.add("gazetteer")
            for other in known:  # "Nouveau Monde" and "Nouveau Monde Graphite", found apart: one
                if other is not org and other.kind == "company":
                    reg.merge(org, other)
            for form in forms:
                reg.alias(org, form)
            continue
        # found by the gazetteer alone, a form always run into a further capitalised word names
        # something longer: "Ultium Platform", "Cummins Range project"
        written = [w for w in written if _stands_alone(scan, w[0]) and not _in_body_name(scan.text, w[1])]
        forms = [f for f in forms if any(w[0] == f for w in written)]
        if not forms:
            continue
        name = canon if canon in forms else max(forms, key=len)
        org = reg.add(name, "company", None, "gazetteer")
        for form, start, end in written:
            reg.add_span(org, (start, end))
            reg.alias(org, form)


def _within(spans: list[tuple[int, int]], ends: list[int], start: int, end: int) -> bool:
    """True when [start, end) lies inside one of ``spans`` (sorted, not overlapping)."""
    k = bisect_left(ends, end)
    return k < len(spans) and spans[k][0] <= start


def _fold_prefixes(reg: _Registry) -> None:
    """"Virgin Mining" beside "Virgin Mining & Minerals Ltd.": the short form is an alias.

    Each short name folds into the first company (in order of finding) whose key extends its
    key by whole words; the keys are sorted once so those companies are found by bisection,
    not by comparing every pair of companies.
    """
    companies = [o for o in reg.orgs if o.kind == "company"]
    keys = [name_key(o.name) for o in companies]
    order = sorted(range(len(companies)), key=keys.__getitem__)
    sorted_keys = [keys[i] for i in order]
    for short, skey in zip(companies, keys, strict=True):
        if not short.spans or len(skey.split()) < 2:
            continue
        prefix, k = skey + " ", bisect_left(sorted_keys, skey + " ")
        longer = []
        while k < len(sorted_keys) and sorted_keys[k].startswith(prefix):
            longer.append(order[k])
            k += 1
        for i in sorted(longer):
            long = companies[i]
            if not (long.ticker or _LEGAL_END.search(long.name)):
                continue
            long.spans = sorted(set(long.spans) | set(short.spans))
            long.ticker = long.ticker or short.ticker
            if short.name not in long.aliases:
                long.aliases.append(short.name)
            long.aliases += [a for a in short.aliases if a not in long.aliases]
            short.spans = []
            break


def _best_tail(reg: _Registry, scan: _Scan, phrase: str, near: int, limit: int) -> tuple[str, int] | None:
    """The company name inside a capitalised phrase that ends with a company word.

    A known name wins; otherwise the longest tail among those the article repeats most, so
    "Inks Mou With Ionic Rare Earths" gives "Ionic Rare Earths" and "Argentem Creek Partners"
    stays whole. In a Title Cased headline, a name must also appear elsewhere. The name's
    position is where the phrase (``text[near:limit]``) writes it, else (the phrase broke a line
    or spaced its words otherwise) its next mention.
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
            count = scan.mentions.count(t)
            scored.append((count, len(t), t))
        if not scored:
            return None
        count, _, name = max(scored)
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
    if not _COMPANY_WORD_END.search(name) and text[max(0, start - 4):start].lower() == "the ":
        return True
    nxt = re.match(r"\s*([A-Za-z]+)", text[after:after + 20])
    return nxt is not None and nxt.group(1).lower() in _THING_NEXT


def _initials_fit(alias: str, name: str) -> bool:
    letters = "".join(w[0] for w in re.split(r"[\s.-]+", name) if w and w[0].isupper())
    a = alias.upper()
    return a in letters.upper() or letters.upper().startswith(a[:2]) or name.upper().startswith(a[:3])


def _lexicon_org(reg: _Registry, name: str) -> Org | None:
    entry = lexicon_entry(name)
    return reg.add(entry[0], entry[1], None, "lexicon") if entry else None


