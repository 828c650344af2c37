"""The offline backend on every sample article: a valid, fully grounded brief."""

from __future__ import annotations

import pytest

import mineralbrief

from conftest import SEEDS

SEED_FILES = sorted(SEEDS.glob("*.txt"))


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.stem)
def test_offline_brief_is_grounded(path):
    brief = mineralbrief.summarize(path, backend="offline")
    assert brief.provenance.backend == "offline"
    assert brief.grounding.ok, brief.grounding.unverified
    assert 3 <= len(brief.key_points) <= 6 and 2 <= len(brief.questions) <= 5
    text = path.read_text(encoding="utf-8")
    for kp in brief.key_points:
        for ev in kp.evidence:
            assert text[ev.start:ev.end] == ev.quote


def test_offline_finds_the_mou_and_its_parties():
    brief = mineralbrief.summarize(SEEDS / "rarex_ussm_mou.txt", backend="offline")
    mou = [d for d in brief.deals if d.deal_type == "mou"]
    assert mou and mou[0].binding is False
    names = {p.name for p in mou[0].parties}
    assert "RareX Limited" in names and any("Strategic Metals" in n for n in names)
    assert {"dysprosium", "terbium", "scandium", "gallium"} <= set(brief.elements)
