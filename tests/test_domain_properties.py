"""Property tests (hypothesis) for the amount, ticker and date parsers: no crash on any text,
round-trips where they apply."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from mineralbrief.domain.numbers import find_amounts, find_dates
from mineralbrief.domain.orgs import find_orgs
from mineralbrief.evaluate import _ticker_key

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400)
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


@given(TEXT)
def test_parsers_never_crash_and_spans_hold(text):
    for a in find_amounts(text):
        assert 0 <= a.start < a.end <= len(text)
        assert a.text.replace("$", "") in text.replace("\\", "").replace("$", "") or a.text in text
    for d in find_dates(text):
        assert text[d.start:d.end] == d.text and isinstance(d.value, date)
    for org in find_orgs(text):
        for start, end in org.spans:
            assert 0 <= start < end <= len(text)


@given(st.integers(min_value=1, max_value=999_999), st.sampled_from(["", " million", " billion"]),
       st.sampled_from([("US$", "USD"), ("A$", "AUD"), ("€", "EUR"), ("C$", "CAD")]))
def test_money_round_trip(n, mult, currency):
    symbol, code = currency
    written = f"{symbol}{n:,}{mult}"
    (a,) = find_amounts(f"The company will receive {written} from the fund.")
    factor = {"": 1, " million": 1e6, " billion": 1e9}[mult]
    assert a.text == written and a.currency == code and a.value == n * factor


@given(st.integers(min_value=1, max_value=99_999), st.sampled_from(["tonnes", "tpa", "acres", "hectares"]))
def test_quantity_round_trip(n, unit):
    (a,) = find_amounts(f"capacity of up to {n:,} {unit} at the site")
    assert a.value == n and a.up_to and a.unit == unit


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31)), st.integers(0, 2))
def test_date_round_trip(d, style):
    month = MONTHS[d.month - 1]
    written = [f"{month} {d.day}, {d.year}", f"{d.day} {month} {d.year}", d.isoformat()][style]
    (found,) = find_dates(f"Announced on {written} in Perth.")
    assert found.value == d and found.text == written


@settings(max_examples=50)
@given(st.sampled_from(["ASX", "NASDAQ", "NYSE", "TSX.V", "OTCQX", "TSX"]),
       st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=5))
def test_ticker_round_trip(exchange, symbol):
    text = f"Quokka Minerals Limited ({exchange}: {symbol}) signed an agreement."
    (org,) = [o for o in find_orgs(text) if o.kind == "company"]
    assert org.name == "Quokka Minerals Limited"
    assert _ticker_key(org.ticker) == _ticker_key(f"{exchange}: {symbol}")
