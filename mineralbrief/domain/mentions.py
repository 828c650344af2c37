"""Where names stand in an article as whole names, at a cost that grows with the article.

A name stands as a whole name where no word character or dot comes right before it and no word
character right after it (the rule of the regex ``(?<![\\w.])name(?![\\w])``). The company scan
asks this for every tail of every candidate and every alias, and the lexicons for a hundred
forms, so ``Mentions`` answers each name once and keeps the answer.

Two indexes of the article make a lookup cheaper than a pass over the text (``str.find``, about
6 microseconds per name on a 13 KB release):

- ``wordindex.Capitals``: where each whole capitalised word stands, from one regex pass (it
  also holds the words right after a dot; a name never starts there). A name is found
  through its rarest capitalised word: each word of a name that starts it or follows a space
  stands in the text as a whole word wherever the name does. The company scan makes it once per
  article and shares it (the gazetteer and the ticker scan read it too); a ``Mentions`` without
  one makes its own once ``_FIND_LIMIT`` names have been looked up by ``str.find``.
- the set of the text's ASCII words (runs of A-Z, a-z, 0-9), for names with no capitalised word
  (the lexicon's lower-cased forms, searched in the lower-cased text): a name whose ASCII words
  are not all in the set is not in the text, and most of a lexicon's hundred forms are not. It
  is made by ``bytes.translate`` and ``split`` (C loops, about 0.1 ms on 13 KB, some twenty
  passes of ``str.find``) once more than ``_TOKENS_AFTER`` names have been searched for, or
  at once when ``spans`` is asked for more names than that.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from .wordindex import Capitals

# A whole word (no word character or dot before it) that starts with a capital or a digit: the
# words names are found by. The class comes first so the engine skips ahead to the next one.
_WORD = re.compile(r"[A-Z0-9](?<![\w.][A-Z0-9])\w*")
_FIND_LIMIT = 128  # names looked up by str.find before the text's words are indexed
_TOKENS_AFTER = 8  # names searched for by str.find before the text's ASCII words are collected
# bytes -> the ASCII letters and digits kept, every other byte a space (a non-ASCII character
# was encoded as "?", so it is a space too: the text keeps one byte per character)
_ASCII_WORD_BYTES = bytes(c if chr(c).isascii() and chr(c).isalnum() else 32 for c in range(256))


def _ascii_words(text: str) -> list[bytes]:
    """The runs of ASCII letters and digits in ``text``."""
    return text.encode("ascii", "replace").translate(_ASCII_WORD_BYTES).split()


@lru_cache(maxsize=4096)
def _name_words(name: str) -> frozenset[bytes]:
    return frozenset(_ascii_words(name))


@lru_cache(maxsize=4096)
def _anchors(name: str) -> tuple[tuple[int, str], ...]:
    """The name's capitalised words that stand as whole words wherever the name does (at its
    start, or after a character that is neither a word character nor a dot), with their
    offsets: a name is found through one of them. (Cached: the lexicon's names recur in every
    article.)"""
    return tuple((m.start(), m.group()) for m in _WORD.finditer(name))


def left_free(text: str, i: int) -> bool:
    """No word character or dot right before ``i``."""
    return i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_.")


def right_free(text: str, end: int) -> bool:
    """No word character right at ``end``."""
    return end == len(text) or not (text[end].isalnum() or text[end] == "_")


def _occurrences(text: str, needle: str) -> Iterator[int]:
    """Every start of ``needle`` in ``text``, overlapping ones included."""
    i = text.find(needle)
    while i >= 0:
        yield i
        i = text.find(needle, i + 1)


def longest_first(longest: dict[int, int]) -> list[tuple[int, int]]:
    """From the longest name's length at each start, the spans left to right, none overlapping
    (what one alternation of the names, longest first, finds)."""
    spans, free_from = [], 0
    for i in sorted(longest):
        if i >= free_from:
            spans.append((i, i + longest[i]))
            free_from = i + longest[i]
    return spans


class Mentions:
    """The whole-name occurrences of any name in one text; each name is looked up once."""

    def __init__(self, text: str, capitals: Capitals | None = None) -> None:
        self.text = text
        self._starts: dict[str, list[int]] = {}
        # whole capitalised word -> where it stands
        self._words: dict[str, list[int]] | None = capitals.words if capitals is not None else None
        self._searched = 0  # names searched for with str.find
        self._asked = 0  # names in the largest batch asked for at once (spans)
        self._tokens: set[bytes] | None = None  # the text's ASCII words, once collected

    def starts(self, name: str) -> list[int]:
        """Every start of ``name`` standing as a whole name (overlapping included), in order."""
        found = self._starts.get(name)
        if found is None:
            anchors = _anchors(name)
            if not anchors:  # no capitalised word: searched for whole, if it may be there
                found = self._find(name) if self._may_hold(name) else []
            elif self._words is None and len(self._starts) < _FIND_LIMIT:
                found = self._find(name)
            else:
                found = self._find_indexed(name, anchors)
            self._starts[name] = found
        return found

    def count(self, name: str) -> int:
        """How many times ``name`` stands as a whole name, not overlapping (``len(re.findall)``)."""
        count, free_from = 0, 0
        for i in self.starts(name):
            if i >= free_from:
                count, free_from = count + 1, i + len(name)
        return count

    def spans(self, names: Iterable[str], not_after: str = "") -> list[tuple[int, int]]:
        """Spans of the names, left to right, the longest name winning where several start at
        one place, none overlapping (what one alternation of the names, longest first, finds),
        none right after a character of ``not_after``."""
        text, names = self.text, list(names)
        self._asked = max(self._asked, len(names))
        longest: dict[int, int] = {}
        for name in names:
            for i in self.starts(name):
                if len(name) > longest.get(i, 0) and not (not_after and i and text[i - 1] in not_after):
                    longest[i] = len(name)
        return longest_first(longest)

    def _find(self, name: str) -> list[int]:
        text, end = self.text, len(name)
        return [i for i in _occurrences(text, name) if name and left_free(text, i) and right_free(text, i + end)]

    def _may_hold(self, name: str) -> bool:
        """False when a word of ``name`` is missing from the text (so the name is too).

        Wherever the name stands as a whole name, each of its runs of ASCII letters and digits
        is a whole run of the text: inside the name a non-alphanumeric character bounds it, at
        the name's ends the characters the whole-name rule allows do. (The set is collected once
        more than ``_TOKENS_AFTER`` names have been searched for or asked for in one batch: for a
        few names it costs more than their passes.)
        """
        if self._tokens is None:
            self._searched += 1
            if max(self._searched, self._asked) <= _TOKENS_AFTER:
                return True
            self._tokens = set(_ascii_words(self.text))
        return _name_words(name) <= self._tokens

    def _find_indexed(self, name: str, anchors: tuple[tuple[int, str], ...]) -> list[int]:
        if self._words is None:
            self._words = Capitals(self.text).words
        words = self._words
        # the rarest anchor, and the whole-name checks of ``left_free`` and ``right_free`` written
        # out: the company scan asks this for every tail of every candidate, and the calls (a
        # ``min`` with a key function, two calls per place) cost half its time
        at, word = anchors[0]
        found = words.get(word, ())
        for offset, other in anchors[1:]:
            places = words.get(other, ())
            if len(places) < len(found):
                at, found = offset, places
        text, end, size = self.text, len(name), len(self.text)
        out = []
        for i in found:
            i -= at
            if i < 0 or not text.startswith(name, i):
                continue
            j = i + end
            if ((i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_."))
                    and (j == size or not (text[j].isalnum() or text[j] == "_"))):
                out.append(i)
        return out
