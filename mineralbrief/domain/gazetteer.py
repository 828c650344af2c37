"""Well-known companies of the critical-minerals chain, named as the news writes them.

Press releases give a company away by its legal suffix or ticker; news articles write
"Ford", "CATL" or "Rio Tinto" bare. This gazetteer lists a few hundred well-known listed and
state-owned miners, processors, magnet and battery makers, automakers, chemical companies and
commodity traders, price reporters, chemical makers, steel makers, manufacturers, state companies
and funds, and investors (public facts, written from general knowledge) with their common short
forms; a name without its industry word ("Nouveau Monde") is a short form too, and a name followed
by a country names its subsidiary there ("Vale Canada").

``find_gazetteer`` scans an article once: every whole capitalised word is looked up in an index
of the forms' first words, and only there is a form compared, so the cost grows with the article,
not with the list. Forms match case-sensitively and as whole words ("Ford" not in "Fordham",
"vale" never). A form that is also a common English word ("Vale", "Element") counts only where
the article also writes it away from the start of a sentence.
"""

from __future__ import annotations

import re
from functools import cache

from .gazetteer_names import COMPANIES  # canonical name -> other forms the news writes
from .lexicon import COUNTRIES
from .wordindex import Capitals

# Forms that are also common English words (or people's names) at the start of a sentence:
# counted only where the article also writes them away from a sentence start.
AMBIGUOUS = frozenset({
    "Vale", "Element", "Electra", "Talon", "Neo", "Orion", "Sila", "Lilac", "Redwood", "Hydro",
    "Piedmont", "Pilbara", "Freeport", "Apple", "Amazon", "Merdeka", "Harita", "Hastings", "Noble",
    "Mercedes", "Lucid", "Intel", "ONE", "MP", "GE", "Arcadium", "Manara", "Mitsubishi", "Sumitomo", "Sprott",
    "Linde", "Merck", "Sony", "Audi", "Polyus", "Thales", "Hanwa", "Timah", "Dow", "Wacker", "Osisko", "Suzuki",
    "Mitsui", "Macquarie", "Kia", "Westwater", "Syrah", "Iluka", "Arafura", "Lynas", "Almonty",
    "Perpetua", "Ivanhoe", "Sherritt", "Talga", "Ramaco", "Aclara", "Jervois", "Niron",
    "Sayona", "Teck", "Barrick", "Sibanye", "Jinchuan", "Norilsk", "Honda", "Nissan",
    # grown from public lists: words, places and surnames that are also these companies' names
    "Reliance", "Paladin", "Denison", "Talison", "Westinghouse", "Form Energy", "Generation Mining",
    "Deep Yellow", "Western Areas", "Leading Edge", "Leading Edge Materials", "Tokuyama", "Lunate",
    "Fortum", "Citi", "Blackstone", "Sovereign Metals", "Victory Metals", "Nova Minerals", "Shell",
    "European Metals", "International Graphite", "Encounter Resources", "Oil India", "State Grid",
    "Fluor", "Worley", "Alphabet",
})
# Forms too easily something else (a place, a word, another firm's initials): not scanned for.
_TOO_AMBIGUOUS = frozenset({
    "ONE", "MP", "GE", "Neo", "Orion", "Hydro", "Sila", "Lilac", "Redwood", "Apple", "Amazon",
    "Electra", "Talon", "Piedmont", "Pilbara", "Freeport", "Mercedes", "Lucid", "Intel", "Noble",
    "Hastings", "Merdeka", "Harita", "Manara",
    "Westwin", "VAC", "SRC", "LCM", "ASM", "RCF", "PLS", "LAC", "BTR", "GEM", "MMG",
    "IRH", "EGA", "PIF", "FMG", "VW", "MinRes", "IBC", "ERG", "ADQ", "QIA", "CRU", "SMM", "JLR", "GAC", "FAW", "IXM",
    "Platts", "PLN", "CGN", "REPT", "EDF",
})

# Industry words the news drops from a name: "Nouveau Monde" for Nouveau Monde Graphite.
_DROPPED_WORD = re.compile(r"\s+(?:Graphite|Lithium|Resources|Minerals|Metals|Mining|Materials|Group)$")
# written form -> canonical name; the forms a scan looks for
FORMS: dict[str, str] = {}
for _canon, _others in COMPANIES.items():
    for _form in (_canon, *_others):
        if _form not in _TOO_AMBIGUOUS:
            FORMS.setdefault(_form, _canon)
for _canon in COMPANIES:  # a short form of two words or more names nothing else
    _short = _DROPPED_WORD.sub("", _canon)
    if _short != _canon and " " in _short and not _short.startswith(("China ", "Korea ", "Japan ")):
        FORMS.setdefault(_short, _canon)
# Where a company's name is followed by a country or a region, the two name its subsidiary there
# ("Vale Canada", "Glencore Australia"): a company of its own, as the news treats it.
_REGIONS = sorted({*COUNTRIES, "USA", "UK", "Europe", "Africa", "Asia", "Americas", "North America",
                   "Latin America", "Asia Pacific"} - {"United States"}, key=len, reverse=True)
_SUBSIDIARY = re.compile(r"[ ]+(" + "|".join(re.escape(r) for r in _REGIONS) + r")(?![\w'’-])")

# A whole capitalised word (or one starting with a digit), as ``mentions._WORD`` finds them, with
# the marks that may join it to more ("Freeport-McMoRan", "Tesla's", "S&P"): what a form's first
# word is compared with.
_WORD = re.compile(r"[A-Z0-9](?<![\w.][A-Z0-9])[\w&'-]*")
# first word of each form -> its forms, longest first
_BY_FIRST: dict[str, list[str]] = {}
for _form in sorted(FORMS, key=len, reverse=True):
    _first = re.split(r"[\s-]", _form, maxsplit=1)[0]
    _BY_FIRST.setdefault(_first, []).append(_form)
# The run of word characters each first word starts with ("S" of "S&P"): the article's words are
# looked up in ``Capitals`` by it, so only where one stands is a form compared.
_FIRST_RUNS = frozenset(re.split(r"[^\w]", _first, maxsplit=1)[0] for _first in _BY_FIRST)
_STEM_END = re.compile(r"[-']")
_JOINERS = ("&", "'", "-")


@cache  # one per first word of the gazetteer's forms, made on first use
def _forms_of(first: str) -> re.Pattern[str]:
    """The forms whose first word is ``first``, longest first, each written whole (no word
    character after it): one match tries them all, the first that fits winning."""
    return re.compile("(?:" + "|".join(map(re.escape, _BY_FIRST[first])) + r")(?!\w)")
_SENTENCE_END = re.compile(r"(?:[.!?]['\"”’)]?\s+|\n\s*|^\s*)$")


def _at_sentence_start(text: str, i: int) -> bool:
    return _SENTENCE_END.search(text[max(0, i - 4):i]) is not None if i else True


def find_gazetteer(text: str, capitals: Capitals | None = None) -> list[tuple[str, str, int, int]]:
    """(canonical name, written form, start, end) of every gazetteer form the article writes
    as a whole, case-sensitive name; the longest form wins where several start at one place.

    The article's words are ``_WORD``'s matches, read left to right; a form is compared only
    where a word's leading run of word characters starts a form's first word, so only those
    places (found in ``capitals``, the article's index) are visited, run by run; the forms found
    are then read left to right, each kept unless it starts inside the one kept before. A place
    right after "&", "'" or "-" may lie inside a word (the "Sumitomo" of "Non-Sumitomo"): there
    the words are read with ``_WORD`` itself, once.
    """
    capitals = capitals or Capitals(text)
    words = capitals.words
    word_starts: set[int] | None = None  # _WORD's matches, read only when needed
    written: list[tuple[int, int, str]] = []  # (start, end, form): the form written at each place
    # (the fewer of the two gone through: an article's few hundred words asked of the thousand
    # runs, or a long article's thousands of words left out of it)
    for run in _FIRST_RUNS.intersection(words) if len(words) < len(_FIRST_RUNS) else words.keys() & _FIRST_RUNS:
        forms_of_run = _forms_of(run) if run in _BY_FIRST else None
        after = len(run)
        for i in words[run]:
            if i and text[i - 1] in ".&'-":
                if text[i - 1] == ".":
                    continue
                if word_starts is None:
                    word_starts = {m.start() for m in _WORD.finditer(text)}
                if i not in word_starts:
                    continue
            forms = forms_of_run  # _WORD's word is the run, unless a mark joins more to it
            if text.startswith(_JOINERS, i + after):
                m = _WORD.match(text, i)
                word = m.group() if m is not None else ""
                if word not in _BY_FIRST:
                    if "-" not in word and "'" not in word:
                        continue
                    word = _STEM_END.split(word, maxsplit=1)[0]  # "Ford-backed", "Tesla's"
                    if word not in _BY_FIRST:
                        continue
                forms = _forms_of(word)
            if forms is not None and (m := forms.match(text, i)) is not None:
                written.append((i, m.end(), m.group()))
    written.sort()
    out: list[tuple[str, str, int, int]] = []
    free_from = 0
    for i, end, form in written:  # left to right, none inside the one before
        if i < free_from:
            continue
        sub = _SUBSIDIARY.match(text, end) if form == FORMS[form] and text.startswith(" ", end) else None
        if sub is not None:  # "Vale Canada": the subsidiary, named by its own written form
            form, end = text[i:sub.end()], sub.end()
        out.append((FORMS.get(form, form), form, i, end))
        free_from = end
    ambiguous = {form for _, form, _, _ in out if form in AMBIGUOUS}
    if ambiguous:
        settled = {form for _, form, i, _ in out if form in ambiguous and not _at_sentence_start(text, i)}
        out = [hit for hit in out if hit[1] not in ambiguous or hit[1] in settled]
    return out
