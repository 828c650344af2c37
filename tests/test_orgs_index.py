"""The company scan's per-article index (``mentions.Capitals``) and what reads it find exactly
what the straightforward forms they replaced found: name lookups, the gazetteer, the patterns
tried only at their start words."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mineralbrief.domain import gazetteer, mentions
from mineralbrief.domain.gazetteer import AMBIGUOUS, FORMS, find_gazetteer
from mineralbrief.domain.mentions import Capitals, Mentions

# -- name lookups ------------------------------------------------------------------------------

WORDS = ["Alpha", "Beta", "of", "U.S.", "Rare", "Earths", "Ltd", "A", "the", "Co", "X-1", "é", "Ab_c", "alpha",
         "department of energy", "rare", "\u212a", "Kx", "kx", "ß", "İ"]
TEXTS = st.lists(st.sampled_from(WORDS + [" ", "  ", ".", ",", "-", "\n", "(", ")", "xAlpha", "Alphas", "_", "é"]),
                 max_size=60).map(" ".join)
NAMES = st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join), min_size=1, max_size=12)


def _regex_starts(text: str, name: str) -> list[int]:
    return [m.start() for m in re.finditer(r"(?=(?<![\w.])" + re.escape(name) + r"(?![\w]))", text)]


@pytest.mark.parametrize("find_limit, tokens_after, shared", [
    (128, 8, False), (0, 0, False), (128, 0, True), (64, 1000, True)])
@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])  # same patch for all
@given(text=TEXTS, names=NAMES)
def test_mentions_with_either_index_match_the_whole_name_regex(monkeypatch, find_limit, tokens_after, shared,
                                                                text, names):
    monkeypatch.setattr(mentions, "_FIND_LIMIT", find_limit)
    monkeypatch.setattr(mentions, "_TOKENS_AFTER", tokens_after)
    for where in (text, text.lower()):
        found = Mentions(where, Capitals(where) if shared else None)
        for name in names:
            assert found.starts(name) == _regex_starts(where, name), (where, name)
        longest_first = sorted(set(names), key=len, reverse=True)
        alternation = r"(?<![\w.])(?:" + "|".join(map(re.escape, longest_first)) + r")(?![\w])"
        assert found.spans(names) == [m.span() for m in re.finditer(alternation, where)]


def test_capitals_index_whole_capitalised_words_and_those_after_a_dot():
    text = "Alpha-Beta U.S. xGamma 9lives Delta_Epsilon .Zeta é Éta"
    assert Capitals(text).words == {"Alpha": [0], "Beta": [6], "U": [11], "S": [13], "9lives": [23],
                                    "Delta_Epsilon": [30], "Zeta": [45]}
    assert Capitals(text).starts(["Zeta", "Alpha", "Nope"]) == [0, 45]


# -- the gazetteer -----------------------------------------------------------------------------

def _gazetteer_by_every_word(text: str) -> list[tuple[str, str, int, int]]:
    """The scan as first written: every word of the article looked up in turn."""
    out: list[tuple[str, str, int, int]] = []
    free_from = 0
    for m in gazetteer._WORD.finditer(text):
        i = m.start()
        if i < free_from:
            continue
        word = m.group()
        forms = gazetteer._BY_FIRST.get(word)
        if forms is None:
            if "-" not in word and "'" not in word:
                continue
            stem = gazetteer._STEM_END.split(word, maxsplit=1)[0]
            forms = gazetteer._BY_FIRST.get(stem)
            if forms is None:
                continue
        for form in forms:
            end = i + len(form)
            if text.startswith(form, i) and (end == len(text) or not (text[end].isalnum() or text[end] == "_")):
                sub = (gazetteer._SUBSIDIARY.match(text, end) if form == FORMS[form] and text[end:end + 1] == " "
                       else None)
                if sub is not None:
                    form, end = text[i:sub.end()], sub.end()
                out.append((FORMS.get(form, form), form, i, end))
                free_from = end
                break
    ambiguous = {form for _, form, _, _ in out if form in AMBIGUOUS}
    if ambiguous:
        settled = {form for _, form, i, _ in out if form in ambiguous and not gazetteer._at_sentence_start(text, i)}
        out = [hit for hit in out if hit[1] not in ambiguous or hit[1] in settled]
    return out


GAZETTEER_WORDS = ["Ford", "Tesla", "Vale", "Vale Canada", "Rio Tinto", "S&P", "S&P Global", "Ma'aden", "L&F",
                   "Freeport-McMoRan", "Sumitomo", "Sumitomo Metal Mining", "Nouveau Monde", "BHP", "Non", "Canada",
                   "Glencore", "Teck", "Hyundai Motor", "LG", "LG Energy Solution", "S", "Ma", "L", "Co", "3M"]
GLUE = [" ", "-", "'", "&", ".", "'s ", "-backed ", "x", "_", "\n", ". ", "é", "(", "’s "]
GAZETTEER_TEXTS = st.lists(st.tuples(st.sampled_from(GAZETTEER_WORDS), st.sampled_from(GLUE)),
                           max_size=25).map(lambda parts: "".join(w + g for w, g in parts))


@settings(max_examples=400)
@given(GAZETTEER_TEXTS)
def test_gazetteer_read_at_its_first_words_finds_what_every_word_found(text):
    assert find_gazetteer(text) == _gazetteer_by_every_word(text)


def test_gazetteer_skips_a_name_inside_a_hyphenated_word():
    for text in ("Non-Sumitomo suppliers", "A-Tesla deal", "x-Ford", "S&P-Ford", "Ford-Tesla"):
        assert find_gazetteer(text) == _gazetteer_by_every_word(text), text
