"""Grounding: quotes, names, tickers, amounts and elements against the article."""

from __future__ import annotations

import itertools
import unicodedata

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from mineralbrief.domain.language import language_of
from mineralbrief.domain.matching import _DROP, _PRE, _UNIFY, Normalised
from mineralbrief.domain.written import numbers_in, states_value
from mineralbrief.grounding import SourceIndex, ground, name_key, normalise
from mineralbrief.models import BriefContent, GroundingReport

from helpers import cpu_seconds, reference

TEXT = ("RareX Limited (ASX: REE) signed a non\u2011binding MOU with U.S. Strategic Metals (\u201cUSSM\u201d).\n"
        "The   deal covers   US\\$1.5 billion of work on a 1,800-acre site.")


def _says(report: GroundingReport, fragment: str = "", where: str = "") -> bool:
    """Whether an item of ``report.unverified`` starts with ``where`` and holds ``fragment``."""
    return any(u.startswith(where) and fragment in u for u in report.unverified)


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
    assert _says(report, where="bottom_line: number not in article: 900 in")
    assert _says(report, where="headline: number not in article: 3 in")


# -- the normalised index and its offsets ---------------------------------------------------------
# A reference for SourceIndex's normalisation, one character at a time: the index builds the same
# text and map run by run (ASCII runs in bulk, regex-found gaps), so the two must agree exactly.


def slow_normalise(text: str) -> tuple[str, list[tuple[int, int]]]:
    """normalise(text) and, for each of its characters, the span of ``text`` it comes from."""
    t = "".join(_PRE.get(c, c) for c in text)
    cuts = [i for i, c in enumerate(t) if i == 0 or not unicodedata.combining(c)] + [len(t)]
    folded: list[str] = []
    spans: list[tuple[int, int]] = []
    for a, b in itertools.pairwise(cuts):  # a character and the combining marks on it
        cluster = t[a:b]
        out = "".join(_UNIFY.get(c, c) for c in unicodedata.normalize("NFKC", cluster)).casefold()
        one_to_one = unicodedata.is_normalized("NFKC", cluster) and len(out) == len(cluster)
        folded += out
        spans += [(a + i, a + i + 1) for i in range(len(out))] if one_to_one else [(a, b)] * len(out)
    norm: list[str] = []
    norm_spans: list[tuple[int, int]] = []
    gap, gap_has_space = None, False
    for i, c in enumerate(folded):
        if c.isspace() or c in _DROP:
            gap, gap_has_space = (i if gap is None else gap), gap_has_space or c.isspace()
            continue
        if norm and gap is not None and gap_has_space:  # one space, at the gap's first character
            norm.append(" ")
            norm_spans.append(spans[gap])
        norm.append(c)
        norm_spans.append(spans[i])
        gap, gap_has_space = None, False
    return "".join(norm), norm_spans


# What press releases and scraped pages hold: ASCII, curly quotes, dashes, no-break and thin
# spaces, CRLF, Markdown escapes, zero-width characters, emoji (with joiners, skin tones and
# variation selectors), CJK, combining accents, ligatures and letters whose case folds long.
PIECES = [*"abcdeXYZ0189 .,;:$%()-'\"", "\n", "\r\n", "\t", "  ", "\n\n", "\u00a0", "\u2009", "\u202f",
          "\u2018", "\u2019", "\u201c", "\u201d", "\u2013", "\u2014", "\u2011", "\u2212", "\u2033", "`",
          "\\$", "\\*", "**", "_", "[", "]", "\u200b", "\u200d", "\ufeff", "\U0001f600",
          "\U0001f468\u200d\U0001f469", "\U0001f44d\U0001f3fd", "\u2764\ufe0f", "\u4e2d\u6587", "\u65e5\u672c",
          "e\u0301", "E\u0301\u0327", "\u0301", "\u00e9", "\u00df", "\ufb01", "\u0130", "\u0131", "\u017f",
          "\u2122", "\u2026", "\uff21", "\u3000", "\u00bd", "\u03a3", "\u00a8", "\u212a", "\u0085", "\u2028"]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)


@settings(max_examples=400)
@given(TEXTS)
@example("RareX  Limited\r\n\u201cUSSM\u201d \u2014 caf\u00e9 e\u0301 **bold** \\$5")
@example(" \u00a0lead and trail* \n")
def test_index_matches_the_reference_character_by_character(text):
    fast = Normalised(text)
    ref_norm, ref_spans = slow_normalise(text)
    assert fast.norm == ref_norm == normalise(text)
    assert [fast.span(i, i + 1) for i in range(len(fast.norm))] == ref_spans
    if fast.norm:  # a whole range: from its first character's source to its last's
        assert fast.span(0, len(fast.norm)) == (ref_spans[0][0], ref_spans[-1][1])


WORDS = st.lists(st.sampled_from(PIECES), min_size=1, max_size=4).map("".join).filter(lambda w: w.strip())
SEPARATORS = st.sampled_from([" ", "  ", "\n", "\r\n", "\u00a0", " \n\n", "\t"])


def _variant(quote: str, how: int) -> str:
    """The quote as a model might give it back: other case, quotes, dashes or whitespace."""
    if how == 0:
        return quote.upper()
    if how == 1:
        return " ".join(quote.split())
    if how == 2:
        return quote.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'").replace("\u2014", "-")
    return quote.replace("\\", "").replace("*", "").replace("_", "")


@settings(max_examples=300)
@given(st.lists(st.tuples(WORDS, SEPARATORS), min_size=2, max_size=40), st.data())
def test_a_quote_taken_from_the_article_is_found_where_it_normalises_to_itself(words, data):
    text = "".join(w + sep for w, sep in words)
    starts = [0]
    for w, sep in words:
        starts.append(starts[-1] + len(w) + len(sep))
    i = data.draw(st.integers(0, len(words) - 1))
    j = data.draw(st.integers(i, len(words) - 1))
    quote = text[starts[i]:starts[j] + len(words[j][0])]  # whole words i..j, as written
    variant = _variant(quote, data.draw(st.integers(0, 3)))
    assume(normalise(variant) and normalise(variant) == normalise(quote))
    found = SourceIndex(text).find(variant)
    assert found is not None and found[2] == 100
    start, end, _ = found
    assert normalise(text[start:end]) == normalise(variant)


def test_a_verbatim_quote_is_found_by_plain_search_without_the_normalised_index():
    index = SourceIndex(TEXT)
    quote = "signed a non\u2011binding MOU"
    assert index.find(quote) == (TEXT.index(quote), TEXT.index(quote) + len(quote), 100.0)
    assert "_normalised" not in index.__dict__  # str.find sufficed
    unified = index.find('Strategic Metals ("USSM")')  # straight quotes where the article curls them
    assert unified is not None and TEXT[unified[0]:unified[1]] == "Strategic Metals (\u201cUSSM\u201d)"
    assert "_normalised" not in index.__dict__


def test_offsets_point_into_the_original_text_across_crlf_markdown_and_accents():
    text = "Intro\r\n\r\n**Caf\u00e9  Minerals** (\u201cCM\u201d) signed\u00a0a deal with Ma\u0301rquez \\$5m"
    index = SourceIndex(text)
    start, end, score = index.find('cafe\u0301 minerals ("cm") signed a deal with m\u00e1rquez $5m')
    assert score == 100 and text[start:end] == text[text.index("Caf"):]


@pytest.mark.parametrize("written, named", [
    ("Ñandú Minería S.A. signed the offtake.", "Nandu Mineria"),           # accents dropped on both sides
    ("Société Générale arranged the loan.", "Société Générale"),
    ("中国稀土集团有限公司与北方稀土签署了合作协议。", "中国稀土集团"),        # no spaces around a Chinese name
    ("ГМК «Норильский никель» подписала соглашение.", "Норильский никель"),
])
def test_names_in_other_scripts_and_with_accents_are_found(written, named):
    assert name_key(named)  # a name of letters is never an empty key
    assert SourceIndex(written).has_name(named)


def test_a_name_the_article_does_not_write_is_still_missing_in_any_script():
    index = SourceIndex("中国稀土集团有限公司与北方稀土签署了合作协议。Société Générale arranged the loan.")
    assert not index.has_name("中国五矿")
    assert not index.has_name("Societe Anonyme")


@pytest.mark.parametrize("written, named", [
    ("ブリヂストンは契約を結んだ。", "ブリヂストン"),                    # a kana split by NFKD is one letter again
    ("हिंदुस्तान जिंक ने समझौता किया।", "हिंदुस्तान जिंक"),              # vowel signs belong to their word
    ("LG에너지솔루션은 포스코퓨처엠과 계약을 맺었다.", "포스코퓨처엠"),  # a Korean particle follows the name
    ("«Норильский никель» подписал соглашение.", "Норильский никель"),
])
def test_names_keep_the_marks_of_their_script(written, named):
    assert SourceIndex(written).has_name(named)


def test_kana_that_differ_only_by_their_voicing_mark_are_different_names():
    assert name_key("ガ") != name_key("カ") and name_key("ブリヂストン") == "ブリヂストン"
    assert name_key("Норильский") == "норильский"  # a breve is no Latin accent: kept


def test_a_letter_with_a_stroke_and_an_accent_is_the_bare_letter_in_a_name_key():
    # the stroke was taken off after the accents, which are read only after a bare letter:
    # "Ǿrsted" kept its accent ("órsted"), no "Ørsted", and its key was no key of itself
    assert name_key("\u01feRSTED") == name_key("\u01fersted") == name_key("\u00d8rsted") == "orsted"
    assert name_key("C\u01fdsar") == name_key("C\u01e3sar") == "caesar"
    for c in "\u01fe\u01ff\u01fc\u01fd\u01e2\u01e3":
        assert name_key(name_key(c)) == name_key(c)


@pytest.mark.parametrize("text, value", [
    ("15%", 0.15), ("15%", 15), ("a 19.9 per cent stake", 0.199), ("8.5 cents per share", 0.085),
    ("1.5Mt", 1.5e6), ("1.5Mt", 1.5), ("2 Moz", 2e6), ("10 kt", 1e4), ("$100-150 million", 1.5e8),
    ("$100-150 million", 1e8), ("€1,2 Mrd.", 1.2e9), ("R2.3 billion", 2.3e9), ("₩1.2 trillion", 1.2e12),
    ("250 million US dollars", 2.5e8), ("$1.2bn", 1.2e9), ("A$500 million", 5e8),
])
def test_a_value_a_model_parses_from_a_scaled_amount_is_stated(text, value):
    # a percentage as a fraction, a quantity in Mt as tonnes, a range's upper end, a decimal
    # comma: each the amount's text states, each was flagged (a re-ask for a right answer;
    # found by a reviewer)
    assert states_value(text, value)


@pytest.mark.parametrize("text, value", [
    ("$400 million", 4e9), ("$400 million", 4e6), ("15%", 1.5), ("1.5Mt", 1.5e9), ("$100-150 million", 1.25e8),
])
def test_a_value_its_amount_does_not_state_is_still_flagged(text, value):
    assert not states_value(text, value)


# -- names in the brief's own words ----------------------------------------------------------------
def _rarex_with(where: str, text: str, added: str = ""):
    article = open("seeds/rarex_ussm_mou.txt", encoding="utf-8").read() + added
    data = reference()
    if where == "headline":
        data["headline"] = text
    elif where == "bottom_line":
        data["bottom_line"]["text"] = text
    elif where == "questions":
        data["questions"][0]["question"] = text
    elif where == "questions[0].why":
        data["questions"][0]["why"] = text
    elif where == "deals[0].title":
        data["deals"][0]["title"] = text
    else:
        data["key_points"][1]["text"] = text
    return ground(BriefContent.model_validate(data), SourceIndex(article))


@pytest.mark.parametrize("where,text,name", [
    ("key_points", "RareX will ship its concentrate to Toyota for magnets.", "Toyota"),
    ("bottom_line", "A first step; Glencore is expected to take the output.", "Glencore"),
    ("headline", "RareX and USSM sign MOU as Acme Magnet Holdings Inc. looks on", "Acme Magnet Holdings Inc."),
    ("questions", "Will Northern Star Metals Ltd fund the plant?", "Will Northern Star Metals Ltd"),
])
def test_a_company_the_briefs_own_words_name_must_be_one_the_article_names(where, text, name):
    # only numbers and injected names were checked in the brief's own words: a key point could
    # name a buyer, a bottom line a backer, the article never mentions, and the brief was "ok"
    report = _rarex_with(where, text)
    assert not report.ok
    assert _says(report, f'name not in article: "{name}"', where), \
        report.unverified


@pytest.mark.parametrize("text", [
    "RareX Limited and U.S. Strategic Metals will study Chinese-free processing of Cummins Range feed.",
    "Under the MOU, RareX Limited and USSM set up a working group; the Company has no binding commitment.",
    "Appian Capital backs USSM, and RareX keeps its Australian focus.",
    "Backed by Appian Capital, USSM will test RareX Limited's Cummins Range material.",
])
def test_the_names_the_article_writes_and_words_that_are_no_company_pass(text):
    report = _rarex_with("key_points", text)
    assert report.ok, report.unverified


def _names_flagged(article: str, key_point: str) -> list[str]:
    data = reference()
    data["key_points"][1]["text"] = key_point
    report = ground(BriefContent.model_validate(data), SourceIndex(article))
    return [u for u in report.unverified if u.startswith("key_points[1]") and "name not in article" in u]


@pytest.mark.parametrize("where,text", [
    # a headline in Title Case capitalises the words before a name, or before "the Company"
    ("headline", "RareX Signs Non-Binding MOU With USSM As The Company Eyes US Processing"),
    ("headline", "Iluka Partner RareX Signs MOU With U.S. Strategic Metals LLC"),
    ("headline", "USSM Pact Boosts RareX Limited"),
    # "Co-" opens a word ("Co-Processing"), it ends no name
    ("headline", "RareX, USSM To Study Heavy Rare Earth Co-Processing"),
    ("headline", "Missouri Site Could Recover Scandium Co-Products"),
    # "Limited" before a capitalised word in Title Case is the adjective
    ("headline", "RareX MOU Offers Limited Detail On Funding"),
    # a name of descriptive words after "Both", "And", or a Title Case verb
    ("key_points", "Both U.S. Strategic Metals LLC and RareX Limited gain from the MOU."),
    ("headline", "RareX And U.S. Strategic Metals LLC Sign Processing MOU"),
    ("headline", "Appian Capital Backs U.S. Strategic Metals LLC In RareX Study"),
    # a demonym before the name, mid-sentence or opening it
    ("key_points", "The MOU pairs Australian RareX Limited with a processor in Missouri."),
    ("key_points", "Australian RareX Limited will study processing in Missouri with USSM."),
])
def test_words_a_brief_writes_before_a_named_company_are_read_off(where, text):
    report = _rarex_with(where, text)
    assert not [u for u in report.unverified if "name not in article" in u], report.unverified


@pytest.mark.parametrize("article,text", [
    # the article names the company by another of its well-known forms
    ("Ford agreed to buy nickel from the Pomalaa plant.", "Ford Motor Company will buy Pomalaa nickel."),
    ("Ford agreed to buy nickel from the Pomalaa plant.", "The deal gives Ford Motor Co. nickel from Pomalaa."),
    ("Exxon Mobil is said to be weighing a lithium project.", "ExxonMobil is weighing a lithium project."),
    ("Shares of Lynas rose as its Kalgoorlie plant restarted.", "Lynas Rare Earths Ltd restarted Kalgoorlie."),
])
def test_a_well_known_company_the_article_names_in_another_form_passes(article, text):
    assert _names_flagged(article, text) == []


@pytest.mark.parametrize("text,name", [
    # a name opening a sentence is not its last words: "Acme Rare Earths Ltd" is no "Rare Earths Ltd"
    ("Acme Rare Earths Ltd will take the output.", "Acme Rare Earths Ltd"),
    ("Pacific Strategic Metals Inc. will take the output.", "Pacific Strategic Metals Inc."),
    ("Later: Acme Heavy Rare Earths Corp will buy the concentrate.", "Acme Heavy Rare Earths Corp"),
    # nor is a name with a comma before its legal word no company
    ("The output goes to Acme Magnet Holdings, Inc. in Ohio.", "Acme Magnet Holdings, Inc."),
])
def test_an_invented_company_opening_a_sentence_is_flagged(text, name):
    report = _rarex_with("key_points", text)
    assert _says(report, f'name not in article: "{name}"'), report.unverified


def test_legal_words_alone_name_no_company():
    # after a name in another script, or a lower-case word, "Co., Ltd." was read as a name
    from mineralbrief.domain.named import companies_named

    assert companies_named(["The plant is run by 华友钴业 Co., Ltd. in Sulawesi."]) == [[]]


@pytest.mark.parametrize("article,text", [
    # a possessive before an abbreviation that is also a legal word ("SA", South Africa)
    ("Sibanye-Stillwater owns the Keliber lithium project in Finland.",
     "Sibanye-Stillwater's SA gold mines are not part of the Keliber plan."),
    ("Lynas Rare Earths will build a plant in Texas.", "Lynas Rare Earths' SE Asian plant is not affected."),
])
def test_a_possessive_before_a_word_that_is_also_a_legal_word_names_the_company_before_it(article, text):
    assert _names_flagged(article, text) == []


@pytest.mark.parametrize("article,headline", [
    # a headline in Title Case capitalises words that together are a company's name ("Global
    # Lithium", "Critical Elements"): no company named, when its words are all descriptive
    ("Lithium prices fell again in November as supply grew.",
     "Global Lithium Prices Extend Slide In November"),
    ("The act lists critical raw materials and sets targets for their supply.",
     "EU Act Puts Critical Elements At Core Of Industrial Policy"),
])
def test_descriptive_words_of_a_title_case_headline_name_no_company(article, headline):
    data = reference()
    data["headline"] = headline
    report = ground(BriefContent.model_validate(data), SourceIndex(article))
    assert not [u for u in report.unverified if u.startswith("headline")], report.unverified


def test_a_descriptive_company_name_in_a_sentence_is_still_checked():
    data = reference()
    data["key_points"][1]["text"] = "Global Lithium will take a share of the output."
    report = ground(BriefContent.model_validate(data), SourceIndex("RareX signed an MOU on lithium supply."))
    assert _says(report, 'name not in article: "Global Lithium"'), report.unverified


# FIXTURE: a sentence added to the RareX seed, naming a person (a made-up name) as news does
_SPOKEN = "\n\nUSSM chief executive Dana Whitfield said the companies would move quickly on the studies."


@pytest.mark.parametrize("where,text,name", [
    ("key_points", "CEO Jane Doe said the plant will open in two years.", "Jane Doe"),
    ("key_points", "USSM chief executive Dana Whitfield and chairman Robert Kellerman back the MOU.", "Robert Kellerman"),
    ("bottom_line", "Mr. Hargreaves, who leads RareX, called it a first step.", "Hargreaves"),
    ("questions", "Will Minister Keith Pitt fund the processing route?", "Keith Pitt"),
    ("questions[0].why", "James Smith-Holloway's comments suggest the MOU may not bind.", "James Smith-Holloway"),
])
def test_a_person_the_briefs_own_words_name_must_be_one_the_article_names(where, text, name):
    # only companies were checked in the brief's own words: a key point could quote a chief
    # executive, a question a minister, the article never names, and the brief was "ok"
    report = _rarex_with(where, text, _SPOKEN)
    assert _says(report, f'name not in article: "{name}"', where), \
        report.unverified


@pytest.mark.parametrize("text", [
    "USSM chief executive Dana Whitfield said the companies would move quickly.",
    "CEO Dana Whitfield wants the studies done quickly.",  # the office written otherwise
    "Ms. Whitfield expects the studies to move quickly.",  # the surname alone
    "Managing Director James Durrant welcomed the MOU.",  # as the seed writes it
    "USSM's Whitfield said the working group would move quickly.",  # no office, no given name: not read
    "Grant Resources is not part of the MOU; Mark the date of the first studies.",  # a company; a verb
    "Will Grant funding follow? Jan 2026 is the earliest date the studies could start.",  # no name after a given name
    "The Chief Executive Officer of USSM and its Senior Vice President Operations will lead the group.",  # titles
    "A Minister Counsellor and the CEO Designate attended; President Whitfield did not.",  # one word after an office
])
def test_a_person_the_article_names_and_words_that_name_no_person_pass(text):
    report = _rarex_with("key_points", text, _SPOKEN)
    assert not _says(report, "name not in article"), report.unverified


# FIXTURE: sentences added to the RareX seed, naming a person with letters of the Nordic and
# Polish alphabets, and a company and a place whose names hold a common given name (made up as news
# writes them)
_LETTERED = ("\n\nUSSM chairman Øystein Løseth and Minister Łukasz Wałęsa attended. Lockheed Martin and a "
             "port at Port Elizabeth were named as possible buyers.")


@pytest.mark.parametrize("text", [
    "Chairman Oystein Loseth attended the signing.",  # a stroke written without it
    "Minister Lukasz Walesa attended the signing.",
    "Lockheed Martin Space may buy the magnets.",  # a given name inside a longer name: no person
    "Ships may leave from Port Elizabeth Harbour.",
])
def test_a_name_the_article_writes_with_other_letters_or_inside_a_longer_name_passes(text):
    # "Oystein Loseth" was flagged against the article's "Øystein Løseth" (NFKD keeps the
    # stroke), and "Martin Space" of "Lockheed Martin Space" was read as a person the article
    # never names
    report = _rarex_with("key_points", text, _LETTERED)
    assert not _says(report, "name not in article"), report.unverified


@pytest.mark.parametrize("text,name", [
    ("Minister Élisabeth Borne backs the MOU.", "Élisabeth Borne"),  # an accented capital
    ("Minister\u00a0Xiang Guangda backs the MOU.", "Xiang Guangda"),  # a no-break space after the office
    # (read before, and still: a possessive or a function word before a given name)
    ("Tesla's Jane Doe backs the MOU.", "Jane Doe"),
    ("In Jane Doe's view the MOU binds.", "Jane Doe"),
])
def test_a_person_named_with_an_accented_capital_a_no_break_space_or_after_a_possessive_is_checked(text, name):
    report = _rarex_with("key_points", text, _LETTERED)
    assert _says(report, f'name not in article: "{name}"'), report.unverified


@pytest.mark.parametrize("text", [
    "Meanwhile Jane Roe said the MOU binds.",  # a sentence's first word
    "On Monday Jane Roe said the MOU binds.",
    "Treasurer Jane Roe backs the MOU.",  # a title that is no office read
    "Billionaire Jane Roe backs the MOU.",
    "Secretary-General Jane Roe backs the MOU.",
])
def test_an_invented_person_after_a_capitalised_word_the_article_does_not_write_with_the_given_name_is_flagged(text):
    # any capitalised word before a given name took it for part of a longer name ("Lockheed
    # Martin Space"): an invented person after a sentence's first word or a title passed
    report = _rarex_with("key_points", text, _LETTERED)
    assert _says(report, 'name not in article: "Jane Roe"'), report.unverified


@pytest.mark.parametrize("text,name", [
    ("Treasurer Jim Roe backs the MOU.", "Jim Roe"),  # a title
    ("On Monday Jane Roe signed the MOU.", "Jane Roe"),  # a day
])
def test_an_invented_surname_after_a_title_and_a_given_name_the_article_writes_is_flagged(text, name):
    # the article writes "Treasurer Jim" and "Monday Jane": read as a longer name, which the
    # given name went on, the invented surname after them passed
    added = _LETTERED + " Treasurer Jim Chalmers spoke. On Monday Jane Whitby signed."
    report = _rarex_with("key_points", text, added)
    assert _says(report, f'name not in article: "{name}"'), report.unverified


@pytest.mark.parametrize("text,name,flagged", [
    ("CEO John Ban expects approval.", "John Ban", True),  # the article's "ban" is a word, not a name
    ("Mr. Ban expects approval.", "Ban", True),
    ("CEO John Export expects approval.", "John Export", False),  # "Export" opens a sentence there
    ("CEO Dana Whitfield expects approval.", "Dana Whitfield", False),
    ("Ms. WHITFIELD expects approval.", "WHITFIELD", False),
])
def test_a_persons_surname_vouches_only_where_the_article_writes_it_as_a_name(text, name, flagged):
    # a surname the article wrote in any case vouched for the name: "CEO John Ban" passed
    # against an article on an export ban
    added = _SPOKEN + " Export controls may follow; a ban on ore shipments is possible."
    report = _rarex_with("key_points", text, added)
    assert _says(report, f'name not in article: "{name}"') is flagged, report.unverified


def test_a_surname_is_read_as_a_name_alike_from_searches_and_from_the_article_runs():
    # past 64 names looked up, the article's runs answer instead of a search each (names x article)
    article = (open("seeds/rarex_ussm_mou.txt", encoding="utf-8").read() + _SPOKEN
               + " Export controls may follow; a ban on ore is possible. USSM adviser Øystein Løseth and *Jo*anne Hale.")
    words = ["Ban", "BAN", "Whitfield", "WHITFIELD", "Loseth", "Løseth", "Export", "Joanne", "Hale",
             "Durrant", "Smith", "Rarex", "RareX"]
    searched = [SourceIndex(article).writes_as_a_name(w) for w in words]
    index = SourceIndex(article)
    index._lookups = 10 ** 6
    assert [index.writes_as_a_name(w) for w in words] == searched
    assert searched == [False, False, True, True, True, True, True, True, True, True, False, True, True]


def _why_grounded(article: str, why: str, prebuilt: bool = False):
    """The CPU seconds grounding the reference answer with ``why`` as its first question's reason
    takes, and its report; with ``prebuilt``, the article's index (and its names) is built
    before the timing, as once an article whatever the brief."""
    data = reference()
    data["questions"][0]["why"] = why
    brief = BriefContent.model_validate(data)
    if not prebuilt:
        return cpu_seconds(lambda: ground(brief, SourceIndex(article)))
    index = SourceIndex(article)
    assert index.name_space
    return cpu_seconds(lambda: ground(brief, index))


def _grows_linearly(small, big):
    """The big run's report, once its time is under 6 times the small one's (plus 0.2 s): its
    input is four times the small one's, which quadratic code takes sixteen times as long for."""
    (t_small, _), (t_big, report) = small, big
    assert t_big < 6 * t_small + 0.2, (t_small, t_big)
    return report


@pytest.mark.slow  # linear growth, timed: make test runs it
def test_person_check_time_grows_linearly_with_the_names_a_long_reason_writes():
    # whether a text was in Title Case was read again for each name it writes: a question's
    # reason (which has no length limit) of 14,000 names, 300 KB, took ~150 s
    article = open("seeds/rarex_ussm_mou.txt", encoding="utf-8").read()
    why = "USSM Chief Executive Stacy Hastie and Mr. Durrant agree. "
    report = _grows_linearly(_why_grounded(article, why * 500), _why_grounded(article, why * 2000))
    assert not _says(report, "name not in article"), report.unverified


@pytest.mark.slow  # linear growth, timed: make test runs it
def test_a_long_hyphenated_word_after_an_office_is_read_in_linear_time():
    # a word of a person's name could be split two ways at each hyphen ("-Ab": "A" then "b", or
    # "Ab"), all tried before a digit after it ruled the word out: 2^k for k hyphens
    article = "RareX signed an MOU with USSM."
    _grows_linearly(*(_why_grounded(article, "CEO Xx" + "-Ab" * k + "1 said so.") for k in (6, 24)))


@pytest.mark.parametrize("text,name", [
    ("Mr. Hargreaves's Cummins Range plan needs USSM.", "Hargreaves"),
    ("CEO Elena Markova's Cummins Range plan needs USSM.", "Elena Markova"),
    ("Chief executive Peter Hartley\u2019s Missouri plant would take the concentrate.", "Peter Hartley"),
    ("Chief executive Peter Hollis' Missouri plant would take the concentrate.", "Peter Hollis"),  # (was not read at all)
])
def test_a_possessive_ends_a_persons_name(text, name):
    # the name went on into the capitalised words after a possessive ("Hargreaves's Cummins
    # Range"), and its last word, the article's project or place, vouched for an invented person
    report = _rarex_with("key_points", text, _SPOKEN)
    assert _says(report, f'name not in article: "{name}"'), report.unverified


@pytest.mark.parametrize("text", [
    "Most cobalt still comes from DR Congo, where EGC buys artisanal output.",
    "DR Congo's export quotas lifted cobalt prices.",
])
def test_a_capitalised_abbreviation_is_no_honorific(text):
    # "DR Congo" was read as "Dr. Congo", a surname after an honorific, and flagged against an
    # article that writes "DRC": an honorific is written "Dr", "Mr", "Ms" ("DR", "MS" abbreviate)
    data = reference()
    data["key_points"][1]["text"] = text
    article = "The DRC exports most of the world's cobalt. EGC buys artisanal output and quotas lifted prices."
    report = ground(BriefContent.model_validate(data), SourceIndex(article))
    assert not _says(report, "name not in article", "key_points[1]"), \
        report.unverified


@pytest.mark.parametrize("text,name", [
    ("Ucore's chief executive, Dana Whitfield, said the studies would be fast.", None),
    ("RareX's managing director, James Durrant, welcomed the MOU.", None),
    ("According to the managing director, Cummins Range feed suits the Missouri site.", None),
    ("USSM's chairman, Rohan Kessler, backs the MOU.", "Rohan Kessler"),
    ("The minister, Madeleine King, backs the MOU.", "Madeleine King"),
])
def test_a_person_named_after_an_office_and_a_comma_is_checked(text, name):
    # news names a person after an office and a comma as often as without ("Ucore's Chief
    # Executive Officer, Pat Ryan, said"): an invented one there, with a given name the list
    # does not hold, passed
    flagged = [u for u in _rarex_with("key_points", text, _SPOKEN).unverified if "name not in article" in u]
    assert flagged == ([] if name is None else [f'key_points[1]: name not in article: "{name}"']), flagged


@pytest.mark.parametrize("text,name", [
    ("USSM chief Rohan Kessler backs the MOU.", "Rohan Kessler"),
    ("RareX boss Rohan Kessler backs the MOU.", "Rohan Kessler"),
    ("Benchmark analyst Rohan Kessler expects the MOU to bind.", "Rohan Kessler"),
    ("Citi economist Rohan Kessler expects the MOU to bind.", "Rohan Kessler"),
    ("USSM chief Dana Whitfield backs the MOU.", None),
    ("RareX boss James Durrant welcomed the MOU; the chief Cummins Range question is the route.", None),
    ("Chief Financial Officer and Chief Operating Officer roles are not named.", None),
])
def test_a_person_named_after_a_newswire_role_is_checked(text, name):
    # "chief", "boss", "analyst" name a person as "CEO" does: an invented one there, with a
    # given name the list does not hold, passed
    flagged = [u for u in _rarex_with("key_points", text, _SPOKEN).unverified if "name not in article" in u]
    assert flagged == ([] if name is None else [f'key_points[1]: name not in article: "{name}"']), flagged


@pytest.mark.parametrize("text,name", [
    ("Mr. Pe\u0301rez said the plant would open next year.", None),
    ("Chief executive Jose\u0301 Pe\u0301rez said the plant would open.", None),
    ("Minister Nicola\u0301s Grau said the plant would open.", "Nicolás Grau"),
])
def test_a_name_with_its_accents_written_apart_is_read_whole(text, name):
    # a brief may write an accent as a letter and a combining mark ("e" + U+0301): a name was
    # cut before the mark, so the article's "Pérez" was flagged as "Pe", and an invented
    # "Nicolás Grau" was not read at all
    data = reference()
    data["key_points"][1]["text"] = text
    article = "Chief executive José Pérez said the plant would open next year."
    flagged = [u for u in ground(BriefContent.model_validate(data), SourceIndex(article)).unverified
               if u.startswith("key_points[1]") and "name not in article" in u]
    assert flagged == ([] if name is None else [f'key_points[1]: name not in article: "{name}"']), flagged


@pytest.mark.slow  # linear growth, timed: make test runs it
def test_person_check_time_grows_linearly_with_the_article_and_the_names_together():
    # each name a brief writes was looked for through the whole article, twice (the name, the
    # surname): a question's reason of 12,000 invented names against a 400 KB article took ~3 s
    seed = open("seeds/rarex_ussm_mou.txt", encoding="utf-8").read()
    given = itertools.cycle(["Rohan", "Dana", "Ines", "Tarek", "Mila"])

    def grounded(n: int):
        article = (seed * (60 * n // len(seed) + 1))[:60 * n]
        why = " ".join(f"CEO {next(given)} Q{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}{chr(97 + i // 676 % 26)}x "
                       "said so." for i in range(n))
        return _why_grounded(article, why, prebuilt=True)

    report = _grows_linearly(grounded(1500), grounded(6000))
    assert sum("name not in article" in u for u in report.unverified) == 6000


@pytest.mark.slow  # linear growth, timed: make test runs it
def test_company_check_time_grows_linearly_with_the_companies_a_long_reason_writes():
    # whether a text was in Title Case was read again, through the whole text, for each name
    # with a legal word it writes: a question's reason naming 4,000 (176 KB) took ~20 s
    article = open("seeds/rarex_ussm_mou.txt", encoding="utf-8").read() + "\n\nAcme Magnet Holdings Inc. watched."
    why = "Acme Magnet Holdings Inc. may follow USSM. "
    report = _grows_linearly(_why_grounded(article, why * 500), _why_grounded(article, why * 2000))
    assert not _says(report, "name not in article"), report.unverified


def test_a_persons_surname_is_looked_up_before_the_name_the_article_does_not_write_together():
    # a name made of the article's words not written together ("Stacy Durrant") was searched
    # for through the whole article before its surname, found at once in the set of its words
    seed = open("seeds/rarex_ussm_mou.txt", encoding="utf-8").read() + _SPOKEN
    pairs = itertools.cycle(itertools.permutations(["Stacy", "Hastie", "James", "Durrant", "Dana", "Whitfield"], 2))

    def grounded(n: int):
        article = (seed * (60 * n // len(seed) + 1))[:60 * n]
        why = " ".join("CEO {} {} said so.".format(*next(pairs)) for _ in range(n))
        return _why_grounded(article, why, prebuilt=True)

    report = _grows_linearly(grounded(1500), grounded(6000))
    assert not _says(report, "name not in article"), report.unverified


def test_a_person_in_a_title_case_headline_is_not_read():
    # every word of a Title Case headline is capitalised: "Grant Signals Change" names no one
    report = _rarex_with("headline", "Grant Signals Change As RareX Signs MOU With USSM", _SPOKEN)
    assert not _says(report, "name not in article"), report.unverified


@pytest.mark.parametrize("where,text,name", [
    ("deals[0].title", "RareX, USSM and Toyota processing MOU", "Toyota"),
    ("questions[0].why", "Glencore is said to want the output, and the MOU does not bind.", "Glencore"),
])
def test_a_company_a_deal_title_or_a_questions_why_names_must_be_one_the_article_names(where, text, name):
    # a deal's title and a question's "why" are the brief's own words too: an invented company
    # there passed
    report = _rarex_with(where, text)
    assert _says(report, f'name not in article: "{name}"', where), \
        report.unverified


def test_the_companies_of_a_briefs_own_words_are_checked_only_against_an_article_in_english():
    # a model briefs a Chinese article in English and names its companies in English: the
    # article writes them in its own script, so the check could only flag them
    article = ("特斯拉与华友钴业签署了镍产品供应协议。根据协议，华友钴业将在2025年至2030年向特斯拉供应镍中间品。\n\n"
               "华友钴业表示，该协议不具有约束力。")
    data = reference()
    data["key_points"][0]["text"] = "Tesla signed a nickel supply agreement with Huayou Cobalt."
    data["key_points"][0]["evidence"] = [{"quote": "特斯拉与华友钴业签署了镍产品供应协议"}]
    data["entities"], data["deals"] = [], []
    data["questions"] = [{"question": "When do the deliveries start?", "category": "execution", "evidence": []},
                         {"question": "Which price applies?", "category": "execution", "evidence": []}]
    data["headline"] = "Tesla and Huayou sign nickel supply pact"
    data["bottom_line"] = {"text": "A supply pact for nickel.", "evidence": [{"quote": "该协议不具有约束力"}]}
    report = ground(BriefContent.model_validate(data), SourceIndex(article, language="other:CJK"))
    assert not _says(report, "name not in article"), report.unverified
    english = ground(BriefContent.model_validate(data), SourceIndex(article, language="en"))
    assert any('name not in article: "Tesla"' in u for u in english.unverified)


def test_numbers_in_a_deals_title_and_a_questions_why_must_be_the_articles():
    # only the headline, key points, bottom line and questions were read for numbers: a deal's
    # title could say "$900 million" and a question's why "3 plants" the article never wrote
    article = open("seeds/rarex_ussm_mou.txt", encoding="utf-8").read()
    data = reference()
    data["deals"][0]["title"] = "RareX-USSM processing MOU worth $900 million"
    data["questions"][0]["why"] = "The MOU covers 3 plants."
    report = ground(BriefContent.model_validate(data), SourceIndex(article))
    assert _says(report, where="deals[0].title: number not in article: 900"), report.unverified
    assert _says(report, where="questions[0].why: number not in article: 3")


@pytest.mark.parametrize("opening", [
    "本文为英文新闻稿的中文摘要，内容仅供参考，以英文原文为准。\n" * 90,  # an abstract in Chinese
    ("Resumen: la empresa firmó un memorando con otra empresa para procesar tierras raras en "
     "Texas; el acuerdo no es vinculante.\n") * 40,  # a long abstract in Spanish
])
def test_an_english_article_that_opens_in_another_language_still_has_its_companies_checked(opening):
    # the language is read from the article's first 4,000 characters: a long passage in another
    # language put first turned the company check of the brief's own words off
    article = opening + open("seeds/rarex_ussm_mou.txt", encoding="utf-8").read()
    data = reference()
    data["questions"][0]["why"] = "Glencore is said to want the output, and the MOU does not bind."
    for index in (SourceIndex(article), SourceIndex(article, language=language_of(article))):
        report = ground(BriefContent.model_validate(data), index)
        assert _says(report, 'questions[0].why: name not in article: "Glencore"'), \
            report.unverified


@pytest.mark.parametrize("path", ["corpus/news_es_litio_codelco_sqm.txt", "corpus/news_fr_lithium_eramet_tsingshan.txt",
                                  "corpus/news_zh_nickel_pomalaa_huayou.txt", "holdout/news_es_litio_bolivia_ylb_cbc.txt"])
def test_an_article_in_another_language_is_not_english_however_long(path):
    text = open(path, encoding="utf-8").read()
    assert not SourceIndex(text).english and not SourceIndex(text * 6).english


def _title_grounded(title: str, added: str, headline: bool = False) -> GroundingReport:
    """The reference brief with ``title`` as its first deal's title (and, with ``headline``, as
    its headline), grounded in the RareX seed with ``added`` after it."""
    data = reference()
    data["deals"][0]["title"] = title
    if headline:
        data["headline"] = title
    return ground(BriefContent.model_validate(data), SourceIndex(open("seeds/rarex_ussm_mou.txt", encoding="utf-8").read() + added))


def _title_flags(report: GroundingReport) -> list[str]:
    """What the report says of numbers in the first deal's title the article does not write."""
    return [u for u in report.unverified if u.startswith("deals[0].title: number not in article")]


_WORDED = ("\n\nDeliveries are expected to begin in the third quarter of 2027 under a seven-year term, "
           "with a second tranche in the first half of 2028, in Phase II of the project.")


@pytest.mark.parametrize("title", ["7-year processing MOU", "Deliveries from Q3 2027", "H1 2028 second tranche",
                                   "2nd tranche in '28", "Seven-year MOU, 2nd tranche H1 \u201928",
                                   "Phase 2 MOU, FY28 deliveries", "Second tranche in H1 FY 2028",
                                   "Deliveries from 3Q27", "Second tranche in 1H 28"])
def test_a_number_the_article_writes_in_words_or_a_year_written_short_is_the_articles(title):
    # a model writes "7-year" for the article's "seven-year", "Q3" for its "third quarter", "'28"
    # for its "2028": each was flagged as a number the article never wrote
    article = open("seeds/rarex_ussm_mou.txt", encoding="utf-8").read() + _WORDED
    data = reference()
    data["deals"][0]["title"] = data["headline"] = title
    data["questions"][0]["why"] = f"{title}."
    report = ground(BriefContent.model_validate(data), SourceIndex(article))
    assert not _says(report, "number not in article"), report.unverified


@pytest.mark.parametrize("title,number", [("9-year processing MOU", "9"), ("Deliveries from Q4 2027", "4"),
                                          ("Second tranche in '29", "29"), ("Second tranche in 28 days", "28"),
                                          ("Second tranche worth $7 billion", "7"), ("A 3% royalty from 2027", "3"),
                                          ("Phase 4 MOU", "4"), ("FY29 deliveries", "29"),
                                          ("Deliveries from 4Q27", "4"), ("Deliveries from 3Q29", "29"),
                                          ("Second tranche in 1H29", "29"), ("Second tranche in 5Q28", "28")])
def test_a_number_the_article_writes_in_no_form_is_still_flagged(title, number):
    report = _title_grounded(title, _WORDED)
    assert _says(report, where=f"deals[0].title: number not in article: {number}"), \
        report.unverified


# FIXTURE: a paragraph added to the RareX seed, with sums, a count and a share in digits and in words
_SUMS = ("\n\nThe plant would cost $5 million and employ 300 people; USSM expects seventy-five per cent "
         "of the output to go to U.S. buyers.")


@pytest.mark.parametrize("text,phrase", [
    ("The plant costs six million dollars.", "six million"),
    ("It would employ four hundred people.", "four hundred"),
    ("Sixty percent of the output goes to U.S. buyers.", "Sixty percent"),
    ("The studies cost half a billion dollars.", "half a billion"),
    ("\u0130stanbul's İnvestor pays six million dollars.", "six million"),  # a letter lower-cased into two
    ("The plant costs a million dollars.", "a million"),  # "a" for one: not read before
    ("USSM won a six-million-dollar grant.", "six-million"),  # a number made an adjective with its scale
])
def test_a_quantity_the_briefs_own_words_write_in_words_must_be_the_articles(text, phrase):
    # a number written in words was never read: "six million dollars" passed where "$6 million" was flagged
    report = _rarex_with("key_points", text, _SUMS)
    assert _says(report, phrase, "key_points[1]: number not in article"), \
        report.unverified


@pytest.mark.parametrize("text", [
    "The plant costs five million dollars.",  # the article's "$5 million"
    "It would employ three hundred people.",  # its "300"
    "Seventy-five percent of the output goes to U.S. buyers.",  # its "seventy-five per cent"
    "A billion-dollar market may open; the first hundred days matter.",  # no quantity stated
    "The plant would cost a five-million-dollar sum.",  # the article's "$5 million", made an adjective
])
def test_a_quantity_the_article_writes_in_any_form_passes_in_words(text):
    report = _rarex_with("key_points", text, _SUMS)
    assert not _says(report, "number not in article"), report.unverified


_HUNDREDS = "\n\nUSSM has a $625 million loan for a plant of 150,000 tonnes a year."


@pytest.mark.parametrize("text", [
    "USSM borrowed six hundred twenty-five million dollars.",
    "The plant makes one hundred and fifty thousand tonnes a year.",
])
def test_a_quantity_in_words_with_hundreds_before_its_scale_passes(text):
    # "six hundred twenty-five million" was read as "six hundred" and "twenty-five million",
    # neither the article's $625 million
    report = _rarex_with("key_points", text, _HUNDREDS)
    assert not _says(report, "number not in article"), report.unverified


@pytest.mark.parametrize("text,phrase", [
    ("USSM borrowed six hundred twenty-six million dollars.", "six hundred twenty-six million"),
    ("The plant makes one hundred and fifty-one thousand tonnes a year.", "one hundred and fifty-one thousand"),
])
def test_a_quantity_in_words_with_hundreds_the_article_does_not_write_is_flagged(text, phrase):
    report = _rarex_with("key_points", text, _HUNDREDS)
    assert _says(report, phrase, "key_points[1]: number not in article"), \
        report.unverified


@pytest.mark.parametrize("text", [
    "USSM expects 75% of the output to go to U.S. buyers.",  # the article's "seventy-five per cent"
    "Magnets for 1 million electric vehicles a year.",  # its "one million"
    "Magnets for 1,000,000 electric vehicles a year.",
    "Magnets for four hundred thousand vehicles, and 400,000 more later.",
])
def test_a_quantity_the_article_writes_in_words_passes_in_digits(text):
    # the article's quantities in words were read for a brief's words only: its digits were
    # held to the article's digits, and "75%" for "seventy-five per cent" was flagged
    added = _SUMS + " Magnets for one million electric vehicles and four hundred thousand vehicles a year."
    report = _rarex_with("key_points", text, added)
    assert not _says(report, "number not in article"), report.unverified


@pytest.mark.parametrize("text,number", [
    ("USSM expects 76% of the output to go to U.S. buyers.", "76"),
    ("Magnets for 2 million electric vehicles a year.", "2"),
    ("USSM expects 75 cents a share.", "75"),
])
def test_a_quantity_in_digits_the_article_writes_in_no_form_is_still_flagged(text, number):
    added = _SUMS + " Magnets for one million electric vehicles a year."
    report = _rarex_with("key_points", text, added)
    assert _says(report, where=f"key_points[1]: number not in article: {number}"), \
        report.unverified


# FIXTURE: the article's sums and shares as Chinese, Spanish and French write them
_FOREIGN = ("\n\n\u9879\u76ee\u603b\u6295\u8d4445\u4ebf\u7f8e\u5143\uff0c\u5e74\u4ea712\u4e07\u5428\u3002"
            " Codelco tendr\u00e1 el 50,01% y recibir\u00e1 625 millones de d\u00f3lares."
            " Le projet co\u00fbtera 2 milliards de dollars."
            " Northway obtuvo un pr\u00e9stamo de 2.260 millones de d\u00f3lares.")


@pytest.mark.parametrize("text", [
    "The project costs $4.5 billion and makes 120,000 tonnes a year.",  # "45\u4ebf\u7f8e\u5143", "12\u4e07\u5428"
    "The project makes 120kt a year.",
    "Codelco will hold 50.01% and receive six hundred twenty-five million dollars.",  # "50,01%", "625 millones"
    "The project will cost two billion dollars.",  # "2 milliards"
    "Northway got a US$2,260 million loan.",  # "2.260 millones de d\u00f3lares": a dot between thousands
    "Northway got a $2.26 billion loan.",
    "Codelco will receive $0.625 billion.",  # "625 millones de d\u00f3lares" is a sum
])
def test_a_quantity_the_article_writes_in_another_languages_form_passes(text):
    # the article's scales were read in English only and its decimal comma as no decimal point:
    # an honest brief of a Chinese article writing "$4.5 billion" for "45\u4ebf\u7f8e\u5143" was flagged
    report = _rarex_with("key_points", text, _FOREIGN)
    assert not _says(report, "number not in article"), report.unverified


@pytest.mark.parametrize("text,number", [
    ("The project costs $4.6 billion.", "4.6"),
    ("The project makes 130,000 tonnes a year.", "130000"),
    ("Codelco will hold 50.02%.", "50.02"),
    ("The project will cost three billion dollars.", "three billion"),
    ("Northway got a $2.27 billion loan.", "2.27"),
])
def test_a_quantity_no_form_of_the_foreign_article_writes_is_flagged(text, number):
    report = _rarex_with("key_points", text, _FOREIGN)
    assert _says(report, where=f"key_points[1]: number not in article: {number}"), \
        report.unverified


@pytest.mark.parametrize("where,text,ticker", [
    ("key_points", "RareX (ASX: RXL) will study processing with USSM.", "ASX: RXL"),
    ("headline", "RareX (NASDAQ: REE) signs MOU with USSM", "NASDAQ: REE"),
    ("bottom_line", "A first step for RareX, listed as TSX: REE.", "TSX: REE"),
])
def test_a_listing_the_briefs_own_words_write_must_be_the_articles(where, text, ticker):
    # a ticker was checked on entities and parties only: a key point could give a company a
    # listing the article never writes
    report = _rarex_with(where, text)
    assert _says(report, f'ticker not in article: "{ticker}"', where), \
        report.unverified


def test_the_articles_listing_passes_in_the_briefs_own_words():
    report = _rarex_with("key_points", "RareX (ASX: REE) will study processing with USSM: a first step.")
    assert not _says(report, "ticker not in article"), report.unverified


@pytest.mark.parametrize("written,text", [
    ("(TSXV: REE)", "RareX (TSX-V: REE) will study processing with USSM."),
    ("(TSX.V: REE)", "RareX (TSXV:REE) will study processing with USSM."),
    ("(TSX-V: REE)", "RareX, TSX.V: REE, will study processing with USSM."),
    ("(NYSE American: REE)", "RareX (NYSEAMERICAN: REE) will study processing with USSM."),
])
def test_the_articles_exchange_written_another_way_passes(written, text):
    # "TSX-V" was looked for as the words "TSX" and "V": an article that writes "TSXV" (or
    # "TSX.V") flagged an honest brief's listing
    report = _rarex_with("key_points", text, f"\nRareX Limited {written} is listed in Canada too.")
    assert not _says(report, "ticker not in article"), report.unverified


def test_another_exchange_than_the_articles_is_flagged():
    report = _rarex_with("key_points", "RareX (TSXV: REE) will study processing with USSM.",
                         "\nRareX Limited (TSX: REE) is listed in Canada too.")
    assert _says(report, 'ticker not in article: "TSXV: REE"'), report.unverified


# FIXTURE: listings added to the RareX seed, one symbol on two exchanges and one on a third
_LISTINGS = "\nUSSM's parent (NYSE, TSX: USM) and its partner (NASDAQ: LUN) are listed too."


@pytest.mark.parametrize("text,ticker,flagged", [
    ("RareX (ASX: REE) and its partner (NASDAQ: LUN) will work together.", "NASDAQ: LUN", False),
    ("USSM's parent (TSX: USM) backs the MOU.", "TSX: USM", False),  # one of the two it is listed on
    ("USSM's parent (NYSE: USM) backs the MOU.", "NYSE: USM", False),
    ("USSM's parent (TSX/NYSE: USM) backs the MOU.", "TSX/NYSE: USM", False),  # both, as a model may join them
    ("USSM's parent (ASX/TSX: USM) backs the MOU.", "ASX/TSX: USM", True),
    ("RareX (NASDAQ: REE) will study processing with USSM.", "NASDAQ: REE", True),  # NASDAQ: another symbol's
    ("USSM's parent (ASX: USM) backs the MOU.", "ASX: USM", True),  # ASX: RareX's exchange
])
def test_a_listing_is_held_to_the_exchange_the_article_lists_its_symbol_on(text, ticker, flagged):
    # the exchange and the symbol were each looked for alone: "NASDAQ: REE" passed in an article
    # that writes "ASX: REE" and "NASDAQ: LUN"
    report = _rarex_with("key_points", text, _LISTINGS)
    assert _says(report, f'ticker not in article: "{ticker}"') is flagged, report.unverified


@pytest.mark.slow  # linear growth, timed: make test runs it
def test_listing_check_time_grows_linearly_with_the_articles_colons():
    # each colon of the article is read once, its exchanges from the 80 characters before it
    seed = open("seeds/rarex_ussm_mou.txt", encoding="utf-8").read()

    def grounded(n: int):
        article = seed + " ".join(f"Note: item {i} of NYSE, TSX / ASX: Q{i % 977}." for i in range(n))
        data = reference()
        data["key_points"][1]["text"] = "RareX (NASDAQ: REE) will study processing with USSM."
        brief = BriefContent.model_validate(data)
        return cpu_seconds(lambda: ground(brief, SourceIndex(article)))

    report = _grows_linearly(grounded(2000), grounded(8000))
    assert _says(report, 'ticker not in article: "NASDAQ: REE"'), report.unverified


@pytest.mark.parametrize("where,text,element", [
    ("key_points", "RareX will also ship uranium to USSM's Missouri site.", "uranium"),
    ("bottom_line", "Tungsten and vanadium offtakes could follow the MOU.", "Tungsten"),
    ("questions[0].why", "USSM's site has treated antimony before.", "antimony"),
])
def test_an_element_the_briefs_own_words_name_must_be_one_the_article_names(where, text, element):
    # elements were checked in the brief's element list only: a key point could name a metal
    # the article never mentions
    report = _rarex_with(where, text)
    assert any(u.startswith(where) and f'element not named in article: "{element}"' in u
               for u in report.unverified), report.unverified


def test_the_elements_the_article_names_pass_in_the_briefs_own_words():
    report = _rarex_with("key_points", "Dysprosium and terbium from Cummins Range, with scandium and gallium.")
    assert not _says(report, "element not named"), report.unverified


def test_the_elements_of_a_chemistry_the_article_writes_as_an_acronym_pass_spelled_out():
    # "NMC" names no element in the article: a brief that spelled it out was flagged for
    # manganese (and "LFP" for iron)
    text = "USSM may serve lithium-iron-phosphate and nickel-manganese-cobalt cathode makers."
    report = _rarex_with("key_points", text, "\nUSSM's plant may serve LFP and NMC cathode makers.")
    assert not _says(report, "element not named"), report.unverified
    report = _rarex_with("key_points", text, "\nUSSM's plant may serve NCA cathode makers.")
    assert [u for u in report.unverified if "element not named" in u] == [
        'key_points[1]: element not named in article: "iron"',
        'key_points[1]: element not named in article: "manganese"'], report.unverified


@pytest.mark.parametrize("text", [
    "RareX and USSM aim for lower carbon emissions than Chinese processing.",
    "A low-carbon supply of dysprosium and terbium for U.S. buyers.",
    "USSM's carbon footprint and carbon-neutral goals are not stated.",
])
def test_carbon_as_emissions_in_the_briefs_own_words_names_no_element(text):
    # "carbon emissions" for an article's "emissions" was flagged as an element it does not name
    report = _rarex_with("key_points", text)
    assert not _says(report, "element not named"), report.unverified


def test_carbon_as_a_material_the_article_does_not_name_is_flagged():
    report = _rarex_with("key_points", "USSM will also process carbon fibre and carbon black.")
    assert _says(report, 'element not named in article: "carbon"'), report.unverified


def _latin_brief(headline: str) -> BriefContent:
    data = reference()
    data["headline"] = headline
    data["entities"], data["deals"] = [], []
    return BriefContent.model_validate(data)


@pytest.mark.parametrize("path,headline,invented", [
    ("corpus/news_es_litio_codelco_sqm.txt", "Codelco and Glencore form an Atacama lithium venture", "Glencore"),
    ("corpus/news_fr_lithium_eramet_tsingshan.txt", "Eramet sells its Centenario stake to Rio Tinto", "Rio Tinto"),
])
def test_a_well_known_company_a_brief_of_a_latin_script_article_invents_is_flagged(path, headline, invented):
    # the company check was off for every article not in English: a brief in English of a
    # Spanish or French article could name a well-known company the article never names
    text = open(path, encoding="utf-8").read()
    report = ground(_latin_brief(headline), SourceIndex(text, language=language_of(text)))
    assert _says(report, f'headline: name not in article: "{invented}"'), report.unverified


@pytest.mark.parametrize("path,headline", [
    ("corpus/news_es_litio_codelco_sqm.txt", "Codelco and SQM (Sociedad Quimica y Minera) form Atacama lithium JV"),
    ("corpus/news_es_litio_codelco_sqm.txt", "Chile's National Copper Corporation and Chemical and Mining Company Inc. team up"),
    ("corpus/news_fr_lithium_eramet_tsingshan.txt", "Eramet buys Tsingshan Holding Group's stake in Eramine"),
    ("corpus/news_fr_graphite_nmg_gm_panasonic.txt", "Nouveau Monde Graphite signs offtakes with General Motors and Panasonic Energy"),
    ("holdout/news_es_litio_bolivia_ylb_cbc.txt", "Bolivia's YLB picks CATL-led CBC (with Brunp and CMOC Group) for lithium"),
    ("corpus/news_zh_nickel_pomalaa_huayou.txt", "Huayou Cobalt and Vale sign Pomalaa nickel deal with Ford"),
])
def test_the_companies_a_brief_of_an_article_not_in_english_names_in_english_pass(path, headline):
    # a well-known company is read in any of its forms, so the article's own ("Codelco" for
    # "Corporaci\u00f3n Nacional del Cobre"); a legal-word name a brief translates is not checked
    # against an article in another language; an article in another script has none checked
    text = open(path, encoding="utf-8").read()
    report = ground(_latin_brief(headline), SourceIndex(text, language=language_of(text)))
    assert not _says(report, where="headline: name not in article"), report.unverified


@pytest.mark.parametrize("title,stray", [("MOU signed 2026-01-15", None), ("Deliveries from 2026-01-15 on", None),
                                         ("MOU signed 2026-02-15", "02"), ("MOU signed 2026-01-16", "16")])
def test_a_date_the_brief_writes_in_digits_is_the_articles_when_the_article_writes_that_date(title, stray):
    # a model writes "2026-01-15" for the article's "January 15, 2026": its "01" was flagged
    report = _title_grounded(title, "\n\nThe MOU was signed on January 15, 2026.")
    flagged = _title_flags(report)
    assert (flagged == []) if stray is None else (
        len(flagged) == 1 and stray in flagged[0].split("article: ")[1].split(" in ")[0].split(", ")), flagged


_SCALED = ("\n\nThe package is worth $1.5 billion, for 10,000 tonnes a year; USSM holds 1.2 million shares. "
           "The MOU was signed on January 15, 2026, and talks began on February 1, 2026.")


@pytest.mark.parametrize("title", ["A $1,500m package", "A $1,500 million package", "10kt a year", "10k tonnes a year",
                                   "1,200,000 shares", "MOU signed 15/01/2026", "MOU signed 01/15/2026",
                                   "MOU signed 15.01.2026", "MOU signed 15/01/26", "Talks from 01/02/2026",
                                   "A US$1,500m package", "A USD 1,500 million package",
                                   "A 1,500 million dollar package"])
def test_a_quantity_or_date_the_article_writes_in_another_form_is_the_articles(title):
    # a model writes "$1,500m" for the article's "$1.5 billion", "10kt" for its "10,000 tonnes",
    # "15/01/2026" for its "January 15, 2026": each was flagged as a number the article never wrote
    report = _title_grounded(title, _SCALED, headline=True)
    assert not _says(report, "number not in article"), report.unverified


@pytest.mark.parametrize("title,number", [("A $1,600m package", "1600"), ("A $1,500 thousand package", "1500"),
                                          ("12kt a year", "12"), ("1,300,000 shares", "1300000"),
                                          ("MOU signed 16/01/2026", "16"), ("Talks from 02/03/2026", "02"),
                                          ("MOU signed 15/13/2026", "13"), ("A 0.15% fee", "0.15")])
def test_a_quantity_or_date_in_another_form_the_article_does_not_write_is_still_flagged(title, number):
    report = _title_grounded(title, _SCALED)
    flagged = _title_flags(report)
    assert flagged and number in flagged[0].split("article: ")[1].split(" in ")[0].split(", "), report.unverified


@pytest.mark.parametrize("extra,title,number", [
    # nine significant digits made these the article's "$1.5 billion" and "10,000 tonnes"
    ("", "A $1,500,000,001 package", "1500000001"),
    ("", "A 10,000.00001 tonne stockpile", "10000.00001"),
    # past 1e308 every quantity was the same float (inf)
    (" Reserves of " + "9" * 300 + " trillion tonnes.", "8" * 297 + "tn", "8" * 297),
])
def test_a_quantity_that_only_rounds_to_the_articles_is_still_flagged(extra, title, number):
    report = _title_grounded(title, _SCALED + extra)
    flagged = _title_flags(report)
    assert flagged and number in flagged[0].split("article: ")[1].split(" in ")[0].split(", "), report.unverified


@pytest.mark.parametrize("extra,title,number", [
    # a quantity of the article's size in another kind: a sum for a tonnage, a depth for a sum
    (" Sales reached 50,000 mt of cathode.", "A $50bn cathode deal", "50"),
    ("", "A 1,500m-deep shaft", "1500"),
    ("", "1,500,000,000 tonnes of ore", "1500000000"),
    ("", "A $10k fee", "10"),
    # an "m" after a number that is no sum is metres as often as millions
    (" Drilling intersected rare earths over 200m.", "200,000,000 tonnes of ore", "200000000"),
    (" Reserves stand at 1.5 billion tonnes.", "A 1,500m-deep shaft", "1500"),
    (" Reserves stand at 25,000,000 tonnes.", "25m at 1.2% TREO", "25"),
    (" Reserves stand at 1.5 billion tonnes.", "A 1,500m shaft", "1500"),
    (" Reserves stand at 1.5 billion tonnes.", "1,500m drill holes", "1500"),
    (" Reserves stand at 1.5 billion tonnes.", "A 1,500m-long decline", "1500"),
])
def test_a_sum_for_a_quantity_of_another_kind_of_the_same_size_is_still_flagged(extra, title, number):
    report = _title_grounded(title, _SCALED + extra)
    flagged = _title_flags(report)
    assert flagged and number in flagged[0].split("article: ")[1].split(" in ")[0].split(", "), report.unverified


_MISSCALED = ("\n\nThe package is worth US$400 million, for 25,000 tonnes a year; USSM holds a 51% stake "
              "and 10 million shares, and raised $2.5bn in a $1.5-2 billion round.")


@pytest.mark.parametrize("title,stray", [
    # the article's digits in another scale passed: "US$400 billion" for its "US$400 million"
    ("A US$400 billion package", "400 billion"), ("A $400bn package", "400bn"), ("A $400k package", "400k"),
    ("A $51 million stake", "51 million"), ("A US$400 thousand package", "400 thousand"), ("10 billion shares", "10 billion"),
    ("A $2.5 million raise", "2.5 million"), ("A $1.5-2 million round", "1.5"),
    # the same quantity, in any scale or form, is the article's
    ("A US$400m package", None), ("A $0.4 billion package", None), ("A $400,000,000 package", None),
    ("A 400 million dollar package", None), ("25kt a year", None), ("10m shares", None), ("A 51% stake", None),
    ("A $2,500m raise", None), ("A $1.5-2bn round", None), ("A $1,500-2,000m round", None),
])
def test_the_articles_digits_in_another_scale_are_flagged(title, stray):
    report = _title_grounded(title, _MISSCALED)
    flagged = _title_flags(report)
    assert (flagged == []) if stray is None else (
        len(flagged) == 1 and stray in flagged[0].split("article: ")[1].split(" in ")[0].split(", ")), flagged


def test_a_deals_amount_in_another_scale_is_flagged():
    # an amount's digits were looked for one by one: "US$400 billion" (4e11) passed for the
    # article's "US$400 million"
    data = reference()
    data["deals"][0]["amounts"] = [{"text": "US$400 billion", "value": 4e11}, {"text": "US$400m", "value": 4e8}]
    article = open("seeds/rarex_ussm_mou.txt", encoding="utf-8").read() + _MISSCALED
    report = ground(BriefContent.model_validate(data), SourceIndex(article))
    assert report.unverified == ['deals[0].amounts: amount not in article: "US$400 billion"'], report.unverified


_DATED = "\n\nThe first shipment is due on July 1, 2027; talks began on 3 March, and the deal closed in 2026."


@pytest.mark.parametrize("title,stray", [
    # a date whose day and year the article writes, in another month (or whose month and year it
    # writes, on another day) passed: only its numbers were looked for
    ("First shipment March 1, 2027", "March 1, 2027"), ("First shipment July 3, 2027", "July 3, 2027"),
    ("First shipment 1 March 2027", "1 March 2027"), ("First shipment 2027-03-01", "2027-03-01"),
    ("Talks began March 5, 2026", "March 5, 2026"),
    # the article's dates, in any form, and a month and day it writes with a year it writes
    ("First shipment July 1, 2027", None), ("First shipment 1 July 2027", None), ("First shipment Jul. 1, 2027", None),
    ("First shipment 2027-07-01", None), ("First shipment 01/07/2027", None), ("Talks began March 3, 2026", None),
    ("First shipment in July 2027", None),
])
def test_a_date_the_article_does_not_write_is_flagged(title, stray):
    report = _title_grounded(title, _DATED)
    flagged = [u for u in report.unverified if u.startswith("deals[0].title: date not in article")]
    assert (flagged == []) if stray is None else (len(flagged) == 1 and stray in flagged[0]), report.unverified


@pytest.mark.parametrize("written,title,flagged", [
    ("01/07/2027", "First shipment July 1, 2027", False), ("2027-07-01", "First shipment 1 July 2027", False),
    ("July 1st", "First shipment July 1, 2027", False), ("1st July", "First shipment on 2027-07-01", False),
    ("01/07/2027", "First shipment July 2, 2027", True), ("July 1st", "First shipment July 2, 2027", True)])
def test_a_date_the_article_writes_in_digits_or_without_its_year_is_the_articles(written, title, flagged):
    report = _title_grounded(title, f"\n\nThe first shipment is due on {written}, in 2027.")
    assert _says(report, "date not in article", "deals[0].title") == flagged, report.unverified


@pytest.mark.parametrize("day,flagged", [("2025-11-05", False), ("2025-11-06", True), ("2025-05-11", True)])
def test_a_deals_date_must_be_one_the_article_writes(day, flagged):
    # ``announced_on`` (shown as the deal's "dated") was never checked
    data = reference()
    data["deals"][0]["announced_on"] = day
    report = ground(BriefContent.model_validate(data), SourceIndex(open("seeds/rarex_ussm_mou.txt", encoding="utf-8").read()))
    assert _says(report, f"date not in article: {day}", "deals[0].announced_on") == flagged, report.unverified


@pytest.mark.parametrize("text,flagged", [
    # a letter of another script that looks like a Latin one, or an invisible character, hid a
    # company, an element or a person from the check: a reader sees "Tesla Inc." and "tungsten"
    ("USSM is backed by Appian Capital and \u0422\u0435sla Inc.", "Tesla"),
    ("USSM is backed by Appian Capital and T\u200besla.", "Tesla"),
    ("USSM is backed by Appian Capital and \uff34\uff45\uff53\uff4c\uff41.", "Tesla"),
    ("Cummins Range also hosts tung\u200bsten.", "tungsten"), ("Cummins Range also hosts tungst\u0435n.", "tungsten"),
    ("USSM chief executive J\u0430ne Doe said so.", "Jane Doe"),
    # as written: accents, curly quotes, a word of another script
    ("USSM\u2019s backer is Appian Capital \u2014 \u201cprivate equity\u201d, per RareX (\u0420\u0435\u0434\u043a\u0438\u0435).", None),
])
def test_look_alike_letters_and_invisible_characters_do_not_hide_a_name(text, flagged):
    data = reference()
    data["key_points"][3]["text"] = text
    report = ground(BriefContent.model_validate(data), SourceIndex(open("seeds/rarex_ussm_mou.txt", encoding="utf-8").read()))
    got = [u for u in report.unverified if u.startswith("key_points[3]")]
    assert (got == []) if flagged is None else (len(got) == 1 and flagged in got[0]), report.unverified


@pytest.mark.parametrize("field,values,flagged", [
    # a deal's projects and commodities (shown in its line of the brief) were never checked
    ("projects", ["Blue Ridge"], 'deals[0].projects: name not in article: "Blue Ridge"'),
    ("commodities", ["tungsten concentrate"], 'deals[0].commodities: element not named in article: "tungsten"'),
    ("projects", ["Cummins Range project", "the Cummins Range", "Mrima Hill"], None),
    ("commodities", ["rare earth concentrate", "dysprosium", "terbium oxide", "phosphate"], None),
])
def test_a_deals_projects_and_commodities_are_the_articles(field, values, flagged):
    data = reference()
    data["deals"][0][field] = values
    report = ground(BriefContent.model_validate(data), SourceIndex(open("seeds/rarex_ussm_mou.txt", encoding="utf-8").read()))
    assert report.unverified == ([] if flagged is None else [flagged]), report.unverified


@pytest.mark.slow  # linear growth, timed: make test runs it
def test_grounding_time_grows_linearly_with_the_dates_a_brief_writes():
    # each number of a date the article does not write in digits was looked for in every date
    # of the text: 40,000 dates in a question's reason (which has no length limit) took ~40 s
    article = open("seeds/rarex_ussm_mou.txt", encoding="utf-8").read() + "\n\nSigned on December 31, 2025."

    why = "31/12/2025 and 2025-12-31, "
    report = _grows_linearly(_why_grounded(article, why * 2000), _why_grounded(article, why * 8000))
    assert not _says(report, "number not in article"), report.unverified


_RANGES = ("\n\nThe loan is worth $1.5-2 billion, for 10-12 million tonnes a year; a 5-10% stake. "
           "It won a US$12m-15m grant and a $30 million to 40 million bond, and sold a $0.75-billion "
           "royalty. It files a Form 10-K.")


@pytest.mark.parametrize("title,stray", [
    # a range's scale, written once after it, is its first number's too: the brief's "1,500"
    # was flagged for the article's "$1.5-2 billion"
    ("A $1,500-2,000m loan", None), ("A $1,500m-$2,000m loan", None), ("A US$1,500 to 2,000 million loan", None),
    ("10,000-12,000kt a year", None), ("A $1,500m loan", None),
    ("A $1,500-2,500m loan", "2500"), ("A 1,500-2,000m shaft", "1500"), ("A 5,000-10,000% stake", "5000"),
    # the second number of a range whose first is a sum with its own scale ("US$12m-15m") is one too
    ("A $15,000,000 grant", None), ("A $40,000,000 bond", None), ("A $16,000,000 grant", "16000000"),
    # a scale joined by a hyphen, as an adjective, in the brief or the article
    ("A $1,500-million loan", None), ("A $750m royalty", None), ("A $750,000 royalty", "750000"),
    ("10,000 tonnes under Form 10-K", "10000"),
])
def test_a_range_the_article_writes_in_another_scale_is_the_articles(title, stray):
    report = _title_grounded(title, _RANGES)
    flagged = _title_flags(report)
    assert (flagged == []) if stray is None else (
        len(flagged) == 1 and stray in flagged[0].split("article: ")[1].split(" in ")[0].split(", ")), flagged


@pytest.mark.parametrize("title,stray", [
    # a date written year first with slashes or dots, or day first with dashes, was flagged
    ("Offtake from 2026/03/17", None), ("Offtake from 2026.03.17", None), ("Offtake from 17-03-2026", None),
    ("Offtake from 03-17-2026", None),
    ("Offtake from 2026/03/18", "18"), ("Offtake from 2026/17/03", "03"), ("Offtake from 18-03-2026", "18"),
    ("Offtake from 17-03-26", "03"),  # (with dashes, a two-digit year may be a range)
])
def test_a_date_in_digits_year_first_or_with_dashes_is_the_articles(title, stray):
    report = _title_grounded(title, "\n\nThe offtake starts on March 17, 2026.")
    flagged = _title_flags(report)
    assert (flagged == []) if stray is None else (
        len(flagged) == 1 and stray in flagged[0].split("article: ")[1].split(" in ")[0].split(", ")), flagged


@pytest.mark.parametrize("title", ["USSM holds 3.4m shares", "12m tonnes a year", "A 12m tonne plan",
                                   "A 12m-tonne plan", "A 12m-tpa plan"])
def test_an_m_before_what_it_counts_is_a_million(title):
    # an "m" after a number that is no sum is read as metres unless a word of what it counts follows
    article = open("seeds/rarex_ussm_mou.txt", encoding="utf-8").read() + (
        "\n\nUSSM holds 3,400,000 shares and plans 12,000,000 tonnes a year.")
    data = reference()
    data["deals"][0]["title"] = title
    report = ground(BriefContent.model_validate(data), SourceIndex(article))
    assert not _says(report, "number not in article"), report.unverified


@pytest.mark.parametrize("extra,title,stray", [
    # thousands grouped by spaces (SI style) were read as separate numbers: "10 000" as 10 and 0
    (" The plant makes 12 000 tonnes a year for US$1 250 000.", "12,000 tonnes a year", None),
    (" The plant makes 12 000 tonnes a year for US$1 250 000.", "12kt a year for US$1.25m", None),
    (" The plant makes 12,000 tonnes a year for US$1,250,000.", "12 000 tonnes a year", None),
    (" The plant makes 12,000 tonnes a year for US$1,250,000.", "12 500 tonnes a year", "500"),
    (" The plant makes 12 000 tonnes a year for US$1 250 000.", "13,000 tonnes a year", "13000"),
    (" The plant makes 12 000 tonnes a year for US$1 250 000.", "US$12,000", "12000"),
])
def test_a_number_with_spaces_between_its_thousands_is_one_number(extra, title, stray):
    report = _title_grounded(title, "\n\n" + extra)
    flagged = _title_flags(report)
    assert (flagged == []) if stray is None else (
        len(flagged) == 1 and stray in flagged[0].split("article: ")[1].split(" in ")[0].split(", ")), flagged
