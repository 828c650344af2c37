"""The companies and persons a short text names: a brief's own words (headline, key points,
bottom line, questions, a deal's title), which grounding checks against the article.

Two kinds are read, those a reader knows for companies whatever they are called: the well-known
ones (the gazetteer's forms), and any name that ends in a legal word ("Acme Magnet Holdings Inc.",
"Mitsui & Co."). Words written before such a name that are no part of it are read off: a
sentence's first word, a descriptor ("Perth-based", "Australian"), a headline's verbs in Title
Case. A person is read where a name follows an office ("CEO Jane Doe", "Minister Keith Pitt",
"Mr. Doe") or opens with a common given name ("Jane Doe"). Split from grounding.py, which checks
what this finds.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterator

from .anchored import Starts, letters_only
from .gazetteer import find_gazetteer
from .orgnames import (
    AGENCY_HEADS,
    COMMA_LEGAL,
    COMPANY_WORD_END,
    GIVEN_NAMES,
    LEGAL_SUFFIX,
    NOT_A_NAME,
    THING_HEADS,
    generic_word,
)
from .orgs import EXCHANGES
from .wordindex import Capitals

# A name that ends in a legal word ("Acme Magnet Holdings Inc.", "Mitsui & Co."): a company's,
# whatever it is called (capitalised words before it may be no part of it: "Will ... Ltd fund").
# Its words stand apart by blank space, an "&", or a comma before a legal word that news writes
# after one ("Tesla, Inc."). The class comes first and the lookbehind after it, so the engine skips
# ahead to the capitals; a word's characters are never given back ("*+": no word holds the gap).
_GAP = r"(?:,[ \t]+(?=" + COMMA_LEGAL + r"(?!\w))|[ \t]+(?:&[ \t]+)?)"
_LEGAL_NAME = re.compile(r"[A-Z](?<![\w&'.-][A-Z])[\w'.-]*+" + _GAP + r"(?:[A-Z][\w'.-]*+" + _GAP + "){0,3}"
                         # ("Co-Processing": a prefix; "Offers Limited Detail": the adjective)
                         + LEGAL_SUFFIX + r"(?!\w)(?!(?<=Co)-)(?!(?<=Limited)[ \t]+[A-Z])")
# the legal words as the index of capitalised words holds them ("Ltd" of "Ltd."), and the one
# written in lower case: a text with none of them names no such company
_LEGAL_WORDS = frozenset(re.findall(r"[A-Z]\w*", LEGAL_SUFFIX))
_POSSESSIVE = re.compile(r"['’]s?$")
_LEGAL_WORD = re.compile(LEGAL_SUFFIX + r",?")
# what may follow a name that is a gazetteer form: its legal words ("Lynas Rare Earths Ltd")
_LEGAL_TAIL = re.compile(r"(?:[\s,.&]|" + LEGAL_SUFFIX + r")*")
# words a headline in Title Case capitalises that are never a company's ("... With USSM As The Company")
_FUNCTION_WORDS = frozenset("""a an the as with for to by at from in on into onto after amid over under
says said say will would may can could should does do did is are was were has have had its their while
when where why how what which who if but or and both either neither each all plus than vs""".split())


def _name_forms(words: list[str], title_case: bool = False) -> list[str] | None:
    """The forms of a name ending in a legal word, written as ``words``: the whole, and the
    name proper after words that are no part of it (the sentence's first, "Perth-based",
    "Australian", a headline's "With" or "Boosts"). After a function word or a descriptor the
    rest is a form; after any other word only when it holds a word of its own ("Acme Rare Earths
    Ltd" is no "Rare Earths Ltd"), unless the text is in Title Case, where verbs are capitalised
    ("Backs U.S. Strategic Metals LLC"). None when a function word leaves only legal words ("As
    The Company"), or when there is nothing but legal words ("Co., Ltd."): no company named. A
    possessive's mark is dropped in a form of its own ("Sibanye-Stillwater's SA")."""
    if all(map(_LEGAL_WORD.fullmatch, words)):
        return None
    forms = [" ".join(words)]
    for i in range(1, len(words)):
        before, rest = words[i - 1], words[i:]
        own = [w for w in rest if not _LEGAL_WORD.fullmatch(w)]
        if before.lower() in _FUNCTION_WORDS:
            if not own:
                return None
        elif "-" not in before and not title_case and all(map(generic_word, own)):
            continue
        forms.append(" ".join(rest))
    bare = [_POSSESSIVE.sub("", w) for w in words]  # "Sibanye-Stillwater's SA" (South Africa)
    if bare != words:
        forms.append(" ".join(bare))
    return forms


_LONG_WORD = re.compile(r"[^\W\d_]{4,}")


def _in_title_case(text: str) -> bool:
    """True when every word of four letters or more is capitalised (a headline in Title Case):
    there a name of descriptive words ("Global Lithium", "Critical Elements") may be no name."""
    words = _LONG_WORD.findall(text)
    return len(words) >= 3 and all(w[0].isupper() for w in words)


class OwnWords:
    """A brief's own texts joined by blank lines, once, with their capitalised words: what the
    company and the person finders read (``companies_named``, ``persons_named``), and what the
    scanners share about it (``starts``: its words, lower-cased, read by the person finder and
    by grounding's element scan, ``find_elements``)."""

    def __init__(self, texts: list[str]) -> None:
        # composed (NFC): an accent written as a letter and a combining mark ("e" + U+0301) is
        # no word character, and cut a name before it ("Pe" of "Pérez")
        self.texts = [unicodedata.normalize("NFC", t) for t in texts]
        self.text = "\n\n".join(self.texts)
        self.ends = list(itertools.accumulate(len(t) + 2 for t in self.texts))  # where each text's gap ends
        self.capitals = Capitals(self.text)
        self.starts = Starts(self.text)
        self._title_case: dict[int, bool] = {}

    def of(self, i: int) -> int:
        """Which text ``text[i]`` belongs to."""
        return bisect_right(self.ends, i)

    def title_case(self, at: int) -> bool:
        """Whether text ``at`` is in Title Case (``_in_title_case``), read once a text: asked for
        each name a text writes, it was read through again each time (a long text names many)."""
        known = self._title_case.get(at)
        if known is None:
            known = self._title_case[at] = _in_title_case(self.texts[at])
        return known


def companies_named(own: OwnWords | list[str]) -> list[list[tuple[int, list[str]]]]:
    """For each text (the brief's own words), the companies it names: the well-known ones (the
    gazetteer's) and any name ending in a legal word, each as the forms of which one written in
    the article vouches for it, the one to report first; a gazetteer name's last form is its
    canonical name. (One scan of the texts joined.)"""
    own = own if isinstance(own, OwnWords) else OwnWords(own)
    joined, texts, capitals = own.text, own.texts, own.capitals
    found: list[list[tuple[int, list[str]]]] = [[] for _ in texts]
    known: list[tuple[int, int]] = []  # the gazetteer names' spans, left to right
    for canon, form, start, end in find_gazetteer(joined, capitals):
        at = own.of(start)
        if all(map(generic_word, form.split())) and own.title_case(at):  # "Global Lithium Prices Slide"
            continue
        found[at].append((start, [form, canon]))
        known.append((start, end))
    known_starts = [s for s, _ in known]
    legal = _LEGAL_NAME.finditer(joined) if "plc" in joined or not _LEGAL_WORDS.isdisjoint(capitals.words) else ()
    for m in legal:
        # a gazetteer name with its legal words ("ASX-listed Lynas Rare Earths Ltd"): checked as that
        inside = known[bisect_left(known_starts, m.start()):bisect_left(known_starts, m.end())]
        if any(_LEGAL_TAIL.fullmatch(joined, e, m.end()) for _, e in inside):
            continue
        at = own.of(m.start())
        forms = _name_forms(m.group().split(), own.title_case(at))
        if forms is not None:
            found[at].append((m.start(), forms))
    return found


# The last word of an office written right before a person's name ("CEO Jane Doe", "chief
# executive Jane Doe", "Managing Director Jane Doe", "Minister Keith Pitt", "Mr. Doe"): the name
# need not open with a given name
_OFFICE_WORDS = frozenset({
    "ceo", "cfo", "coo", "executive", "director", "officer", "chairman", "chairwoman", "chair", "chairperson",
    "president", "minister", "secretary", "premier", "governor", "senator", "ambassador", "commissioner",
    "chancellor", "founder", "spokesman", "spokeswoman", "spokesperson", "mr", "ms", "mrs", "dr", "sir", "dame",
    # as newswires name a person ("Trafigura chief Jeremy Weir", "Tesla boss", "Benchmark analyst"),
    # the one an invented quote is most often put in the mouth of
    "chief", "boss", "manager", "mayor", "professor", "analyst", "economist", "strategist"})
# ("Mr. Doe", "its chief executive, Jane Doe,"): the blank (a no-break space too), then a letter
# (``_name_word_at`` holds it to a capital: "Élisabeth" too)
_AFTER_OFFICE = re.compile(r"[.,]?[ \t\u00a0\u202f]+(?=[^\W\d_])")
# the offices after which a surname alone names a person ("Mr. Doe"); after any other, a name
# has two words at least ("Minister Keith Pitt": "Minister Counsellor", "CEO Designate" are none).
# They are read only as written so: "DR Congo", "MS Excel" abbreviate
_HONORIFICS = frozenset({"mr", "ms", "mrs", "dr", "sir", "dame"})
# a word of a person's name ("Doe", "O'Brien", "Smith-Jones", "Pérez", "Doe's"), an initial
# before the next ("J. "), and the blank between two words. Possessive ("++", "*+"): each part
# after a mark can be cut one way only, and a word a letter or a mark goes on from is no word
# at any shorter length either (a word of k hyphens tried 2^k ways before a digit ruled it out)
# ("Evans'": a name ending in "s" takes the mark alone)
_NAME_WORD = re.compile(r"[^\W\d_][^\W\d_]++(?:['\u2019-][^\W\d_]++)*+(?:(?<=s)['\u2019])?+(?![\w'\u2019-])")
_INITIAL = re.compile(r"[ \t\u00a0\u202f]+[A-Z]\.(?=[ \t\u00a0\u202f])")
_BLANK = re.compile(r"[ \t\u00a0\u202f]+")
# capitalised words that end a person's name where they follow it ("Jane Doe Chief Executive")
# (and the words of a title: "Vice", "Officer", "Emeritus")
_AFTER_PERSON = AGENCY_HEADS | THING_HEADS | NOT_A_NAME | {w.capitalize() for w in _OFFICE_WORDS} | frozenset("""
CEO CFO COO Mr Ms Mrs Dr Vice Deputy Senior Acting Interim Emeritus Designate Elect Head Manager General
Counsel Counsellor Counselor Adviser Advisor Analyst Economist Strategist Partner Associate Principal
Treasurer Controller Operations Officer Lead Leader Member Members Board""".split())


def _name_word_at(text: str, i: int) -> str | None:
    """The word of a person's name that starts at ``i`` (``_NAME_WORD``, opening with a capital of
    any Latin letter: "Élisabeth", "Łukasz"), or None."""
    m = _NAME_WORD.match(text, i)
    return m.group() if m is not None and m.group()[0].isupper() and _name_word(m.group()) else None


def _name_word(word: str) -> bool:
    """Whether ``word`` may be part of a person's name (no descriptive, function or legal word)."""
    return not (word in _AFTER_PERSON or word.lower() in _FUNCTION_WORDS or generic_word(word))


def _after_offices(text: str, starts: Starts) -> dict[int, str]:
    """Where a capitalised word follows an office ("Minister |Keith Pitt"), and the office. The
    offices the text writes are read from its words first (``starts``, the text's: its runs of
    letters, lower-cased), and only those are found, by ``bytes.find`` in its ASCII letters
    lower-cased (one byte a character: the text's offsets)."""
    words = starts.words()  # (None when lower-casing moves the text's offsets: read apart then)
    present = _OFFICE_WORDS.intersection(letters_only(text.lower()).split() if words is None else words)
    if not present:
        return {}
    lowered = starts.ascii().lower()
    after: dict[int, str] = {}
    for office in present:
        needle = office.encode("ascii")
        i = lowered.find(needle)
        while i >= 0:
            end = i + len(needle)
            if not (i and lowered[i - 1:i].isalpha()) and (m := _AFTER_OFFICE.match(text, end)) and (
                    office not in _HONORIFICS or text[i:end] == office.capitalize()):
                after[m.end()] = office
            i = lowered.find(needle, end)
    return after


# the word before a given name, when one blank only stands between them ("Lockheed |Martin")
_WORD_BEFORE = re.compile(r"(?<![\w'\u2019-])([A-Z][^\W\d_]*+(?:['\u2019-][^\W\d_]++)*+(?:['\u2019]s?)?+)"
                          r"[ \t\u00a0\u202f]\Z")


def _name_before(text: str, i: int) -> str | None:
    """The capitalised word the given name at ``i`` may go on, one blank between ("Lockheed" of
    "Lockheed Martin Space", "Port" of "Port Elizabeth Harbour"), or None. Whether it does is the
    article's to say (``persons_named``): "Meanwhile Jane Doe" names a person. A word that is no
    part of a name (``_name_word``: a title, "Treasurer Jane Doe", a day or month, "On Monday Jane
    Doe"), a possessive ("Tesla's Jane Doe"), a function word ("In Jane Doe's view") or an office
    ("CEO Jane Doe", read as one) before it is none: where the article names "Treasurer Jim
    Chalmers", "Treasurer Jim Roe" is still a person to check."""
    before = _WORD_BEFORE.search(text, max(0, i - 40), i)
    if before is None:
        return None
    word = before.group(1)
    return None if (_POSSESSIVE.search(word) or word.lower() in _OFFICE_WORDS or not _name_word(word)) else word


def persons_named(own: OwnWords | list[str]) -> list[list[tuple[int, list[str]]]]:
    """For each text (the brief's own words), the persons it names, each as its name and its
    surname (either written in the article vouches for it): a name of two or three words after
    an office ("Minister Keith Pitt"), of one to three after an honorific ("Mr. Doe"), or of two
    or three opening with a common given name ("Jane Doe", "Jane M. Doe"). A text in Title Case
    (a headline) is not read: there every word is capitalised. A given name right after a
    capitalised word (``_name_before``) may be inside a longer name ("Lockheed Martin Space"):
    that word and the given name are a third form, and where the article writes them together
    the name is no person's."""
    own = own if isinstance(own, OwnWords) else OwnWords(own)
    joined, words_at = own.text, own.capitals.words
    found: list[list[tuple[int, list[str]]]] = [[] for _ in own.texts]
    offices = _after_offices(joined, own.starts)
    given = [i for word in words_at.keys() & GIVEN_NAMES for i in words_at[word]]
    taken = 0  # where the last name read ends: a word inside it opens no other
    for i in sorted({*offices, *given}):
        at = own.of(i)
        if i < taken or own.title_case(at):
            continue
        first = _name_word_at(joined, i)
        if first is None:
            continue
        office = offices.get(i)
        words, end = [first], i + len(first)
        # a possessive ends a name: the words after it are the person's (a project, a place),
        # and the last word is the surname checked ("Doe's Cummins Range" is no "Range")
        while len(words) < 3 and not _POSSESSIVE.search(words[-1]):
            initial = _INITIAL.match(joined, end)
            blank = _BLANK.match(joined, initial.end() if initial else end)
            word = _name_word_at(joined, blank.end()) if blank else None
            if blank is None or word is None:
                break
            words.append(word)
            end = blank.end() + len(word)
        if len(words) < (1 if office in _HONORIFICS else 2) or COMPANY_WORD_END.search(" ".join(words)):
            continue  # a given name alone, or a company's name ("Grant Resources")
        taken = end
        surname = _POSSESSIVE.sub("", words[-1])
        forms = [" ".join([*words[:-1], surname]), surname]
        before = None if office else _name_before(joined, i)
        found[at].append((i, [*forms, f"{before} {first}"] if before else forms))
    return found


# a listing's symbol after its exchange and a colon ("REE", "LYC.AX", "1211"), as a brief and an
# article write it (``SourceIndex.listings`` reads the article's)
SYMBOL = r"([A-Z][A-Z0-9]{0,5}(?:\.[A-Z]{1,2})?|\d{4,6})(?!\w|\.\w)"
# a listing written in a brief's own words: "(ASX: REE)", "NYSE American: UAMY", "HKEX: 1211",
# "TSX/NYSE: LAC" (a word starting at the first exchange: ``after_a_word``)
_LISTING = re.compile(r"((?:" + EXCHANGES + r")(?:\s*/\s*(?:" + EXCHANGES + r"))*)\s*:\s*" + SYMBOL)
_AFTER_COLON = re.compile(r"\s*" + SYMBOL)


def tickers_written(text: str) -> list[str]:
    """The listings ``text`` writes, each as "EXCHANGE: SYMBOL" ("ASX: REE"). Searched for only
    when a colon has a symbol after it: the pattern, tried at every character, cost ~5 us on a
    deal's title ("Acme Corp. and Tesla, Inc.: supply agreement")."""
    colon = text.find(":")
    while colon >= 0:
        if _AFTER_COLON.match(text, colon + 1):
            return [f"{m.group(1)}: {m.group(2)}" for m in after_a_word(_LISTING, text)]
        colon = text.find(":", colon + 1)
    return []


_BOUNDARY = re.compile(r"\b")


def after_a_word(rx: re.Pattern[str], text: str, pos: int = 0, endpos: int | None = None) -> Iterator[re.Match[str]]:
    """The matches of ``"\\b" + rx.pattern`` in ``text[pos:endpos]`` (``finditer``), for a pattern
    that opens with an exchange's name (a word character) and matches no empty string: the
    engine skips ahead to the names' first letters, where a pattern that opens with "\\b" is
    tried at every character (~90 ns a character: ~420 us on a 13 KB release, ~65 us this way).
    A match where no word starts (the "SE" of "USE") is passed over as that pattern would, which
    tries the next character."""
    end = len(text) if endpos is None else endpos
    m = rx.search(text, pos, end)
    while m is not None:
        if _BOUNDARY.match(text, m.start()):
            yield m
            m = rx.search(text, m.end(), end)
        else:
            m = rx.search(text, m.start() + 1, end)
