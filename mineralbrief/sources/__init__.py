"""Real inputs: RSS/Atom feeds, article URLs, PDF press releases and inboxes of files (``files``)
(see ``inputs.iter_source``)."""

from .feeds import TEASER_CHARS, feed_entries, html_to_text
from .fetch import USER_AGENT, Fetcher, FetchError, Page, host_is_private, is_url
from .inputs import iter_source
from .pdf import pdf_article
from .web import load_url, page_article

__all__ = [
    "TEASER_CHARS",
    "USER_AGENT",
    "FetchError",
    "Fetcher",
    "Page",
    "feed_entries",
    "host_is_private",
    "html_to_text",
    "is_url",
    "iter_source",
    "load_url",
    "page_article",
    "pdf_article",
]
