"""The daily job: a folder in, a day's brief out, resumable, with progress.

Layout under ``out``::

    2026-11-21.md, 2026-11-21.json          the day's brief
    2026-11-21/<name>-<hash>.json / .md     one brief per article
    2026-11-21/failures.jsonl               one line per article not briefed, and why
    2026-11-21/.manifest                    the backend and settings the briefs were made with

Every file is written atomically (a temp file in the same folder, then a rename), so a killed
run leaves no half-written file. A per-article JSON that exists and validates is kept on the
next run, so re-running after a crash or Ctrl-C redoes only what is missing, as long as the
backend and its settings are the ones in the manifest; when they changed, every article is
briefed again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePath
from typing import Any

from pydantic import ValidationError

from .api import Summarizer
from .article import Article, display_path, iter_articles
from .batch import summarize_many
from .daily import daily_brief, load_daily
from .errors import ArticleError
from .models import Brief, DailyBrief

log = logging.getLogger("mineralbrief")

MANIFEST = ".manifest"


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temp file and a rename (never half-written)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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

    @property
    def finished(self) -> int:
        return sum(self.counts.values())

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = self.finished / elapsed
        left = self.total - self.finished
        eta = f"{left / rate:,.0f}s" if rate > 0 and left else "-"
        c = self.counts
        return (f"{self.finished}/{self.total} | done {c['done']} cached {c['cached']} kept {c['kept']} "
                f"failed {c['failed']} skipped {c['skipped_budget']} | {rate:,.1f}/s | ETA {eta}")


def run_daily(
    inbox: Path, day: date, out: Path, *, summarizer: Summarizer, concurrency: int = 8,
    budget_tokens: int | None = None, previous: Path | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> tuple[DailyBrief, Progress]:
    """Brief every article under ``inbox`` and write the day's outputs under ``out``."""
    folder = out / day.isoformat()
    for stale in [*folder.glob(".*.tmp"), *out.glob(".*.tmp")]:
        stale.unlink(missing_ok=True)  # a temp file a killed run never renamed
    briefs: dict[str, Brief] = {}
    failures: list[dict[str, Any]] = []
    todo: list[tuple[int, Article | ArticleError]] = []
    items = list(iter_articles(inbox))
    _match_settings(folder, summarizer)
    progress = Progress(total=len(items))

    names = _names(items, inbox)
    for i, item in enumerate(items):  # keep what an earlier run finished
        if i in names:
            name = names[i]
            kept = _read_brief(folder / f"{name}.json")
            if kept is not None:
                if not (folder / f"{name}.md").exists():  # killed between the two writes
                    atomic_write(folder / f"{name}.md", kept.to_markdown())
                briefs[name] = kept
                progress.counts["kept"] += 1
                continue
        todo.append((i, item))
    if on_progress:
        on_progress(progress)

    for r in summarize_many([item for _, item in todo], concurrency=concurrency, budget_tokens=budget_tokens,
                            summarizer=summarizer):
        i = todo[r.index][0]
        if r.brief is not None and i in names:
            name = names[i]
            # the JSON last: it is what a re-run checks to keep an article
            atomic_write(folder / f"{name}.md", r.brief.to_markdown())
            atomic_write(folder / f"{name}.json", r.brief.model_dump_json(indent=2))
            briefs[name] = r.brief
        else:
            failures.append({"source": r.source, "status": r.status, "error": r.error})
        progress.counts[r.status] += 1
        if on_progress:
            on_progress(progress)

    failures.sort(key=lambda f: f["source"])
    atomic_write(folder / "failures.jsonl", "".join(json.dumps(f, ensure_ascii=False) + "\n" for f in failures))
    prev = load_daily(previous) if previous is not None else None
    ordered = [briefs[k] for k in sorted(briefs)]
    result = daily_brief(ordered, date=day, previous=prev, failed=len(failures))
    atomic_write(out / f"{day.isoformat()}.json", result.model_dump_json(indent=2))
    atomic_write(out / f"{day.isoformat()}.md", result.to_markdown())
    return result, progress


def _names(items: list[Article | ArticleError], inbox: Path) -> dict[int, str]:
    """Each article's brief name, by its position in ``items``; every name used once."""
    root = None if str(inbox) == "-" else Path(inbox) if Path(inbox).is_dir() else Path(inbox).parent
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


def _settings(summarizer: Summarizer) -> dict[str, Any]:
    made_with = {"backend": summarizer.backend_name, "identity": summarizer.backend.identity()}
    return dict(json.loads(json.dumps(made_with, sort_keys=True, default=str)))  # as it reads back


# our brief files: a re-run with other settings removes them, and nothing else
_BRIEF_FILE = re.compile(r".+-[0-9a-f]{10,16}(-\d+)?\.(json|md)")


def _match_settings(folder: Path, summarizer: Summarizer) -> None:
    """Resume only briefs made with the same backend and settings: when the manifest differs
    (or is missing beside briefs), the briefs in ``folder`` are removed, so every article is
    briefed again, and the manifest is written before any new brief."""
    current = _settings(summarizer)
    try:
        made_with: Any = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        made_with = None
    if made_with == current:
        return
    old = [p for p in folder.glob("*") if _BRIEF_FILE.fullmatch(p.name)] if folder.is_dir() else []
    if old:
        log.warning("%s: its briefs were made with other settings (%s); briefing every article again",
                    display_path(folder), _changes(made_with, current))
        for p in old:
            p.unlink(missing_ok=True)
    atomic_write(folder / MANIFEST, json.dumps(current, sort_keys=True, indent=1) + "\n")


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
    others = sorted(k for k in set(old) | set(new) if k != "model" and old.get(k) != new.get(k))
    if others:
        parts.append(f"{', '.join(others)} changed")
    return "; ".join(parts) or "settings changed"


def _read_brief(path: Path) -> Brief | None:
    try:
        return Brief.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError, ValueError):
        return None
