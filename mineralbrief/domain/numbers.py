"""Amounts, quantities and dates as written in the article, with their spans."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from operator import attrgetter

from .anchored import Starts

_MULT = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "mln": 1e6, "m": 1e6, "mm": 1e6,
    "billion": 1e9, "bn": 1e9, "bln": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12,
}
_CURRENCY = {
    "us$": "USD", "usd": "USD", "$": "USD", "a$": "AUD", "au$": "AUD", "aud": "AUD",
    "c$": "CAD", "ca$": "CAD", "cad": "CAD", "€": "EUR", "eur": "EUR", "£": "GBP", "gbp": "GBP",
    "¥": "JPY", "jpy": "JPY", "nz$": "NZD", "nzd": "NZD",
}
_UNITS = {
    "tonnes": "tonnes", "tonne": "tonnes", "tons": "tonnes", "ton": "tonnes", "t": "tonnes",
    "tpa": "tpa", "ktpa": "ktpa", "mtpa": "Mtpa", "kt": "kt", "mt": "Mt",
    "acres": "acres", "acre": "acres", "hectares": "hectares", "hectare": "hectares", "ha": "hectares",
    "kilotons": "kt", "kilotonnes": "kt", "pounds": "pounds", "lbs": "pounds",
    "ounces": "ounces", "oz": "ounces", "mw": "MW", "gwh": "GWh", "km": "km",
}
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# The same numbers with the first digit taken out in front, so that a pattern starting with one
# begins with a digit class: the engine then skips to the next digit instead of trying the
# pattern at every position (six times faster on a press release). ``\d{1,3}`` is ``\d\d{0,2}``
# and ``\d+`` is ``\d\d*``, tried in the same order: the matches are the same.
_NUM_FROM_DIGIT = r"\d(?:\d{0,2}(?:,\d{3})+(?:\.\d+)?|\d*(?:\.\d+)?)"
_UP_TO = re.compile(r"\bup to\s+$", re.IGNORECASE)
_MONEY_RE = re.compile(
    r"(?P<cur>US\\?\$|A\\?\$|AU\\?\$|C\\?\$|CA\\?\$|NZ\\?\$|\\?\$|€|£|¥|\b(?:USD|AUD|CAD|EUR|GBP|JPY|NZD)\s?)"
    r"\s?(?P<num>" + _NUM + r")"
    r"(?:\s*(?:-|–|to)\s*(?:US\\?\$|A\\?\$|\\?\$|€|£)?(?P<num2>" + _NUM + r"))?"
    r"(?:\s*(?P<mult>trillion|billion|million|thousand|bln|mln|bn|mn|mm|tn|m|b|k)\b)?",
    re.IGNORECASE,
)
# What a sum starts with, or (reach 3) follows within three characters: "US\\$" starts 3 before "$".
_MONEY_STARTS = ("$", "€", "£", "¥", "usd", "aud", "cad", "eur", "gbp", "jpy", "nzd")
_UNIT_NAMES = ("tonnes", "tonne", "tons", "ton", "tpa", "ktpa", "Mtpa", "kt", "Mt", "t", "kilotons", "kilotonnes",
               "pounds", "lbs", "acres", "acre", "hectares", "hectare", "ha", "ounces", "oz", "MW", "GWh", "km")
_QTY_MULTS = ("million", "thousand", "billion")
_QTY_RE = re.compile(
    r"(?P<num>" + _NUM_FROM_DIGIT + r")(?:\s*(?P<mult>" + "|".join(_QTY_MULTS) + r")\b)?"
    r"\s*-?\s*"
    r"(?P<unit>" + "|".join(_UNIT_NAMES) + r")\b",
)
# Sums written out in Spanish or French: "2.260 millones de dólares", "37,5 millions US",
# "699 millions de dollars" (a dot or a space groups thousands, a comma marks decimals).
# (At most four groups of thousands: unbounded, a long run of "000 000 ..." was read again from
# each of its groups, quadratic.)
_WORD_MONEY_RE = re.compile(
    r"(?<![\d.,])(?P<num>\d{1,3}(?:[. \u00a0\u202f]\d{3}){1,4}(?:,\d+)?|\d+(?:,\d+)?)\s+"
    r"(?P<mult>mil millones|millones|millions|milliards)\s+(?:de\s+)?"
    r"(?P<cur>dólares|dollars(?: canadiens| australiens)?|US\b|euros)", re.I)
_WORD_CURRENCY = {"dólares": "USD", "dollars": "USD", "us": "USD", "euros": "EUR",
                  "dollars canadiens": "CAD", "dollars australiens": "AUD"}
_WORD_MULT = {"mil millones": 1e9, "millones": 1e6, "millions": 1e6, "milliards": 1e9}
_WORD_TRIGGERS = ("millones", "millions de", "millions us", "milliards")
_WORD_MULT_WORDS = frozenset({"millones", "millions", "milliards"})


def _european(num: str) -> float:
    return float(re.sub(r"[. \u00a0\u202f]", "", num).replace(",", "."))


MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
MONTH = (r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
# Each with the words its dates start with (for a date that starts with its month). They are tried
# where ``_date_starts`` reads that a date can start, from the runs of digits (``Starts.digit_runs``).
# Without the runs (a text with digits outside ASCII) they run over the text (the first one from
# its words), and begin with a digit class (``\b\d{1,2}`` written ``\d(?<!\w\d)\d?``, the same
# matches) so that the engine skips to the next digit.
_DATE_RES: list[tuple[re.Pattern[str], tuple[str, ...] | None]] = [
    (re.compile(MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d{2})\b"),
     ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")),
    (re.compile(r"(?P<day>\d(?<!\w\d)\d?)(?:st|nd|rd|th)?\s+" + MONTH + r",?\s+(?P<year>(?:19|20)\d{2})\b"), None),
    (re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<mnum>\d{2})-(?P<day>\d{2})\b"), None),
    (re.compile(r"(?P<day>\d(?<!\w\d)\d?)\.(?P<mnum>\d{1,2})\.(?P<year>(?:19|20)\d{2})\b"), None),
]


@dataclass(frozen=True, init=False)
class AmountMention:
    """Money or a quantity as written, parsed, with its span."""

    text: str
    value: float | None
    currency: str | None
    unit: str | None
    start: int
    end: int
    up_to: bool = False

    def __init__(self, text: str, value: float | None, currency: str | None, unit: str | None, start: int, end: int,
                 up_to: bool = False) -> None:
        # written once, straight into the instance (see ``elements.ElementMention``)
        d = self.__dict__
        d["text"], d["value"], d["currency"], d["unit"] = text, value, currency, unit
        d["start"], d["end"], d["up_to"] = start, end, up_to


@dataclass(frozen=True)
class DateMention:
    """A full date as written, parsed, with its span."""

    text: str
    value: date
    start: int
    end: int


def _number(s: str) -> float:
    return float(s.replace(",", ""))


class _Covered:
    """Whether an offset falls inside any of some spans, answered by bisection (asking every
    span for every match made the amount and date scans quadratic)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans = sorted(spans)
        self.starts = [s for s, _ in spans]
        self.reach: list[int] = []  # the furthest end among the spans up to each one
        for _, e in spans:
            self.reach.append(max(e, self.reach[-1]) if self.reach else e)

    def __contains__(self, pos: int) -> bool:
        i = bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.reach[i]


def _start_with_up_to(text: str, start: int) -> tuple[int, bool]:
    """Extend a match back over a preceding "up to" (looked for only after blank space with an
    "o" in the eight characters before)."""
    if not text[start - 1:start].isspace():
        return start, False
    before = text[max(0, start - 8):start]
    if "o" not in before and "O" not in before:
        return start, False
    m = _UP_TO.search(text, max(0, start - 8), start)
    return (m.start(), True) if m else (start, False)


def _money_starts(starts: Starts) -> tuple[str, ...]:
    """The start words of ``_MONEY_RE`` the text can hold: a currency code is a word of its own
    (a digit or a space follows it), a sign outside ASCII one of the text's characters."""
    words = starts.words_if_known()
    if words is None:
        return _MONEY_STARTS
    others = starts.non_ascii()
    return tuple(w for w in _MONEY_STARTS if w == "$" or w in words or w in others)


# The units as ``Starts.words`` has them: a quantity's unit is a word of its own.
_UNIT_WORDS = frozenset(u.lower() for u in _UNIT_NAMES)


_DIGITS = frozenset("0123456789")
# What comes right after a quantity's number and the blank space after it: a hyphen, a multiplier
# or a unit.
_AFTER_NUMBER = ("-", *_QTY_MULTS, *_UNIT_NAMES)
_AFTER_FIRST = frozenset(after[0] for after in _AFTER_NUMBER)


def _quantities(text: str, starts: Starts) -> Iterator[re.Match[str]]:
    """The matches of ``_QTY_RE``, tried where a run of digits starts: a run that matches from
    one of its digits matches from its first one (its digits and what follows are the same),
    except before a comma, where "1234,567 t" matches from "234". Runs joined by a comma or a dot
    ("75,000.5") make one number: a quantity's number ends where they end (no hyphen, multiplier
    or unit starts with a digit, a comma or a dot), so they are tried only when a hyphen, a
    multiplier or a unit comes next (after blank space). Not tried in a text that has none of the
    units as a word."""
    words = starts.words_if_known()
    if words is not None and words.isdisjoint(_UNIT_WORDS):
        return iter(())
    runs = starts.digit_runs()
    if runs is None:
        return _QTY_RE.finditer(text)
    hits: list[int] = []
    number: list[int] = []  # where the number the runs so far make may start
    for start, end in runs:
        after = text[end:end + 1]
        if (after == "," or after == ".") and text[end + 1:end + 2] in _DIGITS:  # the number goes on
            # ",\d{3}" follows at most three digits: "1234,567 t" matches from "234"
            number += range(max(start, end - 3), end) if after == "," else (start,)
            continue
        number.append(start)
        if after.isspace():  # the blank space after the number: one C call, however long
            blank = _BLANK.match(text, end + 1) if text[end + 1:end + 2].isspace() else None
            end = blank.end() if blank else end + 1
        if text[end:end + 1] in _AFTER_FIRST and text.startswith(_AFTER_NUMBER, end):
            hits += number
        number.clear()
    return starts.matches_at(_QTY_RE, hits)


_GROUP_GAPS = (" ", "\u00a0", "\u202f")


def _piece_of_a_number(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]``, a number a pattern read, is a piece of a longer one the
    article writes: "5008" of "1,5008 tonnes", "1,500" of "US$1,5008", "0" of "12,000,0 t",
    "000" of "10 000 t". A
    pattern tries every digit, so it finds a number there; the article does not state it."""
    before, after = text[max(0, start - 2):start], text[end:end + 2]
    if (before[-1:].isdecimal() or (before[-1:] in (",", ".") and before[:1].isdecimal())
            or after[:1].isdecimal() or (after[:1] in (",", ".") and after[1:].isdecimal())):
        return True
    # "10 000 tonnes": three digits after a blank that follows one to three digits are the
    # thousands of a number grouped by spaces ("2025 500 tonnes" is a year, then a number)
    if end - start != 3 or before[-1:] not in _GROUP_GAPS or not before[:1].isdecimal():
        return False
    k = start - 1
    while k > 0 and text[k - 1].isdecimal() and start - 1 - k < 4:
        k -= 1
    return start - 1 - k <= 3


def _absurd(m: re.Match[str]) -> bool:
    """A number of more digits than any sum or quantity has ("$999...9 billion"): no amount. Its
    value could overflow a float, and its text outgrow every claim that quotes it."""
    return len(m.group("num")) > _MAX_NUMBER_CHARS


_MAX_NUMBER_CHARS = 40


def find_amounts(text: str, starts: Starts | None = None) -> list[AmountMention]:
    """Money amounts and physical quantities in ``text``, in order (``starts``: the text's, when
    the caller has it)."""
    out: list[AmountMention] = []
    taken: list[tuple[int, int]] = []
    starts = starts or Starts(text)
    for m in starts.finditer(_MONEY_RE, _money_starts(starts), reach=3):
        if _piece_of_a_number(text, m.start("num"), m.end("num")) or (
                m.group("num2") and _piece_of_a_number(text, m.start("num2"), m.end("num2"))) or _absurd(m):
            continue
        cur_raw = m.group("cur").replace("\\", "").strip().lower()
        mult = (m.group("mult") or "").lower()
        # a bare "m"/"b" after a number is only a multiplier when glued to it ("$5m")
        if mult in ("m", "b", "k") and text[m.start("mult") - 1].isspace():
            mult = ""
        value = _number(m.group("num")) * _MULT.get(mult, 1.0)
        end = m.end("mult") if mult else (m.end("num2") if m.group("num2") else m.end("num"))
        start, up_to = _start_with_up_to(text, m.start("cur"))
        out.append(AmountMention(
            text=text[start:end].replace("\\", ""), value=value,
            currency=_CURRENCY.get(cur_raw), unit=None, start=start, end=end, up_to=up_to,
        ))
        taken.append((start, end))
    # the pattern's multipliers are words of their own: without one, the triggers need not be read
    words = starts.words_if_known()
    if (words is None or not words.isdisjoint(_WORD_MULT_WORDS)) and any(t in starts.lowered for t in _WORD_TRIGGERS):
        for m in _WORD_MONEY_RE.finditer(text):
            if _absurd(m):
                continue
            start, up_to = _start_with_up_to(text, m.start())
            out.append(AmountMention(
                text=text[start:m.end()], value=_european(m.group("num")) * _WORD_MULT[m.group("mult").lower()],
                currency=_WORD_CURRENCY.get(m.group("cur").lower(), "USD"), unit=None,
                start=start, end=m.end(), up_to=up_to))
            taken.append((start, m.end()))
    covered = _Covered(taken)
    for m in _quantities(text, starts):
        if m.start("num") in covered or _piece_of_a_number(text, m.start("num"), m.end("num")) or _absurd(m):
            continue
        mult = (m.group("mult") or "").lower()
        start, up_to = _start_with_up_to(text, m.start("num"))
        out.append(AmountMention(
            text=text[start:m.end()], value=_number(m.group("num")) * _MULT.get(mult, 1.0),
            currency=None, unit=_UNITS.get(m.group("unit").lower(), m.group("unit")),
            start=start, end=m.end(), up_to=up_to,
        ))
    out.sort(key=attrgetter("start"))
    return out


def _first_digits(text: str, starts: Starts) -> list[tuple[int, int]] | None:
    """The runs of digits that no word character precedes (``\\b\\d``): where the dates that
    start with their day or year can start. None when the text has digits outside ASCII."""
    runs = starts.digit_runs()
    return None if runs is None else [
        (i, j) for i, j in runs if not i or not (text[i - 1].isalnum() or text[i - 1] == "_")]


# Every way ``MONTH`` writes a month: a date that starts with one ends it right before the day.
_MONTH_FORMS = ("January", "Jan", "February", "Feb", "March", "Mar", "April", "Apr", "May", "June", "Jun",
                "July", "Jul", "August", "Aug", "September", "Sept", "Sep", "October", "Oct", "November",
                "Nov", "December", "Dec")
_FORMS_ENDING: dict[str, tuple[str, ...]] = {}  # the forms by their last letter: at most four each
for _form in _MONTH_FORMS:
    _FORMS_ENDING[_form[-1]] = (*_FORMS_ENDING.get(_form[-1], ()), _form)
_BLANK = re.compile(r"\s*")
_ORDINAL = frozenset("snrt")  # what an ordinal suffix after a day starts with ("st", "nd", "rd", "th")


def _date_starts(text: str, first_digits: list[tuple[int, int]]) -> list[list[int]]:
    """For each pattern of ``_DATE_RES``, where its dates can start, read from the runs of digits
    that no word character precedes and from the character right after each (a date's day or year
    is such a run, followed by what its pattern reads next):

    - a month, a day: the day is a run of one or two digits after blank space, followed by an
      ordinal, a comma or blank space; the month (and a dot) ends right before that blank space;
    - a day, a month: such a day, followed by an ordinal or blank space;
    - 2024-01-31: a run of four digits that starts with 19 or 20, followed by a hyphen;
    - 31.12.2024: a run of one or two digits followed by a dot."""
    month_first: list[int] = []
    day_first: list[int] = []
    iso: list[int] = []
    dotted: list[int] = []
    last = 0  # where the run before ended: the blank space before a day lies after it
    for i, j in first_digits:
        gap, last = last, j
        after = text[j:j + 1]
        if j - i <= 2:
            if after == ".":
                dotted.append(i)
                continue
            if not after or not (after in _ORDINAL or after.isspace() or after == ","):
                continue
            if after != ",":
                day_first.append(i)
            if i and text[i - 1].isspace():
                k = i - 1  # the blank space before the day, read back to the run before at most
                if text[k - 1:k].isspace():
                    k = gap + len(text[gap:k].rstrip())
                if text[k - 1:k] == ".":
                    k -= 1
                forms = _FORMS_ENDING.get(text[k - 1:k])
                if forms and text.endswith(forms, 0, k):
                    month_first += [k - len(form) for form in forms if text.endswith(form, 0, k)]
        elif j - i == 4 and after == "-" and text.startswith(("19", "20"), i):
            iso.append(i)
    return [month_first, day_first, iso, dotted]


def find_dates(text: str, starts: Starts | None = None) -> list[DateMention]:
    """Full dates (day, month and year) written in ``text``, in order; invalid ones skipped
    (``starts``: the text's, when the caller has it)."""
    starts = starts or Starts(text)
    first_digits = _first_digits(text, starts)
    return dates_at(text, _date_starts(text, first_digits) if first_digits is not None else None, starts)


def dates_at(text: str, hits: list[list[int]] | None, starts: Starts | None = None) -> list[DateMention]:
    """``find_dates(text)``, each pattern of ``_DATE_RES`` tried at its ``hits``: every position
    where it can match (None: tried over the text)."""
    out: list[DateMention] = []
    starts = starts or Starts(text)
    for k, (rx, words) in enumerate(_DATE_RES):
        if hits is not None and not hits[k]:
            continue  # (most patterns have no place to start in an article: no spans to read)
        # a pattern's own matches never overlap: only the earlier patterns' dates can hold it
        covered = _Covered([(d.start, d.end) for d in out])
        if hits is not None:
            matches = starts.matches_at(rx, hits[k])
        elif words is not None:
            matches = starts.finditer(rx, words)
        else:
            matches = rx.finditer(text)
        for m in matches:
            g = m.groupdict()
            month = MONTHS.get(g["month"][:3].lower()) if g.get("month") else int(g["mnum"])
            try:
                value = date(int(g["year"]), int(month or 0), int(g["day"]))
            except (TypeError, ValueError):
                continue
            if m.start() in covered:
                continue
            out.append(DateMention(m.group(0), value, m.start(), m.end()))
    out.sort(key=attrgetter("start"))
    return out
