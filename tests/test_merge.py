"""The daily merge on real reporting: one deal written up by several outlets is one entry;
two deals of one company never merge. The names and sums below are the way real outlets vary."""

from __future__ import annotations

from datetime import date

import pytest

from mineralbrief.daily import daily_brief
from mineralbrief.domain.aliases import link_variants
from mineralbrief.evaluate import gold_brief

DAY = date(2026, 11, 21)


def brief(name, *deals, entities=()):
    return gold_brief({"deals": [{"parties": p, "deal_type": t, "amounts": a} for p, t, a in deals],
                       "entities": [{"name": e, "kind": "company"} for e in entities]}, name)


@pytest.mark.parametrize("short,long_", [
    ("gm", "general motors"), ("lac", "lithium americas"), ("doe", "department of energy"),
    ("perpetua", "perpetua resources"), ("general motors", "general motors holdings"),
    ("us energy department", "department of energy"), ("pentagon", "department of defense"),
    ("exim", "export import bank of the united states"),
])
def test_names_outlets_use_for_one_organisation_are_linked(short, long_):
    assert any({a, b} == {short, long_} for a, b, _ in link_variants([short, long_, "tesla"]))


@pytest.mark.parametrize("keys", [["china", "china molybdenum"], ["lithium", "lithium americas"],
                                  ["gm", "general motors", "green metals"], ["ford", "ford motor", "ford credit"]])
def test_common_words_ambiguous_initials_and_ambiguous_short_forms_are_not_linked(keys):
    """A country or a mineral is not a company's short form; "GM" with two names of those
    initials, or "Ford" with two different longer Ford names, is not guessed."""
    linked = {frozenset((a, b)) for a, b, _ in link_variants(keys)}
    assert frozenset(keys[:2]) not in linked


def test_one_loan_written_up_four_ways_is_one_entry_with_every_source():
    day = daily_brief([
        brief("release", (["Lithium Americas Corp.", "U.S. Department of Energy"], "funding", ["US$2.26 billion"])),
        brief("wire", (["Lithium Americas", "U.S. Energy Department"], "funding", ["$2.26 billion"])),
        brief("newsletter", (["LAC", "DOE"], "funding", ["$2.3bn"]), entities=["Lithium Americas Corp."]),
        brief("trade", (["Lithium Americas", "Department of Energy"], "funding", ["about $2.3 billion"])),
    ], date=DAY)
    assert [len(d.sources) for d in day.deals] == [4]
    assert len(day.deals[0].merged) == 3 and day.name_links


def test_two_loans_of_one_lender_and_two_deals_of_one_buyer_stay_apart():
    day = daily_brief([
        brief("a", (["Lithium Americas", "Department of Energy"], "funding", ["US$2.26 billion"]),
              (["Lithium Americas", "General Motors"], "offtake", [])),
        brief("b", (["Novonix", "Department of Energy"], "funding", ["US$754.8 million"]),
              (["Novonix", "Panasonic Energy"], "offtake", [])),
        brief("c", (["Element 25", "General Motors"], "offtake", []),
              (["Lithium Americas", "Department of Energy"], "funding", ["US$1.1 billion"])),
    ], date=DAY)
    assert all(len(d.sources) == 1 for d in day.deals)  # a different sum is a different loan


@pytest.mark.parametrize("a,b,same", [
    ("australian government", "government of australia", True),
    ("us government", "government of the united states", True),
    ("australian government", "us government", False),
    ("us treasury", "uk treasury", False),
    ("the pentagon", "department of defense", True),
])
def test_governments_are_told_apart_by_their_country(a, b, same):
    linked = {frozenset((x, y)) for x, y, _ in link_variants([a, b])}
    assert (frozenset((a, b)) in linked) is same


def test_a_loan_whose_lender_outlets_name_differently_merges_on_the_company_and_the_sum():
    """"the U.S. government" and "U.S. Department of Energy" do not link, but the borrower and a
    sum within rounding make one loan; two awards of about $20 million that share only the agency
    stay two (an agency makes many awards of one size)."""
    day = daily_brief([
        brief("wire", (["Novonix", "U.S. government"], "funding", ["$754.8 million"]), entities=["Novonix"]),
        brief("web", (["Novonix", "U.S. Department of Energy"], "funding", ["US$755m"]), entities=["Novonix"]),
        brief("a", (["Electra Battery Materials", "Department of Defense"], "funding", ["US$20 million"]),
              entities=["Electra Battery Materials"]),
        brief("b", (["Talon Metals", "Department of Defense"], "funding", ["US$20.6 million"]),
              entities=["Talon Metals"]),
    ], date=DAY)
    assert sorted(len(d.sources) for d in day.deals) == [1, 1, 2]


def test_a_write_up_in_chinese_joins_the_english_ones_on_the_party_both_write_in_latin_letters():
    """Names in another script can be neither matched nor told apart ("福特汽车公司" is Ford):
    they are left out, so the partner both reports write alike decides."""
    day = daily_brief([
        brief("release", (["Ford Motor Company", "PT Vale Indonesia Tbk", "Zhejiang Huayou Cobalt"], "joint_venture", [])),
        brief("wire", (["Ford", "PT Vale Indonesia", "Huayou"], "joint_venture", [])),
        brief("zh", (["浙江华友钴业股份有限公司", "PT Vale Indonesia Tbk", "福特汽车公司"], "joint_venture", [])),
    ], date=DAY)
    assert [len(d.sources) for d in day.deals] == [3]


def test_reports_in_two_scripts_stay_apart_when_the_parties_they_can_compare_disagree():
    day = daily_brief([
        brief("en", (["Ford", "PT Vale Indonesia", "Huayou"], "joint_venture", [])),
        brief("zh-1", (["华友钴业", "Eramet"], "joint_venture", [])),            # the Latin parties differ
        brief("zh-2", (["中国五矿", "青山控股"], "joint_venture", [])),          # nothing to compare
        brief("zh-3", (["福特汽车公司"], "joint_venture", [])),                  # no party both write alike
    ], date=DAY)
    assert sorted(len(d.sources) for d in day.deals) == [1, 1, 1, 1]


@pytest.mark.parametrize("order", [("en-tesla", "zh", "en-lg"), ("zh", "en-tesla", "en-lg"),
                                   ("en-lg", "zh", "en-tesla")])
def test_a_write_up_in_chinese_never_joins_two_deals_of_one_company(order):
    """"特斯拉" may be Tesla or LG Energy Solution, but not both: once the Chinese write-up joined
    one company's offtake with one buyer, its other offtake (a different buyer) stays apart."""
    reports = {
        "en-tesla": brief("en-tesla", (["Ganfeng Lithium", "Tesla"], "offtake", [])),
        "zh": brief("zh", (["Ganfeng Lithium", "特斯拉"], "offtake", [])),
        "en-lg": brief("en-lg", (["Ganfeng Lithium", "LG Energy Solution"], "offtake", [])),
    }
    day = daily_brief([reports[k] for k in order], date=DAY)
    assert sorted(len(d.sources) for d in day.deals) == [1, 2]
    assert not any({"en-tesla", "en-lg"} <= set(d.sources) for d in day.deals)


@pytest.mark.parametrize("company,other,partner", [
    ("Mkango Resources", "Łukasiewicz Institute", "HyProMag"),  # "ł", "ø" stay in a name key: Latin still
    ("Mkango Resources", "Ørsted", "HyProMag"),
    ("住友金属鉱山", "トヨタ", "豊田通商"),  # Japanese names in kana and in kanji: one writing system
])
def test_names_with_letters_that_keep_their_mark_or_in_kana_are_not_another_script(company, other, partner):
    day = daily_brief([brief("a", ([company, other], "partnership", [])),
                       brief("b", ([company, partner], "partnership", []))], date=DAY)
    assert sorted(len(d.sources) for d in day.deals) == [1, 1]  # two partners: two deals


def test_the_script_of_a_party_is_read_once_not_per_comparison(monkeypatch):
    """A company in every report of the day (its buyers in Latin and in Chinese letters) makes
    each report compared with every entry: the script of each name is looked up once."""
    import unicodedata

    from mineralbrief import daily

    calls = []
    real = unicodedata.name
    monkeypatch.setattr(daily.unicodedata, "name", lambda c, *d: calls.append(c) or real(c, *d))
    for f in (daily._script, daily._scripts):
        cache_clear = getattr(f, "cache_clear", None)
        if cache_clear is not None:
            cache_clear()
    briefs = [brief(f"en{i}", (["Ganfeng Lithium", f"Buyer{i} Corp", "Ørsted"], "offtake", [])) for i in range(60)]
    briefs += [brief(f"zh{i}", (["Ganfeng Lithium", "买家" + chr(0x4E00 + i)], "offtake", [])) for i in range(60)]
    daily_brief(briefs, date=DAY)
    assert len(calls) <= 61  # the script of each name outside ASCII (60 buyers and "ørsted"), once


def test_what_is_not_a_list_of_briefs_is_a_clear_type_error():
    # daily_brief(brief, ...) iterated the model's fields and failed as "'tuple' object has no
    # attribute 'entities'"; a path or None among the briefs, or as previous, failed likewise
    import mineralbrief

    from conftest import SEEDS

    brief = mineralbrief.summarize(SEEDS / "rarex_ussm_mou.txt", backend="offline")
    for briefs, previous, word in (
        (brief, None, "a list of briefs"), ([brief, None], None, "NoneType"),
        ([SEEDS / "rarex_ussm_mou.txt"], None, "PosixPath"), ([brief], "2026-11-20.json", "previous"),
    ):
        with pytest.raises(TypeError, match=word):
            daily_brief(briefs, date=date(2026, 11, 21), previous=previous)


@pytest.mark.parametrize("day,error,word", [("garbage", ValueError, "2026-11-21"), ("2026-13-40", ValueError, "a day"),
                                           (20261121, TypeError, "int"), (None, TypeError, "NoneType")])
def test_a_day_that_is_not_one_is_a_one_line_error(day, error, word):
    # pydantic's ValidationError, raised from the model far below, ran to four lines
    with pytest.raises(error, match=word) as raised:
        daily_brief([], date=day)
    assert "\n" not in str(raised.value)


def test_a_day_may_be_given_as_its_iso_text_or_a_datetime():
    from datetime import datetime

    assert daily_brief([], date="2026-11-21").date == date(2026, 11, 21)
    assert daily_brief([], date=datetime(2026, 11, 21, 9, 30)).date == date(2026, 11, 21)
