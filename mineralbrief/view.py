"""Review pages from files on disk: what ``mineralbrief view PATH`` does.

``PATH`` may be:

* a day's JSON written by ``mineralbrief daily`` (``briefs/2026-11-21.json``): the day page,
  with the per-article briefs from the folder beside it (``briefs/2026-11-21/*.json``);
* one brief's JSON: its page;
* an article (any format ``load_article`` reads): it is briefed first, then shown.

A brief does not hold its article, so the texts come from ``articles`` (a file or a folder of
articles, matched to briefs by content hash); a brief whose article is not found is shown with
its quotes. An article given as ``PATH`` is its own text.
"""

from __future__ import annotations

import json
import os
import tempfile
import webbrowser
from pathlib import Path

from pydantic import ValidationError

from .api import Summarizer
from .article import Article, load_article
from .errors import ArticleError
from .models import Brief, DailyBrief
from .render.html import brief_page, daily_page
from .runner import atomic_write
from .sources.files import iter_articles


def _texts(articles: Path | None, wanted: set[str]) -> dict[str, str]:
    """Article texts by content hash, for the hashes in ``wanted`` only."""
    if articles is None:
        return {}
    found: dict[str, str] = {}
    for item in iter_articles(articles):
        if isinstance(item, Article) and item.content_hash in wanted:
            found[item.content_hash] = item.text
    return found


def _json(path: Path) -> dict[str, object] | None:
    if path.suffix.lower() != ".json":
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # nested too deeply: read (and refused) as an article
        return None
    return data if isinstance(data, dict) else None


def _briefs_beside(day_json: Path) -> list[Brief]:
    briefs = []
    for p in sorted(day_json.with_suffix("").glob("*.json")):
        try:
            briefs.append(Brief.model_validate_json(p.read_text(encoding="utf-8")))
        except (OSError, ValidationError, ValueError):
            continue  # a stray or half-written file is not a brief; the rest still show
    return briefs


def review_page(path: str | os.PathLike[str], *, articles: str | os.PathLike[str] | None = None,
                summarizer: Summarizer | None = None) -> str:
    """The HTML review page for ``path`` (a day's JSON, a brief's JSON or an article).

    Args:
        path: what to show (see the module docstring).
        articles: a file or folder of the articles the briefs were made from.
        summarizer: what briefs ``path`` when it is an article (default: the offline backend,
            so viewing never calls a model unless asked to).

    Raises:
        ArticleError: ``path`` is missing, or neither a brief, a day nor an article.
        ValidationError: ``path`` looks like a brief or a day but does not validate.
    """
    # a str is read as a path (``review_page("briefs/2026-11-21.json")`` raised AttributeError)
    return _page(Path(path), None if articles is None else Path(articles), summarizer)


def _page(path: Path, articles: Path | None, summarizer: Summarizer | None) -> str:
    if path.is_dir():
        raise ArticleError(f"{path}: a folder; give a day's JSON, a brief's JSON or an article", article_id=str(path))
    if not path.is_file():
        raise ArticleError(f"{path}: no such file", article_id=str(path))
    data = _json(path)
    if data is not None and "headline" in data and "key_points" in data:
        brief = Brief.model_validate(data)
        text = _texts(articles, {brief.source.content_hash}).get(brief.source.content_hash)
        return brief_page(brief, text)
    if data is not None and "date" in data and "deals" in data:
        day = DailyBrief.model_validate(data)
        # the folder keeps the briefs of articles an earlier run of the day had (removed or
        # edited since): the day's own are the ones it lists
        listed = {a.content_hash for a in day.articles}
        briefs = [b for b in _briefs_beside(path) if b.source.content_hash in listed]
        return daily_page(day, briefs, _texts(articles, {b.source.content_hash for b in briefs}))
    article = load_article(path)
    brief = (summarizer or Summarizer(backend="offline")).summarize(article)
    return brief_page(brief, article.text)


def default_output(path: Path) -> Path:
    """Where a page goes unless told: beside a day's or brief's JSON, else in the temp folder.

    An article's page is never written beside the article: an inbox folder is read again by
    ``mineralbrief daily``, which would take the page for an article.
    """
    data = _json(path) or {}
    if "headline" in data or "deals" in data:
        return path.with_suffix(".html")
    return Path(tempfile.gettempdir()) / "mineralbrief" / (path.stem + ".html")


def write_page(html: str, out: Path) -> Path:
    """Write ``html`` to ``out`` atomically (folders created) and return the path."""
    atomic_write(out, html)
    return out


def open_page(path: Path) -> bool:
    """Open a written page in the user's browser; False when no browser could be started."""
    return webbrowser.open(path.resolve().as_uri())
