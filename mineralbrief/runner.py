"""The daily job: a folder in, a day's brief out, resumable, with progress.

Layout under ``out``::

    2026-11-21.md, 2026-11-21.json          the day's brief
    2026-11-21/<name>-<hash>.json / .md     one brief per article
    2026-11-21/failures.jsonl               one line per article not briefed, and why
    2026-11-21/.manifest                    the backend and settings the briefs were made with
    .mineralbrief.lock                      held while a run writes here

Every file is written atomically (a temp file in the same folder, then a rename), so a killed
run leaves no half-written file. A per-article JSON that exists and validates is kept on the
next run, so re-running after a crash or Ctrl-C redoes only what is missing, as long as the
backend and its settings are the ones in the manifest; when they changed, every article is
briefed again. One run at a time writes to a folder: a second one stops with ``OutputBusyError``.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import re
import secrets
import stat
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePath
from typing import Any, cast

from pydantic import ValidationError

from .api import Summarizer
from .article import Article, display_path
from .batch import BatchResult, summarize_many
from .daily import daily_brief, load_daily
from .errors import ArticleError, ConfigError, NothingToBriefError, OutputBusyError, OutputError
from .models import Brief, DailyBrief
from .sources import iter_source
from .sources.fetch import is_url

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: runs are not locked
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("mineralbrief")

MANIFEST = ".manifest"
LOCK = ".mineralbrief.lock"


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temp file and a rename (never half-written), with
    the mode a plain write leaves: the file's own when it exists, else 0666 less the umask."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        keep: int | None = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        keep = None
    # not mkstemp: its 0600 made every brief and page owner-only (a page a web server could not
    # serve), and one written over a 0644 file took it private
    for _ in range(100):
        tmp = str(path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError(errno.EEXIST, "no free temporary name", str(path.parent))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            if keep is not None and hasattr(os, "fchmod"):  # (not on Windows before 3.13)
                os.fchmod(f.fileno(), keep)
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write(path: Path, text: str) -> None:
    # a full disk or a read-only folder stops the run with one clear error: nothing after it
    # could be written either
    try:
        atomic_write(path, text)
    except OSError as exc:
        raise OutputError(f"cannot write {display_path(path)}: {exc.strerror or exc}") from exc


def brief_name(article: Article, root: str | Path | None = None) -> str:
    """A file stem for the article's brief, stable across runs: the source's name (letters and
    digits of any script kept, the rest ``_``) and a hash of the source and the content.

    The hash covers where the article came from (relative to ``root``, so the same inbox given
    as a relative or absolute path keeps its names) and what it says, so two inputs never share
    a name: the same text in two files, ``a b.txt`` and ``a_b.txt``, ``x/1.txt`` and ``y/1.txt``.
    """
    source = article.source or ""
    where = source
    if root is not None and source and source != "stdin":
        with contextlib.suppress(ValueError):  # another drive on Windows: keep the source as is
            where = os.path.relpath(source, root)
    name = unicodedata.normalize("NFC", PurePath(source).name)
    name = re.sub(r"\.(txt|md|markdown|html?|jsonl?)(?=$|[:#])", "", name, flags=re.I)
    stem = re.sub(r"[^\w-]+", "_", name).strip("_-")
    # file names are limited in bytes (255), and CJK takes 3 bytes a character
    stem = stem.encode("utf-8")[:80].decode("utf-8", "ignore").rstrip("_-") or "article"
    digest = hashlib.sha256(f"{where}\n{article.content_hash}".encode("utf-8", "surrogatepass")).hexdigest()
    return f"{stem}-{digest[:12]}"


@dataclass
class Progress:
    """Counts of a run, for the progress line and the summary."""

    total: int
    counts: Counter = field(default_factory=Counter)
    started: float = field(default_factory=time.monotonic)
    # each article not briefed: {"source", "status", "error"}, as failures.jsonl holds them
    failures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def finished(self) -> int:
        return sum(self.counts.values())

    @property
    def briefed(self) -> int:
        """Articles with a brief: made now, from the cache, or kept from an earlier run."""
        c = self.counts
        return c["done"] + c["cached"] + c["kept"]

    @property
    def rate(self) -> float:
        """Articles finished per second so far."""
        return self.finished / max(time.monotonic() - self.started, 1e-6)

    def line(self) -> str:
        rate = self.rate
        left = self.total - self.finished
        eta = f"{left / rate:,.0f}s" if rate > 0 and left else "-"
        c = self.counts
        return (f"{self.finished}/{self.total} | done {c['done']} cached {c['cached']} kept {c['kept']} "
                f"failed {c['failed']} skipped {c['skipped_budget']} | {rate:,.1f}/s | ETA {eta}")


def run_daily(
    inbox: Path | str, day: date, out: Path, *, summarizer: Summarizer, concurrency: int = 8,
    budget_tokens: int | None = None, previous: Path | None = None,
    on_progress: Callable[[Progress], None] | None = None, follow_links: bool = False,
    batch: Callable[..., Iterator[BatchResult]] = summarize_many,
) -> tuple[DailyBrief, Progress]:
    """Brief every article of ``inbox`` and write the day's outputs under ``out``.

    ``batch`` is what briefs the articles that are not kept from an earlier run: called like
    ``summarize_many(articles, concurrency=, budget_tokens=, summarizer=)`` (e.g.
    ``functools.partial(summarize_on_ray, address=...)`` for a Ray cluster).

    ``inbox`` is what ``sources.iter_source`` reads: a folder or file of articles, ``-``, a feed
    (a file, or a URL given as a ``str``) or a file of URLs.

    Everything that can be checked before the work is checked first: the previous day's brief,
    the inbox, the output folder and its lock.

    Raises:
        ConfigError: ``previous`` is missing or not a daily brief.
        NothingToBriefError: the inbox does not exist or holds nothing (nothing is written).
        OutputBusyError: another run is writing to ``out``.
        OutputError: ``out`` is not a folder, or a write failed (disk full, permissions).
    """
    prev = _load_previous(previous)
    remote = isinstance(inbox, str) and is_url(inbox)
    if isinstance(inbox, str) and not inbox.strip():  # Path("") would be ".", the current folder
        raise NothingToBriefError(f"{inbox!r}: an empty name names no inbox", article_id=inbox)
    if str(inbox) != "-" and not remote and not Path(inbox).exists():
        raise NothingToBriefError(f"{display_path(inbox)}: no such file or folder", article_id=str(inbox))
    folder = out / day.isoformat()
    if folder.is_symlink():  # the run would write (and remove briefs) wherever the link points
        raise OutputError(f"{display_path(folder)} is a link; the day's briefs are written only in a real folder")
    for path in (out, folder):
        if path.exists() and not path.is_dir():
            raise OutputError(f"{display_path(path)} is a file; the briefs need a folder there")
    with _locked(out):
        for stale in [*folder.glob(".*.tmp"), *out.glob(".*.tmp")]:
            stale.unlink(missing_ok=True)  # a temp file a killed run never renamed
        root = out.resolve()  # (resolved once: each article's source is compared with it)
        items = [item for item in iter_source(inbox, follow_links=follow_links) if not _written_by_a_run(item, root)]
        if not items:
            raise NothingToBriefError(f"{display_path(inbox)}: holds no articles", article_id=str(inbox))
        _match_settings(folder, summarizer)
        return _run(items, _names(items, inbox), day, out, folder, summarizer, concurrency, budget_tokens,
                    prev, on_progress, batch)


def _run(
    items: list[Article | ArticleError], names: dict[int, str], day: date, out: Path, folder: Path,
    summarizer: Summarizer, concurrency: int, budget_tokens: int | None, prev: DailyBrief | None,
    on_progress: Callable[[Progress], None] | None, batch: Callable[..., Iterator[BatchResult]],
) -> tuple[DailyBrief, Progress]:
    briefs: dict[str, Brief] = {}
    failures: list[dict[str, Any]] = []
    todo: list[tuple[int, Article | ArticleError]] = []
    progress = Progress(total=len(items))
    for i, item in enumerate(items):  # keep what an earlier run finished
        if i in names:
            kept = _read_brief(folder / f"{names[i]}.json")
            if kept is not None:
                if not (folder / f"{names[i]}.md").exists():  # killed between the two writes
                    markdown = _render(kept)
                    if not isinstance(markdown, tuple):
                        todo.append((i, item))
                        continue
                    _write(folder / f"{names[i]}.md", markdown[0])
                briefs[names[i]] = kept
                progress.counts["kept"] += 1
                continue
        todo.append((i, item))
    if on_progress:
        on_progress(progress)

    # a generator (typed as an Iterator): closing it stops the batch's thread at once
    results = cast(Generator[BatchResult, None, None], batch(
        [item for _, item in todo], concurrency=concurrency, budget_tokens=budget_tokens, summarizer=summarizer))
    with contextlib.closing(results):  # on an OutputError below too
        for r in results:
            i = todo[r.index][0]
            status, error = r.status, r.error
            rendered = _render(r.brief) if r.brief is not None and i in names else None
            if isinstance(rendered, tuple):
                # the JSON last: it is what a re-run checks to keep an article
                _write(folder / f"{names[i]}.md", rendered[0])
                _write(folder / f"{names[i]}.json", rendered[1])
                briefs[names[i]] = cast(Brief, r.brief)
            else:
                if rendered is not None:
                    status, error = "failed", rendered
                failures.append({"source": r.source, "status": status, "error": error})
            progress.counts[status] += 1
            if on_progress:
                on_progress(progress)

    failures.sort(key=lambda f: f["source"])
    _write(folder / "failures.jsonl", "".join(json.dumps(f, ensure_ascii=False) + "\n" for f in failures))
    progress.failures = failures
    if not briefs:
        # a run that briefed nothing (a feed that was down, an empty stdin, an endpoint failing
        # every call) replaced the day an earlier run had made with an empty one: it is kept
        earlier = _read_day(out / f"{day.isoformat()}.json")
        if earlier is not None and earlier.articles:
            log.warning("%s: nothing was briefed; the day's brief an earlier run wrote (%d article(s)) is kept",
                        display_path(out / f"{day.isoformat()}.md"), len(earlier.articles))
            return earlier, progress
    ordered = [briefs[k] for k in sorted(briefs)]
    result = daily_brief(ordered, date=day, previous=prev, failed=len(failures))
    _write(out / f"{day.isoformat()}.json", result.model_dump_json(indent=2))
    _write(out / f"{day.isoformat()}.md", result.to_markdown())
    return result, progress


def _render(brief: Brief) -> tuple[str, str] | str:
    """The brief's Markdown and JSON, or why they could not be made: a rendering bug on one odd
    article costs that article (a failure line), never the run."""
    try:
        return brief.to_markdown(), brief.model_dump_json(indent=2)
    except Exception as exc:
        return f"cannot render the brief: {type(exc).__name__}: {exc}"


def _names(items: list[Article | ArticleError], inbox: Path | str) -> dict[int, str]:
    """Each article's brief name, by its position in ``items``; every name used once."""
    remote = str(inbox) == "-" or is_url(str(inbox))
    root = None if remote else Path(inbox) if Path(inbox).is_dir() else Path(inbox).parent
    names: dict[int, str] = {}
    used: set[str] = set()
    for i, item in enumerate(items):
        if isinstance(item, Article):
            name = brief_name(item, root)
            if name in used:  # two inputs with the same source and text: still two briefs
                name = f"{name}-{i}"
            used.add(name)
            names[i] = name
    return names


def _load_previous(previous: Path | None) -> DailyBrief | None:
    # checked before any article is briefed: a typo here used to cost the whole run's work
    if previous is None:
        return None
    where = f"--previous {display_path(previous)}"
    try:
        return load_daily(previous)
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read: {exc.strerror or exc}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConfigError(f"{where}: not a daily brief ({exc.error_count()} problem(s); first: "
                          f"{'.'.join(str(p) for p in first['loc']) or 'file'}: {first['msg']})") from None
    except ValueError as exc:  # not UTF-8
        raise ConfigError(f"{where}: not a daily brief ({exc})") from None


@contextlib.contextmanager
def _locked(out: Path) -> Iterator[None]:
    """Hold ``out``'s lock file for the run. The kernel drops the lock when the process ends,
    killed or not, so a crash never leaves the folder locked. The file is never removed: a
    run that opened it just before would lock a file no other run sees."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise OutputError(f"cannot write to {display_path(out)}: {exc.strerror or exc}") from exc
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    log.warning("cannot lock %s (%s); going on without a lock", display_path(out), exc.strerror)
                else:
                    raise OutputBusyError(f"{display_path(out)} is in use by another mineralbrief daily run; "
                                          "wait for it to finish or write elsewhere (--out)") from None
        yield
    finally:
        os.close(fd)


def _settings(summarizer: Summarizer) -> dict[str, Any]:
    # strict decides whether an ungrounded brief is kept at all, so it is part of how briefs were made
    made_with = {"backend": summarizer.backend_name, "identity": summarizer.backend.identity(),
                 "strict": summarizer.settings.strict}
    return dict(json.loads(json.dumps(made_with, sort_keys=True, default=str)))  # as it reads back


# our brief files: a re-run with other settings removes them, and nothing else
_BRIEF_FILE = re.compile(r".+-[0-9a-f]{10,16}(-\d+)?\.(json|md)")


# what a run writes under --out: a day's .md and .json, and its folder of briefs and failures
_DAY_OUTPUT = re.compile(r"\d{4}-\d{2}-\d{2}")


def _written_by_a_run(item: Article | ArticleError, out: Path) -> bool:
    """Whether ``item`` was read from a run's output under ``out`` (resolved; an ``--out`` inside
    the inbox, or the inbox itself): the briefs of earlier days are never read back as articles."""
    source = item.source if isinstance(item, Article) else item.article_id
    if not source or source == "stdin" or is_url(source):
        return False
    try:
        rel = Path(re.sub(r"([:#]\d+)+$", "", source)).resolve().relative_to(out)
    except (OSError, ValueError, RuntimeError):  # not under out (or not a path at all)
        return False
    if len(rel.parts) == 1:  # the day's brief
        return re.fullmatch(r"\d{4}-\d{2}-\d{2}\.(?:md|json)", rel.parts[0]) is not None
    # a brief or the failures in a day's folder (an article there, in an inbox kept under --out, is read)
    return (len(rel.parts) == 2 and _DAY_OUTPUT.fullmatch(rel.parts[0]) is not None
            and (rel.parts[1] == "failures.jsonl" or _BRIEF_FILE.fullmatch(rel.parts[1]) is not None))


def _match_settings(folder: Path, summarizer: Summarizer) -> None:
    """Resume only briefs made with the same backend and settings: when the manifest differs
    (or is missing beside briefs), the briefs in ``folder`` are removed, so every article is
    briefed again, and the manifest is written before any new brief."""
    current = _settings(summarizer)
    try:
        made_with: Any = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # RecursionError: nested too deeply
        made_with = None
    if made_with == current:
        return
    old = [p for p in folder.glob("*") if _BRIEF_FILE.fullmatch(p.name)] if folder.is_dir() else []
    if old:
        log.warning("%s: its briefs were made with other settings (%s); briefing every article again",
                    display_path(folder), _changes(made_with, current))
        for p in old:
            try:
                p.unlink(missing_ok=True)
            except OSError as exc:
                raise OutputError(f"cannot remove {display_path(p)}: {exc.strerror or exc}") from exc
    _write(folder / MANIFEST, json.dumps(current, sort_keys=True, indent=1) + "\n")


def _changes(made_with: Any, current: dict[str, Any]) -> str:
    """What differs, in a few words: the backend and model with their values, other settings by name."""
    if not isinstance(made_with, dict):
        return "no manifest says how they were made"
    old: dict[str, Any] = made_with.get("identity") or {} if isinstance(made_with.get("identity"), dict) else {}
    new: dict[str, Any] = current["identity"] or {}
    parts = [f"backend {made_with.get('backend')} -> {current['backend']}"] if made_with.get(
        "backend") != current["backend"] else []
    if old.get("model") != new.get("model"):
        parts.append(f"model {old.get('model')} -> {new.get('model')}")
    if made_with.get("strict") != current["strict"]:
        parts.append(f"strict {made_with.get('strict')} -> {current['strict']}")
    others = sorted(k for k in set(old) | set(new) if k != "model" and old.get(k) != new.get(k))
    if others:
        parts.append(f"{', '.join(others)} changed")
    return "; ".join(parts) or "settings changed"


def _read_day(path: Path) -> DailyBrief | None:
    try:
        return load_daily(path)
    except (OSError, ValidationError, ValueError):
        return None


def _read_brief(path: Path) -> Brief | None:
    try:
        return Brief.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError, ValueError):
        return None
