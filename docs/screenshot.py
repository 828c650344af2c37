"""Rebuild the screenshots of the review page in docs/ (needs Debian's chromium).

    python docs/screenshot.py

Briefs the seed articles offline, renders their day page, and saves two views of it: the
day's summary (docs/review-day.png) and one brief beside its article with a deal's amount
clicked (docs/review-page.png).
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import mineralbrief  # noqa: E402
from mineralbrief.render.html import daily_page  # noqa: E402

from cdp import Chromium  # noqa: E402


def main() -> None:
    articles = [mineralbrief.load_article(p) for p in sorted((ROOT / "seeds").glob("*.txt"))]
    rarex = next(a for a in articles if "RareX" in a.text[:200])
    # the same MOU from a second outlet: the day merges it into one deal with two sources
    articles.append(mineralbrief.Article(text=rarex.text.replace("PERTH", "SYDNEY"),
                                         url="https://wire.example.com/rarex-ussm"))
    briefs = [mineralbrief.summarize(a, backend="offline", cache=False) for a in articles]
    texts = {b.source.content_hash: a.text for a, b in zip(articles, briefs, strict=True)}
    day = mineralbrief.daily_brief(briefs, date=date(2026, 11, 21))
    shown = next(i for i, b in enumerate(briefs) if "MP Materials" in b.headline)
    with tempfile.TemporaryDirectory() as tmp, Chromium(Path(tmp), width=1400, height=960) as browser:
        page = Path(tmp) / "day.html"
        page.write_text(daily_page(day, briefs, texts), encoding="utf-8")
        browser.open(page)
        browser.screenshot(ROOT / "docs" / "review-day.png")
        browser.click(f'#b{shown} [data-item="deals[0].amounts[0]"]')
        browser.eval(f"document.getElementById('b{shown}').scrollIntoView()")
        browser.send("Input.dispatchMouseEvent", type="mouseMoved", x=2, y=2)  # no hover in the picture
        browser.screenshot(ROOT / "docs" / "review-page.png")
    print("wrote docs/review-day.png and docs/review-page.png")


if __name__ == "__main__":
    main()
