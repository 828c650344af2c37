"""Deal patterns of real-style articles, each on invented sentences: what a rule must read right
on articles it has never seen."""

from __future__ import annotations

from mineralbrief.backends.offline_deals import find_deals
from mineralbrief.domain.facts import extract_facts

LEAD = "PERTH, May 5, 2025 -- Quokka Minerals Ltd. (ASX: QKM) reported on its nickel project today. "


def _deals(text: str) -> list[tuple[str, set[str], list[str]]]:
    return [(d.deal_type, {p.name for p in d.parties}, [a.text for a in d.amounts])
            for d in find_deals(extract_facts(text))]


def test_a_weak_money_word_without_a_sum_does_not_hide_the_framework_beside_it():
    text = LEAD + ("Quokka Minerals Ltd. signed a joint venture with Larkspur Metals Corp. for the plant. "
                   "The partners did not disclose the equity split, but under a framework agreement signed "
                   "last year, Harrow Resources Inc. may take up to 25% of Larkspur Metals Corp.")
    kinds = {k for k, _, _ in _deals(text)}
    assert "framework" in kinds and "joint_venture" in kinds


def test_the_framework_agreement_names_its_own_instrument_the_partnership_points_back():
    own = LEAD + ("Quokka Minerals Ltd. formed a joint venture with Larkspur Metals Corp. in March. "
                  "Under the framework agreement signed earlier, Larkspur Metals Corp. and Harrow Resources Inc. "
                  "set the terms of their cooperation.")
    assert {"joint_venture", "framework"} <= {k for k, _, _ in _deals(own)}
    back = LEAD + ("Quokka Minerals Ltd. signed an offtake agreement with Larkspur Metals Corp. in March. "
                   "The partnership between Quokka Minerals Ltd. and Larkspur Metals Corp. covers ten years.")
    assert [k for k, _, _ in _deals(back)] == ["offtake"]


def test_a_sum_paid_for_a_companys_shares_is_an_investment():
    text = LEAD + ("Larkspur Metals Corp. already holds a seat on the board, on top of the US$40 million "
                   "it paid for new Quokka shares last year.")
    deals = _deals(text)
    assert [(k, a) for k, _, a in deals] == [("investment", ["US$40 million"])]
