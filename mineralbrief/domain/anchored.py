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
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
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
            i = text.find(word)
            while i >= 0:
                yield i
                i = text.find(word, i + 1)
        return
    m = rx.search(text)
    while m is not None:  # searched again from the next character: overlapping starts are found
        yield m.start()
        m = rx.search(text, m.start() + 1)


class Starts:
    """One text, and where given words stand in it (lower-cased once for case-blind patterns)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._lowered: str | None = None

    def _case_blind(self) -> str | None:
        """The lower-cased text, or None when lower-casing moved offsets or folds apart."""
        if self._lowered is None:
            lowered = self.text.lower()
            faithful = len(lowered) == len(self.text) and not any(c in self.text for c in _FOLDS_APART)
            self._lowered = lowered if faithful else ""
        return self._lowered or None

    def finditer(self, rx: re.Pattern[str], words: Iterable[str], reach: int = 0) -> Iterator[re.Match[str]]:
        """The matches of ``rx.finditer(text)``, when every match starts at most ``reach``
        characters before one of ``words`` (lower-case when ``rx`` ignores case) or at the start
        of the text."""
        where = self._case_blind() if rx.flags & re.IGNORECASE else self.text
        if where is None:
            yield from rx.finditer(self.text)
            return
        candidates = {0}
        for i in occurrences(where, tuple(words)):
            candidates.update(range(max(0, i - reach), i + 1))
        free = 0  # where the last match ended: finditer's matches do not overlap
        for i in sorted(candidates):
            if i >= free:
                m = rx.match(self.text, i)
                if m is not None:
                    yield m
                    free = max(m.end(), i + 1)
