"""Articles from the web: a page fetched by URL, read by what it is (HTML through trafilatura,
a PDF through pypdf, plain text as is)."""

from __future__ import annotations

import re

from ..article import Article, _article, _clean_url, _from_html
from ..errors import ArticleError
from .fetch import Fetcher, Page, shown
from .pdf import pdf_article

HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml", "application/rdf+xml")
ACCEPT_ARTICLE = "text/html,application/xhtml+xml,application/pdf;q=0.9,text/plain;q=0.8,*/*;q=0.1"
_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_.:-]+)""", re.I)


def decode_page(page: Page) -> str:
    """The page's text: the charset the server sent, else the one in a ``<meta>`` tag, else UTF-8
    (bytes that do not decode become U+FFFD rather than failing the page)."""
    meta = _META_CHARSET.search(page.body[:4096])
    for charset in (page.charset, meta.group(1).decode("ascii") if meta else None, "utf-8"):
        if charset:
            try:
                return page.body.decode(charset, "replace")
            except LookupError:  # a charset Python does not know: try the next
                continue
    return page.body.decode("utf-8", "replace")


def looks_like_feed(page: Page) -> bool:
    """Whether a fetched page is an RSS/Atom feed rather than an article."""
    if page.content_type in FEED_TYPES[:2]:
        return True
    head = page.body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return page.content_type in FEED_TYPES + ("", "text/plain") and (
        head.startswith((b"<rss", b"<feed", b"<rdf")) or (head.startswith(b"<?xml") and
                                                          re.search(rb"<(rss|feed|rdf:rdf)\b", head) is not None))


def page_article(page: Page, source: str) -> Article:
    """An ``Article`` from a fetched page, by its content: PDF, HTML or plain text.

    Raises:
        ArticleError: a feed (read it with ``iter_source``), a type that is not an article
            (an image, a zip), or a page with no readable text.
    """
    if page.content_type == "application/pdf" or page.body.lstrip()[:5] == b"%PDF-":
        return pdf_article(page.body, source, url=page.url)
    if looks_like_feed(page):
        raise ArticleError(f"{source}: a feed, not an article; brief its entries with `mineralbrief daily {source}` "
                           "or mineralbrief.iter_source()", article_id=source)
    if page.content_type in HTML_TYPES or (page.content_type in ("", "text/plain") and _looks_html(page.body)):
        art = _from_html(decode_page(page), source)
        return art if art.url else art.model_copy(update={"url": _clean_url(page.url)})
    if page.content_type in ("", "text/plain", "text/markdown"):
        return _article(decode_page(page), source, url=page.url)
    raise ArticleError(f"{source}: content type {page.content_type!r} is not an article (HTML, PDF or text)",
                       article_id=source)


def _looks_html(body: bytes) -> bool:
    return re.match(rb"\s*(<!doctype html|<html|<head|<body)", body[:512], re.I) is not None


def load_url(url: str, *, fetcher: Fetcher | None = None) -> Article:
    """Fetch one article by URL (an HTML page, a PDF or plain text) and read it.

    Args:
        url: an http(s) URL. It may name a private host (you asked for it); its redirects may
            reach private addresses only if it does.
        fetcher: a ``Fetcher`` to reuse (its limits, its robots.txt cache); default a new one.

    Raises:
        ArticleError: the fetch failed (status, size cap, timeout, robots.txt, a private
            address) or the page holds no article; the message names the URL.
    """
    own = fetcher is None
    f = fetcher or Fetcher()
    try:
        return page_article(f.fetch(url, accept=ACCEPT_ARTICLE), shown(url))
    finally:
        if own:
            f.close()

