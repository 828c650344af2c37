"""Names that different outlets give one organisation, for merging a day's reports.

Outlets name one party differently: a short form ("Perpetua" for Perpetua Resources), the
listed parent or a holding ("General Motors Holdings" for General Motors), initials ("GM",
"LAC", "DOE"), the words of an agency in another order ("Energy Department", "U.S. Department
of Energy"), or a well-known byname ("the Pentagon", "EXIM"). ``link_variants`` finds, among the
name keys of one day, the ones that name the same organisation. It works on keys (``name_key``:
lower case, no punctuation, no legal suffix) and costs about linear time in the number of keys.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

# Bynames that share no word with the name; facts, not rules for one article.
BYNAMES: dict[str, str] = {
    "pentagon": "department of defense",
    "the pentagon": "department of defense",
    "exim": "export import bank of the united states",
    "ex im bank": "export import bank of the united states",
    "exim bank": "export import bank of the united states",
    "us exim": "export import bank of the united states",
    "lpo": "loan programs office",
    "dfc": "us international development finance corporation",
    "nrf": "national reconstruction fund corporation",
    "efa": "export finance australia",
    "jogmec": "japan organization for metals and energy security",
    "kfw": "kfw",
    "eib": "european investment bank",
}
# A country (or "the") before an agency's name adds nothing: "U.S. Department of Energy".
_COUNTRY_PREFIX = re.compile(r"^(?:the |us |u s |united states |american |australian |canadian |uk |british )")
# "Australian Government" is "Government of Australia"; the country stays in the name.
_DEMONYMS = {
    "us": "united states", "u s": "united states", "american": "united states", "united states": "united states",
    "australian": "australia", "canadian": "canada", "british": "united kingdom", "uk": "united kingdom",
    "japanese": "japan", "chinese": "china", "indian": "india", "german": "germany", "french": "france",
    "korean": "korea", "south korean": "korea", "brazilian": "brazil", "chilean": "chile",
    "argentine": "argentina", "argentinian": "argentina", "indonesian": "indonesia", "saudi": "saudi arabia",
    "philippine": "philippines", "malaysian": "malaysia", "kazakh": "kazakhstan", "mongolian": "mongolia",
    "congolese": "congo", "zambian": "zambia", "tanzanian": "tanzania", "namibian": "namibia",
    "european": "european union", "norwegian": "norway", "swedish": "sweden", "finnish": "finland",
}
_GOVERNMENT = re.compile(r"^(?:the )?(?:(?P<adj>[a-z]+(?: [a-z]+)?) (?P<what>government|federal government)"
                         r"|(?:government|federal government) of (?:the )?(?P<country>[a-z]+(?: [a-z]+)*))$")
# "Energy Department" is "Department of Energy"; likewise ministries.
_REORDER = re.compile(r"^(\w+(?: \w+)?) (department|ministry|agency|office)$")
# One-word keys too common to stand for a company on their own ("General", "China", "Lithium").
_NOT_A_NAME = frozenset("""
general american national international global united first new china chinese us usa australia
australian canada canadian japan japanese korea korean india europe european africa african
lithium nickel cobalt graphite copper rare earth earths metals minerals mining resources energy
group holdings company corporation bank fund government department ministry agency office state
""".split())
# Words a parent or a holding adds to the operating company's name.
_CORPORATE = frozenset("holdings holding group corp corporation company co inc ltd limited plc llc sa ag nv "
                       "international global industries".split())


def canonical(key: str) -> str:
    """The form of an agency's key that ignores a country prefix and word order."""
    gov = _GOVERNMENT.match(key)
    if gov:  # the country is what tells governments apart: keep it, in one form
        country = gov.group("country") or _DEMONYMS.get(gov.group("adj") or "", gov.group("adj") or "")
        return f"government of {country}"
    k = _COUNTRY_PREFIX.sub("", key)
    if " " not in k:  # one word left ("Treasury") names nothing without its country; a byname does
        k = k if k in BYNAMES else key
    k = BYNAMES.get(k, k)
    m = _REORDER.match(k)
    if m:
        k = f"{m.group(2)} of {m.group(1)}"
    return k


def _initials(key: str) -> set[str]:
    words = key.split()
    if len(words) < 2:
        return set()
    out = {"".join(w[0] for w in words)}
    trimmed = [w for w in words if w not in _CORPORATE]
    if 1 < len(trimmed) < len(words):
        out.add("".join(w[0] for w in trimmed))
    without_of = [w for w in words if w not in ("of", "the", "and", "for")]
    if 1 < len(without_of) < len(words):
        out.add("".join(w[0] for w in without_of))
    return out


def link_variants(keys: Iterable[str]) -> list[tuple[str, str, str]]:
    """Pairs of keys that name one organisation: the same canonical form, initials and the
    name they abbreviate (when only one name of the day has those initials), and a short form
    that is the start of exactly one longer name (the rest corporate words or a distinct name),
    never a lone common word."""
    keys = sorted(set(k for k in keys if k))
    pairs: list[tuple[str, str, str]] = []
    by_canon: dict[str, str] = {}
    for k in keys:
        c = canonical(k)
        if c in by_canon:
            pairs.append((by_canon[c], k, "one agency, worded differently"))
        else:
            by_canon[c] = k
        if c != k and c in keys:
            pairs.append((k, c, "a byname or a country prefix"))
    by_initials: dict[str, list[str]] = defaultdict(list)
    for k in keys:
        for ini in _initials(canonical(k)):
            by_initials[ini].append(k)
    for k in keys:
        if " " not in k and 2 <= len(k) <= 6:
            # "LAC" for Lithium Americas Corp.: initials and the legal form the key dropped
            owners = by_initials.get(k, []) or (by_initials.get(k[:-1], []) if k[-1] in "cilp" else [])
            shortest = min(owners, key=len) if owners else ""
            one = len({canonical(o) for o in owners}) == 1  # one agency, however worded
            if owners and (one or all(o == shortest or o.startswith(shortest + " ") for o in owners)):
                pairs += [(k, o, "initials") for o in owners]  # one name and its longer forms
    by_first: dict[str, list[str]] = defaultdict(list)
    for k in keys:
        by_first[k.split(" ", 1)[0]].append(k)
    for k in keys:
        if k in _NOT_A_NAME or len(k) < 3:
            continue
        longer = [o for o in by_first[k.split(" ", 1)[0]] if o != k and o.startswith(k + " ")]
        if len(longer) == 1 or (longer and all(_rest_is_corporate(o, k) for o in longer)):
            pairs += [(k, o, "a short form") for o in longer]
    return pairs


def _rest_is_corporate(longer: str, short: str) -> bool:
    return all(w in _CORPORATE for w in longer[len(short):].split())
