"""The company scan's shortcuts give what the plain forms they stand for give."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from mineralbrief.domain.orgscan import title_cased

_PIECES = ["Alpha", "alpha", "Rare", "earths", "the", "of", "and", "Ltd", "US", "x", "Éta", "éta", "über", "9lives",
           "Co-op", "co-op", "it's", "A_b", "ab_cd", "?", "é", "?abcd", "-abcd", "'abcd", "_abcd", "abcd", "ABCD"]
_CAPITALISED = ["Alpha", "Rare", "Earths", "Limited", "Co-op", "Über", "ABCD", "Abc's"]
_SEPARATORS = [" "] * 6 + ["", "  ", ",", ", ", ". ", "\t", "-", "'", " (", ") ", "é ", "\u00a0"]
# words (mostly capitalised, as in a headline, near the share that makes one) and what parts them
LINES = st.lists(st.tuples(st.sampled_from(_CAPITALISED * 4 + _PIECES), st.sampled_from(_SEPARATORS)),
                 max_size=30).map(lambda parts: "".join(w + sep for w, sep in parts))


def _title_cased_plainly(line: str) -> bool:
    words = re.findall(r"[A-Za-z][\w'-]*", line)
    long_words = [w for w in words if len(w) > 3]
    return len(long_words) >= 4 and sum(w[0].isupper() for w in long_words) / len(long_words) > 0.8


@settings(max_examples=1500)
@given(line=LINES, before=st.sampled_from(["", "Abcd ", "x\u00e9"]))
def test_title_cased_is_the_share_of_capitalised_long_words(line, before):
    text = before + line + " tail"
    assert title_cased(text, len(before), len(before) + len(line)) == _title_cased_plainly(line), line
