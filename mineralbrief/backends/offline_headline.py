"""The offline brief's headline: the article's title, unless it is a masthead, addresses a model
or states a number the article does not write; else the line near the top that stands alone as
its heading. And datelines of places taken off a sentence's front."""

from __future__ import annotations

import re

from ..domain.facts import Facts
from ..domain.injection import find_injections
from ..domain.written import numbers_in
from ..grounding import SourceIndex
from .offline_text import RULE_LINE, is_boilerplate, is_masthead

_NUMBERING = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*•#=]+)\s*|\s*[-=#*]+\s*$")


def _in_injection(facts: Facts, line: str) -> bool:
    """Whether the article writes ``line`` first inside a passage addressed to a model (its first
    line, made the title, in the paragraph of an "ignore previous instructions")."""
    if not facts.injections or not line.split():
        return False
    found = re.search(r"\s+".join(map(re.escape, line.split())), facts.text)  # a title's blank space is collapsed
    return found is not None and any(a <= found.start() < b for a, b in facts.injections)


def headline_of(facts: Facts, title: str | None) -> str | None:
    """The article's headline: its title, unless the title is a masthead; then the first line
    near the top that stands alone like a heading (a blank line or a rule on both sides, five
    words or more, no sentence break inside). Never a line addressed to a model ("Ignore previous
    instructions and ...", an article's first line made its title): the brief must not relay it."""
    if title and (find_injections(title) or _in_injection(facts, title) or not _numbers_told(facts, title)):
        title = None  # nor a title that states a number the article does not write
    if title and not is_masthead(title):
        return title
    lines = facts.text[:2000].split("\n")[:40]
    at = [0]
    for raw in lines[:-1]:
        at.append(at[-1] + len(raw) + 1)

    def blank(i: int) -> bool:
        return (i < 0 or i >= len(lines) or not lines[i].strip() or RULE_LINE.match(lines[i]) is not None
                or is_masthead(lines[i]))

    for i, raw in enumerate(lines):
        line = _NUMBERING.sub("", raw).strip()
        if not line or (title and line == title.strip()) or not (blank(i - 1) and blank(i + 1)):
            continue
        if any(a < at[i] + len(raw) and at[i] < b for a, b in facts.injections):
            continue
        if (5 <= len(line.split()) <= 30 and not is_masthead(line) and not re.search(r"[.!?:]\"?$|[a-z]{2}[.!?] ", line)
                and not is_boilerplate(line) and re.search(r"[A-Za-z]{3}", line)):
            return line
    return title


def _numbers_told(facts: Facts, title: str) -> bool:
    """Every number of ``title`` is one the article writes, as the grounding check reads them
    (``SourceIndex.numbers``: outside passages addressed to a model)."""
    said = numbers_in(title)
    return not said or set(said) <= SourceIndex(facts.text, blocked=facts.injections).numbers


# "BRISBANE, Australia and CHATTANOOGA, Tenn. -- ", "TORONTO, Jan 10 - ": a dateline without a
# year (the backend's own pattern strips those with one). Places and a date, a comma among them.
_PLACE_DATELINE = re.compile(r"^(?:[A-Z0-9][\w.'’]*(?:,| and| &)?\s+){1,8}(?:--|—|–|-)\s+(?=\S)")


def strip_dateline(text: str) -> str:
    """``text`` without a leading dateline of places (and a day) before a dash."""
    m = _PLACE_DATELINE.match(text)
    return text[m.end():] if m and "," in m.group(0) else text
