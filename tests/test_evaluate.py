"""Evaluation: the scorer counts what it should, and the offline backend meets its targets on
the sample gold labels (measured here so a regression fails the suite)."""

from __future__ import annotations

import json

import mineralbrief
from mineralbrief.cli import main
from mineralbrief.evaluate import Report, evaluate, score_article

from conftest import SEEDS


def test_gold_files_are_in_the_format_and_name_only_article_text():
    golds = sorted(SEEDS.glob("*.json"))
    assert len(golds) >= 6
    for g in golds:
        data = json.loads(g.read_text())
        assert set(data) >= {"deals", "entities", "elements", "key_facts"}
        text = (SEEDS / (g.stem + ".txt")).read_text()
        for e in data["entities"]:
            assert e["kind"] in {"company", "government", "agency", "person", "project", "facility", "country", "other"}
        for d in data["deals"]:
            for amount in d["amounts"]:
                assert amount in text.replace("\\\\$", "$"), (g.name, amount)


def test_scorer_counts_a_perfect_and_an_empty_prediction():
    path = SEEDS / "rarex_ussm_mou.txt"
    gold = json.loads((SEEDS / "rarex_ussm_mou.json").read_text())
    brief = mineralbrief.summarize(path, backend="offline")
    perfect = Report()
    score_article(brief, gold, path.read_text(), perfect)
    assert perfect.fields["elements"].f1 == 1.0 and perfect.accuracy["binding"].value == 1.0
    empty = Report()
    bare = brief.model_copy(update={"deals": [], "elements": [], "entities": []})
    score_article(bare, gold, path.read_text(), empty)
    assert empty.fields["deals"].recall == 0.0 and empty.fields["elements"].recall == 0.0


def test_offline_targets_on_sample_gold():
    s = mineralbrief.Summarizer(backend="offline", cache=False)
    report = evaluate(SEEDS, SEEDS, s.summarize)
    assert report.articles >= 6 and not report.failures
    assert report.fields["elements"].f1 >= 0.95
    assert report.fields["companies"].f1 >= 0.85
    assert report.accuracy["deal_type"].value >= 0.85
    assert report.accuracy["binding"].value >= 0.9


def test_eval_cli_prints_one_report_a_table_or_json(capsys):
    import json

    assert main(["eval", str(SEEDS), "--gold", str(SEEDS), "--backend", "offline"]) == 0
    table = capsys.readouterr().out
    assert "elements" in table and '"fields"' not in table  # the table, once
    assert main(["eval", str(SEEDS), "--gold", str(SEEDS), "--backend", "offline", "--json"]) == 0
    assert "fields" in json.loads(capsys.readouterr().out)  # the JSON alone, parseable
