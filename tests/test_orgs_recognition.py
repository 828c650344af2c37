"""Company recognition: the signals that give a company away and the phrases that only look like one.

Names here are invented where the mechanism, not the gazetteer, is under test.
"""

from __future__ import annotations

import pytest

from mineralbrief.domain import orgcjk, orgregistry, orgs
from mineralbrief.domain.anchored import Starts
from mineralbrief.domain.orgs import find_orgs


def _kinds(text: str) -> dict[str, str]:
    return {o.name: o.kind for o in find_orgs(text)}


def _companies(text: str) -> list[str]:
    return [o.name for o in find_orgs(text) if o.kind == "company"]


def test_a_full_stop_ends_a_name() -> None:
    text = ("The mine lies in Idaho. The Company expects a decision soon. Output goes to China. "
            "Quorvane Industries will buy it.")
    assert _companies(text) == ["Quorvane Industries"]


@pytest.mark.parametrize("text", [
    "The Critical Raw Materials Act sets targets; the Critical Raw Materials Board meets monthly.",
    "Prices come from the Battery Metals Bulletin. Subscribers of the Battery Metals Bulletin agree.",
    "Lithium prices fell. Lithium demand rose. Cobalt was flat and Nickel eased.",
    "The North American Lithium mine restarted; North American Lithium ships spodumene.",
])
def test_descriptive_phrases_are_no_companies(text: str) -> None:
    assert _companies(text) == []


def test_a_name_always_run_into_a_capitalised_word_is_part_of_a_longer_one() -> None:
    text = "Zentra Energy Solution signed. Buyers include Zentra Energy Solution and others."
    assert "Zentra Energy" not in _companies(text)
    text = "Zentra Energy signed. Zentra Energy Chief Executive Ann Li spoke."
    assert "Zentra Energy" in _companies(text)  # a title may follow a name


def test_defined_terms_of_things_are_no_companies_and_agencies_are_agencies() -> None:
    text = ('Korvel Resources Corp. ("Korvel") received a Letter of Interest ("LOI") for its '
            'Blue Ridge Gold Project (the "Project") from the Export Credit Office ("ECO"). The '
            'Advanced Battery Vehicles Manufacturing ("ABVM") loan program also applies. The LOI is '
            'not a commitment; the ECO said the Project qualifies.')
    kinds = _kinds(text)
    assert kinds.get("Korvel Resources Corp.") == "company"
    for thing in ("Letter of Interest", "Blue Ridge Gold Project", "Advanced Battery Vehicles Manufacturing"):
        assert thing not in kinds, thing
    assert kinds.get("Export Credit Office") == "agency"


def test_company_words_that_open_a_name() -> None:
    text = ("PT Sulawa Nikel Indonesia Tbk and Sociedad Minera del Norte de Chile (SMNC) signed with "
            "Société pour le Raffinage du Katanga. Minera Tolzar, a subsidiary, will operate.")
    found = _companies(text)
    for name in ("PT Sulawa Nikel Indonesia Tbk", "Sociedad Minera del Norte de Chile",
                 "Société pour le Raffinage du Katanga", "Minera Tolzar"):
        assert name in found, name


def test_a_well_known_short_name_in_brackets_is_an_alias() -> None:
    text = "La Corporación Nacional del Cobre (Codelco) firmó. Codelco tendrá la mayoría."
    (org,) = [o for o in find_orgs(text) if o.kind == "company"]
    assert org.name == "Corporación Nacional del Cobre" and "Codelco" in org.aliases


@pytest.mark.parametrize("written", [
    "Vexa Motors, Inc.", "Harlo & Co., Ltd.", "Pendra Nickel (USA) LLC", "Quarn Resources Idaho, Inc.",
    "Ostrava Resources Group",
])
def test_legal_forms_with_commas_brackets_and_places(written: str) -> None:
    assert _companies(f"On Monday {written} signed the agreement.") == [written]


@pytest.mark.parametrize("listing,key", [
    ("(NYSE: F)", "NYSE: F"), ("(TYO: 6752)", "TYO: 6752"), ("(Euronext: ERA)", "Euronext: ERA"),
    ("(TSX/NYSE: LAC)", "TSX/NYSE: LAC"), ("(IDX: INCO)", "IDX: INCO"), ("(SHA: 603799)", "SHA: 603799"),
])
def test_tickers_of_more_exchanges(listing: str, key: str) -> None:
    (org,) = [o for o in find_orgs(f"Brelta Holdings Limited {listing} signed a deal.") if o.kind == "company"]
    assert org.name == "Brelta Holdings Limited" and org.ticker == key


def test_a_second_listing_and_a_word_are_no_companies() -> None:
    text = "Nuvelo Limited (ASX: NVQ, NASDAQ: NVQ) signed.\nTOP STORY: prices rose."
    found = [(o.name, o.ticker) for o in find_orgs(text) if o.kind == "company"]
    assert found == [("Nuvelo Limited", "ASX: NVQ")]


def test_markdown_emphasis_does_not_hide_a_listed_name() -> None:
    text = "**Quillon Graphite** ([TSXV: QGL](https://example.com/q)) signed two offtakes."
    from mineralbrief.domain.facts import extract_facts
    (org,) = extract_facts(text).companies
    assert org.name == "Quillon Graphite" and org.ticker == "TSXV: QGL"


def test_a_link_whose_target_holds_brackets_is_read_as_its_text_whole() -> None:
    # the first ")" ended the link, and the rest of its target ("1)") stood in the text: in the
    # offline headline too ("Acme x) signs ...")
    import mineralbrief
    from mineralbrief.domain.facts import extract_facts

    title = "Acme [x](javascript:alert(1)) signs MOU with Lynas on rare earths"
    text = (f"{title}\n\nAcme Corp said on Monday it signed a memorandum of understanding with Lynas Rare "
            "Earths to supply 500 tonnes of NdPr oxide a year. The MOU runs for five years. See [the "
            "filing](https://en.wikipedia.org/wiki/Tin_(element)) for details. Lynas said the deal fits its plans.")
    plain = extract_facts(text).plain
    assert len(plain) == len(text) and "1)" not in plain and "element)" not in plain and "the filing" in plain
    brief = mineralbrief.summarize(text, backend="offline", cache=False)
    assert brief.headline == "Acme x signs MOU with Lynas on rare earths" and brief.grounding.ok


def test_role_cues_apposition_and_possessive_give_companies() -> None:
    text = ("Japanese trading house Qoruna and battery startup Velbrit joined. Zelpro, the recycling arm "
            "of Kavex, will hold 25%. South Korea's KDX are building a plant. Dorvia-based Trelmont "
            "International holds the rest.")
    found = _companies(text)
    for name in ("Qoruna", "Velbrit", "Zelpro", "KDX", "Trelmont International"):
        assert name in found, name


@pytest.mark.parametrize("text", [
    "Separately, a Ford subsidiary will lend the money.",
    "The mine is in Idaho, the company said on Monday.",
    "Indonesia's MHP pipeline keeps growing, analysts say.",
    "Non-profit group Pactum will sit on the committee.",
])
def test_cues_that_are_no_companies(text: str) -> None:
    found = _companies(text)
    for word in ("Separately", "Idaho", "MHP", "Pactum"):
        assert word not in found


def test_a_country_after_a_known_name_is_its_subsidiary() -> None:
    text = "Vale Canada cut output at Sudbury, while Vale itself raised guidance."
    found = _companies(text)
    assert "Vale Canada" in found and "Vale" in found


def test_short_form_and_full_name_found_apart_are_one_company() -> None:
    text = ("Quebec's Nouveau Monde plans a mine. Nouveau Monde Graphite said the offtake is binding. "
            "Shares of Nouveau Monde rose.")
    assert _companies(text) == ["Nouveau Monde Graphite"]


def test_a_known_form_always_run_into_a_capitalised_word_names_something_else() -> None:
    assert "Ultium" not in _companies("GM's Ultium Platform underpins its EVs.")
    assert "Cummins" not in _companies("Feed from the Cummins Range project in Western Australia.")


SCANNED = [("tickers", orgs._TICKER_RE, orgs._EXCHANGE_WORDS), ("openers", orgs._PREFIX_RE, orgs._PREFIX_WORDS)]
SAMPLES = ["Ford Motor Company (NYSE: F), PT Vale Indonesia Tbk (IDX: INCO) and Zhejiang Huayou Cobalt Co., "
           "Ltd. (SHA: 603799)", "(TSX/NYSE: LAC) (TSXV: NOU) (Euronext Paris: ERA) XETRA: AB1 NYSE American: UAMY",
           "Sociedad Química y Minera de Chile y Corporación Nacional del Cobre; Société pour le Traitement du Terril",
           "Empresa Nacional de Minería, Grupo México, Groupe Eramet, Compañía Minera, PT Timah"]


@pytest.mark.parametrize("name,rx,scan", SCANNED, ids=[s[0] for s in SCANNED])
def test_a_pattern_tried_where_its_scan_finds_a_start_finds_what_finditer_finds(name, rx, scan) -> None:
    matched = 0
    for sample in SAMPLES:
        for text in (sample, sample.replace(" ", "  "), "x" + sample, sample + "\n" + sample):
            expected = [m.span() for m in rx.finditer(text)]
            assert [m.span() for m in Starts(text).finditer(rx, scan)] == expected, text
            matched += len(expected)
    assert matched >= 12  # the samples hold what each pattern finds


def test_a_public_bodys_name_holds_no_company() -> None:
    text = ("MOUs were signed with Egypt's Ministry of Petroleum and Mineral Resources and the Ministry of "
            "Natural Resources and Environment. Officials of the Department of Industry and Quarry Metals "
            "attended.")
    assert _companies(text) == []


def test_a_name_does_not_run_across_a_paragraph_break() -> None:
    text = ("About the Lakeshore Minerals Research Institute\n\nThe Lakeshore Minerals Research Institute "
            "(LMRI) works with industry.\n\nOrvane Resources said it will fund the work.")
    assert _companies(text) == ["Orvane Resources"]


def test_chinese_company_names_and_their_listing() -> None:
    text = ("2023年3月31日 浙江青山钴业股份有限公司（600123.SH）发布公告称，公司与PT Sulawa Nikel Tbk及美国"
            "福特汽车公司签署协议，淡水河谷有权获得项目公司最多30%的股权。")
    reg = orgregistry.Registry()
    orgcjk.add_chinese(reg, text)
    found = {o.name: o.ticker for o in reg.orgs}
    assert found.get("浙江青山钴业股份有限公司") == "600123.SH"
    assert "福特汽车公司" in found  # the country in front and the joining word are cut
    assert not any(name.endswith("项目公司") for name in found)  # "the project company" names none


def test_a_development_corporation_is_a_public_body() -> None:
    text = "The Production Development Corporation leases the salt flat; Quelmar Minerals Corporation runs it."
    kinds = _kinds(text)
    assert kinds.get("Production Development Corporation") == "agency"
    assert kinds.get("Quelmar Minerals Corporation") == "company"


@pytest.mark.parametrize("text", [
    "Jon Cherry said the loan was key. Later Jon Cherry said the mine would open in 2027.",
    '"We are pleased," said Marta Lorenzo, chief executive. Marta Lorenzo said the deal closes soon.',
    "Olek Kerrow said prices rose. Olek Kerrow said demand was strong. Kerrow added that supply fell.",
])
def test_a_speaker_is_no_company(text: str) -> None:
    assert _companies(text) == []


def test_a_company_that_speaks_twice_is_still_one() -> None:
    assert _companies("Rexel Andina said output rose. Rexel Andina said exports fell.") == ["Rexel Andina"]


def test_wire_instrument_codes_and_more_symbol_forms() -> None:
    text = ("Talks include U.S.-based Kelvar Materials (KLV.N) and Australia's Quokka Rare Earths (QRE.AX). "
            "Miner Dravco (LON:DRV) and Zorba Lithium (FRA: 9QZ) also bid.")
    found = {o.name: o.ticker for o in find_orgs(text) if o.kind == "company"}
    assert found == {"Kelvar Materials": "KLV.N", "Quokka Rare Earths": "QRE.AX", "Dravco": "LON: DRV",
                     "Zorba Lithium": "FRA: 9QZ"}


def test_a_facility_named_after_its_material_is_no_company() -> None:
    assert _companies("The Vidalia Graphite facility expanded; the Orvik Lithium plant restarted.") == []


def test_a_firm_named_for_its_partners_and_a_subsidiary_in_apposition() -> None:
    text = ("Legal counsel on the loan was provided by Harwick, Selden & Pryce LLP, the firm said. "
            "Rexel contributes Rexel Salar, its operating subsidiary, to the venture being formed.")
    found = _companies(text)
    assert "Harwick, Selden & Pryce LLP" in found and "Rexel Salar" in found
    assert "Selden & Pryce LLP" not in found


def test_a_business_unit_named_after_its_material_is_no_company() -> None:
    text = "The Belgian group's Vantor Optic Materials business uses the metal to make lenses for satellites."
    assert _companies(text) == []


def test_industry_words_of_metals_and_a_piece_of_a_known_name() -> None:
    text = ("Shareholders of Varuna Consolidated Copper Mines-Investment Holdings (VCCM-IH) approved the sale "
            "of a 51 percent stake in Mopeli Copper Mines Plc by Delta Kuta Mining Limited.\n\n"
            "PT Sulawa Nikel Tbk\n\nPT Sulawa Nikel Tbk said it agreed.")
    found = _companies(text)
    assert "Mopeli Copper Mines Plc" in found and "Delta Kuta Mining Limited" in found
    assert not any(name.startswith("Mines") for name in found)
    assert "PT Sulawa Nikel Tbk" in found and not any("\n" in name for name in found)


def test_a_ticker_symbol_is_a_whole_word_never_part_of_one():
    """All-capitals copy: "TSX VENTURE" once gave the ticker "TSX: VENTUR", which the article
    never writes (and the brief then failed grounding)."""
    tickers = [o.ticker for o in find_orgs("ACME CORP (TSX VENTURE: ACM) SAID ON MONDAY IT SIGNED AN OFFTAKE.")]
    assert not any(t and "VENTUR" in t for t in tickers)
    assert [o.ticker for o in find_orgs("Acme Ltd (LSE: ACM.L) said.")] == ["LSE: ACM.L"]
    # nor a symbol cut before a word character outside ASCII ("UCU" of "UCU\uff11\uff12", "UCU" of "UCU\u00e9")
    for symbol in ("UCU\uff11\uff12", "UCU\u00e9"):
        assert [o.ticker for o in find_orgs(f"Acme Uranium Corp. (TSX: {symbol}) said.")] == [None]


def test_chinese_company_names_through_the_scan() -> None:
    """find_orgs reaches the Chinese names (it looks for their characters among the text's
    characters outside ASCII before searching for the company words)."""
    text = "浙江青山钴业股份有限公司（600123.SH）发布公告称。 Talon Metals Corp. said."
    names = [o.name for o in orgs.find_orgs(text, Starts(text))]
    assert "浙江青山钴业股份有限公司" in names
