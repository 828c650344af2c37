"""Which language an article is written in, roughly: English or not, and which script.

The offline backend and the domain layer read English; a model reads many languages. So a
brief of an article in another language must say that it may miss what the article says
(a Chinese release of a US$500 million MOU must not come back as a clean "no deal").
"""

from __future__ import annotations

import unicodedata
from collections import Counter

from .anchored import lower_letters, outside_ascii

# the commonest English words; real English prose runs at 15-25% of its words
_ENGLISH = frozenset(
    "the of and to in a for on with is was by as that at from its said will be has have are it an "
    "this which or were their not per under into than also".split())


def language_of(text: str, sample: int = 4_000) -> str:
    """``"en"`` for English, else ``"other"`` with the script when it is not Latin
    (``"other:CJK"``, ``"other:ARABIC"``, ``"other:CYRILLIC"``...). Reads the first
    ``sample`` characters: cost does not grow with the article."""
    head = text[:sample]
    others = outside_ascii(head)
    # English words are ASCII: one pass serves both counts (the runs of a to z, as
    # ``re.findall("[a-z]+")`` finds them, from C calls)
    latin = lower_letters(head, others)
    words = latin.split()
    scripts: Counter[str] = Counter()
    scripts["LATIN"] = len(latin) - latin.count(" ")  # every other character is a space
    for ch in others:  # only the characters outside ASCII are looked up one by one
        if ch.isalpha():
            scripts[_script(ch)] += 1
    letters = sum(scripts.values())
    if not letters:
        return "other"
    script, count = scripts.most_common(1)[0]
    if script != "LATIN" and count > letters / 2:
        return f"other:{script}"
    common = sum(map(_ENGLISH.__contains__, words))
    return "en" if words and common / len(words) >= 0.08 else "other"


def english_further_on(text: str, size: int = 4_000) -> bool:
    """Whether a window of ``text`` past its opening reads as English: ``language_of`` reads the
    opening only, and an English article may open with a long passage in another language or
    script (an abstract, a quote, a table). The windows are of the opening's size and overlap by
    half; one mostly of characters outside ASCII is not read (English is written in ASCII, and
    each such character is looked up one by one)."""
    for i in range(size // 2, len(text) - size // 2, size // 2):
        window = text[i:i + size]
        if 2 * len(window.encode("ascii", "ignore")) > len(window) and language_of(window, size) == "en":
            return True
    return False


def _script(ch: str) -> str:
    if ch.isascii():
        return "LATIN"
    name = unicodedata.name(ch, "")
    first = name.split(" ", 1)[0]
    return {"CJK": "CJK", "HIRAGANA": "CJK", "KATAKANA": "CJK", "HANGUL": "CJK"}.get(first, first or "OTHER")
