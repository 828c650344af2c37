"""How numbers are written: the numbers a text writes in digits, in its scales and forms, and
the values an amount's text states. Grounding holds a brief's numbers and amounts to these
(``unwritten``: the numbers of a brief's own words the article writes in no form; those written
in words are read in worded.py).

Split from grounding.py, which checks a brief against them.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import Protocol

from .anchored import outside_ascii, shape_of
from .dated import full_dates, numeric_dates
from .numbers import find_amounts

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_DIGIT = re.compile(r"\d")
# The characters a number is written with kept, every other byte a space (each byte of a
# character outside ASCII in UTF-8 too).
_NUMBER_CHARS = bytes(c if chr(c) in "0123456789.," else 32 for c in range(256))
_THOUSANDS = re.compile(r",(?=\d{3}\b)")
# what is written before a year written short: an apostrophe ("'28", "\u201928"), a fiscal or
# calendar year's mark ("FY28", "CY 28"), or an analyst's quarter or half ("4Q28", "1H 28"):
# 2028, or 1928 (matched up to the two digits)
SHORT_YEAR = re.compile("(?:(?<![\\w'\u2018\u2019])['\u2018\u2019]|(?<![A-Za-z])[FC]Y[ -]?"
                        "|(?<!\\w)(?:[1-4]Q|[12]H) ?)\\Z")
# a number the article writes as a Roman numeral ("Phase II"), as a brief writes it in digits
ROMAN = {n: r for n, r in enumerate("II III IV V VI VII VIII IX X XI XII".split(), 2)}


def _numbers_written(text: str) -> list[str]:
    """``NUMBER.findall(text)``. When every digit is ASCII, the runs of 0-9 . , are cut out of the
    text's UTF-8 bytes by ``bytes.translate`` (every other byte a space) and searched joined: a
    pattern opening with ``\\d`` is tried at every character (~160 us on a 13 KB release, ~40 us
    this way; on a short text, a claim of a brief, the pattern is quicker). (UTF-8, not ASCII
    with "?" for the others: ``str.encode`` with an error handler reads a text character by
    character, ~20 us of a 13 KB release that writes one dash outside ASCII.)"""
    if len(text) < 256:
        return NUMBER.findall(text)
    if not text.isascii() and _DIGIT.search(outside_ascii(text)):
        return NUMBER.findall(text)  # a digit of another script
    data = text.encode("utf-8", "surrogatepass")
    # (a match cannot reach past its run: searched there, it is the same)
    return NUMBER.findall(b" ".join(data.translate(_NUMBER_CHARS).split()).decode("ascii"))


def numbers_in(text: str) -> list[str]:
    """The numbers written in ``text``, thousands separators removed (``1,800`` -> ``1800``)."""
    return [plain_number(n) for n in _numbers_written(text)]


def plain_number(n: str) -> str:
    """A number as ``numbers_in`` gives it: no thousands separators, no trailing decimal zeros."""
    if "," in n:
        n = _THOUSANDS.sub("", n)
    return n.rstrip("0").rstrip(".") if "." in n else n


# a scale written next to a number, so a value a model parses from it may be scaled: "1.5Mt" is
# 1.5e6 tonnes, "15%" 0.15, "8.5 cents" 0.085, "$100-150 million" 1.5e8 at its upper end
_SCALES = {"k": 1e3, "thousand": 1e3, "kt": 1e3, "ktpa": 1e3, "koz": 1e3, "klb": 1e3, "lakh": 1e5,
           "m": 1e6, "mm": 1e6, "mn": 1e6, "mln": 1e6, "mio": 1e6, "million": 1e6, "millions": 1e6,
           "mt": 1e6, "mtpa": 1e6, "moz": 1e6, "mlb": 1e6, "mlbs": 1e6, "crore": 1e7,
           "b": 1e9, "bn": 1e9, "bln": 1e9, "billion": 1e9, "billions": 1e9, "mrd": 1e9, "milliard": 1e9,
           "milliarden": 1e9, "tn": 1e12, "trn": 1e12, "trillion": 1e12,
           "millones": 1e6, "milliards": 1e9,  # (Spanish, French)
           "\u4e07": 1e4, "\u4ebf": 1e8, "\u4e07\u4ebf": 1e12,  # (Chinese: ten thousand, 1e8, 1e12)
           "%": 1e-2, "percent": 1e-2, "pct": 1e-2, "cent": 1e-2, "cents": 1e-2, "c": 1e-2, "\u00a2": 1e-2}
_SCALE = re.compile("(?<=\\d)\\s*(per\\s*cent|%|\u00a2|\u4e07\u4ebf|[\u4e07\u4ebf]|[a-z]+)", re.IGNORECASE)


def _as_float(n: str) -> float | None:
    """A number as ``numbers_in`` gives it, as a float; a comma left after the thousands
    separators is a decimal comma ("\u20ac1,2 Mrd.")."""
    try:
        return float(n.replace(",", ".") if n.count(",") == 1 and "." not in n else n)
    except ValueError:
        return None


# the rest of a range after its first number: "-2", " to 2", "\u2013US$2"
_RANGE_REST = re.compile("\\s*(?:-|\u2013|\u2014|to)\\s*(?:US|A|C)?[$\u20ac\u00a3\u00a5\u20b9]?\\d+(?:[.,]\\d+)*")


# what follows an "m" that counts millions of something: a word, after a space or a hyphen ("12m-tonne"),
# not one of a length ("deep", "at" of a drill intercept, "shaft")
_LENGTH_WORDS = ("deep long wide high tall thick at of below above from to and or in x depth shaft shafts hole "
                 "holes drill drillhole drillholes decline tunnel interval intervals intercept intercepts section "
                 "downhole vertical radius elevation").split()
_MILLION_OF = re.compile(r"[ \u00a0-](?!(?:" + "|".join(_LENGTH_WORDS) + r")\b)[a-z]", re.IGNORECASE)


# a scale joined to its number by a hyphen, as an adjective: "a $1.5-billion loan" (a word, not
# a letter: "Form 10-K", "Phase 2-B")
_HYPHENED = re.compile(r"-(thousand|million|billion|trillion|bn|mln|bln|mn)\b", re.IGNORECASE)


def _scale_of(text: str, end: int, is_sum: bool) -> float | None:
    """The scale of a number ending at ``end``: written after it, or after the range it opens
    ("$1.5-2 billion" is 1.5e9 to 2e9, "5-10%" 0.05 to 0.1). An "m" after a number that is no
    sum is a million only before a word of what it counts ("3.4m shares"): else it is metres as
    often ("drilled 200m.", "a 1,500m-deep shaft", "25m at 1.2% TREO")."""
    m: re.Match[str] | None = _SCALE.match(text, end)
    if m is None or _scale_key(m.group(1)) not in _SCALES:
        m = _HYPHENED.match(text, end)
        r = _RANGE_REST.match(text, end) if m is None else None
        if r is not None:
            m = _SCALE.match(text, r.end())
    if m is None:
        return None
    word = _scale_key(m.group(1))
    if not is_sum and word == "m" and not _MILLION_OF.match(text, m.end()):
        return None
    return _SCALES.get(word)


def _scale_key(word: str) -> str:
    return ("".join(word.split()) if " " in word or not word.isalpha() else word).lower()


# a quantity, exactly: its significant digits, the power of ten they are scaled by, and whether
# it is a sum ("$1.5 billion" and "US$1,500m" are both ("15", 8, True)); floats rounded to nine
# digits made "$1,500,000,001" the article's "$1.5 billion", and a number past 1e308 equal to
# any other; a sum is no tonnage ("$50bn" is not the article's "50,000 mt", nor "a 1,500m-deep
# shaft" its "$1.5 billion")
Quantity = tuple[str, int, bool]
# a currency written before a number ("$", "US$", "A$ ", "€", "USD ") or after it and its
# scale ("1.5 billion dollars", "1,500 million US dollars")
_CURRENCY_CODE = re.compile(r"\b(?:USD|AUD|CAD|NZD|HKD|SGD|EUR|GBP|CHF|JPY|CNY|RMB|INR|KRW|ZAR|BRL|CLP)\s?\Z")
# (Chinese writes no space or word boundary after one: "45\u4ebf\u7f8e\u5143\u7684")
_CURRENCY_WORD = re.compile("\\s*(?:(?:US\\s)?(?:dollars?|euros?|pounds sterling|yuan|renminbi|yen|rupees?)\\b"
                            # (Spanish, Portuguese, French: "millones de d\u00f3lares", "milliards d'euros")
                            "|(?:de\\s+|d['\u2019])(?:d[\u00f3o]lares|dollars|euros|reais|pesos)\\b"
                            "|\u7f8e\u5143|\u4eba\u6c11\u5e01|\u5143)", re.IGNORECASE)


def _currency_before(text: str, start: int) -> bool:
    before = text[max(0, start - 4):start]
    return any(c in "$\u20ac\u00a3\u00a5\u20b9" for c in before[-3:]) or _CURRENCY_CODE.search(before) is not None


# a range's first number, its scale and what joins it to the number that follows: "$1.5-",
# "US$1.5 to ", "$12m-", "$12 million to "
_RANGE_OPEN = re.compile("(\\d+(?:[.,]\\d+)*)\\s*(?:[A-Za-z]{1,8}\\s*)?(?:-|\u2013|\u2014|to)\\s*\\Z")


def _closes_a_range(text: str, start: int) -> bool:
    """Whether what ``_RANGE_OPEN`` ends with stands right before ``start``: a dash or "to" (read
    before the pattern is searched for, tried at each of 40 characters)."""
    while start and text[start - 1].isspace():
        start -= 1
    return start > 0 and (text[start - 1] in "-\u2013\u2014" or text.endswith("to", 0, start))


def _is_sum(text: str, start: int, end: int) -> bool:
    """True when the number at ``text[start:end]`` is a sum: a currency is written before it
    (or before the range it closes: the 2 of "$1.5-2 billion") or after it and its scale."""
    if _currency_before(text, start):
        return True
    m = _RANGE_OPEN.search(text, max(0, start - 40), start) if _closes_a_range(text, start) else None
    if m is not None and _currency_before(text, m.start(1)):
        return True
    m = _SCALE.match(text, end)
    return _CURRENCY_WORD.match(text, m.end() if m is not None else end) is not None


def _exact(n: str, scale: float, is_sum: bool) -> Quantity | None:
    """``n`` (as ``numbers_in`` gives it) times ``scale`` (a power of ten), exactly; None when
    ``n`` is no single number ("15.01.2026")."""
    if n.count(",") == 1 and "." not in n:
        n = n.replace(",", ".")  # a decimal comma ("\u20ac1,2 Mrd."), as ``_as_float`` reads it
    if not n.isascii():  # digits of another script ("\u0661\u0665"), as ``float`` reads them
        n = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in n)
    whole, _, fraction = n.partition(".")
    if not whole.isdigit() or fraction and not fraction.isdigit():
        return None
    digits, power = (whole + fraction).lstrip("0"), round(math.log10(scale)) - len(fraction)
    if not digits:
        return "0", 0, is_sum
    kept = digits.rstrip("0")
    return kept, power + len(digits) - len(kept), is_sum


def quantity(text: str, start: int, end: int) -> Quantity | None:
    """The quantity of the number at ``text[start:end]``: times the scale of thousands or more
    written after it ("$1,500m" is 1.5e9, "10kt" 1e4), as written when none is; None for a
    fraction ("5%", "8 cents": 0.05 is no quantity the text writes as such)."""
    is_sum = _is_sum(text, start, end)
    scale = _scale_of(text, end, is_sum)
    if scale is not None and scale < 1:
        return None
    return _exact(plain_number(_SPACES.sub("", text[start:end])), scale or 1.0, is_sum)


_SPACES = re.compile("[ \u00a0\u2009\u202f]")
# a number (``NUMBER``) with dots between its thousands, and a decimal comma after them or none:
# "2.260", "1.234,5"
_DOT_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
# thousands grouped by spaces, as SI style writes them: "10 000 tonnes", "1 250 000 shares" (a
# digit first, then the lookbehind: the engine skips ahead to the digits, where a pattern that
# opens with the lookbehind is tried at every character, ~340 us of a 13 KB release, ~110 us so)
_SPACED = re.compile("\\d(?<![\\d.,]\\d)\\d{0,2}(?:[ \u00a0\u2009\u202f]\\d{3})+(?!\\d|[.,]\\d)")


def spaced_quantities(text: str) -> Iterator[tuple[int, int, Quantity | None]]:
    """The numbers ``text`` writes with spaces between their thousands ("10 000 tonnes"), each
    (start, end, its quantity, None for a fraction), in order."""
    for m in _SPACED.finditer(text):
        yield m.start(), m.end(), quantity(text, m.start(), m.end())


def quantities(text: str) -> frozenset[Quantity]:
    """The quantities ``text`` writes in digits: each number as written and, with a scale of
    thousands or more after it, times that scale ("$1.5 billion" is 1.5 and 1.5e9, "1.2 million
    shares" 1.2e6), each a sum or not; a number with spaces between its thousands ("10 000
    tonnes") as one. A brief that writes one in another scale ("$1,500m", "1,200,000 shares",
    "10kt" for "10,000 tonnes") writes the article's quantity."""
    found: set[Quantity] = set()
    written_so = [(m.start(), m.end(), m.group()) for m in NUMBER.finditer(text)]
    numbers = ((start, end, plain_number(n)) for start, end, n in written_so)
    spaced = ((m.start(), m.end(), _SPACES.sub("", m.group())) for m in _SPACED.finditer(text))
    # dots between the thousands, as Spanish, Portuguese and German write them ("2.260 millones",
    # "1.234,5"): read that way too (an English "2.260" is 2.26: both readings are the article's)
    grouped = ((start, end, plain_number(n.replace(".", "").replace(",", ".")))
               for start, end, n in written_so if "." in n and _DOT_GROUPED.fullmatch(n))
    for start, end, n in itertools.chain(numbers, spaced, grouped):
        is_sum = _is_sum(text, start, end)
        written = _exact(n, 1.0, is_sum)
        if written is None:
            continue
        found.add(written)
        scale = _scale_of(text, end, is_sum)
        scaled = _exact(n, scale, is_sum) if scale is not None and scale >= 1e3 else None
        if scaled is not None:
            found.add(scaled)
    return frozenset(found)


# What a number with a scale after it looks like once ``_SCALE_SHAPE`` has cut a text down to it:
# a digit ("0"), blank space (" ", each byte of a character outside ASCII too: a no-break or a thin
# space), a hyphen, and the letters a scale of thousands or more starts with ("k" for k, m, b and l:
# k, kt, lakh, m, million, b, bn, ...; "t" and a letter but "o": thousand, tn, trillion, not
# tonnes; "c" and "r": crore): "0k" of "$400m", "0 k" of "$400 million"
_SCALE_SHAPE = bytes(ord("0") if chr(c).isdigit() else ord("k") if chr(c) in "kmblKMBL"
                     else c | 0x20 if chr(c) in "tcorTCOR"
                     else ord(" ") if chr(c) in " \t\n" or c >= 128 else ord("-") if c == ord("-") else ord(".")
                     for c in range(256))
_SCALED_SHAPE = re.compile(rb"0 {0,3}-?(?:k|t[^o]|cr)")


def scaled_numbers(text: str, known: Callable[[str], bool] | None = None) -> Iterator[tuple[int, int, Quantity]]:
    """The numbers ``text`` writes with a scale of thousands or more after them ("$400 million",
    "25kt", the 1.5 and the 2 of "$1.5-2 billion"), each (start, end, its quantity times that
    scale), in order; those for which ``known`` holds of the number and its scale as written
    ("400 million") left out. (Found where the text's shape, cut out of its UTF-8 bytes by
    ``bytes.translate``, has a digit before such a scale's first letter: a pattern opening with
    ``\\d``, tried at every character, cost ~30 us of a brief's 2.4 KB.)"""
    if len(text) < 256 or "\u4e07" in text or "\u4ebf" in text:  # (a short text, or Chinese scales: every number read)
        ends = [m.end() for m in NUMBER.finditer(text)]
    else:
        # (a character's UTF-8 bytes after its first deleted: one byte for each character)
        shape = shape_of(text, _SCALE_SHAPE)
        ends = [m.start() + 1 for m in _SCALED_SHAPE.finditer(shape)]
    seen = set()
    for end in ends:
        after = _SCALE.match(text, end)
        if (after is None or _SCALES.get(_scale_key(after.group(1)), 0) < 1e3) and not _HYPHENED.match(text, end):
            continue  # "25,000 tonnes", "2027 to"
        start = end
        while start and text[start - 1] in "0123456789.,":
            start -= 1
        while text[start] in ".,":  # (", 2027": the comma is no number's)
            start += 1
        spans = [(start, end)]
        opened = _RANGE_OPEN.search(text, max(0, start - 40), start) if _closes_a_range(text, start) else None
        if opened is not None:  # "$1.5-2 billion": the 1.5 is 1.5e9 too
            spans.insert(0, opened.span(1))
        elif known is not None and after is not None and known(text[start:after.end()]):
            continue
        for start, stop in spans:
            if start in seen:
                continue
            seen.add(start)
            is_sum = _is_sum(text, start, stop)
            scale = _scale_of(text, stop, is_sum)
            if scale is not None and scale >= 1e3:
                q = _exact(plain_number(text[start:stop]), scale, is_sum)
                if q is not None:
                    yield start, stop, q


def states_value(text: str, value: float) -> bool:
    """True when ``value`` is a value ``text`` writes: an amount it states ("$1.2 billion" is
    1.2e9) or one of its numbers ("1,800-acre" is 1800), as written or times a scale the text
    writes next to a number ("15%" is 15 or 0.15, "1.5Mt" 1.5 or 1.5e6, "$100-150 million" 1e8
    or 1.5e8). The text is checked against the article; the value, a model's parse of it,
    against the text."""
    def near(values: Iterable[float]) -> bool:
        return any(abs(v - value) <= 1e-6 * max(abs(v), 1.0) for v in values)

    scales = {1.0}
    for m in _SCALE.finditer(text):
        word = re.sub(r"\s", "", m.group(1)).lower()
        if word in _SCALES:
            scales.add(_SCALES[word])
    found: list[float] = []
    for n in numbers_in(text):
        number = _as_float(n)
        if number is not None:
            found += [number * k for k in scales]
    # the amounts the text states last: the amount scanner costs ~30 us a text, and a number
    # times its scale is what most values are
    return near(found) or near(m.value for m in find_amounts(text) if m.value is not None)


def is_amount(text: str, start: int, end: int) -> bool:
    """True when the number at ``text[start:end]`` is a sum ("$5", "\u20ac5") or a quantity of a
    scale ("5 billion", "5Mt", "5%")."""
    if any(c in "$\u20ac\u00a3\u00a5\u20b9" for c in text[max(0, start - 2):start]):
        return True
    m = _SCALE.match(text, end)
    return m is not None and re.sub(r"\s", "", m.group(1)).lower() in _SCALES


class ArticleNumbers(Protocol):
    """What ``unwritten`` reads of the article (grounding's ``SourceIndex``)."""

    @property
    def numbers(self) -> frozenset[str]: ...
    @property
    def worded_numbers(self) -> frozenset[str]: ...
    @property
    def dates(self) -> frozenset[date]: ...
    @property
    def quantities(self) -> frozenset[Quantity]: ...
    @property
    def worded_quantities(self) -> frozenset[tuple[str, int]]: ...

    def writes_as_is(self, token: str) -> bool: ...


def unwritten(text: str, stray: set[str], article: ArticleNumbers) -> list[str]:
    """The numbers of ``stray`` (ones the article does not write in digits) that ``text``
    writes and the article writes in no form: a count the article writes in words ("7-year"
    for "seven-year", "Q3" for "the third quarter"; never a sum or a scaled quantity, "$5
    billion" is no "five years"; "Phase 2" for "Phase II"), or a year written short ("'28",
    "FY28", "4Q28" or "1H28" for "2028"), or a number of a date the article writes ("2026-01-15" or
    "15/01/2026" for "January 15, 2026"), or a quantity the article writes in another scale
    or with spaces between its thousands ("$1,500m" for "$1.5 billion", "10kt" or "10 000
    tonnes" for "10,000 tonnes"; a sum for a sum; "12\u4e07\u5428" is 120,000 t, "45\u4ebf\u7f8e\u5143"
    $4.5 billion), with a decimal comma ("50,01" for "50.01"), or in words ("1 million" or "300" for "one
    million" or "three hundred", "75%" for "seventy-five per cent") is written."""
    numbers, out = article.numbers, []
    dated: _Spans | None = None  # the text's dates the article writes, read when a stray number needs them
    grouped: _Spans | None = None  # its numbers with spaces between their thousands, the same
    for m in NUMBER.finditer(text):
        n = plain_number(m.group())
        if n not in stray:
            continue
        start, end = m.span()
        if "." in n and n.replace(".", ",") in numbers:
            continue  # "50.01%" for the article's "50,01 %" (a decimal comma)
        if not is_amount(text, start, end) and (n in article.worded_numbers or (
                n.isdigit() and int(n) in ROMAN and article.writes_as_is(ROMAN[int(n)]))):
            continue
        if len(n) == 2 and SHORT_YEAR.search(text, max(0, start - 4), start) and (
                {"19" + n, "20" + n} & numbers):
            continue
        if dated is None:
            written = article.dates
            dated = _Spans([(d.start, d.end, None) for d in full_dates(text) if d.value in written] + [
                (s, e, None) for s, e, days in numeric_dates(text) if not written.isdisjoint(days)])
        if dated.hold(start, end):
            continue  # "2026-01-15", "15/01/2026" or "01/15/2026" for the article's "January 15, 2026"
        q = quantity(text, start, end)
        if q is not None and (q in article.quantities or q[:2] in article.worded_quantities):
            continue  # "$1,500m" for the article's "$1.5 billion", "1 million" for its "one million"
        if q is None and _is_percent(text, end) and (_exact(n, 1.0, False) or ("",))[:2] in article.worded_quantities:
            continue  # "75%" for the article's "seventy-five per cent"
        if grouped is None:
            grouped = _Spans(spaced_quantities(text))
        if grouped.value_of(start, end) in article.quantities:
            continue  # "10 000 tonnes" for the article's "10,000 tonnes"
        out.append(n)
    return out


def _is_percent(text: str, end: int) -> bool:
    m = _SCALE.match(text, end)
    return m is not None and _scale_key(m.group(1)) in ("%", "percent", "pct")


class _Spans:
    """Spans of a text, each with a value, asked in log time whether one holds a given span: a
    brief's text may write tens of thousands of dates (``any`` over them for each number was
    quadratic: 40,000 dates in a question's reason took ~40 s)."""

    def __init__(self, spans: Iterable[tuple[int, int, Quantity | None]]) -> None:
        self.spans = sorted(spans, key=lambda span: span[:2])
        self.starts = [s for s, _, _ in self.spans]
        self.reach = list(itertools.accumulate((e for _, e, _ in self.spans), max))  # the furthest end so far

    def hold(self, start: int, end: int) -> bool:
        i = bisect_right(self.starts, start) - 1
        return i >= 0 and self.reach[i] >= end

    def value_of(self, start: int, end: int) -> Quantity | None:
        """The value of the span that holds ``[start, end)`` when the spans do not overlap, or None."""
        i = bisect_right(self.starts, start) - 1
        return self.spans[i][2] if i >= 0 and self.spans[i][1] >= end else None
