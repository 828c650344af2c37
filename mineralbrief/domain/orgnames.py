"""What a company's name looks like: the words that end one (legal and industry words), the
words that rule one out (descriptive words, the heads of a public body's or a thing's name,
sentence openers, given names), and the checks the company scan makes on a candidate name.

Split from orgs.py, which finds the names in an article and resolves them; everything here reads
a name (or the text just before a position), never the article's indexes.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .elements import ELEMENT_NAMES
from .lexicon import COUNTRIES

_NAME = (r"[A-Z][\w&'.-]*,?(?:\s+(?:of|and|&|de|del|des|du|la|le|y|e|et|pour|da|do|dos|for|the"
         r"|[A-Z0-9][\w&'.-]*,?))*")

LEGAL_SUFFIX = (r"(?:Limited|Ltd\.?|Inc\.?|Incorporated|Corp\.?|Corporation|Company|PLC|Plc|plc|LLC|L\.L\.C\.|LLP|LP"
                r"|Pty\.? Ltd\.?|AG|S\.A\.|SA|N\.V\.|GmbH|SE|ASA|AB|Oyj|Bhd|Tbk|S\.p\.A\.|SpA|S\.A\.S\.|K\.K\.|Co\.?)")
# the legal words written after a comma ("Tesla, Inc.", "Mitsui & Co., Ltd.")
COMMA_LEGAL = r"(?:Inc\.?|Ltd\.?|Limited|LLC|LLP|L\.P\.|Corp\.?|S\.A\.|Tbk)"
INDUSTRY_SUFFIX = (r"(?:Resources|Materials|Metals|Minerals|Mining|Rare Earths|Rare Earth|Energy|"
                   r"Group|Holdings|Partners|Capital|Technologies|Industries|Magnetics|Magnets|"
                   r"Lithium|Graphite|Nickel|Cobalt|Copper|Zinc|Gold|Silver|Uranium|Manganese|Tungsten|Vanadium|Antimony|Mines|"
                   r"Exploration|Resource|Holding)")

# compiled once: these run per word of every candidate name
_LEGAL_RE = re.compile(LEGAL_SUFFIX)
# (endings, not patterns: a word of str.split() holds no line break for "$" to stop before)
_POSSESSIVE_WORD = ("'s", "’s", "-based")
_POSSESSIVE_END = ("'s", "’s")
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


# capitalised words a single-word name after a role cue cannot be
NOT_A_NAME = frozenset("""
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July
August September October November December The A An This That It Its In On At For And But Inc Ltd
""".split())

LEGAL_END = re.compile(LEGAL_SUFFIX + r"$")
COMPANY_WORD_END = re.compile(r"\b(?:" + LEGAL_SUFFIX + "|" + INDUSTRY_SUFFIX + r")$")

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
AGENCY_HEADS = frozenset("""
Office Commission Agency Administration Authority Bureau Department Ministry Council Board
Service Institute Survey Directorate Secretariat Comisión Ministerio Oficina Departamento
Ministère Commissariat Agence
""".split())
# The last word of a name that makes it a thing (a project, a contract, a law), not a company.
THING_HEADS = frozenset("""
Project Projects Deposit Prospect Plant Facility Refinery Program Programme Act Law Agreement
Agreements Letter Memorandum Understanding Interest Intent Loan Leach Initiative Framework
Strategy Plan Policy Index Exchange Platform Partnership Alliance Accelerator Order Rule Guidance
Report Review Conference Summit Week Award Zone Corridor Hub Mill Smelter Campus University
Laboratory Standard Assurance Process Technology Route Circuit
""".split())
_HEADS = THING_HEADS | AGENCY_HEADS  # made once: plausible_company reads it per candidate

# capitalised words that may follow a company's name without extending it
AFTER_NAME = frozenset("""
Chief CEO CFO COO Chairman Chairwoman Chair President Managing Executive Director Founder
Co-founder Senior Vice Head General Inc Inc. Ltd Ltd. Limited Corp Corp. LLC Group Holdings
""".split())

# Common given names (public fact): a speaker "Jon Cherry said" twice is a person, not a company.
GIVEN_NAMES = frozenset("""
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

_PLACE_WORDS = frozenset({"us", "u.s.", "usa", "u.s", "uk", "eu", "american", "australian"}) | frozenset(
    w.lower() for name in COUNTRIES for w in [name])


@lru_cache(maxsize=16384)  # a name recurs in its article and across articles
def clean_name(raw: str) -> str:
    words = raw.strip(" ,;:-–").split()
    # a full stop ends a sentence, not a name: "Idaho. The Company" -> "The Company"
    for i in range(len(words) - 2, -1, -1):
        if words[i].endswith(".") and not _ABBREVIATION.fullmatch(words[i]):
            words = words[i + 1:]
            break
    # drop what precedes a possessive or a "-based" qualifier: "DOE's National ..." -> "National ..."
    for i in range(len(words) - 1, -1, -1):
        if words[i].endswith(_POSSESSIVE_WORD) and i < len(words) - 1:
            words = words[i + 1:]
            break
    # the words dropped from the front are counted, not sliced off one by one: a phrase of
    # thousands of legal words ("Corp. Inc. Ltd. S.A. ...") was quadratic
    k, n = 0, len(words)
    while n - k > 2 and words[k] in _ARTICLES:  # "La Corporación Nacional del Cobre"
        k += 1
    while n - k > 1 and words[k].lower() in _ROLE_OPENERS:  # "Miner Glencore", "Automaker Ford"
        k += 1
    while k < n and (words[k] in _SENTENCE_STARTERS or words[k].lower() in {"the", "and", "with"}
                     or _LEGAL_RE.fullmatch(words[k]) or words[k] == "&" or words[k] in NOT_A_NAME):
        k += 1
    name = " ".join(words[k:]).strip(" ,;:-–")
    return name[:-2] if name.endswith(_POSSESSIVE_END) else name


@lru_cache(maxsize=16384)
def generic_word(word: str) -> bool:
    w = word.lower().strip(".,")
    if w in _NOT_COMPANY_WORDS or w in _DESCRIPTIVE or _LEGAL_RE.fullmatch(word):
        return True
    parts = [p for p in w.split("-") if p]
    return bool(parts) and all(p in _PLACE_WORDS for p in parts)


@lru_cache(maxsize=16384)
def plausible_company(name: str) -> bool:
    """A name that could be a company's: not a thing's or a body's, and not only descriptive words
    unless a legal word ends it after two others ("National Mining Company")."""
    words = name.split()
    if not words or len(words) > 7 or words[-1].strip(".,") in _HEADS:
        return False
    if any(w.lower().strip(".,") in {"framework", "initiative", "program", "act", "order",
                                       "agreement", "accelerator", "department", "ministry"} for w in words):
        return False
    if any(not generic_word(w) for w in words):
        return True
    named = [w for w in words if not _LEGAL_RE.fullmatch(w.strip(","))]
    return len(named) >= 2 and len(named) < len(words) and named[0] not in _SENTENCE_STARTERS


def head_kind(name: str) -> str | None:
    """"agency" or "thing" when the last word of ``name`` makes it a public body or a thing."""
    words = name.rsplit(None, 1)
    last = words[-1] if words else ""
    return "agency" if last in AGENCY_HEADS else "thing" if last in THING_HEADS else None


_CONNECTORS = frozenset({"of", "and", "&", "de", "del", "des", "du", "la", "le", "y", "e", "et", "pour", "da", "do",
                         "dos", "for", "the"})
_TOKEN = re.compile(r"[\w&'’.-]+,?")
_LOOK_BACK = 160  # a name, with the parentheticals after it, ends within this many characters
_LAST_WORDS = 10  # the words of the line before a name that name_before reads first


def name_before(text: str, pos: int) -> tuple[str, int] | None:
    """The capitalised name that ends right before ``pos`` (skipping parentheticals).

    The name lies on the line of ``pos`` and within ``_LOOK_BACK`` characters of it: a run of
    capitalised words that goes on past that window is no name. (On a text without line breaks
    the search once ran back to the start of the text for every ticker and acronym: quadratic.)
    """
    found = name_end(text, pos)
    if found is None:
        return None
    line_start, end, cut = found
    segment = text[line_start:end]  # (it ends with a word: the spaces before ``end`` were skipped)
    # The line's last words are read first: a name that ends before them is the one the whole
    # line gives (its first word, cut or not, is not reached), and otherwise the line is read.
    words = segment.rsplit(None, _LAST_WORDS)
    taken = -1
    if len(words) > _LAST_WORDS:
        del words[0]  # what the line holds before its last words
        taken = _name_length(words)
        if taken == len(words):
            words, taken = segment.split(), -1
    if taken < 0:
        if cut and words and not text[line_start].isspace() and not text[line_start - 1].isspace():
            words = words[1:]
        taken = _name_length(words)
        if cut and taken == len(words) and taken:
            return None
    while taken and words[len(words) - taken] in _CONNECTORS:
        taken -= 1
    if not taken:
        return None
    # the first word taken starts after what the line holds before the taken words, and its spaces
    head = segment.rsplit(None, taken)
    skipped = len(head[0]) if len(head) > taken else 0
    rest = segment[skipped:]
    return named(text, line_start + skipped + len(rest) - len(rest.lstrip()), end)


def name_end(text: str, pos: int) -> tuple[int, int, bool] | None:
    """Where the words before ``pos`` that may end in a name lie: the start of ``pos``'s line
    (within ``_LOOK_BACK``), the end of the last word before ``pos`` once parentheticals and
    spaces are skipped, and whether the window cuts the line (its first word may be cut, and a
    name running into it is too long); None when a parenthetical is not closed or too long."""
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
    return line_start, end, line_start > 0 and text[line_start - 1] != "\n"


def named(text: str, first: int, end: int) -> tuple[str, int] | None:
    """The name ``text[first:end]`` gives once cleaned, and where its first word stands; None
    when those characters are no name."""
    raw = text[first:end]
    if not _NAME_WHOLE.fullmatch(raw):
        return None
    name = clean_name(raw)
    if not name:
        return None
    return name, text.find(name.split()[0], first)


def _name_length(words: list[str]) -> int:
    """How many of ``words``, from the last, a name may take: capitalised words, and digits and
    connectors after one, up to a word that is none, or a list's comma."""
    taken = 0
    for token in reversed(words):
        if not _TOKEN.fullmatch(token):  # 'Company")': the end of a quote or a bracket, not a name
            break
        if token.endswith(",") and taken and not _LEGAL_RE.fullmatch(words[len(words) - taken].strip(",")):
            break  # "Panasonic Energy, Stellantis": a list, not one name ("Tesla, Inc." is one)
        if token[0].isupper() or token[0].isdigit() and taken or token in _CONNECTORS and taken:
            taken += 1
        else:
            break
    return taken


_INITIALS_APART = re.compile(r"[\s.-]+")


@lru_cache(maxsize=16384)
def initials_fit(alias: str, name: str) -> bool:
    letters = "".join(w[0] for w in _INITIALS_APART.split(name) if w and w[0].isupper())
    a = alias.upper()
    return a in letters.upper() or letters.upper().startswith(a[:2]) or name.upper().startswith(a[:3])
