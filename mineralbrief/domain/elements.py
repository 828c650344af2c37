"""Elements and materials of the critical-minerals field, and where an article names them.

An element counts when the article names it by its English name, by its chemical symbol in a
context that reads like chemistry (``dysprosium (Dy)``, ``Dy/Tb``, ``NdPr``), or through a
compound or product whose name carries it (``NdPr`` is neodymium and praseodymium, ``SmCo`` is
samarium and cobalt). Iron and boron inside ``NdFeB`` do not count: analysts read NdFeB as
"rare-earth magnet", not as an iron story.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .anchored import Starts

RARE_EARTHS: dict[str, str] = {
    "La": "lanthanum",
    "Ce": "cerium",
    "Pr": "praseodymium",
    "Nd": "neodymium",
    "Pm": "promethium",
    "Sm": "samarium",
    "Eu": "europium",
    "Gd": "gadolinium",
    "Tb": "terbium",
    "Dy": "dysprosium",
    "Ho": "holmium",
    "Er": "erbium",
    "Tm": "thulium",
    "Yb": "ytterbium",
    "Lu": "lutetium",
    "Sc": "scandium",
    "Y": "yttrium",
}

CRITICAL_MINERALS: dict[str, str] = {
    "Li": "lithium",
    "Co": "cobalt",
    "Ni": "nickel",
    "Ga": "gallium",
    "Ge": "germanium",
    "Sb": "antimony",
    "W": "tungsten",
    "Mn": "manganese",
    "V": "vanadium",
    "Cu": "copper",
    "Ti": "titanium",
    "U": "uranium",
    "Nb": "niobium",
    "Ta": "tantalum",
    "In": "indium",
    "Te": "tellurium",
    "Bi": "bismuth",
    "Mo": "molybdenum",
    "Zn": "zinc",
    "Sn": "tin",
    "Pt": "platinum",
    "Pd": "palladium",
    "Mg": "magnesium",
    "Al": "aluminium",
    "Be": "beryllium",
    "Cr": "chromium",
    "Hf": "hafnium",
    "Zr": "zirconium",
    "Cs": "cesium",
    "Rb": "rubidium",
}

SYMBOLS: dict[str, str] = {**RARE_EARTHS, **CRITICAL_MINERALS}
# Critical minerals that are named, never written as a symbol.
MINERAL_NAMES: frozenset[str] = frozenset({"graphite", "fluorspar", "barite"})
# Names an analyst writes for the same element.
NAME_VARIANTS: dict[str, str] = {
    "aluminum": "aluminium",
    "caesium": "cesium",
    "fluorite": "fluorspar",
    "barium": "barite",
}
ELEMENT_NAMES: frozenset[str] = frozenset(SYMBOLS.values()) | MINERAL_NAMES

# Compounds and products, mapped to the elements they name.
COMPOUNDS: dict[str, tuple[str, ...]] = {
    "NdPr": ("neodymium", "praseodymium"),
    "PrNd": ("praseodymium", "neodymium"),
    "DyTb": ("dysprosium", "terbium"),
    "NdFeB": ("neodymium",),
    "SmCo": ("samarium", "cobalt"),
    "NMC": ("nickel", "manganese", "cobalt"),
    "LFP": ("lithium",),
}

_NAMES = sorted(ELEMENT_NAMES | set(NAME_VARIANTS), key=len, reverse=True)
_NAME_RE = re.compile(r"\b(" + "|".join(_NAMES) + r")\b")
_COMPOUND_RE = re.compile(r"\b(" + "|".join(sorted(COMPOUNDS, key=len, reverse=True)) + r")\b")
# A symbol in parentheses right after its name: "dysprosium (Dy)".
_PAREN_SYMBOL_RE = re.compile(r"\(([A-Z][a-z]?)\)")
# Two or more symbols joined by "/" or "-": "Dy/Tb", "Nd-Pr".
_SYMBOL_GROUP_RE = re.compile(r"\b([A-Z][a-z]?)(?:\s*[/-]\s*([A-Z][a-z]?))+\b")


@dataclass(frozen=True)
class ElementMention:
    """One place where the article names an element."""

    element: str
    text: str
    start: int
    end: int


def canonical_element(token: str) -> list[str]:
    """Map a name, symbol or compound to lower-case element names.

    Args:
        token: e.g. ``"Dysprosium"``, ``"Dy"``, ``"NdPr"``, ``"rare earths"``.

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
    if t in SYMBOLS:
        return [SYMBOLS[t]]
    cap = t[:1].upper() + t[1:].lower()
    if cap in SYMBOLS and len(t) <= 2:
        return [SYMBOLS[cap]]
    return []


def find_elements(text: str) -> list[ElementMention]:
    """Every mention of an element in ``text``, with its character span."""
    out: list[ElementMention] = []
    # names match in any case: search the lower-cased text (same length, same offsets)
    lowered = text.lower()
    if len(lowered) != len(text):  # rare letters whose lower case is longer: keep offsets exact
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    for m in Starts(lowered).finditer(_NAME_RE, _NAMES):
        name = m.group(1).lower()
        out.append(ElementMention(NAME_VARIANTS.get(name, name), text[m.start():m.end()], m.start(), m.end()))
    for m in Starts(text).finditer(_COMPOUND_RE, COMPOUNDS):
        for name in COMPOUNDS[m.group(1)]:
            out.append(ElementMention(name, m.group(0), m.start(), m.end()))
    for m in _PAREN_SYMBOL_RE.finditer(text):
        sym = m.group(1)
        if sym in SYMBOLS:
            out.append(ElementMention(SYMBOLS[sym], sym, m.start(1), m.end(1)))
    for m in _SYMBOL_GROUP_RE.finditer(text):
        syms = re.findall(r"[A-Z][a-z]?", m.group(0))
        if len(syms) >= 2 and all(s in SYMBOLS for s in syms):
            for s in syms:
                out.append(ElementMention(SYMBOLS[s], m.group(0), m.start(), m.end()))
    out.sort(key=lambda e: (e.start, e.element))
    return out


def elements_named(text: str) -> list[str]:
    """The distinct element names ``text`` mentions, in order of first mention."""
    seen: dict[str, None] = {}
    for mention in find_elements(text):
        seen.setdefault(mention.element, None)
    return list(seen)
