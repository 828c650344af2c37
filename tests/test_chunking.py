"""Long articles: split into overlapping chunks, briefed per chunk, merged; nothing truncated."""

from __future__ import annotations

import mineralbrief
from mineralbrief.chunking import split_text

from conftest import FAST
from fixture_model import fixture_reply
from oai_server import FakeOpenAIServer, article_of

FILLER = ("Rare earth markets were quiet this week as buyers in Europe waited for new export licence "
          "rules. Analysts said neodymium prices moved within a narrow range. Several producers repeated "
          "their production guidance for the year. Shipping times from Asia were unchanged. ")
KEY_FACT = ("Kestrel Minerals Limited (ASX: KES) signed a binding offtake agreement with Osprey Magnetics Inc. "
            "for 1,200 tonnes per annum of NdPr oxide. The offtake runs for seven years. Deliveries begin in 2027.")


def long_article() -> str:
    paragraphs = [f"Market note {i}. " + FILLER for i in range(200)]
    return "Weekly rare earths wrap\n\n" + "\n\n".join(paragraphs) + "\n\n" + KEY_FACT + "\n"


def test_split_text_covers_everything_with_overlap():
    text = long_article()
    chunks = split_text(text, 10_000, overlap=500)
    assert len(chunks) > 3 and all(len(c) <= 10_000 for c in chunks)
    assert chunks[0].startswith("Weekly") and chunks[-1].rstrip().endswith("2027.")
    assert sum(len(c) for c in chunks) >= len(text)  # overlapping, nothing dropped
    for a, b in zip(chunks, chunks[1:]):
        assert b.startswith(a[-500:])  # each chunk starts 500 characters before the previous ended


def test_key_fact_near_the_end_survives(tmp_path):
    text = long_article()
    assert len(text) > 40_000
    with FakeOpenAIServer(default=fixture_reply) as srv:
        brief = mineralbrief.summarize(text, base_url=srv.base_url, cache=False, max_input_chars=15_000, **FAST)
        asked = [article_of(r) for r in srv.requests]
    assert len(asked) == len(split_text(text, 15_000)) > 1
    assert all(len(a) <= 15_000 for a in asked)
    offtakes = [d for d in brief.deals if d.deal_type == "offtake"]
    assert offtakes and offtakes[0].binding is True
    assert {"Kestrel Minerals Limited", "Osprey Magnetics Inc."} <= {p.name for p in offtakes[0].parties}
    assert brief.grounding.ok, brief.grounding.unverified
    assert brief.usage.requests == len(asked)
    ev = offtakes[0].evidence[0]
    assert text[ev.start:ev.end] == ev.quote  # offsets point into the whole article


def test_merging_drafts_that_repeat_one_key_point_gives_a_brief_not_a_crash():
    """Two chunks whose drafts both say the same thing three times: fewer than three distinct
    key points survive de-duplication, and the merge still returns a valid draft."""
    from mineralbrief.chunking import merge_contents
    from mineralbrief.models import BriefContent

    point = {"text": "Kestrel signed an offtake.", "evidence": [{"quote": "Kestrel Minerals Limited (ASX: KES) signed"}]}
    draft = BriefContent.model_validate({
        "headline": "Kestrel offtake", "key_points": [point] * 3, "bottom_line": point,
        "questions": [{"question": "Is it funded?", "category": "funding"}] * 2,
    })
    merged = merge_contents([draft, draft.model_copy(deep=True)])
    BriefContent.model_validate(merged.model_dump())  # the contract holds
    assert len(merged.key_points) == 3 and len(merged.questions) == 2
