"""The skeleton of a text: what it looks like to a reader, whatever characters spell it.

"Ignore previous instructions" written with a Cyrillic о, a zero-width space inside a word,
full-width letters, or "Sуstem:" with a Cyrillic у reads the same to a model as the plain words,
so the injection check reads the skeleton: NFKC (full-width and compatibility forms), invisible
format characters dropped, and letters that are confusable with an ASCII letter (the Unicode
confusables table, from ``confusable-homoglyphs``) mapped to it. ``skeleton`` keeps, for each
character of the skeleton, the offset it came from, so a passage found there is a span of the
original text.

ASCII text is its own skeleton (no per-character work). A text whose other characters each read
as one character (curly quotes, dashes, accented letters) keeps its offsets: only its runs of
other characters are mapped. Only a text where a character vanishes or becomes several gets the
per-character offset map.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .anchored import Starts, letters_only

_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
# Up to this many kinds of character are replaced by ``str.replace``, one pass each; more (an
# article in Chinese) by one pass of a pattern over the runs of them.
_FEW = 12


@lru_cache(maxsize=1)
def ascii_twins() -> dict[str, str]:
    """Each non-ASCII character that is confusable with an ASCII letter or digit, and that one.
    The table is loaded on the first article with non-ASCII letters, not when mineralbrief is
    imported."""
    from confusable_homoglyphs import confusables

    twins: dict[str, str] = {}
    for char, entries in confusables.confusables_data.items():
        if len(char) != 1 or char.isascii():
            continue
        for entry in entries:
            twin = entry.get("c", "")
            if len(twin) == 1 and twin.isascii() and twin.isalnum():
                # the table's prototype of every I-shaped glyph is "l": a capital Cyrillic or
                # Greek I would turn "Ignore" into "lgnore"
                twins[char] = "I" if twin == "l" and char.isupper() else twin
                break
    return twins


@lru_cache(maxsize=65536)
def _map_char(ch: str) -> str:
    """What one non-ASCII character reads as: "" for an invisible one."""
    if unicodedata.category(ch) in ("Cf", "Mn", "Me"):  # zero-width, joiners, combining marks
        return ""
    out = []
    for c in unicodedata.normalize("NFKD", ch):  # NFKD: "ö" sheds its mark, as "o" + U+0308 does
        if unicodedata.category(c) in ("Cf", "Mn", "Me"):
            continue
        out.append(c if c.isascii() else ascii_twins().get(c, c))
    return "".join(out)


def skeleton(text: str, starts: Starts | None = None) -> tuple[str, list[int] | None]:
    """The skeleton of ``text`` and, for each of its characters, the offset in ``text`` it came
    from; ``None`` for the map when the two are the same length and aligned (``starts``: the
    text's, when the caller has it)."""
    if text.isascii():
        return text, None
    table = {ch: _map_char(ch) for ch in (starts or Starts(text)).non_ascii()}
    if all(len(mapped) == 1 for mapped in table.values()):  # curly quotes, dashes, accents: aligned
        changed = [(ch, mapped) for ch, mapped in table.items() if mapped != ch]
        if len(changed) <= _FEW and all(mapped.isascii() for _, mapped in changed):
            # a few kinds of character (an article's quotes and dashes): one C pass each (each to
            # ASCII, so that no replacement is replaced again)
            for ch, mapped in changed:
                text = text.replace(ch, mapped)
            return text, None
        return _NON_ASCII.sub(lambda m: "".join(map(table.__getitem__, m.group())), text), None
    return skeleton_with_offsets(text)


def same_words(chars: frozenset[str]) -> bool:
    """True when a text whose characters outside ASCII are ``chars`` has, in its skeleton, the
    same words (``Starts.words``: runs of a to z) at the same offsets: none of them reads as an
    ASCII letter or vanishes, and none becomes another character outside ASCII."""
    for ch in chars:
        mapped = _map_char(ch)
        if mapped != ch and not (len(mapped) == 1 and mapped.isascii() and not mapped.isalpha()):
            return False
    return True


# Letters read as ASCII ones are read one by one (``words_read_as_letters``) up to one in this many
# characters of the text: a character costs about what finding the words of 200 costs.
_READ_EVERY = 256
_LONGEST_READ = 24  # the words read there are cut to this many letters each side of the character


def words_read_as_letters(text: str, shape: str, starts: Starts) -> dict[str, set[int]] | None:
    """The words (``Starts.words``: runs of a to z, lower-cased) of ``shape``, the skeleton of
    ``text`` at the same offsets, that hold a character of ``text`` read as an ASCII letter
    ("quebec" of "Québec"), with where each starts. Every other word of the skeleton is one of the
    text's, at the same offset, so these and the text's words are all of the skeleton's, and a few
    more (where a cue is then tried: it does not match): without finding the words of the whole
    skeleton again (~180 us for 13 KB, for one "é").

    A word longer than ``_LONGEST_READ`` letters is read cut (a word that it is not, and is not
    looked for). None when the text has more than one such character in ``_READ_EVERY``, or one
    read as another character outside ASCII (then the skeleton's words are found as any text's)."""
    lettered = []
    for ch in starts.non_ascii():
        mapped = _map_char(ch)
        if mapped != ch:
            if not mapped.isascii():
                return None
            if mapped.isalpha():
                lettered.append(ch)
    outside = starts.outside()
    if sum(map(outside.count, lettered)) * _READ_EVERY > len(text):
        return None
    found: dict[str, set[int]] = {}
    for ch in lettered:
        i = text.find(ch)
        while i >= 0:
            start = max(0, i - _LONGEST_READ)
            letters = letters_only(shape[start:i + _LONGEST_READ + 1].lower())  # a to z at its offsets
            first = letters.rfind(" ", 0, i - start) + 1
            end = letters.find(" ", i - start)
            found.setdefault(letters[first:end if end >= 0 else len(letters)], set()).add(start + first)
            i = text.find(ch, i + 1)
    return found


def skeleton_with_offsets(text: str) -> tuple[str, list[int]]:
    """The skeleton of any text with its offset map, one character at a time (the general case)."""
    parts: list[str] = []
    offsets: list[int] = []
    last = 0
    for m in _NON_ASCII.finditer(text):
        start = m.start()
        parts.append(text[last:start])
        offsets.extend(range(last, start))
        for i, ch in enumerate(m.group(), start):
            mapped = _map_char(ch)
            parts.append(mapped)
            offsets.extend([i] * len(mapped))
        last = m.end()
    parts.append(text[last:])
    offsets.extend(range(last, len(text)))
    return "".join(parts), offsets


def span_in_text(offsets: list[int] | None, start: int, end: int, length: int) -> tuple[int, int]:
    """The span of the original text that the skeleton's ``[start, end)`` came from."""
    if offsets is None:
        return start, end
    if start >= len(offsets):
        return length, length
    return offsets[start], (offsets[end - 1] + 1) if end > start else offsets[start]
