"""The Batch API runner against a local fake of /v1/files and /v1/batches (tests/batch_server.py,
FIXTURE answers: the offline backend's brief of each article, or the hand-written reference
answers), and the wire format in a cassette."""

from __future__ import annotations

import copy
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from batch_server import FakeBatchServer

import mineralbrief
from mineralbrief.batchapi import BatchItemError, summarize_batch

from conftest import ROOT, SECRET_HEADERS, SEEDS, _scrub_response
from fixture_model import fixture_reply
from oai_server import FakeOpenAIServer, article_key, article_of, reference_answers

FASTPOLL = (0.01, 0.05)
SEED_FILES = sorted(SEEDS.glob("*.txt"))


def run(srv: FakeBatchServer, articles, state: Path, **kw) -> mineralbrief.batchapi.BatchRun:
    kw = {"poll": FASTPOLL, "model": "gpt-4o-mini", **kw}
    return summarize_batch(articles, state_dir=state, base_url=srv.base_url, api_key="sk-fixture", **kw)


def lines(state: Path, n: int, kind: str = "input") -> list[dict]:
    return [json.loads(x) for x in (state / f"round-{n}-{kind}.jsonl").read_text().splitlines()]


def test_every_line_is_the_request_the_online_path_sends(tmp_path):
    """The batch's bodies are the online bodies byte for byte (so cache keys agree)."""
    with FakeOpenAIServer(default=fixture_reply) as online:
        for path in SEED_FILES:
            mineralbrief.summarize(path, base_url=online.base_url, api_key="sk-fixture", model="gpt-4o-mini", cache=False)
        sent_online = {article_key(article_of(r)): r for r in online.requests}
    with FakeBatchServer() as srv:
        result = run(srv, SEED_FILES, tmp_path / "state", cache=False)
    assert [r.status for r in result.results] == ["done"] * len(SEED_FILES)
    batch = lines(tmp_path / "state", 1)
    assert len(batch) == len(SEED_FILES)
    for line in batch:
        assert line["method"] == "POST" and line["url"] == "/v1/chat/completions"
        assert line["body"] == sent_online[article_key(article_of(line["body"]))]


def test_cache_keys_agree_both_ways(tmp_path, seed_text):
    texts = [seed_text, (SEEDS / "mp_materials_dod.txt").read_text(), (SEEDS / "iluka_eneabba_loan.txt").read_text()]
    with FakeBatchServer() as srv:
        # online first for one article: the batch sends only the other two
        online = mineralbrief.summarize(texts[0], base_url=srv.base_url, api_key="sk-fixture", model="gpt-4o-mini")
        first = run(srv, texts, tmp_path / "state")
        assert [r.status for r in first.results] == ["cached", "done", "done"]
        assert len(lines(tmp_path / "state", 1)) == 2
        assert first.results[0].brief.headline == online.headline
        # and the online path finds what the batch made, asking nothing
        asked = srv.counts["online"]
        again = mineralbrief.summarize(texts[1], base_url=srv.base_url, api_key="sk-fixture", model="gpt-4o-mini")
        assert again.provenance.cached and srv.counts["online"] == asked
        assert again.model_dump(exclude={"provenance", "usage", "source"}) == \
            first.results[1].brief.model_dump(exclude={"provenance", "usage", "source"})


@pytest.mark.parametrize("knob,says", [("invalid", "Validation Error found"),
                                        ("ungrounded", "could not be found in the article")])
def test_answers_failing_validation_are_reasked_in_a_follow_up_batch(tmp_path, knob, says):
    """A schema failure is re-asked as instructor re-asks it online; an answer that does not
    ground, as our grounding re-asks it: in either case, the next line of a follow-up batch."""
    with FakeBatchServer() as srv:
        setattr(srv, knob, 0.5)
        result = run(srv, SEED_FILES, tmp_path / "state", reask_via="batch")
    assert all(r.status == "done" and r.brief.grounding.ok for r in result.results)
    assert srv.created == 2 and srv.counts["online"] == 0
    reasks = lines(tmp_path / "state", 2)
    assert 0 < len(reasks) < len(SEED_FILES)
    for line in reasks:
        first, *rest = line["body"]["messages"][2:]
        assert first["role"] == "assistant"  # the answer that failed, then why
        assert any(says in str(m.get("content")) for m in rest)
    requests = sorted(r.brief.usage.requests for r in result.results)
    assert requests.count(2) == len(reasks) and requests.count(1) == len(SEED_FILES) - len(reasks)


def test_a_few_reasks_go_online(tmp_path):
    with FakeBatchServer() as srv:
        srv.invalid = 0.3
        result = run(srv, SEED_FILES, tmp_path / "state", reask_via="auto", online_max=50)
    assert all(r.status == "done" for r in result.results)
    assert srv.created == 1 and srv.counts["online"] > 0
    assert result.usage_online.requests == srv.counts["online"]
    # the online tokens at the full price, the batch's at half
    assert result.cost is not None and result.cost_online is not None
    assert result.cost_online / 2 < result.cost < result.cost_online


def test_errored_lines_are_sent_once_more_then_reported(tmp_path):
    with FakeBatchServer() as srv:
        srv.errors = 0.4
        again = run(srv, SEED_FILES, tmp_path / "again", reask_via="batch", cache=False)
        assert all(r.status == "done" for r in again.results) and srv.created == 2
    with FakeBatchServer() as srv:
        srv.errors = 0.4
        once = run(srv, SEED_FILES, tmp_path / "once", retries=0, cache=False)
    failed = [r for r in once.results if r.status == "failed"]
    assert failed and srv.created == 1
    assert all(r.error.startswith("BatchItemError: no answer after 1 send(s): HTTP 500") for r in failed)
    assert len(once.results) == len(SEED_FILES)


def test_an_expired_batch_accounts_for_every_article(tmp_path):
    with FakeBatchServer() as srv:
        srv.expire = 0.5  # every batch expires with half its lines answered
        result = run(srv, SEED_FILES, tmp_path / "state", reask_via="batch", retries=1)
    assert len(result.results) == len(SEED_FILES) and srv.created == 2
    done = [r for r in result.results if r.status == "done"]
    failed = [r for r in result.results if r.status == "failed"]
    assert done and failed and len(done) + len(failed) == len(SEED_FILES)
    assert all("batch_expired" in r.error and "after 2 send(s)" in r.error for r in failed)


def test_a_failed_batch_fails_its_articles_with_the_reason(tmp_path):
    with FakeBatchServer() as srv:
        srv.fail = True
        result = run(srv, SEED_FILES[:3], tmp_path / "state", retries=0)
    assert [r.status for r in result.results] == ["failed"] * 3
    assert all("the input file is not valid" in r.error for r in result.results)


def test_a_cancelled_batch_is_not_sent_again(tmp_path):
    import openai

    with FakeBatchServer() as srv:
        srv.slow_polls = 3
        statuses: list[str] = []

        def cancel(line: str) -> None:
            statuses.append(line)
            if "in_progress" in line:
                openai.OpenAI(base_url=srv.base_url, api_key="x").batches.cancel("batch_1")

        result = run(srv, SEED_FILES, tmp_path / "state", on_status=cancel, retries=3, reask_via="batch")
        extra = "\n\n".join([SEED_FILES[0].read_text(), "A later paragraph about the same deal."])
        again = run(srv, [*SEED_FILES, extra], tmp_path / "state", retries=3, reask_via="batch")
    assert srv.created == 1
    assert again.results[-1].error.startswith("BatchItemError: not sent: a batch of this run was cancelled")
    done = [r for r in result.results if r.status == "done"]
    failed = [r for r in result.results if r.status == "failed"]
    assert done and failed and all("batch_cancelled" in r.error for r in failed)
    assert any("cancelled" in s for s in statuses)


KILLED = r"""
import sys
sys.path.insert(0, {tests!r}); sys.path.insert(0, {root!r})
from pathlib import Path
from mineralbrief.batchapi import summarize_batch
summarize_batch(sorted(Path({seeds!r}).glob("*.txt")), state_dir={state!r}, base_url={url!r}, api_key="sk-fixture",
                model="gpt-4o-mini", cache_dir={cache!r}, poll=(0.02, 0.05))
"""


def test_killed_while_waiting_then_run_again_resumes_the_same_batch(tmp_path):
    state = tmp_path / "state"
    with FakeBatchServer() as srv:
        srv.slow_polls = 10_000  # in progress until the test says otherwise
        code = KILLED.format(tests=str(ROOT / "tests"), root=str(ROOT), seeds=str(SEEDS), state=str(state),
                             url=srv.base_url, cache=str(tmp_path / "cache"))
        child = subprocess.Popen([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(ROOT)})
        try:
            deadline = time.monotonic() + 60
            while srv.counts["polls"] < 3:
                assert time.monotonic() < deadline and child.poll() is None
                time.sleep(0.05)
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=10)
        assert json.loads((state / "state.json").read_text())["rounds"][0]["batch_id"] == "batch_1"
        srv.slow_polls = 0
        result = run(srv, SEED_FILES, state, cache_dir=tmp_path / "cache")
    assert srv.created == 1 and srv.counts["uploads"] == 1
    assert all(r.status == "done" for r in result.results)
    assert result.batches == ["batch_1"]


def test_a_batch_created_but_not_saved_is_found_not_made_again(tmp_path):
    state = tmp_path / "state"
    with FakeBatchServer() as srv:
        run(srv, SEED_FILES[:2], state, cache=False)
        # as if killed between creating the batch and saving its id
        saved = json.loads((state / "state.json").read_text())
        saved["rounds"][0].update(batch_id=None, status=None, done=False, output_file_id=None)
        (state / "state.json").write_text(json.dumps(saved))
        for f in state.glob("round-1-output.jsonl"):
            f.unlink()
        result = run(srv, SEED_FILES[:2], state, cache=False)
    assert srv.created == 1 and [r.status for r in result.results] == ["done", "done"]


def test_a_state_folder_of_other_settings_is_refused(tmp_path):
    with FakeBatchServer() as srv:
        run(srv, SEED_FILES[:1], tmp_path / "state", cache=False)
        with pytest.raises(mineralbrief.ConfigError, match="other settings"):
            run(srv, SEED_FILES[:1], tmp_path / "state", cache=False, temperature=0.7)


def test_duplicates_long_articles_and_loader_errors(tmp_path, seed_text):
    long = "\n\n".join(p.read_text() for p in SEED_FILES[:4])  # over max_input_chars: chunks
    items = [seed_text, long, mineralbrief.ArticleError("unreadable", article_id="bad.pdf"), seed_text, ""]
    with FakeBatchServer() as srv:
        result = run(srv, items, tmp_path / "state", max_input_chars=4000)
    assert [r.status for r in result.results] == ["done", "done", "failed", "done", "failed"]
    assert result.results[2].source == "bad.pdf" and "ArticleError" in result.results[4].error
    sent = lines(tmp_path / "state", 1)
    assert len({line["custom_id"].rsplit("-", 1)[0] for line in sent}) == 2  # the duplicate is asked once
    assert len(sent) > 2  # the long one in chunks
    assert result.results[1].brief.grounding.ok


def test_summarize_many_via_batch(tmp_path):
    with FakeBatchServer() as srv:
        settings = {"base_url": srv.base_url, "api_key": "sk-fixture", "model": "gpt-4o-mini"}
        said: list[str] = []
        results = list(mineralbrief.summarize_many(SEED_FILES, via="batch", state_dir=tmp_path / "s",
                                                   on_status=said.append, **settings))
        assert [r.index for r in results] == list(range(len(SEED_FILES)))
        assert all(r.status == "done" for r in results)
        assert "batch_1" in said[0] and "Batch API price" in said[-1]
        with pytest.raises(mineralbrief.ConfigError, match="state_dir"):
            list(mineralbrief.summarize_many(SEED_FILES, via="batch", **settings))
        with pytest.raises(mineralbrief.ConfigError, match="budget"):
            list(mineralbrief.summarize_many(SEED_FILES, via="batch", state_dir=tmp_path / "s", budget_tokens=10,
                                             **settings))
    with pytest.raises(mineralbrief.ConfigError, match="openai backend"):
        list(mineralbrief.summarize_many(SEED_FILES, via="batch", state_dir=tmp_path / "o", backend="offline"))


async def test_asummarize_many_via_batch(tmp_path):
    with FakeBatchServer() as srv:
        results = [r async for r in mineralbrief.asummarize_many(
            SEED_FILES[:2], via="batch", state_dir=tmp_path / "s", base_url=srv.base_url, api_key="sk-fixture")]
    assert [r.status for r in results] == ["done", "done"]


def test_schema_failures_past_the_reasks_are_reported_with_the_last_answer(tmp_path):
    with FakeBatchServer(answer=lambda req: {"headline": "x", "key_points": "still not a list"}) as srv:
        result = run(srv, SEED_FILES[:2], tmp_path / "state", max_reasks=1, reask_via="batch", cache=False)
    assert srv.created == 2
    assert all(r.status == "failed" and r.error.startswith("ValidationFailedError") for r in result.results)


def test_the_summary_prints_both_prices(tmp_path):
    with FakeBatchServer() as srv:
        result = run(srv, SEED_FILES[:2], tmp_path / "state")
        unknown = run(srv, SEED_FILES[:2], tmp_path / "other", model="my-model")
    assert result.cost == pytest.approx(result.cost_online / 2)
    assert re.search(r"cost \$[\d.]+ \(Batch API price; \$[\d.]+ online\)", result.summary())
    assert "no price for model 'my-model'" in unknown.summary()
    assert isinstance(BatchItemError("x"), mineralbrief.BackendError)


# -- the wire format, recorded ----------------------------------------------------------------
BOUNDARY = "mineralbrief-fixed-boundary"


def _fixed_boundary(request):
    """A multipart upload's boundary is random: recorded and matched with a fixed one."""
    found = re.search(r"boundary=([^\s;]+)", request.headers.get("content-type", "") or request.headers.get("Content-Type", ""))
    if not found:
        return request
    request = copy.deepcopy(request)
    old = found.group(1)
    body = request.body if isinstance(request.body, bytes) else (request.body or "").encode()
    request.body = body.replace(old.encode(), BOUNDARY.encode())
    for name in list(request.headers):
        if name.lower() == "content-type":
            request.headers[name] = request.headers[name].replace(old, BOUNDARY)
    return request


@pytest.fixture(scope="module")
def vcr_config() -> dict:
    return {"filter_headers": SECRET_HEADERS, "before_record_response": _scrub_response,
            "before_record_request": _fixed_boundary, "match_on": ["method", "path", "json_body"],
            "decode_compressed_response": True}


@pytest.fixture
def batch_endpoint():
    """The fake Batch API answering with the hand-written reference answers (FIXTURE); on
    replay nothing leaves the process."""
    refs = reference_answers(SEEDS)
    with FakeBatchServer(answer=lambda req: copy.deepcopy(refs[article_key(article_of(req))])) as srv:
        srv.slow_polls = 1
        yield srv.base_url


@pytest.mark.vcr
def test_batch_wire_format(batch_endpoint, tmp_path):
    seeds = [SEEDS / "rarex_ussm_mou.txt", SEEDS / "mp_materials_dod.txt"]
    result = summarize_batch(seeds, state_dir=tmp_path / "state", base_url=batch_endpoint, api_key="sk-fixture",
                             model="gpt-4o-mini", cache=False, poll=(0.01, 0.01))
    assert [r.status for r in result.results] == ["done", "done"]
    assert all(r.brief.grounding.ok for r in result.results)
    # the recorded upload holds the online path's own request: compare with the online cassette
    online = yaml.safe_load((ROOT / "cassettes" / "test_replay_reference_answer[rarex_ussm_mou].yaml").read_text())
    online_body = json.loads(online["interactions"][0]["request"]["body"])
    sent = {article_key(article_of(line["body"])): line["body"] for line in lines(tmp_path / "state", 1)}
    assert sent[article_key((SEEDS / "rarex_ussm_mou.txt").read_text())] == online_body



def test_daily_via_batch_briefs_the_day_and_a_rerun_creates_no_second_batch(tmp_path, capsys):
    """`mineralbrief daily --via batch`: one batch for the day, its state beside the briefs; the
    same command again keeps every brief and pays for nothing."""
    from mineralbrief.cli import main

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for path in sorted(SEEDS.glob("*.txt"))[:4]:
        (inbox / path.name).write_text(path.read_text())
    out = tmp_path / "briefs"
    with FakeBatchServer() as srv:
        args = ["daily", str(inbox), "--date", "2026-11-21", "--out", str(out), "--base-url", srv.base_url,
                "--via", "batch", "-q"]
        assert main(args) == 0, capsys.readouterr().err
        assert srv.created == 1 and len(list((out / "2026-11-21").glob("*.json"))) == 4
        assert (out / "2026-11-21" / ".batch-api").is_dir()
        assert main(args) == 0
        assert srv.created == 1  # kept from the first run: no second batch
