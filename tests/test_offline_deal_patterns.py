"""Deal patterns of real-style articles, each on invented sentences: what a rule must read right
on articles it has never seen."""

from __future__ import annotations

import pytest

from mineralbrief.backends.offline_deals import _Finder, find_deals
from mineralbrief.backends.offline_names import fuller_names, short_forms
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


def test_a_company_later_called_by_its_first_word_is_still_a_party():
    text = LEAD + ("Borealis Motors Corp. will buy nickel concentrate from Quokka Minerals Ltd. under a supply "
                   "agreement. Quokka said on Monday that Borealis had committed to buy 40,000 tonnes of "
                   "concentrate over five years.")
    deals = _deals(text)
    assert len(deals) == 1 and deals[0][1] == {"Borealis Motors Corp.", "Quokka Minerals Ltd."}
    assert "40,000 tonnes" in deals[0][2]
    facts = extract_facts(text)
    said = next(s for s in facts.sentences if s.text.startswith("Quokka said"))
    assert [p.name for p in _Finder(facts).parties(said)] == ["Quokka Minerals Ltd.", "Borealis Motors Corp."]


def test_a_first_word_inside_another_name_or_used_in_lower_case_is_no_short_form():
    text = LEAD + ("General Nickel Corp. signed a supply agreement with Quokka Minerals Ltd. on Monday. "
                   "The Attorney General said the general terms were sound.")
    assert all(len(p) == 2 for _, p, _ in _deals(text))
    facts = extract_facts(text)
    assert "General" not in short_forms(facts, fuller_names(facts)).values()


def test_the_parent_named_to_describe_a_buyer_is_not_a_party():
    text = LEAD + ("Quokka Minerals Ltd. signed an offtake agreement with Kestrel Batteries Co., a wholly owned "
                   "subsidiary of Harrow Holdings Corp., for its nickel.")
    deals = _deals(text)
    assert [p for _, p, _ in deals] == [{"Quokka Minerals Ltd.", "Kestrel Batteries Co."}]


def test_binding_offtakes_told_together_bind_each_buyers_contract():
    text = LEAD + ("Quokka Minerals Ltd. has concluded binding offtake agreements with Kestrel Batteries Co., "
                   "a unit of Harrow Holdings Corp., and with Borealis Motors Corp., for its nickel sulphate. "
                   "Kestrel offtake: 10,000 tonnes per year over five years. "
                   "Borealis offtake: 12,000 tonnes per year over six years.")
    found = find_deals(extract_facts(text))
    assert sorted(len(d.parties) for d in found) == [2, 2]
    assert all(d.deal_type == "offtake" and d.binding is True for d in found)


def test_an_aggregate_sum_of_several_investors_is_none_of_their_own():
    text = LEAD + ("Harrow Holdings Corp. and Larkspur Metals Corp. are making equity investments in Quokka "
                   "Minerals Ltd. for an aggregate of US$60 million. Harrow Holdings Corp. is investing "
                   "US$35 million and Larkspur Metals Corp. is investing US$25 million.")
    amounts = sorted(a for _, _, am in _deals(text) for a in am)
    assert "US$60 million" not in amounts


def test_a_project_described_as_a_joint_venture_of_one_named_owner_is_no_deal():
    text = LEAD + ("Quokka Minerals Ltd. signed a supply agreement with Borealis Motors Corp. for nickel. "
                   "The Wattle project is a joint venture in which Quokka holds 60%.")
    assert [k for k, _, _ in _deals(text)] == ["supply_agreement"]
    formed = LEAD + "Quokka Minerals Ltd. and Borealis Motors Corp. formed a joint venture to build a refinery."
    assert [k for k, _, _ in _deals(formed)] == ["joint_venture"]


def test_a_company_called_by_its_ticker_is_a_party_and_counts_as_the_articles_company():
    text = ("Quokka Minerals (ASX: QKM) said its loan from the Northern Development Bank has closed. "
            "On 2 May QKM agreed to sell 30% of the project to Borealis Motors Corp. in a joint venture. "
            "Borealis Motors Corp. is a carmaker. Borealis Motors Corp. builds trucks. QKM keeps 70% and runs the mine.")
    finder = _Finder(extract_facts(text))
    assert finder.main is not None and finder.main.name == "Quokka Minerals"
    jv = [p for k, p, _ in _deals(text) if k == "joint_venture"]
    assert jv == [{"Quokka Minerals", "Borealis Motors Corp."}]


def test_a_short_heading_takes_its_parties_from_the_sentence_it_heads():
    text = LEAD + ("Quokka Minerals Ltd. secured a US$50 million loan from Harrow Bank Corp. last week. "
                   "Offtake is secured. Borealis Motors Corp. holds rights to all first-phase volumes for ten years.")
    offtakes = [p for k, p, _ in _deals(text) if k == "offtake"]
    assert offtakes == [{"Quokka Minerals Ltd.", "Borealis Motors Corp."}]


def test_a_heading_over_a_sentence_that_names_the_deal_adds_no_deal():
    text = LEAD + ("Quokka Minerals Ltd. signed a binding offtake agreement with Borealis Motors Corp. last week. "
                   "Offtake book now full. The Borealis contract sits beside earlier binding offtakes with "
                   "Kestrel Batteries Co. and Larkspur Metals Corp.")
    found = find_deals(extract_facts(text))
    assert sorted(len(d.parties) for d in found) == [2, 2, 2]


def test_an_equity_investment_named_outright_needs_no_sum_a_stake_held_is_no_deal():
    named = LEAD + ("Under the accord signed in June, Borealis Motors Corp. also agreed to make an equity "
                    "investment in Quokka Minerals Ltd.")
    assert [(k, p) for k, p, _ in _deals(named)] == [("investment", {"Borealis Motors Corp.", "Quokka Minerals Ltd."})]
    held = LEAD + "Borealis Motors Corp. has held a stake in Quokka Minerals Ltd. since 2019."
    assert _deals(held) == []
    bought = LEAD + "Larkspur Metals Corp. bought a 19.9% stake in Quokka Minerals Ltd. last year."
    assert [(k, p) for k, p, _ in _deals(bought)] == [
        ("investment", {"Larkspur Metals Corp.", "Quokka Minerals Ltd."})]


def test_buying_out_the_stake_a_partner_held_also_tells_their_joint_venture():
    text = LEAD + ("Quokka Minerals Ltd. has bought the 40% minority interest held by Larkspur Metals Corp. in "
                   "the Wattle project for US$120 million, taking full ownership.")
    kinds = sorted((k, tuple(sorted(p))) for k, p, _ in _deals(text))
    assert kinds == [("acquisition", ("Larkspur Metals Corp.", "Quokka Minerals Ltd.")),
                     ("joint_venture", ("Larkspur Metals Corp.", "Quokka Minerals Ltd."))]
    outright = LEAD + "Quokka Minerals Ltd. will acquire Larkspur Metals Corp. for US$300 million in cash."
    assert [k for k, _, _ in _deals(outright)] == ["acquisition"]


def test_contracts_signed_between_two_sides_without_a_kind_are_a_deal_of_their_own():
    text = LEAD + ("The new company will operate under contracts Harrow Holdings Corp. signed with Larkspur "
                   "Metals Corp. last year.")
    assert [(k, p) for k, p, _ in _deals(text)] == [
        ("other", {"Harrow Holdings Corp.", "Larkspur Metals Corp."})]
    qualified = LEAD + ("Quokka Minerals Ltd. will honour the offtake contracts signed with Larkspur Metals Corp. "
                        "last year.")
    assert [k for k, _, _ in _deals(qualified)] == ["offtake"]


def test_french_plural_contracts_with_two_buyers_are_one_contract_each():
    text = ("MONTRÉAL, 4 mars 2025 -- Graphite Boréal Inc. a annoncé la signature de contrats d'approvisionnement "
            "à long terme avec Kestrel Batteries Co. et Borealis Motors Corp. pour son matériau d'anode. "
            "Graphite Boréal Inc. produira dès 2027.")
    pairs = sorted(tuple(sorted(p)) for _, p, _ in _deals(text))
    assert pairs == [("Borealis Motors Corp.", "Graphite Boréal Inc."), ("Graphite Boréal Inc.", "Kestrel Batteries Co.")]


def test_the_buyers_contracts_told_together_fold_into_each_buyers_contract():
    text = LEAD + ("Quokka Minerals Ltd. signed offtake agreements with Kestrel Batteries Co. and Borealis Motors "
                   "Corp. for its nickel. Kestrel Batteries Co. and Borealis Motors Corp. will together take "
                   "80% of the output under these offtake contracts.")
    pairs = sorted(tuple(sorted(p)) for _, p, _ in _deals(text))
    assert pairs == [("Borealis Motors Corp.", "Quokka Minerals Ltd."), ("Kestrel Batteries Co.", "Quokka Minerals Ltd.")]


def test_a_right_to_all_the_output_is_an_offtake_in_english_and_spanish():
    english = LEAD + ("Borealis Motors Corp. already has rights to all first-phase volumes from Quokka Minerals Ltd. "
                      "for up to fifteen years.")
    assert [k for k, _, _ in _deals(english)] == ["offtake"]
    spanish = ("SANTIAGO, 5 de mayo de 2025 -- Borealis Motors Corp. tiene derecho a comprar toda la producción "
               "de litio de Minera Quokka S.A. durante diez años.")
    assert [k for k, _, _ in _deals(spanish)] == ["offtake"]


def test_each_row_of_a_markdown_deal_table_is_a_deal_of_the_kinds_its_header_names():
    text = ("# Quokka Minerals lands two anchor buyers\n\n"
            "**Quokka Minerals Ltd.** has signed long-term sales agreements with two carmakers.\n\n"
            "| Customer | Annual volume | Term | Upfront equity |\n|---|---|---|---|\n"
            "| Kestrel Batteries Co. | 12,000 t nickel sulphate | 5 years | US$20M |\n"
            "| Borealis Motors Corp. | 9,000 t nickel sulphate | 6 years | - |\n\n"
            "Quokka Minerals Ltd. expects first output in 2027.\n")
    deals = sorted((k, tuple(sorted(p)), tuple(a)) for k, p, a in _deals(text))
    assert ("investment", ("Kestrel Batteries Co.", "Quokka Minerals Ltd."), ("US$20M",)) in deals
    offtakes = [(p, a) for k, p, a in deals if k == "offtake"]
    assert offtakes == [(("Borealis Motors Corp.", "Quokka Minerals Ltd."), ("9,000 t",)),
                        (("Kestrel Batteries Co.", "Quokka Minerals Ltd."), ("12,000 t",))]
    assert not any(k == "investment" and "Borealis Motors Corp." in p for k, p, _ in deals)


def test_a_table_of_other_companies_and_their_customers_is_not_the_article_companys_deals():
    """A peer table ("Company" | "Main customers"): each row is its first company's customer,
    not a buyer of the article's company, and not a deal with the peer."""
    text = ("Lithium Americas reported results on Tuesday. The company produced lithium carbonate at "
            "Thacker Pass in Nevada. Shares rose 5% on Tuesday.\n\n"
            "| Company | Main customers | Output |\n|---|---|---|\n"
            "| Albemarle | Tesla | 10,000 t |\n"
            "| Pilbara Minerals | Ganfeng | 20,000 t |\n")
    assert _deals(text) == []


@pytest.mark.parametrize("tables", [
    "| Buyer | Volume |\n|---|---|\n| General Motors | 10,000 t |\n\n"
    "| Peer | Country |\n|---|---|\n| Albemarle | United States |\n| Pilbara Minerals | Australia |\n",
    "| Peer | Country |\n|---|---|\n| Albemarle | United States |\n\n"
    "| Buyer | Volume |\n|---|---|\n| General Motors | 10,000 t |\n",
])
def test_two_tables_a_blank_line_apart_each_have_their_own_header(tables):
    """The line above a delimiter row is a header: the second table's header is no row of the
    first, and its rows are read under its own header (peers are no buyers)."""
    text = ("Lithium Americas reported results on Tuesday. The company produced lithium carbonate at "
            "Thacker Pass in Nevada. Shares rose 5% on Tuesday.\n\n") + tables
    assert _deals(text) == [("offtake", {"Lithium Americas", "General Motors"}, ["10,000 t"])]


def test_a_buyer_described_by_its_owner_stays_in_the_list_of_buyers():
    text = LEAD + ("Quokka Minerals Ltd. has binding offtake agreements with Kestrel Batteries Co., Larkspur Metals "
                   "Corp. and Harrow's battery arm Borealis Cells Corp.")
    pairs = sorted(tuple(sorted(p)) for k, p, _ in _deals(text) if k == "offtake")
    assert pairs == [("Borealis Cells Corp.", "Quokka Minerals Ltd."), ("Kestrel Batteries Co.", "Quokka Minerals Ltd."),
                     ("Larkspur Metals Corp.", "Quokka Minerals Ltd.")]


def test_an_acquisition_subject_to_shareholder_approval_is_not_taken_for_a_stake():
    text = LEAD + ("Quokka Minerals Ltd. has entered into a conditional agreement to acquire Larkspur Metals Corp., "
                   "subject to shareholder approval.")
    assert [(k, p) for k, p, _ in _deals(text)] == [
        ("acquisition", {"Quokka Minerals Ltd.", "Larkspur Metals Corp."})]


def test_a_purchase_of_a_volume_is_an_offtake_and_a_sale_to_a_buyer_an_acquisition():
    bought = LEAD + ("Quokka Minerals Ltd. and Borealis Motors Corp. signed a binding agreement under which "
                     "Borealis will buy 50,000 tonnes a year of concentrate.")
    assert [(k, b, a) for k, _, a, b in
            ((d.deal_type, 0, [x.text for x in d.amounts], d.binding) for d in find_deals(extract_facts(bought)))] == [
        ("offtake", True, ["50,000 tonnes"])]
    sold = LEAD + "Quokka Minerals Ltd. agreed to sell its Wattle project to Larkspur Metals Corp. for US$100 million."
    assert [(k, p, a) for k, p, a in _deals(sold)] == [
        ("acquisition", {"Quokka Minerals Ltd.", "Larkspur Metals Corp."}, ["US$100 million"])]
    market = LEAD + "Quokka Minerals Ltd. expects to sell its concentrate to converters in China."
    assert _deals(market) == []


def test_buying_a_company_is_an_acquisition_buying_its_output_an_offtake():
    company = LEAD + "Larkspur Metals Corp. agreed to buy Quokka Minerals Ltd. for US$1 billion in cash."
    assert [k for k, _, _ in _deals(company)] == ["acquisition"]
    rival = LEAD + "Larkspur Metals Corp. struck a deal to buy rival Quokka Minerals Ltd. for A$2.1 billion."
    assert [k for k, _, _ in _deals(rival)] == ["acquisition"]
    output = LEAD + "Larkspur Metals Corp. agreed to buy spodumene from Quokka Minerals Ltd. for five years."
    assert [k for k, _, _ in _deals(output)] == ["offtake"]


def test_a_merger_a_sale_of_volumes_and_a_prepayment_facility_are_read():
    merger = LEAD + "Quokka Minerals Ltd. and Larkspur Metals Corp. agreed to merge in an all-share deal."
    assert [k for k, _, _ in _deals(merger)] == ["acquisition"]
    sale = LEAD + ("Quokka Minerals Ltd. will sell up to 20,000 tonnes a year of hydroxide to Borealis Motors Corp. "
                   "over five years.")
    assert [(k, a) for k, _, a in _deals(sale)] == [("offtake", ["up to 20,000 tonnes"])]
    prepay = LEAD + "Harrow Trading Corp. will provide Quokka Minerals Ltd. with a US$200 million prepayment facility."
    assert [(k, a) for k, _, a in _deals(prepay)] == [("funding", ["US$200 million"])]


def test_a_binding_agreement_still_to_come_does_not_bind_the_deal_signed():
    later = LEAD + ("Quokka Minerals Ltd. signed a letter of intent with Borealis Motors Corp. The parties aim to "
                    "sign a binding offtake agreement later this year.")
    assert [(d.deal_type, d.binding) for d in find_deals(extract_facts(later))] == [("loi", None)]
    now = LEAD + "Quokka Minerals Ltd. has agreed to a binding offtake agreement with Borealis Motors Corp."
    assert [(d.deal_type, d.binding) for d in find_deals(extract_facts(now))] == [("offtake", True)]


def test_a_binding_offtake_and_a_non_binding_mou_in_one_sentence_are_two_deals_each_with_its_side():
    text = LEAD + ("Quokka Minerals Ltd. signed a binding offtake agreement with Borealis Motors Corp. and a "
                   "non-binding MOU with Kestrel Batteries Co.")
    found = sorted((d.deal_type, d.binding, tuple(sorted(p.name for p in d.parties)))
                   for d in find_deals(extract_facts(text)))
    assert found == [("mou", False, ("Kestrel Batteries Co.", "Quokka Minerals Ltd.")),
                     ("offtake", True, ("Borealis Motors Corp.", "Quokka Minerals Ltd."))]
    memorandum = LEAD + "Quokka Minerals Ltd. signed non-binding offtake MOUs with Borealis Motors Corp."
    assert [d.deal_type for d in find_deals(extract_facts(memorandum))] == ["mou"]


def test_an_agreement_for_the_supply_of_names_a_supply_contract_over_a_heading_and_its_stake_keeps_its_investor():
    text = LEAD + ("Quokka Minerals Ltd. expects first output in 2027.\n\nExisting offtake with Borealis\n\n"
                   "Quokka Minerals Ltd. signed in 2023 a binding agreement with Borealis Motors Corp. for the supply "
                   "of nickel sulphate over five years, under which Borealis Motors Corp. also agreed to make an equity "
                   "investment in the company.\n")
    found = sorted((d.deal_type, d.binding, tuple(sorted(p.name for p in d.parties)))
                   for d in find_deals(extract_facts(text)))
    assert found == [("investment", None, ("Borealis Motors Corp.", "Quokka Minerals Ltd.")),
                     ("supply_agreement", True, ("Borealis Motors Corp.", "Quokka Minerals Ltd."))]
    definitive = LEAD + "Quokka Minerals Ltd. signed a definitive agreement with Borealis Motors Corp. to supply nickel."
    assert [k for k, _, _ in _deals(definitive)] == ["supply_agreement"]


def test_money_put_in_is_an_investment_and_after_a_joint_venture_is_named_its_terms():
    backers = LEAD + "Existing backers Harrow Holdings Corp. and Larkspur Metals Corp. are adding US$30 million now."
    assert [(k, a) for k, _, a in _deals(backers)] == [("investment", ["US$30 million"])]
    venture = LEAD + ("Quokka Minerals Ltd. agreed to sell 40% of the project to Borealis Motors Corp. in a joint "
                      "venture. Borealis Motors Corp. puts in US$400 million, of which US$300 million is cash.")
    assert [(k, a) for k, _, a in _deals(venture)] == [("joint_venture", ["US$400 million", "US$300 million"])]


def test_a_government_named_beside_an_offtake_is_not_its_buyer():
    text = LEAD + ("Quokka Minerals Ltd. signed an offtake agreement with Borealis Motors Corp. in March. "
                   "Quokka is working with lenders and the Australian government on debt, and the offtake commitments "
                   "are expected to support that process.")
    assert [(k, p) for k, p, _ in _deals(text)] == [("offtake", {"Quokka Minerals Ltd.", "Borealis Motors Corp."})]


def test_a_chinese_sentence_whose_sides_the_scan_misses_borrows_none_from_elsewhere():
    text = ("【本报讯】2025年5月5日 宽卡矿业股份有限公司（600001.SH）发布公告称，公司与PT Quokka Nikel Tbk（宽卡印尼）"
            "签署最终协议，共同投资建设湿法冶炼项目。\n\n该项目预计2027年投产。\n\n"
            "博锐汽车同时正与宽卡矿业洽谈一份关于三元前驱体的供应协议。")
    assert [d.deal_type for d in find_deals(extract_facts(text))] == []


def test_a_loan_that_names_only_its_borrower_takes_the_lender_named_just_before():
    text = LEAD + ("The government approved two loans administered by Export Finance Australia this week. "
                   "The larger loan, a facility of A$185 million, goes to Larkspur Metals Corp. for its graphite mine.")
    loans = [(p, a) for k, p, a in _deals(text) if k == "funding"]
    assert ({"Larkspur Metals Corp.", "Export Finance Australia"}, ["A$185 million"]) in loans


def test_a_headline_binding_a_deal_told_only_below_binds_it():
    text = ("Borealis Motors Corp. signs binding lithium deal with Quokka Minerals Ltd.\n\n"
            "PERTH, May 5, 2025 -- Quokka Minerals Ltd. has signed an offtake agreement with Borealis Motors Corp. "
            "for its hydroxide.")
    assert [(d.deal_type, d.binding) for d in find_deals(extract_facts(text))] == [("offtake", True)]


def test_public_money_told_by_award_granted_or_provide_with_is_funding():
    for sentence in ("The U.S. Department of Energy selected Quokka Minerals Ltd. for a US$50 million award.",
                     "Quokka Minerals Ltd. has been granted US$50 million by the U.S. Department of Energy.",
                     "The U.S. Department of Energy will provide Quokka Minerals Ltd. with US$50 million."):
        assert [(k, p, a) for k, p, a in _deals(LEAD + sentence)] == [
            ("funding", {"Quokka Minerals Ltd.", "U.S. Department of Energy"}, ["US$50 million"])], sentence
    prepay = LEAD + "Borealis Motors Corp. made a US$30 million prepayment to Quokka Minerals Ltd."
    assert [k for k, _, _ in _deals(prepay)] == ["funding"]
