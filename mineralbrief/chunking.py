"""Long articles: overlapping chunks in, one merged brief out.

An article longer than the model's input budget (``Settings.max_input_chars``) is split at
paragraph (or sentence) boundaries into chunks that overlap, each chunk is briefed on its own,
and the drafts are merged: key points and questions de-duplicated, deals and entities merged
through their names and aliases. Nothing is truncated silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from rapidfuzz import fuzz

from .grounding import name_key
from .models import BriefContent, Claim, DealSummary, EntityProfile, RiskQuestion

_BREAK = re.compile(r"\n\s*\n|(?<=[.!?])\s+")


def split_text(text: str, limit: int, overlap: int = 800) -> list[str]:
    """Chunks of at most ``limit`` characters, cut at paragraph or sentence ends when possible,
    each starting ``overlap`` characters before the previous one ended."""
    if len(text) <= limit:
        return [text]
    overlap = min(overlap, limit // 4)
    chunks: list[str] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + limit)
        if end < len(text):
            cuts = [m.end() for m in _BREAK.finditer(text, start + limit // 2, end)]
            if cuts:
                end = cuts[-1]
        chunks.append(text[start:end])
        if end >= len(text):
            break
        start = max(end - overlap, start + 1)
    return chunks


def _dedupe(items: list, key: Callable[[Any], str], limit: int, minimum: int, threshold: int = 90) -> list:
    """Items without near-repeats, at most ``limit``. When the drafts repeat themselves so much
    that fewer than ``minimum`` distinct items are left (the schema's floor), repeats fill the
    gap: a brief with a repeated point beats no brief."""
    kept: list = []
    for item in items:
        if all(fuzz.token_sort_ratio(key(item), key(k)) < threshold for k in kept):
            kept.append(item)
    for item in items:
        if len(kept) >= minimum:
            break
        if not any(item is k for k in kept):
            kept.append(item)
    return kept[:limit]


def merge_contents(parts: list[BriefContent]) -> BriefContent:
    """One draft from the drafts of an article's chunks (in reading order)."""
    if len(parts) == 1:
        return parts[0]
    entities: dict[str, EntityProfile] = {}
    alias_to: dict[str, str] = {}
    for part in parts:
        for e in part.entities:
            keys = [k for k in (name_key(n) for n in [e.name, *e.aliases]) if k]
            home = next((alias_to[k] for k in keys if k in alias_to), None)
            if home is None:
                home = keys[0] if keys else e.name
                entities[home] = e.model_copy(deep=True)
            else:
                kept = entities[home]
                kept.aliases += [a for a in [e.name, *e.aliases] if a not in kept.aliases and a != kept.name]
                kept.ticker = kept.ticker or e.ticker
            for k in keys:
                alias_to.setdefault(k, home)

    def resolved(d: DealSummary) -> tuple[str, frozenset[str]]:
        return d.deal_type, frozenset(alias_to.get(name_key(p.name), name_key(p.name)) for p in d.parties)

    deals: dict[tuple[str, frozenset[str]], DealSummary] = {}
    for part in parts:
        for d in part.deals:
            key = resolved(d)
            same = next((k for k in deals if k[0] == key[0] and len(k[1] & key[1]) >= min(2, len(key[1]))), None)
            if same is None:
                deals[key] = d
            else:
                merged = deals[same]
                merged.amounts += [a for a in d.amounts if a.text not in {x.text for x in merged.amounts}]
                merged.evidence += [ev for ev in d.evidence if ev.quote not in {x.quote for x in merged.evidence}]
                merged.binding = merged.binding if merged.binding is not None else d.binding
    key_points: list[Claim] = _dedupe([kp for p in parts for kp in p.key_points], lambda c: c.text, 6, 3)
    questions: list[RiskQuestion] = _dedupe([q for p in parts for q in p.questions], lambda q: q.question, 5, 2)
    elements = list(dict.fromkeys(el for p in parts for el in p.elements))
    return BriefContent(
        headline=parts[0].headline, key_points=key_points, deals=list(deals.values()),
        entities=list(entities.values()), elements=elements, bottom_line=parts[0].bottom_line,
        questions=questions,
    )
