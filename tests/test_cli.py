"""The command line: the main job, schemas, cache, one-line errors and exit codes."""

from __future__ import annotations

import errno
import io
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from mineralbrief.cli import main

from conftest import ROOT, SEEDS
from fixture_model import fixture_reply
from oai_server import FakeOpenAIServer, Reply

ARTICLE = str(SEEDS / "rarex_ussm_mou.txt")
TEXT = Path(ARTICLE).read_text(encoding="utf-8")
DAY = ["--date", "2026-11-21"]


def one_error_line(err: str, *words: str) -> str:
    """The one error line (the backend line printed before it aside)."""
    lines = [line for line in err.strip().splitlines() if not line.startswith("mineralbrief: backend ")]
    assert len(lines) == 1 and lines[0].startswith("mineralbrief: error: "), err
    assert "Traceback" not in err and all(w in lines[0] for w in words), err
    return lines[0]


def inbox_of(tmp_path: Path, **files: str | bytes) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name, body in files.items():
        (inbox / name).write_bytes(body.encode() if isinstance(body, str) else body)
    return inbox


def test_summarize_markdown(capsys):
    assert main(["summarize", ARTICLE]) == 0
    out, err = capsys.readouterr()
    assert "## Bottom line" in out and "backend offline" in err


def test_summarize_json(capsys):
    assert main(["summarize", ARTICLE, "--format", "json", "--no-cache"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["provenance"]["backend"] == "offline" and data["grounding"]["ok"] is True


def test_schema_write(tmp_path: Path, capsys):
    assert main(["schema", "--write", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in (ROOT / "schemas").glob("*.json"))


def test_cache_info_and_clear(capsys):
    assert main(["cache", "info"]) == 0
    assert "entries:" in capsys.readouterr().out
    assert main(["cache", "clear"]) == 0
    assert "removed" in capsys.readouterr().out


def test_error_is_one_line_and_nonzero(tmp_path: Path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert main(["summarize", str(empty)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("mineralbrief: error: ArticleError")


def test_missing_file_and_bad_option(capsys):
    assert main(["summarize", "/nonexistent/file.txt"]) == 1
    assert main(["summarize", ARTICLE, "--format", "pdf"]) == 1  # a usage error: 2 means "some failed"


def test_debug_shows_traceback(tmp_path: Path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    proc = subprocess.run([sys.executable, "-m", "mineralbrief.cli", "--debug", "summarize", str(empty)],
                          capture_output=True, text=True)
    assert proc.returncode != 0 and "Traceback" in proc.stderr


def test_stdin(monkeypatch, capsys):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(Path(ARTICLE).read_text()))
    assert main(["summarize", "-"]) == 0
    assert "## Bottom line" in capsys.readouterr().out


class StdinBytes(io.TextIOWrapper):
    """A stdin whose bytes are given: sys.stdin.buffer is what the CLI reads."""

    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data), encoding="utf-8")


# -- every error is one line; usage errors exit 1 ------------------------------------------------
@pytest.mark.parametrize("args", [
    ["summarize"], ["summarize", ARTICLE, "--nope"], ["daily"], ["daily", "x", "--date", "21/11/2026"],
    ["daily", "x", *DAY, "--concurrency", "0"], ["nope"], ["cache", "nope"],
])
def test_usage_errors_are_one_line_and_exit_1(args, capsys):
    assert main(args) == 1
    one_error_line(capsys.readouterr().err, "--help")


@pytest.mark.parametrize("data,word", [(b"Prix du n\xe9odyme", "UTF-8"), (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
                                       (b"", "empty"), (b"\xff\xfeK\x00\x00\xd8", "UTF-16")])
def test_stdin_that_is_not_text_is_one_line(monkeypatch, capsys, data, word):
    monkeypatch.setattr("sys.stdin", StdinBytes(data))
    assert main(["summarize", "-"]) == 1
    one_error_line(capsys.readouterr().err, "ArticleError", "stdin", word)


def test_stdin_bytes_in_a_real_process():
    proc = subprocess.run([sys.executable, "-m", "mineralbrief.cli", "summarize", "-"], input=b"caf\xe9 " * 50,
                          capture_output=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 1
    one_error_line(proc.stderr.decode(), "not valid UTF-8")


def test_an_html_page_without_text_is_one_line_without_the_extractors_warning(tmp_path):
    # trafilatura's "WARNING discarding data: None" came before the error line (and, in a daily
    # run, once per such page over the progress display)
    page = tmp_path / "s.html"
    page.write_text("<html><body><script>alert(1)</script></body></html>", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "mineralbrief", "summarize", str(page), "--backend", "offline"],
                          capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 1
    one_error_line(proc.stderr, "s.html")


def test_stdin_as_utf16_is_read(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", StdinBytes(TEXT.encode("utf-16")))
    assert main(["summarize", "-"]) == 0


def test_out_naming_a_file_is_one_line(tmp_path: Path, capsys):
    inbox = inbox_of(tmp_path, **{"a.txt": TEXT})
    (tmp_path / "out.txt").write_text("not a folder")
    assert main(["daily", str(inbox), *DAY, "--out", str(tmp_path / "out.txt"), "--backend", "offline"]) == 1
    one_error_line(capsys.readouterr().err, "OutputError", "out.txt", "is a file")
    assert main(["daily", str(inbox), *DAY, "--out", str(tmp_path / "out.txt" / "sub"), "--backend", "offline"]) == 1
    one_error_line(capsys.readouterr().err, "OutputError")


@pytest.mark.parametrize("content", [None, "{broken", '{"date": "2026-11-20", "deals": 5}'])
def test_a_bad_previous_is_checked_before_any_work(tmp_path: Path, capsys, content):
    inbox = inbox_of(tmp_path, **{"a.txt": TEXT})
    previous = tmp_path / "prev.json"
    if content is not None:
        previous.write_text(content)
    out = tmp_path / "out"
    t0 = time.perf_counter()
    assert main(["daily", str(inbox), *DAY, "--out", str(out), "--backend", "offline", "--previous", str(previous)]) == 1
    one_error_line(capsys.readouterr().err, "ConfigError", "--previous", "prev.json")
    assert not out.exists() and time.perf_counter() - t0 < 5


def test_a_full_disk_under_out_is_one_line(tmp_path: Path, capsys, monkeypatch):
    def full(path: Path, text: str) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("mineralbrief.runner.atomic_write", full)
    inbox = inbox_of(tmp_path, **{"a.txt": TEXT})
    assert main(["daily", str(inbox), *DAY, "--out", str(tmp_path / "out"), "--backend", "offline", "-q"]) == 1
    one_error_line(capsys.readouterr().err, "OutputError", "No space left on device")


class FullStdout(io.StringIO):
    def write(self, text: str) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_under_stdout_is_one_line(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdout", FullStdout())
    assert main(["summarize", ARTICLE]) == 1
    one_error_line(capsys.readouterr().err, "No space left on device")


def test_a_bug_is_one_line_and_the_traceback_comes_with_debug(tmp_path: Path, capsys, monkeypatch):
    def bug(*args, **kwargs):
        raise TypeError("fixture: a bug")

    monkeypatch.setattr("mineralbrief.runner.run_daily", bug)
    inbox = inbox_of(tmp_path, **{"a.txt": TEXT})
    assert main(["daily", str(inbox), *DAY, "--backend", "offline"]) == 1
    one_error_line(capsys.readouterr().err, "internal error", "TypeError", "--debug")
    assert main(["--debug", "daily", str(inbox), *DAY, "--backend", "offline"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "TypeError: fixture: a bug" in err  # the whole traceback, redacted


# -- exit codes: 0 all briefed, 2 some failed, 3 nothing briefed --------------------------------------
@pytest.mark.parametrize("files,code", [
    ({"a.txt": TEXT, "b.txt": TEXT + "\nb\n"}, 0),
    ({"a.txt": TEXT, "empty.txt": " \n"}, 2),
    ({"empty.txt": "", "binary.txt": b"\x00\x01\x02"}, 3),
    ({}, 3),
    ({"feed.jsonl": json.dumps({"text": TEXT}) + "\n{bad\n"}, 2),
])
def test_daily_exit_codes(tmp_path: Path, capsys, files, code):
    inbox = inbox_of(tmp_path, **files)
    out = tmp_path / "out"
    assert main(["daily", str(inbox), *DAY, "--out", str(out), "--backend", "offline", "-q"]) == code
    if files:
        assert (out / "2026-11-21.json").exists()  # the day is written, even when every article failed
    else:
        one_error_line(capsys.readouterr().err, "NothingToBriefError", "holds no articles")


def test_daily_on_a_missing_inbox_exits_3_and_writes_nothing(tmp_path: Path, capsys):
    out = tmp_path / "out"
    assert main(["daily", str(tmp_path / "nope"), *DAY, "--out", str(out), "--backend", "offline"]) == 3
    one_error_line(capsys.readouterr().err, "no such file or folder")
    assert not out.exists()


def test_daily_follow_links(tmp_path: Path, capsys):
    outside = tmp_path / "outside.txt"
    outside.write_text(TEXT)
    inbox = inbox_of(tmp_path, **{"a.txt": TEXT + "\na\n"})
    (inbox / "link.txt").symlink_to(outside)
    out = tmp_path / "out"
    assert main(["daily", str(inbox), *DAY, "--out", str(out), "--backend", "offline", "-q"]) == 2
    failure = json.loads((out / "2026-11-21" / "failures.jsonl").read_text())
    assert "outside the inbox" in failure["error"] and "--follow-links" in failure["error"]
    # the reason is on stderr too, not only in the file
    assert "failed: " in (err := capsys.readouterr().err) and "outside the inbox" in err
    assert main(["daily", str(inbox), *DAY, "--out", str(out), "--backend", "offline", "-q", "--follow-links"]) == 0
    assert "failed: " not in capsys.readouterr().err


def test_a_daily_run_that_briefs_nothing_says_why_on_stderr(tmp_path: Path, capsys):
    inbox = inbox_of(tmp_path, **{f"{i}.txt": f"Short note {i}." for i in range(5)})
    assert main(["daily", str(inbox), *DAY, "--out", str(tmp_path / "out"), "--backend", "offline", "-q"]) == 3
    err = capsys.readouterr().err.splitlines()
    failed = [line for line in err if line.startswith("failed: ")]
    assert len(failed) == 3 and all("too short" in line for line in failed)
    assert err[-1].startswith("... and 2 more in ") and "failures.jsonl" in err[-1]


@pytest.mark.slow
def test_two_daily_processes_on_one_folder(tmp_path: Path):
    """The second run stops at once with one line naming the folder; the first briefs every
    article exactly once."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in range(12):
        (inbox / f"a{i:02d}.txt").write_text(TEXT + f"\nDesk note {i}.\n")
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MINERALBRIEF_", "OPENAI_"))}
    env.update(PYTHONPATH=str(ROOT), MINERALBRIEF_CACHE_DIR=str(tmp_path / "cache"))

    release = threading.Event()

    def held(request: dict) -> Reply:  # the first run's answers wait until the second run is over
        release.wait(timeout=60)
        return fixture_reply(request)

    with FakeOpenAIServer(default=held) as srv:
        cmd = [sys.executable, "-m", "mineralbrief.cli", "daily", str(inbox), *DAY, "--out", str(out),
               "--base-url", srv.base_url, "--concurrency", "2", "--quiet"]
        first = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while not srv.requests and time.monotonic() < deadline:
            time.sleep(0.01)
        second = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert first.poll() is None, "the first run must still be working"
        release.set()
        assert second.returncode == 1
        one_error_line(second.stderr, "OutputBusyError", str(out), "in use")
        assert first.wait(timeout=60) == 0
    assert len(srv.requests) == 12  # nothing briefed twice
    assert len(list((out / "2026-11-21").glob("*.json"))) == 12


# -- cache info / clear on a damaged cache ---------------------------------------------------------
def cache_dir() -> Path:
    return Path(os.environ["MINERALBRIEF_CACHE_DIR"])


def filled_cache() -> Path:
    """A cache with one brief and one value big enough for diskcache's own xx/yy/*.val files."""
    import mineralbrief
    from mineralbrief.cache import BriefCache

    cache = BriefCache(cache_dir())
    brief = mineralbrief.summarize(Path(ARTICLE), backend="offline")
    cache.set("brief:small", brief)
    cache._cache.set("big", "x" * 100_000)
    cache.close()
    assert list(cache_dir().rglob("*.val"))
    return cache_dir()


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_corrupt_cache_is_one_line_for_info_and_clear_remakes_it(capsys, damage):
    db = filled_cache() / "cache.db"
    data = db.read_bytes()
    db.write_bytes(b"not a database " * 100 if damage == "garbage" else data[: len(data) // 2])
    capsys.readouterr()
    assert main(["cache", "info"]) == 1
    one_error_line(capsys.readouterr().err, "cannot be used", "cache clear")
    assert main(["cache", "clear"]) == 0
    assert "removed it and created an empty one" in capsys.readouterr().out
    assert main(["cache", "info"]) == 0 and "entries: 0" in capsys.readouterr().out


def test_clear_refuses_to_remove_a_corrupt_cache_folder_that_holds_other_files(capsys):
    directory = filled_cache()
    (directory / "cache.db").write_bytes(b"not a database " * 100)
    (directory / "notes.txt").write_text("mine")
    capsys.readouterr()
    assert main(["cache", "clear"]) == 1
    one_error_line(capsys.readouterr().err, "notes.txt", "not removing")
    assert (directory / "notes.txt").read_text() == "mine" and (directory / "cache.db").exists()


def test_a_read_only_cache_is_one_line(capsys, monkeypatch):
    import sqlite3

    filled_cache()

    class ReadOnly:
        def __init__(self, directory):
            raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr("mineralbrief.cli_cache.BriefCache", ReadOnly)
    capsys.readouterr()
    for command in ("info", "clear"):
        assert main(["cache", command]) == 1
        line = one_error_line(capsys.readouterr().err, "readonly database")
        assert "cache clear" not in line  # clearing cannot mend a read-only cache
    assert (cache_dir() / "cache.db").exists()


def test_a_cache_path_that_is_a_file_is_one_line(capsys):
    cache_dir().parent.mkdir(parents=True, exist_ok=True)
    cache_dir().write_text("a file")
    for command in ("info", "clear"):
        assert main(["cache", command]) == 1
        one_error_line(capsys.readouterr().err)


def test_info_and_clear_without_a_cache_do_not_create_one(capsys):
    assert main(["cache", "info"]) == 0 and "entries: 0" in capsys.readouterr().out
    assert main(["cache", "clear"]) == 0 and not cache_dir().exists()


def test_daily_from_stdin_that_is_not_utf8_is_a_failure_line(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", StdinBytes(b"Prix du n\xe9odyme " * 40))
    out = tmp_path / "out"
    assert main(["daily", "-", *DAY, "--out", str(out), "--backend", "offline", "-q"]) == 3
    [failure] = (out / "2026-11-21" / "failures.jsonl").read_text().splitlines()
    assert json.loads(failure)["source"] == "stdin" and "not valid UTF-8" in failure


def test_python_dash_m_runs_the_cli():
    proc = subprocess.run([sys.executable, "-m", "mineralbrief", "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "summarize" in proc.stdout


def test_help_shows_flag_pairs_not_types(capsys):
    assert main(["summarize", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--cache / --no-cache" in out and "<bool>" not in out


def test_daily_date_defaults_to_today(tmp_path, capsys):
    from datetime import date

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_text(Path(ARTICLE).read_text())
    assert main(["daily", str(inbox), "--out", str(tmp_path / "out"), "--backend", "offline", "-q"]) == 0
    assert (tmp_path / "out" / f"{date.today().isoformat()}.json").exists()


def test_summarize_writes_html_to_a_file(tmp_path, capsys):
    page = tmp_path / "brief.html"
    assert main(["summarize", str(ARTICLE), "--backend", "offline", "-f", "html", "-o", str(page)]) == 0
    html = page.read_text()
    assert html.lower().startswith("<!doctype html>") and 'data-ev="' in html  # claims linked to spans
    assert "RareX" in html


def test_stdin_keeps_a_title(monkeypatch, capsys):
    text = Path(ARTICLE).read_text().encode()
    monkeypatch.setattr("sys.stdin", StdinBytes(b"Wire: RareX signs an MOU\n\n" + text))
    assert main(["summarize", "-", "--backend", "offline", "-f", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["source"]["title"] == "Wire: RareX signs an MOU"
    monkeypatch.setattr("sys.stdin", StdinBytes(text))
    assert main(["summarize", "-", "--backend", "offline", "-f", "json", "--title", "Given"]) == 0
    assert json.loads(capsys.readouterr().out)["source"]["title"] == "Given"


def test_a_string_that_names_a_file_is_refused_with_a_pointer_to_path():
    import mineralbrief

    with pytest.raises(mineralbrief.ArticleError, match=r"pass Path\("):
        mineralbrief.summarize(str(ARTICLE), backend="offline")


def test_address_without_the_ray_engine_is_a_usage_error(tmp_path, capsys):
    assert main(["daily", str(tmp_path), "--address", "auto", "--backend", "offline"]) == 1
    one_error_line(capsys.readouterr().err, "--address needs --engine ray")
    # --actors and --reask-via were silently ignored without the engine or the Batch API they tune
    assert main(["daily", str(tmp_path), "--actors", "5", "--backend", "offline"]) == 1
    one_error_line(capsys.readouterr().err, "--actors needs --engine ray")
    assert main(["daily", str(tmp_path), "--reask-via", "batch", "--backend", "offline"]) == 1
    one_error_line(capsys.readouterr().err, "--reask-via needs --via batch")


@pytest.mark.parametrize("day", ["20261121", "2026-W48-1", "2026-11-21T00:00"])
def test_a_date_not_written_yyyy_mm_dd_is_a_usage_error(tmp_path, day, capsys):
    # fromisoformat reads these too: the help says YYYY-MM-DD
    assert main(["daily", str(tmp_path), "--date", day, "--backend", "offline"]) == 1
    one_error_line(capsys.readouterr().err, "--date must be YYYY-MM-DD")


def test_schema_write_to_a_file_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "schemas").write_text("not a folder")
    assert main(["schema", "--write", str(tmp_path / "schemas")]) == 1
    one_error_line(capsys.readouterr().err, "is a file; name the folder")


def test_an_environment_setting_that_is_not_json_is_a_config_error(monkeypatch, capsys):
    # MINERALBRIEF_PRICES='{not json': pydantic-settings' SettingsError escaped as an "internal error"
    monkeypatch.setenv("MINERALBRIEF_PRICES", "{not json")
    assert main(["summarize", ARTICLE, "--backend", "offline", "--no-cache"]) == 1
    line = one_error_line(capsys.readouterr().err, "ConfigError", "MINERALBRIEF_PRICES")
    assert "internal error" not in line
    import mineralbrief

    with pytest.raises(mineralbrief.ConfigError):
        mineralbrief.Summarizer(backend="offline")


def test_an_empty_environment_setting_is_unset(tmp_path, monkeypatch, capsys):
    # MINERALBRIEF_CACHE_DIR= made the current folder the cache: a cache.db written into it and
    # the folder chmod 0700; MINERALBRIEF_MODEL= asked for a model named ''
    work = tmp_path / "work"
    work.mkdir(mode=0o755)
    monkeypatch.chdir(work)
    for name in ("MINERALBRIEF_CACHE_DIR", "MINERALBRIEF_MODEL", "MINERALBRIEF_MAX_REASKS", "MINERALBRIEF_GGUF"):
        monkeypatch.setenv(name, "")
    assert main(["cache", "info"]) == 0
    assert main(["summarize", ARTICLE]) == 0
    assert list(work.iterdir()) == [] and work.stat().st_mode & 0o777 == 0o755
    assert "backend offline" in capsys.readouterr().err
    import mineralbrief

    settings = mineralbrief.Settings(cache_dir="", gguf=" ")
    assert settings.cache_dir is None and settings.gguf is None and settings.model == "gpt-4o-mini"


@pytest.mark.parametrize("kind", ["day", "brief"])
def test_view_of_a_json_that_looks_like_a_day_or_brief_but_is_not_one_is_one_clear_line(kind, tmp_path, capsys):
    # a hand-edited or foreign day/brief JSON: pydantic's ValidationError (dozens of lines of
    # problems) came out as an "internal error"
    data = ({"date": "yesterday", "deals": [{"deal": {"deal_type": "nonsense"}}]} if kind == "day"
            else {"headline": "h", "key_points": "not a list"})
    path = tmp_path / f"{kind}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["view", str(path), "--no-open"]) == 1
    line = one_error_line(capsys.readouterr().err, str(path), f"not a {'daily brief' if kind == 'day' else 'brief'}")
    assert "internal error" not in line and "problem(s)" in line and len(line) < 400
    assert not path.with_suffix(".html").exists()


def test_view_of_a_deeply_nested_json_is_one_clear_line(tmp_path, capsys):
    # json.loads raised RecursionError (not a ValueError) in view's sniffing of the file
    path = tmp_path / "nested.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert main(["view", str(path), "--no-open"]) == 1
    line = one_error_line(capsys.readouterr().err, "ArticleError", "nested too deeply")
    assert "internal error" not in line


def test_summarize_never_writes_its_brief_over_the_article(tmp_path, capsys):
    # `summarize a.txt -o a.txt` replaced the article with its brief, silently
    article = tmp_path / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(article)
    for out in (article, tmp_path / "link.txt", tmp_path / "." / "a.txt"):
        assert main(["summarize", str(article), "-o", str(out), "--backend", "offline", "--no-cache"]) == 1
        one_error_line(capsys.readouterr().err, "--output", "the article")
        assert article.read_text(encoding="utf-8") == TEXT


def test_a_title_given_with_a_file_is_cleaned_as_one_given_with_stdin(tmp_path, capsys, monkeypatch):
    # --title with a file kept newlines and escape sequences (a terminal's ESC reached stdout);
    # with stdin the same --title was made one clean line
    title = "Evil\n\n## Deals\x1b[2J\ud800"
    assert main(["summarize", ARTICLE, "--title", title, "-f", "json", "--backend", "offline", "--no-cache"]) == 0
    from_file = json.loads(capsys.readouterr().out)["source"]["title"]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TEXT.encode()), encoding="utf-8"))
    assert main(["summarize", "-", "--title", title, "-f", "json", "--backend", "offline", "--no-cache"]) == 0
    from_stdin = json.loads(capsys.readouterr().out)["source"]["title"]
    assert from_file == from_stdin and "\x1b" not in from_file and "\n" not in from_file


@pytest.mark.parametrize("empty", ["", "  "])
def test_an_empty_inbox_name_is_an_error_not_the_current_folder(empty, tmp_path, monkeypatch, capsys):
    # `daily "$INBOX"` with INBOX unset: Path("") is ".", and the run briefed every file under
    # the current folder, recursively
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text(TEXT, encoding="utf-8")
    assert main(["daily", empty, "--out", str(tmp_path / "out"), *DAY, "--backend", "offline"]) == 3
    one_error_line(capsys.readouterr().err, "empty")
    assert not (tmp_path / "out").exists()
    import mineralbrief

    [item] = list(mineralbrief.iter_source(empty))
    assert isinstance(item, mineralbrief.ArticleError) and "empty" in str(item)


def test_summarize_output_dash_is_stdout_and_a_folder_is_refused(tmp_path, capsys, monkeypatch):
    # `-o -` wrote a file named "-"; `-o ''` (".") and a folder failed after the work with
    # "cannot write .: Device or resource busy"
    monkeypatch.chdir(tmp_path)
    assert main(["summarize", str(ARTICLE), "-o", "-", "--backend", "offline", "--no-cache"]) == 0
    assert capsys.readouterr().out.startswith("# ") and not (tmp_path / "-").exists()
    for out in ("", ".", str(tmp_path)):
        assert main(["summarize", str(ARTICLE), "-o", out, "--backend", "offline", "--no-cache"]) == 1
        one_error_line(capsys.readouterr().err, "--output", "is a folder")


def test_view_never_writes_its_page_over_its_input_and_a_bad_out_or_articles_is_one_line(tmp_path, capsys):
    # `view day.json -o day.json` replaced the day's JSON with the page; `-o FOLDER` failed as
    # "IsADirectoryError: ... .FOLDER.x1y2.tmp"; --articles naming nothing was silently ignored
    out = tmp_path / "briefs"
    assert main(["daily", str(SEEDS / "rarex_ussm_mou.txt"), "--out", str(out), *DAY, "--backend", "offline", "-q"]) == 0
    day = out / "2026-11-21.json"
    before = day.read_bytes()
    assert main(["view", str(day), "--no-open", "-o", str(day)]) == 1
    one_error_line(capsys.readouterr().err, "--out", "itself")
    assert day.read_bytes() == before
    assert main(["view", str(day), "--no-open", "-o", str(out)]) == 1
    one_error_line(capsys.readouterr().err, "--out", "folder")
    assert main(["view", str(day), "--no-open", "--articles", str(tmp_path / "nowhere")]) == 1
    one_error_line(capsys.readouterr().err, "--articles", "nowhere")
    assert main(["view", str(out), "--no-open"]) == 1
    assert "no such file" not in one_error_line(capsys.readouterr().err, "folder")
    assert not list(out.glob("*.html")) and not list(out.glob(".*.tmp"))


def test_a_bidi_control_in_a_file_name_is_escaped_in_the_error_line(tmp_path, capsys):
    # "evil\u202etxt.exe" printed as is: the terminal showed the rest of the error line reversed
    assert main(["summarize", str(tmp_path / "evil\u202etxt.exe"), "--backend", "offline"]) == 1
    line = one_error_line(capsys.readouterr().err, "evil\\u202etxt.exe", "cannot read")
    assert "\u202e" not in line


def test_an_output_that_cannot_be_written_is_refused_before_the_model_is_paid(tmp_path, capsys, monkeypatch):
    # `-o` was first tried after the model's answer: a path through a file (or a read-only
    # place) cost the call, and with --no-cache the brief itself
    (tmp_path / "notes").write_text("a file, not a folder", encoding="utf-8")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-fixture")
    with FakeOpenAIServer(default=fixture_reply) as srv:
        assert main(["summarize", ARTICLE, "--base-url", srv.base_url, "--no-cache",
                     "-o", str(tmp_path / "notes" / "brief.md")]) == 1
        one_error_line(capsys.readouterr().err, "--output", "cannot be written")
        assert not srv.requests


def test_a_brief_that_cannot_be_written_after_it_was_made_goes_to_stdout(tmp_path, capsys, monkeypatch):
    # a full disk between the check and the write: the brief, paid for, is printed, not lost
    import mineralbrief.runner

    def full(path, text):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(mineralbrief.runner, "atomic_write", full)
    assert main(["summarize", ARTICLE, "--backend", "offline", "--no-cache", "-o", str(tmp_path / "b.md")]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith("# ")
    one_error_line(captured.err, "No space left on device", "on stdout")


def test_view_refuses_an_out_that_cannot_be_written_before_briefing_the_article(tmp_path, capsys, monkeypatch):
    (tmp_path / "notes").write_text("a file, not a folder", encoding="utf-8")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-fixture")
    with FakeOpenAIServer(default=fixture_reply) as srv:
        assert main(["view", ARTICLE, "--no-open", "--base-url", srv.base_url,
                     "-o", str(tmp_path / "notes" / "page.html")]) == 1
        one_error_line(capsys.readouterr().err, "--out", "cannot be written")
        assert not srv.requests


def test_summarize_stdin_at_a_terminal_says_it_is_waiting_for_the_article(capsys, monkeypatch):
    # `summarize -` typed at a prompt waited in silence, as if hung
    class Terminal(io.TextIOWrapper):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Terminal(io.BytesIO(TEXT.encode()), encoding="utf-8"))
    assert main(["summarize", "-", "--backend", "offline", "--no-cache"]) == 0
    assert "end it with Ctrl-D" in capsys.readouterr().err
