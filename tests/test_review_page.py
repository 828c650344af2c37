"""The HTML review page: spans from verified offsets, escaping, unverified marks, the day page.

The first tests read the HTML with the standard library's parser (fast suite). The tests
marked ``browser`` load the page in headless Chromium (``tests/cdp.py``), click claims with the
mouse and read back what is highlighted; ``make test`` installs Debian's chromium and runs them.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

import mineralbrief
from mineralbrief.errors import ArticleError
from mineralbrief.models import Brief, Claim, DailyBrief, Evidence
from mineralbrief.render.html import brief_fragment, brief_page, daily_page, safe_url
from mineralbrief.runner import run_daily
from mineralbrief.view import default_output, review_page, write_page

from cdp import Chromium, find_chromium

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
HOSTILE_TITLE = '<script>window.pwned = 1</script>"><img src=x onerror="window.pwned = 2">'
HOSTILE_PARA = 'Analysts said "><img src=x onerror="window.pwned = 3"> and <script>window.pwned = 4</script> today.'


class Page(HTMLParser):
    """What a browser would build from the HTML, as far as these tests need."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.span_text: dict[str, list[str]] = defaultdict(list)
        self.items: dict[str, dict[str, str | None]] = {}
        self.article: list[str] = []
        self._stack: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if "data-item" in a:
            self.items[a["data-item"] or ""] = a
        if tag not in ("br", "meta", "img", "input", "hr", "link"):
            self._stack.append((tag, a))

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        classes = [(a.get("class") or "").split() for _, a in self._stack]
        if any("mb-article" in c for c in classes):
            self.article.append(data)
            for _, a in self._stack:
                for sid in (a.get("data-s") or "").split():
                    self.span_text[sid].append(data)

    def spans(self) -> dict[str, str]:
        return {sid: "".join(parts) for sid, parts in self.span_text.items()}


def seed(name: str) -> tuple[Brief, str]:
    article = mineralbrief.load_article(SEEDS / name)
    return mineralbrief.summarize(article, backend="offline", cache=False), article.text


@pytest.fixture(scope="module")
def rarex() -> tuple[Brief, str]:
    return seed("rarex_ussm_mou.txt")


def with_points(brief: Brief, text: str, points: list[Claim]) -> Brief:
    """``brief`` with its key points replaced, made from ``text`` (the hash follows the text)."""
    source = brief.source.model_copy(update={"content_hash": hashlib.sha256(text.encode()).hexdigest()})
    return brief.model_copy(update={"key_points": points, "source": source})


def union_text(text: str, evidence: list[Evidence]) -> str:
    """The text a reader sees highlighted for ``evidence``: its spans merged, in article order."""
    merged: list[list[int]] = []
    for a, b in sorted((e.start, e.end) for e in evidence if e.start is not None and e.end is not None):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return "".join(text[a:b] for a, b in merged)


def span(text: str, start: int, end: int) -> Evidence:
    return Evidence(quote=text[start:end], start=start, end=end, verified=True)


def overlapping(brief: Brief, text: str) -> tuple[Brief, list[tuple[int, int]]]:
    """Key points whose spans overlap, nest, share an edge and repeat."""
    cuts = [(77, 358), (200, 420), (100, 150), (150, 200), (360, 638), (200, 420)]
    points = [Claim(text=f"point {i}", evidence=[span(text, a, b)]) for i, (a, b) in enumerate(cuts)]
    return with_points(brief, text, points), cuts


def hostile(brief: Brief, text: str) -> tuple[Brief, str]:
    """A brief whose title, URL, headline, names and quotes carry markup and script."""
    text = text + "\n\n" + HOSTILE_PARA + "\n"
    at = text.index(HOSTILE_PARA)
    points = [*brief.key_points[:3], Claim(text=HOSTILE_TITLE, evidence=[span(text, at, at + len(HOSTILE_PARA))])]
    b = with_points(brief, text, points)
    entity = b.entities[0].model_copy(update={"name": HOSTILE_TITLE, "aliases": ["javascript:alert(1)"]})
    source = b.source.model_copy(update={"title": HOSTILE_TITLE, "url": "javascript:window.pwned = 5"})
    return b.model_copy(update={"headline": HOSTILE_TITLE, "source": source, "entities": [entity, *b.entities[1:]],
                                "notes": [HOSTILE_TITLE]}), text


def test_every_span_is_its_verified_offsets(rarex: tuple[Brief, str]) -> None:
    brief, text = rarex
    page = Page(brief.to_html(text))
    assert "".join(page.article) == text  # the article, whole and unaltered
    spans = page.spans()
    for i, kp in enumerate(brief.key_points):
        ids = (page.items[f"key_points[{i}]"]["data-ev"] or "").split()
        assert [spans[s] for s in ids] == [text[e.start:e.end] for e in kp.evidence]
    at = [p.name for p in brief.deals[0].parties].index("RareX Limited")
    party = page.items[f"deals[0].parties[{at}]"]["data-ev"] or ""
    assert spans[party] == "RareX Limited"  # found inside the deal's own verified span


def test_overlapping_spans_each_keep_their_text(rarex: tuple[Brief, str]) -> None:
    text = rarex[1]
    brief, cuts = overlapping(*rarex)
    page = Page(brief_page(brief, text))
    spans = page.spans()
    for i, (a, b) in enumerate(cuts):
        sid = page.items[f"key_points[{i}]"]["data-ev"] or ""
        assert spans[sid] == text[a:b] == brief.key_points[i].evidence[0].quote
    assert page.items["key_points[1]"]["data-ev"] == page.items["key_points[5]"]["data-ev"]  # one span, one id
    assert "".join(page.article) == text


def test_hostile_input_is_text(rarex: tuple[Brief, str]) -> None:
    brief, text = hostile(*rarex)
    html = brief.to_html(text)
    page = Page(html)
    assert [t for t, _ in page.tags if t in ("script", "img", "iframe", "object")] == ["script"]  # ours only
    assert not any(a.get("onerror") or a.get("onclick") for _, a in page.tags)
    hrefs = [a.get("href") or "" for t, a in page.tags if t == "a"]
    assert all(h.startswith(("http://", "https://", "#")) for h in hrefs)
    shown = "".join(page.text)
    assert shown.count(HOSTILE_TITLE) >= 4  # title, headline, note, key point, entity: all as text
    assert HOSTILE_PARA in shown and "javascript:window.pwned = 5" not in hrefs
    sid = page.items["key_points[3]"]["data-ev"] or ""
    assert page.spans()[sid] == HOSTILE_PARA


@pytest.mark.parametrize("url, ok", [
    ("https://example.com/a?b=1&c=2", True), ("http://example.com", True), ("HTTPS://EXAMPLE.COM", True),
    ("javascript:alert(1)", False), ("JavaScript:alert(1)", False), (" javascript:alert(1)", False),
    ("java\tscript:alert(1)", False), ("java\nscript:alert(1)", False), ("data:text/html,<script>", False),
    ("//evil.example/x", False), ("vbscript:x", False), ("http:/x", False), ("https:\\\\evil.example", False),
    ("", False), (None, False),
])
def test_only_http_urls_become_links(url: str | None, ok: bool) -> None:
    assert (safe_url(url) is not None) is ok


def test_unverified_items_are_marked(rarex: tuple[Brief, str]) -> None:
    brief, text = rarex
    lost = Claim(text="A claim the article does not make.", evidence=[Evidence(quote="words nowhere in it")])
    bare = Claim(text="A claim with no evidence at all.")
    grounding = brief.grounding.model_copy(update={"ok": False, "unverified": [
        'key_points[3]: quote not in article: "words nowhere in it"', "key_points[4]: no evidence quote",
        'deals[0].parties: name not in article: "U.S. Strategic Metals"',
        'entities[2]: name not in article: "Iluka Resources"']})
    b = brief.model_copy(update={"key_points": [*brief.key_points[:3], lost, bare], "grounding": grounding,
                                 "notes": ["Written in a language the backend could not read."]})
    page = Page(b.to_html(text))
    marked = {p for p, a in page.items.items() if "mb-unverified" in (a.get("class") or "")}
    ussm = [p.name for p in brief.deals[0].parties].index("U.S. Strategic Metals")
    assert marked == {"key_points[3]", "key_points[4]", f"deals[0].parties[{ussm}]", "entities[2]"}
    shown = "".join(page.text)
    assert "words nowhere in it" in shown and "not found in the article" in shown
    assert "4 statement(s) could not be verified" in shown and "Written in a language" in shown
    assert "data-ev" not in str(page.items["key_points[3]"])  # nothing to highlight


def test_wrong_article_text_is_not_highlighted(rarex: tuple[Brief, str]) -> None:
    brief, text = rarex
    page = Page(brief.to_html(text.replace("RareX", "RareY")))
    assert not page.spans() and "its SHA-256 differs" in "".join(page.text)
    assert brief.key_points[0].evidence[0].quote in "".join(page.text)  # quotes shown instead


def test_notebook_view_shows_quotes_and_runs_nothing(rarex: tuple[Brief, str]) -> None:
    brief, _ = rarex
    html = brief._repr_html_()
    page = Page(html)
    assert [t for t, _ in page.tags if t == "script"] == [] and html.startswith("<style>")
    assert brief.key_points[0].evidence[0].quote in "".join(page.text)
    assert not any("data-ev" in a for a in page.items.values())
    assert brief_fragment(brief) in html
    day = mineralbrief.daily_brief([brief], date=date(2026, 11, 21))
    assert "Deals of the day" in day._repr_html_() and "<script" not in day._repr_html_()


@pytest.fixture(scope="module")
def day_briefs() -> tuple[DailyBrief, list[Brief], dict[str, str]]:
    briefs, texts = [], {}
    for path in sorted(SEEDS.glob("*.txt")):
        b, text = seed(path.name)
        briefs.append(b)
        texts[b.source.content_hash] = text
    # a second outlet with the same MOU, so one deal has two sources
    other = mineralbrief.Article(text=texts[briefs[-3].source.content_hash].replace("PERTH", "SYDNEY"),
                                 url="https://wire.example/rarex?a=1&b=2")
    again = mineralbrief.summarize(other, backend="offline", cache=False)
    briefs.append(again)
    texts[again.source.content_hash] = other.text
    return mineralbrief.daily_brief(briefs, date=date(2026, 11, 21)), briefs, texts


def test_day_page_lists_every_source(day_briefs: tuple[DailyBrief, list[Brief], dict[str, str]]) -> None:
    day, briefs, texts = day_briefs
    page = Page(daily_page(day, briefs, texts))
    ids = {a.get("id") for _, a in page.tags if a.get("id")}
    assert {f"b{i}" for i in range(len(briefs))} <= ids
    anchors = [a.get("href") for t, a in page.tags if t == "a" and (a.get("href") or "").startswith("#")]
    # each source links to its brief; the list of articles links to each brief once
    assert len(anchors) == sum(len(d.sources) for d in day.deals) + len(briefs)
    assert any(len(d.sources) == 2 for d in day.deals)
    assert 'href="https://wire.example/rarex?a=1&amp;b=2"' in daily_page(day, briefs, texts)
    assert len([t for t, a in page.tags if "mb-article" in (a.get("class") or "")]) == len(briefs)


def test_view_a_day_written_by_the_daily_run(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "briefs"
    inbox.mkdir()
    for p in sorted(SEEDS.glob("*.txt"))[:3]:
        (inbox / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    run_daily(inbox, date(2026, 11, 21), out, summarizer=mineralbrief.Summarizer(backend="offline"))
    day_json = out / "2026-11-21.json"
    page = Page(review_page(day_json, articles=inbox))
    assert len([a for _, a in page.tags if "mb-article" in (a.get("class") or "")]) == 3
    assert page.spans() and default_output(day_json) == out / "2026-11-21.html"
    no_texts = Page(review_page(day_json))  # without the articles: the briefs with their quotes
    assert not no_texts.spans() and len([a for _, a in no_texts.tags if a.get("class") == "mb-brief"]) == 3
    one = next((out / "2026-11-21").glob("*.json"))
    assert Page(review_page(one, articles=inbox)).spans() and default_output(one) == one.with_suffix(".html")
    article = inbox / "mp_materials_dod.txt"
    assert Page(review_page(article)).spans() and default_output(article).parent != inbox
    written = write_page(review_page(article), tmp_path / "pages" / "x.html")
    assert written.read_text(encoding="utf-8").startswith("<!doctype html>")
    with pytest.raises(ArticleError):
        review_page(tmp_path / "missing.json")
    # paths as a user types them, as text (a str raised AttributeError: no is_dir)
    assert review_page(str(day_json), articles=str(inbox)) == review_page(day_json, articles=inbox)
    with pytest.raises(ArticleError, match="missing.json: no such file"):
        review_page(str(tmp_path / "missing.json"))


def test_view_of_a_day_shows_only_the_days_briefs(tmp_path: Path) -> None:
    # an article removed or edited before a second run of the same day left its brief beside
    # the day's JSON, and the day page showed it as one of the day's briefs
    inbox, out = tmp_path / "inbox", tmp_path / "briefs"
    inbox.mkdir()
    for name in ("rarex_ussm_mou.txt", "mp_materials_dod.txt"):
        (inbox / name).write_text((SEEDS / name).read_text(encoding="utf-8"), encoding="utf-8")
    summarizer = mineralbrief.Summarizer(backend="offline")
    run_daily(inbox, date(2026, 11, 21), out, summarizer=summarizer)
    (inbox / "rarex_ussm_mou.txt").unlink()
    (inbox / "mp_materials_dod.txt").write_text((SEEDS / "ucore_dod_award.txt").read_text(encoding="utf-8"),
                                                encoding="utf-8")
    run_daily(inbox, date(2026, 11, 21), out, summarizer=summarizer)
    page = Page(review_page(out / "2026-11-21.json", articles=inbox))
    assert len([a for _, a in page.tags if "mb-brief" in (a.get("class") or "").split()]) == 1
    shown = "".join(page.text)
    assert "Ucore" in shown and "RareX" not in shown and "MP Materials" not in shown


# --- in a real browser ------------------------------------------------------------------------

SELECTED = "Array.from(document.querySelectorAll('.mb-hl')).map(function (e) { return e.textContent; }).join('')"
IN_VIEW = ("(function () { var s = document.querySelector('.mb-hl').getBoundingClientRect();"
           " var p = document.querySelector('.mb-hl').closest('.mb-article').getBoundingClientRect();"
           " return s.top >= p.top && s.bottom <= p.bottom && s.top >= 0 && s.bottom <= window.innerHeight; }())")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    if find_chromium() is None:
        pytest.skip("chromium is not installed (make test installs Debian's chromium)")
    with Chromium(tmp_path_factory.mktemp("chromium")) as c:
        yield c


@pytest.mark.browser
def test_click_highlights_the_evidence(browser: Chromium, tmp_path: Path) -> None:
    brief, text = seed("mp_materials_dod.txt")
    (tmp_path / "page.html").write_text(brief.to_html(text), encoding="utf-8")
    browser.open(tmp_path / "page.html")
    assert browser.eval("window.__csp") == []  # the policy lets our own style and script run
    claims = [(f"key_points[{i}]", kp) for i, kp in enumerate(brief.key_points)] + [("bottom_line", brief.bottom_line)]
    for path, claim in claims[::-1]:  # from the bottom up, so each click has to scroll
        browser.click(f'[data-item="{path}"]')
        assert browser.eval(SELECTED) == union_text(text, claim.evidence), path
        if len(claim.evidence) == 1:
            assert browser.eval(SELECTED) == claim.evidence[0].quote
        assert browser.eval(IN_VIEW), path
        assert browser.eval(f"document.querySelector('[data-item=\"{path}\"]').classList.contains('mb-on')")
    assert browser.eval("getComputedStyle(document.querySelector('.mb-hl')).backgroundColor") == "rgb(255, 224, 102)"
    deal = next(i for i, d in enumerate(brief.deals) if d.amounts)
    amount = brief.deals[deal].amounts[0].text
    browser.click(f'[data-item="deals[{deal}].amounts[0]"]')
    assert browser.eval(SELECTED) == amount
    # and back: clicking a highlighted span lights up the statements that cite it
    browser.click(".mb-seg")
    assert browser.eval("document.querySelectorAll('.mb-on').length") >= 1


@pytest.mark.browser
def test_overlapping_spans_in_the_browser(browser: Chromium, rarex: tuple[Brief, str], tmp_path: Path) -> None:
    brief, cuts = overlapping(*rarex)
    text = rarex[1]
    (tmp_path / "page.html").write_text(brief.to_html(text), encoding="utf-8")
    browser.open(tmp_path / "page.html")
    for i, (a, b) in enumerate(cuts):
        browser.click(f'[data-item="key_points[{i}]"]')
        assert browser.eval(SELECTED) == text[a:b] == brief.key_points[i].evidence[0].quote


def crlf(brief: Brief, text: str) -> tuple[Brief, str, tuple[int, int]]:
    """The article with Windows line ends and a key point whose span crosses a paragraph break."""
    text = text.replace("\n", "\r\n")
    a = text.index("PERTH") + 100
    b = text.index("They will also") + 10
    return with_points(brief, text, [Claim(text="across", evidence=[span(text, a, b)]), *brief.key_points[1:]]), text, (a, b)


def test_carriage_returns_survive(rarex: tuple[Brief, str]) -> None:
    brief, text, (a, b) = crlf(*rarex)
    page = Page(brief.to_html(text))
    assert "".join(page.article) == text
    assert page.spans()[page.items["key_points[0]"]["data-ev"] or ""] == text[a:b]


@pytest.mark.browser
def test_carriage_returns_in_the_browser(browser: Chromium, rarex: tuple[Brief, str], tmp_path: Path) -> None:
    brief, text, (a, b) = crlf(*rarex)
    (tmp_path / "page.html").write_text(brief.to_html(text), encoding="utf-8", newline="")
    browser.open(tmp_path / "page.html")
    browser.click('[data-item="key_points[0]"]')
    assert browser.eval(SELECTED) == text[a:b] and "\r\n" in text[a:b]
    assert browser.eval("document.querySelector('.mb-article').textContent") == text


@pytest.mark.browser
def test_hostile_page_runs_nothing(browser: Chromium, rarex: tuple[Brief, str], tmp_path: Path) -> None:
    brief, text = hostile(*rarex)
    (tmp_path / "page.html").write_text(brief.to_html(text), encoding="utf-8")
    browser.open(tmp_path / "page.html")
    assert browser.eval("typeof window.pwned") == "undefined"
    assert browser.eval("document.title") == HOSTILE_TITLE
    assert browser.eval("document.querySelector('h1').textContent") == HOSTILE_TITLE
    assert browser.eval("document.scripts.length") == 1 and browser.eval("document.images.length") == 0
    assert browser.eval("Array.from(document.links).filter(function (a) { return a.protocol !== 'http:'"
                        " && a.protocol !== 'https:' && a.protocol !== 'file:'; }).length") == 0
    browser.click('[data-item="key_points[3]"]')
    assert browser.eval(SELECTED) == HOSTILE_PARA
    assert browser.eval("typeof window.pwned") == "undefined"


@pytest.mark.browser
def test_day_page_in_the_browser(browser: Chromium, day_briefs: tuple[DailyBrief, list[Brief], dict[str, str]],
                                 tmp_path: Path) -> None:
    day, briefs, texts = day_briefs
    (tmp_path / "day.html").write_text(daily_page(day, briefs, texts), encoding="utf-8")
    browser.open(tmp_path / "day.html")
    assert browser.eval("window.__csp") == []
    b = 3
    browser.click(f'#b{b} [data-item="bottom_line"]')
    assert browser.eval(SELECTED) == briefs[b].bottom_line.evidence[0].quote
    assert browser.eval("document.querySelector('.mb-hl').closest('.mb-brief').id") == f"b{b}"


def test_to_html_takes_the_article_and_says_what_it_does_not_take(rarex: tuple[Brief, str]) -> None:
    # brief.to_html(article) (the Article summarize took) and to_html(path) failed as
    # "AttributeError: 'Article' object has no attribute 'encode'"
    brief, text = rarex
    article = mineralbrief.Article(text=text)
    assert brief.to_html(article) == brief.to_html(text)
    with pytest.raises(TypeError, match="load_article"):
        brief.to_html(SEEDS / "rarex_ussm_mou.txt")  # type: ignore[arg-type]
