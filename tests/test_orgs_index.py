"""The company scan's per-article index (``mentions.Capitals``) and what reads it find exactly
what the straightforward forms they replaced found: name lookups, the gazetteer, the patterns
tried only at their start words."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mineralbrief.domain import gazetteer, mentions, orgcues, orgs, orgscan
from mineralbrief.domain.anchored import Starts, occurrences
from mineralbrief.domain.gazetteer import AMBIGUOUS, FORMS, find_gazetteer
from mineralbrief.domain.mentions import Mentions
from mineralbrief.domain.wordindex import Anchored, Capitals, matches_at, words_back

from helpers import word_texts

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
GAZETTEER_TEXTS = word_texts(GAZETTEER_WORDS, GLUE, max_size=25)


@settings(max_examples=200)
@given(GAZETTEER_TEXTS)
def test_gazetteer_read_at_its_first_words_finds_what_every_word_found(text):
    assert find_gazetteer(text) == _gazetteer_by_every_word(text)


def test_gazetteer_skips_a_name_inside_a_hyphenated_word():
    for text in ("Non-Sumitomo suppliers", "A-Tesla deal", "x-Ford", "S&P-Ford", "Ford-Tesla"):
        assert find_gazetteer(text) == _gazetteer_by_every_word(text), text


# -- patterns tried only where their matches can start ------------------------------------------

def _exchange_alternatives() -> list[str]:
    """The exchanges of ``orgs.EXCHANGES`` as written (split at its top-level bars)."""
    out, depth, part = [], 0, ""
    for c in orgs.EXCHANGES:
        depth += c == "("
        depth -= c == ")"
        if c == "|" and not depth:
            out.append(part)
            part = ""
        else:
            part += c
    return [*out, part]


EXCHANGE_SAMPLES = [re.sub(r"\[\.\\s-\]\?|\(\?:[^)]*\)\?", "", alt) for alt in _exchange_alternatives()] + [
    "TSX.V", "TSX-V", "TSX V", "Euronext Paris", "NYSE American", "OTC Pink", "ASX / TSX"]
TICKER_TEXTS = st.lists(st.tuples(st.sampled_from(EXCHANGE_SAMPLES), st.sampled_from([":", ": ", " ", ", ", "-"]),
                                  st.sampled_from(["AB", "REE", "1234", "3A1", "B", "ab"]),
                                  st.sampled_from([" ", ")", ".", "_", "x", "(", ", CD) ", "/"])),
                        max_size=12).map(lambda parts: "".join("".join(p) for p in parts))


def test_every_exchange_starts_with_an_indexed_word():
    for sample in EXCHANGE_SAMPLES:
        for before in ("", " ", "(", ".", "x", "_", "é"):
            text = f"{before}{sample}: AB"
            expected = [m.span() for m in orgs._TICKER_RE.finditer(text)]
            found = matches_at(orgs._TICKER_RE, text, Capitals(text).starts(orgs._EXCHANGE_WORDS))
            assert [m.span() for m in found] == expected, text


@settings(max_examples=150)
@given(TICKER_TEXTS)
def test_tickers_read_at_the_exchange_words_are_those_finditer_finds(text):
    found = matches_at(orgs._TICKER_RE, text, Capitals(text).starts(orgs._EXCHANGE_WORDS))
    assert [m.groupdict() | {"span": m.span()} for m in found] == [
        m.groupdict() | {"span": m.span()} for m in orgs._TICKER_RE.finditer(text)]


SAID_WORDS = ["Alpha", "Beta", "CNGR", "Vulcan", "Elements", "said", "says", "plans", "agreed", "announced", "x",
              "A", "Ab.Cd", "O'Neil", "R&D", "Non-Ferrous", "the", "Said", "saidx", "unsaid", "é", "9"]
SAID_TEXTS = word_texts(SAID_WORDS, [" ", "  ", "\n", "\t", "\u00a0", "", "-", ".", "(", ", "], max_size=30)


@settings(max_examples=200)
@given(SAID_TEXTS)
def test_statements_read_back_from_their_verbs_are_those_finditer_finds(text):
    assert [m.span(1) for m in orgscan.said_matches(orgscan.Scan(text))] == [
        m.span(1) for m in orgscan.SAID_RE.finditer(text)]


def test_words_back_reads_whole_words_across_a_widened_window():
    text = "x" * 300 + " Alpha  Beta\nGamma Delta said"
    assert words_back(text, len(text) - 5, 4) == 301
    assert words_back(text, len(text) - 5, 5) == 0
    assert words_back("Alpha said", 6, 4) == 0


COMPANY_WORDS = ["Alpha", "Beta", "Gamma", "Delta", "&", "Iluka", "Resources", "Rare", "Earths", "Earth", "Ltd",
                 "Ltd.", "Inc.", "Inc", "S.A.", "S.p.A.", "L.L.C.", "L.P.", "N.V.", "K.K.", "Pty", "plc", "PLC", "Co.",
                 "Co", "Corp", "Corporation", "Company", "Holdings", "Group", "Nickel", "Mines-Investment", "(USA)",
                 "Idaho", "Project", "project", "the", "x", "Tesla,", "Alpha-Beta", "O'Neil", "9", "é", "Tbk"]
COMPANY_TEXTS = word_texts(COMPANY_WORDS, [" ", " ", "  ", "\n", "\n\n", "\t", "\u00a0", "", ",", ", ", ". ", "-",
                                           "("])


@settings(max_examples=150)
@given(COMPANY_TEXTS)
def test_company_names_read_back_from_their_company_words_are_those_search_finds(text):
    _same_company_search(text)


def _same_company_search(text: str) -> None:
    anchored = Anchored(orgs._COMPANY_RE, text, orgscan.company_starts(orgscan.Scan(text)))
    for pos in range(len(text) + 1):
        found, expected = anchored.search(pos), orgs._COMPANY_RE.search(text, pos)
        assert (found and found.span(1)) == (expected and expected.span(1)), (text, pos)


@pytest.mark.parametrize("text", [
    "Alpha Beta Gamma Delta Iluka Resources", "x Alpha Beta & Gamma Delta Iluka Resources", "(Alpha Beta\n Gamma Delta Co.",
    "Alpha  Beta\tGamma Delta Iota, Inc. said", "Alpha Beta Gamma Delta Iota Kappa plc", "Vale Base Metals plc"])
def test_the_longest_company_names_are_found_back_from_their_company_word(text):
    _same_company_search(text)


@pytest.mark.parametrize("find_words", [0, 1000])
@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet="ab_1 .-é\u0663\u00b2Ⅻ\n", max_size=40),
       words=st.lists(st.text(alphabet="ab_1é\u0663\u00b2Ⅻ", min_size=1, max_size=3), max_size=10))
def test_a_word_written_whole_is_found_by_either_lookup(monkeypatch, find_words, text, words):
    monkeypatch.setattr(orgscan, "_FIND_WORDS", find_words)
    scan = orgscan.Scan(text)
    for word in words:
        assert scan.writes_word(word) == (re.search(r"\b" + re.escape(word) + r"\b", text) is not None), (text, word)


# -- roles and cues found without a pass per word ------------------------------------------------

ROLE_WORDS = ["maker", "Maker", "start-up", "startup", "start", "up", "trading house", "trading", "wealth fund",
              "wealth", "miner", "mineral", "makers", "automaker", "giant", "partner", "Vulcan", "Elements", "Hanwa",
              "x", "é", "_", "9", "ı", "İ", "\u212a", ",", "-", "(", "'s", "’s", "a", "an", "the", "its", "their"]
ROLE_TEXTS = word_texts(ROLE_WORDS, [" ", "", "\n", "  ", "-", ", ", "."], max_size=30)


@settings(max_examples=200)
@given(ROLE_TEXTS)
def test_roles_read_at_the_articles_words_are_those_finditer_finds(text):
    _same_roles(text)


def _same_roles(text: str) -> None:
    assert [(m.span(), m.groups()) for m in orgcues.role_matches(Starts(text))] == [
        (m.span(), m.groups()) for m in orgcues.ROLE_RE.finditer(text)]


@pytest.mark.parametrize("text", [
    "magnet maker Vulcan Elements and battery start-up Freyr", "the startup Alpha Beta said", "trading house Hanwa",
    "sovereign wealth fund Alpha, a miner Beta", "İ maker Vulcan Elements", "ı startup Alpha"])
def test_roles_in_texts_with_and_without_a_case_blind_form(text):
    _same_roles(text)


@settings(max_examples=150)
@given(ROLE_TEXTS)
def test_cues_found_in_one_pass_are_every_start_of_every_cue(text):
    assert orgcues._cue_starts(text) == sorted(occurrences(text, orgcues._CUE_WORDS))


@pytest.mark.parametrize("text", [
    "Brunp, a unit, an arm, the firm, its partner, their miner; Korea's LG, Korea’s SK",
    ", a , an , the , its , their 's ’s ", ",  a ,a , ann 'ss"])
def test_cues_in_one_pass_in_texts_with_every_cue(text):
    assert orgcues._cue_starts(text) == sorted(occurrences(text, orgcues._CUE_WORDS))


PREFIX_WORDS = [*orgs._PREFIX_HEADS, "Vale", "Indonesia", "Tbk", "de", "del", "Nacional", "Cobre", "S.A.", "Ltda.",
                "x", "é", "_", "9", "ª", "中", "ł", "×", "Groupes", "xPT", "Ltda"]
PREFIX_TEXTS = word_texts(PREFIX_WORDS, [" ", "", "\n", "  ", "\n\n", ", ", "-"], max_size=25)


@settings(max_examples=200)
@given(PREFIX_TEXTS)
def test_prefixed_names_read_at_the_indexed_words_are_those_finditer_finds(text):
    _same_prefixed(text)


def _same_prefixed(text: str) -> None:
    """The same matches as the search at ``_PREFIX_WORDS`` (which misses "PT" before a line break
    but at the start of the text, where ``finditer`` finds it)."""
    found = orgs._prefix_matches(Starts(text), Capitals(text))
    searched = Starts(text).finditer(orgs._PREFIX_RE, orgs._PREFIX_WORDS)
    assert [(m.span(), m.groups()) for m in found] == [(m.span(), m.groups()) for m in searched]


@pytest.mark.parametrize("text", [
    "PT Vale Indonesia Tbk and Corporación Nacional del Cobre", "xPT Vale Indonesia", "_PT Vale Indonesia",
    "中PT Vale Indonesia", "ªPT Vale Indonesia", "éPT Vale Indonesia", "×PT Vale Indonesia", "9PT Vale",
    "Grupo México, Société pour le Traitement du Terril", "PT\nVale Indonesia", "x PT\nVale Indonesia"])
def test_prefixed_names_in_texts_with_and_without_other_word_characters(text):
    _same_prefixed(text)
