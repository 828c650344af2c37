"""Grounding: every quote, name and number in a brief is checked against the article.

``SourceIndex`` prepares the article once: a quote is looked for verbatim, then with its quotes
and dashes unified, then in the article's normalised form (whitespace, quotes, dashes, case,
Markdown escapes; ``domain.matching``), whose map gives offsets in the original text.
``ground`` checks a brief against it, fills in ``Evidence.start/end/verified`` and returns a
``GroundingReport``.

The OpenAI-compatible backend grounds each answer and re-asks with ``reask_message`` when it
does not ground; the local backend runs the same check as a validator of its draft model
(``check_in_context``); the API grounds every other backend's draft. Offsets never come from a
model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from functools import cached_property

from pydantic_core import PydanticCustomError
from rapidfuzz import fuzz

from .domain.elements import elements_named
from .domain.gazetteer import FORMS, find_gazetteer
from .domain.injection import blank
from .domain.language import english_further_on, language_of
from .domain.matching import Normalised, name_form, name_key, normalise, unify_quotes
from .domain.named import OwnWords, companies_named, persons_named, tickers_written
from .domain.numbers import find_dates
from .domain.written import (
    Quantity,
    numbers_in,
    quantities,
    states_value,
    unworded,
    unwritten,
    worded_numbers,
    worded_quantities,
)
from .models import Amount, BriefContent, Claim, Evidence, GroundingReport

FUZZY_THRESHOLD = 90.0
CONTEXT_KEY = "mineralbrief_source"

_HANGUL = re.compile("[\uac00-\ud7a3]")
_CAPITALISED = re.compile(r"\b[A-Z][\w&'-]{2,}")
_WELL_KNOWN = frozenset(FORMS.values())  # the gazetteer's canonical names
_UNSPACED = re.compile("[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")  # kana and CJK ideographs
_RUN = re.compile(r"[^\W_]+")  # letters and digits: what ``writes_as_is`` reads (str.isalnum) as one word
# the names a brief's check looks for through the article before the sets of its words are made
# (a few dozen: a brief's entities, parties and the names its words write; the sets cost more)
_SEARCHED_NAMES = 64


class SourceIndex:
    """The article, prepared once for every check of a brief against it.

    Each part is built on first use and kept: the normalised text with its offset map (only
    when a quote is not found verbatim), the article's names, its numbers.
    """

    def __init__(
        self, text: str, extra_aliases: Iterable[str] = (), elements: Iterable[str] | None = None,
        blocked: Iterable[tuple[int, int]] = (), language: str | None = None,
    ) -> None:
        self.text = text
        if language is not None:  # already read by the caller
            self.__dict__["language"] = language
        # passages addressed to a model: never evidence, their names and numbers never facts
        self.blocked = sorted(blocked)
        self._facts_text = blank(text, self.blocked) if self.blocked else text
        if elements is not None:  # already scanned by the domain layer
            self.__dict__["elements"] = frozenset(elements)
        self.extra_aliases = {key for key in map(name_key, extra_aliases) if key}
        self._lookups = 0  # names looked for (``has_name``)

    @cached_property
    def _normalised(self) -> Normalised:
        return Normalised(self.text)

    @property
    def norm(self) -> str:
        """The article in its matching form (``normalise(text)``)."""
        return self._normalised.norm

    @cached_property
    def _unified(self) -> str:
        """The article with its quotes, dashes and no-break spaces unified: same length, same
        offsets, so a quote that differs only in those is found by ``str.find``."""
        return unify_quotes(self.text)

    def at(self, quote: str, start: int | None, end: int | None) -> bool:
        """True when ``quote`` stands verbatim at ``text[start:end]`` (offsets verified, not trusted)."""
        return start is not None and end is not None and 0 <= start < end <= len(self.text) and (
            self.text[start:end] == quote)

    @cached_property
    def name_space(self) -> str:
        return " " + name_form(self._facts_text) + " "

    @cached_property
    def numbers(self) -> frozenset[str]:
        return frozenset(numbers_in(self._facts_text))

    @cached_property
    def dates(self) -> frozenset[date]:
        """The full dates the article writes (read when a brief writes a date)."""
        return frozenset(d.value for d in find_dates(self._facts_text))

    @cached_property
    def quantities(self) -> frozenset[Quantity]:
        """The quantities the article writes, in its scales and as one (``written.quantities``):
        read when a brief writes a number the article does not write in digits."""
        return quantities(self._facts_text)

    @cached_property
    def worded_quantities(self) -> frozenset[tuple[str, int]]:
        """The quantities the article writes in words ("five million"), as digits and a power of ten."""
        return frozenset(q[:2] for _, q in worded_quantities(self._facts_text))

    @cached_property
    def worded_numbers(self) -> frozenset[str]:
        """The numbers the article writes in words ("seven-year", "the third quarter"), in digits."""
        return worded_numbers(self._facts_text)

    @cached_property
    def elements(self) -> frozenset[str]:
        return frozenset(elements_named(self._facts_text))

    @cached_property
    def language(self) -> str:
        """``language_of(text)``, read from the article's opening (given when the caller has it)."""
        return language_of(self.text)

    @cached_property
    def english(self) -> bool:
        """Whether the article is in English: a brief's own words name its companies as it does
        (a brief in English of an article in Chinese writes their names in another script). An
        article that opens in another language is read further on (``english_further_on``)."""
        return self.language == "en" or english_further_on(self.text)

    @cached_property
    def latin(self) -> bool:
        """Whether the article is written in the Latin script, in English or not: a brief in
        English of a Spanish or French one names its well-known companies as the gazetteer
        knows them, but may translate a name ending in a legal word."""
        return self.english or self.language == "other"

    @cached_property
    def companies(self) -> frozenset[str]:
        """The well-known companies (the gazetteer's canonical names) the article names, in any
        of their forms ("Ford" names Ford Motor Company)."""
        return frozenset(canon for canon, _, _, _ in find_gazetteer(self._facts_text))

    @cached_property
    def injected_words(self) -> frozenset[str]:
        """The capitalised words (name keys) that only passages addressed to a model write:
        a brief that writes one, in any words of its own, repeats the injection."""
        found = set()
        for start, end in self.blocked:
            for word in _CAPITALISED.findall(self.text[start:end]):
                key = name_key(word)
                if key and f" {key} " not in self.name_space:
                    found.add(key)
        return frozenset(found)

    def in_blocked(self, start: int, end: int) -> bool:
        """True when [start, end) overlaps a passage addressed to a model."""
        return any(s < end and start < e for s, e in self.blocked)

    def find(self, quote: str) -> tuple[int, int, float] | None:
        """Where ``quote`` stands in the article: (start, end, score) or None.

        Tried in order, cheapest first: the quote verbatim; with its quotes, dashes and spaces
        unified; its normalised form in the normalised article (all three score 100); the best
        fuzzy alignment (rapidfuzz partial ratio), when it scores at least ``FUZZY_THRESHOLD``.
        """
        q = normalise(quote)
        if not q:
            return None
        written = quote.strip()
        for text, needle in ((self.text, written), (self._unified, unify_quotes(written))):
            pos = text.find(needle)
            if pos >= 0:
                return pos, pos + len(needle), 100.0
        norm = self.norm
        pos = self._normalised.find(q)
        if pos >= 0:
            return (*self._normalised.span(pos, pos + len(q)), 100.0)
        if len(q) < 12 or not norm:  # too short for a fuzzy match to mean anything
            return None
        hit = fuzz.partial_ratio_alignment(q, norm, score_cutoff=FUZZY_THRESHOLD)
        if hit is None or hit.dest_end <= hit.dest_start:
            return None
        return (*self._normalised.span(hit.dest_start, hit.dest_end), float(hit.score))

    @cached_property
    def name_words(self) -> frozenset[str]:
        """The words of ``name_space``: a name's words looked up one by one, where a search of
        the article for each name a brief writes grew with both (a brief's reason, which has no
        length limit, may name thousands)."""
        return frozenset(self.name_space.split())

    @cached_property
    def _runs(self) -> frozenset[str]:
        """The article's runs of letters and digits, as written (read when a name's words are
        not all among ``name_words``: then only ``writes_as_is`` may still find it)."""
        return frozenset(_RUN.findall(self._facts_text))

    def has_name(self, name: str) -> bool:
        """True when the article writes ``name`` (modulo dots, case, accents and legal suffix)."""
        key = name_key(name)
        if not key:
            return False
        if key in self.extra_aliases:
            return True
        self._lookups += 1
        if self._lookups > _SEARCHED_NAMES and not (_UNSPACED.search(key) or _HANGUL.search(key)):
            # answered from sets where they can be: the name key written is a run of whole words
            # of ``name_space`` (one word: the set says so), and a name written as given stands
            # apart from letters and digits, so each of its runs is one of the article's
            words = self.name_words
            if " " not in key and key in words:
                return True
            if not all(map(words.__contains__, key.split())) and not all(map(self._runs.__contains__,
                                                                              _RUN.findall(name))):
                return False
        if self.writes_as_is(name):  # written as given: no need of the normalised text
            return True
        if _UNSPACED.search(key):  # Chinese and Japanese write no spaces around a name
            return key in self.name_space
        if _HANGUL.search(key):  # Korean writes a particle right after a name: "포스코퓨처엠과"
            return f" {key}" in self.name_space
        return f" {key} " in self.name_space

    def writes_ticker(self, ticker: str) -> bool:
        """True when the article writes each part of ``ticker`` ("ASX: REE": "ASX" and "REE"),
        the symbol as it is written, in capitals (else "ASX: RARE", or "ASX: rare", is any article
        on "rare earths"; the exchange may be written "Nasdaq")."""
        parts = [tok for tok in re.split(r"[\s:,;()]+", ticker) if tok]
        if not parts:
            return True
        symbol = parts[-1]
        capitals = symbol.isupper() or not any(c.isalpha() for c in symbol)  # (a symbol may be digits)
        return capitals and self.writes_as_is(symbol) and all(self.has_name(tok) for tok in parts)

    def writes_as_is(self, token: str) -> bool:
        """True when the article writes ``token`` as it is, no letter or digit next to it, or so
        once its Markdown emphasis is read through ("ASX: RE**E" writes "REE", as a reader sees).
        (``str.find``, not a pattern: one opening with a lookbehind is tried at every character,
        ~45 us on a 13 KB article, for each ticker of a brief.)"""
        for text in (self._facts_text, self._facts_text.replace("*", "") if "*" in self._facts_text else ""):
            i = text.find(token)
            while i >= 0:
                end = i + len(token)
                if not (i and text[i - 1].isalnum()) and not text[end:end + 1].isalnum():
                    return True
                i = text.find(token, i + 1)
        return False

    def writes_amount(self, text: str) -> bool:
        """True when ``text`` holds a number and the article writes each of its numbers."""
        digits = numbers_in(text)
        return bool(digits) and all(d in self.numbers for d in digits)


class _Checker:
    def __init__(self, index: SourceIndex) -> None:
        self.index = index
        self.report = GroundingReport()
        # counted here, set on the report once: each assignment to a pydantic model costs ~1 us
        self.checked = 0

    def fail(self, item: str) -> None:
        self.report.unverified.append(item)

    def evidence(self, where: str, evidence: list[Evidence], required: bool) -> None:
        if required and not evidence:
            self.checked += 1
            self.fail(f"{where}: no evidence quote")
        for ev in evidence:
            self.checked += 1
            start, end = ev.start, ev.end
            if start is not None and end is not None and self.index.at(ev.quote, start, end) and (
                    not self.index.in_blocked(start, end)):
                ev.verified = True  # the quote is at the offsets given: checked, not trusted
                continue
            found = self.index.find(ev.quote)
            if found is not None and self.index.in_blocked(found[0], found[1]):
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
                # shown as the article's words is the article's words
                span = self.index.text[ev.start:ev.end]
                if span.strip() and len(span) <= 800:  # (Evidence.quote's limit)
                    ev.quote = span

    def claim(self, where: str, claim: Claim) -> None:
        self.evidence(where, claim.evidence, required=True)
        self.numbers(where, claim.text)

    def numbers(self, where: str, text: str) -> None:
        """A number or a listing in the brief's own words must be one the article writes, and a
        name there no name that only a passage addressed to a model writes."""
        stray = [n for n in numbers_in(text) if n not in self.index.numbers]
        if stray:
            stray = unwritten(text, set(stray), self.index)
        stray += unworded(text, self.index)  # "five million" for a sum the article never states
        if stray:
            self.checked += 1
            self.fail(f'{where}: number not in article: {", ".join(stray[:3])} in "{_clip(text)}"')
        for ticker in tickers_written(text):  # "RareX (ASX: RXL)" of an article that lists it as "ASX: REE"
            self.ticker(where, ticker)
        if self.index.blocked:
            echoed = [w for w in _CAPITALISED.findall(text) if name_key(w) in self.index.injected_words]
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

    def persons(self, named: list[tuple[str, str]], words: OwnWords, stated: set[str]) -> None:
        """The persons the brief's own words (``named``: where, text; ``words``: those texts) name
        must be ones the article names: by their name or their surname, in any case ("CEO Jane
        Doe" is no article's that never writes "Doe")."""
        for (where, _), found in zip(named, persons_named(words), strict=True):
            for _, (name, surname) in found:
                if name_key(name) in stated:
                    continue
                self.checked += 1
                # the surname first: one word, looked up in a set (``has_name``), where a name of
                # the article's words not written together is searched for through the article
                if not (self.index.has_name(surname) or self.index.has_name(name)):
                    self.fail(f'{where}: name not in article: "{name}"')

    def ticker(self, where: str, ticker: str | None) -> None:
        if not ticker:
            return
        self.checked += 1
        if not self.index.writes_ticker(ticker):
            self.fail(f'{where}: ticker not in article: "{ticker}"')

    def amount(self, where: str, amount: Amount) -> None:
        self.checked += 1
        if not self.index.writes_amount(amount.text):
            self.fail(f'{where}: amount not in article: "{amount.text}"')
        elif amount.value is not None and not states_value(amount.text, amount.value):
            self.fail(f'{where}: value {amount.value:,.10g} is not what "{_clip(amount.text)}" says')


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
    c = _Checker(index)
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
        own = [("headline", brief.headline),
               *((f"key_points[{i}]", kp.text) for i, kp in enumerate(brief.key_points)),
               ("bottom_line", brief.bottom_line.text),
               *((f"questions[{i}]", q.question) for i, q in enumerate(brief.questions)),
               *((f"deals[{i}].title", deal.title) for i, deal in enumerate(brief.deals)),
               *((f"questions[{i}].why", q.why) for i, q in enumerate(brief.questions) if q.why)]
        words = OwnWords([text for _, text in own])
        c.companies(own, words, stated, well_known_only=not index.english)
        c.persons(own, words, stated)

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
