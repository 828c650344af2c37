"""Regular expressions that find the same matches, faster.

Python's regex engine tries a pattern at every position of the text unless the pattern starts
with a literal or a character class. Most patterns of the domain layer start with ``\\b`` or
a group, so on a 1.5 KB article each one cost 30-180 µs, and the scan runs about forty of them.
Two rewrites keep every match and cut that cost:

* a lookahead on the characters a match can start with, ``(?=[ceips])``, worked out from the
  parsed pattern, so most positions fail on one class test;
* a case-blind pattern (``re.I``) runs case-sensitively, lower-cased, on the lower-cased text
  (same length, so the same offsets); when lower-casing changes the text's length (rare
  letters such as "İ"), or the text holds one of the two letters re.I folds differently from
  ``str.lower()`` ("ı", "ſ"), the original pattern runs on the original text.

When the first characters cannot be worked out (an anchor, a back-reference, a pattern that can
match nothing), the pattern is used as written. ``tests/test_fastre.py`` checks that both forms
find the same spans.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property
from typing import Any

try:  # the parser moved in 3.11; without it the patterns run as written
    import re._parser as _sre_parse  # type: ignore[import-not-found]
    from re._constants import (  # type: ignore[import-not-found]
        ANY, ASSERT, ASSERT_NOT, AT, BRANCH, CATEGORY, IN, LITERAL, MAX_REPEAT,
        MIN_REPEAT, NEGATE, NOT_LITERAL, POSSESSIVE_REPEAT, RANGE, SUBPATTERN,
    )
except ImportError:  # pragma: no cover - Python 3.10
    try:
        import sre_parse as _sre_parse  # type: ignore[no-redef]
        from sre_constants import (  # type: ignore[no-redef]
            ANY, ASSERT, ASSERT_NOT, AT, BRANCH, CATEGORY, IN, LITERAL, MAX_REPEAT,
            MIN_REPEAT, NEGATE, NOT_LITERAL, RANGE, SUBPATTERN,
        )
        POSSESSIVE_REPEAT = object()
    except ImportError:
        _sre_parse = None

_CATEGORIES = {
    "CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D", "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S", "CATEGORY_WORD": r"\w", "CATEGORY_NOT_WORD": r"\W",
}


# the two letters that re.I matches to an ASCII letter although str.lower() keeps them apart
# (dotless i, long s): a text holding one runs the pattern as written
_FOLDS_APART = ("\u0131", "\u017f")


class _Unknown(Exception):
    """The first characters of a pattern cannot be worked out."""


def _class_items(items: list[tuple[Any, Any]]) -> list[str]:
    out = []
    for op, av in items:
        if op is LITERAL:
            out.append(re.escape(chr(av)))
        elif op is RANGE:
            out.append(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
        elif op is CATEGORY and str(av) in _CATEGORIES:
            out.append(_CATEGORIES[str(av)])
        else:  # NEGATE and anything rarer
            raise _Unknown
    return out


def _first(seq: Any) -> tuple[list[str], bool]:
    """(class items a match of ``seq`` can start with, whether ``seq`` can match nothing)."""
    items: list[str] = []
    for op, av in seq:
        if op in (AT, ASSERT, ASSERT_NOT):
            continue  # zero width (\b, ^, a lookbehind): the match starts with what follows
        if op is LITERAL:
            return items + [re.escape(chr(av))], False
        if op is IN:
            return items + _class_items(av), False
        if op is SUBPATTERN:
            sub, empty = _first(av[-1])
        elif op is BRANCH:
            sub, empty = [], False
            for alt in av[1]:
                alt_items, alt_empty = _first(alt)
                sub += alt_items
                empty = empty or alt_empty
        elif op in (MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT):
            lo, _hi, body = av
            sub, empty = _first(body)
            empty = empty or lo == 0
        elif op in (ANY, NOT_LITERAL):
            raise _Unknown  # nearly every character: no gain
        else:  # back-references, conditionals, ...
            raise _Unknown
        items += sub
        if not empty:
            return items, False
    return items, True


def _engine_skips(seq: Any) -> bool:
    """True when the engine already skips ahead on its own: the pattern starts with a literal,
    a class, or alternatives that each start with a literal."""
    while seq and seq[0][0] is SUBPATTERN:
        seq = seq[0][1][-1]
    if not seq:
        return False
    op, av = seq[0]
    if op in (LITERAL, IN):
        return True
    return op is BRANCH and all(alt and alt[0][0] is LITERAL for alt in av[1])


def first_class(pattern: str, flags: int = 0) -> str | None:
    """A character class every match of ``pattern`` starts with (e.g. ``[A-Zm]``), or None
    when it cannot be worked out or would not help (the engine already skips ahead)."""
    if _sre_parse is None or flags & re.I:
        return None  # a case-blind class would need both cases; the callers fold instead
    try:
        parsed = _sre_parse.parse(pattern, flags)
        if _engine_skips(list(parsed)):
            return None
        items, empty = _first(parsed)
    except (_Unknown, re.error, TypeError, ValueError, IndexError):
        return None
    if empty or not items:
        return None
    return "[" + "".join(dict.fromkeys(items)) + "]"


def lower_source(pattern: str) -> str:
    """``pattern`` with its literal letters lower-cased; escapes (``\\S``, ``\\W``, ``\\B``) and
    group names kept as written."""
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if pattern.startswith("(?P<", i) or pattern.startswith("(?P=", i):
            close = pattern.index(">" if pattern[i + 3] == "<" else ")", i)
            out.append(pattern[i:close + 1])
            i = close + 1
            continue
        out.append(c.lower())
        i += 1
    return "".join(out)


class FastPattern:
    """A pattern and its faster twin; ``finditer`` finds what ``re`` would.

    Matches of a case-blind pattern may be made on the lower-cased text: read what they
    matched from the original text by their spans, not from ``group()``.
    """

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern, self.flags = pattern, flags
        self.folded = bool(flags & re.I)
        source = lower_source(pattern) if self.folded else pattern
        twin_flags = flags & ~re.I if self.folded else flags
        first = first_class(source, twin_flags)
        self.fast = re.compile(f"(?={first})(?:{source})" if first else source, twin_flags)

    @cached_property
    def plain(self) -> re.Pattern[str]:
        """The pattern as written: compiled only when a text needs it (or a test compares)."""
        return re.compile(self.pattern, self.flags)

    def _target(self, text: str, lowered: str | None) -> tuple[re.Pattern[str], str]:
        if not self.folded:
            return self.fast, text
        lowered = text.lower() if lowered is None else lowered
        if len(lowered) != len(text) or any(c in lowered for c in _FOLDS_APART):
            return self.plain, text
        return self.fast, lowered

    def finditer(self, text: str, lowered: str | None = None) -> Iterator[re.Match[str]]:
        """Every match in ``text`` (``lowered``: its ``str.lower()``, if already made)."""
        rx, target = self._target(text, lowered)
        return rx.finditer(target)
