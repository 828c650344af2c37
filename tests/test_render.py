"""Markdown rendering, read back by a CommonMark parser (markdown-it-py), and the short reprs."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

import mineralbrief
from mineralbrief.models import Brief, DailyBrief
from mineralbrief.render import brief_to_markdown
from mineralbrief.render.markdown import md, md_block

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
HOSTILE = "Rare *earths* _boom_ # [x](javascript:alert(1)) ![i](x.png) <script>alert(1)</script> &amp; `code` ~~s~~ a|b"


def parser() -> MarkdownIt:
    # CommonMark with raw HTML on (its default), plus GFM tables and strikethrough
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def text_of(inline: Token) -> str:
    """The text a reader sees in an inline token: text and code, no markup."""
    return "".join(c.content for c in inline.children or [] if c.type in ("text", "code_inline", "softbreak"))


def sections(tokens: list[Token]) -> dict[str, list[Token]]:
    """Tokens under each level-2 heading, by the heading's text."""
    out: dict[str, list[Token]] = {}
    current = ""
    skip = 0
    for i, t in enumerate(tokens):
        if t.type == "heading_open" and t.tag == "h2":
            current, skip = text_of(tokens[i + 1]), 2  # the heading's text and its close
            out[current] = []
        elif skip:
            skip -= 1
        elif current:
            out[current].append(t)
    return out


def items(tokens: list[Token]) -> list[str]:
    """The text of each item of the first bullet list in ``tokens``."""
    out: list[str] = []
    depth = 0
    for i, t in enumerate(tokens):
        if t.type == "bullet_list_open":
            depth += 1
        elif t.type == "bullet_list_close":
            depth -= 1
            if depth == 0:
                break
        elif t.type == "inline" and depth == 1 and tokens[i - 2].type == "list_item_open":
            out.append(text_of(t))
    return out


@pytest.fixture(scope="module")
def briefs() -> list[Brief]:
    return [mineralbrief.summarize(p, backend="offline", cache=False) for p in sorted(SEEDS.glob("*.txt"))]


@pytest.fixture(scope="module")
def rarex(briefs: list[Brief]) -> Brief:
    return next(b for b in briefs if "RareX" in b.headline)


@pytest.fixture(scope="module")
def day(briefs: list[Brief]) -> DailyBrief:
    return mineralbrief.daily_brief(briefs, date=date(2026, 11, 21))


def test_brief_lists_are_commonmark_lists(rarex: Brief) -> None:
    tokens = parser().parse(rarex.to_markdown())
    assert "•" not in rarex.to_markdown()
    assert text_of(tokens[1]) == rarex.headline
    assert items(tokens) == [kp.text for kp in rarex.key_points]
    parts = sections(tokens)
    assert list(parts) == ["The deal", "Who is involved", "Projects and sites", "Elements", "Bottom line",
                           "Open questions"]
    people = [e for e in rarex.entities if e.kind == "person"]
    assert people and all(any(it.startswith(f"{p.name} (person") for it in items(parts["Who is involved"]))
                          for p in people)
    assert items(parts["Open questions"]) == [q.question for q in rarex.questions]
    assert len(items(parts["The deal"])) == len(rarex.deals)
    assert items(parts["Who is involved"])[0].startswith("U.S. Strategic Metals (company")
    bottom = [t for t in parts["Bottom line"] if t.type == "inline"]
    assert text_of(bottom[0]) == rarex.bottom_line.text


def test_day_lists_are_commonmark_lists(day: DailyBrief) -> None:
    text = day.to_markdown()
    assert "•" not in text
    parts = sections(parser().parse(text))
    assert list(parts) == ["Deals of the day", "Who is in the news", "Elements", "Bottom line", "Open questions"]
    deals = items(parts["Deals of the day"])
    assert len(deals) == len(day.deals)
    assert all(src in line for d, line in zip(day.deals, deals) for src in d.sources)  # every source listed
    assert len(items(parts["Open questions"])) == len(day.questions)


def test_hostile_title_renders_as_its_text(rarex: Brief) -> None:
    brief = rarex.model_copy(update={
        "headline": HOSTILE,
        "source": rarex.source.model_copy(update={"url": "javascript:alert(document.cookie)"}),
        "notes": ["1. <b>bold</b> [y](javascript:x)"],
    })
    text = brief_to_markdown(brief)
    html = parser().render(text)
    for bad in ("<a ", "<img", "<script", "<strong>x", "<code>", "<s>", "<table", "<b>"):
        assert bad not in html
    assert html.count("<em>") == 1 and "<p><em>Source: javascript:" in html  # only the footer's own emphasis
    tokens = parser().parse(text)
    assert tokens[0].tag == "h1" and text_of(tokens[1]) == HOSTILE
    assert "javascript:alert(document.cookie)" in html  # shown as text, not as a link


def test_a_bidi_override_an_article_leaves_open_is_not_shown(rarex: Brief) -> None:
    # "Title \u202e gnp.exe" as a headline reversed the rest of its line on screen (the
    # entity's kind and ticker too, after a name holding one)
    entity = rarex.entities[0].model_copy(update={"name": "Rare\u2067X\u202d Corp"})
    brief = rarex.model_copy(update={"headline": "Title \u202e gnp.exe", "entities": [entity, *rarex.entities[1:]]})
    text = brief_to_markdown(brief)
    assert text.startswith("# Title gnp.exe\n") and "- RareX Corp (" in text
    assert not re.search("[\u202a-\u202e\u2066-\u2069]", text)


def test_hostile_text_at_the_start_of_a_line(rarex: Brief) -> None:
    for opener in ("- not a list", "1. not a list", "> not a quote", "---", "+ x", "=== ", "# no heading", "    code"):
        claim = rarex.bottom_line.model_copy(update={"text": opener})
        point = rarex.key_points[0].model_copy(update={"text": opener})
        brief = rarex.model_copy(update={"bottom_line": claim, "key_points": [point, *rarex.key_points[1:]]})
        tokens = parser().parse(brief.to_markdown())
        assert items(tokens)[0] == opener.strip()
        bottom = [t for t in sections(tokens)["Bottom line"] if t.type == "inline"]
        assert text_of(bottom[0]) == opener.strip()


_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("*_#[]()<>!`~|&;\\-+=.1 \n"),
                max_size=40)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_any_text_survives_escaping(text: str) -> None:
    shown = " ".join(re.sub("[\u202a-\u202e\u2066-\u2069]", "", text).split())  # bidi controls are dropped
    p = parser()
    tokens = p.parse(f"# {md(text)}\n\n{md_block(text)}\n\n- {md_block(text)}\n")
    inline = [text_of(t) for t in tokens if t.type == "inline"]
    if not shown:
        return
    assert inline[0] == shown  # heading
    assert inline[1:] == [shown, shown]  # paragraph, list item
    assert [t.type for t in tokens if t.type.endswith("_open")] == [
        "heading_open", "paragraph_open", "bullet_list_open", "list_item_open", "paragraph_open"]


def test_repr_is_one_short_line(rarex: Brief, day: DailyBrief) -> None:
    for obj in (rarex, day):
        r = repr(obj)
        assert "\n" not in r and len(r) < 200 and str(obj) == r
    assert repr(rarex).startswith("Brief('RareX and US Strategic Metals sign MOU")
    assert "key_points=5" in repr(rarex) and repr(rarex).endswith("grounding=ok)")
    assert repr(day).startswith("DailyBrief(2026-11-21, articles=7, deals=")
    flagged = rarex.model_copy(update={"grounding": rarex.grounding.model_copy(update={"ok": False, "unverified": ["x"]})})
    assert repr(flagged).endswith("grounding=1 unverified)")


def test_two_places_of_a_deal_read_as_two():
    from mineralbrief.models import DealSummary
    from mineralbrief.render.markdown import brief_to_markdown

    brief = mineralbrief.summarize(SEEDS / "rarex_ussm_mou.txt", backend="offline")
    deal = DealSummary(title="x", deal_type="mou", locations=["Missouri", "Western Australia"])
    text = brief_to_markdown(brief.model_copy(update={"deals": [deal]}))
    assert "Missouri; Western Australia" in text and "Missouri, Western Australia" not in text
