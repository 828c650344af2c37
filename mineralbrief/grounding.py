"""Grounding: every quote, name and number in a brief is checked against the article.

``SourceIndex`` (source_index.py) prepares the article once; ``ground`` checks a brief against
it, fills in ``Evidence.start/end/verified`` and returns a ``GroundingReport``.

The OpenAI-compatible backend grounds each answer and re-asks with ``reask_message`` when it
does not ground; the local backend runs the same check as a validator of its draft model
(``check_in_context``); the API grounds every other backend's draft. Offsets never come from a
model.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from bisect import bisect_right

from pydantic_core import PydanticCustomError

from .domain.anchored import outside_ascii
from .domain.elements import carbon_as_emissions, find_elements
from .domain.gazetteer import FORMS
from .domain.matching import name_key, normalise
from .domain.named import OwnWords, companies_named, persons_named, tickers_written
from .domain.skeleton import ascii_twins
from .domain.worded import unworded
from .domain.written import numbers_in, states_value, unwritten
from .models import Amount, BriefContent, Claim, DealSummary, Evidence, GroundingReport
from .source_index import FUZZY_THRESHOLD, SourceIndex

__all__ = ["CONTEXT_KEY", "FUZZY_THRESHOLD", "SourceIndex", "check_in_context", "ground", "name_key", "normalise",
           "reask_message"]

CONTEXT_KEY = "mineralbrief_source"

_WELL_KNOWN = frozenset(FORMS.values())  # the gazetteer's canonical names


class _Checker:
    def __init__(self, index: SourceIndex, own: list[str], amounts: list[str]) -> None:
        self.index = index
        self.report = GroundingReport()
        # counted here, set on the report once: each assignment to a pydantic model costs ~1 us
        self.checked = 0
        # The brief's own words (``own``: every text ``numbers`` checks) read once, joined by blank
        # lines, which no number, written in digits or in words, reaches across: when the article
        # writes every number they write, and none of them writes a quantity in words the article
        # does not, no text is read again for them (~5 us a text: the 13 KB release's brief has 23)
        joined = "\n\n".join(own)
        self.stray_digits = not index.numbers.issuperset(numbers_in(joined))
        self.stray_words = bool(unworded(joined, index))
        # a number the article writes, in another scale ("$400 billion" for its "$400 million"),
        # in those texts or the deals' amounts (read with them: one pass)
        self.stray_scales = bool(index.misscaled("\n\n".join([joined, *amounts]) if amounts else joined))
        # a full date the article does not write ("March 1, 2027" for its "July 1, 2027")
        self.stray_dates = bool(index.unwritten_dates(joined))

    def fail(self, item: str) -> None:
        self.report.unverified.append(item)

    def evidence(self, where: str, evidence: list[Evidence], required: bool) -> None:
        if required and not evidence:
            self.checked += 1
            self.fail(f"{where}: no evidence quote")
        index = self.index
        for ev in evidence:
            self.checked += 1
            start, end = ev.start, ev.end
            if start is not None and end is not None and index.at(ev.quote, start, end) and (
                    not index.in_blocked(start, end)):
                ev.verified = True  # the quote is at the offsets given: checked, not trusted
                continue
            found = index.find(ev.quote)
            if found is not None and index.in_blocked(found[0], found[1]):
                ev.start, ev.end = found[0], found[1]
                ev.verified = False
                self.fail(f'{where}: quote comes from a passage addressed to a model, not a fact: "{_clip(ev.quote)}"')
            elif found is None:
                ev.start = ev.end = None
                ev.verified = False
                self.fail(f'{where}: quote not in article: "{_clip(ev.quote)}"')
            else:
                ev.start, ev.end, _score = found
                ev.verified = True
                # found near enough, not as written ("a binding" for "a non-binding"): what is
                # shown as the article's words is the article's words (set only when they differ:
                # each assignment to a pydantic model costs ~0.3 us, a brief has ~40 quotes)
                span = index.text[found[0]:found[1]]
                if span != ev.quote and span.strip() and len(span) <= 800:  # (Evidence.quote's limit)
                    ev.quote = span

    def claim(self, where: str, claim: Claim) -> None:
        self.evidence(where, claim.evidence, required=True)
        self.numbers(where, claim.text)

    def numbers(self, where: str, text: str) -> None:
        """A number or a listing in the brief's own words must be one the article writes, and a
        name there no name that only a passage addressed to a model writes."""
        stray = [n for n in numbers_in(text) if n not in self.index.numbers] if self.stray_digits else []
        if stray:
            stray = unwritten(text, set(stray), self.index)
        if self.stray_words:
            stray += unworded(text, self.index)  # "five million" for a sum the article never states
        if self.stray_scales:
            stray += self.index.misscaled(text)
        if stray:
            self.checked += 1
            self.fail(f'{where}: number not in article: {", ".join(stray[:3])} in "{_clip(text)}"')
        if self.stray_dates:
            dates = self.index.unwritten_dates(text)
            if dates:
                self.checked += 1
                self.fail(f'{where}: date not in article: {", ".join(dates[:3])} in "{_clip(text)}"')
        for ticker in tickers_written(text):  # "RareX (ASX: RXL)" of an article that lists it as "ASX: REE"
            self.ticker(where, ticker)
        if self.index.blocked:
            echoed = self.index.echoed(text)
            if echoed:
                self.checked += 1
                self.fail(f'{where}: repeats a passage addressed to a model, not a fact: '
                          f'{", ".join(echoed[:3])} in "{_clip(text)}"')

    def name(self, where: str, name: str, known: set[str]) -> None:
        self.checked += 1
        if not (self.index.has_name(name) or name_key(name) in known):
            self.fail(f'{where}: name not in article: "{name}"')

    def companies(self, named: list[tuple[str, str]], words: OwnWords, stated: set[str],
                  well_known_only: bool = False) -> None:
        """The companies the brief's own words (``named``: where, text; ``words``: those texts)
        name must be ones the article names, unless they are the brief's entities or parties
        (checked as such); with ``well_known_only``, only the gazetteer's (the legal-word names
        left unchecked)."""
        for (where, _), found in zip(named, companies_named(words), strict=True):
            for _, forms in found:
                if stated.intersection(map(name_key, forms)) or (well_known_only and forms[-1] not in _WELL_KNOWN):
                    continue
                self.checked += 1
                if not (any(map(self.index.has_name, forms)) or forms[-1] in self.index.companies):
                    self.fail(f'{where}: name not in article: "{forms[0]}"')

    def elements(self, named: list[tuple[str, str]], words: OwnWords) -> None:
        """The elements the brief's own words name must be ones the article names ("dysprosium"
        in a key point of an article on rare earths that names none)."""
        seen = set()
        for mention in find_elements(words.text, words.starts):
            where = named[words.of(mention.start)][0]
            if (where, mention.element) in seen or carbon_as_emissions(mention, words.text):
                continue
            seen.add((where, mention.element))
            self.checked += 1
            if mention.element not in self.index.elements and mention.element not in self.index.spelled_elements:
                self.fail(f'{where}: element not named in article: "{mention.text}"')

    def commodities(self, deals: list[DealSummary]) -> None:
        """The elements a deal's commodities name must be ones the article names ("cobalt" in a
        deal of an article that names none), read in one pass over them all."""
        elements = self.index.elements  # (a commodity that is an element the article names is read no further)
        texts = [(f"deals[{i}].commodities", "; ".join(map(_as_read, named))) for i, deal in enumerate(deals)
                 if (named := [c for c in deal.commodities if c.lower() not in elements])]
        if not texts:
            return
        starts = list(itertools.accumulate((len(text) + 2 for _, text in texts), initial=0))
        joined = "\n\n".join(text for _, text in texts)
        seen = set()
        for mention in find_elements(joined):
            where = texts[bisect_right(starts, mention.start) - 1][0]
            if (where, mention.element) in seen or carbon_as_emissions(mention, joined):
                continue
            seen.add((where, mention.element))
            self.checked += 1
            if mention.element not in self.index.elements and mention.element not in self.index.spelled_elements:
                self.fail(f'{where}: element not named in article: "{mention.text}"')

    def persons(self, named: list[tuple[str, str]], words: OwnWords, stated: set[str]) -> None:
        """The persons the brief's own words (``named``: where, text; ``words``: those texts) name
        must be ones the article names: by their name, or by their surname written as a name
        ("CEO Jane Doe" is no article's that never writes "Doe", nor "CEO John Ban" one's that
        writes an export "ban" only). A given name the article writes right after the word
        before it ("Lockheed Martin") is inside a longer name, not a person's."""
        for (where, _), found in zip(named, persons_named(words), strict=True):
            for _, (name, surname, *longer) in found:
                if name_key(name) in stated or longer and self.index.has_name(longer[0]):
                    continue
                self.checked += 1
                # the surname first: one word, found as written (``writes_as_a_name``), where a
                # name of the article's words not written together is searched for through it
                if not (self.index.writes_as_a_name(surname) or name != surname and self.index.has_name(name)):
                    self.fail(f'{where}: name not in article: "{name}"')

    def ticker(self, where: str, ticker: str | None) -> None:
        if not ticker:
            return
        self.checked += 1
        if not self.index.writes_ticker(ticker):
            self.fail(f'{where}: ticker not in article: "{ticker}"')

    def amount(self, where: str, amount: Amount) -> None:
        self.checked += 1
        if not self.index.writes_amount(amount.text, scales=self.stray_scales):
            self.fail(f'{where}: amount not in article: "{amount.text}"')
        elif amount.value is not None and not states_value(amount.text, amount.value):
            self.fail(f'{where}: value {amount.value:,.10g} is not what "{_clip(amount.text)}" says')


# what a text outside ASCII mostly writes outside it (a text with nothing else is read as it is)
_PUNCTUATION = frozenset("\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u00a0\u00b7\u2022\u00d7\u00b0\u20ac\u00a3\u00a5"
                         "\u2009\u202f")
_OTHER_SCRIPTS = ("CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC", "LISU", "MATHEMATICAL")


def _as_read(text: str) -> str:
    """``text`` as a reader reads its names: in a word with Latin letters, a letter of another
    script that looks like a Latin one read as that letter ("Теsla" with a Cyrillic Т and е is
    "Tesla") and an invisible character dropped ("co\u200bbalt"); a full-width letter read as
    its ASCII one. (Accented letters and words of another script are left as written. Read word
    by word: a pattern for such characters, tried at every character, cost ~17 us for 360.)"""
    if text.isascii() or _PUNCTUATION.issuperset(outside_ascii(text)):
        return text
    words = text.split(" ")
    changed = False
    for i, word in enumerate(words):
        if word.isascii():
            continue
        latin = any("a" <= c <= "z" or "A" <= c <= "Z" for c in word)
        read = "".join(c if c.isascii() else _read_as(c, latin) for c in word)
        if read != word:
            words[i], changed = read, True
    return " ".join(words) if changed else text


def _read_as(ch: str, latin: bool) -> str:
    """What ``ch`` (outside ASCII) reads as in a word with Latin letters (``latin``) or not."""
    if "\uff21" <= ch <= "\uff5a":  # (a full-width letter)
        return unicodedata.normalize("NFKC", ch)
    if not latin:
        return ch
    if unicodedata.category(ch) == "Cf":  # zero-width space, joiners, soft hyphen
        return ""
    if unicodedata.name(ch, "").startswith(_OTHER_SCRIPTS):
        return ascii_twins().get(ch, ch)
    return ch


# what a project's name may end with that the article need not write there ("Cummins Range project")
_GENERIC_TAIL = re.compile(r"\s+(?:project|mine|deposit|operation|plant|refinery|facility|complex|site)s?\Z",
                           re.IGNORECASE)


def _clip(s: str, n: int = 80) -> str:
    return s if len(s) <= n else s[: n - 3] + "..."


def ground(brief: BriefContent, index: SourceIndex) -> GroundingReport:
    """Check ``brief`` against the article, fill in evidence offsets, report what failed.

    Args:
        brief: a brief or a draft; its ``Evidence`` objects are updated in place.
        index: the article, prepared by ``SourceIndex``.

    Returns:
        A ``GroundingReport``: ``ok`` only when every quote, name, ticker, amount and element
        was found in the article, and every number, company and person named in the brief's own
        words (headline, key points, bottom line, questions and their "why", deal titles) is one
        the article writes (companies and persons: see ``SourceIndex.english`` and ``latin``).
    """
    # the brief's own words: the texts whose numbers, companies and persons are checked
    own = [("headline", brief.headline),
           *((f"key_points[{i}]", kp.text) for i, kp in enumerate(brief.key_points)),
           ("bottom_line", brief.bottom_line.text),
           *((f"questions[{i}]", q.question) for i, q in enumerate(brief.questions)),
           *((f"deals[{i}].title", deal.title) for i, deal in enumerate(brief.deals)),
           *((f"questions[{i}].why", q.why) for i, q in enumerate(brief.questions) if q.why)]
    c = _Checker(index, [text for _, text in own], [a.text for deal in brief.deals for a in deal.amounts])
    c.numbers("headline", brief.headline)
    for i, kp in enumerate(brief.key_points):
        c.claim(f"key_points[{i}]", kp)
    c.claim("bottom_line", brief.bottom_line)

    known: set[str] = set()
    for i, ent in enumerate(brief.entities):
        # the name and each alias are names the brief states: each must be written (one
        # written alias vouches for no other name)
        for where, name in [(f"entities[{i}]", ent.name), *((f"entities[{i}].aliases", a) for a in ent.aliases)]:
            c.checked += 1
            if index.has_name(name):
                known.add(name_key(name))
            else:
                c.fail(f'{where}: name not in article: "{name}"')
        c.ticker(f"entities[{i}]", ent.ticker)
        c.evidence(f"entities[{i}]", ent.evidence, required=False)

    for i, deal in enumerate(brief.deals):
        where = f"deals[{i}]"
        c.evidence(where, deal.evidence, required=True)
        c.numbers(f"{where}.title", deal.title)
        for p in deal.parties:
            c.name(f"{where}.parties", p.name, known)
            c.ticker(f"{where}.parties", p.ticker)
        for a in deal.amounts:
            c.amount(f"{where}.amounts", a)
        for project in deal.projects:  # ("Cummins Range", "the Cummins Range project")
            c.checked += 1
            if not (index.has_name(project) or index.has_name(_GENERIC_TAIL.sub("", project))):
                c.fail(f'{where}.projects: name not in article: "{project}"')
        if deal.announced_on is not None:
            c.checked += 1
            if not index.writes_date([deal.announced_on]):
                c.fail(f'{where}.announced_on: date not in article: {deal.announced_on.isoformat()}')

    for el in brief.elements:
        c.checked += 1
        if el not in index.elements:
            c.fail(f'elements: not named in article: "{el}"')

    for i, q in enumerate(brief.questions):
        c.evidence(f"questions[{i}]", q.evidence, required=False)
        c.numbers(f"questions[{i}]", q.question)
        if q.why:
            c.numbers(f"questions[{i}].why", q.why)

    stated = {name_key(n) for ent in brief.entities for n in (ent.name, *ent.aliases)}
    stated.update(name_key(p.name) for deal in brief.deals for p in deal.parties)
    if index.latin:  # (an article in another script writes its companies and persons in that script)
        own = [(where, _as_read(text)) for where, text in own]  # ("Теsla Inc." is a name to check)
        words = OwnWords([text for _, text in own])
        c.companies(own, words, stated, well_known_only=not index.english)
        c.persons(own, words, stated)
        c.elements(own, words)
        c.commodities(brief.deals)

    if c.checked:  # (never set when nothing was checked, as before)
        c.report.checked = c.checked
    c.report.ok = not c.report.unverified
    return c.report


def reask_message(report: GroundingReport) -> str:
    """What the model is told when its answer states things the article does not."""
    items = "\n".join(f"- {u}" for u in report.unverified[:30])
    return (
        "These items could not be found in the article:\n"
        f"{items}\n"
        "Copy evidence quotes verbatim from the article, use names exactly as the article "
        "writes them, and drop anything the article does not state."
    )



def check_in_context(content: BriefContent, context: dict | None) -> GroundingReport | None:
    """Ground ``content`` against the ``SourceIndex`` a validation context holds under
    ``CONTEXT_KEY`` (None when it holds none). The response models' validators call this.

    Raises:
        PydanticCustomError: of type ``ungrounded``, carrying the re-ask message.
    """
    index = (context or {}).get(CONTEXT_KEY)
    if not isinstance(index, SourceIndex):
        return None
    report = ground(content, index)
    if not report.ok:
        raise PydanticCustomError("ungrounded", "{message}", {"message": reask_message(report)})
    return report
