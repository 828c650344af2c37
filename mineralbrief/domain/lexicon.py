"""The names of agencies, governments, countries and states, and where an article writes them.

Fixed lists, unlike companies: they are found by looking each form up (``Mentions``), with the
exact case for short or upper-case forms (US, DOE, UK) and any case for names (searched in the
lower-cased text, which keeps every offset).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from functools import lru_cache

from .anchored import Starts, letters_only, occurrences
from .matching import name_key
from .mentions import Mentions, left_free, longest_first, right_free

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
             "British Columbia", "Saskatchewan", "New Hampshire", "New Jersey", "Rhode Island", "Québec",
             "Manitoba", "Alberta", "Nova Scotia", "New Brunswick", "Newfoundland and Labrador", "Yukon",
             "Nunavut", "Northwest Territories",
             # mining provinces and regions elsewhere (public geography, not a list of deals)
             "Salta", "Jujuy", "Catamarca", "Antofagasta", "Southeast Sulawesi", "Central Sulawesi",
             "South Sulawesi", "North Maluku", "Lualaba", "Haut-Katanga", "Katanga", "Minas Gerais",
             "Bahia", "Goiás", "Limpopo", "North West Province", "Northern Cape"]
# The country each region lies in: "Nevada, USA" is one place; "Missouri, Western Australia" is two.
_REGION_COUNTRY: dict[str, str] = {
    **{r: "United States" for r in STATES[:STATES.index("Western Australia")]},
    **{r: "Australia" for r in ("Western Australia", "Queensland", "New South Wales", "Northern Territory",
                                "South Australia", "Victoria", "Tasmania")},
    **{r: "Canada" for r in ("Quebec", "Québec", "Ontario", "British Columbia", "Saskatchewan", "Manitoba",
                             "Alberta", "Nova Scotia", "New Brunswick", "Newfoundland and Labrador", "Yukon",
                             "Nunavut", "Northwest Territories")},
    **{r: "United States" for r in ("New Hampshire", "New Jersey", "Rhode Island")},
    **{r: "Argentina" for r in ("Salta", "Jujuy", "Catamarca")}, "Antofagasta": "Chile",
    **{r: "Indonesia" for r in ("Southeast Sulawesi", "Central Sulawesi", "South Sulawesi", "North Maluku")},
    **{r: "Democratic Republic of the Congo" for r in ("Lualaba", "Haut-Katanga", "Katanga")},
    **{r: "Brazil" for r in ("Minas Gerais", "Bahia", "Goiás")},
    **{r: "South Africa" for r in ("Limpopo", "North West Province", "Northern Cape")},
}

LEXICON_INDEX: dict[str, tuple[str, str]] = {}
LEXICON_FORMS: dict[str, str] = {}
_BY_KEY: dict[str, tuple[str, str]] = {}
for _table, _kind in ((AGENCIES, "agency"), (GOVERNMENTS, "government"), (COUNTRIES, "country")):
    for _canon, _aliases in _table.items():
        for _written in (_canon, *_aliases):
            LEXICON_INDEX.setdefault(_written.lower(), (_canon, _kind))
            _BY_KEY.setdefault(name_key(_written), (_canon, _kind))
            LEXICON_FORMS.setdefault(_written.lower(), _written)


# Short or upper-case forms (US, DOE, UK) match their case; names match any case.
_EXACT = sorted({f for f in LEXICON_FORMS.values() if f.isupper() or len(f) <= 4})
_FOLDED = sorted({f.lower() for f in LEXICON_FORMS.values() if not (f.isupper() or len(f) <= 4)})


def lexicon_matches(text: str, mentions: Mentions | None = None, starts: Starts | None = None,
                    ) -> list[tuple[int, int]]:
    """Spans of the lexicon's forms in ``text``, sorted: whole names, not after a hyphen, the
    longest where several start at one place (``mentions``, ``starts``: the text's, if already
    made)."""
    spans = (mentions or Mentions(text)).spans(_EXACT, not_after="-")
    lowered = starts.case_blind() if starts is not None and starts.text == text else None
    if lowered is not None and starts is not None and starts.words() is not None:
        spans += _folded_spans(lowered, starts)
    else:
        lowered = text.lower()
        if len(lowered) == len(text):  # the lower-cased text keeps every offset
            spans += Mentions(lowered).spans(_FOLDED, not_after="-")
    spans.sort()
    return spans


def _first_and_words(form: str) -> tuple[str | None, frozenset[str]]:
    """A lower-case form's first word, when the form starts with one (runs of a to z, as
    ``Starts.words``), and all its words."""
    parts = letters_only(form).split(" ")
    return (parts[0] or None), frozenset(parts) - {""}


_FOLDED_WORDS = [(form, *_first_and_words(form)) for form in _FOLDED]


def _folded_spans(lowered: str, starts: Starts) -> list[tuple[int, int]]:
    """``Mentions(lowered).spans(_FOLDED, not_after="-")``, from the words the scanners share: a
    form stands as a whole name only where each of its words is one of the text's words, and
    it starts where its first word does."""
    words = starts.words() or frozenset()
    present = [(form, first) for form, first, need in _FOLDED_WORDS if need <= words]
    # the first words of the forms that may stand, found together: a dozen of them searched for
    # one by one cost a dozen passes over the text (~0.1 ms on a 13 KB release)
    places_of = starts.word_starts_many(first for _, first in present if first is not None)
    longest: dict[int, int] = {}
    for form, first in present:
        places = places_of[first] if first is not None else list(occurrences(lowered, (form,)))
        end = len(form)
        for i in places:
            if (end > longest.get(i, 0) and lowered.startswith(form, i) and left_free(lowered, i)
                    and lowered[i - 1:i] != "-" and right_free(lowered, i + end)):
                longest[i] = end
    return longest_first(longest)


@lru_cache(maxsize=1)
def _states_regex() -> re.Pattern[str]:
    """The region names, one alternation per first letter and no leading ``\\b``: the engine
    then skips to the capitals that start a name (five times faster than ``\\b(name|...)``);
    the caller checks the left word boundary."""
    groups: dict[str, list[str]] = {}
    for name in sorted(STATES, key=len, reverse=True):
        groups.setdefault(name[0], []).append(re.escape(name[1:]))
    return re.compile("(" + "|".join(re.escape(k) + "(?:" + "|".join(v) + ")" for k, v in groups.items()) + r")\b")


# A dateline: "VANCOUVER, British Columbia and RENO, Nev., Oct. 28, 2024 --". Its places say where
# the release was issued, not where the deal is.
_DATELINE = re.compile(r"^[ \t]*[A-Z][^\n]{0,110}?(?=--|—|–| - )", re.M)
_DATELINE_WORD = re.compile(r"[^\s,()]+")
_DATELINE_GLUE = frozenset({"and", "of", "de", "del", "la", "et", "y", "&", "/"})


def _is_dateline(prefix: str) -> bool:
    """Places and a date before the dash: a comma, and every word capitalised, a number, or glue."""
    words = _DATELINE_WORD.findall(prefix)
    return "," in prefix and 0 < len(words) <= 14 and all(
        w[0].isupper() or w[0].isdigit() or w in _DATELINE_GLUE for w in words)
# "in Chattanooga, Tennessee": a town before its region, after a preposition.
_TOWN = re.compile(r"\b(?:in|at|near|outside|from)\s+((?:[A-Z][\w'’-]+\s){0,2}[A-Z][\w'’-]+),\s+$")
_NOT_TOWNS = frozenset(
    "January February March April May June July August September October November December "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday The Its Their".split())
# "Nevada, USA", "Salta, Argentina": a region followed by its own country.
_COUNTRY_AFTER = re.compile(r",\s+([A-Z][\w.]*(?:\s[A-Z][\w.]*){0,3})")


def _dash_lines(text: str, starts: Starts) -> list[int]:
    """The starts of the lines that hold one of the dashes that end a dateline (the lookahead of
    ``_DATELINE``: "--", " - ", an em or en dash), in order. The text's hyphens are found once for
    every scanner; a line's start is searched back from each dash only as far as the dash before."""
    dashes = [i for i in starts.occurrences(("-",))
              if text.startswith("-", i + 1) or (i and text.startswith(" - ", i - 1))]
    wide = tuple(c for c in "—–" if c in starts.non_ascii())
    if wide:
        dashes = sorted(dashes + starts.occurrences(wide))
    lines: list[int] = []
    line = seen = 0
    for d in dashes:
        k = text.rfind("\n", seen, d)
        if k >= 0:
            line = k + 1
        seen = d
        if not lines or lines[-1] != line:
            lines.append(line)
    return lines


def _datelines(text: str, starts: Starts) -> list[tuple[int, int]]:
    """The spans of the text's datelines: ``_DATELINE`` tried at the start of each line that holds
    one of the dashes that end one (an article has a few), not at every position."""
    lines = _dash_lines(text, starts)
    if not lines:
        return []
    return [m.span() for m in starts.matches_at(_DATELINE, lines) if _is_dateline(m.group(0))]


def _first_run(name: str) -> str:
    """A name's first run of the letters a to z, lower-cased: a word of ``Starts.words``."""
    return letters_only(name.lower()).split()[0]


def _inner_starts() -> list[tuple[str, int]]:
    """The regions whose name a longer name holds after a space or hyphen ("Virginia" in "West
    Virginia", "Katanga" in "Haut-Katanga"), as the first word of that region's name and where it
    stands in the longer one: the pattern reads the longer name even inside a longer word, and
    does not read again what it read ("XWest Virginia" holds no "Virginia")."""
    inner = set()
    for name in STATES:
        for k in range(1, len(name)):
            rest = name[k:]
            if name[k].isupper() and not name[k - 1].isalnum() and any(
                    other.startswith(rest) or rest.startswith(other) for other in STATES):
                inner.add((_first_run(rest), k))
    return sorted(inner)


_STATE_WORDS = frozenset(_first_run(name) for name in STATES)
_STATE_INNER = _inner_starts()
# the words this scan asks ``Starts.word_starts_many`` for: the entities' (``lexicon_matches``),
# and with them the places' (``find_locations``)
ENTITY_LOOKED_UP = frozenset(first for _, first, _ in _FOLDED_WORDS if first is not None)
LOOKED_UP = ENTITY_LOOKED_UP | _STATE_WORDS


def _state_matches(text: str, starts: Starts) -> Iterator[re.Match[str]]:
    """The matches of ``_states_regex`` in the text, tried only where one can start: where a
    region's first word stands in the case-blind text (``Starts.words``), and before the first
    word of a region that a longer name holds. (A match that starts inside a run of letters is
    not a place, and is left out by the caller: it matters only where it hides one.)"""
    words = starts.words()
    if words is None:
        return _states_regex().finditer(text)
    at = starts.word_starts_many(_STATE_WORDS.intersection(words))
    hits = [i for found in at.values() for i in found]
    hits += [i - k for word, k in _STATE_INNER if word in at for i in at[word] if i >= k]
    return starts.matches_at(_states_regex(), hits)


def _after_comma(text: str, start: int) -> bool:
    """A comma and blank space right before ``start`` (``_TOWN`` ends with ``,\\s+$``): otherwise
    the pattern, tried at each of the 60 characters before, cannot match."""
    i = start
    while i > 0 and text[i - 1].isspace():
        i -= 1
    return i < start and i > 0 and text[i - 1] == ","


def find_locations(text: str, starts: Starts | None = None) -> list[tuple[str, int, int]]:
    """States, provinces and mining regions the article names, with spans. A town written before
    its region reads as one place ("Chattanooga, Tennessee"), and so does a region followed by its
    own country ("Nevada, USA"); a list of regions stays a list ("Missouri, Western Australia").
    A dateline's places are where the release was issued, and are left out."""
    starts = starts or Starts(text)
    datelines = _datelines(text, starts) if "," in text else []
    dateline_starts = [a for a, _ in datelines]  # in order, none inside another: found by bisection
    out = []
    for m in _state_matches(text, starts):
        region = name = m.group(1)
        start, end = m.span()
        if start and (text[start - 1].isalnum() or text[start - 1] == "_"):
            continue  # inside a longer word
        if region == "Washington" and re.match(r"\s*,?\s*D\.?\s?C", text[end:end + 6]):
            continue  # the capital, not the state
        k = bisect_right(dateline_starts, start) - 1
        if k >= 0 and start < datelines[k][1]:
            continue
        town = _TOWN.search(text, max(0, start - 60), start) if _after_comma(text, start) else None
        if town and town.group(1) not in _REGION_COUNTRY and not lexicon_entry(town.group(1)) and not (
                set(town.group(1).split()) & _NOT_TOWNS):
            name, start = f"{town.group(1)}, {name}", town.start(1)
        after = _COUNTRY_AFTER.match(text, end) if text.startswith(",", end) else None  # it starts with one
        if after:
            written = after.group(1)
            written = written[:-1] if written.endswith(".") and written.count(".") == 1 else written
            country = lexicon_entry(written)
            if country and country[1] == "country" and country[0] == _REGION_COUNTRY.get(region):
                name, end = f"{name}, {written}", after.start(1) + len(written)
        out.append((name, start, end))
    return out


def lexicon_entry(name: str) -> tuple[str, str] | None:
    """(canonical name, kind) when ``name`` is a known agency, government or country."""
    return _BY_KEY.get(name_key(name))


