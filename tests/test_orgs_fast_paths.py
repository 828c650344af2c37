"""The company scan's shortcuts give what the plain forms they stand for give."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from mineralbrief.domain import orgcues, orgnames, orgs, orgscan
from mineralbrief.domain.anchored import Starts, occurrences
from mineralbrief.domain.orgnames import name_before
from mineralbrief.domain.orgscan import title_cased
from mineralbrief.domain.wordindex import _CAPITAL_WORD, Anchored, Capitals, words_back

from helpers import word_texts

_PIECES = ["Alpha", "alpha", "Rare", "earths", "the", "of", "and", "Ltd", "US", "x", "Éta", "éta", "über", "9lives",
           "Co-op", "co-op", "it's", "A_b", "ab_cd", "?", "é", "?abcd", "-abcd", "'abcd", "_abcd", "abcd", "ABCD"]
_CAPITALISED = ["Alpha", "Rare", "Earths", "Limited", "Co-op", "Über", "ABCD", "Abc's"]
_SEPARATORS = [" "] * 6 + ["", "  ", ",", ", ", ". ", "\t", "-", "'", " (", ") ", "é ", "\u00a0"]
# words (mostly capitalised, as in a headline, near the share that makes one) and what parts them
LINES = word_texts(_CAPITALISED * 4 + _PIECES, _SEPARATORS, max_size=30)


def _title_cased_plainly(line: str) -> bool:
    words = re.findall(r"[A-Za-z][\w'-]*", line)
    long_words = [w for w in words if len(w) > 3]
    return len(long_words) >= 4 and sum(w[0].isupper() for w in long_words) / len(long_words) > 0.8


@settings(max_examples=250)
@given(line=LINES, before=st.sampled_from(["", "Abcd ", "x\u00e9"]))
def test_title_cased_is_the_share_of_capitalised_long_words(line, before):
    text = before + line + " tail"
    assert title_cased(text, len(before), len(before) + len(line)) == _title_cased_plainly(line), line


# -- the name before a bracket ------------------------------------------------------------------

def _name_before_plainly(text: str, pos: int) -> tuple[str, int] | None:
    """``name_before`` as first written: every word of the line read, the name walked back char by
    char (the parentheticals skipped and the name cleaned by the same ``name_end`` and ``named``)."""
    found = orgnames.name_end(text, pos)
    if found is None:
        return None
    line_start, end, cut = found
    words = text[line_start:end].split()
    if cut and words and not text[line_start].isspace() and not text[line_start - 1].isspace():
        words = words[1:]
    taken = 0  # how many words, from the last, belong to the name
    for token in reversed(words):
        if not orgnames._TOKEN.fullmatch(token):  # 'Company")': the end of a quote or a bracket, not a name
            break
        if token.endswith(",") and taken and not orgnames._LEGAL_RE.fullmatch(words[len(words) - taken].strip(",")):
            break  # "Panasonic Energy, Stellantis": a list, not one name ("Tesla, Inc." is one)
        if token[0].isupper() or token[0].isdigit() and taken or token in orgnames._CONNECTORS and taken:
            taken += 1
        else:
            break
    if cut and taken == len(words) and taken:
        return None
    while taken and words[len(words) - taken] in orgnames._CONNECTORS:
        taken -= 1
    if not taken:
        return None
    first = end  # walk back over the taken words (and the spaces between them) to the first
    for i, token in enumerate(reversed(words[len(words) - taken:])):
        while i and text[first - 1].isspace():
            first -= 1
        first -= len(token)
    return orgnames.named(text, first, end)


_NAME_WORDS = ["Talon", "Metals", "Corp.", "Tesla,", "Inc.", "Ltd", "of", "the", "and", "&", "de", "U.S.", "DOE", "3M",
               "2022", "energy", "said", "(TSX: TLO)", "(the \"Company\")", "Co.,", "Panasonic", "Energy,", '"Talon"',
               "Export-Import", "Bank", "É", "x" * 30, "Alpha" * 7, "(" + "y" * 70 + ")", ")"]
_NAME_GLUE = [" "] * 8 + ["  ", "\n", "\n\n", "\t", "", "\u00a0", " (", ") "]
NAME_TEXTS = word_texts(_NAME_WORDS, _NAME_GLUE, max_size=60)


@settings(max_examples=200)
@given(text=NAME_TEXTS, at=st.integers(0, 10_000), last_words=st.sampled_from([1, 2, 3, orgnames._LAST_WORDS]))
def test_name_before_reads_the_name_the_whole_line_gives(text, at, last_words):
    kept = orgnames._LAST_WORDS
    orgnames._LAST_WORDS = last_words  # (few words read first: the line is read whole more often)
    try:
        for pos in {min(at, len(text)), len(text), *(i for i, c in enumerate(text) if c == "(")}:
            assert name_before(text, pos) == _name_before_plainly(text, pos), (text, pos)
    finally:
        orgnames._LAST_WORDS = kept


# -- the index of capitalised words ---------------------------------------------------------------

_CAPITAL_PIECES = ["Alpha", "alpha", "U.S.", "9lives", "X1", "_A", "A_b", "aB", "ß", "é", "É", "Éta", "–", "’", "“",
                   "\u00a0", "?", "Ab?c", "(ASX:", "Non-Sumitomo", "İ", "\ud800", "Ⅻ", "٣"]
CAPITAL_TEXTS = word_texts(_CAPITAL_PIECES, ["", " ", "-", ".", "\n"], max_size=30)


@settings(max_examples=250)
@given(text=CAPITAL_TEXTS, shared=st.booleans())
def test_capitals_read_by_class_are_the_capitalised_words_the_pattern_finds(text, shared):
    words: dict[str, list[int]] = {}
    for m in _CAPITAL_WORD.finditer(text):
        words.setdefault(m.group(), []).append(m.start())
    index = Capitals(text, {c for c in text if not c.isascii()} if shared else None)
    assert index.words == words
    assert index.between(0, len(text)) == [m.start() for m in _CAPITAL_WORD.finditer(text)]


# -- name words never given back ------------------------------------------------------------------

_PATTERN_WORDS = ["Alpha", "Beta", "CNGR", "&", "Iluka", "Resources", "Rare", "Earths", "Ltd", "Ltd.", "Inc.", "S.A.",
                  "L.L.C.", "Pty", "plc", "Co.", "Corp", "Company", "Holdings", "Nickel", "Mines-Investment", "(USA)",
                  "Idaho", "Project", "project", "facility", "the", "x", "Tesla,", "Alpha-Beta", "O'Neil", "9", "é",
                  "said", "says", "plans", "Said", "saidx", "R&D", "Ab.Cd", "A"]
PATTERN_TEXTS = word_texts(_PATTERN_WORDS, [" ", " ", " ", "  ", "\n", "\n\n", "\t", "\u00a0", "", ",", ", ", ". ",
                                            "-", "(", " \n "])


@settings(max_examples=200)
@given(text=PATTERN_TEXTS)
def test_name_words_kept_whole_match_what_giving_them_back_matched(text):
    for rx in (orgs._COMPANY_RE, orgscan.SAID_RE):
        assert "*+" in rx.pattern
        backtracking = re.compile(rx.pattern.replace("*+", "*"))
        for i in range(len(text) + 1):
            found, expected = rx.match(text, i), backtracking.match(text, i)
            assert (found and found.span(1)) == (expected and expected.span(1)), (text, i)


@settings(max_examples=250)
@given(text=PATTERN_TEXTS.map(lambda text: text.replace("Ltd", "plc").replace("Pty", "xplc")), shared=st.booleans())
def test_company_names_read_back_with_the_articles_words_are_those_search_finds(text, shared):
    scan = orgscan.Scan(text, Starts(text) if shared else None)  # (with its words: "plc" looked for if written)
    anchored = Anchored(orgs._COMPANY_RE, text, orgscan.company_starts(scan))
    for pos in range(len(text) + 1):
        found, expected = anchored.search(pos), orgs._COMPANY_RE.search(text, pos)
        assert (found and found.span(1)) == (expected and expected.span(1)), (text, pos)


@settings(max_examples=150)
@given(text=st.lists(st.sampled_from(["Korea's LG", "Korea’s SK", ", a ", ", the ", "'s ", "’s", " ", "é", "x"]),
                     max_size=20).map("".join))
def test_cues_found_with_the_articles_characters_are_every_start_of_every_cue(text):
    assert orgcues._cue_starts(text, Starts(text).non_ascii()) == sorted(occurrences(text, orgcues._CUE_WORDS))


@settings(max_examples=250)
@given(text=st.lists(st.sampled_from(["Alpha", "b", "x" * 70, " ", "  ", "\n", "\t", "\u00a0", "é", "-"]),
                     max_size=40).map("".join), n=st.integers(1, 6), at=st.integers(0, 3000))
def test_words_back_is_where_the_nth_word_before_starts(text, n, at):
    end = min(at, len(text))
    words = [m.start() for m in re.finditer(r"\S+", text[:end])]
    # (0 unless more words stand before: the start of the text when there are just n)
    assert words_back(text, end, n) == (words[-n] if len(words) > n else 0), (text, end, n)
