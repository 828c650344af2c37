"""The ``mineralbrief`` command: parses, calls the API, prints. No logic of its own.

Errors print as one line on stderr with a non-zero exit; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import json
import logging
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .api import Summarizer, make_settings
from .article import Article, check_text, load_article
from .cache import BriefCache
from .errors import MineralBriefError
from .schema import write_schemas

app = typer.Typer(
    add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
    help="Typed, grounded briefs of critical-minerals news.",
)
cache_app = typer.Typer(no_args_is_help=True, help="Inspect or clear the brief cache.")
app.add_typer(cache_app, name="cache")


class Format(str, Enum):
    md = "md"
    json = "json"


class BackendChoice(str, Enum):
    auto = "auto"
    openai = "openai"
    offline = "offline"
    local = "local"


class ModeChoice(str, Enum):
    tools = "tools"
    json = "json"
    md_json = "md_json"


@app.callback()
def _root(
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks and debug logs."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress to stderr."),
) -> None:
    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="mineralbrief: %(levelname)s %(message)s", stream=sys.stderr)
    # instructor logs every failed HTTP attempt at ERROR; ours are retried and reported once
    logging.getLogger("instructor").setLevel(logging.DEBUG if debug else logging.CRITICAL)


def _read(path: str) -> Article:
    if path == "-":
        return Article(text=check_text(sys.stdin.read(), "stdin"), source="stdin")
    return load_article(Path(path))


@app.command()
def summarize(
    path: str = typer.Argument(..., help="Article file (.txt, .md, .html, .json) or - for stdin."),
    fmt: Format = typer.Option(Format.md, "--format", "-f", help="Output format."),
    backend: Optional[BackendChoice] = typer.Option(
        None, "--backend", help="auto (default), openai, offline or local."),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="Model name for the endpoint."),
    gguf: Optional[Path] = typer.Option(None, "--gguf", help="GGUF model for --backend local."),
    no_candidates: bool = typer.Option(
        False, "--no-candidates", help="Local backend: free strings, no candidate enums."),
    base_url: Optional[str] = typer.Option(None, "--base-url", help="OpenAI-compatible endpoint URL."),
    mode: Optional[ModeChoice] = typer.Option(None, "--mode", help="tools (default), json or md_json."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Neither read nor write the cache."),
    strict: bool = typer.Option(False, "--strict", help="Fail when any statement cannot be grounded."),
    max_reasks: Optional[int] = typer.Option(None, "--max-reasks", help="Validation re-asks (default 2)."),
) -> None:
    """Brief one article and print it as Markdown or JSON."""
    settings = make_settings(
        backend=backend.value if backend else None, model=model, base_url=base_url,
        mode=mode.value if mode else None, cache=False if no_cache else None,
        strict=True if strict else None, max_reasks=max_reasks, gguf=gguf,
        local_candidates=False if no_candidates else None,
    )
    article = _read(path)
    summarizer = Summarizer(settings)
    why = "" if settings.backend != "auto" else (
        " (endpoint or key configured)" if settings.resolved_backend == "openai"
        else " (no endpoint or key configured; set OPENAI_API_KEY or --base-url for an LLM)")
    typer.echo(f"mineralbrief: backend {summarizer.backend_name}{why}", err=True)
    brief = summarizer.summarize(article)
    typer.echo(brief.model_dump_json(indent=2) if fmt is Format.json else brief.to_markdown())
    if not brief.grounding.ok:
        typer.echo(
            f"mineralbrief: warning: {len(brief.grounding.unverified)} statement(s) not found in the article",
            err=True,
        )


@app.command()
def schema(
    write: Optional[Path] = typer.Option(None, "--write", help="Write the JSON Schemas into this folder."),
) -> None:
    """Print the Brief JSON Schema, or write all schemas with --write DIR."""
    if write is None:
        from .models import Brief

        typer.echo(json.dumps(Brief.model_json_schema(), indent=2))
        return
    for path in write_schemas(write):
        typer.echo(f"wrote {path}")


@app.command()
def daily(
    inbox: Path = typer.Argument(..., help="Folder (or file, or - for stdin) of the day's articles."),
    day: str = typer.Option(..., "--date", help="The day, YYYY-MM-DD."),
    out: Path = typer.Option(Path("briefs"), "--out", help="Where to write the briefs."),
    concurrency: int = typer.Option(8, "--concurrency", min=1, max=256, help="Articles (LLM calls) in flight at once."),
    budget_tokens: Optional[int] = typer.Option(
        None, "--budget-tokens", min=0, help="Start no new article once the run has used this many tokens."),
    previous: Optional[Path] = typer.Option(
        None, "--previous", help="The previous day's JSON, to mark deals new/updated."),
    backend: Optional[BackendChoice] = typer.Option(None, "--backend"),
    model: Optional[str] = typer.Option(None, "--model", "-m"),
    base_url: Optional[str] = typer.Option(None, "--base-url"),
    gguf: Optional[Path] = typer.Option(None, "--gguf", help="GGUF model for --backend local."),
    no_cache: bool = typer.Option(False, "--no-cache"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress line."),
) -> None:
    """Brief a folder of articles and write the day's brief (resumable)."""
    from datetime import date as _date

    from .runner import run_daily

    try:
        the_day = _date.fromisoformat(day)
    except ValueError:
        raise typer.BadParameter(f"--date must be YYYY-MM-DD, got {day!r}") from None
    settings = make_settings(backend=backend.value if backend else None, model=model, base_url=base_url,
                             cache=False if no_cache else None, gguf=gguf)
    summarizer = Summarizer(settings)
    typer.echo(f"mineralbrief: backend {summarizer.backend_name}", err=True)
    tty = sys.stderr.isatty()

    def show(p) -> None:
        if not quiet and (tty or p.finished == p.total):
            sys.stderr.write(("\r" if tty else "") + p.line() + ("\n" if p.finished == p.total or not tty else ""))
            sys.stderr.flush()

    with summarizer:  # its clients and cache close with the run
        result, progress = run_daily(inbox, the_day, out, summarizer=summarizer, concurrency=concurrency,
                                     budget_tokens=budget_tokens, previous=previous, on_progress=show)
    typer.echo(f"wrote {out / (the_day.isoformat() + '.md')} and .json; "
               f"{len(result.articles)} brief(s), {len(result.deals)} deal(s), {result.failed} failure(s) "
               f"(see {out / the_day.isoformat() / 'failures.jsonl'})")


@app.command("eval")
def eval_cmd(
    articles: Path = typer.Argument(..., help="Folder of articles."),
    gold: Path = typer.Option(..., "--gold", help="Folder of gold label files (foo.txt -> foo.json)."),
    backend: Optional[BackendChoice] = typer.Option(
        None, "--backend", help="auto (default), openai, offline or local."),
    model: Optional[str] = typer.Option(None, "--model", "-m"),
    base_url: Optional[str] = typer.Option(None, "--base-url"),
    gguf: Optional[Path] = typer.Option(None, "--gguf", help="GGUF model for --backend local."),
    no_candidates: bool = typer.Option(
        False, "--no-candidates", help="Local backend: free strings, no candidate enums."),
    as_json: bool = typer.Option(False, "--json", help="Print only the JSON report."),
) -> None:
    """Score briefs against gold labels: precision, recall and F1 per field."""
    from .evaluate import evaluate

    for folder in (articles, gold):
        if not folder.is_dir():
            raise typer.BadParameter(f"{folder} is not a folder")
    summarizer = Summarizer(make_settings(
        backend=backend.value if backend else None, model=model, base_url=base_url, gguf=gguf,
        local_candidates=False if no_candidates else None,
    ))
    typer.echo(f"mineralbrief: backend {summarizer.backend_name}", err=True)
    report = evaluate(articles, gold, summarizer.summarize)
    if not as_json:
        typer.echo(report.table())
        typer.echo("")
    typer.echo(json.dumps(report.as_dict(), indent=2))


@cache_app.command("info")
def cache_info() -> None:
    """Where the cache is and what it holds."""
    cache = BriefCache(make_settings().resolved_cache_dir)
    info = cache.info()
    typer.echo(f"directory: {info['directory']}\nentries: {info['entries']}\nsize: {info['size_bytes']:,} bytes")


@cache_app.command("clear")
def cache_clear() -> None:
    """Remove every cached brief."""
    cache = BriefCache(make_settings().resolved_cache_dir)
    typer.echo(f"removed {cache.clear()} cached brief(s) from {cache.directory}")


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app, turn errors into one line and an exit code."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        # standalone: usage errors print their own message and exit 2
        app(args=args, prog_name="mineralbrief")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except MineralBriefError as exc:
        if debug:
            raise
        typer.echo(f"mineralbrief: error: {type(exc).__name__}: {exc}", err=True)
        return 1
    except KeyboardInterrupt:
        typer.echo("mineralbrief: interrupted", err=True)
        return 130
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
