"""The entities one article names, as the company scan resolves them: ``Org``, and ``Registry``,
which finds an entity by any of its names (compared by ``name_key``), merges two names of one
company and keeps each span once; ``fold_prefixes`` folds a short name into the company whose
name it starts.

Split from orgs.py, which finds the names.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache

from .matching import name_key
from .orgnames import LEGAL_END


@dataclass


class Org:
    """One resolved entity: its canonical name, kind, ticker, aliases and mention spans."""

    name: str
    kind: str
    ticker: str | None = None
    aliases: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    signals: set[str] = field(default_factory=set)

    @property
    def mentions(self) -> int:
        return len(self.spans)

    def names(self) -> list[str]:
        return [self.name, *self.aliases]


@lru_cache(maxsize=16384)  # a pure function of a name: the scan asks it for every tail of every candidate
def _key(name: str) -> str:
    """``name_key``, or the name itself where that leaves nothing (a Chinese name)."""
    return name_key(name) or name.strip()


class Registry:
    def __init__(self) -> None:
        self.orgs: list[Org] = []
        self.by_key: dict[str, Org] = {}
        self._seen: dict[int, set[tuple[int, int]]] = {}  # per org: its spans, for O(1) membership

    def find(self, name: str) -> Org | None:
        return self.by_key.get(_key(name))

    def add(self, name: str, kind: str, span: tuple[int, int] | None, signal: str) -> Org:
        org = self.find(name)
        if org is None:
            org = Org(name=name, kind=kind)
            self.orgs.append(org)
            self.by_key[_key(name)] = org
        elif len(name) > len(org.name) and kind == org.kind and _key(name) == _key(org.name):
            org.name = name  # prefer the fuller written form ("Ionic Rare Earths Limited")
        if span is not None:
            self.add_span(org, span)
        org.signals.add(signal)
        return org

    def add_span(self, org: Org, span: tuple[int, int], unique: bool = True) -> None:
        seen = self._seen.get(id(org))
        if seen is None:
            seen = self._seen[id(org)] = set()
        elif unique and span in seen:
            return
        seen.add(span)
        org.spans.append(span)

    def merge(self, into: Org, other: Org) -> None:
        """Fold ``other`` (another name of the same company) into ``into``."""
        for written in other.names():
            if self.by_key.get(_key(written)) is other:
                self.by_key[_key(written)] = into
            if written not in into.aliases and _key(written) != _key(into.name):
                into.aliases.append(written)
        for span in other.spans:
            self.add_span(into, span)
        into.ticker = into.ticker or other.ticker
        into.signals |= other.signals
        self.orgs.remove(other)

    def alias(self, org: Org, alias: str) -> None:
        key = _key(alias)
        if not key or key == _key(org.name):
            return
        other = self.by_key.get(key)
        if other is not None and other is not org:
            return
        if alias not in org.aliases:
            org.aliases.append(alias)
        self.by_key[key] = org


def within(spans: list[tuple[int, int]], ends: list[int], start: int, end: int) -> bool:
    """True when [start, end) lies inside one of ``spans`` (sorted, not overlapping)."""
    k = bisect_left(ends, end)
    return k < len(spans) and spans[k][0] <= start


def fold_prefixes(reg: Registry) -> None:
    """"Virgin Mining" beside "Virgin Mining & Minerals Ltd.": the short form is an alias.

    Each short name folds into the first company (in order of finding) whose key extends its
    key by whole words; the keys are sorted once so those companies are found by bisection,
    not by comparing every pair of companies.
    """
    companies = [o for o in reg.orgs if o.kind == "company"]
    keys = [name_key(o.name) for o in companies]
    order = sorted(range(len(companies)), key=keys.__getitem__)
    sorted_keys = [keys[i] for i in order]
    for short, skey in zip(companies, keys, strict=True):
        if not short.spans or len(skey.split()) < 2:
            continue
        prefix, k = skey + " ", bisect_left(sorted_keys, skey + " ")
        longer = []
        while k < len(sorted_keys) and sorted_keys[k].startswith(prefix):
            longer.append(order[k])
            k += 1
        for i in sorted(longer):
            long = companies[i]
            if not (long.ticker or LEGAL_END.search(long.name)):
                continue
            long.spans = sorted(set(long.spans) | set(short.spans))
            long.ticker = long.ticker or short.ticker
            if short.name not in long.aliases:
                long.aliases.append(short.name)
            long.aliases += [a for a in short.aliases if a not in long.aliases]
            short.spans = []
            break
