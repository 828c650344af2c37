"""Elements and materials of the critical-minerals field, and where an article names them.

An element counts when the article names it: by its English name, by its name in Spanish,
French or Chinese (``litio``, ``cuivre``, ``锂``), inside compound words (``lithium-ion``,
``low-carbon``), by its chemical symbol in a context that reads like chemistry
(``dysprosium (Dy)``, ``Dy/Tb``), or through a compound written in symbols (``NdPr`` is neodymium
and praseodymium, ``SmCo`` samarium and cobalt). Iron and boron inside ``NdFeB`` do not count:
analysts read NdFeB as "rare-earth magnet", not as an iron story. Acronyms of words (NMC, LFP)
are not symbols and name nothing.

An element word that is part of a proper name does not count: "Andes Copper", "Iron Creek",
"Zhejiang Huayou Cobalt" (a capitalised element word next to another capitalised name word),
"华友钴业" (a Chinese element character before 业, "industry", as in company names). Nor do
words that only look like a metal: "lead" as a verb or in "lead time", "iron out".
Minerals (graphite, fluorspar, barite) are found too, for a deal's commodities, but are not
elements: ``chemical_elements`` leaves them out of a brief's element list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from operator import attrgetter

from .anchored import Starts, letters_only
from .element_tables import ELEMENT_NAMES, MINERAL_NAMES, NAME_VARIANTS, SYMBOLS

# Words that are elements only when written in lower case ("Mercury", "Plata" and "Oro" are names).
_LOWER_ONLY = frozenset({"mercury", "oro", "plata"})
# Words that are also ordinary words: an element only in a metal's company (see _metal_sense).
_AMBIGUOUS = frozenset({"lead", "plomo"})
_METAL_NOUNS = re.compile(
    r"[\s-]+(?:acid|ore|ores|concentrates?|smelt\w*|refin\w*|prices?|metal|mines?|mining|production|"
    r"deposits?|batter(?:y|ies)|ingots?|alloys?|carbonate|sulphide|sulfide|oxide|and\s+zinc|zinc)\b")
# Phrases where a metal word is not the metal: "iron out", "silver lining", "gold standard",
# "white gold" (lithium), "black gold" (oil).
_IDIOMATIC = frozenset({"iron", "silver", "gold", "lead"})
_IDIOM_AFTER = re.compile(r"\s+(?:out|lining|bullet|standard|medal|rush)\b")

# Compounds written in chemical symbols, mapped to the elements they name.
COMPOUNDS: dict[str, tuple[str, ...]] = {
    "NdPr": ("neodymium", "praseodymium"),
    "PrNd": ("praseodymium", "neodymium"),
    "DyTb": ("dysprosium", "terbium"),
    "NdFeB": ("neodymium",),
    "SmCo": ("samarium", "cobalt"),
}

# Cathode chemistries written as acronyms of their elements' words: an article's "NMC" names no
# element, but a brief that spells it out ("nickel-manganese-cobalt cathodes") writes its words.
CHEMISTRIES: dict[str, tuple[str, ...]] = {
    "NMC": ("nickel", "manganese", "cobalt"), "NCM": ("nickel", "cobalt", "manganese"),
    "NCA": ("nickel", "cobalt", "aluminium"), "NCMA": ("nickel", "cobalt", "manganese", "aluminium"),
    "LFP": ("lithium", "iron"), "LMFP": ("lithium", "manganese", "iron"), "LCO": ("lithium", "cobalt"),
    "LMO": ("lithium", "manganese"), "LNMO": ("lithium", "nickel", "manganese"),
}

# Chinese element characters. 金 and 银 alone are "money" and "bank": gold and silver are 黄金, 白银.
CJK_ELEMENTS: dict[str, str] = {
    "锂": "lithium", "钴": "cobalt", "镍": "nickel", "锰": "manganese", "铜": "copper", "锑": "antimony",
    "镓": "gallium", "锗": "germanium", "钨": "tungsten", "钒": "vanadium", "铋": "bismuth",
    "钕": "neodymium", "镨": "praseodymium", "镝": "dysprosium", "铽": "terbium", "铟": "indium",
    "碲": "tellurium", "钼": "molybdenum", "锌": "zinc", "铂": "platinum", "钯": "palladium",
    "镁": "magnesium", "铝": "aluminium", "钛": "titanium", "铀": "uranium", "铌": "niobium",
    "钽": "tantalum", "铬": "chromium", "锆": "zirconium", "铪": "hafnium", "铍": "beryllium",
    "钪": "scandium", "钇": "yttrium", "镧": "lanthanum", "铈": "cerium", "钐": "samarium",
    "铕": "europium", "钆": "gadolinium", "铅": "lead", "铁": "iron", "碳": "carbon", "氢": "hydrogen",
    "硅": "silicon", "锡": "tin", "黄金": "gold", "白银": "silver", "石墨": "graphite",
}
# Where a character is not the element: 华友钴业 (a company), 氢氧化 (hydroxide), 碳酸 (carbonate),
# 铁路/地铁/高铁 (railways), 无锡 (Wuxi).
_CJK_RE = re.compile("黄金|白银|石墨|[" + "".join(k for k in CJK_ELEMENTS if len(k) == 1) + "]")
_CJK_NOT_BEFORE = "地高无"
_CJK_NOT_AFTER = ("业", "氧化", "酸", "路", "道")
_HAS_CJK = re.compile("[\u4e00-\u9fff]")

_NAMES = sorted(ELEMENT_NAMES | set(NAME_VARIANTS), key=len, reverse=True)


def _by_first_letter(names: list[str]) -> str:
    """One alternation per first letter: the regex engine then skips most positions at once
    (a flat alternation of 150 names is seven times slower)."""
    groups: dict[str, list[str]] = {}
    for name in names:  # longest first, as ``names`` is sorted
        groups.setdefault(name[0], []).append(re.escape(name[1:]))
    return "|".join(re.escape(k) + "(?:" + "|".join(v) + ")" for k, v in groups.items())


_NAME_RE = re.compile(r"\b(" + _by_first_letter(_NAMES) + r")\b")
# The spelled-out magnet alloy is NdFeB: its iron and boron do not count either.
_NDFEB_WORDS = re.compile(r"\bneodymium[\s-]+iron[\s-]+boron\b")
_COMPOUND_RE = re.compile(r"\b(" + "|".join(sorted(COMPOUNDS, key=len, reverse=True)) + r")\b")
_COMPOUND_WORDS = frozenset(c.lower() for c in COMPOUNDS)  # as ``Starts.words`` has them
# A symbol in parentheses right after its name: "dysprosium (Dy)".
_PAREN_SYMBOL_RE = re.compile(r"\(([A-Z][a-z]?)\)(?!\w)")  # not "(Re)commissioning"
# Two or more symbols joined by "/" or "-": "Dy/Tb", "Nd-Pr".
# (It starts with a letter class, not ``\b``, so the engine skips to capitals: four times faster.)
_SYMBOL_GROUP_RE = re.compile(r"[A-Z](?<!\w[A-Z])[a-z]?(?:\s*[/-]\s*[A-Z][a-z]?)+\b")
# A capitalised word of a name next to a capitalised element word: "Andes Copper", "Iron Creek".
_NAME_WORD_BEFORE = re.compile(r"(?:^|[\s(])([A-Z][\w&'.-]*)[ \t]*\n?[ \t]*$")
_NAME_WORD_AFTER = re.compile(r"[ \t]*\n?[ \t]*([A-Z][\w&'-]*)")
# Capitalised words that start a sentence or a list, not a name.
_FUNCTION_WORDS = frozenset(
    "The A An In Of And Or For To On At By With From As Its Our Their This That These Those Both "
    "Battery-grade Spot Chinese Global".split())


@dataclass(frozen=True, init=False)
class ElementMention:
    """One place where the article names an element."""

    element: str
    text: str
    start: int
    end: int

    def __init__(self, element: str, text: str, start: int, end: int) -> None:
        # a scan makes dozens: the fields are written once, straight into the instance (the
        # generated __init__ of a frozen dataclass sets each through object.__setattr__, half
        # the time of making one)
        d = self.__dict__
        d["element"], d["text"], d["start"], d["end"] = element, text, start, end


def canonical_element(token: str) -> list[str]:
    """Map a name, symbol or compound to lower-case element names.

    Args:
        token: e.g. ``"Dysprosium"``, ``"Dy"``, ``"NdPr"``, ``"litio"``.

    Returns:
        The element names the token stands for; an empty list when it names none.
    """
    t = token.strip()
    if not t:
        return []
    if t in COMPOUNDS:
        return list(COMPOUNDS[t])
    for key, names in COMPOUNDS.items():
        if t.lower() == key.lower():
            return list(names)
    low = t.lower()
    if low in ELEMENT_NAMES:
        return [low]
    if low in NAME_VARIANTS:
        return [NAME_VARIANTS[low]]
    if t in CJK_ELEMENTS:
        return [CJK_ELEMENTS[t]]
    if t in SYMBOLS:
        return [SYMBOLS[t]]
    cap = t[:1].upper() + t[1:].lower()
    if cap in SYMBOLS and len(t) <= 2:
        return [SYMBOLS[cap]]
    return []


def is_element(name: str) -> bool:
    """True for a chemical element's name; False for a mineral (graphite) or anything else."""
    return name in ELEMENT_NAMES and name not in MINERAL_NAMES


def chemical_elements(names: list[str]) -> list[str]:
    """``names`` without the minerals: the element list of a brief."""
    return [n for n in names if is_element(n)]


def _in_proper_name(text: str, start: int, end: int) -> bool:
    """True when the capitalised word at [start, end) is one word of a name ("Andes Copper",
    "Stibnite Gold Project", "Huayue Nickel Cobalt"): a capitalised word stands right before or
    after it, on its line or across one line break, with no punctuation between."""
    word = text[start:end]
    if not word[:1].isupper() or word.isupper():  # lower case, or a heading in capitals
        return False
    after = _NAME_WORD_AFTER.match(text, end)  # read first: a match here costs less than a search
    if after is not None and after.group(1) not in _FUNCTION_WORDS:
        return True
    before = _NAME_WORD_BEFORE.search(text, max(0, start - 40), start)
    return before is not None and before.group(1) not in _FUNCTION_WORDS and not before.group(1).endswith(".")


_LIST_BEFORE = re.compile(r"([a-zà-ÿ]+)(?:\s*,\s*|\s+(?:and|or|y|et)\s+|\s*[-/]\s*)$")
_LIST_AFTER = re.compile(r"(?:\s*,\s*|\s+(?:and|or|y|et)\s+|\s*[-/]\s*)([a-zà-ÿ]+)")


def _metal_sense(lowered: str, start: int, end: int) -> bool:
    """For a word that is also an ordinary word ("lead"): True when it reads as the metal, listed
    with another element ("lead and zinc", "gold-antimony-lead") or before a metal's noun
    ("lead-acid", "lead ore")."""
    if _METAL_NOUNS.match(lowered, end):
        return True
    before = _LIST_BEFORE.search(lowered, max(0, start - 30), start)
    after = _LIST_AFTER.match(lowered, end)
    return any(m is not None and _plain_element(m.group(1)) for m in (before, after))


def _plain_element(word: str) -> bool:
    name = NAME_VARIANTS.get(word, word)
    return name in ELEMENT_NAMES and name not in _AMBIGUOUS and word not in _AMBIGUOUS


# The names written in ASCII, and the others ("étain"), each with the letters outside ASCII it is
# written with and its runs of a to z, which ``Starts.words`` has wherever the name stands ("tain").
_ASCII_NAMES = tuple(n for n in _NAMES if n.isascii())
_OTHER_NAMES = tuple((n, frozenset(c for c in n if not c.isascii()), tuple(letters_only(n).split()))
                     for n in _NAMES if not n.isascii())
_NON_ASCII_NAME_LETTERS = frozenset(c for n in _NAMES for c in n if not c.isascii())
LOOKED_UP = frozenset(_ASCII_NAMES)  # the words this scan asks ``Starts.word_starts_many`` for
_CJK_FIRST, _CJK_LAST = "\u4e00", "\u9fff"


def _name_spans(lowered: str, starts: Starts) -> list[tuple[int, str]]:
    """The matches of ``_NAME_RE`` in ``lowered``, in order, as (start, name).

    Every name is a run of word characters, so its matches are the runs of word characters that
    are a name. They are found from the text's words (``Starts.words``): only the few names the
    article has are looked up, instead of the pattern tried at every position of the text (a
    pass of ~240 us over the 13 KB release, which a single "é" in "Québec" used to cost)."""
    words = starts.words() if starts.lowered is lowered else None
    if words is None:
        return [(m.start(), m.group(1)) for m in _NAME_RE.finditer(lowered)]
    # a word of ``words`` ends at any character but a to z: the name must end a run of word
    # characters (``\b``, ``\w`` is ``isalnum`` or "_") on both sides. In a text without letters
    # or digits outside ASCII, the only such characters next to a word are digits and "_" (no
    # character that is not one lower-cases to one: see tests).
    plain = not any(c.isalnum() for c in starts.non_ascii())
    found: list[tuple[int, str]] = []
    for name, at in starts.word_starts_many(words.intersection(_ASCII_NAMES)).items():
        n = len(name)
        if plain:
            found += [(i, name) for i in at if lowered[i - 1:i] not in _DIGIT_OR_UNDER
                      and lowered[i + n:i + n + 1] not in _DIGIT_OR_UNDER]
        else:
            found += [(i, name) for i in at if not (_word_char_at(lowered, i - 1) or _word_char_at(lowered, i + n))]
    # the names outside ASCII are looked for where the case-blind text has one of their letters
    # (the "é" of "ÉTAIN" too: a headline in capitals)
    letters = {c.lower() for c in starts.non_ascii()}
    if not _NON_ASCII_NAME_LETTERS.isdisjoint(letters):
        found += _other_name_spans(lowered, words, letters)
    found.sort()
    return found


def _other_name_spans(lowered: str, words: frozenset[str], letters: set[str]) -> list[tuple[int, str]]:
    """The matches of the names outside ASCII (``_OTHER_NAMES``) in ``lowered``, the case-blind
    text whose words are ``words`` and whose characters outside ASCII are among ``letters``.
    Where such a name stands as a run of word characters, the case-blind text has its letters
    outside ASCII, and its runs of a to z are words of their own ("tain" of "étain": any character
    but a to z ends a word): only a name whose letters and runs the text has is searched for, one
    ``str.find`` pass each."""
    found: list[tuple[int, str]] = []
    for name, others, runs in _OTHER_NAMES:
        if others <= letters and all(run in words for run in runs):
            n = len(name)
            i = lowered.find(name)
            while i >= 0:
                if not (_word_char_at(lowered, i - 1) or _word_char_at(lowered, i + n)):
                    found.append((i, name))
                i = lowered.find(name, i + 1)
    return found


_DIGIT_OR_UNDER = frozenset("0123456789_")


def _word_char_at(text: str, i: int) -> bool:
    """A character of ``\\w`` at ``i`` (none before the text or after it)."""
    return 0 <= i < len(text) and (text[i].isalnum() or text[i] == "_")


def _symbol_group_starts(text: str, starts: Starts) -> list[int]:
    """Where a match of ``_SYMBOL_GROUP_RE`` can start: the symbol before a "/" or "-" (and the
    blank space before it). An article has a few dozen of those signs, and a few hundred capitals
    where the pattern would be tried."""
    hits = []
    for i in starts.occurrences(("/",)) + starts.occurrences(("-",)):
        while i > 0 and text[i - 1].isspace():
            i -= 1
        if i >= 1 and "A" <= text[i - 1] <= "Z":
            hits.append(i - 1)
        elif i >= 2 and "a" <= text[i - 1] <= "z" and "A" <= text[i - 2] <= "Z":
            hits.append(i - 2)
    return hits


def find_elements(text: str, starts: Starts | None = None) -> list[ElementMention]:
    """Every mention of an element in ``text``, with its character span (mentions inside
    proper names and ordinary words that look like metals left out). ``starts``: the text's,
    when the caller has it."""
    out: list[ElementMention] = []
    starts = starts or Starts(text)
    # names match in any case: search the lower-cased text (same length, same offsets)
    lowered = starts.lowered
    if len(lowered) != len(text):  # rare letters whose lower case is longer: keep offsets exact
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    words = starts.words() if starts.lowered is lowered else None
    # the alloy's words start with "neodymium" standing as a word of its own
    spelled = "neodymium" in words if words is not None else "neodymium" in lowered
    alloy = [m.span() for m in Starts(lowered).finditer(_NDFEB_WORDS, ("neodymium",))] if spelled else []
    for start, name in _name_spans(lowered, starts):
        end = start + len(name)
        written = text[start:end]
        if not written.islower() and (name in _LOWER_ONLY or _in_proper_name(text, start, end)):
            continue
        if name in _CHECKED and not _reads_as_element(name, lowered, start, end, alloy):
            continue
        out.append(ElementMention(NAME_VARIANTS.get(name, name), written, start, end))
    named = len(out)  # in order of their starts, one at each: sorted unless more are added
    words = starts.words()
    compounds = starts.finditer(_COMPOUND_RE, COMPOUNDS) if words is None or not words.isdisjoint(
        _COMPOUND_WORDS) else ()
    for m in compounds:
        for name in COMPOUNDS[m.group(1)]:
            out.append(ElementMention(name, m.group(0), m.start(), m.end()))
    for m in _PAREN_SYMBOL_RE.finditer(text):
        sym = m.group(1)
        if sym in SYMBOLS:
            out.append(ElementMention(SYMBOLS[sym], sym, m.start(1), m.end(1)))
    for m in starts.matches_at(_SYMBOL_GROUP_RE, _symbol_group_starts(text, starts)):
        written = m.group(0)  # one string for all its symbols (a copy each was quadratic in a long chain)
        syms = re.findall(r"[A-Z][a-z]?", written)
        if len(syms) >= 2 and all(s in SYMBOLS for s in syms):
            for s in syms:
                out.append(ElementMention(SYMBOLS[s], written, m.start(), m.end()))
    if any(_CJK_FIRST <= c <= _CJK_LAST for c in starts.non_ascii()):  # the class of ``_HAS_CJK``
        for m in _CJK_RE.finditer(text):
            if text[m.start() - 1:m.start()] in _CJK_NOT_BEFORE and m.start() > 0:
                continue  # 地铁, 高铁 (railways), 无锡 (Wuxi)
            if text.startswith(_CJK_NOT_AFTER, m.end()):
                continue  # 华友钴业 (a company), 氢氧化 (hydroxide), 碳酸 (carbonate), 铁路 (railway)
            out.append(ElementMention(CJK_ELEMENTS[m.group(0)], m.group(0), m.start(), m.end()))
    if len(out) > named:
        out.sort(key=attrgetter("start", "element"))
    return out


# The names that read as an element only in some places (``_reads_as_element``).
_CHECKED = _AMBIGUOUS | _IDIOMATIC | {"oro", "iron", "boron"}


def _reads_as_element(name: str, lowered: str, start: int, end: int, alloy: list[tuple[int, int]]) -> bool:
    """For a name of ``_CHECKED`` at [start, end): False inside the words of the magnet alloy, for a
    word that is also an ordinary word and does not read as the metal here, in an idiom ("iron
    out", "white gold"), and in "oro blanco" (lithium)."""
    if name in ("iron", "boron") and any(a <= start < b for a, b in alloy):
        return False
    if name in _AMBIGUOUS and not _metal_sense(lowered, start, end):
        return False
    if name in _IDIOMATIC and (_IDIOM_AFTER.match(lowered, end) or lowered.endswith(("white ", "black "), 0, start)):
        return False
    return not (name == "oro" and lowered.startswith((" blanco", " negro"), end))


# carbon as emissions, not as the material: "lower carbon emissions", "low-carbon nickel", "a
# carbon footprint"
_CARBON_AFTER = re.compile(r"[\s-]+(?:emissions?|footprint|intensity|neutral\w*|dioxide|credits?|free|tax|capture|"
                           r"offsets?|pric\w*)\b", re.IGNORECASE)
_CARBON_BEFORE = re.compile(r"\b(?:low|lower|zero|net[\s-]zero)[\s-]+\Z", re.IGNORECASE)


def carbon_as_emissions(mention: ElementMention, text: str) -> bool:
    """Whether ``mention`` (in ``text``) is carbon read as emissions. An article's "low-carbon"
    still names carbon (the scan counts it, as the module says); a brief that writes "lower
    carbon emissions" for an article's "lower emissions" paraphrases it and names no material, so
    grounding does not hold the brief to carbon there."""
    return mention.element == "carbon" and (
        _CARBON_AFTER.match(text, mention.end) is not None
        or _CARBON_BEFORE.search(text, max(0, mention.start - 16), mention.start) is not None)


def elements_named(text: str) -> list[str]:
    """The distinct element names ``text`` mentions, in order of first mention."""
    seen: dict[str, None] = {}
    for mention in find_elements(text):
        seen.setdefault(mention.element, None)
    return list(seen)
