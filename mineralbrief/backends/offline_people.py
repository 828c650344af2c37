"""The people and the projects or sites an article names, for an offline brief's entities.

A person is a capitalised name beside a role ("Chief Executive Jane Roe", "Roe, the company's
president"); a project or site is a capitalised name before a project or facility word ("the
Mrima Hill project", "its Kwinana refinery"). Names that are places, known organisations or
parts of a longer name are left out.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from bisect import bisect_right

from ..domain.deals import Sentence
from ..domain.facts import Facts
from ..domain.lexicon import STATES, lexicon_entry
from ..models import EntityProfile
from .offline_text import quote, reading_sentences

# -- people and projects ------------------------------------------------------------------------

_ROLE = (
    r"(?:chief executive(?: officer)?|chief (?:financial|operating|technology|commercial) officer|"
    r"(?:C[EFOT]O)|(?:executive |non-executive )?chair(?:man|woman|person)?|(?:vice[- ])?president(?: director)?|"
    r"managing director|executive director|founder|director[- ]general|general manager|"
    r"(?:assistant |deputy |under )?secretary|minister|administrator|governor|spokes(?:man|woman|person)|"
    r"premier|ambassador|commissioner|analyst|senator|"
    r"presidente(?: ejecutivo)?|ministr[oa]|gerente general|vicepresidente|"
    r"PDG|pr[ée]sident(?:-directeur g[ée]n[ée]ral)?|directeur g[ée]n[ée]ral|ministre|fondateur)"
)
# Where a title may stand, found with str.find in the lower-cased text (a case-blind regex of the
# titles cost 1.7 ms on a 13 KB release): only sentences holding one are searched for people.
_ROLE_STEMS = ("chief", "ceo", "cfo", "coo", "cto", "chair", "president", "director", "founder", "manager",
               "secretary", "minister", "ministr", "administrator", "governor", "spokes", "premier", "ambassador",
               "commissioner", "analyst", "senator", "gerente", "pdg", "président", "directeur", "fondateur")


def _role_positions(text: str) -> list[int]:
    low = text.lower()
    found: list[int] = []
    for stem in _ROLE_STEMS:
        i = low.find(stem)
        while i >= 0:
            found.append(i)
            i = low.find(stem, i + 1)
    return sorted(found)


# a word of a name: "Cherry", "McKenzie", "DeAnne", "Smith-Jones"
_UP = r"[A-ZÀ-Ý][a-zà-ÿ'’]+(?:[A-ZÀ-Ý][a-zà-ÿ'’]+)?(?:-[A-ZÀ-Ý][a-zà-ÿ'’]+)?"
# A person's name: two to four words in title case, with initials and particles (van, de, da),
# starting a word (never the "Anne Julius" of "DeAnne Julius").
_PERSON = (rf"(?<![\w'’])(?:(?:Dr|Mr|Mrs|Ms|Prof)\.?\s+)?{_UP}(?:\s+(?:[A-Z]\.|van|von|de|da|del|der|di|le|la|bin|al))*"
           rf"(?:\s+{_UP}){{1,2}}")
_PERSON_PATTERNS = [
    # "Chief Executive Jon Cherry", "Mines Minister Winston Chitando", "CEO **Dr Chris Burns**"
    re.compile(rf"\b(?i:{_ROLE})\s+\**(?P<name>{_PERSON})\b"),
    # "Jon Cherry, President and CEO of Perpetua", "Lisa Drake, Ford Model e vice president"
    re.compile(rf"(?P<name>{_PERSON}),\s+(?:the\s+)?(?:[\w'’.&-]+\s+){{0,4}}?(?i:{_ROLE})\b"),
    # "the Minister of Mining, Marcela Hernando, ...", "la PDG d'Eramet, Christel Bories, lors"
    re.compile(rf"\b(?i:{_ROLE})\b[^.;:\n\"“”]{{0,60}}?,\s+(?P<name>{_PERSON})(?=\s*(?:,|\)|$|said|dijo|a dit))"),
]
_NOT_PERSON_WORDS = frozenset(
    "Inc Corp Corporation Ltd Limited Group Holdings Resources Metals Mining Minerals Energy Materials Bank "
    "Department Office Agency Ministry Government Company Project Mine Exchange Fund University Council "
    "Commission Act Program Programme Americas America Australia China States Kingdom Republic Street North South "
    "East West Board Capital Partners Motors Battery Batteries Lithium Nickel Cobalt Graphite Copper "
    # departments after a title: "Vice President, External Affairs"
    "Affairs Relations Development Product Global Corporate Investor Public Strategy Operations Supply Chain "
    "Purchasing Communications Sustainability Finance Legal Marketing Sales "
    # places and days after a title: "the Minister of Mines, New Caledonia", "CEO Friday Morning"
    "New Cape Port Mount Lake Province County City Island Islands Region Territory Monday Tuesday Wednesday "
    "Thursday Friday Saturday Sunday Morning Afternoon Evening January February September October November "
    "December".split())
_FACILITY_WORDS = ("refinery", "plant", "facility", "hub", "smelter", "mill", "factory")
# "Stibnite Gold Project", "Tamarack Nickel Project", "Matawinie Mine": the kind word is part of the name
_NAMED_SITE = re.compile(
    r"\b(?P<name>(?:[A-Z][\w'’-]+\s+){1,4}(?:Project|Mine|Deposit|Prospect|Refinery|Plant|Smelter))\b")
# "the Thacker Pass project", "its Siviour graphite project", "its Sangdong mine"
_SITE = re.compile(
    r"\b(?:the|its|their|our|his|her)\s+(?P<name>(?:[A-Z][\w'’-]*\s+){1,3}?)(?:[a-z][\w-]*\s+){0,2}?"
    r"(?P<kind>project|mine|deposit|prospect|refinery|plant|facility|smelter|mill|operations?)\b")
_NOT_SITE_WORDS = frozenset("The A An Phase Stage New First Second Company Group Project Mine".split())


def _cut_before_a_mark(text: str, end: int) -> bool:
    """True when a match ends before a combining mark: it took part of a word written with
    decomposed accents ("Pache" of "Pache\u0301co", "Mine" of "Mine\u0301rals")."""
    return end < len(text) and unicodedata.category(text[end]).startswith("M")


def _on_a_place(facts: Facts, s: Sentence, name: str) -> bool:
    """True when the name, where the sentence writes it, overlaps a place the scan found ("Salta
    Province" of "Buenos Aires, Salta Province"; "its Western Australia operations")."""
    places: tuple[list[int], list[int]] | None = facts.__dict__.get("_place_reach")
    if places is None:
        spans = sorted((a, b) for _, a, b in facts.locations)
        places = facts.__dict__["_place_reach"] = ([a for a, _ in spans],
                                                   list(itertools.accumulate((b for _, b in spans), max)))
    starts, reach = places
    at = facts.text.find(name, s.start, s.end)
    if at < 0:
        return False
    i = bisect_right(starts, at + len(name) - 1) - 1  # the places that begin before the name ends
    return i >= 0 and reach[i] > at


def people(facts: Facts) -> list[tuple[str, str, Sentence]]:
    """(name, role, sentence) for each person named with a title or a role."""
    out: dict[str, tuple[str, str, Sentence]] = {}
    roles = _role_positions(facts.text)
    for s in reading_sentences(facts):
        i = bisect_right(roles, s.start - 1)
        if i >= len(roles) or roles[i] >= s.end:  # no title, no person: most sentences
            continue
        for rx in _PERSON_PATTERNS:
            for m in rx.finditer(s.text):
                if _cut_before_a_mark(s.text, m.end("name")):
                    continue
                name = re.sub(r"^(?:Dr|Mr|Mrs|Ms|Prof)\.?\s+", "", " ".join(m.group("name").split()))
                name = re.sub(r"^.*['’]s\s+|['’]s$", "", name)  # "Tesla's Drew Baglino", "Boric's"
                if len(name.split()) < 2:
                    continue
                words = name.replace("-", " ").split()
                if any(w in _NOT_PERSON_WORDS for w in words) or name in out:
                    continue
                role_text = m.group(0).replace(m.group("name"), "").strip(" ,*")
                if any(name in o.names() or o.name in name for o in facts.orgs) or _on_a_place(facts, s, name):
                    continue
                out[name] = (name, " ".join(role_text.split())[:80], s)
    return list(out.values())


def sites(facts: Facts) -> list[tuple[str, str, Sentence]]:
    """(name, kind, sentence) for each project or facility the article names: "X Project",
    "the X project", "its X mine" (kind "project" or "facility"). Kept on ``facts``."""
    kept: list[tuple[str, str, Sentence]] | None = facts.__dict__.get("_sites")
    if kept is None:
        kept = facts.__dict__["_sites"] = _sites(facts)
    return kept


def _sites(facts: Facts) -> list[tuple[str, str, Sentence]]:
    out: dict[str, tuple[str, str, Sentence]] = {}
    for s in reading_sentences(facts):
        found = [(m.group("name"), m.group("name").split()[-1].lower(), m.start("name"))
                 for m in _NAMED_SITE.finditer(s.text) if not _cut_before_a_mark(s.text, m.end("name"))]
        found += [(m.group("name"), m.group("kind"), m.start("name")) for m in _SITE.finditer(s.text)
                  if not _cut_before_a_mark(s.text, m.end("kind"))]
        for raw, kind, _ in found:
            name = " ".join(raw.split())
            name = re.sub(r"^(?:The|A|An|Its|Their|Our)\s+", "", name)
            words = name.split()
            if not words or words[0].split("-")[0] in _NOT_SITE_WORDS or "'s" in name or "’s" in name:
                continue
            if words[0] in STATES or lexicon_entry(words[0]) or lexicon_entry(name):  # "the Louisiana facility"
                continue
            if all(w.isupper() for w in words) and len(words) == 1:  # "the HPAL plant": a method
                continue
            if any(name == o.name or name in o.names() for o in facts.orgs) or _on_a_place(facts, s, name):
                continue
            if any(name in other or other in name for other in out):
                continue
            out[name] = (name, "facility" if kind in _FACILITY_WORDS else "project", s)
    return list(out.values())


def people_and_sites(facts: Facts, most: int = 8) -> list[EntityProfile]:
    """The people (with their role) and the projects and facilities the article names, each
    with the sentence that names it."""
    out = [EntityProfile(name=n, kind="person", role=role or None, evidence=[quote(facts, s, 300)])
           for n, role, s in people(facts)[:most]]
    out += [EntityProfile(name=n, kind=kind, evidence=[quote(facts, s, 300)])  # type: ignore[arg-type]
            for n, kind, s in sites(facts)[:most]]
    return out
