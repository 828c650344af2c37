"""The matching form of text, which grounding compares, and the way back to the article.

``normalise`` gives the form a quote or a name is compared in: NFKC, quotes, dashes and
no-break spaces unified, Markdown decoration dropped, whitespace collapsed, case folded.
``Normalised`` gives the same form of a whole article with a map from each of its characters
back to the article's own offsets, built run by run: the ASCII stretches between line breaks,
double spaces and Markdown signs are copied whole, and only non-ASCII characters that NFKC or
case folding change are taken apart, a character and its combining marks at a time. (The first
version built the map one character at a time: 2.7 ms on a 13 KB press release.)
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from functools import lru_cache, partial

_UNIFY = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\u00a0": " ", "\u2009": " ", "\u202f": " ",
}
# The replacements that give what NFKC then the replacement would (all but the double prime,
# which NFKC splits in two): made first, on the whole text, they keep it the same length, and
# the curly quotes, dashes and no-break spaces of press releases leave it ASCII.
_PRE = {c: t for c, t in _UNIFY.items()
        if "".join(_UNIFY.get(n, n) for n in unicodedata.normalize("NFKC", c)) == t}
# Markdown decoration that articles scraped from the web carry and quotes usually drop.
_DROP = frozenset("\\*_[]")


def _replacer(table: dict[str, str]) -> Callable[[str], str]:
    """``str.translate`` for a few characters, by a regex: translate with a mapping costs a
    dictionary lookup per character of the text (0.7 ms on a 13 KB release), a character class
    skips to the few characters it replaces."""
    rx = re.compile("[" + re.escape("".join(table)) + "]")
    return partial(rx.sub, lambda m: table[m.group()])


_unify = _replacer(_UNIFY)
unify_quotes = _replacer(_PRE)  # the one-to-one part: same length, same offsets
_drop = partial(re.compile("[" + re.escape("".join(sorted(_DROP))) + "]").sub, "")
_LEGAL_SUFFIXES = frozenset({
    "limited", "ltd", "inc", "incorporated", "corp", "corporation", "plc", "llc", "lp", "co",
    "company", "pty", "ag", "sa", "nv", "gmbh", "se", "asa", "ab", "oyj", "bhd", "tbk",
})


def normalise(text: str) -> str:
    """The matching form of ``text``: case-folded, quotes/dashes/whitespace unified, Markdown
    decoration dropped."""
    t = _drop(_unify(unicodedata.normalize("NFKC", text)))
    return " ".join(t.split()).casefold()


class _OffsetMap:
    """Positions of a string derived from a text, mapped back to the text, one entry per run.

    A run is either linear (its characters come one by one from consecutive characters) or one
    unit (all its characters come from one span, as "ss" from "ß" or "é" from "e" + U+0301).
    """

    def __init__(self) -> None:
        self.starts: list[int] = []  # where each run begins in the derived string
        self.sources: list[int] = []  # where it begins in the text
        self.widths: list[int] = []  # 0 for a linear run, else the width of the unit's span

    def add(self, at: int, source: int, width: int = 0) -> None:
        if width == 0 and self.starts and self.widths[-1] == 0 and (
                at - self.starts[-1] == source - self.sources[-1]):
            return  # continues the previous linear run
        self.starts.append(at)
        self.sources.append(source)
        self.widths.append(width)

    def start(self, i: int) -> int:
        """Where the source of character ``i`` begins."""
        k = bisect_right(self.starts, i) - 1
        return self.sources[k] + (i - self.starts[k] if self.widths[k] == 0 else 0)

    def end(self, i: int) -> int:
        """Where the source of character ``i`` ends."""
        k = bisect_right(self.starts, i) - 1
        width = self.widths[k]
        return self.sources[k] + (i - self.starts[k] + 1 if width == 0 else width)


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _fold(text: str) -> tuple[str, _OffsetMap | None]:
    """``casefold(unify(NFKC(text)))`` and its map (None when it is one-to-one).

    Only runs of non-ASCII characters that NFKC or case folding change are taken apart,
    character cluster by cluster (a base and its combining marks, normalised together; this is
    NFKC of the whole text but where NFKC would join two bases, as Hangul jamo, which stay apart).
    """
    t = unify_quotes(text)
    if t.isascii():
        return t.lower(), None
    if unicodedata.is_normalized("NFKC", t):
        folded = _unify(t).casefold()
        if len(folded) == len(t):  # each character folded to one
            return folded, None
    parts: list[str] = []
    omap, out, done = _OffsetMap(), 0, 0
    for m in _NON_ASCII.finditer(t):
        start, end = m.span()
        if start > done and unicodedata.combining(t[start]):
            start -= 1  # the base its first mark sits on
        if start > done:
            parts.append(t[done:start].lower())
            omap.add(out, done)
            out += start - done
        run = t[start:end]
        folded = _unify(run).casefold()
        if len(folded) == len(run) and unicodedata.is_normalized("NFKC", run):
            parts.append(folded)
            omap.add(out, start)
            out += len(folded)
        else:
            for c_start, c_end in _clusters(t, start, end):
                cluster = t[c_start:c_end]
                folded = _unify(unicodedata.normalize("NFKC", cluster)).casefold()
                parts.append(folded)
                one_to_one = len(folded) == len(cluster) and unicodedata.is_normalized("NFKC", cluster)
                omap.add(out, c_start, 0 if one_to_one else c_end - c_start)
                out += len(folded)
        done = end
    if done < len(t):
        parts.append(t[done:].lower())
        omap.add(out, done)
    return "".join(parts), omap


def _clusters(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` cut before every character that is not a combining mark."""
    cuts = [i for i in range(start, end) if i == start or not unicodedata.combining(text[i])]
    return list(zip(cuts, cuts[1:] + [end], strict=True))


_KEPT = re.compile(r"[^\s\\*_\[\]]")
# A run of whitespace and Markdown signs that is not a single space (a class first, so the
# regex engine skips ahead to the next such character instead of trying every position).
_GAP = re.compile(r"[\s\\*_\[\]](?:(?<=[^ ])|(?=[\s\\*_\[\]]))[\s\\*_\[\]]*")


def _normalise_with_offsets(text: str) -> tuple[str, _OffsetMap, _OffsetMap | None]:
    """``normalise(text)``, with the maps back to ``text``: the first from the normalised text
    to the folded one (Markdown dropped, whitespace collapsed), the second from there to
    ``text`` (None when one-to-one).

    The folded text is copied run by run between the gaps: on an ASCII press release a few
    hundred Python steps instead of one per character.
    """
    folded, fold_map = _fold(text)
    gaps = _OffsetMap()
    first = _KEPT.search(folded)
    if first is None:
        return "", gaps, fold_map
    trailing = _KEPT.search(folded[::-1])  # the last kept character, searched for from the end
    done, end_kept = first.start(), len(folded) - (trailing.start() if trailing else 0)
    parts: list[str] = []
    out = 0
    for m in _GAP.finditer(folded, done, end_kept):
        start, end = m.span()
        parts.append(folded[done:start])
        gaps.add(out, done)
        out += start - done
        if _drop(m.group()):
            parts.append(" ")  # the gap held whitespace: one space, at the gap's first character
            gaps.add(out, start)
            out += 1
        done = end
    parts.append(folded[done:end_kept])
    gaps.add(out, done)
    return "".join(parts), gaps, fold_map


# Bytes that end a name word: all but 0-9 and a-z.
_NAME_BREAKS = bytes(c if chr(c) in "0123456789abcdefghijklmnopqrstuvwxyz" else 32 for c in range(256))
_NAME_DELETED = "".join(sorted(_DROP)).encode("ascii") + b"."  # dropped, not word breaks
_ACCENTS = re.compile(r"(?<=[a-z])[\u0300-\u036f]+")  # the accents NFKD splits off Latin letters (only)
# Latin letters whose stroke or ligature NFKD keeps (lower-case: read after case folding), as they
# are written without it: "Løseth" is "Loseth", "Ørsted" "Orsted", "Łukasz" "Lukasz"
_unstroke = _replacer({"ø": "o", "đ": "d", "ð": "d", "ł": "l", "ħ": "h", "ŧ": "t", "ƀ": "b", "ƶ": "z",
                       "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"})
# legal forms written into a Chinese or Japanese name, not a word of their own
_CJK_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "株式会社")


def name_form(text: str) -> str:
    """``name_key`` of a long text (not cached: an article would stay in the cache)."""
    # ``normalise`` but for its blank space, which the words are split on here anyway
    t = _unify(unicodedata.normalize("NFKC", text)).casefold()
    if t.isascii():
        # the words are the runs of 0-9a-z: cut by bytes.translate, which is table-driven C, where
        # a regex built one match object per word (0.3 ms on a 13 KB release); it also deletes
        # the Markdown signs and dots (ASCII, untouched by case folding: as ``_drop`` and
        # ``replace`` before it would, without two more passes, ~50 us on 13 KB)
        words = t.encode("ascii").translate(_NAME_BREAKS, _NAME_DELETED).decode("ascii").split()
    else:
        # accents off Latin letters ("Minería" -> "mineria"); other scripts kept
        # (the strokes first: a letter with a stroke and an accent, "ǿ", "ǽ", is the bare letter's
        # once both are off, "o", "ae")
        t = _ACCENTS.sub("", _unstroke(unicodedata.normalize("NFKD", _drop(t).replace(".", ""))))
        if t.isascii():
            words = t.encode("ascii").translate(_NAME_BREAKS).decode("ascii").split()
        else:
            words = _other_script_words(unicodedata.normalize("NFC", t))
    if words and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    if words and not words[-1].isascii():
        last = words[-1]
        form = next((f for f in _CJK_FORMS if last.endswith(f) and len(last) > len(f)), "")
        words[-1] = last[:len(last) - len(form)]
    return " ".join(words)


def _other_script_words(t: str) -> list[str]:
    """The words of a text in any script: runs of letters, digits and the combining marks that
    belong to them (the kana voicing mark of "ブ", a Devanagari or Thai vowel sign), which
    a regex word pattern does not count as word characters. The text is recomposed first (NFC), so a kana
    split by NFKD is one letter again."""
    breaks = {ord(c): " " for c in set(t) if not (c.isalnum() or unicodedata.category(c).startswith("M"))}
    return t.translate(breaks).split()


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """The matching form of a name: no dots, no punctuation, no legal suffix."""
    return name_form(name)


class Normalised:
    """``normalise(text)`` of a whole article, with the map back to the article's offsets."""

    def __init__(self, text: str) -> None:
        self.norm, self._gaps, self._fold = _normalise_with_offsets(text)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the article that ``norm[start:end]`` comes from."""
        first, last = self._gaps.start(start), self._gaps.start(end - 1)  # kept characters: one to one
        if self._fold is None:
            return first, last + 1
        return self._fold.start(first), self._fold.end(last)

    def find(self, q: str) -> int:
        """The first place of ``q`` in ``norm`` whose ends fall between the article's characters
        (not inside the "ss" of a "ß"), else its first place, else -1."""
        first = self.norm.find(q)
        if self._fold is None:  # one character from one: every place falls between
            return first
        pos = first
        while pos >= 0:
            if self._between(pos) and self._between(pos + len(q)):
                return pos
            pos = self.norm.find(q, pos + 1)
        return first

    def _between(self, i: int) -> bool:
        """True when ``norm[i]`` starts what one character (or cluster) of the article gives."""
        return i in (0, len(self.norm)) or self.span(i - 1, i)[0] != self.span(i, i + 1)[0]
