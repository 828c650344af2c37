"""The names of agencies, governments, countries and states, and where an article writes them.

Fixed lists, unlike companies: they are found by looking each form up (``Mentions``), with the
exact case for short or upper-case forms (US, DOE, UK) and any case for names (searched in the
lower-cased text, which keeps every offset).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .anchored import Starts
from .matching import name_key
from .mentions import Mentions

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


def lexicon_matches(text: str, mentions: Mentions | None = None) -> list[tuple[int, int]]:
    """Spans of the lexicon's forms in ``text``, sorted: whole names, not after a hyphen, the
    longest where several start at one place (``mentions``: the text's, if already made)."""
    spans = (mentions or Mentions(text)).spans(_EXACT, not_after="-")
    lowered = text.lower()
    if len(lowered) == len(text):  # the lower-cased text keeps every offset
        spans += Mentions(lowered).spans(_FOLDED, not_after="-")
    spans.sort()
    return spans


@lru_cache(maxsize=1)
def _states_regex() -> re.Pattern[str]:
    names = sorted(STATES, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b")


def find_locations(text: str) -> list[tuple[str, int, int]]:
    """US states, Australian states and Canadian provinces the article names, with spans."""
    out = []
    for m in Starts(text).finditer(_states_regex(), STATES):
        if m.group(1) == "Washington" and re.match(r"\s*,?\s*D\.?\s?C", text[m.end():m.end() + 6]):
            continue  # the capital, not the state
        out.append((m.group(1), m.start(), m.end()))
    return out


def lexicon_entry(name: str) -> tuple[str, str] | None:
    """(canonical name, kind) when ``name`` is a known agency, government or country."""
    return _BY_KEY.get(name_key(name))


