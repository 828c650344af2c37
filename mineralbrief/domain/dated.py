"""The dates a text writes in digits or by a month's name, for grounding: where a brief's full
dates are held to the article's (``SourceIndex.writes_date``), and the numbers of a date are no
quantity (``written.unwritten``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from .anchored import outside_ascii, shape_of
from .numbers import MONTH, MONTHS, DateMention, dates_at, find_dates

# a date in digits, day and month either way round: "15/01/2026", "01/15/26", "15.01.2026",
# "15-01-2026" (with dashes, a four-digit year only: "10-12-26" may be a range); or year first:
# "2026/01/15", "2026.01.15" (with dashes, ISO: read by ``find_dates``)
_NUMERIC_DATE = re.compile(r"(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/-]|\.\d)")
_YEAR_FIRST_DATE = re.compile(r"(?<![\d/.])(\d{4})([/.])(\d{1,2})\2(\d{1,2})(?![\d/]|\.\d)")


def numeric_dates(text: str) -> Iterator[tuple[int, int, list[date]]]:
    """The dates ``text`` writes in digits with slashes, dots or dashes: (start, end, the dates
    it may be), day first and month first (a two-digit year is 20yy), or year first."""
    for m in _NUMERIC_DATE.finditer(text):
        if m.group(2) == "-" and len(m.group(4)) == 2:
            continue
        a, b, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
        year += 2000 if year < 100 else 0
        readings = [d for d in (_date(year, b, a), _date(year, a, b)) if d is not None]
        if readings:
            yield m.start(), m.end(), readings
    for m in _YEAR_FIRST_DATE.finditer(text):
        day = _date(int(m.group(1)), int(m.group(3)), int(m.group(4)))
        if day is not None:
            yield m.start(), m.end(), [day]


# What a date looks like once ``_DATE_SHAPE`` has cut a text down to it (a character's UTF-8 bytes
# after its first deleted: one byte a character): its digits ("0"), the signs between them, the
# same twice ("15/01/2026", "2026.01.15", "15-01-2026"); or a word that may be a month's ("M" for
# a capital a month starts with, "a" for any other letter) with a digit after it ("March 1", "Nov. 5")
# or before it ("1 March") across blank space (" ", each character outside ASCII too: "\u00a0")
_DATE_SHAPE = bytes(ord("0") if chr(c).isdigit() else c if chr(c) in "/.-" else ord("M") if chr(c) in "JFMASOND"
                    else ord("a") if chr(c).isalpha() and c < 128 else ord(" ") if chr(c).isspace() or c >= 128
                    else ord("#") for c in range(256))
_DATED_SHAPE = re.compile(rb"0([/.-])00?(?:\1)0")
# (two patterns: each opens with a literal, which the engine skips ahead to; one that opens with
# an alternation or a lookbehind is tried at every character, ~17-50 us for a brief's 2.4 KB)
_MONTH_BEFORE = re.compile(rb"Maa+\.? +0")
_MONTH_AFTER = re.compile(rb"0(?:aa)? +Maa")  # ("1 March", "1st March")
_ISO_DATE = re.compile(r"\b((?:19|20)\d{2})-(\d{2})-(\d{2})\b")  # (as ``find_dates`` reads one)
_MONTH_STEMS = frozenset(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"))


# What a date of ``numbers.find_dates`` looks like in a text's shape (``_DATE_SHAPE``: its blank
# space is blank there, a word's letter no digit), read backwards from its year's last digit (the
# shape reversed): "March 1st, 2027" (a month, a day, an ordinal's letters, a comma "#"), "1
# March 2027", "1.3.2027". Each reads another character before the year, or before its comma
# and blank space ("0" or "a" then "0", "a" then "a" or "M", "."): at most one matches there,
# and where it ends, its month's capital or its day's first digit, is where the date starts
# (a day's other digit is no start: ``find_dates`` reads a day after no word character). The
# year is rarer in a release than a capital or a digit, which the patterns over the text open
# with (a pass of one that opens with a digit cost ~25 us of a 13 KB release, tried at each).
_DATE_BACKWARDS = re.compile(rb"0000(?: +#?(?:(?:aa)?00? +\.?a{2,8}M|\.?a{2,8}M +(?:aa)?00?)|(?P<dotted>\.00?\.00?))")
_ISO_SHAPE = re.compile(rb"0000-00-00")
_DIGIT = ord("0")


def full_dates(text: str) -> list[DateMention]:
    """``find_dates(text)``, its patterns tried only where the text's shape has a date's
    (``_DATE_BACKWARDS``, ``_ISO_SHAPE``): ``find_dates`` reads where they may start from the
    runs of digits, a list made from the text encoded in ASCII (~20 us of a 13 KB release that
    writes a character outside it) and read in Python, ~90 us in all. A digit outside ASCII
    (which ``\\d`` matches) is no digit in the shape: a text that writes one is read by
    ``find_dates``."""
    if not text.isascii() and any(c.isdecimal() for c in outside_ascii(text)):
        return find_dates(text)
    shape = shape_of(text, _DATE_SHAPE)
    hits: list[list[int]] = [[], [], [], []]  # (as ``find_dates`` tries them: month first, day first, ISO, dotted)
    backwards, n = shape[::-1], len(shape)
    for m in _starts(_DATE_BACKWARDS, backwards):
        # (read backwards, a date ends where it starts: its day's digit, or its month's capital)
        start = n - m.end()
        hits[3 if m.group("dotted") else 1 if backwards[m.end() - 1] == _DIGIT else 0].append(start)
    hits[2] = [m.start() for m in _starts(_ISO_SHAPE, shape)]
    return dates_at(text, hits)


def _starts(rx: re.Pattern[bytes], shape: bytes) -> Iterator[re.Match[bytes]]:
    """Every match of ``rx`` in ``shape`` at each position where one starts (overlapping too)."""
    m = rx.search(shape)
    while m is not None:
        yield m
        m = rx.search(shape, m.start() + 1)


def dates_written(text: str) -> list[tuple[int, int, list[date]]]:
    """The full dates ``text`` writes, in words ("March 1, 2027", "1 March 2027") or in digits
    ("2027-03-01", "01/03/2027"), each (start, end, the dates it may be: day and month either
    way round). Looked for only where the text's shape (``_DATE_SHAPE``) has a month's name next
    to a digit, or digits with the same sign twice between them: ``find_dates`` costs ~25 us
    (``full_dates``, ~15) and ``numeric_dates`` ~140 us on a brief's 2.4 KB, which mostly writes none."""
    found: list[tuple[int, int, list[date]]] = []
    shape = shape_of(text, _DATE_SHAPE)
    if any(text[word:word + 3] in _MONTH_STEMS for word, _ in _months_by_digits(shape)):
        found += [(d.start, d.end, [d.value]) for d in full_dates(text)]
    read = {start for start, _, _ in found}  # (find_dates reads "2027-03-01" and "15.01.2026" too)
    done = 0
    for m in _DATED_SHAPE.finditer(shape):
        start, end = m.start(), m.end()  # the run of digits and signs around it, read whole
        if start < done:
            continue
        while start and text[start - 1] in "0123456789/.-":
            start -= 1
        while end < len(text) and text[end] in "0123456789/.-":
            end += 1
        done, run = end, text[start:end]
        iso = [(d.start(), d.end(), [day]) for d in _ISO_DATE.finditer(run)
               if (day := _date(int(d.group(1)), int(d.group(2)), int(d.group(3)))) is not None]
        for s, e, days in iso + list(numeric_dates(run)):
            if s + start not in read:
                read.add(s + start)
                found.append((s + start, e + start, days))
    return found


def _months_by_digits(shape: bytes) -> Iterator[tuple[int, int]]:
    """Where a text's shape (``_DATE_SHAPE``) has a word that may be a month's with a digit after
    it ("March 1") or before it ("1 March", "1st March"): (the word's start, the digit's)."""
    for m in _MONTH_BEFORE.finditer(shape):
        yield m.start(), m.end() - 1
    for m in _MONTH_AFTER.finditer(shape):
        yield m.end() - 3, m.start()


# a month and a day, with a year or without ("March 3", "3 March", "Nov. 5th"), read where
# ``_months_by_digits`` finds one: what an article writes of a date whose year it writes elsewhere
_MONTH_THEN_DAY = re.compile(MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b")
_DAY_THEN_MONTH = re.compile(r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + MONTH)


def month_days(text: str) -> frozenset[tuple[int, int]]:
    """The months and days ``text`` writes by name, with a year or without ("March 3": (3, 3)).
    (A pattern over the whole text, tried at every character, cost ~0.5 ms for 13 KB.)"""
    found = set()
    shape = shape_of(text, _DATE_SHAPE)
    for word, digit in _months_by_digits(shape):
        if text[word:word + 3] not in _MONTH_STEMS:
            continue
        if digit > word:
            m = _MONTH_THEN_DAY.match(text, word)
        else:
            start = digit
            while start and text[start - 1].isdigit():
                start -= 1
            m = _DAY_THEN_MONTH.match(text, start) if not (start and text[start - 1].isalnum()) else None
        if m is not None:
            month, day = MONTHS[m.group("month")[:3].lower()], int(m.group("day"))
            if _date(2000, month, day) is not None:  # (a leap year: "February 29")
                found.add((month, day))
    return frozenset(found)


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
