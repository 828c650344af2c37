"""Elements named in any language the corpus has, and not those that are only part of a name."""

from __future__ import annotations

import pytest

from mineralbrief.domain.elements import chemical_elements, elements_named


@pytest.mark.parametrize("text,expected", [
    ("lithium-ion cells and manganese sulfate", ["lithium", "manganese"]),
    ("a low-carbon supply of zinc, lead and silver", ["carbon", "zinc", "lead", "silver"]),
    ("used in lead-acid batteries", ["lead"]),
    ("carbonato de litio y cobre", ["lithium", "copper"]),
    ("le cuivre et le manganèse", ["copper", "manganese"]),
    ("钴、镍、锂电池材料", ["cobalt", "nickel", "lithium"]),
    ("sintered neodymium-iron-boron (NdFeB) magnets", ["neodymium"]),
    ("NdPr oxide", ["neodymium", "praseodymium"]),
    # a headline in capitals, its only letters outside ASCII those of the names
    ("NÍQUEL Y COBRE SUBEN", ["nickel", "copper"]),
    ("L'ÉTAIN ET LE NICKEL", ["tin", "nickel"]),
])
def test_elements_are_found_in_words_compounds_and_languages(text, expected):
    assert elements_named(text) == expected


@pytest.mark.parametrize("text", [
    "Andes Copper signed the deal.",
    "the Iron Creek exploration project",
    "shares of Zhejiang Huayou Cobalt rose",
    "the Stibnite Gold\nProject in Idaho",
    "浙江华友钴业股份有限公司",
    "the lead time for long-lead equipment",
    "the minister will lead the talks",
    "a plan to iron out the terms",
    "氢氧化物和碳酸盐",
    "the (Re)commissioning of the plant",
    "a silver lining for the gold standard",
    "its rise as white gold",
    "el oro blanco de Chile",
])
def test_an_element_word_inside_a_name_or_an_ordinary_word_is_not_an_element(text):
    assert elements_named(text) == []


def test_an_acronym_of_words_is_not_a_compound_of_symbols():
    assert elements_named("nickel-rich NMC and LFP cathodes") == ["nickel"]


def test_a_name_does_not_hide_the_same_element_named_in_prose():
    text = "Stibnite Gold Project. Gold would provide most of the revenue."
    assert elements_named(text) == ["gold"]


def test_minerals_are_commodities_but_not_elements():
    found = elements_named("graphite anodes for lithium batteries")
    assert found == ["graphite", "lithium"]
    assert chemical_elements(found) == ["lithium"]
