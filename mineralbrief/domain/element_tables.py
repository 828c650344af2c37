"""The elements and minerals of the critical-minerals field, by symbol and by name (English,
Spanish, French): the tables ``elements`` reads an article with (and the names other modules
check a brief's words against)."""

from __future__ import annotations

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
    "Fe": "iron",
    "Au": "gold",
    "Ag": "silver",
    "Pb": "lead",
    "Rh": "rhodium",
    "Ru": "ruthenium",
    "Ir": "iridium",
    "Re": "rhenium",
    "Sr": "strontium",
    "Ba": "barium",
    "Si": "silicon",
}

SYMBOLS: dict[str, str] = {**RARE_EARTHS, **CRITICAL_MINERALS}
# Other elements an article may name (never read from a symbol: "He", "As", "Se" are words).
OTHER_ELEMENTS: frozenset[str] = frozenset(
    "hydrogen helium boron carbon nitrogen oxygen fluorine sodium phosphorus sulfur chlorine "
    "potassium calcium arsenic selenium iodine cadmium osmium mercury thallium thorium".split())
# Critical minerals that are named, never written as a symbol. Not elements.
MINERAL_NAMES: frozenset[str] = frozenset({"graphite", "fluorspar", "barite"})
# Names an analyst writes for the same element or mineral, in English, Spanish and French.
NAME_VARIANTS: dict[str, str] = {
    "aluminum": "aluminium", "caesium": "cesium", "fluorite": "fluorspar", "sulphur": "sulfur",
    # Spanish
    "litio": "lithium", "cobalto": "cobalt", "níquel": "nickel", "niquel": "nickel", "cobre": "copper",
    "manganeso": "manganese", "grafito": "graphite", "antimonio": "antimony", "galio": "gallium",
    "germanio": "germanium", "wolframio": "tungsten", "tungsteno": "tungsten", "vanadio": "vanadium",
    "bismuto": "bismuth", "hierro": "iron", "plomo": "lead", "estaño": "tin", "uranio": "uranium",
    "titanio": "titanium", "magnesio": "magnesium", "aluminio": "aluminium", "neodimio": "neodymium",
    "praseodimio": "praseodymium", "disprosio": "dysprosium", "terbio": "terbium", "hidrógeno": "hydrogen",
    "carbono": "carbon", "molibdeno": "molybdenum", "platino": "platinum", "paladio": "palladium",
    "telurio": "tellurium", "niobio": "niobium", "tantalio": "tantalum", "sodio": "sodium",
    "potasio": "potassium", "silicio": "silicon", "oro": "gold", "plata": "silver",
    # French
    "cuivre": "copper", "manganèse": "manganese", "antimoine": "antimony", "tungstène": "tungsten",
    "plomb": "lead", "étain": "tin", "titane": "titanium", "magnésium": "magnesium",
    "néodyme": "neodymium", "praséodyme": "praseodymium", "hydrogène": "hydrogen", "carbone": "carbon",
    "molybdène": "molybdenum", "tellure": "tellurium", "tantale": "tantalum", "silicium": "silicon",
}
ELEMENT_NAMES: frozenset[str] = frozenset(SYMBOLS.values()) | OTHER_ELEMENTS | MINERAL_NAMES
