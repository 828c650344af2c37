"""Real inputs: RSS/Atom feeds, article URLs and PDFs, served from a local server (offline)."""

from __future__ import annotations

import io
import json
import unicodedata
from html import escape

import pytest

import mineralbrief
from mineralbrief.cli import main
from mineralbrief.sources import Fetcher, host_is_private, iter_source, load_url

from conftest import SEEDS
from web_server import Route, WebServer

MP = (SEEDS / "mp_materials_dod.txt").read_text(encoding="utf-8")
RAREX = (SEEDS / "rarex_ussm_mou.txt").read_text(encoding="utf-8")
UCORE = (SEEDS / "ucore_dod_award.txt").read_text(encoding="utf-8")
ILUKA = (SEEDS / "iluka_eneabba_loan.txt").read_text(encoding="utf-8")
DAY = ["--date", "2026-11-21"]


def make_pdf(text: str) -> bytes:
    """A one-page PDF whose text layer is ``text`` (one line per line); empty text gives a page
    with no text at all, as a scan."""
    ascii_text = unicodedata.normalize("NFKD", text.translate(str.maketrans("\u2018\u2019\u201c\u201d\u2013\u2014",
                                                                           "''\"\"--")))
    lines = [ln.encode("ascii", "ignore").decode().replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
             for ln in ascii_text.splitlines()]
    content = ("BT /F1 9 Tf 11 TL 36 770 Td " + " ".join(f"({ln}) Tj T*" for ln in lines) + " ET").encode() if text else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % o for o in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def html_page(title: str, text: str) -> bytes:
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in text.split("\n\n")[1:])
    return (f"<!doctype html><html><head><title>{escape(title)}</title>"
            f'<meta property="article:published_time" content="2025-07-10"></head>'
            f"<body><nav><a href='/'>Home</a></nav><article><h1>{escape(title)}</h1>{paragraphs}</article>"
            "<footer>Copyright News Site</footer></body></html>").encode()


def rss(items: list[tuple[str, str, str, str | None]]) -> bytes:
    """An RSS 2.0 feed; each item is (title, link, pubDate, full text or None for a teaser)."""
    parts = []
    for title, link, pub, full in items:
        body = (f"<content:encoded><![CDATA[{''.join(f'<p>{escape(p)}</p>' for p in full.split(chr(10) * 2))}]]>"
                "</content:encoded>") if full else ""
        parts.append(f"<item><title>{escape(title)}</title><link>{escape(link)}</link><pubDate>{pub}</pubDate>"
                     f"<description>A short teaser of the story.</description>{body}</item>")
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Minerals wire</title>'
            f"<link>https://example.com/</link>{''.join(parts)}</channel></rss>").encode()


def atom(entries: list[tuple[str, str, str, str | None]]) -> bytes:
    parts = []
    for title, link, updated, full in entries:
        content = f'<content type="text">{escape(full)}</content>' if full else "<summary>Teaser only.</summary>"
        parts.append(f'<entry><title>{escape(title)}</title><link href="{escape(link)}"/><id>{escape(link)}</id>'
                     f"<updated>{updated}</updated>{content}</entry>")
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>'
            f"<id>urn:wire</id><updated>2025-07-11T00:00:00Z</updated>{''.join(parts)}</feed>").encode()


@pytest.fixture
def site():
    with WebServer() as srv:
        srv.routes.update({
            "/robots.txt": Route(b"User-agent: *\nDisallow: /private/\n", "text/plain"),
            "/news/mp-dod": Route(html_page("MP Materials and the DoD", MP)),
            "/private/secret": Route(html_page("Hidden", UCORE)),
            "/releases/ucore.pdf": Route(make_pdf(UCORE), "application/pdf"),
            "/releases/scan.pdf": Route(make_pdf(""), "application/pdf"),
            "/big": Route(b"<html><body>" + b"<p>rare earths</p>" * 5000 + b"</body></html>"),
            "/big-unsized": Route(b"<html><body>" + b"<p>rare earths</p>" * 5000 + b"</body></html>", length=False),
            "/image": Route(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png"),
            "/moved": Route(b"", status=302, headers={"Location": "/news/mp-dod"}),
            "/to-file": Route(b"", status=302, headers={"Location": "file:///etc/passwd"}),
        })
        srv.routes["/feed.rss"] = Route(rss([
            ("RareX and USSM sign MOU", srv.url("/news/rarex"), "Mon, 07 Jul 2025 09:00:00 GMT", RAREX),
            ("Iluka's Eneabba loan", srv.url("/news/iluka"), "Tue, 08 Jul 2025 09:00:00 GMT", ILUKA),
            ("MP Materials and the DoD", srv.url("/news/mp-dod"), "Thu, 10 Jul 2025 08:00:00 GMT", None),
            ("Gone", srv.url("/news/gone"), "Thu, 10 Jul 2025 08:00:00 GMT", None),
            ("Hidden", srv.url("/private/secret"), "Thu, 10 Jul 2025 08:00:00 GMT", None),
        ]), "application/rss+xml")
        yield srv


def split(items):
    items = list(items)
    arts = [i for i in items if isinstance(i, mineralbrief.Article)]
    errs = [i for i in items if isinstance(i, mineralbrief.ArticleError)]
    return arts, errs


# -- feeds ---------------------------------------------------------------------------------------
def test_rss_feed_url_gives_entries_fetches_teasers_and_isolates_failures(site):
    arts, errs = split(iter_source(site.url("/feed.rss")))
    assert [a.title for a in arts] == ["RareX and USSM sign MOU", "Iluka's Eneabba loan", "MP Materials and the DoD"]
    assert [str(a.published) for a in arts] == ["2025-07-07", "2025-07-08", "2025-07-10"]
    assert arts[0].url == site.url("/news/rarex") and arts[0].source == site.url("/news/rarex")
    assert "RareX" in arts[0].text and "<p>" not in arts[0].text  # full content, as text
    assert "Department of Defense" in arts[2].text and "Copyright" not in arts[2].text  # the teaser's page
    assert len(errs) == 2
    assert "/news/gone" in str(errs[0]) and "404" in str(errs[0]) and "teaser" in str(errs[0])
    assert "/private/secret" in str(errs[1]) and "robots.txt" in str(errs[1])
    assert "/private/secret" not in site.paths()  # never requested
    assert site.paths().count("/robots.txt") == 1  # read once per site
    assert all(ua.startswith("mineralbrief/") for _, ua in site.requests)


def test_atom_feed_file_keeps_entry_links_off_private_addresses(site, tmp_path):
    feed = tmp_path / "wire.atom"
    feed.write_bytes(atom([
        ("Ucore's DoD award", "https://example.com/ucore", "2025-07-09T10:00:00Z", UCORE),
        ("MP Materials and the DoD", site.url("/news/mp-dod"), "2025-07-10T08:00:00Z", None),
    ]))
    arts, errs = split(iter_source(feed))
    assert [(a.title, a.url, str(a.published)) for a in arts] == [
        ("Ucore's DoD award", "https://example.com/ucore", "2025-07-09")]
    assert len(errs) == 1 and "private or local network" in str(errs[0]) and site.requests == []
    with Fetcher(allow_private=True) as fetcher:  # the user allows it: the teaser's page is read
        arts, errs = split(iter_source(feed, fetcher=fetcher))
    assert len(arts) == 2 and not errs and "Department of Defense" in arts[1].text


def test_not_a_feed_and_an_empty_feed_are_one_error_each(tmp_path):
    (tmp_path / "junk.rss").write_text("this is not xml at all")
    (tmp_path / "empty.xml").write_bytes(rss([]))
    for name, why in (("junk.rss", "not an RSS or Atom feed"), ("empty.xml", "no entries")):
        items = list(iter_source(tmp_path / name))
        assert len(items) == 1 and isinstance(items[0], mineralbrief.ArticleError) and why in str(items[0])


# -- URLs ----------------------------------------------------------------------------------------
def test_html_page_by_url_briefs_end_to_end(site):
    art = load_url(site.url("/moved"))  # a redirect, followed
    assert art.title == "MP Materials and the DoD" and art.url == site.url("/news/mp-dod")
    assert art.source == site.url("/moved") and "Copyright" not in art.text
    brief = mineralbrief.summarize(art, backend="offline")
    assert brief.grounding.ok and brief.source.url == site.url("/news/mp-dod")
    assert "MP Materials" in brief.to_markdown()


@pytest.mark.parametrize("path, words", [
    ("/news/gone", ["HTTP 404"]),
    ("/big", ["over the limit"]),
    ("/big-unsized", ["over the limit"]),
    ("/private/secret", ["robots.txt"]),
    ("/image", ["image/png", "not an article"]),
    ("/to-file", ["not http(s)"]),
    ("/feed.rss", ["a feed, not an article"]),
    ("/releases/scan.pdf", ["no text layer"]),
])
def test_each_bad_url_is_one_clear_article_error(site, path, words):
    with Fetcher(max_bytes=50_000) as fetcher, pytest.raises(mineralbrief.ArticleError) as info:
        load_url(site.url(path), fetcher=fetcher)
    assert all(w in str(info.value) for w in words), str(info.value)
    assert site.url(path) in str(info.value)


def test_only_http_and_no_private_surprises(site):
    for url in ("file:///etc/passwd", "ftp://example.com/x", "javascript:alert(1)"):
        with pytest.raises(mineralbrief.ArticleError, match="not an http"):
            load_url(url)
    with Fetcher(allow_private=False) as fetcher, pytest.raises(mineralbrief.ArticleError, match="private"):
        load_url(site.url("/news/mp-dod"), fetcher=fetcher)
    assert site.requests == []
    for host in ("127.0.0.1", "10.1.2.3", "192.168.0.1", "169.254.169.254", "::1", "::ffff:127.0.0.1", "fc00::1"):
        assert host_is_private(host), host
    assert not host_is_private("8.8.8.8") and not host_is_private("2606:4700:4700::1111")


def test_a_host_that_does_not_resolve_is_an_error_naming_the_url(monkeypatch):
    import socket

    def no_dns(*args, **kwargs):
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    with pytest.raises(mineralbrief.ArticleError, match=r"^http://news\.invalid/x: .*cannot resolve"):
        load_url("http://news.invalid/x")


def test_robots_txt_that_is_unreachable_blocks_and_a_missing_one_allows(site):
    site.routes["/robots.txt"] = Route(b"oops", "text/plain", 503)
    with pytest.raises(mineralbrief.ArticleError, match="robots.txt"):
        load_url(site.url("/news/mp-dod"))
    site.routes.pop("/robots.txt")  # 404: everything allowed
    assert load_url(site.url("/news/mp-dod")).title == "MP Materials and the DoD"
    site.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /\n", "text/plain")
    with Fetcher(respect_robots=False) as fetcher:  # the caller's choice
        assert load_url(site.url("/news/mp-dod"), fetcher=fetcher).text


# -- PDFs ----------------------------------------------------------------------------------------
def test_pdf_file_and_pdf_url_brief_end_to_end(site, tmp_path):
    path = tmp_path / "ucore.pdf"
    path.write_bytes(make_pdf(UCORE))
    from_file = mineralbrief.load_article(path)
    from_url = load_url(site.url("/releases/ucore.pdf"))
    assert from_file.text == from_url.text and "Ucore" in from_file.text
    assert from_url.url == site.url("/releases/ucore.pdf") and from_file.source == str(path)
    brief = mineralbrief.summarize(path, backend="offline")
    assert brief.grounding.ok and brief.deals


def test_scanned_or_broken_pdf_is_a_clear_article_error(tmp_path):
    (tmp_path / "scan.pdf").write_bytes(make_pdf(""))
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\n garbage")
    (tmp_path / "fake.pdf").write_bytes(b"just text")
    with pytest.raises(mineralbrief.ArticleError, match="no text layer"):
        mineralbrief.load_article(tmp_path / "scan.pdf")
    for name in ("broken.pdf", "fake.pdf"):
        with pytest.raises(mineralbrief.ArticleError, match=name):
            mineralbrief.load_article(tmp_path / name)
    arts, errs = split(mineralbrief.sources.files.iter_articles(tmp_path))  # one failure each in a folder
    assert not arts and len(errs) == 3


# -- the command line ----------------------------------------------------------------------------
def test_daily_reads_a_feed_url(site, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["daily", site.url("/feed.rss"), *DAY, "--out", str(out), "--backend", "offline", "-q"])
    assert code == 2  # three briefs, two failures
    day = json.loads((out / "2026-11-21.json").read_text())
    assert len(day["articles"]) == 3
    failures = (out / "2026-11-21" / "failures.jsonl").read_text().splitlines()
    assert len(failures) == 2 and any("404" in f for f in failures)


def test_daily_reads_a_file_of_urls(site, tmp_path):
    urls = tmp_path / "urls.txt"
    urls.write_text(f"# today\n{site.url('/news/mp-dod')}\n\n{site.url('/releases/ucore.pdf')}\n{site.url('/news/gone')}\n")
    out = tmp_path / "out"
    assert main(["daily", str(urls), *DAY, "--out", str(out), "--backend", "offline", "-q"]) == 2
    day = json.loads((out / "2026-11-21.json").read_text())
    assert len(day["articles"]) == 2
    assert "/news/gone" in (out / "2026-11-21" / "failures.jsonl").read_text()


def test_summarize_accepts_a_url_and_a_pdf(site, tmp_path, capsys):
    assert main(["summarize", site.url("/news/mp-dod"), "--backend", "offline"]) == 0
    assert "MP Materials" in capsys.readouterr().out
    path = tmp_path / "ucore.pdf"
    path.write_bytes(make_pdf(UCORE))
    assert main(["summarize", str(path), "--backend", "offline", "-f", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["deals"]
    assert main(["summarize", site.url("/news/gone"), "--backend", "offline"]) == 1
    err = capsys.readouterr().err
    assert "404" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_a_text_file_that_is_an_article_is_not_taken_for_urls(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(RAREX + "\nhttps://example.com/more\n")
    assert list(iter_source(path)) == [mineralbrief.load_article(path)]
    bad = tmp_path / "list.urls"
    bad.write_text("https://127.0.0.1:1/x\nnot a url\n")
    items = list(iter_source(bad))
    assert len(items) == 2 and all(isinstance(i, mineralbrief.ArticleError) for i in items)
    assert "list.urls:2: not an http(s) URL" in str(items[1])


@pytest.mark.parametrize("bad", ["https://[::1", "http://example.com:abc/", "http://[not-an-ip]/"])
def test_a_malformed_url_is_one_failure_not_the_runs(site, tmp_path, capsys, bad):
    # httpx.InvalidURL is not an httpx.HTTPError: it escaped the fetcher as an "internal error",
    # and one such line in a file of URLs stopped the whole `daily` run
    with pytest.raises(mineralbrief.ArticleError, match="not a valid URL"):
        load_url(bad)
    urls = tmp_path / "urls.txt"
    urls.write_text(f"{bad}\n{site.url('/news/mp-dod')}\n")
    out = tmp_path / "out"
    assert main(["daily", str(urls), *DAY, "--out", str(out), "--backend", "offline", "-q"]) == 2
    assert len(json.loads((out / "2026-11-21.json").read_text())["articles"]) == 1
    assert main(["summarize", bad, "--backend", "offline"]) == 1
    assert "internal error" not in capsys.readouterr().err


def test_a_site_that_cannot_be_reached_is_not_reported_as_one_that_forbids_us(site):
    # RFC 9309 reads an unreadable robots.txt as "disallow all", and the error said the site's
    # robots.txt disallowed mineralbrief: a server that was down, or a typo's port, sent users
    # to read a robots.txt that does not exist. The error now says what could not be read.
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once the block ends: nothing listens there
    with pytest.raises(mineralbrief.ArticleError) as err:
        load_url(f"http://127.0.0.1:{port}/news")
    assert "cannot read the site's robots.txt" in str(err.value) and "ConnectError" in str(err.value)
    assert "disallows it" not in str(err.value)
    site.routes["/robots.txt"] = Route(b"oops", "text/plain", 503)
    with pytest.raises(mineralbrief.ArticleError, match=r"robots\.txt \(HTTP 503"):
        load_url(site.url("/news/mp-dod"))
