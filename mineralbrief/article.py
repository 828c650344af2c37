"""Articles and their loaders.

An ``Article`` is the text to brief plus what is known about it. ``as_article`` accepts what a
user has at hand: the text itself, a path, or an ``Article``.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, Union

from pydantic import BaseModel, ConfigDict, Field

from .errors import ArticleError

MAX_CHARS = 2_000_000


class Article(BaseModel):
    """One news article or press release.

    Attributes:
        text: the body, as plain text.
        title: the headline, when known.
        url: where it was published.
        published: publication date, when known.
        source: where it was read from (a file path, "stdin", ...).
    """

    model_config = ConfigDict(frozen=True)

    text: str
    title: str | None = None
    url: str | None = None
    published: date | None = None
    source: str | None = Field(default=None)

    @property
    def content_hash(self) -> str:
        """SHA-256 of the text: the article's identity in the cache and in reports."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def id(self) -> str:
        """A short name for messages: the source when known, else the hash prefix."""
        return self.source or self.content_hash[:12]


ArticleLike = Union[str, Path, Article]


def check_text(text: str, source: str | None = None) -> str:
    """Reject what is not an article: empty, binary or oversized text.

    Raises:
        ArticleError: with a message that says what is wrong.
    """
    where = f"{source}: " if source else ""
    if "\x00" in text:
        raise ArticleError(f"{where}looks binary (contains NUL bytes), not an article", article_id=source)
    if not text.strip():
        raise ArticleError(f"{where}the article is empty", article_id=source)
    if len(text) > MAX_CHARS:
        raise ArticleError(
            f"{where}the article is {len(text):,} characters; the limit is {MAX_CHARS:,}",
            article_id=source,
        )
    return text


def _decode(data: bytes, source: str) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encoding = "utf-16"
    elif b"\x00" in data[:8192]:
        raise ArticleError(f"{source}: looks binary (contains NUL bytes), not an article", article_id=source)
    else:
        encoding = "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ArticleError(
            f"{source}: not valid {encoding.upper().replace('-SIG', '')} text "
            f"(bad byte at offset {exc.start})", article_id=source,
        ) from exc


def _title_from_text(text: str) -> str | None:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:300]
    return None


_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)


def _from_markdown(text: str, source: str) -> Article:
    meta: dict[str, str] = {}
    m = _FRONT_MATTER.match(text)
    if m:
        for line in m.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep:
                meta[key.strip().lower()] = value.strip().strip("'\"")
        text = text[m.end():]
    published = None
    if meta.get("date") or meta.get("published"):
        try:
            published = date.fromisoformat((meta.get("published") or meta["date"])[:10])
        except ValueError:
            published = None
    return Article(
        text=check_text(text, source), title=meta.get("title") or _title_from_text(text),
        url=meta.get("url"), published=published, source=source,
    )


def _from_record(record: dict[str, Any], source: str) -> Article:
    text = record.get("text")
    if not isinstance(text, str):
        raise ArticleError(f"{source}: JSON record has no 'text' string", article_id=source)
    published = record.get("published")
    try:
        published = date.fromisoformat(str(published)[:10]) if published else None
    except ValueError:
        published = None
    return Article(
        text=check_text(text, source), title=record.get("title") or _title_from_text(text),
        url=record.get("url"), published=published, source=source,
    )


def _from_html(html: str, source: str) -> Article:
    try:
        import trafilatura
    except ImportError as exc:  # pragma: no cover - depends on the extra
        raise ArticleError(
            f"{source}: reading HTML needs the 'html' extra: pip install 'mineralbrief[html]'",
            article_id=source,
        ) from exc
    text = trafilatura.extract(html) or ""
    meta = trafilatura.extract_metadata(html)
    published = None
    if meta is not None and meta.date:
        try:
            published = date.fromisoformat(meta.date[:10])
        except ValueError:
            published = None
    return Article(
        text=check_text(text, source), title=(meta.title if meta else None) or _title_from_text(text),
        url=meta.url if meta else None, published=published, source=source,
    )


def load_article(path: str | Path) -> Article:
    """Read one article from a ``.txt``, ``.md``, ``.html`` or ``.json`` file.

    Raises:
        ArticleError: the file is missing, binary, empty, undecodable or malformed.
    """
    p = Path(path)
    source = str(p)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ArticleError(f"{source}: cannot read: {exc.strerror or exc}", article_id=source) from exc
    text = _decode(data, source)
    suffix = p.suffix.lower()
    if suffix in (".html", ".htm"):
        return _from_html(text, source)
    if suffix == ".json":
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ArticleError(f"{source}: invalid JSON: {exc.msg}", article_id=source) from exc
        if not isinstance(record, dict):
            raise ArticleError(f"{source}: expected a JSON object with 'text'", article_id=source)
        return _from_record(record, source)
    return _from_markdown(text, source)


def as_article(obj: ArticleLike) -> Article:
    """Turn what the user passed into an ``Article``.

    A ``str`` is always the article's text (never a path: pass a ``Path`` to read a file).

    Raises:
        ArticleError: the input is empty, binary or not an article.
    """
    if isinstance(obj, Article):
        check_text(obj.text, obj.source)
        return obj
    if isinstance(obj, Path):
        return load_article(obj)
    if isinstance(obj, str):
        return Article(text=check_text(obj), title=_title_from_text(obj))
    raise ArticleError(f"expected article text, a Path or an Article, got {type(obj).__name__}")


ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl")


def iter_articles(path: str | Path) -> Iterator[Article | ArticleError]:
    """Every article under ``path``, lazily: a file, a folder (recursively, in sorted order),
    or ``-`` for stdin. A ``.jsonl`` file gives one article per line.

    Files that cannot be read as articles are yielded as ``ArticleError`` (never raised), so a
    batch reports them as failures and goes on.
    """
    if str(path) == "-":
        try:
            yield Article(text=check_text(sys.stdin.read(), "stdin"), source="stdin")
        except ArticleError as exc:
            yield exc
        return
    p = Path(path)
    if p.is_dir():
        files = sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))
    elif p.exists():
        files = [p]
    else:
        yield ArticleError(f"{p}: no such file or folder", article_id=str(p))
        return
    for f in files:
        if f.suffix.lower() == ".jsonl":
            yield from _iter_jsonl(f)
        else:
            try:
                yield load_article(f)
            except ArticleError as exc:
                yield exc


def _iter_jsonl(path: Path) -> Iterator[Article | ArticleError]:
    try:
        lines = _decode(path.read_bytes(), str(path)).splitlines()
    except (OSError, ArticleError) as exc:
        yield exc if isinstance(exc, ArticleError) else ArticleError(f"{path}: {exc}", article_id=str(path))
        return
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        source = f"{path}:{n}"
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ArticleError(f"{source}: expected a JSON object with 'text'", article_id=source)
            yield _from_record(record, source)
        except json.JSONDecodeError as exc:
            yield ArticleError(f"{source}: invalid JSON: {exc.msg}", article_id=source)
        except ArticleError as exc:
            yield exc
