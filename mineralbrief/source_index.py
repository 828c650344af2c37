"""The article, prepared once for every check of a brief against it (``SourceIndex``).

A quote is looked for verbatim, then with its quotes and dashes unified, then in the article's
normalised form (whitespace, quotes, dashes, case, Markdown escapes; ``domain.matching``), whose
map gives offsets in the original text; a name, a ticker, a number or a date is looked up in
what the article writes. Split from grounding.py, which checks a brief against it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from functools import cached_property

from rapidfuzz import fuzz

from .domain.dated import dates_written, full_dates, month_days
from .domain.elements import CHEMISTRIES, elements_named
from .domain.gazetteer import find_gazetteer
from .domain.injection import blank
from .domain.language import english_further_on, language_of
from .domain.matching import Normalised, name_form, name_key, normalise, unify_quotes
from .domain.named import SYMBOL, after_a_word
from .domain.orgs import EXCHANGES
from .domain.worded import worded_numbers, worded_quantities
from .domain.written import Quantity, numbers_in, plain_number, quantities, scaled_numbers

FUZZY_THRESHOLD = 90.0

_HANGUL = re.compile("[\uac00-\ud7a3]")
_CAPITALISED = re.compile(r"\b[A-Z][\w&'-]{2,}")
_UNSPACED = re.compile("[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")  # kana and CJK ideographs
_RUN = re.compile(r"[^\W_]+")  # letters and digits: what ``writes_as_is`` reads (str.isalnum) as one word
# the names a brief's check looks for through the article before the sets of its words are made
# (a few dozen: a brief's entities, parties and the names its words write; the sets cost more)
_SEARCHED_NAMES = 64
_EXCHANGE_NAME = re.compile(r"(?:" + EXCHANGES + r")\b")  # (a word starts at it: ``after_a_word``)
_EXCHANGE_MARKS = re.compile(r"[\s.-]")


# a listing the article writes: its exchanges (one or several: "NYSE/TSX", "NYSE, TSX") before a
# colon, and the symbol after it ("(ASX: REE)", "NYSE American: UAMY", "HKEX: 1211"); read from
# each colon (a pass of the pattern over the article, tried at every character, cost ~0.7 ms on
# a 13 KB release), a word starting at the first exchange (``after_a_word``)
_LISTED_EXCHANGES = re.compile(r"((?:" + EXCHANGES + r")(?:\s*(?:/|,|&|\band\b)\s*(?:" + EXCHANGES + r"))*)\s*\Z")
_LISTED_SYMBOL = re.compile(r"\s*" + SYMBOL)
_LISTED_APART = re.compile(r"\s*(?:/|,|&|\band\b)\s*")
_SCALE_AFTER = re.compile(r"\s?[A-Za-z]+")  # (to show a misscaled number: "400 billion")
_TICKER_PARTS = re.compile(r"[\s:,;()]+")  # a brief's ticker's parts ("ASX: REE": "ASX" and "REE")


def _as_written(q: Quantity) -> str:
    """A quantity written out in digits, as ``numbers_in`` gives it: ("4", 8) is "400000000"."""
    digits, power = q[0], q[1]
    if power >= 0:
        return digits + "0" * power
    digits = digits.rjust(1 - power, "0")
    return plain_number(digits[:power] + "." + digits[power:])


def _venue(exchange: str) -> str:
    """An exchange's name in one form: "TSX-V", "TSX.V", "TSX V" and "TSXV" are one venue,
    as are "NYSE American" and "NYSEAMERICAN", "Nasdaq" and "NASDAQ"."""
    return _EXCHANGE_MARKS.sub("", exchange).upper()


class SourceIndex:
    """The article, prepared once for every check of a brief against it.

    Each part is built on first use and kept: the normalised text with its offset map (only
    when a quote is not found verbatim), the article's names, its numbers.
    """

    def __init__(
        self, text: str, extra_aliases: Iterable[str] = (), elements: Iterable[str] | None = None,
        blocked: Iterable[tuple[int, int]] = (), language: str | None = None,
    ) -> None:
        self.text = text
        if language is not None:  # already read by the caller
            self.__dict__["language"] = language
        # passages addressed to a model: never evidence, their names and numbers never facts
        self.blocked = sorted(blocked)
        self._facts_text = blank(text, self.blocked) if self.blocked else text
        if elements is not None:  # already scanned by the domain layer
            self.__dict__["elements"] = frozenset(elements)
        self.extra_aliases = {key for key in map(name_key, extra_aliases) if key}
        self._lookups = 0  # names looked for (``has_name``)
        # ``writes_as_is``'s answers: a brief asks again for what it writes again (a deal's party
        # and its ticker in each deal; ``has_name`` for a ticker's symbol ``writes_ticker`` just read)
        self._as_is: dict[str, bool] = {}
        self._scaled_as_is: dict[str, bool] = {}  # (``_writes_scaled``'s, the same)

    @cached_property
    def _normalised(self) -> Normalised:
        return Normalised(self.text)

    @property
    def norm(self) -> str:
        """The article in its matching form (``normalise(text)``)."""
        return self._normalised.norm

    @cached_property
    def _unified(self) -> str:
        """The article with its quotes, dashes and no-break spaces unified: same length, same
        offsets, so a quote that differs only in those is found by ``str.find``."""
        return unify_quotes(self.text)

    def at(self, quote: str, start: int | None, end: int | None) -> bool:
        """True when ``quote`` stands verbatim at ``text[start:end]`` (offsets verified, not trusted)."""
        return start is not None and end is not None and 0 <= start < end <= len(self.text) and (
            self.text[start:end] == quote)

    @cached_property
    def name_space(self) -> str:
        return " " + name_form(self._facts_text) + " "

    @cached_property
    def numbers(self) -> frozenset[str]:
        return frozenset(numbers_in(self._facts_text))

    @cached_property
    def dates(self) -> frozenset[date]:
        """The full dates the article writes (read when a brief writes a date)."""
        return frozenset(d.value for d in full_dates(self._facts_text))

    @cached_property
    def month_days(self) -> frozenset[tuple[int, int]]:
        """The months and days the article writes, with a year or without ("March 3"), or in
        digits ("01/07/2027": the first of July or the seventh of January): read when a brief
        writes a full date ``dates`` does not hold."""
        return month_days(self._facts_text) | {(day.month, day.day) for _, _, days in dates_written(self._facts_text)
                                               for day in days}

    def writes_date(self, days: Iterable[date]) -> bool:
        """True when the article writes one of ``days``: as a full date, or its month and day
        ("March 3") with its year written too (a brief's "March 3, 2026" of an article that
        writes "on March 3" under a 2026 dateline)."""
        return any(day in self.dates or (day.month, day.day) in self.month_days and str(day.year) in self.numbers
                   for day in days)

    def unwritten_dates(self, text: str) -> list[str]:
        """The full dates ``text`` writes that the article does not ("March 1, 2027" or
        "2027-03-01" for its "July 1, 2027"; ``writes_date``)."""
        return [text[start:end] for start, end, days in dates_written(text) if not self.writes_date(days)]

    @cached_property
    def quantities(self) -> frozenset[Quantity]:
        """The quantities the article writes, in its scales and as one (``written.quantities``):
        read when a brief writes a number the article does not write in digits."""
        return quantities(self._facts_text)

    @cached_property
    def worded_quantities(self) -> frozenset[tuple[str, int]]:
        """The quantities the article writes in words ("five million"), as digits and a power of ten."""
        return frozenset(q[:2] for _, q in worded_quantities(self._facts_text))

    @cached_property
    def worded_numbers(self) -> frozenset[str]:
        """The numbers the article writes in words ("seven-year", "the third quarter"), in digits."""
        return worded_numbers(self._facts_text)

    @cached_property
    def elements(self) -> frozenset[str]:
        return frozenset(elements_named(self._facts_text))

    @cached_property
    def spelled_elements(self) -> frozenset[str]:
        """The elements of the cathode chemistries the article writes as acronyms ("NMC": nickel,
        manganese, cobalt), which a brief may spell out (read when a brief's own words name an
        element ``elements`` does not hold)."""
        return frozenset(element for acronym, elements in CHEMISTRIES.items() if self.writes_as_is(acronym)
                         for element in elements)

    @cached_property
    def language(self) -> str:
        """``language_of(text)``, read from the article's opening (given when the caller has it)."""
        return language_of(self.text)

    @cached_property
    def english(self) -> bool:
        """Whether the article is in English: a brief's own words name its companies as it does
        (a brief in English of an article in Chinese writes their names in another script). An
        article that opens in another language is read further on (``english_further_on``)."""
        return self.language == "en" or english_further_on(self.text)

    @cached_property
    def latin(self) -> bool:
        """Whether the article is written in the Latin script, in English or not: a brief in
        English of a Spanish or French one names its well-known companies as the gazetteer
        knows them, but may translate a name ending in a legal word."""
        return self.english or self.language == "other"

    @cached_property
    def companies(self) -> frozenset[str]:
        """The well-known companies (the gazetteer's canonical names) the article names, in any
        of their forms ("Ford" names Ford Motor Company)."""
        return frozenset(canon for canon, _, _, _ in find_gazetteer(self._facts_text))

    @cached_property
    def injected_words(self) -> frozenset[str]:
        """The capitalised words (name keys) that only passages addressed to a model write:
        a brief that writes one, in any words of its own, repeats the injection."""
        found = set()
        for start, end in self.blocked:
            for word in _CAPITALISED.findall(self.text[start:end]):
                key = name_key(word)
                if key and f" {key} " not in self.name_space:
                    found.add(key)
        return frozenset(found)

    def echoed(self, text: str) -> list[str]:
        """The capitalised words of ``text`` that only passages addressed to a model write."""
        return [w for w in _CAPITALISED.findall(text) if name_key(w) in self.injected_words]

    def in_blocked(self, start: int, end: int) -> bool:
        """True when [start, end) overlaps a passage addressed to a model."""
        return bool(self.blocked) and any(s < end and start < e for s, e in self.blocked)

    def find(self, quote: str) -> tuple[int, int, float] | None:
        """Where ``quote`` stands in the article: (start, end, score) or None.

        Tried in order, cheapest first: the quote verbatim; with its quotes, dashes and spaces
        unified; its normalised form in the normalised article (all three score 100); the best
        fuzzy alignment (rapidfuzz partial ratio), when it scores at least ``FUZZY_THRESHOLD``.
        """
        written = quote.strip()
        # a quote that writes a letter or a digit has a matching form (``normalise``, ~3 us a
        # quote: made only when the quote is not found as written); one that writes none may not
        if not (written[:1].isalnum() or _RUN.search(written)) and not normalise(quote):
            return None
        pos = self.text.find(written)
        if pos >= 0:
            return pos, pos + len(written), 100.0
        # (the unified article is made only for a quote not found as written: ~50 us a fresh
        # 13 KB article, where a model's quotes mostly are)
        needle = unify_quotes(written)
        pos = self._unified.find(needle)
        if pos >= 0:
            return pos, pos + len(needle), 100.0
        q = normalise(quote)
        norm = self.norm
        pos = self._normalised.find(q)
        if pos >= 0:
            return (*self._normalised.span(pos, pos + len(q)), 100.0)
        if len(q) < 12 or not norm:  # too short for a fuzzy match to mean anything
            return None
        hit = fuzz.partial_ratio_alignment(q, norm, score_cutoff=FUZZY_THRESHOLD)
        if hit is None or hit.dest_end <= hit.dest_start:
            return None
        return (*self._normalised.span(hit.dest_start, hit.dest_end), float(hit.score))

    @cached_property
    def name_words(self) -> frozenset[str]:
        """The words of ``name_space``: a name's words looked up one by one, where a search of
        the article for each name a brief writes grew with both (a brief's reason, which has no
        length limit, may name thousands)."""
        return frozenset(self.name_space.split())

    @cached_property
    def _runs(self) -> frozenset[str]:
        """The article's runs of letters and digits, as written and through its Markdown emphasis
        (read when a name's words are not all among ``name_words``: then only ``writes_as_is``
        may still find it)."""
        return frozenset(_RUN.findall(" ".join(self._as_read)))

    def has_name(self, name: str) -> bool:
        """True when the article writes ``name`` (modulo dots, case, accents and legal suffix)."""
        key = name_key(name)
        if not key:
            return False
        if key in self.extra_aliases:
            return True
        self._lookups += 1
        if self._lookups > _SEARCHED_NAMES and not (_UNSPACED.search(key) or _HANGUL.search(key)):
            # answered from sets where they can be: the name key written is a run of whole words
            # of ``name_space`` (one word: the set says so), and a name written as given stands
            # apart from letters and digits, so each of its runs is one of the article's
            words = self.name_words
            if " " not in key and key in words:
                return True
            if not all(map(words.__contains__, key.split())) and not all(map(self._runs.__contains__,
                                                                              _RUN.findall(name))):
                return False
        if self.writes_as_is(name):  # written as given: no need of the normalised text
            return True
        if _UNSPACED.search(key):  # Chinese and Japanese write no spaces around a name
            return key in self.name_space
        if _HANGUL.search(key):  # Korean writes a particle right after a name: "포스코퓨처엠과"
            return f" {key}" in self.name_space
        return f" {key} " in self.name_space

    def writes_as_a_name(self, word: str) -> bool:
        """True when the article writes ``word`` (a surname) as a name: as it is, in capitals, or
        (``has_name``) in another form of its letters ("Løseth" for "Loseth", "Pérez" for
        "Perez") and never in lower case: an article on an export "ban" names no Mr. Ban."""
        self._lookups += 1
        return (self._writes(word) or self._writes(word.upper())
                or self.has_name(word) and not self._writes(word.lower()))

    def _writes(self, token: str) -> bool:
        """``writes_as_is(token)``, or, once many names were looked up (each a search through the
        article: names x article), whether the article writes each of its runs of letters and
        digits as a run of its own, from a set."""
        if self._lookups > _SEARCHED_NAMES:
            runs = _RUN.findall(token)
            return bool(runs) and all(map(self._runs.__contains__, runs))
        return self.writes_as_is(token)

    @cached_property
    def venues(self) -> frozenset[str]:
        """The exchanges the article writes, each as ``_venue`` gives it (read when a brief
        writes a listing)."""
        return frozenset(_venue(m.group()) for m in after_a_word(_EXCHANGE_NAME, self._facts_text))

    def writes_ticker(self, ticker: str) -> bool:
        """True when the article writes each part of ``ticker`` ("ASX: REE": "ASX" and "REE"),
        the symbol as it is written, in capitals (else "ASX: RARE", or "ASX: rare", is any article
        on "rare earths"; the exchange may be written "Nasdaq", or "TSX-V" for "TSXV")."""
        parts = [tok for tok in _TICKER_PARTS.split(ticker) if tok]
        if not parts:
            return True
        symbol = parts[-1]
        capitals = symbol.isupper() or not any(c.isalpha() for c in symbol)  # (a symbol may be digits)
        if not (capitals and self.writes_as_is(symbol) and self.has_name(symbol)):
            return False
        if len(parts) == 1:
            return True
        exchanges = _LISTED_APART.split(" ".join(parts[:-1]))  # ("TSX/NYSE: LAC": each)
        listed = self.listings.get(symbol)
        if listed is not None:  # the article lists the symbol: on these exchanges ("ASX: GM" is no "NYSE: GM")
            return all(_venue(one) in listed for one in exchanges)
        # each exchange by its words, or written another way: "TSX-V" is no word "TSXV" of the article
        return all(all(map(self.has_name, one.split())) or _venue(one) in self.venues for one in exchanges)

    @cached_property
    def listings(self) -> dict[str, frozenset[str]]:
        """Each symbol the article lists after an exchange and a colon, with those exchanges (as
        ``_venue`` gives them): "(NYSE/TSX: LAC)" lists LAC on both (read when a brief writes a
        listing). An exchange of several words is also its first ("NYSE" of "NYSE American")."""
        found: dict[str, set[str]] = {}
        text = self._facts_text
        colon = text.find(":")
        while colon >= 0:
            symbol = _LISTED_SYMBOL.match(text, colon + 1)
            exchanges = next(after_a_word(_LISTED_EXCHANGES, text, max(0, colon - 80), colon), None) if symbol else None
            if symbol is not None and exchanges is not None:
                venues = found.setdefault(symbol.group(1), set())
                for exchange in _LISTED_APART.split(exchanges.group(1)):
                    venues.update((_venue(exchange), _venue(exchange.split()[0])))
            colon = text.find(":", colon + 1)
        return {symbol: frozenset(venues) for symbol, venues in found.items()}

    @cached_property
    def _as_read(self) -> tuple[str, ...]:
        """The article as ``writes_as_is`` reads it: as written, and without its Markdown emphasis
        when it has any (made once: each name looked up searched the article for "*" and
        copied it)."""
        text = self._facts_text
        return (text, text.replace("*", "")) if "*" in text else (text,)

    def writes_as_is(self, token: str) -> bool:
        """True when the article writes ``token`` as it is, no letter or digit next to it, or so
        once its Markdown emphasis is read through ("ASX: RE**E" writes "REE", as a reader sees).
        (``str.find``, not a pattern: one opening with a lookbehind is tried at every character,
        ~45 us on a 13 KB article, for each ticker of a brief.)"""
        known = self._as_is.get(token)
        if known is None:
            known = self._as_is[token] = self._searched_as_is(token)
        return known

    def _searched_as_is(self, token: str) -> bool:
        for text in self._as_read:
            i = text.find(token)
            while i >= 0:
                end = i + len(token)
                if not (i and text[i - 1].isalnum()) and not text[end:end + 1].isalnum():
                    return True
                i = text.find(token, i + 1)
        return False

    def writes_amount(self, text: str, scales: bool = True) -> bool:
        """True when ``text`` holds a number and the article writes each of its numbers, each
        in its scale ("US$400 billion" is no article's "US$400 million"; with ``scales`` False,
        the caller knows ``misscaled`` finds none)."""
        digits = numbers_in(text)
        return bool(digits) and all(d in self.numbers for d in digits) and not (scales and self.misscaled(text))

    def misscaled(self, text: str) -> list[str]:
        """The numbers ``text`` writes with a scale of thousands or more after them ("$400
        billion") whose digits the article writes, but with that quantity in no scale ("$400
        million" only): the article's numbers with such a scale after them and its numbers as
        written are read first, its quantities in every scale (``quantities``) only when those fail."""
        out = []
        for start, end, q in scaled_numbers(text, self._writes_scaled):
            written = text[start:end]
            if plain_number(written) not in self.numbers:
                continue  # a number the article does not write in digits: ``written.unwritten`` reads it
            if q[:2] in self._scaled or _as_written(q) in self.numbers or q[:2] in self.worded_quantities:
                continue
            if (q[0], q[1], True) in self.quantities or (q[0], q[1], False) in self.quantities:
                continue  # ("$1,500m" for the article's "$1.5 billion"; a sum or not, as before)
            scale = _SCALE_AFTER.match(text, end)
            out.append(written + (scale.group() if scale else ""))
        return out

    def _writes_scaled(self, written: str) -> bool:
        """True when the article writes ``written`` (a number and its scale: "400 million") as it
        is, a whole number ("1,400 million" writes no "400 million"). (Kept: a brief writes its
        sums again, in a key point, a deal's title and its amounts.)"""
        known = self._scaled_as_is.get(written)
        if known is None:
            known = self._scaled_as_is[written] = self._searched_scaled(written)
        return known

    def _searched_scaled(self, written: str) -> bool:
        text = self._facts_text
        i = text.find(written)
        while i >= 0:
            end = i + len(written)
            if not (text[end:end + 1].isalnum() or i and (text[i - 1].isdigit() or text[i - 1] in ".,"
                                                          and text[i - 2:i - 1].isdigit())):
                return True
            i = text.find(written, i + 1)
        return False

    @cached_property
    def _scaled(self) -> frozenset[tuple[str, int]]:
        """The quantities of the article's numbers with a scale of thousands or more after them,
        as digits and a power of ten ("$400 million": ("4", 8))."""
        return frozenset(q[:2] for _, _, q in scaled_numbers(self._facts_text))
