"""One entry point for every kind of input: ``iter_source``.

What it reads, by what ``source`` is:

* an http(s) URL (a ``str``): a feed's entries, or the one article the page holds;
* a feed file (``.rss``, ``.atom``, ``.xml``, or any file that starts as RSS or Atom): its entries;
* a URL list (``.urls``, or a ``.txt`` whose every line, blank lines and ``#`` comments aside,
  is an http(s) URL): each URL, fetched in turn (a URL of a feed gives its entries);
* anything else (a folder, an article file, ``-``): ``iter_articles``, which also reads ``.pdf``.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

from ..article import Article, _decode, _read_capped, display_path
from ..errors import ArticleError
from .feeds import ACCEPT_FEED, feed_entries
from .fetch import Fetcher, is_url, shown
from .files import iter_articles
from .web import ACCEPT_ARTICLE, looks_like_feed, page_article

FEED_SUFFIXES = (".rss", ".atom", ".xml")
URL_LIST_SUFFIXES = (".urls",)


def iter_source(
    source: str | Path, *, fetcher: Fetcher | None = None, follow_links: bool = False, fetch_teasers: bool = True,
) -> Iterator[Article | ArticleError]:
    """Every article of ``source``, lazily; what cannot be read is yielded as an
    ``ArticleError`` naming it (a bad entry, URL or file is that input's failure, never the
    run's).

    Args:
        source: a URL (``str``), a feed file, a URL list, a folder, an article file or ``-``.
        fetcher: the ``Fetcher`` for every URL (its limits, robots.txt cache, private-address
            rule); default a new one, closed when the iteration ends.
        follow_links: for a folder, as ``iter_articles``.
        fetch_teasers: fetch the link of a feed entry that holds only a teaser.
    """
    spec = str(source)
    if isinstance(source, str) and not source.strip():  # Path("") would be ".", the current folder
        yield ArticleError(f"{source!r}: an empty name names no file, folder or URL", article_id=source)
        return
    if isinstance(source, str) and is_url(spec):
        with _using(fetcher) as f:
            yield from _from_url(spec, f, fetch_teasers)
        return
    path = Path(source)
    kind = _kind(path) if spec != "-" and path.is_file() else None
    if kind is None:
        yield from iter_articles(path, follow_links=follow_links)
        return
    name = display_path(path)
    try:
        with path.open("rb") as stream:
            data = _read_capped(stream, name)
    except OSError as exc:
        yield ArticleError(f"{name}: cannot read: {exc.strerror or exc}", article_id=name)
        return
    except ArticleError as exc:
        yield exc
        return
    with _using(fetcher) as f:
        if kind == "feed":
            # links in a file may reach private addresses only when the fetcher allows it
            yield from feed_entries(data, name, fetcher=f if fetch_teasers else None,
                                    private_ok=bool(f.allow_private))
        else:
            yield from _from_list(data, name, f, fetch_teasers)


@contextlib.contextmanager
def _using(fetcher: Fetcher | None) -> Iterator[Fetcher]:
    if fetcher is not None:
        yield fetcher
        return
    with Fetcher() as own:
        yield own


def _from_url(url: str, fetcher: Fetcher, fetch_teasers: bool) -> Iterator[Article | ArticleError]:
    try:
        page = fetcher.fetch(url, accept=f"{ACCEPT_FEED},{ACCEPT_ARTICLE}")
        if looks_like_feed(page):
            yield from feed_entries(page.body, shown(url), fetcher=fetcher if fetch_teasers else None,
                                    private_ok=fetcher.private_ok(url))
        else:
            yield page_article(page, shown(url))
    except ArticleError as exc:
        yield exc


def _from_list(data: bytes, name: str, fetcher: Fetcher, fetch_teasers: bool) -> Iterator[Article | ArticleError]:
    try:
        lines = _decode(data, name).splitlines()
    except ArticleError as exc:
        yield exc
        return
    urls = [(n, line.strip()) for n, line in enumerate(lines, 1) if line.strip() and not line.lstrip().startswith("#")]
    if not urls:
        yield ArticleError(f"{name}: lists no URLs", article_id=name)
    for n, url in urls:
        if is_url(url):
            yield from _from_url(url, fetcher, fetch_teasers)
        else:
            yield ArticleError(f"{name}:{n}: not an http(s) URL", article_id=f"{name}:{n}")


def _kind(path: Path) -> str | None:
    """"feed", "urls" or None (an article file, read by ``iter_articles``)."""
    suffix = path.suffix.lower()
    if suffix in FEED_SUFFIXES:
        return "feed"
    if suffix in URL_LIST_SUFFIXES:
        return "urls"
    try:
        with path.open("rb") as f:
            head = f.read(65536)
    except OSError:
        return None  # iter_articles reports it
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1024].lower()
    if start.startswith((b"<rss", b"<feed")) or (start.startswith(b"<?xml") and re.search(rb"<(rss|feed)\b", start)):
        return "feed"
    if suffix == ".txt" and _all_urls(head):
        return "urls"
    return None


def _all_urls(head: bytes) -> bool:
    # an article is sentences; a file of nothing but URLs is a list to fetch
    try:
        lines = [ln.strip() for ln in head.decode("utf-8-sig").splitlines()]
    except UnicodeDecodeError:
        return False
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    return bool(lines) and all(is_url(ln) and " " not in ln for ln in lines)
