"""The command line: the main job, schemas, cache, and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from mineralbrief.cli import main

from conftest import ROOT, SEEDS

ARTICLE = str(SEEDS / "rarex_ussm_mou.txt")


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
    assert main(["summarize", ARTICLE, "--format", "pdf"]) == 2


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
