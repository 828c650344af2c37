"""Trying a pattern only where one of its matches can start.

Python's regex engine tries a pattern at every position of the text unless the pattern starts
with a literal or a character class, and then only when it is case-sensitive. The domain's
patterns start with ``\\b`` and many ignore case, so each one cost a pass of 0.2 to 1.5 ms over
a 13 KB press release, and the scan runs about twenty of them.

Each such pattern is kept as written and given the words its matches start with. ``Starts``
looks for those words with ``str.find`` (in the lower-cased text when the pattern ignores case)
and tries the pattern only there, with ``Pattern.match``: the matches of ``Pattern.finditer``,
in the same order, for the cost of a few calls per occurrence of a start word.
``tests/test_domain_properties.py`` compares the two on texts made of each pattern's words.

A ``Starts`` is made once per article (``extract_facts``) and shared by the scanners, with what
they all ask of the text computed once, mostly by C calls (``str.lower``, ``bytes.translate``,
``split``, ``str.find``): the lower-cased text, its words (runs of a to z: a pattern none of whose
first words the article has is not tried at all, and the others only where those words stand),
its characters outside ASCII and its runs of digits.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Iterator
from functools import lru_cache

# Letters that a case-blind pattern matches to an ASCII letter but str.lower() keeps apart
# (dotless i, long s): in a text holding one, the start words could be missed, so the pattern
# runs over the whole text.
_FOLDS_APART = ("\u0131", "\u017f")


@lru_cache(maxsize=256)
def _alternation(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern for a list of capitalised words, or None for other lists.

    A search over 13 KB costs about 6 microseconds per word with ``str.find``; a pattern of
    literals that all start with a capital is one pass in which the engine skips every position
    that holds no such capital. Lists of lower-case words (in lower-cased text, nearly every
    position is a candidate) are faster word by word.
    """
    if len(words) < 3 or not all(w[:1].isupper() for w in words):
        return None
    return re.compile("|".join(map(re.escape, sorted(set(words), key=len, reverse=True))))


def occurrences(text: str, words: tuple[str, ...]) -> Iterator[int]:
    """Every start of any of ``words`` in ``text`` (overlapping ones too; a start may repeat)."""
    rx = _alternation(words)
    if rx is None:
        for word in words:
            if word[:1] not in text:  # one character is looked for by memchr: "###" costs 9 us, "#" 0.3
                continue
            i = text.find(word)
            while i >= 0:
                yield i
                i = text.find(word, i + 1)
        return
    m = rx.search(text)
    while m is not None:  # searched again from the next character: overlapping starts are found
        yield m.start()
        m = rx.search(text, m.start() + 1)


# Every byte that is not an ASCII lower-case letter, mapped to a space: the words of a lower-cased
# text are then what ``bytes.split`` returns (see ``Starts.words``).
_LETTERS_ONLY = bytes(c if 97 <= c <= 122 else 32 for c in range(256))
# The same for the text before lower-casing: A to Z made a to z too (see ``Starts.words``).
_LOWER_LETTERS_ONLY = bytes(c + 32 if 65 <= c <= 90 else c if 97 <= c <= 122 else 32 for c in range(256))
# The one character outside ASCII that lower-cases to one in ASCII (KELVIN SIGN to "k"; U+0130 to
# two characters, which moves offsets: the text then has no case-blind form)
_LOWERS_TO_ASCII = "\u212a"
_ASCII = bytes(range(128))
# Every ASCII digit to "0", every other byte to a space: runs of digits are found with two
# ``bytes.find`` each (see ``Starts.digit_runs``).
_DIGITS_ONLY = bytes(48 if 48 <= c <= 57 else 32 for c in range(256))
_SEARCHED = 3  # up to this many words are searched for one by one (``Starts.word_starts_many``)


def letters_only(text: str) -> str:
    """``text`` with every character but the ASCII letters a to z made a space (same length):
    its ``split()`` is what ``re.findall("[a-z]+", text)`` finds, from three C calls."""
    return text.encode("ascii", "replace").translate(_LETTERS_ONLY).decode("ascii")


def lower_letters(text: str, others: Container[str], encoded: bytes | None = None) -> str:
    """``letters_only(text.lower())``, where ``others`` are the text's characters outside ASCII
    (``outside_ascii``) and ``encoded`` the text encoded in ASCII, when the caller has it: the
    capitals made small by the same translate, with no ``str.lower`` (a pass through Unicode's
    tables on a text that holds a character outside ASCII), but when one of ``others``
    lower-cases into ASCII ("\u0130", KELVIN SIGN)."""
    if "\u0130" in others or _LOWERS_TO_ASCII in others:
        return letters_only(text.lower())
    encoded = text.encode("ascii", "replace") if encoded is None else encoded
    return encoded.translate(_LOWER_LETTERS_ONLY).decode("ascii")


def outside_ascii(text: str) -> str:
    """The characters of ``text`` outside ASCII, in order: its UTF-8 bytes without the ASCII ones
    (no ASCII byte is part of a longer character), rather than a pattern tried at every position."""
    return text.encode("utf-8", "surrogatepass").translate(None, _ASCII).decode("utf-8", "surrogatepass")


_CONTINUATION = bytes(range(0x80, 0xC0))  # the bytes of a UTF-8 character after its first


def shape_of(text: str, table: bytes) -> bytes:
    """``text`` cut down to its shape, one byte a character: its UTF-8 bytes translated by
    ``table`` (a character outside ASCII by its first byte's entry), the others deleted. A pattern
    over the shape that opens with a literal is skipped ahead to it, where one opening with a class
    or a lookbehind over the text is tried at every character."""
    return text.encode("utf-8", "surrogatepass").translate(table, _CONTINUATION)


# A text with at most one character outside ASCII in this many, of up to this many kinds (a pass
# over the text each), is lower-cased piece by piece (``lower``): a piece costs about what
# ``str.lower`` spends on 200 such characters.
_CUT_EVERY = 256
_CUT_KINDS = 8


def lower(text: str, others: str) -> str:
    """``text.lower()``, where ``others`` are the text's characters outside ASCII, in order
    (``outside_ascii``). ``str.lower`` reads every character of a text that holds one outside ASCII
    through Unicode's tables (four times as slow as on an ASCII text): when there are few and none
    of them changes case (dashes, quotes, symbols), the text is cut at them and its pieces, in
    ASCII, are lower-cased. (No character that keeps its case changes another's: the one rule
    that reads a letter's neighbours, the Greek final sigma, is for a letter that changes case.)"""
    if not others or len(others) * _CUT_EVERY > len(text):
        return text.lower()
    cuts = tuple(set(others))
    if len(cuts) > _CUT_KINDS or any(c.lower() != c for c in cuts):
        return text.lower()
    return _lowered_between(text, cuts)


def _lowered_between(text: str, cuts: tuple[str, ...]) -> str:
    if not cuts or text.isascii():  # a piece in ASCII is cut no further
        return text.lower()
    return cuts[0].join([_lowered_between(piece, cuts[1:]) for piece in text.split(cuts[0])])


class Starts:
    """One text, and what the scanners of one article share about it, each computed once on
    first use: the lower-cased text, where words stand, its words and its non-ASCII characters.

    ``extract_facts`` makes one for the article and hands it to every scanner, which each took
    a pass of their own over the text for the same answers (lower-casing it, searching it for the
    same words)."""

    def __init__(self, text: str, lookups: frozenset[str] = frozenset()) -> None:
        self.text = text
        self._lower: str | None = None
        self._faithful: bool | None = None
        # where words stand, searched once: ("", words) in the text, ("lower", words) in the
        # case-blind text
        self._found: dict[tuple[str, tuple[str, ...]], list[int]] = {}
        self._at: dict[str, list[int]] = {}  # where whole words stand (``word_starts``)
        # words the scanners will ask ``word_starts_many`` for: found with the first batch asked
        self._lookups = lookups
        self._words: frozenset[str] | None = None
        self._spaced = ""  # the case-blind text's words between spaces, each at its own offset + 1
        self._parts: list[str] = []  # the case-blind text's words, in order
        self._non_ascii: frozenset[str] | None = None
        self._outside = ""  # the text's characters outside ASCII, in order (``outside_ascii``)
        self._digit_runs: list[tuple[int, int]] | None = None
        self._ascii: bytes | None = None  # the text encoded in ASCII (``ascii``)

    def ascii(self) -> bytes:
        """The text encoded in ASCII, one byte a character ("?" for one outside ASCII), once: the
        words, the runs of digits and the company scan's capitalised words are read in it (each
        encoded the text apart: ~20 us for 13 KB with one character outside ASCII)."""
        if self._ascii is None:
            self._ascii = self.text.encode("ascii", "replace")
        return self._ascii

    @property
    def lowered(self) -> str:
        """``text.lower()`` (which may be longer than the text: see ``case_blind``)."""
        if self._lower is None:
            self.non_ascii()
            self._lower = lower(self.text, self._outside)
        return self._lower

    def case_blind(self) -> str | None:
        """The lower-cased text, or None when lower-casing moved offsets or folds apart."""
        if self._faithful is None:
            self._faithful = len(self.lowered) == len(self.text) and self.non_ascii().isdisjoint(_FOLDS_APART)
        return self._lower if self._faithful else None

    def non_ascii(self) -> frozenset[str]:
        """The characters of the text outside ASCII (``outside_ascii``)."""
        if self._non_ascii is None:
            self._outside = "" if self.text.isascii() else outside_ascii(self.text)
            self._non_ascii = frozenset(self._outside)
        return self._non_ascii

    def outside(self) -> str:
        """The characters of the text outside ASCII, in order (``outside_ascii``)."""
        self.non_ascii()
        return self._outside

    def digit_runs(self) -> list[tuple[int, int]] | None:
        """The spans of the runs of digits (what ``\\d+`` finds), in order; None when the text
        has a digit outside ASCII (``\\d`` is any Unicode digit), which this does not look for."""
        if any(c.isdecimal() for c in self.non_ascii()):  # ``\d`` is ``str.isdecimal``
            return None
        if self._digit_runs is None:
            digits = self.ascii().translate(_DIGITS_ONLY)
            runs = []
            start = digits.find(b"0")
            while start >= 0:
                end = digits.find(b" ", start)
                end = len(digits) if end < 0 else end
                runs.append((start, end))
                start = digits.find(b"0", end)
            self._digit_runs = runs
        return self._digit_runs

    def words(self) -> frozenset[str] | None:
        """The runs of ASCII letters a to z in the case-blind text (None when there is none).

        Whatever a case-blind pattern matches that starts with a word ending at a non-letter
        (``\\bsupply (?:agreement|...)``) has that word among these: a scanner asks this set
        whether a pattern can match at all, instead of searching the text. (Other characters,
        accented letters and digits too, separate words here: a set with more words than the
        text's is still a safe answer.)"""
        if self._words is None:
            if self.case_blind() is None:
                return None
            # read in the text's bytes, its capitals made small (where the case-blind text has a
            # to z, the text has A to Z or a to z), once encoded for every reader
            letters = lower_letters(self.text, self.non_ascii(), self.ascii())
            self._spaced = " " + letters + " "
            self._parts = letters.split()
            self._words = frozenset(self._parts)
        return self._words

    def words_if_known(self) -> frozenset[str] | None:
        """``words()`` when a scanner has already asked for them, else None: for a scanner that
        only narrows a search with them, which costs less than finding them."""
        return self._words

    def _read_words(self) -> frozenset[str]:
        """``words()``, read once; ``ValueError`` when the text has none (ask ``words()`` first)."""
        words = self._words if self._words is not None else self.words()
        if words is None:
            raise ValueError("the text has no case-blind form: ask words() first")
        return words

    def word_starts_many(self, words: Iterable[str]) -> dict[str, list[int]]:
        """``word_starts`` of each of ``words``. Many words are found in one pass: a C pass over
        the text's words picks out the wanted ones in the order they stand, and each is then
        found from where the one before it ended (about as costly as searching the whole text for
        four words); up to three words by searching for each. The first pass also finds the
        ``lookups`` the ``Starts`` was made with that the text has: the scanners that ask for
        them later share it."""
        at = self._at
        words = set(words)
        wanted = words.difference(at)
        if wanted and self._lookups:
            wanted |= self._lookups.intersection(self._read_words()).difference(at)
            self._lookups = frozenset()
        if len(wanted) <= _SEARCHED:
            return {w: self.word_starts(w) for w in words}
        self._read_words()
        find = self._spaced.find
        # each wanted word: where it stands (filled here), its needle, its length and a space
        table: dict[str, tuple[list[int], str, int]] = {w: ([], " " + w + " ", len(w) + 1) for w in wanted}
        i = 0
        for word in filter(wanted.__contains__, self._parts):
            # no other whole wanted word stands between the last one and this one
            found, needle, step = table[word]
            i = find(needle, i)
            found.append(i)  # the text's offset: one space pads the front of ``spaced``
            i += step
        for w, (found, _, _) in table.items():
            at[w] = found
        return {w: at[w] for w in words}

    def word_starts(self, word: str) -> list[int]:
        """Where ``word`` (lower-case letters a to z) stands as one of ``words()``, in order:
        searched after a space in the text of those words, and kept where a space follows.
        (A needle that ends in a space is searched several times slower: ``str.find`` skips
        ahead by the needle's last character.)"""
        found = self._at.get(word)
        if found is None:
            self._read_words()
            spaced, needle, end = self._spaced, " " + word, len(word) + 1
            found = []
            i = spaced.find(needle)
            while i >= 0:
                if spaced[i + end] == " ":
                    found.append(i)  # the text's offset: one space pads the front of ``spaced``
                i = spaced.find(needle, i + end)
            self._at[word] = found
        return found

    def occurrences(self, words: tuple[str, ...], case_blind: bool = False) -> list[int]:
        """Every start of any of ``words`` in the text, or in the case-blind text (which must
        exist), in the order ``occurrences`` gives them; each list is searched once."""
        key = ("lower" if case_blind else "", words)
        found = self._found.get(key)
        if found is None:
            where = self.case_blind() if case_blind else self.text
            if where is None:
                raise ValueError("the text has no case-blind form")
            found = self._found[key] = list(occurrences(where, words))
        return found

    def share_words(self, other: Starts) -> None:
        """Take ``other``'s words (``words``, ``word_starts``), for a text whose runs of a to z,
        lower-cased, are those of ``other``'s text at the same offsets (the caller knows: an
        article's skeleton, where only characters that read as no letter were replaced)."""
        self._words, self._spaced, self._parts = other.words(), other._spaced, other._parts
        self._at.update(other._at)

    def finditer(self, rx: re.Pattern[str], words: Iterable[str], reach: int = 0) -> Iterator[re.Match[str]]:
        """The matches of ``rx.finditer(text)``, when every match starts at most ``reach``
        characters before one of ``words`` (lower-case when ``rx`` ignores case) or at the start
        of the text."""
        case_blind = bool(rx.flags & re.IGNORECASE)
        if case_blind and self.case_blind() is None:
            yield from rx.finditer(self.text)
            return
        words = tuple(words)
        if _alternation(words) is None and len(words) > 1:  # searched word by word: each word's list is kept
            hits: list[int] = []
            for word in words:
                hits += self.occurrences((word,), case_blind)
        else:
            hits = self.occurrences(words, case_blind)
        yield from self.matches_at(rx, hits, reach)

    def matches_at(self, rx: re.Pattern[str], hits: Iterable[int], reach: int = 0) -> Iterator[re.Match[str]]:
        """The matches of ``rx.finditer(text)``, when every match starts at most ``reach``
        characters before one of ``hits`` or at the start of the text."""
        candidates = set(hits)
        candidates.add(0)
        if reach:
            for i in list(candidates):
                candidates.update(range(max(0, i - reach), i))
        free = 0  # where the last match ended: finditer's matches do not overlap
        for i in sorted(candidates):
            if i >= free:
                m = rx.match(self.text, i)
                if m is not None:
                    yield m
                    free = max(m.end(), i + 1)
