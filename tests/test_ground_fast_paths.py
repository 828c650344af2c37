"""Property tests (hypothesis) for the fast paths of grounding: each finds what the plain scan it
stands in for finds."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from mineralbrief.domain.dated import full_dates
from mineralbrief.domain.numbers import find_dates

DATE_PIECES = st.sampled_from(["Jan", "January", "Sept", "Sept.", "May", "Dec", "March", "Marc", "MARCH", "x", "X", "M",
                               "3", "12", "31", "123", "2024", "1999", "2101", "20245", "st", "th", "ST", ",", ".", "-",
                               "/", " ", "  ", "\n", "\t", "\u00a0", "\u3000", "_", "01", "é", "\u2014", "\U0001f600",
                               "2024-01-31", "2024-01-3100-01-01", "31.12.2024", "1.3.2027", "5th March 2023",
                               "\u0663", "\u0662\u0660\u0662\u0664"])
DATE_TEXT = st.lists(st.one_of(DATE_PIECES, st.tuples(
    st.sampled_from(["Jan", "January", "Sept", "Sep", "May", "Dec", "Nov", "xMay"]), st.sampled_from(["", "."]),
    st.sampled_from([" ", "\n ", "  ", "", "\u00a0"]), st.sampled_from(["3", "31", "123", "03"]),
    st.sampled_from(["", "st", "th"]), st.sampled_from(["", ","]), st.sampled_from([" ", "", "\u2009"]),
    st.sampled_from(["2024", "1899", "20245"])).map("".join)), max_size=10).map("".join)


@settings(max_examples=400)
@given(DATE_TEXT)
@example("On 12 March 2026, March 5th, 2026 and 5.3.2026, 2026-03-05 (x12 March 2026, 123 March 2026).")
@example("March 5, 2026-03-05 and 2026-03-0512-01-01")
def test_full_dates_read_from_the_shape_are_those_find_dates_finds(text):
    assert full_dates(text) == find_dates(text)
