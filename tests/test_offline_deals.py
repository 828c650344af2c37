"""The offline backend's deals: one per instrument, typed by its own words, with their sums."""

from __future__ import annotations

import pytest

from mineralbrief.backends.offline_deals import find_deals
from mineralbrief.domain.deals import binding_in, split_sentences
from mineralbrief.domain.facts import extract_facts
from mineralbrief.domain.numbers import find_amounts

from helpers import cpu_seconds

LEAD = "TORONTO, March 3, 2025 -- Northway Graphite Inc. (TSX: NWG) announced a new agreement today. "


def _deals(text: str) -> list[tuple[str, set[str], list[str]]]:
    return [(d.deal_type, {p.name for p in d.parties}, [a.text for a in d.amounts])
            for d in find_deals(extract_facts(text))]


def test_two_instruments_in_one_sentence_are_two_deals_each_with_its_own_sum():
    text = LEAD + ("Northway Graphite Inc. signed an offtake agreement for 20,000 tonnes per year with "
                   "Borealis Motors Corp., which will also make a US$40 million equity investment in Northway.")
    deals = _deals(text)
    kinds = {k: amounts for k, _, amounts in deals}
    assert set(kinds) == {"offtake", "investment"}
    assert kinds["investment"] == ["US$40 million"] and kinds["offtake"] == ["20,000 tonnes"]


def test_a_minority_stake_is_an_investment_and_full_ownership_an_acquisition():
    stake = LEAD + "Borealis Motors Corp. will acquire a 19.9% stake in Northway Graphite Inc. for US$30 million."
    control = LEAD + ("Borealis Motors Corp. will acquire Northway Graphite Inc. for US$300 million, "
                      "taking full ownership of the company.")
    assert [k for k, _, _ in _deals(stake)] == ["investment"]
    assert [k for k, _, _ in _deals(control)] == ["acquisition"]


def test_plural_offtakes_with_listed_buyers_are_one_per_buyer_a_single_one_stays_one():
    plural = LEAD + ("Northway Graphite Inc. has signed binding offtake agreements with Borealis Motors Corp. "
                     "and Kestrel Batteries Ltd. for its anode material.")
    single = plural.replace("binding offtake agreements", "a binding offtake agreement")
    assert sorted(len(p) for _, p, _ in _deals(plural)) == [2, 2]
    assert len(_deals(single)) == 1


def test_a_capacity_and_a_build_cost_are_not_deal_amounts():
    text = LEAD + ("Northway Graphite Inc. signed a supply agreement with Borealis Motors Corp. for a plant "
                   "with capacity of 50,000 tonnes a year that the company estimates will cost US$500 million.")
    deals = _deals(text)
    assert [k for k, _, _ in deals] == ["supply_agreement"] and deals[0][2] == []


def test_a_sentence_after_the_deal_says_whether_it_binds():
    text = LEAD + ("Northway Graphite Inc. received a letter of interest from Export Development Canada for up to "
                   "US$100 million of debt. The letter is not a commitment, and further due diligence is needed.")
    deals = find_deals(extract_facts(text))
    assert [d.deal_type for d in deals] == ["loi"] and deals[0].binding is False
    assert binding_in("a definitive agreement was signed") is None


def test_hard_wrapped_lines_are_joined_into_sentences():
    body = ("The federal government has conditionally approved the first two loans\n"
            "under its new critical minerals facility, worth a large sum in\n"
            "total. Both are administered by the export credit agency on the\n"
            "government's national interest account, which means the state\n"
            "carries the risk and keeps the returns of the whole programme.\n")
    sentences = [s.text for s in split_sentences(body * 2)]
    assert sentences[0].startswith("The federal government") and sentences[0].endswith("in\ntotal.")
    # a text that is not hard-wrapped keeps each line apart
    short = "Heading one\nAnother heading line\nThird line\nFourth line\n"
    assert len(split_sentences(short)) == 4


def test_wire_multipliers_and_kilotons_are_read():
    assert find_amounts("a $2.3 bln loan")[0].value == 2.3e9
    assert find_amounts("$755 mln")[0].value == 755e6
    q = find_amounts("45 kilotons of manganese sulfate")[0]
    assert (q.value, q.unit) == (45.0, "kt")


def test_investors_named_together_each_get_their_own_stake():
    text = LEAD + ("Borealis Motors Corp. committed US$40 million to Northway Graphite Inc., while Kestrel "
                   "Batteries Ltd. said it would invest US$60 million in Northway Graphite Inc.")
    stakes = sorted((sorted(p), a) for k, p, a in _deals(text) if k == "investment")
    assert [a for _, a in stakes] == [["US$40 million"], ["US$60 million"]] or \
        [a for _, a in stakes] == [["US$60 million"], ["US$40 million"]]
    assert all("Northway Graphite Inc." in p for p, _ in stakes)


def test_the_terms_of_the_agreement_bind_the_contract_not_the_loan_beside_it():
    text = LEAD + ("Northway Graphite Inc. signed an offtake agreement with Borealis Motors Corp., which will "
                   "also lend it US$50 million. Under the binding agreement, Northway Graphite Inc. will deliver "
                   "graphite to Borealis Motors Corp. for five years.")
    deals = {d.deal_type: d for d in find_deals(extract_facts(text))}
    assert deals["offtake"].binding is True and deals["funding"].binding is None


def test_partners_investing_together_in_a_project_form_a_joint_venture():
    text = LEAD + ("Northway Graphite Inc., Borealis Motors Corp. and Kestrel Batteries Ltd. signed an agreement "
                   "under which all three companies will make equity investments in the Tern Lake project.")
    assert [k for k, _, _ in _deals(text)] == ["joint_venture"]


def test_deal_words_and_sums_of_spanish_and_french_outlets_are_read():
    es = ("Northway Graphite Inc. cerró un préstamo de 2.260 millones de dólares otorgado por el "
          "Departamento de Energía de Estados Unidos para su planta.")
    fr = "Borealis Motors Corp. et Northway Graphite Inc. créent une coentreprise pour exploiter la mine."
    assert ("funding", ["2.260 millones de dólares"]) in [(k, a) for k, _, a in _deals(LEAD + es)]
    assert "joint_venture" in [k for k, _, _ in _deals(LEAD + fr)]
    assert find_amounts("37,5 millions US")[0].value == 37.5e6


def test_a_metal_inside_a_company_name_is_not_the_deals_commodity():
    text = LEAD + "Andes Copper Corp. signed an offtake agreement with Borealis Motors Corp. for lithium concentrate."
    deals = find_deals(extract_facts(text))
    assert deals and deals[0].commodities == ["lithium"]


@pytest.mark.slow  # linear growth, timed: make test runs it
def test_deal_finding_time_grows_linearly_with_an_article_naming_many_companies():
    # every sentence names a new company and an offtake: the deal finder once scanned every name
    # (and every sum) for each sentence, and counted each name over the whole text
    from test_domain_properties import _wire

    small, big = extract_facts(_wire(200)), extract_facts(_wire(800))
    small.sentences, big.sentences  # noqa: B018 (split before the clock starts)
    t_small, _ = cpu_seconds(lambda: find_deals(small))
    t_big, found = cpu_seconds(lambda: find_deals(big))
    assert found
    assert t_big < 6 * t_small + 0.5  # four times the text: quadratic would be sixteen times


def test_each_investor_keeps_its_own_sums_when_one_sum_is_for_each():
    # the buyers' deals once shared one list of sums: a sum merged into one investor's stake
    # appeared in the other's
    text = LEAD + ("Northway Graphite Inc. signed offtake agreements with Borealis Motors Corp. and Kestrel "
                   "Batteries Ltd. for its anode material. Each buyer will invest an initial $25 million in the "
                   "company. Borealis Motors Corp. committed a further $125 million if the board approves "
                   "construction, while Kestrel Batteries Ltd. said it could invest up to $150 million at that stage.")
    stakes = {frozenset(p): a for k, p, a in _deals(text) if k == "investment"}
    borealis = next(a for p, a in stakes.items() if "Borealis Motors Corp." in p)
    kestrel = next(a for p, a in stakes.items() if "Kestrel Batteries Ltd." in p)
    assert "$125 million" in borealis and "up to $150 million" not in borealis
    assert "up to $150 million" in kestrel and "$125 million" not in kestrel


@pytest.mark.slow
def test_deal_merging_time_grows_linearly_with_the_number_of_deals():
    # a thousand deals, each between two companies of its own: each report was compared with
    # every deal found before it
    def wire(n: int) -> str:
        return " ".join(f"Quokka{i} Minerals Ltd signed a binding offtake agreement with Wombat{i} Metals Inc for "
                        f"{1000 + i:,} tonnes of graphite. Under the agreement, Wombat{i} Metals Inc will pay "
                        f"US${i + 1}.5 million." for i in range(n))

    def merge(text: str) -> float:
        facts = extract_facts(text)
        facts.sentences  # noqa: B018 (split before the clock starts)
        return cpu_seconds(lambda: find_deals(facts))[0]

    t_small, t_big = merge(wire(500)), merge(wire(2000))
    assert t_big < 6 * t_small + 0.5  # four times the deals: quadratic would be sixteen times


def test_a_run_of_blank_lines_is_read_in_linear_time():
    # the release's tail sections were looked for with blanks on both sides that ran over newlines:
    # cubic in a run of blank lines (1,000 newlines took 2 s)
    text = LEAD + "\n" * 1500 + "Northway Graphite Inc. signed an offtake agreement with Borealis Motors Corp."
    facts = extract_facts(text)
    assert cpu_seconds(lambda: find_deals(facts))[0] < 0.5


def test_a_company_in_every_deal_does_not_make_merging_quadratic(monkeypatch):
    # each report was compared with every earlier deal naming the company: a table of 2,000 of
    # one company's offtakes took 13 s. A report is now compared with the latest NEAR of them.
    from mineralbrief.backends import offline_merge

    calls = 0
    same = offline_merge._same

    def counted(*args: object) -> bool:
        nonlocal calls
        calls += 1
        return same(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(offline_merge, "_same", counted)
    n = 600
    text = LEAD + " ".join(f"Northway Graphite Inc. signed an offtake agreement with Buyer{i} Holdings Ltd "
                           f"for {100 + i} tonnes of graphite." for i in range(n))
    assert find_deals(extract_facts(text))
    assert calls > 20 * n  # the deals stay apart, so each report meets many
    assert calls <= (n + 5) * offline_merge.NEAR  # every earlier deal would be n * n / 2 = 180,000


def test_a_status_word_the_text_negates_is_not_the_deal_status():
    # "it has not signed any agreement with Tesla" gave the deal "status: signed": the brief said
    # the opposite of the article
    denied = ("Lynas denies Tesla takeover report\n\nLynas Rare Earths Ltd said on Monday it has not signed any "
              "agreement with Tesla Inc and is not in talks to be acquired. A media report had claimed Tesla "
              "would pay A$12 billion for the rare earths miner. Lynas said the report was false.")
    statuses = {d.status for d in find_deals(extract_facts(denied))}
    assert statuses.isdisjoint({"signed", "proposed"}), statuses
    for said, status in [("has not yet been signed", None), ("hasn't completed", None), ("was never signed", None),
                         ("has yet to be signed", None), ("is not yet formally completed", None), ("was signed", "signed")]:
        text = LEAD + f"The offtake agreement between Northway Graphite Inc. and Borealis Motors Corp. {said}."
        assert [d.status for d in find_deals(extract_facts(text))] == [status], said


def test_a_deal_rejected_with_a_longer_name_is_rejected():
    # "rejected a proposed $500 million supply agreement" gave "status: proposed": four words
    # between the article and the deal's noun were one too many
    text = LEAD + "Borealis Motors Corp. rejected a proposed $500 million supply agreement with Northway Graphite Inc."
    assert [d.status for d in find_deals(extract_facts(text))] == ["rejected"]


def test_a_deal_the_text_denies_or_rules_out_is_not_a_deal():
    # "is not in talks to be acquired", "denies Tesla takeover report", "would never sign an offtake":
    # each gave a deal (with the analyst's bank as a party and the price floor as its worth)
    denied = ("Lynas denies Tesla takeover report\n\nLynas Rare Earths Ltd said on Monday it has not signed any "
              "agreement with Tesla Inc and is not in talks to be acquired. Lynas said the report was false.")
    ruled_out = ("Analyst says a deal is unlikely\n\nAn analyst at Macquarie said that MP Materials would probably "
                 "never sign an offtake with Apple for 1,000 tonnes of NdPr oxide, because the price floor of "
                 "$110 per kilogram was too high. MP Materials declined to comment.")
    assert _deals(denied) == [] and _deals(ruled_out) == []
    kept = LEAD + "Northway Graphite Inc. did not disclose the terms of the offtake agreement it signed with Borealis Motors Corp."
    assert [k for k, _, _ in _deals(kept)] == ["offtake"]


# FIXTURE: the opening sentence of the denied, imagined and failed deals below (public facts)
_ALBEMARLE = "Albemarle Corporation (NYSE: ALB) runs lithium plants in the United States. "


def test_a_deal_a_company_denies_having_signed_is_not_a_deal():
    # "denied reports that it had signed a $500 million offtake agreement with Ford" gave a signed
    # $500 million offtake: the brief said what the company had just denied
    for denial in ("Albemarle denied reports that it had signed a $500 million offtake agreement with Ford Motor Company.",
                   "Albemarle on Monday denied a Bloomberg report that it had signed an offtake agreement with Ford Motor Company.",
                   "Albemarle denied that it had agreed a supply deal with Ford Motor Company.",
                   # "declined to comment on whether it had signed", "has no plans to sign": both signed or proposed
                   "Albemarle declined to comment on whether it had signed an offtake agreement with Ford Motor Company.",
                   "A spokesperson would neither confirm nor deny that Albemarle had signed an offtake agreement with "
                   "Ford Motor Company.",
                   "Ford Motor Company has no plans to sign a supply agreement with Albemarle, a spokesperson said."):
        assert _deals(_ALBEMARLE + denial) == [], denial
    for kept in ("Albemarle denied wrongdoing and signed a $500 million offtake agreement with Ford Motor Company.",
                 "It is unclear whether the offtake agreement Albemarle signed with Ford Motor Company will be extended.",
                 "Albemarle denied that prices would fall, and signed a $500 million offtake agreement with Ford Motor Company."):
        assert [k for k, _, _ in _deals(_ALBEMARLE + kept)] == ["offtake"], kept


def test_a_deal_the_text_only_imagines_is_not_a_deal():
    # "If Albemarle were to sign an offtake agreement with Ford ..." and "Ford could one day seek a
    # supply agreement with Albemarle, though neither company has held talks" each gave a deal
    for imagined in ("If Albemarle were to sign an offtake agreement with Ford Motor Company, it would be worth "
                     "about $500 million, one analyst estimated.",
                     "Analysts said Ford Motor Company could one day seek a supply agreement with Albemarle, though "
                     "neither company has held talks."):
        assert _deals(_ALBEMARLE + imagined) == [], imagined
    kept = _ALBEMARLE + "If the permits arrive, Albemarle will start deliveries under the offtake agreement it signed with Ford Motor Company."
    assert [k for k, _, _ in _deals(kept)] == ["offtake"]


def test_a_deal_whose_talks_failed_is_not_a_deal():
    # "walked away from talks on an offtake agreement with Ford" gave a terminated offtake: no
    # agreement was ever made
    for failed in ("Albemarle walked away from talks on an offtake agreement with Ford Motor Company.",
                   "Albemarle broke off negotiations over a proposed $500 million supply agreement with Ford Motor Company.",
                   "Albemarle ended talks with Ford Motor Company on a lithium offtake agreement."):
        assert _deals(_ALBEMARLE + failed) == [], failed
    for made in ("Albemarle signed an offtake agreement with Ford Motor Company after talks on pricing ended.",
                 "Albemarle held talks on an offtake agreement with Ford Motor Company and signed it in May."):
        assert [k for k, _, _ in _deals(_ALBEMARLE + made)] == ["offtake"], made


def test_a_number_of_absurd_length_is_no_amount_not_a_crash():
    # "$999...9 billion" (over 308 digits) parsed to float infinity, and the merge's log of it
    # raised OverflowError out of summarize; shorter, its text outgrew the claims quoting it
    import mineralbrief

    for digits in (60, 400):
        text = (LEAD + "Northway Graphite Inc. signed an offtake agreement with Borealis Motors Corp. worth $"
                + "9" * digits + " billion for " + "9" * digits + " tonnes.")
        assert not [a for a in find_amounts(text) if "999" in a.text]
        brief = mineralbrief.summarize(text + " " + text.replace("offtake agreement", "loan"), backend="offline",
                                       cache=False)
        brief.model_dump_json()
    assert [a.text for a in find_amounts(LEAD + "It is worth $1,234,567,890,123 in all.")] == ["$1,234,567,890,123"]


def test_a_party_name_of_hostile_length_is_no_crash():
    # a one-word name of 300+ characters made a deal title over the model's 300: ValidationError
    import mineralbrief

    for n in (300, 700, 3000):
        name = "Bo" + "r" * n + "ealis Motors Corp."
        text = (LEAD + f"Northway Graphite Inc. signed an offtake agreement with {name} worth $40 million for its "
                f"anode material. {name} will buy 20,000 tonnes.")
        mineralbrief.summarize(text, backend="offline", cache=False).model_dump_json()


def test_questions_that_would_quote_names_of_hostile_length_are_left_out():
    # "Will the MOU between <two 200-character names> become binding?" was over the model's 400
    # characters for a question: pydantic's ValidationError out of summarize
    import mineralbrief

    a, b = "Ax" + "x" * 200 + " Resources Ltd.", "Bo" + "r" * 200 + "ealis Motors Corp."
    text = (LEAD + f"{a} signed a non-binding memorandum of understanding with {b} on graphite supply. "
            f"{a} and {b} will negotiate a binding agreement by 2026. {b} makes batteries in Ontario.")
    brief = mineralbrief.summarize(text, backend="offline", cache=False)
    assert all(len(q.question) <= 400 for q in brief.questions) and len(brief.questions) >= 2


@pytest.mark.parametrize("said,status", [
    ("was terminated on Friday, two years after it was signed", "terminated"),
    ("has been called off", "terminated"),
    ("was cancelled by mutual consent", "terminated"),
    ("signed in 2023 was abandoned", "terminated"),
    ("was rejected by the board of Borealis Motors Corp.", "rejected"),
    ("was turned down by shareholders", "rejected"),
    ("was signed; either party may terminate it on 90 days' notice", "signed"),
    ("was signed and can be cancelled if the plant is not built", "signed"),
    ("was signed and has not been terminated", "signed"),
    (", which the two signed in 2021, was cancelled", "terminated"),
    (", which both boards had approved, was rejected by regulators", "rejected"),
    (", which replaced a deal that was cancelled in 2022, was signed on Friday", "signed"),
])
def test_a_deal_the_text_says_has_ended_has_that_status(said, status):
    # a terminated, cancelled or rejected deal was briefed "status: signed" (or with no status):
    # a brief said a deal stood that the article said had ended; a right to end it is no end
    text = LEAD + f"The offtake agreement between Northway Graphite Inc. and Borealis Motors Corp. {said}."
    assert [d.status for d in find_deals(extract_facts(text))] == [status], said


@pytest.mark.parametrize("said,status", [
    # an ended word said of something else than the deal: claims, shares, a project
    ("Northway Graphite Inc. signed an offtake agreement with Borealis Motors Corp. after it rejected claims "
     "that its plant was unsafe.", "signed"),
    ("Northway Graphite Inc. signed an offtake agreement with Borealis Motors Corp. and cancelled shares it "
     "held in treasury.", "signed"),
    ("Northway Graphite Inc. signed the offtake agreement with Borealis Motors Corp. to keep the project from "
     "being abandoned.", "signed"),
    # ... or of another deal, an earlier one
    ("Northway Graphite Inc. terminated the previous agreement and signed a new offtake agreement with "
     "Borealis Motors Corp.", "signed"),
    ("Northway Graphite Inc. signed a binding offtake agreement with Borealis Motors Corp., replacing a deal "
     "that collapsed in 2022.", "signed"),
    ("Northway Graphite Inc. completed the acquisition of Borealis Motors Corp., which regulators had earlier "
     "blocked.", "completed"),
    # a perfect infinitive says what was done, not what could be
    ("Northway Graphite Inc. is pleased to have signed an offtake agreement with Borealis Motors Corp.", "signed"),
    # and a deal that ended still has that status
    ("Northway Graphite Inc. terminated its offtake agreement with Borealis Motors Corp.", "terminated"),
    ("Northway Graphite Inc. pulled out of the offtake deal it signed with Borealis Motors Corp.", "terminated"),
    ("Borealis Motors Corp. rejected the offtake agreement proposed by Northway Graphite Inc.", "rejected"),
])
def test_an_ended_word_said_of_no_deal_or_of_another_deal_is_not_the_status(said, status):
    # "rejected claims", "cancelled shares", "terminated the previous agreement and signed a new
    # one": each made a signed or completed deal "terminated" or "rejected"
    assert [d.status for d in find_deals(extract_facts(LEAD + said))] == [status], said


def test_a_sentence_of_many_ended_words_costs_what_one_of_other_words_does():
    # each "cancelled" of a sentence made of them searched 160 characters before it for the
    # deal it might be said of: 200 KB took ~3 s, twenty times a sentence of "signed"
    from mineralbrief.domain.deals import status_in

    ended, other = "it cancelled and " * 12000, "it restated and " * 12750
    t_other, _ = cpu_seconds(lambda: status_in(other))
    t_ended, status = cpu_seconds(lambda: status_in(ended))
    assert status is None and t_ended < 8 * t_other + 0.2, (t_ended, t_other)
