"""Polite HTTP fetching for articles, feeds and PDFs.

``Fetcher`` reads one URL at a time with ``httpx2`` (already a core dependency): http(s) only,
a user agent naming mineralbrief, a connect/read timeout and a total deadline, a size cap on
the decoded body, a few redirects (each hop checked again), robots.txt honoured (RFC 9309),
and no private-network addresses unless the user asked for one. Every failure is an
``ArticleError`` naming the URL, never an exception of the HTTP stack.

Private addresses: a URL the user gives (on the command line, in a ``urls.txt``, as a feed URL)
may name a private host (an intranet, ``localhost``); what it leads to (redirects, the links of
a feed's entries) may reach private addresses only when the URL the user gave did. So a public
feed cannot make mineralbrief fetch ``http://169.254.169.254/`` or a router's admin page. The
host is resolved before the request; a DNS answer that changes between that check and the
connection (rebinding) is not caught.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from importlib import metadata
from types import TracebackType
from urllib.robotparser import RobotFileParser

import httpx2 as httpx

from ..errors import ArticleError
from ..redact import redact

ROBOTS_TOKEN = "mineralbrief"
MAX_BYTES = 10 * 1024 * 1024  # a news page or press-release PDF is far smaller
_ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309 asks crawlers to read at least 500 KiB
_REDIRECTS = (301, 302, 303, 307, 308)


def _version() -> str:
    try:
        return metadata.version("mineralbrief")
    except metadata.PackageNotFoundError:  # run from a checkout without an install
        return "dev"


USER_AGENT = f"{ROBOTS_TOKEN}/{_version()} (critical-minerals news briefs; python-httpx2)"


def is_url(text: str) -> bool:
    """Whether ``text`` is an http(s) URL (the only schemes mineralbrief fetches)."""
    return text[:8].lower().startswith(("http://", "https://"))


def shown(url: str) -> str:
    """The URL as it may appear in a message: credentials and key-shaped parts redacted."""
    return redact(url)


class FetchError(ArticleError):
    """A URL could not be fetched. ``status`` is the HTTP status when the server answered."""

    def __init__(self, message: str, *, article_id: str | None = None, status: int | None = None) -> None:
        super().__init__(message, article_id=article_id)
        self.status = status


class _Refused(Exception):
    """Why one hop of a fetch failed; ``fetch`` turns it into a ``FetchError`` naming the URL."""

    def __init__(self, why: str, hop: str, status: int | None = None) -> None:
        super().__init__(why)
        self.hop = hop
        self.status = status


@dataclass(frozen=True)
class Page:
    """What a fetch returned.

    Attributes:
        url: the final URL, after redirects.
        content_type: the media type, lower case, without parameters ("" when not sent).
        charset: the ``charset`` parameter of Content-Type, when sent.
        body: the decoded body (gzip and the like undone), at most the fetcher's cap.
    """

    url: str
    content_type: str
    charset: str | None
    body: bytes


def _is_private_ip(text: str) -> bool:
    ip = ipaddress.ip_address(text.split("%", 1)[0])  # drop an IPv6 zone ("fe80::1%eth0")
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    # not global = loopback, private, link-local (cloud metadata), shared, reserved, ...
    return not ip.is_global or ip.is_multicast


def host_is_private(host: str) -> bool:
    """Whether ``host`` (a name or an IP literal) is or resolves to a non-public address.

    Raises:
        ArticleError: the name does not resolve.
    """
    host = host.strip("[]")
    try:
        return _is_private_ip(host)
    except ValueError:
        pass  # a name, not an address
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ArticleError(f"{host}: cannot resolve the host name ({exc})", article_id=host) from None
    return any(_is_private_ip(str(info[4][0])) for info in infos)


class Fetcher:
    """Fetches URLs politely; reuse one for many URLs (one connection pool, robots.txt read
    once per site). Close it when done, or use it as a context manager.

    Args:
        timeout: seconds a connection or a read may stall.
        deadline: seconds one fetch may take in all, however slowly a server trickles.
        max_bytes: the largest body read (decoded); a larger one is an ``ArticleError``.
        max_redirects: redirects followed per fetch.
        respect_robots: read each site's robots.txt and skip what it disallows for
            ``mineralbrief`` (or ``*``).
        allow_private: ``True`` fetches private addresses always, ``False`` never; ``None``
            (the default) only when the URL the user gave is itself private (see the module).
        user_agent: the User-Agent header.
        transport: an ``httpx2`` transport (tests).
    """

    def __init__(
        self, *, timeout: float = 20.0, deadline: float = 60.0, max_bytes: int = MAX_BYTES, max_redirects: int = 5,
        respect_robots: bool = True, allow_private: bool | None = None, user_agent: str = USER_AGENT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.respect_robots = respect_robots
        self.allow_private = allow_private
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)), follow_redirects=False,
            headers={"User-Agent": user_agent}, transport=transport)
        self._robots: dict[str, RobotFileParser] = {}
        self._unread: dict[str, str] = {}  # a site whose robots.txt could not be read, and why

    def private_ok(self, url: str) -> bool:
        """Whether a fetch that starts from ``url`` (as the user gave it) may reach private
        addresses."""
        if self.allow_private is not None:
            return self.allow_private
        host = httpx.URL(url).host
        return bool(host) and host_is_private(host)

    def fetch(self, url: str, *, private_ok: bool | None = None, accept: str = "*/*") -> Page:
        """GET ``url``, following redirects, within the fetcher's limits.

        Args:
            url: an http(s) URL.
            private_ok: whether this fetch (and its redirects) may reach private addresses;
                ``None``: as ``private_ok(url)``, for a URL the user gave.
            accept: the Accept header.

        Raises:
            ArticleError: not http(s), a private address, disallowed by robots.txt, an HTTP
                error status, too many redirects, over the size cap or the deadline, or the
                network failed. The message names the URL.
        """
        if not is_url(url):
            raise FetchError(f"{shown(url)}: not an http(s) URL; only http and https are fetched",
                             article_id=shown(url))
        try:
            allowed = self.private_ok(url) if private_ok is None else private_ok
            return self._get(url, allowed, accept, robots=self.respect_robots)
        except _Refused as exc:  # named after the URL asked for, and the hop when redirected
            via = f" (redirected to {shown(exc.hop)})" if exc.hop != url else ""
            raise FetchError(f"{shown(url)}: {exc}{via}", article_id=shown(url), status=exc.status) from None
        except ArticleError as exc:  # a host name that does not resolve
            raise FetchError(f"{shown(url)}: {exc}", article_id=shown(url)) from None
        except httpx.HTTPError as exc:  # timeouts, refused connections, bad TLS, broken bodies
            why = type(exc).__name__ + (f": {exc}" if str(exc) else "")
            raise FetchError(f"{shown(url)}: cannot fetch ({redact(why)[:200]})", article_id=shown(url)) from None
        except httpx.InvalidURL as exc:  # "https://[::1", a port that is not a number: not an HTTPError
            why = redact(str(exc))[:200]
            raise FetchError(f"{shown(url)}: not a valid URL ({why})", article_id=shown(url)) from None

    def _get(self, url: str, private_ok: bool, accept: str, *, robots: bool, cap: int | None = None) -> Page:
        started = time.monotonic()
        for _ in range(self.max_redirects + 1):
            if time.monotonic() - started > self.deadline:
                raise _Refused(f"took longer than {self.deadline:g} s", url)
            self._check(url, private_ok)
            if robots and not self._robots_allow(url, private_ok):
                # a site that is down, or a typo's port, read as a site that forbids mineralbrief
                # sent users to its robots.txt: what could not be read is said as such
                why = self._unread.get(_site(url))
                if why is not None:
                    raise _Refused(f"cannot read the site's robots.txt ({why}); RFC 9309 reads that as "
                                   "disallowing the site: not fetched", url)
                raise _Refused(f"robots.txt of the site disallows it for {ROBOTS_TOKEN}; not fetched", url)
            with self._client.stream("GET", url, headers={"Accept": accept}) as r:
                if r.status_code in _REDIRECTS and "location" in r.headers:
                    url = str(r.url.join(r.headers["location"]))
                    continue
                if r.status_code >= 400:
                    raise _Refused(f"HTTP {r.status_code} {r.reason_phrase}".rstrip(), url, r.status_code)
                body = self._body(r, url, started, cap or self.max_bytes)
                media, _, params = r.headers.get("content-type", "").partition(";")
                return Page(str(r.url), media.strip().lower(), _charset(params), body)
        raise _Refused(f"more than {self.max_redirects} redirects", url)

    def _check(self, url: str, private_ok: bool) -> None:
        if not is_url(url):  # a redirect to file:, ftp:, javascript:
            raise _Refused("redirected to a URL that is not http(s); not followed", url)
        host = httpx.URL(url).host
        if not private_ok and (not host or host_is_private(host)):
            raise _Refused("a private or local network address; not fetched (give such a URL yourself, "
                           "or Fetcher(allow_private=True))", url)

    def _body(self, r: httpx.Response, url: str, started: float, cap: int) -> bytes:
        declared = r.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise _Refused(f"{int(declared):,} bytes, over the limit of {cap:,}", url)
        parts: list[bytes] = []
        size = 0
        for chunk in r.iter_bytes():
            size += len(chunk)
            if size > cap:  # counted after decoding: a gzip bomb stops here too
                raise _Refused(f"over the limit of {cap:,} bytes", url)
            if time.monotonic() - started > self.deadline:
                raise _Refused(f"took longer than {self.deadline:g} s", url)
            parts.append(chunk)
        return b"".join(parts)

    def _robots_allow(self, url: str, private_ok: bool) -> bool:
        site = _site(url)
        parser = self._robots.get(site)
        if parser is None:
            parser = self._robots[site] = self._read_robots(site, private_ok)
        return parser.can_fetch(ROBOTS_TOKEN, url)

    def _read_robots(self, site: str, private_ok: bool) -> RobotFileParser:
        parser = RobotFileParser(site + "/robots.txt")
        try:
            page = self._get(site + "/robots.txt", private_ok, "text/plain", robots=False, cap=_ROBOTS_MAX_BYTES)
            lines = page.body.decode("utf-8", "replace").splitlines()
        except _Refused as exc:
            # RFC 9309: a missing robots.txt (4xx) allows everything; an unreachable one (5xx,
            # network) means assume complete disallow
            missing = exc.status is not None and 400 <= exc.status < 500
            lines = [] if missing else ["User-agent: *", "Disallow: /"]
            if not missing:
                self._unread[site] = str(exc)
        except (httpx.HTTPError, ArticleError) as exc:  # unreachable, or the host does not resolve
            lines = ["User-agent: *", "Disallow: /"]
            why = str(exc) if isinstance(exc, ArticleError) else type(exc).__name__ + (f": {exc}" if str(exc) else "")
            self._unread[site] = redact(why)[:200]
        parser.parse(lines)  # also marks the parser as read: can_fetch answers False before
        return parser

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def _site(url: str) -> str:
    u = httpx.URL(url)
    return f"{u.scheme}://{u.netloc.decode('ascii')}"


def _charset(params: str) -> str | None:
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("'\"")
    return None

