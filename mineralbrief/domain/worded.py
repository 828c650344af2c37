"""Numbers written in words: the counts an article writes so ("seven-year", "the third
quarter": ``worded_numbers``) and the quantities ("five million", "seventy-five percent",
"six hundred twenty-five million": ``worded_quantities``), which grounding compares with the
numbers a brief writes. Split from written.py, which reads the numbers written in digits.
"""

from __future__ import annotations

import re

from .anchored import letters_only
from .written import ArticleNumbers, Quantity

# the numbers an article writes in words, as a brief writes them in digits: "seven-year" is a
# 7-year term, "the third quarter" Q3, "the first half" H1, "a second tranche" a 2nd one
_UNITS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
          "sixteen seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_ORDINALS = "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split()
_WORD_VALUES = {**{w: i for i, w in enumerate(_UNITS, 1)}, **{w: i for i, w in enumerate(_ORDINALS, 1)},
                **{w: 10 * i for i, w in enumerate(_TENS, 2)}}
# "twenty-five": a number of two words (each word alone is read too: 20 and 5)
_TENS_UNIT = re.compile(r"(" + "|".join(_TENS) + r")[ -](" + "|".join(_UNITS[:9]) + r")\b")


def worded_numbers(text: str) -> frozenset[str]:
    """The numbers ``text`` writes in words ("seven-year", "the third quarter"), in digits."""
    text = text.lower()
    # the words, from C calls (a pattern of the number words tried at each character of
    # a 9 KB release costs ~1.3 ms)
    words = set(letters_only(text).split())
    found = {str(_WORD_VALUES[w]) for w in words.intersection(_WORD_VALUES)}
    if not words.isdisjoint(_TENS):
        found.update(str(_WORD_VALUES[tens] + _WORD_VALUES[unit]) for tens, unit in _TENS_UNIT.findall(text))
    return frozenset(found)


# a quantity written in words with its scale: "five million", "seventy-five percent", "three
# hundred jobs", "twenty-five hundred", "five hundred million", "six hundred (and) twenty-five
# million", "half a billion", "a million", and a number made an adjective with its scale: "a
# six-million-dollar grant" (not "a billion-dollar market": a scale alone made an adjective
# states no quantity; nor the "two million" of "one point two million", which is not read)
_WORDED_QUANTITY = re.compile(
    r"(?<!point[ \t])\b(?:(half[ \t]+a|a)|(?:(" + "|".join(_UNITS[:9]) + r")[ \t-]hundred(?:[ \t]+and)?[ \t]+)?(?:("
    + "|".join(_TENS) + r")(?:[ -](" + "|".join(_UNITS[:9]) + r"))?|(" + "|".join(_UNITS) + r")))[ \t-]"
    r"(hundred|thousand|million|billion|trillion|percent|per[ \t]+cent)(?:[ \t]+(thousand|million|billion))?\b",
    re.IGNORECASE)
_WORD_SCALES = {"hundred": 2, "thousand": 3, "million": 6, "billion": 9, "trillion": 12}
_SCALE_WORDS = (*_WORD_SCALES, "percent", "per cent")


def worded_quantities(text: str) -> list[tuple[str, Quantity]]:
    """The quantities ``text`` writes in words, each as written and as a quantity (its digits, its
    power of ten, and False: whether it is a sum is not read): "five million" is ("5", 6),
    "seventy-five percent" ("75", 0), a percent as its number, as "75%" is written.

    The pattern is tried only before a scale word that follows a word ("five million", not "$10
    million"), each found by ``str.find``: tried at every character of a brief, it cost more than
    the rest of its number check."""
    # (its ASCII letters lower-cased, one character for one: ``str.lower`` may lengthen a text)
    lowered, found = text.encode("ascii", "replace").decode("ascii").lower(), {}
    for scale in _SCALE_WORDS:
        i = lowered.find(scale)
        while i >= 0:
            if i >= 2 and lowered[i - 1] in " \t-" and lowered[i - 2].isalpha():
                # (from 60 back: "seven hundred and seventy-seven million"; a number of hundreds
                # read with the scale after it replaces the hundreds alone, found at the same start)
                for m in _WORDED_QUANTITY.finditer(text, max(0, i - 60), i + len(scale) + 10):
                    if m.start(6) == i and not (m.group(1) and text[m.end():m.end() + 1] == "-"):
                        found[m.start()] = m
            i = lowered.find(scale, i + len(scale))
    out = []
    for _, m in sorted(found.items()):
        half, hundreds, tens, unit_after_tens, unit, scale, second = (g.lower() if g else g for g in m.groups())
        if half:  # "half a" (5e-1) or "a" (1)
            digits, power = ("5", -1) if half != "a" else ("1", 0)
        else:
            value = (_WORD_VALUES[tens] + (_WORD_VALUES[unit_after_tens] if unit_after_tens else 0) if tens
                     else _WORD_VALUES[unit]) + (100 * _WORD_VALUES[hundreds] if hundreds else 0)
            digits, power = str(value), 0
        power += _WORD_SCALES.get(scale, 0) + _WORD_SCALES.get(second or "", 0)
        kept = digits.rstrip("0")
        out.append((m.group(), (kept, power + len(digits) - len(kept), False)))
    return out


def unworded(text: str, article: ArticleNumbers) -> list[str]:
    """The quantities ``text`` writes in words ("five million", "seventy-five percent", "three
    hundred jobs") that the article writes in no form: in digits in any scale ("$5 million",
    "5,000,000", "75%", "300"), or in words."""
    return [phrase for phrase, (digits, power, _) in worded_quantities(text)
            if (digits, power, True) not in article.quantities and (digits, power, False) not in article.quantities
            and (digits, power) not in article.worded_quantities]
