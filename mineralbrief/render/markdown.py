"""Markdown for a brief, in the style of market-news briefs.

Headline, key-point bullets, short sections (the deal, who is involved, why it matters),
"Bottom Line?", "Questions in the middle?", a source line, and a visible warning when some
statements could not be found in the article.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Brief, DealSummary

_LABEL = {
    "mou": "MOU", "loi": "Letter of intent", "offtake": "Offtake", "supply_agreement": "Supply agreement",
    "joint_venture": "Joint venture", "acquisition": "Acquisition", "investment": "Investment",
    "funding": "Funding", "framework": "Framework", "partnership": "Partnership", "other": "Deal",
}


def _md(text: str) -> str:
    """Escape what Markdown would read as markup in article text."""
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_").replace("`", "\\`").replace("#", "\\#")


def _deal_line(d: DealSummary) -> str:
    kind = _LABEL.get(d.deal_type, d.deal_type)
    if d.binding is False:
        kind = f"Non-binding {kind[0].lower() + kind[1:] if kind != 'MOU' else kind}"
    elif d.binding:
        kind = f"Binding {kind[0].lower() + kind[1:] if kind != 'MOU' else kind}"
    parties = ", ".join(f"{p.name} ({p.ticker})" if p.ticker else p.name for p in d.parties) or "parties not named"
    bits = [f"**{_md(kind)}**: {_md(parties)}"]
    if d.commodities:
        bits.append("commodities: " + ", ".join(d.commodities))
    if d.locations:
        bits.append("where: " + ", ".join(d.locations))
    if d.amounts:
        bits.append("amounts: " + ", ".join(a.text for a in d.amounts))
    if d.announced_on:
        bits.append(f"dated {d.announced_on.isoformat()}")
    if d.status:
        bits.append(f"status: {d.status}")
    return "  • " + "; ".join(_md(b) if i else b for i, b in enumerate(bits))


def brief_to_markdown(brief: Brief) -> str:
    """Render ``brief`` as Markdown."""
    out: list[str] = [f"# {_md(brief.headline)}", ""]
    for note in brief.notes:
        out += [f"> **Note:** {_md(note)}", ""]
    if not brief.grounding.ok:
        n = len(brief.grounding.unverified)
        out += [
            f"> **Warning: {n} statement(s) in this brief could not be found in the article.** "
            "Treat them as unverified:",
            *[f"> - {_md(u)}" for u in brief.grounding.unverified[:10]],
            "",
        ]
    out += [f"  • {_md(kp.text)}" for kp in brief.key_points]
    if brief.deals:
        out += ["", "## The deal" if len(brief.deals) == 1 else "## The deals", ""]
        out += [_deal_line(d) for d in brief.deals]
    companies = [e for e in brief.entities if e.kind in ("company", "agency", "government")]
    if companies:
        out += ["", "## Who is involved", ""]
        for e in companies[:8]:
            extra = [e.ticker] if e.ticker else []
            extra += [f"also {', '.join(e.aliases[:3])}"] if e.aliases else []
            role = f", {e.role}" if e.role else ""
            out.append(f"  • {_md(e.name)} ({e.kind}{_md(role)}{'; ' + _md('; '.join(extra)) if extra else ''})")
    if brief.elements:
        out += ["", "## Why it matters", "", f"Elements named: {', '.join(brief.elements)}."]
    out += ["", "## Bottom Line?", "", _md(brief.bottom_line.text)]
    out += ["", "## Questions in the middle?", ""]
    out += [f"  • {_md(q.question)}" for q in brief.questions]
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
    out += ["", "---", f"*Source: {_md(where)}{published}. Brief by the {prov.backend} backend{_md(model)}{cached}; "
            f"{grounding}; sha256 {src.content_hash[:12]}.*", ""]
    return "\n".join(out)
