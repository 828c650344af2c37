"""Grounding: quotes, names, tickers, amounts and elements against the article."""

from __future__ import annotations

from helpers import reference
from mineralbrief.grounding import SourceIndex, ground, name_key, numbers_in
from mineralbrief.models import BriefContent

TEXT = ("RareX Limited (ASX: REE) signed a non\u2011binding MOU with U.S. Strategic Metals (\u201cUSSM\u201d).\n"
        "The   deal covers   US\\$1.5 billion of work on a 1,800-acre site.")


def test_exact_quote_with_unified_quotes_dashes_and_whitespace():
    ix = SourceIndex(TEXT)
    start, end, score = ix.find('signed a non-binding MOU with U.S. Strategic Metals ("USSM")')
    assert score == 100 and TEXT[start:end].startswith("signed a non")


def test_fuzzy_quote_at_90_and_rejects_paraphrase():
    ix = SourceIndex(TEXT)
    assert ix.find("The deal covers US$1.5 billion of work on an 1,800-acre site") is not None
    assert ix.find("RareX bought USSM outright for a large sum of money") is None


def test_names_modulo_dots_case_and_suffix():
    ix = SourceIndex(TEXT)
    assert ix.has_name("US Strategic Metals") and ix.has_name("RareX Ltd") and ix.has_name("USSM")
    assert not ix.has_name("Lynas Rare Earths")
    assert name_key("The U.S. Strategic Metals Inc.") == "us strategic metals"


def test_numbers_ignore_thousands_separators():
    assert numbers_in("US$1,500,000 and 2.50") == ["1500000", "2.5"]


def test_ground_reports_each_failure_and_fills_offsets():
    text = open("seeds/rarex_ussm_mou.txt", encoding="utf-8").read()
    data = reference()
    data["elements"].append("europium")
    data["deals"][0]["parties"].append({"name": "Lynas Rare Earths"})
    data["deals"][0]["amounts"] = [{"text": "$42 million"}]
    data["entities"][0]["ticker"] = "ASX: XYZ"
    brief = BriefContent.model_validate(data)
    report = ground(brief, SourceIndex(text))
    joined = "\n".join(report.unverified)
    assert not report.ok and len(report.unverified) == 4
    for item in ("europium", "Lynas Rare Earths", "$42 million", "ASX: XYZ"):
        assert item in joined
    ev = brief.key_points[0].evidence[0]
    assert ev.verified and text[ev.start:ev.end] == ev.quote


def test_key_point_without_evidence_is_unverified():
    text = open("seeds/rarex_ussm_mou.txt", encoding="utf-8").read()
    data = reference()
    data["key_points"][1]["evidence"] = []
    report = ground(BriefContent.model_validate(data), SourceIndex(text))
    assert report.unverified == ["key_points[1]: no evidence quote"]


def test_numbers_in_the_briefs_own_words_must_be_the_articles():
    text = open("seeds/rarex_ussm_mou.txt", encoding="utf-8").read()
    data = reference()
    ok = ground(BriefContent.model_validate(data), SourceIndex(text))
    assert ok.ok, ok.unverified
    data["bottom_line"]["text"] = "RareX and USSM signed a 2025 MOU worth $900 million."
    data["headline"] = "RareX signs 3 deals"
    report = ground(BriefContent.model_validate(data), SourceIndex(text))
    assert not report.ok
    # 900 is flagged; 2025, which the article writes, is not
    assert any(u.startswith("bottom_line: number not in article: 900 in") for u in report.unverified)
    assert any(u.startswith("headline: number not in article: 3 in") for u in report.unverified)
