"""The gazetteer: well-known companies the news writes without a suffix or ticker."""

from __future__ import annotations

import pytest

from mineralbrief.domain.facts import extract_facts
from mineralbrief.domain.gazetteer import find_gazetteer


def _companies(text: str) -> dict[str, list[str]]:
    return {o.name: o.aliases for o in extract_facts(text).companies}


def test_bare_names_become_companies() -> None:
    text = ("DETROIT -- Ford and General Motors said on Tuesday they would buy lithium from Albemarle "
            "and nickel from Glencore. Battery maker CATL and LG Energy Solution are in talks with "
            "Rio Tinto, while Freeport-McMoRan and Codelco expand copper output. GM expects the first "
            "deliveries in 2027.")
    found = _companies(text)
    for name in ("Ford", "General Motors", "Albemarle", "Glencore", "CATL", "LG Energy Solution",
                 "Rio Tinto", "Freeport-McMoRan", "Codelco"):
        assert name in found, name
    assert "GM" in found["General Motors"]  # the short form is the same company


def test_names_inside_other_words_do_not_match() -> None:
    text = ("A Fordham University panel discussed Teslacoil designs and the Valerie report. "
            "Hikers ford the river in the vale below.")
    assert find_gazetteer(text) == []
    assert _companies(text) == {}


def test_a_common_word_at_a_sentence_start_alone_is_not_a_company() -> None:
    text = "Vale, old friend: the town said farewell to its mayor on Sunday after forty years of service."
    assert "Vale" not in _companies(text)
    text = ("Brazil's Vale agreed to sell nickel to Tesla. Vale said the contract runs for five years "
            "from its Canadian operations.")
    assert "Vale" in _companies(text)


def test_a_gazetteer_form_merges_with_the_name_already_found() -> None:
    text = ("Arafura Rare Earths Ltd (ASX: ARU) signed an offtake with Hyundai Motor Company. "
            "Hyundai will take 1,500 tonnes a year. Zhejiang Huayou Cobalt Co. Ltd will supply "
            "precursor; Huayou said the plant starts in 2026.")
    companies = {o.name: o for o in extract_facts(text).companies}
    assert "Hyundai" not in companies
    assert "Hyundai" in companies["Hyundai Motor Company"].aliases
    huayou = [o for o in companies.values() if "Huayou" in o.name]
    assert len(huayou) == 1 and "Huayou" in huayou[0].names()
    assert companies["Arafura Rare Earths Ltd"].ticker == "ASX: ARU"


def test_the_longest_form_wins_and_offsets_hold() -> None:
    text = "Samsung SDI and SK On will supply Stellantis."
    hits = find_gazetteer(text)
    assert [h[1] for h in hits] == ["Samsung SDI", "SK On", "Stellantis"]
    assert all(text[s:e] == form for _, form, s, e in hits)


@pytest.mark.parametrize("symbol", ["LKAB", "SQM", "BHP", "CATL"])
def test_a_tickers_symbol_is_not_a_company_of_its_own(symbol):
    """Found by hypothesis: "(ASX: LKAB)" after another company's name named LKAB too."""
    from mineralbrief.domain.orgs import find_orgs

    text = f"Quokka Minerals Limited (ASX: {symbol}) signed an agreement."
    assert [o.name for o in find_orgs(text) if o.kind == "company"] == ["Quokka Minerals Limited"]


def test_companies_grown_from_public_lists_are_found() -> None:
    """Invented sentences naming a uranium miner, a cell maker, a trader, a bank, a state fund,
    a cathode maker and an automaker that the news writes without a suffix."""
    text = ("The uranium miner NexGen Energy said on Monday it had picked Urenco to enrich its "
            "output. Battery maker Hithium and the automaker Navistar agreed a supply pact, while "
            "trader Transamine will market concentrate from Managem. Standard Chartered and "
            "Mizuho arranged the loan; the Abu Dhabi Investment Authority took a stake, and "
            "Young Poong will buy the cobalt. Toda Kogyo makes the cathode.")
    found = _companies(text)
    for name in ("NexGen Energy", "Urenco", "Hithium", "Navistar", "Transamine", "Managem",
                 "Standard Chartered", "Mizuho", "Abu Dhabi Investment Authority", "Young Poong",
                 "Toda Kogyo"):
        assert name in found, name


def test_a_short_or_former_name_is_the_same_company() -> None:
    hits = {form: canon for canon, form, _, _ in find_gazetteer(
        "Anglo Pacific Group renamed itself; Ecora said the royalty holds. Molicel ships cells.")}
    assert hits == {"Anglo Pacific Group": "Ecora Resources", "Ecora": "Ecora Resources",
                    "Molicel": "E-One Moli Energy"}


@pytest.mark.parametrize("text", [
    "Reliance on a single supplier worries the buyers, the ministers said in a joint statement.",
    "Paladin knights were the heroes of the old romances the author loved as a boy.",
    "Denison is a small city in Texas with a railway museum and a lake nearby.",
])
def test_a_listed_name_that_is_a_word_or_place_at_a_sentence_start_is_not_a_company(text: str) -> None:
    assert _companies(text) == {}


def test_a_project_that_contains_a_shorter_company_like_phrase_is_left_alone() -> None:
    text = "The partners in the North American Lithium operation in Quebec will merge."
    assert "American Lithium" not in [form for _, form, _, _ in find_gazetteer(text)]


def test_local_and_former_forms_name_the_listed_company() -> None:
    hits = {form: canon for canon, form, _, _ in find_gazetteer(
        "Luoyang Molybdenum and Guoxuan High-Tech signed with the Corporación Nacional del Cobre; "
        "Sichuan Tianqi and POSCO Chemical watched.")}
    assert hits == {"Luoyang Molybdenum": "China Molybdenum", "Guoxuan High-Tech": "Gotion High-Tech",
                    "Corporación Nacional del Cobre": "Codelco", "Sichuan Tianqi": "Tianqi Lithium",
                    "POSCO Chemical": "Posco Future M"}


def test_shell_at_a_sentence_start_is_a_word_and_mid_sentence_the_oil_major() -> None:
    assert "Shell" not in _companies("Shell fragments littered the beach after the storm passed.")
    assert "Shell" in _companies("The lithium brine deal with Shell was signed. Shell will fund it.")


def test_an_initialism_with_another_common_meaning_is_not_scanned_for() -> None:
    """"EDF" is also the European Defence Fund: only the utility's full name is taken."""
    forms = [form for _, form, _, _ in find_gazetteer(
        "The EDF grant and Electricite de France's stake were both announced on Friday.")]
    assert forms == ["Electricite de France"]
