"""Property tests (hypothesis) for the fast paths of the domain scan that read the article's shared
``Starts`` (its words, its hyphens) instead of searching the text: each finds what the plain
search or pattern it replaced finds."""

from __future__ import annotations

import pickle
import re
import sys

from hypothesis import example, given, settings
from hypothesis import strategies as st

from mineralbrief.domain import elements, injection, lexicon, numbers, skeleton
from mineralbrief.domain.anchored import Starts
from mineralbrief.domain.facts import _LOOKUPS, extract_facts


def test_no_character_outside_the_word_class_lower_cases_to_one_in_it():
    """What ``elements._name_spans`` relies on: in a text without letters or digits outside ASCII,
    the lower-cased text has no word character outside ASCII either."""
    for c in map(chr, range(sys.maxunicode + 1)):
        if not (c.isalnum() or c == "_"):
            assert not any(x.isalnum() or x == "_" for x in c.lower()), hex(ord(c))


HYPHEN_TEXT = st.lists(st.sampled_from(["ignore", "IGNORE", "Ignore", "system", "developer", "you", "YOU", "are", "Are",
                                        "forget", "disregard", "override", "-", "--", " ", "x", "\n", "\u0130", "\u017f",
                                        "\u2013", "\u200b"]), max_size=20).map("".join)


@settings(max_examples=200)
@given(HYPHEN_TEXT)
def test_hyphened_cues_read_at_the_hyphens_are_those_a_search_finds(text):
    expected = any(cue in text.lower() for cue in injection._HYPHENED_CUES)
    assert injection._hyphened(Starts(text)) == expected
    starts = Starts(text, _LOOKUPS)
    starts.words()
    assert injection._hyphened(starts) == expected


STATE_PIECES = sorted(lexicon.STATES)[::4] + ["West Virginia", "Virginia", "West", "Haut-Katanga", "Katanga", "Haut",
                                              "New South Wales", "Québec", "Quebec", "Qu", "Washington", "Nevada"]
STATE_TEXT = st.lists(st.tuples(st.sampled_from(STATE_PIECES),
                                st.sampled_from(["", " ", "-", ",", "\n", "x", "X", "9", "_", "é", "\u0130", "ians"])),
                      max_size=12).map(lambda parts: "".join(s + p for p, s in parts))


def _places(matches, text):
    """The matches ``find_locations`` reads: those that do not start inside a run of word characters."""
    return [m.span() for m in matches if not (m.start() and (text[m.start() - 1].isalnum() or text[m.start() - 1] == "_"))]


@settings(max_examples=250)
@given(STATE_TEXT)
def test_regions_tried_at_their_first_words_are_those_finditer_finds(text):
    expected = _places(lexicon._states_regex().finditer(text), text)
    assert _places(lexicon._state_matches(text, Starts(text)), text) == expected
    shared = Starts(text, _LOOKUPS)
    shared.words()
    assert _places(lexicon._state_matches(text, shared), text) == expected


def test_a_region_hidden_inside_a_longer_name_stays_hidden():
    text = "XWest Virginia and Haut-Katanga, aHaut-Katanga; Virginia"
    assert _places(lexicon._state_matches(text, Starts(text)), text) == _places(
        lexicon._states_regex().finditer(text), text) == [(19, 31), (48, 56)]


DASH_TEXT = st.lists(st.sampled_from(["RENO", ", ", "Oct. 28, 2024", " -- ", "--", "---", "\u2014", "\u2013", " - ", "-",
                                      "\n", "\n\n", " ", "a", "-\n", "\n-", " -"]), max_size=25).map("".join)


@settings(max_examples=200)
@given(DASH_TEXT)
def test_the_lines_of_the_dashes_are_those_a_search_of_each_dash_finds(text):
    dashes = sorted({i for dash in ("--", "\u2014", "\u2013", " - ") for i in range(len(text)) if text.startswith(dash, i)})
    expected = sorted({text.rfind("\n", 0, d) + 1 for d in dashes})
    assert lexicon._dash_lines(text, Starts(text)) == expected


NAME_TEXT = st.lists(st.tuples(st.sampled_from(["lithium", "Nickel", "IRON", "lead", "cobalt", "x", "litio", "zinc",
                                                "níquel", "étain", "estaño", "ÉTAIN", "NÍQUEL", "tain", "quel", "n"]),
                               st.sampled_from(["", " ", "_", "9", "\u00e9", "\u0663", "x", "-", "\n", "\u4e2d", "\u2013"])),
                     max_size=12).map(lambda parts: "".join(s + p + s for p, s in parts))


@settings(max_examples=200)
@given(NAME_TEXT)
def test_element_names_next_to_digits_or_underscores_are_those_the_pattern_finds(text):
    lowered = text.lower()
    expected = [(m.start(), m.group(1)) for m in elements._NAME_RE.finditer(lowered)]
    for starts in (Starts(text), Starts(text, _LOOKUPS)):
        # the words are read only from the lower-cased text the Starts holds
        assert elements._name_spans(starts.lowered, starts) == expected


DATE_PIECES = st.sampled_from(["Jan", "January", "Sept", "May", "Dec", "x", "X", "3", "12", "31", "123", "2024", "1999",
                                "2101", "st", "th", ",", ".", "-", " ", "  ", "\n", "\t", "_", "01", "2024-01-31",
                                "31.12.2024", "5th March 2023"])
# dates as the patterns write them, among pieces of them
DATE_TEXT = st.lists(st.one_of(DATE_PIECES, st.tuples(
    st.sampled_from(["Jan", "January", "Sept", "Sep", "May", "Dec", "Nov"]), st.sampled_from(["", "."]),
    st.sampled_from([" ", "\n ", "  ", ""]), st.sampled_from(["3", "31", "123"]), st.sampled_from(["", "st", "th"]),
    st.sampled_from(["", ","]), st.sampled_from([" ", ""]), st.sampled_from(["2024", "1899", "20245"])).map("".join)),
    max_size=8).map("".join)


@settings(max_examples=200)
@given(DATE_TEXT)
def test_dates_tried_where_their_day_or_year_stands_are_those_finditer_finds(text):
    starts = Starts(text)
    hits = numbers._date_starts(text, numbers._first_digits(text, starts) or [])
    for (rx, _), at in zip(numbers._DATE_RES, hits, strict=True):
        assert [m.span() for m in starts.matches_at(rx, at)] == [m.span() for m in rx.finditer(text)]


def test_a_date_that_starts_with_its_month_is_found_after_other_text():
    text = "x Sept. 3 2025, on Jan 31st, 2024 and May\n 5 1999"
    assert [d.text for d in numbers.find_dates(text)] == ["Sept. 3 2025", "Jan 31st, 2024", "May\n 5 1999"]


QUANTITY_TEXT = st.lists(st.sampled_from(["5", "12", "1,234", "1234,567", "2.5", "2.", ".5", " ", "  ", "\n", "-", " - ",
                                          " million", "million", " thousand ", "tonnes", " t", "t", "Mt", "mt", "km", "oz",
                                          "MW", "GWh", "ha", "x", "%", ",", "_", "a", "\ttonnes", "\n t"]), max_size=16).map("".join)


@settings(max_examples=200)
@given(QUANTITY_TEXT)
@example("12 -tonnes, 3 - Mt, 5\n\ttonnes, 1234,567 t, 2.5 million oz, 7 thousand-acre")
def test_quantities_tried_where_a_unit_can_follow_are_those_finditer_finds(text):
    for starts in (Starts(text), Starts(text, _LOOKUPS)):
        starts.words()
        found = [m.span() for m in numbers._quantities(text, starts)]
        assert found == [m.span() for m in numbers._QTY_RE.finditer(text)]


@settings(max_examples=150)
@given(st.lists(st.sampled_from(["1", "23", "x", "X", " ", "\u212a", "\u0130", "\u00e9", "\u2013", "\u0663", "\u00b2", ",", "A1"]),
                max_size=20).map("".join))
def test_the_digit_runs_read_from_the_case_blind_bytes_are_the_texts(text):
    starts = Starts(text)
    starts.words()  # the digits are then read from the bytes of the case-blind text
    runs = starts.digit_runs()
    assert runs is None if "\u0663" in text else runs == [m.span() for m in re.finditer(r"\d+", text)]


@settings(max_examples=150)
@given(st.lists(st.sampled_from(["neodymium", "Neodymium", "NEODYMIUM", "-iron-boron", " iron boron", "iron", "boron", "x",
                                 "9", "_", " ", "-", "\u00e9", "\u212a"]), max_size=10).map("".join))
def test_the_spelled_out_alloy_starts_with_neodymium_as_a_word(text):
    """What ``find_elements`` relies on to look for the alloy only in a text with that word."""
    starts = Starts(text)
    words = starts.words()
    if words is not None and elements._NDFEB_WORDS.search(starts.lowered):
        assert "neodymium" in words


@settings(max_examples=250)
@given(st.lists(st.sampled_from(["Ab", "x", " ", "\u2013", "\u2014", "\u2019", "\u00e9", "\u00c9", "\u03a3", "\u03c3",
                                 "\u0130", "\u212a", "\u00df", "\u00a0", "\u4e2d", "SIGMA", "\U0001f600", "K"]),
                max_size=40).map("".join))
def test_a_text_lower_cased_piece_by_piece_is_as_str_lower_makes_it(text):
    for long in (text, "Ab x " * 600 + text + "Ab X " * 600):  # the long one is cut in pieces
        assert Starts(long).lowered == long.lower()


class _WithoutWords(Starts):
    """A Starts that never has the text's words: every scanner takes its plain path."""

    def words(self):
        return None


ELEMENT_TEXT = st.lists(st.sampled_from(["neodymium", "Neodymium", "-iron-boron", " iron boron", "iron", "Iron Creek",
                                         "lead", "lead-acid", "Andes Copper", "the copper", "Dy/Tb", "NdPr", "(Dy)", "x",
                                         "9", "_", " ", "-", "\n", "\u00e9", "litio", "white gold", "\u2013"]),
                        max_size=14).map("".join)


@settings(max_examples=250)
@given(ELEMENT_TEXT)
def test_elements_read_from_the_texts_words_are_those_of_the_plain_scan(text):
    from mineralbrief.domain.elements import find_elements

    assert find_elements(text, Starts(text, _LOOKUPS)) == find_elements(text, _WithoutWords(text))


@settings(max_examples=200)
@given(st.lists(st.one_of(STATE_TEXT, st.sampled_from(["RENO, Nev., Oct. 28, 2024 -- ", "in Chattanooga, ", ", USA",
                                                        "Washington, D.C.", "\n", " - "])), max_size=4).map("".join))
def test_locations_read_from_the_texts_words_are_those_of_the_plain_scan(text):
    assert lexicon.find_locations(text, Starts(text, _LOOKUPS)) == lexicon.find_locations(text, _WithoutWords(text))


@settings(max_examples=150)
@given(st.lists(st.sampled_from(["up to", "UP TO", "Up To", "up  to", "to", "o", " ", "  ", "\n", "\t", "5", "$", "x",
                                 "u", "p", "\u00a0"]), max_size=12).map("".join))
def test_up_to_read_before_an_amount_is_what_the_pattern_finds(text):
    for start in range(len(text) + 1):
        m = numbers._UP_TO.search(text, max(0, start - 8), start)
        assert numbers._start_with_up_to(text, start) == ((m.start(), True) if m else (start, False))


def test_facts_hold_no_scan_state_a_models_prompt_never_reads():
    # extract_facts kept the scanners' Starts on every Facts (the article's words, lower-cased,
    # as bytes: ~20 bytes a character) for the scans an LLM backend never runs, and a Batch API
    # job holds every request's Facts at once; the scans run on first use share one, dropped
    # once all four have run
    text = open("seeds/mp_materials_dod.txt", encoding="utf-8").read()
    facts = extract_facts(text)
    facts.hints()
    assert facts.starts is None and len(pickle.dumps(facts)) < 2 * len(text.encode())
    found = (facts.locations, facts.amounts, facts.dates, facts.cues)
    assert facts.starts is None and len(pickle.dumps(facts)) < 3 * len(text.encode())
    again = extract_facts(text)  # read in another order: the same
    assert (again.cues, again.dates, again.amounts, again.locations)[::-1] == found


LOOKALIKE_TEXT = st.lists(st.sampled_from(["ignor\u00e9", "Ign\u043ere", "previous", "instructi\u043ens", "s\u0443stem",
                                           "prompt", "Syst\u00e9m", ":", "you", "are", "n\u043ew", "now", "Qu\u00e9bec",
                                           "\u00e9", "\u00c9", "\u2013", "\u201c", " ", "\n", "\n\n", "-", "x" * 30, "as",
                                           "an", "\u0410I", "\u00efgnore", "\u0130", "\ufb01", "\u200b"]),
                          max_size=20).map("".join)


@settings(max_examples=200)
@given(LOOKALIKE_TEXT)
def test_the_skeletons_words_are_the_texts_and_those_read_around_its_letters_read_as_others(text):
    """What ``injection._on_skeleton`` relies on when a text has a few letters read as ASCII ones."""
    text += " " * 256 * 30  # few such letters for its length: they are read one by one
    starts = Starts(text)
    shape, offsets = skeleton.skeleton(text, starts)
    words = starts.words()
    more = skeleton.words_read_as_letters(text, shape, starts) if words is not None and offsets is None else None
    if words is None or more is None:
        return
    shaped = Starts(shape)
    shaped_words = shaped.words()
    assert shaped_words is not None  # (longer words are read cut: no cue is looked for in one)
    for word in shaped_words:
        if len(word) <= skeleton._LONGEST_READ:
            assert word in words or word in more
            assert set(shaped.word_starts(word)) <= {*starts.word_starts(word), *more.get(word, ())}
    cue_words = injection._CUE_WORDS & (words | more.keys())
    assert injection._find(shape, Starts(shape), cue_words, lambda w: starts.word_starts(w) + sorted(
        more.get(w, ()))) == injection._find(shape, Starts(shape))
