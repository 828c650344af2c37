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


ZH = ("力拓矿业与澳大利亚锂业公司于2026年3月4日签署谅解备忘录，双方计划投资5亿美元在西澳大利亚建设氢氧化锂精炼厂。"
      "根据协议，双方将在六个月内完成可行性研究。公司董事长表示，该项目将加强供应链安全。"
      "该精炼厂预计每年生产二万五千吨电池级氢氧化锂。双方还同意在最终投资决定前共同寻求政府融资。")
AR = ("وقعت شركة معادن السعودية مذكرة تفاهم بقيمة 500 مليون دولار مع شركة تعدين أسترالية لتطوير مشروع لليثيوم. "
      "وقال الرئيس التنفيذي إن الاتفاقية تعزز أمن سلاسل الإمداد. وسيتم استكمال دراسة الجدوى خلال ستة أشهر. "
      "ويتوقع أن ينتج المشروع خمسة وعشرين ألف طن سنويا من هيدروكسيد الليثيوم.")


@pytest.mark.parametrize("text,script,written", [(ZH, "CJK", "Chinese, Japanese or Korean characters"),
                                                  (AR, "ARABIC", "Arabic script")])
def test_an_article_the_offline_backend_cannot_read_is_flagged_not_called_clean(text, script, written):
    """A Chinese or Arabic report of a US$500m MOU must not come back as a clean 'no deal'."""
    brief = mineralbrief.summarize(text, backend="offline")
    assert brief.language == f"other:{script}"
    assert brief.notes and "not in English" in brief.notes[0] and f"written in {written})" in brief.notes[0]
    assert "No specific deal is reported" not in brief.bottom_line.text
    assert "Note:" in brief.to_markdown()


def test_an_english_article_has_no_language_note():
    brief = mineralbrief.summarize(SEEDS / "rarex_ussm_mou.txt", backend="offline")
    assert brief.language == "en" and brief.notes == []


@pytest.mark.parametrize("edit", [
    ("James Durrant", "James Du**rrant"),  # markup inside a name: the person was read as "James Du"
    ("James Durrant", "James Du.rrant"),  # a dot inside it, likewise
    ("(ASX: REE)", "(ASX: RE**E)"),  # the ticker was read as "ASX: RE"
])
def test_the_offline_brief_leaves_out_what_the_article_does_not_write(edit):
    # found by a fuzz of the seeds (markup, dots, digits inserted inside words): the offline
    # backend asks no model again, so a name, ticker or amount its grounding cannot find in the
    # article is left out of the brief instead of flagged in it
    text = (SEEDS / "rarex_ussm_mou.txt").read_text().replace(*edit)
    brief = mineralbrief.summarize(text, backend="offline", cache=False)
    assert not [u for u in brief.grounding.unverified if "name not in" in u or "ticker not in" in u]
    assert any(e.name == "RareX Limited" for e in brief.entities)  # what is written stays


def test_the_offline_filter_keeps_only_the_names_and_values_grounding_accepts():
    # grounding checks each of an entity's names and an amount's parsed value; the offline
    # backend leaves out what that check would flag, as it leaves out an unwritten name: an
    # unwritten alias goes, an unwritten name gives way to a written alias, a value the amount's
    # text does not state goes with its amount
    from mineralbrief.backends.offline import written_only
    from mineralbrief.grounding import SourceIndex, ground

    text = (SEEDS / "mp_materials_dod.txt").read_text()
    draft = mineralbrief.summarize(text, backend="offline", cache=False)
    content = mineralbrief.BriefContent.model_validate(draft.model_dump(include=set(mineralbrief.BriefContent.model_fields)))
    dod = next(e for e in content.entities if e.aliases == ["DoD"])
    content.entities = [dod.model_copy(update={"aliases": ["DoD", "Invented Holdings"]}),
                        dod.model_copy(update={"name": "Invented Office", "aliases": ["DoD"]})]
    deal = next(d for d in content.deals if d.amounts)
    wrong = deal.amounts[0].model_copy(update={"value": deal.amounts[0].value * 10})
    content.deals = [deal.model_copy(update={"amounts": [wrong, *deal.amounts]})]
    flagged = " ".join(ground(content.model_copy(deep=True), SourceIndex(text)).unverified)
    assert "Invented Holdings" in flagged and "Invented Office" in flagged and "is not what" in flagged

    kept = written_only(content, SourceIndex(text))
    assert ground(kept, SourceIndex(text)).ok
    assert [(e.name, e.aliases) for e in kept.entities] == [(dod.name, ["DoD"]), ("DoD", [])]
    assert kept.deals[0].amounts == deal.amounts


def test_a_short_text_is_told_it_is_too_short_not_only_that_it_is_not_english():
    # "short text." was refused as "This article is not in English": too few words to read as
    # any language, and the reason it cannot be briefed (its length) was not said
    with pytest.raises(mineralbrief.ArticleError, match="too short to brief.*does not read as English"):
        mineralbrief.summarize("short text.", backend="offline")
