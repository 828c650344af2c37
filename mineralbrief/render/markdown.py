"""Markdown for a brief and for a day, in the style of market-news briefs.

Headline, key points, short sections (the deal, who is involved, why it matters), "Bottom line",
"Open questions", a source line, and a visible warning when some statements could not be found
in the article. Lists are CommonMark lists (``- ``), so every renderer shows them as lists.

Everything that comes from an article or a model is escaped (``md``): it renders as the text it
is, never as emphasis, a heading, a link, an image or raw HTML.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..models import Brief, DailyBrief, DealSummary, EntityProfile

_LABEL = {
    "mou": "MOU", "loi": "Letter of intent", "offtake": "Offtake", "supply_agreement": "Supply agreement",
    "joint_venture": "Joint venture", "acquisition": "Acquisition", "investment": "Investment",
    "funding": "Funding", "framework": "Framework", "partnership": "Partnership", "other": "Deal",
}

# CommonMark inline markup: emphasis, code, links and images, raw HTML and autolinks, GFM
# strikethrough and table cells. A backslash makes any of them a literal character.
_INLINE = re.compile(r"([\\`*_\[\]<>#~|])")
# "&amp;" and "&#60;" would be read as character references
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# what starts a block when it opens a line: a list item, a quote, a setext underline, a rule
_BLOCK_START = re.compile(r"^(?:[-+=]|\d{1,9}(?=[.)]))")
_SPACE = re.compile(r"\s+")
# bidi embeddings, overrides and isolates: one an article leaves open ("Title \u202e gnp.exe")
# reverses what follows it on the line, the brief's own words and markup included
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def md(text: str) -> str:
    """Escape ``text`` for use inside a Markdown line (one line: newlines become spaces)."""
    text = _SPACE.sub(" ", _BIDI.sub("", text))
    return _ENTITY.sub(r"\\&", _INLINE.sub(r"\\\1", text))


def md_block(text: str) -> str:
    """Escape ``text`` that opens a line, so it cannot start a list, a quote or a rule."""
    text = md(text.strip())
    m = _BLOCK_START.match(text)
    if m is None:
        return text
    # a backslash escapes punctuation only: "1." becomes "1\.", "-" becomes "\-"
    return f"{text[:m.end()]}\\{text[m.end():]}" if m.group().isdigit() else f"\\{text}"


def deal_label(d: DealSummary) -> str:
    """ "Non-binding MOU", "Binding offtake", "Funding": the deal's type and binding, as words."""
    kind = _LABEL.get(d.deal_type, d.deal_type)
    if d.binding is None:
        return kind
    lowered = kind if kind == "MOU" else kind[0].lower() + kind[1:]
    return f"{'Binding' if d.binding else 'Non-binding'} {lowered}"


def _deal_line(d: DealSummary) -> str:
    parties = ", ".join(f"{p.name} ({p.ticker})" if p.ticker else p.name for p in d.parties) or "parties not named"
    bits = [f"**{md(deal_label(d))}**: {md(parties)}"]
    if d.commodities:
        bits.append(md("commodities: " + ", ".join(d.commodities)))
    if d.locations:
        bits.append(md("where: " + "; ".join(d.locations)))  # "Missouri; Western Australia": two places
    if d.amounts:
        bits.append(md("amounts: " + ", ".join(a.text for a in d.amounts)))
    if d.announced_on:
        bits.append(f"dated {d.announced_on.isoformat()}")
    if d.status:
        bits.append(md(f"status: {d.status}"))
    return "- " + "; ".join(bits)


def _entity_line(e: EntityProfile) -> str:
    extra = [e.ticker] if e.ticker else []
    extra += [f"also {', '.join(e.aliases[:3])}"] if e.aliases else []
    role = f", {e.role}" if e.role else ""
    return f"- {md_block(e.name)} ({e.kind}{md(role)}{'; ' + md('; '.join(extra)) if extra else ''})"


def _footer(brief: Brief) -> str:
    src = brief.source
    where = src.url or src.title or "article"
    published = f", published {src.published.isoformat()}" if src.published else ""
    prov = brief.provenance
    model = f" ({prov.model})" if prov.model else ""
    cached = ", from cache" if prov.cached else ""
    grounding = (
        f"grounding: {brief.grounding.checked} checks passed" if brief.grounding.ok
        else f"grounding: {len(brief.grounding.unverified)} of {brief.grounding.checked} checks failed"
    )
    return (f"*Source: {md(where)}{published}. Brief by the {md(prov.backend)} backend{md(model)}{cached}; "
            f"{grounding}; sha256 {md(src.content_hash[:12])}.*")


def brief_to_markdown(brief: Brief) -> str:
    """Render ``brief`` as CommonMark.

    Args:
        brief: the brief to render.

    Returns:
        The Markdown text, ending with a newline.
    """
    out: list[str] = [f"# {md(brief.headline)}", ""]
    for note in brief.notes:
        out += [f"> **Note:** {md(note)}", ""]
    if not brief.grounding.ok:
        n = len(brief.grounding.unverified)
        out += [
            f"> **Warning: {n} statement(s) in this brief could not be found in the article.** "
            "Treat them as unverified:",
            ">",
            *[f"> - {md_block(u)}" for u in brief.grounding.unverified[:10]],
            "",
        ]
    out += [f"- {md_block(kp.text)}" for kp in brief.key_points]
    if brief.deals:
        out += ["", "## The deal" if len(brief.deals) == 1 else "## The deals", ""]
        out += [_deal_line(d) for d in brief.deals]
    involved = [e for e in brief.entities if e.kind in ("company", "agency", "government")][:8]
    involved += [e for e in brief.entities if e.kind == "person"][:5]
    if involved:
        out += ["", "## Who is involved", ""]
        out += [_entity_line(e) for e in involved]
    sites = [e for e in brief.entities if e.kind in ("project", "facility")][:6]
    if sites:
        out += ["", "## Projects and sites", ""]
        out += [_entity_line(e) for e in sites]
    if brief.elements:
        out += ["", "## Elements", "", md(", ".join(brief.elements)) + "."]
    out += ["", "## Bottom line", "", md_block(brief.bottom_line.text)]
    out += ["", "## Open questions", ""]
    out += [f"- {md_block(q.question)}" for q in brief.questions]
    out += ["", "---", "", _footer(brief), ""]
    return "\n".join(out)


def daily_to_markdown(day: DailyBrief) -> str:
    """Render the day as CommonMark: deals merged across sources, who is in the news, questions.

    Args:
        day: the day's brief.

    Returns:
        The Markdown text, ending with a newline.
    """
    out = [f"# Critical minerals daily brief: {day.date.isoformat()}", "", f"- {md_block(day.bottom_line)}"]
    if day.failed or day.ungrounded:
        out.append(f"- {day.failed} article(s) could not be briefed; {day.ungrounded} brief(s) hold "
                   "statements that could not be verified against their article.")
    if day.deals:
        out += ["", "## Deals of the day", ""]
        for d in day.deals:
            parties = ", ".join(f"{p.name} ({p.ticker})" if p.ticker else p.name for p in d.deal.parties)
            amounts = f"; {', '.join(a.text for a in d.deal.amounts)}" if d.deal.amounts else ""
            tag = f" **\\[{d.status}\\]**" if d.status else ""
            sources = "; sources: " + ", ".join(d.sources) if d.sources else ""
            out.append(f"- {md(deal_label(d.deal))}: {md(parties + amounts + sources)}{tag}")
    shown = [e for e in day.entities if e.kind in ("company", "agency", "government")][:12]
    if shown:
        out += ["", "## Who is in the news", ""]
        for e in shown:
            ticker = f", {e.ticker}" if e.ticker else ""
            out.append(f"- {md_block(e.name)} ({e.kind}{md(ticker)}): {e.articles} article(s)")
    if day.elements:
        out += ["", "## Elements", "", md(", ".join(f"{k} ({v})" for k, v in list(day.elements.items())[:12]))]
    out += ["", "## Bottom line", "", md_block(day.bottom_line)]
    if day.questions:
        out += ["", "## Open questions", ""]
        out += [f"- {md_block(q.question)}" + (f" ({q.count} articles)" if q.count > 1 else "") for q in day.questions]
    out += ["", "---", "", f"*{len(day.articles)} article(s) briefed by mineralbrief.*", ""]
    return "\n".join(out)
