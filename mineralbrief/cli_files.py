"""The command line's files: the article read (a path, a URL or stdin), the output checked before a
model is paid, and written atomically (or, when the disk fails after, printed: never lost)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import typer

from .article import Article, clean_title, load_article, read_stdin
from .errors import MineralBriefError
from .sources.fetch import is_url


def say_if_terminal() -> None:
    """Say that stdin is read: `summarize -` typed at a prompt waited in silence, as if hung."""
    if sys.stdin is not None and sys.stdin.isatty():
        typer.echo("mineralbrief: reading the article from the terminal; end it with Ctrl-D", err=True)


def read_input(path: str, title: str | None = None) -> Article:
    if path == "-":
        say_if_terminal()
        return read_stdin(title)
    if is_url(path):  # typer's Path would fold the // of a URL; it stays a str until here
        from .sources import load_url

        article = load_url(path)
    else:
        article = load_article(Path(path))
    # cleaned as read_stdin cleans it: one line, no control characters, no lone surrogates
    clean = clean_title(title) if title else None
    return article.model_copy(update={"title": clean}) if clean else article


def write_out(text: str, out: Path | None) -> None:
    """Print ``text``, or write it to ``out`` (atomically: never a half-written file)."""
    if out is None:
        typer.echo(text)
        return
    from .runner import atomic_write

    try:
        atomic_write(out, text if text.endswith("\n") else text + "\n")
    except OSError as exc:  # (a full disk, since check_writable passed) the brief is paid for: not lost
        typer.echo(text)
        raise MineralBriefError(f"cannot write {out}: {exc.strerror or exc}; the brief is on stdout instead") from None
    typer.echo(f"wrote {out}", err=True)


def check_writable(out: Path, option: str = "--output") -> None:
    """Refuse an ``--output`` that cannot be written before the article is briefed: found only
    after the model's answer, it cost the call (and, with ``--no-cache``, the brief)."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out.parent):
            pass
    except OSError as exc:
        why = "a file stands where a folder of its path should be" if isinstance(
            exc, (FileExistsError, NotADirectoryError)) else exc.strerror or exc
        raise typer.BadParameter(f"{option} {out} cannot be written: {why}") from None


def same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except (OSError, ValueError):
        return False
