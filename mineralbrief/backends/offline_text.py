"""The parts of an offline brief a reader reads first: key points and headline (the bottom line
is in ``offline_bottom``, the people and projects in ``offline_people``).

Key points are chosen for what they say, not where they stand: a sentence that reports a deal,
its parties, its size, its terms or its next step (closing conditions, dates) scores; the
article's boilerplate (About sections, forward-looking statements, contacts, tables of
contents) never does. Hard-wrapped text (newsletters at 72 columns) is read as whole sentences:
a line that runs on into the next line of its paragraph is joined to it, so a key point is a
sentence and not a line. Every point stays the article's own words at its own span.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from rapidfuzz import fuzz

from ..domain.deals import Sentence
from ..domain.elements import ELEMENT_NAMES, canonical_element
from ..domain.facts import Facts
from ..models import Evidence


def quote(facts: Facts, s: Sentence, limit: int = 400) -> Evidence:
    """The sentence, verbatim from the original text (clipped at a word boundary)."""
    start, end = s.start, s.end
    if end - start > limit:
        cut = facts.text.rfind(" ", start, start + limit)
        end = cut if cut > start else start + limit
    return Evidence(quote=facts.text[start:end].strip(), start=start, end=end, verified=True)


# -- sentences read across hard line breaks -----------------------------------------------------

_TERMINALS = ".!?:;\"”’)]"


def _ends_terminal(text: str) -> bool:
    """The text ends with a sentence's last mark, whitespace aside (read from the end: a
    sentence joined from a thousand lines is not read again for each)."""
    end = text.rstrip()
    return end != "" and end[-1] in _TERMINALS


_BULLET = re.compile(r"\s*(?:[-*•–]\s|\d{1,2}[.)]\s|#)")
RULE_LINE = re.compile(r"\s*([-=_*~#])\1{3,}\s*$")
# A line this long that stops mid-sentence was wrapped, not ended (72-column text wraps at 60-72).
_WRAPPED_LINE = 45


def _line_of(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


def _line_at(facts: Facts, pos: int) -> tuple[int, int]:
    """``_line_of`` from the article's line breaks, found once (kept on ``facts``): searching
    back to the line's start from every sentence is quadratic in an article of one long line."""
    breaks: list[int] | None = facts.__dict__.get("_line_breaks")
    if breaks is None:
        breaks = facts.__dict__["_line_breaks"] = [m.start() for m in re.finditer("\n", facts.text)]
    i = bisect_right(breaks, pos - 1)  # the first break at or after pos
    return (breaks[i - 1] + 1 if i else 0), (breaks[i] if i < len(breaks) else len(facts.text))


_BLANK = re.compile(r"\s*")
_NINE_WORDS = re.compile(r"\s*(?:\S+\s+){8}\S")


_HEADLINE_SMALL_WORDS = frozenset("a an the of and or for in on at to by with from as vs via into over".split())


def _title_case(line: str) -> bool:
    """Every word capitalised but the small ones: a headline, not a line of wrapped prose."""
    words = [w for w in line.split() if w[:1].isalpha()]
    return len(words) >= 4 and all(w[0].isupper() or w in _HEADLINE_SMALL_WORDS for w in words)


def _runs_on(text: str, a: Sentence, b: Sentence) -> bool:
    """True when ``b`` continues ``a`` across one hard line break of a wrapped paragraph."""
    gap = text[a.end:b.start]
    if gap.count("\n") != 1 or gap.strip(" \t\n-–—") or _ends_terminal(a.text):
        return False
    line_start, line_end = _line_of(text, a.end - 1)
    line = text[line_start:line_end]
    if len(line.rstrip()) < _WRAPPED_LINE or line.isupper() or _title_case(line):
        return False  # a short line, or a heading right above its text
    next_start, next_end = _line_of(text, b.start)
    nxt = text[next_start:next_end]
    return not (_BULLET.match(nxt) or RULE_LINE.match(nxt))


def reading_sentences(facts: Facts) -> list[Sentence]:
    """The article's sentences with hard-wrapped lines joined: spans cover every line of a
    sentence, and the text has its line breaks collapsed to spaces (kept on ``facts``)."""
    kept: list[Sentence] | None = facts.__dict__.get("_reading_sentences")
    if kept is None:
        kept = facts.__dict__["_reading_sentences"] = _join_wrapped(facts)
    return kept


def _join_wrapped(facts: Facts) -> list[Sentence]:
    out: list[Sentence] = []
    run: list[Sentence] = []  # the lines of the sentence being read
    for s in facts.sentences:
        if run and _runs_on(facts.text, run[-1], s):
            run.append(s)
            continue
        if run:
            out.append(_joined(facts.text, run))
        run = [s]
    if run:
        out.append(_joined(facts.text, run))
    return out


def _joined(text: str, run: list[Sentence]) -> Sentence:
    """One sentence of the lines it runs over, joined once (a table of a thousand rows is not
    copied again for each row)."""
    if len(run) == 1:
        return run[0]
    parts = [run[0].text]
    for prev, s in zip(run, run[1:], strict=False):
        dash = " ".join(text[prev.end:s.start].split())  # "has closed\n-- about $2.3bn"
        parts.append(f"{dash} {s.text.strip()}" if dash else s.text.strip())
    return Sentence(text=" ".join(parts), start=run[0].start, end=run[-1].end)


# -- boilerplate sections -----------------------------------------------------------------------

# Headings that open a section no reader needs in a brief: it runs until the next heading.
_BOILER_HEADING = re.compile(
    r"^\W*(?:about (?!the\b|this\b|our\b)(?-i:[A-Z])|forward[- ]looking|cautionary|safe harbou?r|contacts?\b|"
    r"media\b|investors?\b|investor relations|for (?:further|more) information|source\b|disclaimer|"
    r"qualified persons?|competent persons?|in this issue|diary\b|"
    r"related (?:coverage|articles|stories|news|links|reading)|more from|further reading|share this|tags?\b|"
    r"conference call|webcast|financial advis|legal advis|advisers|advisors|notes? to editors|"
    r"non-(?:gaap|ifrs)|subscribe)", re.I)
# Boilerplate phrases, looked up as plain substrings of the lower-cased sentence (a regex of forty
# case-blind alternatives cost 30 µs a sentence), and the few that need a pattern.
_BOILER_WORDS = (
    "forward-looking", "forward looking", "please visit", "www.", "http://", "https://", "copyright",
    "all rights reserved", "disclaimer", "subscribe", "image source", "for more information", "contact:",
    "view original content", "this announcement has been", "authorised for release", "authorized for release",
    "authorised by the board", "authorized by the board", "cookie", "newsletter", "read more",
    "add a public comment", "no comments", "conference call", "webcast", "acted as financial",
    "acted as legal", "acted as exclusive", "acted as sole", "news provided by", "not for release",
    "not for distribution", "securities act", "securities laws", "undue reliance", "min read", " · ",
)
_BOILER_PATTERN = re.compile(r"^contact\b|^(?:posted|published|updated)\b|@\w|\+?\d[\d\s-]{8,}\d")


def is_boilerplate(text: str) -> bool:
    """True for a sentence no reader needs in a brief: disclaimers, contacts, links, advisers."""
    low = text.lower()
    return any(w in low for w in _BOILER_WORDS) or _BOILER_PATTERN.search(low) is not None


def _is_heading(line: str, after_break: bool) -> bool:
    """A line of its own that names a section: after a blank line (or a rule), not indented,
    not a bullet, short, and not ending like a sentence."""
    stripped = line.strip().strip("#*= ")
    return (after_break and not line[:1].isspace() and not re.match(r"[-*•–]\s", line)
            and 0 < len(stripped) <= 70 and len(stripped.split()) <= 9 and not re.search(r"[.!?:]\"?$", stripped))


def boilerplate_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the article's boilerplate sections (About X, forward-looking statements,
    contacts, advisers, tables of contents), from their heading to the next heading."""
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    pos, after_break = 0, True
    for line in text.split("\n"):
        if RULE_LINE.match(line) or not line.strip():
            after_break = True
        else:
            if _is_heading(line, after_break):
                boiler = _BOILER_HEADING.match(line.strip().strip("#*= ")) is not None
                if boiler and open_at is None:
                    open_at = pos
                elif not boiler and open_at is not None:
                    spans.append((open_at, pos))
                    open_at = None
            after_break = False
        pos += len(line) + 1
    if open_at is not None:
        spans.append((open_at, len(text)))
    return spans


# -- scoring --------------------------------------------------------------------------------------

# Terms of a deal and what happens next.
# (Grouped by first letter and run on the lower-cased sentence: a flat case-blind alternation
# cost four times as much.)
_TERMS = re.compile(
    r"\b(?:s(?:ubject to|take|hareholders?)|c(?:onditions?(?: precedent)?|onditional|los(?:ing|e[sd]?)|"
    r"ompletion|ommission\w*)|e(?:xpected to (?:close|complete|be completed))|a(?:pprovals?)|"
    r"f(?:inal investment decision|id|irst production)|t(?:enor|ranches?|onnes|erm)|m(?:aturity)|"
    r"i(?:nterest rate|nstal?ments?|nterest in)|r(?:epay\w*|egulator\w*)|p(?:er ?cent|rice\w*|ermit\w*)|"
    r"o(?:wnership)|d(?:eliver\w*)|v(?:olumes?|ote)|y(?:ears?)|n(?:ext step)|"
    r"w(?:ill (?:begin|start|fund|supply|purchase|buy|hold|own|acquire)))\b|%")
_QUOTE_OPEN = re.compile(r"^\s*[\"“]")
_SAID = re.compile(r"\b(?:said|says|added|commented|noted|stated)\b", re.I)
_STATE_KINDS = {"government", "agency", "country"}


@dataclass
class Scored:
    """A reading sentence and what it is worth as a key point (``index``: its place in the article)."""

    sentence: Sentence
    score: float
    index: int


def _counts(facts: Facts, sentences: list[Sentence]) -> dict[str, list[int]]:
    """How many cues, parties, sums, other amounts, dates and elements each sentence holds."""
    starts = [s.start for s in sentences]
    n = len(sentences)
    out = {k: [0] * n for k in ("cues", "kinds", "parties", "money", "amounts", "dates", "elements")}

    def at(pos: int) -> int | None:
        i = bisect_right(starts, pos) - 1
        return i if i >= 0 and pos < sentences[i].end else None

    kinds: list[set[str]] = [set() for _ in range(n)]
    for c in facts.cues:
        i = at(c.start)
        if i is not None:
            out["cues"][i] += 1
            kinds[i].add(c.deal_type)
    for o in facts.orgs:
        if o.kind == "company" or o.kind in _STATE_KINDS:
            seen: set[int] = set()
            for sp in o.spans:
                i = at(sp[0])
                if i is not None and i not in seen:
                    seen.add(i)
                    out["parties"][i] += 1
    for a in facts.amounts:
        i = at(a.start)
        if i is not None:
            out["money" if a.currency else "amounts"][i] += 1
    for d in facts.dates:
        i = at(d.start)
        if i is not None:
            out["dates"][i] += 1
    for e in facts.elements:
        i = at(e.start)
        if i is not None:
            out["elements"][i] += 1
    out["kinds"] = [len(k) for k in kinds]
    return out


def score_sentences(facts: Facts, title: str | None) -> list[Scored]:
    """Body sentences worth a key point, scored by what they say: a deal cue, its parties, its
    sums, its terms and next steps, with a small bonus for the lead. Boilerplate, headings,
    questions, fragments and the title itself are left out. (Kept on ``facts``: the key points,
    the bottom line and the local backend's candidates all ask.)"""
    scored: list[Scored] | None = facts.__dict__.get("_scored_sentences")
    if scored is None:
        scored = facts.__dict__["_scored_sentences"] = _score_sentences(facts)
    if not title:
        return scored
    low = title.lower()
    return [x for x in scored if fuzz.ratio(x.sentence.text.strip().lower(), low) <= 90]


def _score_sentences(facts: Facts) -> list[Scored]:
    sentences = reading_sentences(facts)
    boiler = boilerplate_spans(facts.text)
    boiler_starts = [a for a, _ in boiler]
    counts = _counts(facts, sentences)
    out: list[Scored] = []
    body = 0
    for i, s in enumerate(sentences):
        text = s.text.strip()
        words = len(text.split())
        if words < 7 or len(text) < 40 or text.endswith("?") or text.count("|") >= 2 or is_boilerplate(text):
            continue
        k = bisect_right(boiler_starts, s.start) - 1  # the sections neither overlap nor nest
        if k >= 0 and s.start < boiler[k][1]:
            continue
        if not _ends_terminal(text) and _MASTHEAD.search(text):  # "European Commission - Press release"
            continue
        line_start, line_end = _line_at(facts, s.start)
        if s.end <= line_end:  # nothing but spaces beside it on its line (read without copying the line)
            whole_line = bool(_BLANK.fullmatch(facts.text, line_start, s.start)
                              and _BLANK.fullmatch(facts.text, s.end, line_end))
        else:
            whole_line = facts.text[line_start:line_end].strip() == facts.text[s.start:s.end].strip()
        cues, parties, money = counts["cues"][i], counts["parties"][i], counts["money"][i]
        score = 3.0 * min(1, cues) + 1.0 * min(1, counts["kinds"][i] - 1 if cues else 0)
        score += 1.0 * min(3, parties) + 2.0 * min(1, money) + 0.5 * min(2, counts["amounts"][i])
        terms = len(_TERMS.findall(text.lower()))
        score += 1.5 * min(1, terms) + 0.5 * min(2, max(0, terms - 1))
        score += 0.5 * min(1, counts["dates"][i]) + 0.3 * min(2, counts["elements"][i])
        score += max(0.0, 2.0 - 0.5 * body)  # the lead carries the news
        if _QUOTE_OPEN.match(text) or (_SAID.search(text) and text.count("\"") + text.count("“") >= 2):
            score -= 2.0  # a quotation is colour, not a fact
        if whole_line and not _ends_terminal(text):
            score -= 1.5  # a heading or a deck line, not a sentence
        if words > 70:
            score -= 1.5
        out.append(Scored(s, score, i))
        body += 1
    return out


def key_sentences(facts: Facts, title: str | None, most: int = 5) -> list[Sentence]:
    """Up to ``most`` sentences that carry the article's news, in article order, no two alike.
    Fewer than three only when the article has fewer usable sentences."""
    scored = sorted(score_sentences(facts, title), key=lambda x: (-x.score, x.index))
    picked: list[Scored] = []
    for cand in scored:
        if any(fuzz.token_set_ratio(cand.sentence.text, p.sentence.text) > 75 for p in picked):
            continue
        if len(picked) >= 3 and cand.score < 3.0:  # beyond three, only sentences that say something
            break
        picked.append(cand)
        if len(picked) == most:
            break
    if len(picked) < 3:  # a short article: take whatever sentences remain
        for i, s in enumerate(reading_sentences(facts)):
            if len(picked) >= 3:
                break
            if all(p.sentence.start != s.start for p in picked) and len(s.text) >= 15 and not (
                    title and s.text.strip() == title.strip()):
                picked.append(Scored(s, 0.0, i))
    picked.sort(key=lambda x: x.sentence.start)
    return [p.sentence for p in picked]


# -- headline -------------------------------------------------------------------------------------

_MASTHEAD = re.compile(
    r"\b(?:media|news|press) release\b|\bbulletin\b|\bissue\s+(?:no\.?\s*)?\d+|\bnewsletter\b|\bdigest\b|"
    r"\b(?:asx|tsx|company) announcement\b|(?:letter|bulletin|digest|weekly|daily|briefing)\W*$|"
    r"^\W*(?:asx|tsx|nyse|nasdaq|lse)\b\W*(?:/\W*)?\w*\W*$", re.I)


def is_masthead(title: str) -> bool:
    """True when a title names the outlet or the kind of document ("ASX / MEDIA RELEASE",
    "BATTERY METALS BULLETIN -- Issue 412"), not the news."""
    return _NINE_WORDS.match(title) is None and _MASTHEAD.search(title) is not None


# -- names a line break cut in two -----------------------------------------------------------

# A name that runs on past a hard line break: "the Battery Metals\nBulletin".
_RUNS_ON_NAME = re.compile(
    r"[ \t]*\n[ \t]*(?!(?:The|A|An|In|It|Its|This|On|At|As|For|But|And|He|She|They|We)\b)[A-Z][\w&'’-]*(?=[\s.,;:)]|$)")


def cut_by_a_line_break(facts: Facts, spans: list[tuple[int, int]]) -> bool:
    """True when every mention ends at a hard line break and the next line goes on with a
    capitalised word: the finder saw half a name (in 72-column text a name may wrap)."""
    return bool(spans) and all(_RUNS_ON_NAME.match(facts.text, b) for _, b in spans)


def in_masthead(facts: Facts, name: str, spans: list[tuple[int, int]]) -> bool:
    """True when a name is the outlet's: every mention stands on a masthead line, or the
    masthead at the top names it ("THE MINOR METALS LETTER" ... "The Minor Metals Letter is
    written for...")."""
    def on_masthead(pos: int) -> bool:
        a, b = _line_at(facts, pos)
        return _NINE_WORDS.match(facts.text, a, b) is None and is_masthead(facts.text[a:b])  # a long line is not one
    top = [ln.lower() for ln in facts.text[:600].split("\n")[:6] if ln.strip() and is_masthead(ln)]
    return bool(spans) and (all(on_masthead(a) for a, _ in spans) or any(name.lower() in t for t in top))


_SENTENCE_BREAK = re.compile(r"[a-z]{2}\.\s+[A-Z]")


def plausible_name(name: str) -> bool:
    """False for what a reader would not take for a company: a bare element or mineral word
    ("Lithium", "Graphite": a commodity), or a sentence break inside ("Idaho. The Company")."""
    words = name.split()
    if len(words) == 1 and canonical_element(name) and name.lower() in ELEMENT_NAMES:
        return False
    return not _SENTENCE_BREAK.search(name)


def repaired_name(name: str) -> str | None:
    """A name that ran over a sentence break, cut to what follows it ("China. Almonty Industries"
    is "Almonty Industries"); None when nothing of a name is left ("Idaho. The Company")."""
    breaks = list(_SENTENCE_BREAK.finditer(name))
    if breaks:
        name = name[breaks[-1].end() - 1:]
        if name.split()[0] in ("The", "A", "An", "This", "Its"):
            return None
    return name if plausible_name(name) else None
