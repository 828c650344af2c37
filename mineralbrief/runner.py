"""The daily job: a folder in, a day's brief out, resumable, with progress.

Layout under ``out``::

    2026-11-21.md, 2026-11-21.json          the day's brief
    2026-11-21/<name>-<hash>.json / .md     one brief per article
    2026-11-21/failures.jsonl               one line per article not briefed, and why

Every file is written atomically (a temp file in the same folder, then a rename), so a killed
run leaves no half-written file. A per-article JSON that exists and validates is kept on the
next run, so re-running after a crash or Ctrl-C redoes only what is missing.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .api import Summarizer
from .article import Article, iter_articles
from .batch import BatchResult, summarize_many
from .daily import daily_brief, load_daily
from .errors import ArticleError
from .models import Brief, DailyBrief


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


def brief_name(article: Article) -> str:
    """A stable file stem: the source's name (made safe) and the content hash prefix."""
    stem = Path(article.source or "article").name
    stem = re.sub(r"\.(txt|md|markdown|html?|jsonl?)$", "", stem, flags=re.I)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.")[:60] or "article"
    return f"{stem}-{article.content_hash[:10]}"


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
    todo: list[Article | ArticleError] = []
    items = list(iter_articles(inbox))
    progress = Progress(total=len(items))

    for item in items:  # keep what an earlier run finished
        if isinstance(item, Article):
            name = brief_name(item)
            kept = _read_brief(folder / f"{name}.json")
            if kept is not None:
                if not (folder / f"{name}.md").exists():  # killed between the two writes
                    atomic_write(folder / f"{name}.md", kept.to_markdown())
                briefs[name] = kept
                progress.counts["kept"] += 1
                continue
        todo.append(item)
    if on_progress:
        on_progress(progress)

    names = {id(a): brief_name(a) for a in todo if isinstance(a, Article)}
    results: list[BatchResult] = []
    for r in summarize_many(todo, concurrency=concurrency, budget_tokens=budget_tokens, summarizer=summarizer):
        results.append(r)
        item = todo[r.index]
        if r.brief is not None and isinstance(item, Article):
            name = names[id(item)]
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


def _read_brief(path: Path) -> Brief | None:
    try:
        return Brief.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError, ValueError):
        return None
