"""One index of an article's capitalised words, and patterns tried only where it says they can start.

A regex pass over a 13 KB press release costs 0.1 to 0.5 ms however few its matches, and the
company scan ran a dozen (a pattern that starts with a class of capitals is still tried at every
capital, and its later parts at each). ``Capitals`` is one such pass, made once per article:
where each whole capitalised word stands. The scans then try a pattern only at the words its
matches can start with (``matches_at``, ``Anchored.search``) or start from the words their
matches must hold (a verb, a legal suffix) and read back a few words (``words_back``). Each use
says why the places it tries hold every match; tests/test_orgs_index.py compares each with the
pattern's own ``finditer`` or ``search``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence

from .anchored import outside_ascii

# A whole word (no word character before it) that starts with a capital or a digit. After a dot
# too: "\b" sees a word start there ("(.ASX: ..."); a name never starts there, and the name
# lookups check the character before. The class comes first so the engine skips ahead to the
# next capital.
_CAPITAL_WORD = re.compile(r"[A-Z0-9](?<!\w[A-Z0-9])\w*")


# The same words read in the text's bytes by class (``_CLASSES``: "A" a capital or a digit, "a" another
# word character, " " the rest), where the engine skips ahead to the next "A" as to a literal (a
# class of capitals it tests character by character: ~80 us of a 13 KB release). Right for a
# text whose characters outside ASCII (each one "?", so " ") are no word characters.
_CLASSES = bytes(65 if 65 <= c <= 90 or 48 <= c <= 57 else 97 if 97 <= c <= 122 or c == 95 else 32
                 for c in range(256))
_CLASS_WORD = re.compile(rb"A(?<![Aa]A)[Aa]*")


class Capitals:
    """One text's whole capitalised words (and words starting with a digit): word -> starts.

    ``non_ascii``: the text's characters outside ASCII, and ``encoded``, the text encoded in ASCII
    with "?" for each of them (``Starts.ascii``), when the caller has them."""

    def __init__(self, text: str, non_ascii: Iterable[str] | None = None, encoded: bytes | None = None) -> None:
        self.text = text
        words: dict[str, list[int]] = {}
        order: list[int] = []  # every start, in order (the matches come left to right)
        if not text.isascii() and any(c.isalnum() for c in (outside_ascii(text) if non_ascii is None
                                                             else non_ascii)):
            for m in _CAPITAL_WORD.finditer(text):  # a word character outside ASCII: \w reads it
                i = m.start()
                words.setdefault(m[0], []).append(i)
                order.append(i)
        else:
            encoded = text.encode("ascii", "replace") if encoded is None else encoded
            for found in _CLASS_WORD.finditer(encoded.translate(_CLASSES)):
                i, end = found.span()
                word = text[i:end]
                at = words.get(word)
                if at is None:
                    words[word] = [i]
                else:
                    at.append(i)
                order.append(i)
        self.words = words
        # (kept in the one pass: sorting the starts out of ``words`` later cost ~40 us on 13 KB,
        # and the company scan always asks ``between``)
        self._order = order

    def starts(self, words: Iterable[str]) -> list[int]:
        """Where any of ``words`` stands, in order."""
        found = self.words.keys() & words
        return sorted(i for word in found for i in self.words[word])

    def between(self, start: int, end: int) -> list[int]:
        """Where every capitalised word starting in ``[start, end)`` starts, in order."""
        order = self._order
        return order[bisect_left(order, start):bisect_left(order, end)]


def matches_at(rx: re.Pattern[str], text: str, starts: Sequence[int]) -> Iterator[re.Match[str]]:
    """The matches of ``rx.finditer(text)`` when every one starts at one of ``starts`` (sorted):
    the pattern is tried only there, and where one match ended the next may start."""
    free = 0
    for i in starts:
        if i >= free:
            m = rx.match(text, i)
            if m is not None:
                yield m
                free = max(m.end(), i + 1)


class Anchored:
    """``rx.search(text, pos)`` for any ``pos``, when every match starts at one of ``starts``."""

    def __init__(self, rx: re.Pattern[str], text: str, starts: Iterable[int]) -> None:
        self.rx, self.text, self.starts = rx, text, sorted(set(starts))

    def search(self, pos: int) -> re.Match[str] | None:
        starts = self.starts
        for k in range(bisect_left(starts, pos), len(starts)):
            m = self.rx.match(self.text, starts[k])
            if m is not None:
                return m
        return None


def words_back(text: str, end: int, n: int) -> int:
    """Where the ``n``-th whitespace-separated word before ``end`` starts (0 when there are fewer):
    a window before ``end``, split from the right, widened until it holds ``n`` whole words."""
    size = 64
    while True:
        lo = max(0, end - size)
        window = text[lo:end]
        parts = window.rsplit(None, n)
        if len(parts) > n:  # parts[0] is what lies before the n words, then only spaces
            return lo + window.find(parts[1], len(parts[0]))
        if lo == 0:
            return 0
        size *= 4
