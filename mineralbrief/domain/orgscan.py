"""What the company scan reads in one article, each thing found once (``Scan``), and the checks
a candidate name is put to against the article: whether it stands alone or only opens a longer
name, whether it is a speaker's, whether it ends a public body's name; and where the patterns
that find names by a verb or a company word can start (``said_matches``, ``company_starts``).

Split from orgs.py, which runs the scan step by step and resolves what it finds.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator

from .anchored import Starts, occurrences
from .mentions import Mentions
from .orgnames import (
    AFTER_NAME,
    AGENCY_HEADS,
    COMMA_LEGAL,
    COMPANY_WORD_END,
    GIVEN_NAMES,
    INDUSTRY_SUFFIX,
    LEGAL_SUFFIX,
    NOT_A_NAME,
    THING_HEADS,
    generic_word,
    plausible_company,
)
from .wordindex import Capitals, matches_at, words_back

# the verbs of a statement: "CNGR said", "Vulcan Elements announced"
_SAID_VERBS = ("said", "says", "announced", "announces", "agreed", "expects", "plans")

SAID_RE = re.compile(
    # a name starts at a word's start, not inside a hyphenated run (there it was quadratic); a
    # word's characters are never given back ("*+": a space follows each, which none can hold)
    r"((?:[A-Z](?<![\w&'.-][A-Z])[\w&'.-]*+\s+)(?:[A-Z][\w&'.-]*+\s+){0,2}[A-Z][\w&'.-]*+)\s+"
    r"(?:said|says|announced|announces|agreed|expects|plans)\b"
)

# The words (runs of word characters) the company words start with: "Ltd" of "Ltd.", "S" of "S.A.",
# "Rare" of "Rare Earths". A company name is looked for back from where one stands.
_SUFFIX_WORDS = frozenset(w for alternatives in (LEGAL_SUFFIX, INDUSTRY_SUFFIX, COMMA_LEGAL)
                          for w in re.findall(r"(?:^\(\?:|\|)(\w+)", alternatives))
_LOWER_SUFFIX_WORDS = tuple(sorted(w for w in _SUFFIX_WORDS if not w[0].isupper()))  # "plc": not in Capitals

# A public body's name running up to a position: "Ministry of Industry and Mineral Resources" holds
# no company "Mineral Resources", "Department of Natural Resources" none "Natural Resources".
_BODY_BEFORE = re.compile(
    r"(?:Ministry|Minister|Department|Secretary|Office|Bureau|Commission|Agency|Institute|Council|Board|"
    r"Authority|Administration|Ministère|Ministerio|Secretaría)\s+(?:of|for|de|du|des|del)\s+(?:the\s+)?"
    r"(?:[A-Z][\w'-]*,?\s+){0,4}(?:(?:and|&|y|et)\s+(?:[A-Z][\w'-]*\s+){0,3})?$")


def stands_alone(scan: Scan, name: str) -> bool:
    """True when the article writes ``name`` once at least not run into a further capitalised
    word (a headline's capitals say nothing): "LG Energy" only ever before "Solution", "Critical Raw Materials"
    only before "Act" or "Board" are pieces of longer names."""
    text = scan.text
    for i in scan.mentions.starts(name):
        j = k = i + len(name)
        while k < len(text) and text[k] == " ":
            k += 1
        if k == j or k == len(text) or not text[k].isupper():
            return True
        if scan.title_line(i):  # in a headline every word has a capital: no sign either way
            continue
        e = k
        while e < len(text) and not text[e].isspace():
            e += 1
        if text[k:e].strip(",.;:") in AFTER_NAME:
            return True
    return False


def looks_like_person(scan: Scan, name: str) -> bool:
    """A speaker's name, not a company's: two or three plain words, and a common given name first,
    or quoted as people are ("said Maria Lopez", "Maria Lopez, chief executive"), or the surname
    alone speaking or titled elsewhere ("Lopez added", "Mr. Lopez")."""
    words = name.split()
    if not 2 <= len(words) <= 3 or not all(w.isalpha() or "'" in w or "-" in w for w in words):
        return False
    if COMPANY_WORD_END.search(name) or any(generic_word(w) for w in words):
        return False
    if words[0] in GIVEN_NAMES:
        return True
    # looked for around the name's and the surname's own mentions (a search of the whole text
    # per candidate was quadratic on a long article)
    text, last = scan.text, words[-1]
    for at in scan.mentions.starts(name):
        if _SAID_BEFORE.search(text, max(0, at - 20), at) or _ROLE_AFTER.match(text, at + len(name)):
            return True
    for at in scan.mentions.starts(last):
        if _TITLE_BEFORE.search(text, max(0, at - 6), at) or _SPOKE_AFTER.match(text, at + len(last)):
            return True
    return False


_SAID_BEFORE = re.compile(r"\b(?:said|says|according to)\s+$")
_ROLE_AFTER = re.compile(r",\s+(?:the\s+)?(?:[a-z]+\s+)?(?:chief|executive|president|chairman|chairwoman|director|"
                         r"analyst|minister|secretary|founder|head|spokes\w+|CEO|CFO)\b")
_TITLE_BEFORE = re.compile(r"(?:Mr|Ms|Mrs|Dr)\.?\s+$")
_SPOKE_AFTER = re.compile(r"\s+(?:added|told|noted|explained|continued)\b")


def in_body_name(text: str, start: int) -> bool:
    """True when the name at ``start`` ends a public body's: "Ministry of ... Mineral Resources"."""
    return _BODY_BEFORE.search(text, max(0, start - 80), start) is not None


# The words of a line (``[A-Za-z][\w'-]*``), giving the first letter of each word over three
# characters and "" for the others: the words are counted without a string made for each.
_LONG_WORD_FIRST = re.compile(r"([A-Za-z])[\w'-]{3,}|[A-Za-z][\w'-]*")
# ASCII bytes by class: "A" a capital, "a" a lower-case letter, " " what is no part of a word
# (neither "\w" nor "'" nor "-"); "w" the rest: digits, "_", "'", "-", and "?", which stands for
# any character outside ASCII too (so a word's start after one is never counted).
_LETTER_CLASSES = bytes(65 if 65 <= c <= 90 else 97 if 97 <= c <= 122 else
                        119 if chr(c).isdigit() or chr(c) in "_'-?" or c > 127 else 32 for c in range(256))
_WORD_CHARS = re.compile(r"\w+")
_FIND_WORDS = 8  # words writes_word looks up by str.find before it collects the text's words


def _word_char(c: str) -> bool:
    """What ``\\w`` matches in a str pattern: a letter or digit of any script, or "_"."""
    return c.isalnum() or c == "_"


class Scan:
    """The article and what the company scan looks up in it, each found once."""

    def __init__(self, text: str, starts: Starts | None = None) -> None:
        self.text = text
        self._shared = starts if starts is not None and starts.text == text else None  # the text's, if made
        # built once: the name lookups, gazetteer and ticker scan read it
        self.capitals = Capitals(text, self.non_ascii(), self._shared.ascii() if self._shared is not None else None)
        self.mentions = Mentions(text, self.capitals)
        self._newlines: list[int] | None = None
        self._title_lines: dict[int, bool] = {}
        self._words: frozenset[str] | None = None
        self._searched_words = 0  # words writes_word searched for with str.find
        self._verbs: dict[str, list[int]] | None = None
        self._plausible: dict[str, bool] = {}

    def non_ascii(self) -> frozenset[str] | None:
        """The text's characters outside ASCII, when the caller's ``Starts`` has them (shared)."""
        return self._shared.non_ascii() if self._shared is not None else None

    def words(self) -> frozenset[str] | None:
        """The runs of a to z of the case-blind text (``Starts.words``), when the caller's
        ``Starts`` can give them (shared)."""
        return self._shared.words() if self._shared is not None else None

    def plausible(self, name: str) -> bool:
        """``plausible_company(name)``, each name checked once: the tails of one company's name
        are checked again wherever it is written."""
        found = self._plausible.get(name)
        if found is None:
            found = self._plausible[name] = plausible_company(name)
        return found

    def verbs(self) -> dict[str, list[int]]:
        """Where each verb of ``_SAID_VERBS`` is written (inside longer words too), verb by verb."""
        if self._verbs is None:
            self._verbs = {verb: list(occurrences(self.text, (verb,))) for verb in _SAID_VERBS}
        return self._verbs

    def writes_word(self, word: str) -> bool:
        """True when ``word`` stands in the text as a whole word (``\\bword\\b``).

        The first few words are searched for with ``str.find`` (a pass each); then the text's
        words are collected once (one ``\\w+`` pass, about 40 ``str.find`` passes' worth), so a
        long article asking for many words stays linear.
        """
        if not _WORD_CHARS.fullmatch(word):
            return re.search(r"\b" + re.escape(word) + r"\b", self.text) is not None
        if self._words is None:
            self._searched_words += 1
            if self._searched_words <= _FIND_WORDS:
                text, end = self.text, len(word)
                return any((i == 0 or not _word_char(text[i - 1]))
                           and (i + end == len(text) or not _word_char(text[i + end]))
                           for i in occurrences(text, (word,)))
            self._words = frozenset(_WORD_CHARS.findall(self.text))
        return word in self._words

    def title_line(self, pos: int) -> bool:
        """True when ``pos`` sits in a Title Cased line (a headline), where capitals mean nothing."""
        text = self.text
        if self._newlines is None:  # found once: a search back to the line start per call was quadratic
            # (the shared list when the caller made one: the lexicon's datelines ask for it too)
            self._newlines = (self._shared.occurrences(("\n",)) if self._shared is not None
                              else [m.start() for m in re.finditer("\n", text)])
        k = bisect_left(self._newlines, pos)
        start = self._newlines[k - 1] + 1 if k else 0
        verdict = self._title_lines.get(start)
        if verdict is None:
            end = self._newlines[k] if k < len(self._newlines) else len(text)
            verdict = self._title_lines[start] = title_cased(text, start, end)
        return verdict


def title_cased(text: str, start: int, end: int) -> bool:
    """True when four words at least of ``text[start:end]`` (``[A-Za-z][\\w'-]*``) are over three
    characters long, and over 80% of those start with a capital.

    A line of prose is told at once: its capitals (one for each capitalised word at most) are
    fewer than four times the lower-case words over three letters that follow a space (each
    one of its words), so under 80% of its words can be capitalised. Only other lines have
    their words read (a paragraph's words took ~25 us, and a name's check asks for several).
    """
    classes = text[start:end].encode("ascii", "replace").translate(_LETTER_CLASSES)
    if classes.count(b"A") < 4 * classes.count(b" aaaa"):
        return False
    firsts = "".join(_LONG_WORD_FIRST.findall(text, start, end))  # of the words over 3 letters
    return len(firsts) >= 4 and sum(map(str.isupper, firsts)) / len(firsts) > 0.8


def said_matches(scan: Scan) -> Iterator[re.Match[str]]:
    """``SAID_RE.finditer(text)``, the pattern tried only at the capitalised words among the
    four words before a verb (its name has two to four words, each after a space, and a space
    comes before the verb): a pass of the pattern tried it at every capital of the article."""
    text = scan.text
    starts: set[int] = set()
    for at in scan.verbs().values():
        for v in at:
            if v and text[v - 1].isspace():
                starts.update(scan.capitals.between(words_back(text, v, 4), v))
    return matches_at(SAID_RE, text, sorted(starts))


def company_starts(scan: Scan) -> list[int]:
    """Where ``_COMPANY_RE`` can match, in order: at the capitalised words among the five words
    before a company word that follows a space (the name has one to five words, spaces between
    them). A pass of the pattern tried it at every capital of the article. (The company words
    are read in order, and the five words before one start no earlier than those before the
    last: each adds the capitals after the last one.)"""
    text, capitals = scan.text, scan.capitals
    # ("plc" is searched for only when the case-blind text has it as a word, as " plc" at a
    # match's company word has: most articles do not, and a search of 13 KB cost ~10 us)
    words = scan.words()
    lower = _LOWER_SUFFIX_WORDS if words is None else tuple(w for w in _LOWER_SUFFIX_WORDS if w in words)
    ends = sorted({*capitals.starts(_SUFFIX_WORDS), *occurrences(text, lower)})
    starts: list[int] = []
    taken = 0  # the capitals before this are among the starts
    for end in ends:
        if end and text[end - 1].isspace():
            starts += capitals.between(max(words_back(text, end, 5), taken), end)
            taken = end
    return starts


def capitalised_word_before(text: str, i: int) -> bool:
    """True when a capitalised word ends at ``i``: "Singapore" in "Singapore-based"."""
    j = i
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] in ".-"):
        j -= 1
    return j < i and text[j].isupper()


def one_word_name(scan: Scan, name: str) -> bool:
    """A single word that can be a name on its own: not a day, a month or a title, not a word
    the article also writes in lower case, not a place."""
    word = name.strip(",.")
    if word in NOT_A_NAME or word in AFTER_NAME or word in AGENCY_HEADS or word in THING_HEADS:
        return False
    low = word.lower()
    return low == word or not scan.writes_word(low)
