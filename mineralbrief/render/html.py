"""The HTML review page: the brief beside its article, every claim linked to its evidence.

``brief_page(brief, article_text)`` is one self-contained file (inline CSS, a little vanilla JS,
nothing loaded from the network). Clicking a key point, the bottom line, a deal, a party, an
amount, an entity or a question highlights the article spans it rests on and scrolls to them;
clicking a highlighted span lights up the statements that cite it. What grounding could not
verify is marked. ``daily_page(day, briefs)`` is the day: merged deals with every source, then
each brief. ``brief_fragment`` and ``daily_fragment`` are the notebook views (no script).

Everything from an article or a model is hostile: it is escaped wherever it lands, only http(s)
URLs become links, and the page's Content-Security-Policy allows its own script and style only.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from urllib.parse import urlsplit

from ..models import Brief, Claim, DailyBrief, DailyDeal, DealSummary, Evidence, RiskQuestion
from .assets import CSP, CSS, JS, PAGE_STYLE
from .markdown import deal_label
from .spans import ArticleSpans

# the path grounding writes before each failure: 'deals[0].parties: name not in article: "X"'
_FLAG = re.compile(r'^(?P<path>[a-z_]+(?:\[\d+\])?(?:\.[a-z_]+)?): .*?(?:"(?P<value>.*)")?$', re.S)


def esc(text: object) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return escape(str(text), quote=True)


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) URL a browser will read as such, else None."""
    if not url or any(ord(c) <= 0x20 or c in "\\\x7f" for c in url):
        return None
    parts = urlsplit(url)
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def link(url: str | None, label: str | None = None) -> str:
    """An external link when ``url`` is safe, else the escaped text."""
    shown = esc(label if label is not None else url or "")
    href = safe_url(url)
    return f'<a href="{esc(href)}" rel="noopener noreferrer nofollow" target="_blank">{shown}</a>' if href else shown


def _flags(unverified: Iterable[str]) -> set[str]:
    """Paths (and path:value) of the items grounding could not verify."""
    out: set[str] = set()
    for line in unverified:
        m = _FLAG.match(line)
        if m:
            out.add(m["path"])
            if m["value"] is not None:
                out.add(f'{m["path"]}:{m["value"]}')
    return out


class _BriefView:
    """Renders one brief; collects the spans its items cite as it goes."""

    def __init__(self, brief: Brief, text: str | None, prefix: str) -> None:
        self.brief = brief
        self.prefix = prefix
        self.spans = ArticleSpans(text, prefix)
        self.flags = _flags(brief.grounding.unverified)

    def _quotes(self, evidence: Sequence[Evidence], show_all: bool) -> str:
        out = []
        for ev in evidence:
            placed = self.spans.bounds(ev) is not None
            if placed and not show_all and ev.verified:
                continue
            why = ("" if ev.verified else " <span class=\"mb-flag\">not verified</span>" if placed
                   else " <span class=\"mb-flag\">not found in the article</span>")
            out.append(f'<blockquote class="mb-quote{"" if ev.verified else " mb-bad"}">{esc(ev.quote)}{why}'
                       "</blockquote>")
        return "".join(out)

    def item(self, path: str, inner: str, evidence: Sequence[Evidence], *, tag: str = "li", cls: str = "",
             required: bool = False, sids: Sequence[str | None] = (), quotes: bool = True,
             flagged: bool | None = None) -> str:
        """One clickable statement: ``data-ev`` names its spans; unverified ones are flagged.

        ``flagged`` overrides the verdict for items checked by name rather than by quote
        (parties, amounts), whose ``evidence`` only says where to look.
        """
        ids = list(dict.fromkeys(s for s in [*sids, *(self.spans.of(ev) for ev in evidence)] if s))
        bad = flagged if flagged is not None else (
            path in self.flags or any(not ev.verified for ev in evidence) or (required and not evidence))
        classes = " ".join(c for c in (cls, "mb-unverified" if bad else "") if c)
        attrs = f' class="{classes}"' if classes else ""
        attrs += f' data-item="{esc(path)}"'
        if ids:
            attrs += f' data-ev="{" ".join(ids)}" tabindex="0" role="button"'
        flag = '<span class="mb-flag">unverified</span>' if bad else ""
        shown = self._quotes(evidence, show_all=self.spans.text is None) if quotes else ""
        return f"<{tag}{attrs}>{inner}{flag}{shown}</{tag}>"

    def claim(self, path: str, claim: Claim, cls: str = "", tag: str = "li") -> str:
        return self.item(path, esc(claim.text), claim.evidence, cls=cls, required=True, tag=tag)

    def deal(self, i: int, d: DealSummary) -> str:
        path = f"deals[{i}]"
        head = self.item(path, f"<strong>{esc(deal_label(d))}</strong>: {esc(d.title)}", d.evidence, tag="div",
                         required=True)
        rows: list[str] = []
        parties = []
        for j, p in enumerate(d.parties):
            entity = next((e for e in self.brief.entities if p.name == e.name or p.name in e.aliases), None)
            sid = self.spans.within(p.name, d.evidence)
            label = f"{p.name} ({p.ticker})" if p.ticker else p.name
            role = f" <span class=\"mb-why\">{esc(p.role)}</span>" if p.role else ""
            flagged = bool({f"{path}.parties:{p.name}", f"{path}.parties:{p.ticker}"} & self.flags)
            parties.append(self.item(
                f"{path}.parties[{j}]", esc(label) + role, [] if sid else entity.evidence if entity else d.evidence,
                tag="span", cls="mb-chip", sids=[sid], quotes=False, flagged=flagged))
        if parties:
            rows.append(f"<div>Parties: {''.join(parties)}</div>")
        if d.amounts:
            chips = []
            for j, a in enumerate(d.amounts):
                sid = self.spans.within(a.text, d.evidence)
                chips.append(self.item(f"{path}.amounts[{j}]", esc(a.text), [] if sid else d.evidence, tag="span",
                                       cls="mb-chip", sids=[sid], quotes=False,
                                       flagged=f"{path}.amounts:{a.text}" in self.flags))
            rows.append(f"<div>Amounts: {''.join(chips)}</div>")
        facts = [("Commodities", ", ".join(d.commodities)), ("Where", ", ".join(d.locations)),
                 ("Projects", ", ".join(d.projects)), ("Dated", d.announced_on.isoformat() if d.announced_on else ""),
                 ("Status", d.status or "")]
        rows += [f"<div>{name}: {esc(value)}</div>" for name, value in facts if value]
        return f'<li class="mb-deal">{head}{"".join(rows)}</li>'

    def question(self, i: int, q: RiskQuestion) -> str:
        why = f' <span class="mb-why">{esc(q.why)}</span>' if q.why else ""
        return self.item(f"questions[{i}]", esc(q.question) + why, q.evidence)

    def source_line(self) -> str:
        b = self.brief
        src, prov = b.source, b.provenance
        title = src.title if src.title and src.title != b.headline else None  # often the headline itself
        bits = [link(src.url, title or src.url)] if src.url else [esc(title)] if title else []
        if src.published:
            bits.append(f"published {src.published.isoformat()}")
        bits.append(f"{esc(prov.backend)} backend" + (f" ({esc(prov.model)})" if prov.model else "")
                    + (", from cache" if prov.cached else ""))
        g = b.grounding
        bits.append(f"grounding: {g.checked} checks passed" if g.ok
                    else f"grounding: {len(g.unverified)} of {g.checked} checks failed")
        return f'<p class="mb-meta">{" · ".join(bits)}</p>'

    def side(self, heading: str) -> str:
        b = self.brief
        out = [f'<{heading} class="mb-headline{" mb-unverified" if "headline" in self.flags else ""}">'
               f"{esc(b.headline)}</{heading}>", self.source_line()]
        if self.spans.text is not None:
            out.append('<p class="mb-meta">Click a statement to highlight its evidence in the article; '
                       "click highlighted text to see what cites it.</p>")
        out += [f'<p class="mb-note"><strong>Note:</strong> {esc(n)}</p>' for n in b.notes]
        if not b.grounding.ok:
            listed = "".join(f"<li>{esc(u)}</li>" for u in b.grounding.unverified)
            out.append(f'<div class="mb-warn"><strong>{len(b.grounding.unverified)} statement(s) could not be '
                       f"verified against the article.</strong> Treat them as unverified:<ul>{listed}</ul></div>")
        out.append("<h3>Key points</h3><ul>"
                   + "".join(self.claim(f"key_points[{i}]", kp) for i, kp in enumerate(b.key_points)) + "</ul>")
        if b.deals:
            out.append(f"<h3>{'The deal' if len(b.deals) == 1 else 'The deals'}</h3><ul class=\"mb-deals\">"
                       + "".join(self.deal(i, d) for i, d in enumerate(b.deals)) + "</ul>")
        if b.entities:
            chips = []
            for i, e in enumerate(b.entities):
                extra = ", ".join(x for x in [e.kind, e.ticker or "", *(f"also {a}" for a in e.aliases[:3])] if x)
                chips.append(self.item(f"entities[{i}]", f"{esc(e.name)} <span class=\"mb-why\">{esc(extra)}</span>",
                                       e.evidence, tag="span", cls="mb-chip", quotes=False))
            out.append("<h3>Who is involved</h3><div>" + "".join(chips) + "</div>")
        if b.elements:
            out.append(f"<h3>Elements</h3><p>{esc(', '.join(b.elements))}</p>")
        out.append("<h3>Bottom line</h3>" + self.claim("bottom_line", b.bottom_line, cls="mb-bottom", tag="div"))
        questions = "".join(self.question(i, q) for i, q in enumerate(b.questions))
        out.append(f"<h3>Open questions</h3><ol>{questions}</ol>")
        return "".join(out)


def _matches(brief: Brief, text: str) -> bool:
    return hashlib.sha256(text.encode("utf-8")).hexdigest() == brief.source.content_hash


def brief_fragment(brief: Brief, article_text: str | None = None, *, prefix: str = "b0", heading: str = "h1") -> str:
    """One brief as an HTML ``<section>``: the brief, and beside it the article when given.

    Args:
        brief: the brief.
        article_text: the text it was made from. A text whose SHA-256 is not the brief's
            ``source.content_hash`` is shown with a warning and without highlights, since the
            offsets would point at the wrong words.
        prefix: the section's id, unique on the page (span ids start with it).
        heading: the headline's tag (``h1`` on a brief's page, ``h2`` on a day's).

    Returns:
        HTML with no script; ``brief_page`` adds the script that makes claims clickable.
    """
    matched = article_text is not None and _matches(brief, article_text)
    view = _BriefView(brief, article_text if matched else None, prefix)
    side = view.side(heading)
    if article_text is None:
        return f'<section class="mb-brief" id="{esc(prefix)}"><div class="mb-side">{side}</div></section>'
    if matched:
        body = view.spans.article_html()
        warn = ""
    else:
        body = esc(article_text)
        warn = ('<p class="mb-warn">This text is not the article the brief was made from (its SHA-256 differs), '
                "so the evidence is shown as quotes, not highlighted.</p>")
    return (f'<section class="mb-brief mb-two" id="{esc(prefix)}"><div class="mb-side">{side}{warn}</div>'
            f'<div class="mb-article" aria-label="The article">{body}</div></section>')


def _document(title: str, body: str) -> str:
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<meta name="referrer" content="no-referrer">'
            f"<title>{esc(title)}</title><style>{PAGE_STYLE}</style></head>\n"
            f'<body><main class="mb-page">{body}</main><script>{JS}</script></body></html>\n')


def brief_page(brief: Brief, article_text: str | None = None) -> str:
    """A self-contained HTML review page of one brief (see ``brief_fragment``)."""
    return _document(brief.headline, brief_fragment(brief, article_text))


def _source_key(brief: Brief) -> str:
    # how daily_brief names an article in DailyDeal.sources and DailyQuestion.sources
    return brief.source.url or brief.source.title or brief.source.content_hash[:12]


def _sources(sources: Sequence[str], anchors: Mapping[str, tuple[str, str]]) -> str:
    out = []
    for s in sources:
        if s in anchors:
            anchor, label = anchors[s]
            external = f" {link(s, '↗')}" if safe_url(s) else ""
            out.append(f'<li><a href="#{anchor}">{esc(label)}</a>{external}</li>')
        else:
            out.append(f"<li>{link(s)}</li>")
    return f"<ol>{''.join(out)}</ol>"


def _deal_row(d: DailyDeal, anchors: Mapping[str, tuple[str, str]]) -> str:
    deal = d.deal
    tag = f'<span class="mb-tag">{esc(d.status)}</span>' if d.status else ""
    parties = ", ".join(f"{p.name} ({p.ticker})" if p.ticker else p.name for p in deal.parties)
    return (f"<tr><td><strong>{esc(deal_label(deal))}</strong>{tag}<br>{esc(deal.title)}</td><td>{esc(parties)}</td>"
            f"<td>{esc(', '.join(a.text for a in deal.amounts))}</td><td>{_sources(d.sources, anchors)}</td></tr>")


def daily_fragment(day: DailyBrief, briefs: Sequence[Brief] = ()) -> str:
    """The day's summary as HTML: bottom line, merged deals with every source, entities, questions.

    Args:
        day: the day's brief.
        briefs: the briefs on the same page; sources that are one of them link to it.
    """
    anchors = {_source_key(b): (f"b{i}", b.source.title or b.source.url or b.headline) for i, b in enumerate(briefs)}
    out = [f"<h1>Critical minerals daily brief: {day.date.isoformat()}</h1>", f"<p>{esc(day.bottom_line)}</p>"]
    if day.failed or day.ungrounded:
        out.append(f'<p class="mb-count">{day.failed} article(s) could not be briefed; {day.ungrounded} brief(s) '
                   "hold statements that could not be verified against their article.</p>")
    if day.deals:
        rows = "".join(_deal_row(d, anchors) for d in day.deals)
        out.append('<h2 class="mb-section">Deals of the day</h2><table><thead><tr><th>Deal</th><th>Parties</th>'
                   f"<th>Amounts</th><th>Sources</th></tr></thead><tbody>{rows}</tbody></table>")
    if day.entities:
        chips = "".join(f'<span>{esc(e.name)} <span class="mb-count">{esc(e.kind)}, {e.articles}</span></span>'
                        for e in day.entities[:24])
        out.append(f'<h2 class="mb-section">Who is in the news</h2><div class="mb-chips">{chips}</div>')
    if day.elements:
        out.append('<h2 class="mb-section">Elements</h2><p>'
                   + esc(", ".join(f"{k} ({v})" for k, v in day.elements.items())) + "</p>")
    if day.questions:
        qs = "".join(f"<li>{esc(q.question)}" + (f' <span class="mb-count">({q.count} articles)</span>'
                                                 if q.count > 1 else "") + "</li>" for q in day.questions)
        out.append(f'<h2 class="mb-section">Open questions</h2><ol>{qs}</ol>')
    if briefs:
        listed = "".join(
            f'<li><a href="#b{i}">{esc(b.headline)}</a>'
            + ("" if b.grounding.ok else f' <span class="mb-flag">{len(b.grounding.unverified)} unverified</span>')
            + "</li>" for i, b in enumerate(briefs))
        out.append(f'<h2 class="mb-section">The articles</h2><ol>{listed}</ol>')
    return f'<section class="mb-day"><div class="mb-summary">{"".join(out)}</div></section>'


def daily_page(day: DailyBrief, briefs: Sequence[Brief], articles: Mapping[str, str] | None = None) -> str:
    """A self-contained HTML page of the day: the summary, then every brief.

    Args:
        day: the day's brief.
        briefs: the day's briefs, shown in this order; the deals' sources link to them.
        articles: article texts by content hash; a brief whose text is here is shown beside it.
    """
    articles = articles or {}
    parts = [daily_fragment(day, briefs)]
    parts += [brief_fragment(b, articles.get(b.source.content_hash), prefix=f"b{i}", heading="h2")
              for i, b in enumerate(briefs)]
    return _document(f"Critical minerals daily brief: {day.date.isoformat()}", "".join(parts))


def notebook_style() -> str:
    """The stylesheet the notebook views carry (scoped: it restyles nothing else)."""
    return f"<style>{CSS}</style>"
