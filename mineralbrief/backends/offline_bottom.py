"""An offline brief's bottom line, drawn from the article: the deal, its size, the project and
places, its purpose and its next step, in the article's words."""

from __future__ import annotations

import re

from ..domain.facts import Facts
from ..models import CLAIM_MAX, Claim, DealSummary
from .offline_people import sites
from .offline_text import plausible_name, quote, score_sentences

# -- the bottom line --------------------------------------------------------------------------------

# What a deal is for, in the article's words: "to fund construction of the Louisiana facility".
_PURPOSE = re.compile(
    r"\b(?:to (?:partially |help )?(?:fund|finance|build|support|supply|develop|construct|expand|restart|"
    r"purchase|buy|secure|accelerate|complete)|for the (?:supply|construction|development|purchase|"
    r"expansion|restart) of)\b(?:[^.;:()\"“”\n]|(?<=\d)\.(?=\d)){8,140}")  # "49.9%" is one number
# What happens next, in the article's words: closing conditions, approvals, target dates.
_NEXT = re.compile(
    r"\b(?:(?:remains |is |are |will be )?subject to|expected to (?:close|complete|be (?:completed|finali[sz]ed))|"
    r"(?:must|needs? to|will need to) (?:complete|satisfy|meet|obtain|secure|receive)|"
    r"(?:target(?:s|ing)?|plans? to (?:reach|make|take)|aims? to (?:reach|make|take)|expects? to (?:reach|make|take))"
    r" (?:a |an |the )?(?:final investment decision|FID|first production|commercial production|commissioning)|"
    r"(?:first production|commercial production|commissioning|completion|start-up|closing|first output|"
    r"financial close) (?:is |are )?(?:now )?(?:expected|targeted|planned|scheduled))\b"
    r"(?:[^.;()\"“”]|(?<=\d)\.(?=\d)){3,140}", re.I)


def _clause(m: re.Match[str]) -> str:
    """A matched clause cut at its last whole word before a comma run-on, whitespace collapsed."""
    text = " ".join(m.group(0).split()).rstrip(" ,")
    src, end = m.string, m.end()
    if end < len(src) and src[end - 1].isalnum() and " " in text and (
            src[end].isalnum() or src[end] == "." and src[end - 1].isdigit() and src[end + 1:end + 2].isdigit()):
        text = text[: text.rfind(" ")].rstrip(" ,") + "…"  # it stopped at its length inside a word or a number
    if len(text) > 130:
        cut = text.rfind(" ", 0, 130)
        text = text[: cut if cut > 0 else 130].rstrip(" ,") + "…"
    return text


def bottom_line(facts: Facts, deals: list[DealSummary], key_points: list[Claim],
                labels: dict[str, str]) -> Claim:
    """What the article means for a reader, from its own facts: the main deal (parties, kind,
    size, place), what it is for and what happens next; for an article without a deal, its
    main point."""
    if not deals:
        lead = key_points[0]
        text = lead.text.rstrip(".…")
        if len(text) > 220:
            cut = text.rfind(" ", 0, 220)
            text = text[: cut if cut > 0 else 220].rstrip(",;: ") + "…"
        return Claim(text=f"No specific deal is reported. The article's main point: {text}.",
                     evidence=lead.evidence[:1])
    d = deals[0]
    parties = " and ".join([p.name for p in d.parties if plausible_name(p.name)][:2] or [d.parties[0].name])
    kind = ("non-binding " if d.binding is False else "binding " if d.binding else "") + labels[d.deal_type]
    text = f"{parties}: {'an' if kind[:1] in 'aeio' else 'a'} {kind}"
    money = [a.text for a in d.amounts if a.currency]
    if money:
        text += f" worth {money[0]}"
    named = [n for n, _, _ in sites(facts)]
    project = next((p for p in d.projects if any(n in p for n in named)), None)
    if project:  # a project the article names, not a phrase that ends in "Refinery"
        text += f" for {project}"
    if d.locations:
        text += f" in {' and '.join(d.locations[:2])}"  # two places, never "Missouri, Western Australia"
    if d.commodities and not money:
        text += f", covering {', '.join(d.commodities[:3])}"
    text += "."
    extra: list[str] = []
    evidence = list(d.evidence[:1])
    spans = [(e.start, e.end) for e in d.evidence if e.start is not None and e.end is not None]
    deal_text = " ".join(e.quote for e in d.evidence)
    purpose = _PURPOSE.search(deal_text)
    if purpose:
        extra.append(f" It is meant {_clause(purpose)}.")
    step = None
    body = sorted((x.sentence for x in score_sentences(facts, None)), key=lambda x: x.start)
    for s in body:  # the deal's own sentences first, then the article's (boilerplate left out)
        m = _NEXT.search(s.text)
        if m and (step is None or any(a <= s.start < b for a, b in spans)):
            step = (m, s)
            if any(a <= s.start < b for a, b in spans):
                break
    if step:
        clause = _clause(step[0])
        extra.append(f" Next: {clause[:1].lower() + clause[1:]}.")
        if all(e.start != step[1].start for e in evidence):
            evidence.append(quote(facts, step[1]))
    others = [labels[o.deal_type] + (f" ({o.amounts[0].text})" if o.amounts else "") for o in deals[1:4]]
    if others:
        extra.append(f" Also reported: {', '.join(others)}.")
    if d.binding is False:
        extra.append(" Nothing is committed until a binding agreement follows.")
    if len(text) > CLAIM_MAX:  # names of hostile length: the kind of deal alone is still true
        text = f"{'An' if kind[:1] in 'aeio' else 'A'} {kind}."
    for sentence in extra:  # whole sentences while they fit a claim, never one cut short
        if len(text) + len(sentence) <= CLAIM_MAX:
            text += sentence
    return Claim(text=text, evidence=evidence)


# ("Lithium Americas" or the "Company"), ("DOE"): a release's defined terms, clutter to a reader.
_DEFINED_TERMS = re.compile(
    r"\s*\((?:the\s+)?[\"“][^\"”()]{1,60}[\"”](?:\s*(?:,|or|and)\s*(?:the\s+)?[\"“][^\"”()]{1,60}[\"”])*\)")


def tidy(text: str) -> str:
    """A point's text without Markdown emphasis, the gaps links leave and a release's defined
    terms: '**NMG** ( TSXV: NOU ) ("NMG" or the "Company")' reads "NMG (TSXV: NOU)"."""
    text = _DEFINED_TERMS.sub("", re.sub(r"\*\*|__", "", text))
    return re.sub(r"\s+([,.;:)])", r"\1", re.sub(r"\(\s+", "(", text))
