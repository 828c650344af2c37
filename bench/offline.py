"""The offline path's cost on one core: short samples, a real-length release, huge articles.

Prints, pinned to one core, with the cache off:

1. articles/s through the public API (``Summarizer(backend="offline")``) for the 2 KB samples
   in seeds/ (target >= 200/s) and for the 13 KB press release in bench/data/;
2. ms per article on the 13 KB release for each stage: ``extract_facts`` (what an LLM backend
   has scanned: injections, elements, entities) and the whole scan (with the places, amounts,
   dates and deal cues the offline backend reads too), building the
   ``SourceIndex`` (as the API builds it, with its normalised text, names and numbers
   prepared), and ``ground`` of the offline backend's brief, both with the offsets the backend
   gives and with the offsets removed (as a model's quotes arrive: each one searched);
3. seconds for the whole scan on generated 100 KB, 400 KB and 2 MB articles, and seconds per
   MB, which stays flat when the scan is linear.

    .venv/bin/python bench/offline.py [N] [--sizes 100,400,2000]

The generated articles are the worst case for the company scan: wire-style paragraphs, each
introducing a new listed company and naming earlier ones, with tickers, defined short names,
acronyms, roles ("lithium developer X"), speakers and amounts.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import mineralbrief
from mineralbrief.backends.offline import build_brief
from mineralbrief.domain.facts import Facts, extract_facts
from mineralbrief.grounding import SourceIndex, ground
from mineralbrief.models import BriefContent

ROOT = Path(__file__).resolve().parent.parent
RELEASE = ROOT / "bench" / "data" / "press_release_13k.txt"


# -- a generated article of any length -------------------------------------------------------
_SYLLABLES = ["al", "bor", "cas", "del", "ek", "fal", "gor", "hal", "ir", "jun", "kor", "lum",
              "mar", "nor", "os", "pel", "qua", "ros", "sil", "tar", "ul", "ven", "wan", "xel",
              "yor", "zan"]
_SUFFIXES = ["Resources", "Metals", "Minerals", "Lithium", "Graphite", "Nickel", "Mining",
             "Materials", "Energy", "Holdings", "Resources Limited", "Metals Inc.", "Minerals Corp.",
             "Lithium Ltd", "Mining PLC", "Graphite Corporation"]
_EXCHANGES = ["ASX", "TSX", "TSXV", "NASDAQ", "NYSE", "NYSE American", "OTCQX", "LSE", "AIM", "CSE"]
_ROLES = ["lithium developer", "graphite producer", "nickel miner", "battery maker", "refiner",
          "explorer", "supplier"]
_ELEMENTS = ["lithium", "graphite", "nickel", "cobalt", "manganese", "copper", "vanadium"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]


class _Company:
    def __init__(self, rng: random.Random, n: int) -> None:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        second = rng.choice(["", "", " " + "".join(rng.choice(_SYLLABLES) for _ in range(2)).capitalize()])
        self.short = f"{word}{second}"
        self.name = f"{self.short} {rng.choice(_SUFFIXES)}"
        self.ticker = f"{rng.choice(_EXCHANGES)}: {word[:3].upper()}{n % 100 if n >= 100 else ''}"
        self.acronym = "".join(w[0] for w in self.name.split() if w[0].isupper())[:4]


def generated_article(size: int, seed: int = 14) -> str:
    """About ``size`` characters of wire-style paragraphs naming ever more listed companies."""
    rng = random.Random(seed)
    companies: list[_Company] = []
    paragraphs: list[str] = ["Critical minerals wire: deals of the week\n"]
    length = 0
    while length < size:
        new = _Company(rng, len(companies))
        companies.append(new)
        a, b, c = (rng.choice(companies) for _ in range(3))
        el, n = rng.choice(_ELEMENTS), rng.randint(2, 900)
        day, month, year = rng.randint(1, 28), rng.choice(_MONTHS), rng.randint(2019, 2026)
        templates = [
            (f'{new.name} ({new.ticker}) ("{new.short}" or the "Company") said on {month} {day}, {year} '
             f"it had signed a binding offtake agreement with {b.name} ({b.ticker}) for up to {n},000 "
             f"tonnes of {el} a year. {new.short} said the agreement runs for five years."),
            (f"Shares of {a.name} ({a.ticker}), {b.name} ({b.ticker}) and {new.name} ({new.ticker}) "
             f"rose after the U.S. Department of Energy (DOE) awarded US${n} million in grants. "
             f"{a.short} said it expects the loan to close in {month} {year}."),
            (f"{rng.choice(_ROLES).capitalize()} {new.short} and {rng.choice(_ROLES)} {b.short} formed a "
             f"joint venture ({new.acronym}) to build a {el} refinery; {c.name} ({c.ticker}) will "
             f"invest A${n} million for a 20% stake. {new.short} said the plant will produce {n} tpa."),
            (f"In a non-binding memorandum of understanding, {new.name} ({new.ticker}) and the Export "
             f"Finance Australia (EFA) agreed terms on a US${n} million debt facility. Chief Executive "
             f"Officer Jane Doe said {new.short} and {a.short} said the deal was a first for {el}."),
        ]
        para = " ".join(rng.sample(templates, k=rng.randint(2, 4)))
        paragraphs.append(para)
        length += len(para) + 2
    return "\n\n".join(paragraphs)[:size]


# -- timing -----------------------------------------------------------------------------------
def _per_call(fn: Callable[[], object], repeat: int) -> float:
    """Seconds per call: the best of three rounds of ``repeat`` calls (after one warm-up)."""
    fn()
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        for _ in range(repeat):
            fn()
        best = min(best, (time.perf_counter() - t0) / repeat)
    return best


def _articles_per_second(texts: list[str], n: int) -> tuple[float, int]:
    articles = [mineralbrief.Article(text=texts[i % len(texts)], source=f"a{i}") for i in range(n)]
    s = mineralbrief.Summarizer(backend="offline", cache=False)
    s.summarize(articles[0])  # warm up (compiles the lexicon regexes once)
    t0 = time.perf_counter()
    flagged = sum(not s.summarize(a).grounding.ok for a in articles)
    return n / (time.perf_counter() - t0), flagged


def _index(text: str, facts: Facts) -> SourceIndex:
    """The index the API builds, with what ``ground`` reads from it prepared."""
    ix = SourceIndex(text, extra_aliases=facts.aliases, elements=facts.element_names, blocked=facts.injections)
    ix.find("warm")  # the normalised text and its offsets
    ix.has_name("warm")
    return ix


def _ground_ms(content: BriefContent, index: SourceIndex, strip: bool, repeat: int) -> float:
    copies = [content.model_copy(deep=True) for _ in range(repeat)]
    if strip:  # as a model's answer arrives: quotes without offsets, each one searched
        for c in copies:
            holders: list[Any] = [*c.key_points, c.bottom_line, *c.deals, *c.entities, *c.questions]
            for holder in holders:
                for ev in holder.evidence:
                    ev.start = ev.end = None
                    ev.verified = False
    t0 = time.perf_counter()
    for c in copies:
        ground(c, index)
    return (time.perf_counter() - t0) * 1000 / repeat


def _whole_scan(text: str) -> Facts:
    """``extract_facts`` and the scans it leaves to first use, all run: the offline backend's scan."""
    facts = extract_facts(text)
    _ = facts.locations, facts.amounts, facts.dates, facts.cues
    return facts


def _scan_stages(text: str) -> dict[str, Callable[[], object]]:
    """Each scanner of ``extract_facts`` on its own, on the text as it scans it."""
    from mineralbrief.domain import deals, elements, injection, language, lexicon, numbers, orgs

    plain = extract_facts(text).plain
    return {
        "injections": lambda: injection.find_injections(text), "sentences": lambda: deals.split_sentences(plain),
        "elements": lambda: elements.find_elements(plain), "orgs": lambda: orgs.find_orgs(plain),
        "places": lambda: lexicon.find_locations(plain), "amounts": lambda: numbers.find_amounts(plain),
        "dates": lambda: numbers.find_dates(plain), "cues": lambda: deals.find_cues(plain),
        "language": lambda: language.language_of(text),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=1000, help="articles per throughput run")
    parser.add_argument("--sizes", default="100,400,2000", help="generated article sizes, in KB")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {max(os.sched_getaffinity(0))})  # one core

    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    release = RELEASE.read_text(encoding="utf-8")
    rate, flagged = _articles_per_second(seeds, args.n)
    avg = sum(map(len, seeds)) / len(seeds)
    print(f"seeds ({len(seeds)} samples, {avg:,.0f} chars avg): {rate:,.0f} articles/s "
          f"({1000 / rate:.2f} ms/article), ungrounded {flagged}  (target >= 200/s)")
    rate, flagged = _articles_per_second([release], max(50, args.n // 5))
    print(f"press release ({len(release):,} chars): {rate:,.0f} articles/s "
          f"({1000 / rate:.2f} ms/article), ungrounded {flagged}")

    facts = extract_facts(release)
    content = build_brief(facts, None)
    index = _index(release, facts)
    scan = _per_call(lambda: extract_facts(release), 50) * 1000
    whole = _per_call(lambda: _whole_scan(release), 50) * 1000
    build = _per_call(lambda: _index(release, facts), 50) * 1000
    given = _ground_ms(content, index, strip=False, repeat=50)
    searched = _ground_ms(content, index, strip=True, repeat=50)
    print(f"13 KB release, ms/article: extract_facts {scan:.2f} (whole scan {whole:.2f}) | SourceIndex {build:.2f} | "
          f"ground {given:.2f} (offsets given) / {searched:.2f} (quotes searched) | "
          f"total {scan + build + given:.2f}")
    stages = _scan_stages(release)
    print("   extract_facts by scanner, ms: " + " | ".join(
        f"{name} {_per_call(fn, 50) * 1000:.2f}" for name, fn in stages.items()))

    for kb in (int(s) for s in args.sizes.split(",") if s):
        text = generated_article(kb * 1000)
        t0 = time.perf_counter()
        found = _whole_scan(text)
        took = time.perf_counter() - t0
        print(f"generated {kb:>5,} KB ({len(found.orgs):,} orgs): whole scan {took:7.2f} s "
              f"= {took / (len(text) / 1e6):6.2f} s/MB")


if __name__ == "__main__":
    main()
