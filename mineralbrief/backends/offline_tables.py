"""Deals told in a Markdown table: a header naming what each column holds ("Buyer", "Annual
volume", "Upfront equity") and one row per counterparty. Each row is the article company's deal
with the party the row names, of the kinds its header's columns name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..domain.deals import Sentence

_SEPARATOR = re.compile(r"^\|(?:\s*:?-{3,}:?\s*\|)+$")
# what a header's column says its cells hold
_COLUMN_KINDS: list[tuple[str, re.Pattern[str]]] = [
    ("offtake", re.compile(r"\b(?:buyers?|customers?|off-?takers?|purchasers?|off-?take)\b", re.I)),
    ("supply_agreement", re.compile(r"\b(?:suppliers?|supply contract)\b", re.I)),
    ("investment", re.compile(r"\b(?:equity|stakes?|investments?|placements?|shares)\b", re.I)),
    ("funding", re.compile(r"\b(?:loans?|grants?|funding|financing|awards?|lenders?)\b", re.I)),
]


@dataclass
class Row:
    """One data row of a deal table: the kinds its header names, and each column's span."""

    kinds: list[str]
    columns: list[tuple[str | None, int, int]]  # (the kind the column names or None, start, end)

    def kind_at(self, pos: int) -> str | None:
        return next((k for k, a, b in self.columns if a <= pos < b), None)


def _cells(s: Sentence) -> list[tuple[str, int, int]]:
    """The cells of a table line, with their spans in the article."""
    out = []
    at = 1
    while at < len(s.text):
        end = s.text.find("|", at)
        if end < 0:
            break
        out.append((s.text[at:end].strip(), s.start + at, s.start + end))
        at = end + 1
    return out


def _kinds(cells: list[tuple[str, int, int]]) -> list[str | None]:
    """The deal kind each header cell names, or None."""
    return [next((k for k, rx in _COLUMN_KINDS if rx.search(c)), None) for c, _, _ in cells]


def deal_rows(sentences: list[Sentence]) -> dict[int, Row]:
    """The data rows of the deal tables among the sentences (a table line is a sentence of its
    own), by sentence index: rows under a header that names a deal kind."""
    rows: dict[int, Row] = {}
    header: list[str | None] | None = None
    for i, s in enumerate(sentences):
        text = s.text
        if not (text.startswith("|") and text.endswith("|")):
            header = None
            continue
        if _SEPARATOR.match(text):
            # the line above a delimiter row is a header: a table right after another one
            # (only a blank line between them) starts here, its header is no row of the first
            above = sentences[i - 1] if i > 0 else None
            if above is not None and above.text.startswith("|") and above.text.endswith("|"):
                rows.pop(i - 1, None)
                header = _kinds(_cells(above))
            continue
        cells = _cells(s)
        if header is None:  # a table's first line is its header
            header = _kinds(cells)
            continue
        kinds = list(dict.fromkeys(k for k in header if k))
        if kinds and len(cells) == len(header):
            rows[i] = Row(kinds, [(k, a, b) for k, (_, a, b) in zip(header, cells, strict=True)])
    return rows
