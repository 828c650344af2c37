"""RSS and Atom feeds, read with ``feedparser`` (the ``[feeds]`` extra).

Each entry becomes an ``Article``: ``title``, ``url`` (the entry's link), ``published`` (its
published or else updated date) and the text. The text is the entry's full content
(``content:encoded``, Atom ``<content>``) when the feed carries it, else its summary. A feed
that holds only a teaser (under ``TEASER_CHARS`` characters of text) is no article to brief,
so then the entry's link is fetched and read like any URL (HTML, PDF or text), keeping the
feed's title and date where the page has none. One entry that cannot be read is that entry's
``ArticleError``, never the feed's.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from typing import Any

from ..article import Article, _article
from ..errors import ArticleError
from .fetch import Fetcher, shown
from .web import ACCEPT_ARTICLE, page_article

TEASER_CHARS = 600  # below this an entry's text is a teaser: its link is fetched for the article
ACCEPT_FEED = "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5"


def feed_entries(
    data: bytes, source: str, *, fetcher: Fetcher | None, private_ok: bool = False,
) -> Iterator[Article | ArticleError]:
    """The articles of one feed, lazily, in the feed's order.

    Args:
        data: the feed document's bytes (feedparser is never given a URL or a file name, so it
            never fetches or opens anything itself).
        source: the feed's file or URL, for messages.
        fetcher: fetches the links of teaser entries; ``None`` briefs teasers as they are.
        private_ok: whether entry links may reach private addresses (only when the feed
            itself came from one the user gave).
    """
    try:
        import feedparser
    except ImportError as exc:
        yield ArticleError(f"{source}: reading feeds needs the 'feeds' extra: pip install 'mineralbrief[feeds]' "
                           f"({exc})", article_id=source)
        return
    try:
        parsed = feedparser.parse(io.BytesIO(data))
    except Exception as exc:  # feedparser reports most problems as bozo; a crash is one failure
        yield ArticleError(f"{source}: cannot read the feed ({type(exc).__name__})", article_id=source)
        return
    if not parsed.entries:
        why = "not an RSS or Atom feed" if not parsed.get("version") else "the feed has no entries"
        yield ArticleError(f"{source}: {why}", article_id=source)
        return
    for i, entry in enumerate(parsed.entries):
        try:
            yield _entry(entry, f"{source}#{i}", fetcher, private_ok)
        except ArticleError as exc:
            yield exc
        except Exception as exc:  # a parsing bug on one odd entry costs that entry only
            yield ArticleError(f"{source}#{i}: cannot read the entry ({type(exc).__name__}: {exc})",
                               article_id=f"{source}#{i}")


def _entry(entry: Any, where: str, fetcher: Fetcher | None, private_ok: bool) -> Article:
    title, link = entry.get("title"), entry.get("link")
    source = shown(link) if isinstance(link, str) and link.strip() else where
    day = _day(entry.get("published_parsed") or entry.get("updated_parsed"))
    text = entry_text(entry)
    if len(text.strip()) >= TEASER_CHARS or fetcher is None or source == where:
        if not text.strip():
            raise ArticleError(f"{where}: the entry has no text and no link to fetch", article_id=where)
        return _article(text, source, title, link, day)
    try:
        art = page_article(fetcher.fetch(link, private_ok=private_ok, accept=ACCEPT_ARTICLE), source)
    except ArticleError as exc:
        raise ArticleError(f"{exc} (the feed holds only a {len(text.strip())}-character teaser of it)",
                           article_id=source) from None
    # the feed's title and date name the entry as its publisher did; a page's own title often
    # carries the site's name, and its date is a guess of trafilatura's
    published = day or (art.published.isoformat() if art.published else None)
    return _article(art.text, source, title or art.title, link, published)


def _day(parsed: Any) -> str | None:
    try:
        return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday).isoformat() if parsed else None
    except (AttributeError, ValueError):
        return None


def entry_text(entry: Any) -> str:
    """The entry's text: the longest of its contents, else its summary, as plain text."""
    parts = [c for c in entry.get("content") or [] if isinstance(c.get("value"), str)]
    best = max(parts, key=lambda c: len(c["value"]), default=None)
    if best is None:
        summary = entry.get("summary")
        if not isinstance(summary, str):
            return ""
        detail = entry.get("summary_detail") or {}
        best = {"value": summary, "type": detail.get("type", "text/html")}
    value, kind = best["value"], str(best.get("type") or "text/html")
    return html_to_text(value) if "html" in kind else value.strip()


_BLOCKS = frozenset({"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
                     "blockquote", "pre", "section", "article", "header", "footer", "figure", "figcaption", "hr"})


class _Text(HTMLParser):
    """Plain text of an HTML fragment: block elements end paragraphs, scripts and styles go."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """The text of a feed's HTML (already sanitized by feedparser), one paragraph per block."""
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    paragraphs = (" ".join(p.split()) for p in "".join(parser.parts).split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)
