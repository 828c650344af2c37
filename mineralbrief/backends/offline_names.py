"""How an article names the parties of its deals: usable party names, the short forms and
ticker symbols later mentions use, and a lookup of many names in one pass over a text."""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from collections.abc import Iterable

from ..domain.elements import ELEMENT_NAMES
from ..domain.facts import Facts

# "the Volkswagen Group's battery company": a name that only describes another ("Canada's
# contribution" still names an actor)
# "a wholly owned subsidiary of Panasonic Holdings": the name after it describes the one before
DESCRIBED_BY = re.compile(r"\b(?:subsidiary|unit|division|arm|affiliate|part|member) of (?:the )?$|"
                           r"\bfiliale? de (?:la |l['’])?$|"
                           r"\b(?:owned|controlled|backed) by (?:the )?$", re.I)
DESCRIPTOR = re.compile(r"['’]s\s+(?:[\w-]+\s+){0,2}?(?:unit|subsidiary|company|division|arm|business|group|"
                         r"parent|affiliate|owner)\b", re.I)
WORD = re.compile(r"[^\W_]+")  # a run of letters and digits: str.isalnum's word
SUFFIX = re.compile(r",?\s+(?:Inc|Ltd|Limited|Corp|Corporation|Co|LLC|plc|SA|S\.A|AG|NV|Group|Holdings)\.?$")
_JUNK_PARTY = re.compile(
    r"\b(?:Project|Mine|Deposit|Facility|Plant|Refinery|Leach|Agreement|Letter of \w+|Memorandum|"
    r"Understanding|Offtake|Program)$|^(?:Letter|Memorandum)\b")
_RUN_IN = re.compile(r"^.*\b(?!(?:Inc|Corp|Ltd|Co|Bhd|Pty)\.)[A-Za-z]{3,}\.\s+")


def party_name(name: str) -> str | None:
    """A usable party name, or None for what is not a party (an element, a project, the name
    of the agreement itself); a name run in from the sentence before keeps its last part."""
    name = _RUN_IN.sub("", name).strip()
    if not name or name.lower() in ELEMENT_NAMES or _JUNK_PARTY.search(name):
        return None
    return name


def fuller_names(facts: Facts) -> dict[str, str]:
    """Short forms the scan kept apart from their full name ("Nouveau Monde" and "Nouveau
    Monde Graphite"): the short one stands for the only longer company name it begins."""
    names = sorted(n for o in facts.companies if (n := party_name(o.name)))
    out = {}
    for a in names:  # the names that begin with "a " stand together in sorted order
        i = bisect_left(names, a + " ")
        longer = names[i:i + 2]
        if longer and longer[0].startswith(a + " ") and not (len(longer) > 1 and longer[1].startswith(a + " ")):
            out[a] = longer[0]
    return out


# a short form is a name only where it stands alone, not inside a longer capitalised name
IN_A_NAME = re.compile(r"(?<![.!?:]\s)(?<!^)\b[A-Z][\w&.-]*[ -]$")
NAME_GOES_ON = re.compile(r" [A-Z]")


def symbol_of(ticker: str | None) -> str | None:
    """The symbol of a listing ("TSX/NYSE: LAC" -> "LAC") when it can stand for the company in
    the text: capitals with two letters at least, not a number."""
    symbol = re.split(r"[:\s]", ticker.strip())[-1] if ticker else ""
    return symbol if symbol.isupper() and sum(ch.isalpha() for ch in symbol) >= 2 else None


def words_of(text: str) -> list[tuple[int, str]]:
    """The words of a text with their offsets (one pass, shared by the lookups below)."""
    return [(w.start(), w.group(0)) for w in WORD.finditer(text)]


def short_forms(facts: Facts, fuller: dict[str, str], words: list[tuple[int, str]] | None = None,
                ) -> dict[str, str]:
    """The first word a company's later mentions shorten its name to ("Talon" for "Talon Metals
    Corp"): kept only when no other name or place begins with it, it is no element, and the text
    never writes it in lower case (a common word: "General", "American", "Entreprise").
    ``words``: the text's words, when already listed."""
    lower = {w for _, w in (words if words is not None else words_of(facts.plain))} if facts.orgs else set()
    first: dict[str, set[str]] = {}
    for o in facts.orgs:
        for n in o.names():
            parts = SUFFIX.sub("", n).split()
            name = fuller.get(o.name, o.name) if o.kind == "company" else ""
            if parts:
                first.setdefault(parts[0], set()).add(name if len(parts) > 1 else "")
    places = {w for loc, _, _ in facts.locations for w in loc.split()[:1]}
    out = {}
    for word, names in first.items():
        if (len(names) == 1 and (name := next(iter(names))) and len(word) >= 4 and word.isalpha()
                and word[:1].isupper() and word.lower() not in lower and word.lower() not in ELEMENT_NAMES
                and word not in places):
            out[name] = word
    return out


class Forms:
    """Names to look up where a word begins, keyed by their first two words: the words of a
    text are looked up once, not every name searched for in it (an article naming a thousand
    companies, many of them "of ..." or "the ...")."""

    def __init__(self, forms: Iterable[tuple[str, int]]) -> None:
        self.by_key: dict[tuple[str, ...], list[tuple[str, int]]] = {}
        self.odd: list[tuple[str, int]] = []  # forms that do not begin with a letter or a digit
        for f, k in forms:
            key = tuple(w.group(0) for w in itertools.islice(WORD.finditer(f), 2))
            if key and WORD.match(f):
                self.by_key.setdefault(key, []).append((f, k))
            else:
                self.odd.append((f, k))
        self.firsts = frozenset(key[0] for key in self.by_key)  # most words start no form

    def find(self, text: str, words: list[tuple[int, str]] | None = None) -> Iterable[tuple[int, str, int]]:
        """(offset, form, payload) for each place the text writes a form at the start of a word
        (``words``: the text's words, when already listed)."""
        words = words if words is not None else words_of(text)
        by_key, firsts, last = self.by_key, self.firsts, len(words) - 1
        for i, (at, word) in enumerate(words):
            if word not in firsts:
                continue
            for f, k in by_key.get((word,), ()):
                if text.startswith(f, at):
                    yield at, f, k
            for f, k in by_key.get((word, words[i + 1][1]), ()) if i < last else ():
                if text.startswith(f, at):
                    yield at, f, k
        for f, k in self.odd:
            at = text.find(f)
            while at >= 0:
                yield at, f, k
                at = text.find(f, at + 1)


def written_counts(text: str, forms: set[str], words: list[tuple[int, str]] | None = None) -> dict[str, int]:
    """How often each form is written where a word begins."""
    counts = dict.fromkeys(forms, 0)
    for _, f, _ in Forms((f, 0) for f in forms).find(text, words):
        counts[f] += 1
    return counts
