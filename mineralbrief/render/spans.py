"""Evidence spans of one article, and the article as HTML with every span marked.

Spans come only from the offsets grounding verified (``Evidence.start``/``end``); the article is
never searched for a quote again. Spans may overlap or nest: the article is cut at every span
boundary, and each piece lists every span that covers it (``data-s="b0s1 b0s4"``), so the text
of one span is the text of the pieces that name it, in order. The cost is one sort of the
boundaries plus the output, linear in the article for a brief's handful of spans.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape

from ..models import Evidence


class ArticleSpans:
    """The spans a brief cites in its article, each with a short id unique on the page.

    Args:
        text: the article text the offsets point into, or None when it is not at hand (then
            no evidence has a span and every quote is shown as text).
        prefix: what makes this brief's span ids unique on a page of many briefs.
    """

    def __init__(self, text: str | None, prefix: str) -> None:
        self.text = text
        self.prefix = prefix
        self.ids: dict[tuple[int, int], str] = {}
        self.suspect: set[str] = set()

    def _id(self, start: int, end: int, suspect: bool) -> str:
        sid = self.ids.get((start, end))
        if sid is None:
            sid = self.ids[(start, end)] = f"{self.prefix}s{len(self.ids)}"
        if suspect:
            self.suspect.add(sid)
        return sid

    def bounds(self, ev: Evidence) -> tuple[int, int] | None:
        """The offsets of ``ev`` when they point inside the article, else None."""
        if self.text is None or ev.start is None or ev.end is None:
            return None
        return (ev.start, ev.end) if 0 <= ev.start < ev.end <= len(self.text) else None

    def of(self, ev: Evidence) -> str | None:
        """The id of the span ``ev`` points at (marked suspect when unverified), or None."""
        b = self.bounds(ev)
        return None if b is None else self._id(*b, suspect=not ev.verified)

    def within(self, needle: str, evidence: list[Evidence]) -> str | None:
        """The first place ``needle`` is written inside one of the verified ``evidence`` spans.

        Parties and amounts carry no offsets of their own; they are looked for only inside
        their deal's verified spans (never elsewhere in the article), so a name the article
        writes twice still points at the sentence the deal rests on.
        """
        if self.text is None or not needle:
            return None
        for ev in evidence:
            b = self.bounds(ev)
            if b is not None and ev.verified:
                pos = self.text.find(needle, b[0], b[1])
                if pos >= 0:
                    return self._id(pos, pos + len(needle), suspect=False)
        return None

    def article_html(self) -> str:
        """The article as HTML: text escaped, each covered piece a ``<span class="mb-seg">``."""
        text = self.text or ""
        starts: dict[int, list[str]] = defaultdict(list)
        ends: dict[int, list[str]] = defaultdict(list)
        for (start, end), sid in self.ids.items():
            starts[start].append(sid)
            ends[end].append(sid)
        cuts = sorted({0, len(text), *starts, *ends})
        active: dict[str, None] = {}  # insertion-ordered set of the spans covering the piece
        out: list[str] = []
        for a, b in zip(cuts, cuts[1:], strict=False):
            for sid in ends.get(a, ()):
                active.pop(sid, None)
            for sid in starts.get(a, ()):
                active[sid] = None
            # a browser reads a raw CR as LF; a character reference keeps it, so the page's text
            # (and every highlighted span) is the article's text to the character
            piece = escape(text[a:b], quote=False).replace("\r", "&#13;")
            if not active:
                out.append(piece)
                continue
            cls = "mb-seg mb-suspect" if any(s in self.suspect for s in active) else "mb-seg"
            out.append(f'<span class="{cls}" data-s="{" ".join(active)}">{piece}</span>')
        return "".join(out)
