"""The daily runner against the real world: names that collide, settings that change between
runs, two runs at once, a bad --previous, a full disk, a missing inbox."""

from __future__ import annotations

import errno
import json
import logging
import os
import stat
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

import mineralbrief
from mineralbrief.errors import NothingToBriefError, OutputBusyError, OutputError
from mineralbrief.runner import LOCK, brief_name, run_daily
from mineralbrief.sources.files import iter_articles

from conftest import ROOT, SEEDS
from fixture_model import fixture_reply
from oai_server import FakeOpenAIServer

DAY = date(2026, 11, 21)
TEXT = (SEEDS / "rarex_ussm_mou.txt").read_text(encoding="utf-8")
# names that sanitise alike, or that are hard for a file system: every one must get its own brief
NAMES = ["a b.txt", "a_b.txt", "a-b.txt", "a.b.txt", "x/1.txt", "y/1.txt", "路透.json", "新华.json", "رويترز.txt",
         "وكالة.txt", "🚀.txt", "🔥.txt", "é.txt", "e\u0301.txt", "a..b.txt", "a..txt", "-rf.txt", "line\nbreak.txt",
         "CON.txt", "con.txt", "漢" * 80 + ".txt", "x" * 240 + ".txt", "caf\udce9.txt"]


def offline() -> mineralbrief.Summarizer:
    return mineralbrief.Summarizer(backend="offline")


def write_inbox(root: Path, names: list[str], text: str = TEXT) -> Path:
    inbox = root / "inbox"
    for name in names:
        path = inbox / name
        path.parent.mkdir(parents=True, exist_ok=True)
        body = json.dumps({"text": text}) if name.endswith(".json") else text
        path.write_bytes(body.encode())
    return inbox


def brief_files(out: Path) -> list[Path]:
    return sorted(p for p in (out / DAY.isoformat()).glob("*.json"))


def test_names_that_sanitise_alike_each_get_their_own_brief(tmp_path: Path):
    inbox = write_inbox(tmp_path, NAMES)
    result, progress = run_daily(inbox, DAY, tmp_path / "out", summarizer=offline())
    assert progress.counts["done"] == len(NAMES) and len(result.articles) == len(NAMES)
    files = brief_files(tmp_path / "out")
    assert len(files) == len(NAMES)
    for p in files:
        assert len(os.fsencode(p.name)) <= 255 and not p.name.startswith((".", "-"))
    assert any(p.name.startswith("路透-") for p in files) and any(p.name.startswith("رويترز-") for p in files)


def test_brief_names_are_stable_and_do_not_depend_on_how_the_inbox_is_named(tmp_path: Path, monkeypatch):
    inbox = write_inbox(tmp_path, ["x/1.txt", "y/1.txt"])
    absolute = {brief_name(a, inbox) for a in iter_articles(inbox)}
    monkeypatch.chdir(tmp_path)
    relative = {brief_name(a, Path("inbox")) for a in iter_articles(Path("inbox"))}
    assert absolute == relative and len(absolute) == 2
    a = next(iter(iter_articles(inbox)))
    assert brief_name(a, inbox) == brief_name(a, inbox) and brief_name(a, inbox).startswith("1-")


def test_one_jsonl_file_gives_a_brief_per_line(tmp_path: Path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "feed.jsonl").write_text("".join(json.dumps({"text": TEXT}) + "\n" for _ in range(3)))
    _, progress = run_daily(inbox, DAY, tmp_path / "out", summarizer=offline())
    assert progress.counts["done"] == 3 and len(brief_files(tmp_path / "out")) == 3


# -- settings change: resume only what was made the same way -------------------------------------
def test_a_rerun_with_another_backend_briefs_everything_again(tmp_path: Path, caplog):
    inbox = write_inbox(tmp_path, ["a.txt", "b.txt", "c.txt"])
    inbox.joinpath("b.txt").write_text(TEXT + "\nb\n")
    inbox.joinpath("c.txt").write_text(TEXT + "\nc\n")
    out = tmp_path / "out"
    _, first = run_daily(inbox, DAY, out, summarizer=offline())
    assert first.counts["done"] == 3
    with FakeOpenAIServer(default=fixture_reply) as srv:
        with caplog.at_level(logging.WARNING, logger="mineralbrief"):
            _, second = run_daily(inbox, DAY, out, summarizer=mineralbrief.Summarizer(base_url=srv.base_url))
        assert second.counts["done"] == 3 and second.counts["kept"] == 0 and len(srv.requests) == 3
        warned = [r.getMessage() for r in caplog.records if "briefing every article again" in r.getMessage()]
        assert len(warned) == 1 and "backend offline -> openai" in warned[0] and "\n" not in warned[0]
        assert all(json.loads(p.read_text())["provenance"]["backend"] == "openai" for p in brief_files(out))
        caplog.clear()
        _, third = run_daily(inbox, DAY, out, summarizer=mineralbrief.Summarizer(base_url=srv.base_url))
        assert third.counts["kept"] == 3 and len(srv.requests) == 3 and not caplog.records
        _, fourth = run_daily(inbox, DAY, out, summarizer=mineralbrief.Summarizer(base_url=srv.base_url, temperature=0.7))
        assert fourth.counts["kept"] == 0 and len(srv.requests) == 6  # a sampling setting changed


def test_briefs_without_a_manifest_are_made_again(tmp_path: Path):
    inbox = write_inbox(tmp_path, ["a.txt"])
    out = tmp_path / "out"
    run_daily(inbox, DAY, out, summarizer=offline())
    (out / DAY.isoformat() / ".manifest").unlink()  # as an older mineralbrief left it
    _, again = run_daily(inbox, DAY, out, summarizer=offline())
    assert again.counts == {"done": 1}


def test_a_manifest_nested_too_deeply_is_no_manifest_not_a_crash(tmp_path: Path):
    # json.loads raised RecursionError (not a ValueError) out of run_daily
    inbox = write_inbox(tmp_path, ["a.txt"])
    out = tmp_path / "out"
    run_daily(inbox, DAY, out, summarizer=offline())
    (out / DAY.isoformat() / ".manifest").write_text("[" * 100_000, encoding="utf-8")
    _, again = run_daily(inbox, DAY, out, summarizer=offline())
    assert again.counts == {"done": 1}


def test_a_failed_rerun_with_new_settings_never_leaves_old_briefs_to_be_kept(tmp_path: Path):
    inbox = write_inbox(tmp_path, ["a.txt"])
    out = tmp_path / "out"
    run_daily(inbox, DAY, out, summarizer=offline())

    def broken(request):
        raise mineralbrief.TransportError("fixture: down", attempts=1, last_status=500)

    _, failed = run_daily(inbox, DAY, out, summarizer=mineralbrief.Summarizer(backend=mineralbrief.FunctionBackend(broken)))
    assert failed.counts == {"failed": 1} and brief_files(out) == []


# -- one run at a time -------------------------------------------------------------------------
def hold_lock(out: Path) -> subprocess.Popen:
    """Another process holding the output folder, the way a running `daily` does."""
    code = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from mineralbrief.runner import _locked
        with _locked(Path({str(out)!r})):
            print("locked", flush=True)
            sys.stdin.readline()
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_a_second_run_on_a_locked_folder_stops_before_any_work(tmp_path: Path):
    inbox = write_inbox(tmp_path, ["a.txt"])
    out = tmp_path / "out"
    proc = hold_lock(out)
    try:
        with pytest.raises(OutputBusyError, match="in use by another"):
            run_daily(inbox, DAY, out, summarizer=offline())
        assert sorted(p.name for p in out.iterdir()) == [LOCK]
    finally:
        proc.communicate("\n", timeout=10)
    _, progress = run_daily(inbox, DAY, out, summarizer=offline())  # released when that process ended
    assert progress.counts == {"done": 1}


# -- checked first: --previous, the inbox, the output folder ---------------------------------------
@pytest.mark.parametrize("content", [None, "", "{not json", '{"date": "yesterday"}', "\xff\xfe", "[]"])
def test_a_bad_previous_day_fails_before_any_article_is_briefed(tmp_path: Path, content):
    inbox = write_inbox(tmp_path, ["a.txt"])
    previous = tmp_path / "2026-11-20.json"
    if content is not None:
        previous.write_bytes(content.encode("latin-1"))
    calls = []
    s = mineralbrief.Summarizer(backend=mineralbrief.FunctionBackend(lambda r: calls.append(r)))
    with pytest.raises(mineralbrief.ConfigError, match="--previous"):
        run_daily(inbox, DAY, tmp_path / "out", summarizer=s, previous=previous)
    assert calls == [] and not (tmp_path / "out").exists()


@pytest.mark.parametrize("inbox_kind", ["missing", "empty", "hidden_only"])
def test_nothing_to_brief_writes_nothing(tmp_path: Path, inbox_kind):
    inbox = tmp_path / "inbox"
    if inbox_kind != "missing":
        inbox.mkdir()
    if inbox_kind == "hidden_only":
        (inbox / ".DS_Store").write_bytes(b"\x00")
    with pytest.raises(NothingToBriefError):
        run_daily(inbox, DAY, tmp_path / "out", summarizer=offline())
    assert not (tmp_path / "out" / f"{DAY.isoformat()}.json").exists()


@pytest.mark.parametrize("where", ["out", "day"])
def test_an_output_folder_that_is_a_file_is_one_clear_error(tmp_path: Path, where):
    inbox = write_inbox(tmp_path, ["a.txt"])
    out = tmp_path / "out"
    if where == "out":
        out.write_text("a file")
    else:
        out.mkdir()
        (out / DAY.isoformat()).write_text("a file")
    with pytest.raises(OutputError, match="is a file"):
        run_daily(inbox, DAY, out, summarizer=offline())


@pytest.mark.parametrize("fail_at", [1, 3, 100])
def test_a_full_disk_stops_the_run_with_one_output_error(tmp_path: Path, monkeypatch, fail_at):
    import mineralbrief.runner as runner

    inbox = write_inbox(tmp_path, ["a.txt", "b.txt"])
    inbox.joinpath("b.txt").write_text(TEXT + "\nb\n")
    real, writes = runner.atomic_write, []

    def full(path: Path, text: str) -> None:
        writes.append(path)
        if len(writes) >= fail_at and not path.name.startswith("."):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(path, text)

    monkeypatch.setattr(runner, "atomic_write", full)
    out = tmp_path / "out"
    if fail_at == 100:
        run_daily(inbox, DAY, out, summarizer=offline())
        return
    with pytest.raises(OutputError, match="No space left on device"):
        run_daily(inbox, DAY, out, summarizer=offline())
    assert not list(out.rglob("*.tmp"))


def test_a_rerun_with_strict_turned_on_briefs_everything_again(tmp_path: Path, caplog):
    inbox = write_inbox(tmp_path, ["a.txt"])
    out = tmp_path / "out"
    run_daily(inbox, DAY, out, summarizer=offline())
    with caplog.at_level(logging.WARNING, logger="mineralbrief"):
        _, strict = run_daily(inbox, DAY, out, summarizer=mineralbrief.Summarizer(backend="offline", strict=True))
    assert strict.counts == {"done": 1} and "strict False -> True" in caplog.text


def test_a_brief_that_cannot_be_rendered_is_one_failure(tmp_path: Path, monkeypatch):
    inbox = write_inbox(tmp_path, ["a.txt", "b.txt"])
    inbox.joinpath("b.txt").write_text(TEXT + "\nb\n")
    real = mineralbrief.Brief.to_markdown

    def render(self):  # FIXTURE: a rendering bug that one odd article triggers
        if self.source.title and self.source.content_hash == mineralbrief.Article(text=TEXT + "\nb\n").content_hash:
            raise ValueError("fixture: cannot render")
        return real(self)

    monkeypatch.setattr(mineralbrief.Brief, "to_markdown", render)
    result, progress = run_daily(inbox, DAY, tmp_path / "out", summarizer=offline())
    assert progress.counts == {"done": 1, "failed": 1} and len(result.articles) == 1
    [failure] = [json.loads(line) for line in (tmp_path / "out" / DAY.isoformat() / "failures.jsonl").read_text().splitlines()]
    assert failure["source"].endswith("b.txt") and "cannot render" in failure["error"]


@pytest.mark.parametrize("where", ["briefs", "."])
def test_an_out_folder_inside_the_inbox_is_never_read_as_articles(tmp_path: Path, where: str):
    # `daily inbox --out inbox/briefs` (or --out inbox): the next day's run read the earlier days'
    # briefs (.md, .json, failures.jsonl) as articles, and briefed its own output
    inbox = write_inbox(tmp_path, ["a.txt", "b.txt"])
    out = inbox / where
    first, _ = run_daily(inbox, DAY, out, summarizer=offline())
    second, progress = run_daily(inbox, date(2026, 11, 22), out, summarizer=offline())
    assert len(second.articles) == len(first.articles) == 2 and progress.counts == {"done": 2}, progress.counts


def test_an_inbox_kept_in_a_dated_folder_under_out_is_still_read(tmp_path: Path):
    out = tmp_path / "briefs"
    inbox = write_inbox(out, ["a.txt"])
    dated = inbox.rename(out / "2026-11-20")
    _, progress = run_daily(dated, DAY, out, summarizer=offline())
    assert progress.counts == {"done": 1}


def test_a_day_folder_that_is_a_link_is_refused_not_written_through(tmp_path: Path):
    # out/2026-11-21 -> /etc (planted by anyone who can write to out): the run wrote its briefs,
    # .manifest and failures.jsonl into the link's target, and would delete brief-named files there
    inbox = write_inbox(tmp_path, ["a.txt"])
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / DAY.isoformat()).symlink_to(elsewhere)
    with pytest.raises(OutputError, match="link"):
        run_daily(inbox, DAY, out, summarizer=offline())
    assert list(elsewhere.iterdir()) == []


def test_written_files_have_the_mode_a_plain_write_gives(tmp_path: Path) -> None:
    # every brief, day and page was 0600 (mkstemp's), and one written over a 0644 file took it
    # private: a page a web server could not serve
    from mineralbrief.runner import atomic_write

    old = os.umask(0o022)
    try:
        new = tmp_path / "new.md"
        atomic_write(new, "x")
        assert stat.S_IMODE(new.stat().st_mode) == 0o644
        shared = tmp_path / "shared.html"
        shared.write_text("old")
        shared.chmod(0o664)
        atomic_write(shared, "new")
        assert stat.S_IMODE(shared.stat().st_mode) == 0o664 and shared.read_text() == "new"
        private = tmp_path / "private.json"
        private.write_text("old")
        private.chmod(0o600)
        atomic_write(private, "new")
        assert stat.S_IMODE(private.stat().st_mode) == 0o600
    finally:
        os.umask(old)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.md", "private.json", "shared.html"]
