"""Where names stand in an article as whole names, at a cost that grows with the article.

A name stands as a whole name where no word character or dot comes right before it and no word
character right after it (the rule of the regex ``(?<![\\w.])name(?![\\w])``). The company scan
asks this for every tail of every candidate and every alias, and the lexicons for a hundred
forms, so ``Mentions`` answers each name once and keeps the answer.

A name is looked up with ``str.find`` (C speed, the cheapest way on a press release) until
``_FIND_LIMIT`` names have been; past that, one pass over the text indexes where each whole
capitalised word stands, and a name is found through its rarest capitalised word: each word of a
name that starts it or follows a space stands in the text as a whole word wherever the name
does. A long article with thousands of names then costs one pass plus a few checks per
occurrence, not a pass per name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

# A whole word (no word character or dot before it) that starts with a capital or a digit: the
# words names are found by. The class comes first so the engine skips ahead to the next one.
_WORD = re.compile(r"[A-Z0-9](?<![\w.][A-Z0-9])\w*")
_FIND_LIMIT = 128  # names looked up by str.find before the text's words are indexed


def _left_free(text: str, i: int) -> bool:
    return i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_.")


def _right_free(text: str, end: int) -> bool:
    return end == len(text) or not (text[end].isalnum() or text[end] == "_")


def _occurrences(text: str, needle: str) -> Iterator[int]:
    """Every start of ``needle`` in ``text``, overlapping ones included."""
    i = text.find(needle)
    while i >= 0:
        yield i
        i = text.find(needle, i + 1)


class Mentions:
    """The whole-name occurrences of any name in one text; each name is looked up once."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: dict[str, list[int]] = {}
        self._words: dict[str, list[int]] | None = None  # whole word -> where it stands

    def starts(self, name: str) -> list[int]:
        """Every start of ``name`` standing as a whole name (overlapping included), in order."""
        found = self._starts.get(name)
        if found is None:
            if self._words is None and len(self._starts) < _FIND_LIMIT:
                found = self._find(name)
            else:
                found = self._find_indexed(name)
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
        text = self.text
        longest: dict[int, int] = {}
        for name in names:
            for i in self.starts(name):
                if len(name) > longest.get(i, 0) and not (not_after and i and text[i - 1] in not_after):
                    longest[i] = len(name)
        spans, free_from = [], 0
        for i in sorted(longest):
            if i >= free_from:
                spans.append((i, i + longest[i]))
                free_from = i + longest[i]
        return spans

    def _find(self, name: str) -> list[int]:
        text, end = self.text, len(name)
        return [i for i in _occurrences(text, name) if name and _left_free(text, i) and _right_free(text, i + end)]

    def _find_indexed(self, name: str) -> list[int]:
        if self._words is None:
            self._words = {}
            for m in _WORD.finditer(self.text):
                self._words.setdefault(m.group(), []).append(m.start())
        words = self._words
        # the name's capitalised words that stand as whole words wherever the name does: at its
        # start, or after a character that is neither a word character nor a dot
        anchors = [(m.start(), m.group()) for m in _WORD.finditer(name)]
        if not anchors:  # no capitalised word: looked up whole
            return self._find(name)
        at, word = min(anchors, key=lambda a: len(words.get(a[1], ())))
        text, end = self.text, len(name)
        return [i - at for i in words.get(word, ()) if i >= at and text.startswith(name, i - at)
                and _left_free(text, i - at) and _right_free(text, i - at + end)]
