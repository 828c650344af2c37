"""The cues that give a company away in news, for the company scan: a role before the name
("magnet maker Vulcan Elements", ``ROLE_RE`` and where it is tried, ``role_matches``), a place
before "-based" (``BASED_RE``), an apposition after it ("Brunp, the recycling arm of CATL"), a
country's possessive ("South Korea's LG") and an acronym that speaks twice ("CNGR said"), the
last three added by ``add_cued``; and a person's title before a name (``TITLE_RE``), which rules
the name out.

Split from orgs.py, which runs the scan step by step (these are its step 3b).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .anchored import Starts
from .lexicon import COUNTRIES, lexicon_entry
from .orgnames import name_before, plausible_company
from .orgregistry import Registry
from .orgscan import Scan, one_word_name
from .wordindex import matches_at

_ROLES = (r"maker|producer|miner|developer|start-?up|firm|processor|refiner|supplier|automaker|carmaker|"
          r"manufacturer|recycler|explorer|subsidiary|investor|trader|trading house|conglomerate|smelter|"
          r"wealth fund|giant|venture|partner")
# "magnet maker Vulcan Elements", "trading house Hanwa"
ROLE_RE = re.compile(r"\b(?:" + _ROLES + r")\s+((?:[A-Z][\w&'.-]*)(?:\s+[A-Z][\w&'.-]*){0,3})")
_ROLE_WORDS = tuple(w for w in _ROLES.replace("start-?up", "start").replace("trading house", "trading")
                   .replace("wealth fund", "wealth").split("|"))
# The same roles as whole words of the case-blind text (``Starts.words``: runs of a to z): a match
# starts after a non-word character, and each role's first run of letters ends at a space or a
# hyphen, except "startup", one run. Looked up in one pass over the article's words, not searched
# for one by one (25 passes of ``str.find``, about 0.2 ms on a 13 KB release).
_ROLE_RUNS = frozenset((*_ROLE_WORDS, "startup"))
LOOKED_UP = _ROLE_RUNS  # the words ``role_matches`` asks ``Starts.word_starts_many`` for
# "Singapore-based Rigqueza International" (the place before "-based" is checked apart)
BASED_RE = re.compile(r"-based\s+((?:[A-Z][\w&'.-]*)(?:\s+[A-Z][\w&'.-]*){0,3})")
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
# The starts of _CUE_WORDS: the five after a comma in one pass of a pattern that opens with a
# comma (which the engine searches for as a literal; the rest is a lookahead: a pattern opening
# with ", " was slower), the two possessives from their quotes (seven finds before; one pattern of
# all seven was slower, the engine testing every character against a set). No cue can start
# inside another (each opens with a comma or a quote and holds neither after its first
# character), so the non-overlapping matches are every start.
_COMMA_CUES = tuple(c for c in _CUE_WORDS if c.startswith(", "))
_COMMA_CUE_RE = re.compile(",(?= (?:" + "|".join(re.escape(c[2:]) for c in _COMMA_CUES) + "))")
_OTHER_CUES = tuple(c for c in _CUE_WORDS if not c.startswith(", "))


def _cue_starts(text: str, non_ascii: frozenset[str] | None = None) -> list[int]:
    """``sorted(occurrences(text, _CUE_WORDS))`` (``non_ascii``: the text's characters outside
    ASCII, when the caller has them: a cue that opens with another is not searched for)."""
    others = _OTHER_CUES if non_ascii is None else tuple(c for c in _OTHER_CUES if c[0].isascii() or c[0] in non_ascii)
    found = [m.start() for m in _COMMA_CUE_RE.finditer(text)]
    for cue in others:
        # the quote, then "s " after it: one character is looked for by memchr, and an article
        # has a few quotes, while a search for "'s " itself cost ~20 us on a 13 KB release
        # (``str.find`` skips ahead by a needle's last character, here a space, of which
        # there are thousands)
        quote, rest = cue[0], cue[1:]
        i = text.find(quote)
        while i >= 0:
            if text.startswith(rest, i + 1):
                found.append(i)
            i = text.find(quote, i + 1)
    return sorted(found)


_ACRONYM_END = re.compile(r"(?<![\w.&])([A-Z][A-Z0-9&]{2,7})$")
# A title, then only capitalised words to the end. Each word runs to a space or the end (the
# lookahead): written as (?:[A-Z][\w'-]*\s*)*$ the engine tried every split of a long capitalised
# word before failing, in time exponential in its capitals; this form accepts the same strings.
TITLE_RE = re.compile(
    r"\b(?:Director|CEO|Chief|Chairman|Chairwoman|Chair|President|Minister|Secretary|Officer|Founder|"
    r"Mr|Mrs|Ms|Dr|Senator|Governor|Analyst|analysts?|Managing)\b\.?\s*(?:[A-Z][\w'-]*(?=\s|$)\s*)*$"
)


def role_matches(starts: Starts) -> Iterator[re.Match[str]]:
    """``ROLE_RE.finditer(text)``: the pattern tried where the roles (``_ROLE_RUNS``) stand as
    whole words of the case-blind text (a match starts with one, in lower case, after a non-word
    character, and its first run of letters ends there: those places hold every match), or
    searched for word by word when the text has no case-blind form. The roles are among the
    words the scanners look up together (``LOOKED_UP``): ``extract_facts`` finds them in its one
    pass over the article's words, for a few list entries each (a ``str.find`` pass over the
    text for each role the article writes cost ~30 us on a 13 KB release)."""
    words = starts.words()
    if words is None:
        return starts.finditer(ROLE_RE, _ROLE_WORDS)
    at = starts.word_starts_many(_ROLE_RUNS.intersection(words))
    return matches_at(ROLE_RE, starts.text, sorted({i for found in at.values() for i in found}))


def add_cued(reg: Registry, scan: Scan) -> None:
    """Companies an apposition, a country's possessive or a repeated statement gives away:
    "Brunp, the recycling arm of CATL", "South Korea's LG", "CNGR said ... CNGR said"."""
    text = scan.text
    found: list[tuple[str, int]] = []
    for i in _cue_starts(text, scan.non_ascii()):
        if text[i] == ",":
            m = _APPOSITION_RE.match(text, i)
            before = name_before(text, i) if m is not None else None
            if before is None:
                continue
            name, start = before
            if " and " in name:  # "Stellantis and PowerCo, the battery company of ...": the last one
                name = name[name.rindex(" and ") + 5:]
                start = text.find(name, start)
            if len(name.split()) > 1 or one_word_name(scan, name):
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
        if (reg.find(name) is not None or lexicon_entry(name) is not None or not plausible_company(name)
                or TITLE_RE.search(text[max(0, start - 40):start] + " " + name)):
            continue
        reg.add(name, "company", (start, start + len(name)), "role")
