"""The ``mineralbrief`` command: parses, calls the API, prints. No logic of its own. The
``cache`` commands are cli_cache.py's, added here as a group.

Every error prints as one line on stderr (``--debug`` shows the traceback). Exit codes: 0 all
briefed; 2 some articles failed or were skipped by the budget (``daily``: the day is still
written); 3 nothing could be
briefed (``daily``: the inbox is missing or empty, or every article failed); 1 anything else
that stopped the command (usage, configuration, an unreadable article for ``summarize``, an
output folder in use or a full disk); 130 interrupted.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from collections.abc import Callable, Iterator
from enum import Enum
from functools import partial
from pathlib import Path
from typing import Any, Optional

import typer

from .api import Summarizer, make_settings
from .article import display_path
from .batch import summarize_many
from .cli_cache import cache_app
from .cli_files import check_writable, read_input, same_file, say_if_terminal, write_out
from .errors import ArticleError, MineralBriefError
from .redact import redact
from .schema import write_schemas
from .sources.fetch import is_url

EXIT_OK, EXIT_ERROR, EXIT_SOME_FAILED, EXIT_NOTHING_BRIEFED = 0, 1, 2, 3

# plain click help: typer's rich panels print "<bool>" beside every flag
app = typer.Typer(
    add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False, rich_markup_mode=None,
    help="Typed, grounded briefs of critical-minerals news.",
)
app.add_typer(cache_app, name="cache")  # cache info, cache clear: cli_cache.py


class Format(str, Enum):
    md = "md"
    json = "json"
    html = "html"


class Via(str, Enum):
    online = "online"
    batch = "batch"


class ReaskVia(str, Enum):
    auto = "auto"
    batch = "batch"
    online = "online"


class Engine(str, Enum):
    local = "local"
    ray = "ray"


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
    # trafilatura warns of every page it finds no text in; the error line already says so
    logging.getLogger("trafilatura").setLevel(logging.DEBUG if debug else logging.ERROR)


@app.command()
def summarize(
    path: str = typer.Argument(
        ..., help="Article file (.txt, .md, .html, .json, .pdf), an http(s) URL, or - for stdin."),
    fmt: Format = typer.Option(Format.md, "--format", "-f", help="md, json, or html (the review page)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file (- or none: stdout)."),
    title: Optional[str] = typer.Option(None, "--title", help="The article's title (default: its first line)."),
    backend: Optional[BackendChoice] = typer.Option(
        None, "--backend", help="auto (default), openai, offline or local."),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="Model name for the endpoint."),
    gguf: Optional[Path] = typer.Option(None, "--gguf", help="GGUF model for --backend local."),
    candidates: bool = typer.Option(
        True, "--candidates/--no-candidates", help="Local backend: hold the model to the domain layer's choices."),
    base_url: Optional[str] = typer.Option(None, "--base-url", help="OpenAI-compatible endpoint URL."),
    mode: Optional[ModeChoice] = typer.Option(None, "--mode", help="tools (default), json or md_json."),
    cache: bool = typer.Option(True, "--cache/--no-cache", help="Read and write the brief cache."),
    strict: bool = typer.Option(False, "--strict/--no-strict", help="Fail when any statement cannot be grounded."),
    max_reasks: Optional[int] = typer.Option(None, "--max-reasks", help="Validation re-asks (default 2)."),
) -> None:
    """Brief one article and print it as Markdown, JSON or an HTML review page."""
    if output is not None and str(output) == "-":  # stdout, as "-" is stdin for the article
        output = None
    if output is not None and output.is_dir():  # ("-o ''" is "."): checked before any work
        raise typer.BadParameter(f"--output {output} is a folder; name the file to write")
    if output is not None and path != "-" and not is_url(path) and same_file(Path(path), output):
        raise typer.BadParameter(f"--output {output} is the article itself; write the brief to another file")
    settings = make_settings(
        backend=backend.value if backend else None, model=model, base_url=base_url,
        mode=mode.value if mode else None, cache=False if not cache else None,
        strict=True if strict else None, max_reasks=max_reasks, gguf=gguf,
        local_candidates=False if not candidates else None,
    )
    article = read_input(path, title)
    if output is not None:
        check_writable(output)
    summarizer = Summarizer(settings)
    why = "" if settings.backend != "auto" else (
        " (endpoint or key configured)" if settings.resolved_backend == "openai"
        else " (no endpoint or key configured; set OPENAI_API_KEY or --base-url for an LLM)")
    typer.echo(f"mineralbrief: backend {summarizer.backend_name}{why}", err=True)
    with summarizer:
        brief = summarizer.summarize(article)
    if fmt is Format.json:
        write_out(brief.model_dump_json(indent=2), output)
    elif fmt is Format.html:
        write_out(brief.to_html(article.text), output)
    else:
        write_out(brief.to_markdown(), output)
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
    if write.exists() and not write.is_dir():
        raise typer.BadParameter(f"--write {display_path(write)} is a file; name the folder to write the schemas into")
    for path in write_schemas(write):
        typer.echo(f"wrote {path}")


@app.command()
def daily(
    inbox: str = typer.Argument(
        ..., help="Folder or file of the day's articles, - for stdin, a feed (file or URL) or a file of URLs."),
    day: Optional[str] = typer.Option(None, "--date", help="The day, YYYY-MM-DD (default: today)."),
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
    cache: bool = typer.Option(True, "--cache/--no-cache", help="Read and write the brief cache."),
    follow_links: bool = typer.Option(
        False, "--follow-links", help="Read links that lead out of the inbox (by default each is a failure)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress display."),
    engine: Engine = typer.Option(Engine.local, "--engine", help="local: this process; ray: a Ray cluster ([ray])."),
    address: Optional[str] = typer.Option(
        None, "--address", help="With --engine ray: the cluster to join (default: a local one for this run)."),
    actors: int = typer.Option(2, "--actors", min=1, help="With --engine ray: actors in the pool."),
    cache_url: Optional[str] = typer.Option(
        None, "--cache-url", help="A shared cache, e.g. redis://host:6379/0 ([redis]); default the disk cache."),
    via: Via = typer.Option(Via.online, "--via", help="online (now, full price) or batch (the provider's Batch "
                            "API: half the price, within 24 h; run again to resume)."),
    reask_via: ReaskVia = typer.Option(ReaskVia.auto, "--reask-via", help="With --via batch: where re-asks go."),
    rpm: Optional[int] = typer.Option(None, "--rpm", min=1, help="Requests per minute the endpoint allows."),
    tpm: Optional[int] = typer.Option(None, "--tpm", min=1, help="Tokens per minute the endpoint allows."),
) -> None:
    """Brief a folder of articles and write the day's brief (resumable).

    Exit code 0 when every article was briefed, 2 when some failed (the day is still written),
    3 when nothing could be briefed, 1 when the run could not go on.
    """
    from datetime import date as _date

    from .runner import run_daily

    try:  # (fromisoformat also reads "20261121" and "2026-W48-1": not what the help says)
        if day and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
            raise ValueError(day)
        the_day = _date.fromisoformat(day) if day else _date.today()
    except ValueError:
        raise typer.BadParameter(f"--date must be YYYY-MM-DD, got {day!r}") from None
    if address is not None and engine is not Engine.ray:
        raise typer.BadParameter("--address needs --engine ray")
    if actors != 2 and engine is not Engine.ray:  # else silently a run in this process
        raise typer.BadParameter("--actors needs --engine ray")
    if reask_via is not ReaskVia.auto and via is not Via.batch:  # else silently re-asked online
        raise typer.BadParameter("--reask-via needs --via batch")
    if via is Via.batch and (engine is Engine.ray or budget_tokens is not None):
        raise typer.BadParameter("--via batch goes with neither --engine ray nor --budget-tokens")
    settings = make_settings(backend=backend.value if backend else None, model=model, base_url=base_url,
                             cache=False if not cache else None, gguf=gguf, cache_url=cache_url, rpm=rpm, tpm=tpm)
    batch: Callable[..., Iterator[Any]] = summarize_many
    if via is Via.batch:  # the batch's state beside the day's briefs: a re-run resumes it
        batch = partial(summarize_many, via="batch", state_dir=out / the_day.isoformat() / ".batch-api",
                        reask_via=reask_via.value, on_status=lambda line: typer.echo(line, err=True))
    if engine is Engine.ray:
        from .ray import summarize_on_ray

        batch = partial(summarize_on_ray, address=address, actors=actors)
    summarizer = Summarizer(settings)
    typer.echo(f"mineralbrief: backend {summarizer.backend_name}" + (" on ray" if engine is Engine.ray else ""),
               err=True)
    from .progress import progress_display

    with summarizer, progress_display(quiet=quiet) as show:  # clients, cache and display close with the run
        # a URL, or an empty name (refused: Path("") would be the current folder), stays a str
        source: str | Path = inbox if is_url(inbox) or not inbox.strip() else Path(inbox)
        if inbox == "-":
            say_if_terminal()
        result, progress = run_daily(source, the_day, out, summarizer=summarizer,
                                     concurrency=concurrency,
                                     budget_tokens=budget_tokens, previous=previous, on_progress=show,
                                     follow_links=follow_links, batch=batch)
    written, failures = out / (the_day.isoformat() + ".md"), out / the_day.isoformat() / "failures.jsonl"
    if progress.briefed == 0 and result.articles:  # nothing briefed: the day an earlier run wrote was kept
        typer.echo(f"kept {written} and .json from an earlier run ({len(result.articles)} brief(s)); none briefed "
                   f"now, {progress.finished} failed or skipped (see {failures})")
    else:
        typer.echo(f"wrote {written} and .json; {len(result.articles)} brief(s), {len(result.deals)} deal(s), "
                   f"{result.failed} failure(s) (see {failures})")
    if progress.briefed < progress.total:
        _say_failures(progress.failures, failures)
        raise typer.Exit(EXIT_NOTHING_BRIEFED if progress.briefed == 0 else EXIT_SOME_FAILED)


def _say_failures(found: list[dict[str, Any]], where: Path, shown: int = 3) -> None:
    """The first failures of a run on stderr, a line each (the reason was only in the file: a
    feed that could not be reached exited 3 with nothing on stderr)."""
    for f in found[:shown]:
        typer.echo(f"{f['status']}: {f['source']}: {f['error']}"[:400], err=True)
    if len(found) > shown:
        typer.echo(f"... and {len(found) - shown} more in {where}", err=True)


@app.command()
def view(
    path: Path = typer.Argument(..., help="A day's JSON from `daily`, a brief's JSON, or an article."),
    articles: Optional[Path] = typer.Option(
        None, "--articles", help="File or folder of the source articles (matched by content hash)."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Where to write the page (default: beside PATH)."),
    open_it: bool = typer.Option(True, "--open/--no-open", help="Open the page in a browser."),
    backend: Optional[BackendChoice] = typer.Option(None, "--backend", help="Used only when PATH is an article."),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="Used only when PATH is an article."),
    base_url: Optional[str] = typer.Option(None, "--base-url", help="Used only when PATH is an article."),
) -> None:
    """Write the HTML review page of a day, a brief or an article, and open it."""
    from pydantic import ValidationError

    from .view import default_output, open_page, review_page, write_page

    # checked before any work, as summarize's --output: the page must not replace what it shows
    if out is not None and out.is_dir():
        raise typer.BadParameter(f"--out {out} is a folder; name the file to write")
    if out is not None and same_file(path, out):
        raise typer.BadParameter(f"--out {out} is {path} itself; write the page to another file")
    if articles is not None and not articles.exists():  # else every brief shows its quotes, unexplained
        raise typer.BadParameter(f"--articles {articles}: no such file or folder")
    if out is not None:  # (an article is briefed first, with a model a paid call)
        check_writable(out, "--out")
    settings = make_settings(backend=backend.value if backend else None, model=model, base_url=base_url)
    with Summarizer(settings) as summarizer:
        try:
            html = review_page(path, articles=articles, summarizer=summarizer)
        except ValidationError as exc:  # a JSON with a day's or a brief's keys that is not one
            first = exc.errors()[0]
            what = "daily brief" if exc.title == "DailyBrief" else "brief"
            raise ArticleError(
                f"{display_path(path)}: not a {what} ({exc.error_count()} problem(s); first: "
                f"{'.'.join(str(p) for p in first['loc']) or 'file'}: {first['msg']})", article_id=str(path)) from None
        target = out or default_output(path)
        try:
            page = write_page(html, target)
        except OSError as exc:
            raise MineralBriefError(f"cannot write {target}: {exc.strerror or exc}") from None
    typer.echo(str(page))
    if open_it:
        open_page(page)


@app.command("eval")
def eval_cmd(
    articles: Path = typer.Argument(..., help="Folder of articles."),
    gold: Path = typer.Option(..., "--gold", help="Folder of gold label files (foo.txt -> foo.json)."),
    backend: Optional[BackendChoice] = typer.Option(
        None, "--backend", help="auto (default), openai, offline or local."),
    model: Optional[str] = typer.Option(None, "--model", "-m"),
    base_url: Optional[str] = typer.Option(None, "--base-url"),
    gguf: Optional[Path] = typer.Option(None, "--gguf", help="GGUF model for --backend local."),
    candidates: bool = typer.Option(
        True, "--candidates/--no-candidates", help="Local backend: hold the model to the domain layer's choices."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON instead of a table."),
) -> None:
    """Score briefs against gold labels: precision, recall and F1 per field.

    Exit code 0 when every article with a gold label was scored, 2 when some failed (each
    named on stderr), 3 when none was scored.
    """
    from .errors import NothingToBriefError
    from .evaluate import evaluate

    for folder in (articles, gold):
        if not folder.is_dir():
            raise typer.BadParameter(f"{folder} is not a folder")
    summarizer = Summarizer(make_settings(
        backend=backend.value if backend else None, model=model, base_url=base_url, gguf=gguf,
        local_candidates=False if not candidates else None,
    ))
    typer.echo(f"mineralbrief: backend {summarizer.backend_name}", err=True)
    with summarizer:
        report = evaluate(articles, gold, summarizer.summarize)
    if not report.articles and not report.failures:  # a --gold folder that is not this one's: no score is a 0
        raise NothingToBriefError(f"no article in {articles} has a gold label (foo.txt -> foo.json) in {gold}")
    typer.echo(json.dumps(report.as_dict(), indent=2) if as_json else report.table())
    for failure in report.failures:  # the table only counts them
        typer.echo(f"mineralbrief: failed: {failure}", err=True)
    if report.failures:
        raise typer.Exit(EXIT_SOME_FAILED if report.articles else EXIT_NOTHING_BRIEFED)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app, turn every error into one line on stderr and an exit code."""
    from .errors import NothingToBriefError

    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        # not standalone: usage errors come here, to print as one line and exit 1 (click's 2
        # would read as "some articles failed")
        code = app(args=args, prog_name="mineralbrief", standalone_mode=False)
    except typer.Abort:
        return _fail("aborted")
    except MineralBriefError as exc:
        if debug:
            return _trace()
        return _fail(f"{type(exc).__name__}: {exc}",
                     EXIT_NOTHING_BRIEFED if isinstance(exc, NothingToBriefError) else EXIT_ERROR)
    except BrokenPipeError:  # the reader went away (| head): nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR
    except OSError as exc:  # e.g. no space left for stdout redirected to a file
        if debug:
            return _trace()
        return _fail(f"{type(exc).__name__}: {exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else ""))
    except Exception as exc:
        if _is_usage_error(exc):
            return _usage(exc)
        if debug:
            return _trace()
        # a bug: still one line, and the way to see more
        return _fail(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)")
    code = code if isinstance(code, int) else EXIT_OK
    if code == 130:  # typer turns Ctrl-C into exit code 130
        typer.echo("mineralbrief: interrupted", err=True)
    return code


def _is_usage_error(exc: Exception) -> bool:
    # typer's usage errors are click's ClickException family, which typer vendors without a
    # public base class: known by the members every one has
    return callable(getattr(exc, "format_message", None)) and isinstance(getattr(exc, "exit_code", None), int)


def _usage(exc: Any) -> int:
    if type(exc).__name__ == "NoArgsIsHelpError":  # no arguments: the help, as usual
        typer.echo(exc.format_message(), err=True)
        return EXIT_ERROR
    ctx = getattr(exc, "ctx", None)
    return _fail(exc.format_message() + (f" (see {ctx.command_path} --help)" if ctx is not None else ""))


def _fail(message: str, code: int = EXIT_ERROR) -> int:
    # one line, whatever the message holds (a file name with a newline, a multi-line error),
    # and never a key a server echoed into it
    typer.echo(f"mineralbrief: error: {redact(' '.join(message.split()))}", err=True)
    return code


def _trace(code: int = EXIT_ERROR) -> int:
    """--debug: the traceback of the error being handled, with secrets redacted (a server that
    echoes the key puts it in the exception chain's messages)."""
    import traceback

    sys.stderr.write(redact(traceback.format_exc()))
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
