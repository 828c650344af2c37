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


def test_a_gold_label_that_cannot_be_read_is_one_failure_and_the_rest_is_scored(tmp_path, capsys):
    # a gold file with invalid JSON, nested too deeply, not an object, or with fields of the wrong
    # type stopped `eval` with an "internal error" (JSONDecodeError, RecursionError, TypeError...)
    good = (SEEDS / "mp_materials_dod.txt").read_text(encoding="utf-8")
    bad_golds = {"a": "{bad", "b": "[" * 100_000, "c": "[]", "d": '{"deals": 5}', "e": '{"elements": 3}'}
    for name, gold in {**bad_golds, "z": (SEEDS / "mp_materials_dod.json").read_text(encoding="utf-8")}.items():
        (tmp_path / f"{name}.txt").write_text(good, encoding="utf-8")
        (tmp_path / f"{name}.json").write_text(gold, encoding="utf-8")
    report = evaluate(tmp_path, tmp_path, mineralbrief.Summarizer(backend="offline").summarize)
    assert report.articles == 1 and len(report.failures) == len(bad_golds)
    assert all(f.startswith(tuple(f"{n}.json: gold label" for n in bad_golds)) for f in report.failures), report.failures
    (tmp_path / "events.json").write_text("{bad", encoding="utf-8")
    assert main(["eval", str(tmp_path), "--gold", str(tmp_path), "--backend", "offline"]) == 1
    err = capsys.readouterr().err
    assert "events.json" in err and "internal error" not in err and len(err.strip().splitlines()) <= 2, err


def test_eval_that_scores_nothing_or_loses_articles_says_so_and_exits_non_zero(tmp_path, capsys):
    # a --gold folder that pairs with no article printed "articles: 0" and exited 0, and the
    # table counted failures ("failed: 1") without saying which article failed or why
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["eval", str(SEEDS), "--gold", str(empty), "--backend", "offline"]) == 3
    err = capsys.readouterr().err
    assert "no article" in err and "gold label" in err and "Traceback" not in err, err
    (tmp_path / "a.txt").write_text((SEEDS / "mp_materials_dod.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "a.json").write_text("{bad", encoding="utf-8")
    assert main(["eval", str(tmp_path), "--gold", str(tmp_path), "--backend", "offline"]) == 3
    assert "a.json: gold label not readable" in capsys.readouterr().err
    (tmp_path / "b.txt").write_text((SEEDS / "mp_materials_dod.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "b.json").write_text((SEEDS / "mp_materials_dod.json").read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["eval", str(tmp_path), "--gold", str(tmp_path), "--backend", "offline"]) == 2
    out, err = capsys.readouterr()
    assert "articles: 1, failed: 1" in out and "a.json: gold label not readable" in err
