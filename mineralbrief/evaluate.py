"""Evaluation against gold labels: per-field precision, recall and F1.

Gold files follow the project's gold format (one JSON per article, named like it). Fields:

* ``deals``: a predicted deal matches a gold deal when their parties overlap (names resolved
  through the article's alias table) and the deal types agree.
* ``deal_type`` and ``binding``: accuracy over gold deals whose parties a predicted deal shares.
* ``elements``, ``companies`` (company entities), ``tickers``, ``amounts`` (by parsed value).

Every figure is also kept per style of article (the file name's first word: ``wire``, ``pr``,
``trade``, ``policy``...). When the gold folder holds an ``events.json``, the daily merge is
scored too: each same-event group must become one daily entry listing every source, and the
deals of one company in different articles must never merge unless their gold labels say they
are one deal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .article import load_article
from .domain.facts import extract_facts
from .domain.numbers import find_amounts
from .errors import ConfigError
from .grounding import name_key
from .models import Brief
from .sources.files import ARTICLE_SUFFIXES


@dataclass
class Score:
    """Counts for one field, summed over articles."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: set[str], gold: set[str]) -> None:
        self.tp += len(predicted & gold)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Accuracy:
    """Right answers out of the items judged."""

    right: int = 0
    total: int = 0

    @property
    def value(self) -> float:
        return self.right / self.total if self.total else 1.0


@dataclass
class Report:
    """What ``evaluate`` measured."""

    articles: int = 0
    fields: dict[str, Score] = field(default_factory=dict)
    accuracy: dict[str, Accuracy] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    styles: dict[str, Report] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)

    def merge(self, one: Report) -> None:
        """Add one article's counts (``score_article`` into a report of its own)."""
        for name, s in one.fields.items():
            total = self.fields.setdefault(name, Score())
            total.tp, total.fp, total.fn = total.tp + s.tp, total.fp + s.fp, total.fn + s.fn
        for name, a in one.accuracy.items():
            acc = self.accuracy.setdefault(name, Accuracy())
            acc.right, acc.total = acc.right + a.right, acc.total + a.total
        self.articles += 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "fields": {k: {"precision": round(v.precision, 4), "recall": round(v.recall, 4),
                           "f1": round(v.f1, 4), "tp": v.tp, "fp": v.fp, "fn": v.fn}
                       for k, v in self.fields.items()},
            "accuracy": {k: {"value": round(v.value, 4), "right": v.right, "total": v.total}
                         for k, v in self.accuracy.items()},
            "failures": self.failures,
            "styles": {k: v.as_dict() for k, v in self.styles.items()},
            "events": self.events,
        }

    def table(self) -> str:
        lines = [f"{'field':<12} {'P':>6} {'R':>6} {'F1':>6}   (tp/fp/fn)"]
        for k, v in self.fields.items():
            lines.append(f"{k:<12} {v.precision:6.3f} {v.recall:6.3f} {v.f1:6.3f}   ({v.tp}/{v.fp}/{v.fn})")
        for k, a in self.accuracy.items():
            lines.append(f"{k + ' acc':<12} {a.value:6.3f}   ({a.right}/{a.total} matched gold deals)")
        lines.append(f"articles: {self.articles}" + (f", failed: {len(self.failures)}" if self.failures else ""))
        if len(self.styles) > 1:
            lines += ["", f"{'style':<12} {'n':>3} {'deals':>6} {'compan':>6} {'elems':>6} {'amount':>6} "
                          f"{'type':>6} {'bind':>6}"]
            for name, r in sorted(self.styles.items()):
                fs, acc = r.fields, r.accuracy
                lines.append(f"{name:<12} {r.articles:>3} {fs['deals'].f1:6.3f} {fs['companies'].f1:6.3f} "
                             f"{fs['elements'].f1:6.3f} {fs['amounts'].f1:6.3f} {acc['deal_type'].value:6.3f} "
                             f"{acc['binding'].value:6.3f}")
        if self.events:
            lines.append("")
            for e in self.events:
                mark = "ok " if e["ok"] else "NO "
                lines.append(f"{mark}{e['kind']:<9} {e['what'][:70]}: {e['detail']}")
            for prefix, what in (("", "from these briefs"), ("gold-", "from the gold labels' deals (the merge alone)")):
                groups = [e for e in self.events if e["kind"] == prefix + "event"]
                pairs = [e for e in self.events if e["kind"] == prefix + "distinct"]
                if groups or pairs:
                    lines.append(f"{what}: events merged into one entry {sum(e['ok'] for e in groups)}/{len(groups)}, "
                                 f"distinct deals kept apart {sum(e['ok'] for e in pairs)}/{len(pairs)}")
        return "\n".join(lines)


def _ticker_key(t: str | None) -> str | None:
    if not t:
        return None
    m = re.match(r"\s*\(?\s*([A-Za-z][A-Za-z .-]*?)\s*[:,–-]\s*([A-Z0-9.]+)", t)
    if not m:
        return t.strip().upper()
    exchange = re.sub(r"[^A-Z]", "", m.group(1).upper())
    return f"{exchange}:{m.group(2).upper()}"


def _amount_keys(texts: Iterable[str]) -> set[str]:
    out = set()
    for t in texts:
        found = find_amounts(t)
        out.add(f"{found[0].value:.4g}" if found and found[0].value is not None else t.strip().lower())
    return out


class _Names:
    """Resolves a name to one key per entity, through the article's alias table."""

    def __init__(self, text: str, brief: Brief | None) -> None:
        self.key_of: dict[str, str] = {}
        groups = [o.names() for o in extract_facts(text).orgs]
        if brief is not None:
            groups += [[e.name, *e.aliases] for e in brief.entities]
        for names in groups:
            keys = [name_key(n) for n in names if name_key(n)]
            if not keys:
                continue
            canon = next((self.key_of[k] for k in keys if k in self.key_of), keys[0])
            for k in keys:
                self.key_of.setdefault(k, canon)

    def __call__(self, name: str) -> str:
        key = name_key(name)
        return self.key_of.get(key, key)


def score_article(brief: Brief, gold: dict[str, Any], text: str, report: Report) -> None:
    """Add one article's comparison to ``report``."""
    resolve = _Names(text, brief)
    f, acc = report.fields, report.accuracy
    for name in ("deals", "elements", "companies", "tickers", "amounts"):
        f.setdefault(name, Score())
    for name in ("deal_type", "binding"):
        acc.setdefault(name, Accuracy())

    f["elements"].add({e.lower() for e in brief.elements}, {e.lower() for e in gold.get("elements", [])})
    gold_companies = [e for e in gold.get("entities", []) if e.get("kind") == "company"]
    f["companies"].add({resolve(e.name) for e in brief.entities if e.kind == "company"},
                       {resolve(e["name"]) for e in gold_companies})
    f["tickers"].add({k for k in (_ticker_key(e.ticker) for e in brief.entities) if k},
                     {k for k in (_ticker_key(e.get("ticker")) for e in gold.get("entities", [])) if k})
    f["amounts"].add(_amount_keys(a.text for d in brief.deals for a in d.amounts),
                     _amount_keys(a for d in gold.get("deals", []) for a in d.get("amounts", [])))

    predicted = [({resolve(p.name) for p in d.parties}, d) for d in brief.deals]
    used: set[int] = set()
    deals = f["deals"]
    for g in gold.get("deals", []):
        gparties = {resolve(p) for p in g.get("parties", [])}
        overlap = [(len(gparties & pp), i) for i, (pp, _) in enumerate(predicted) if gparties & pp]
        same_type = [(n, i) for n, i in overlap if predicted[i][1].deal_type == g.get("deal_type") and i not in used]
        if same_type:
            _, i = max(same_type)
            used.add(i)
            deals.tp += 1
        else:
            deals.fn += 1
        if overlap:
            _, j = max(same_type or overlap)
            d = predicted[j][1]
            acc["deal_type"].total += 1
            acc["deal_type"].right += d.deal_type == g.get("deal_type")
            acc["binding"].total += 1
            acc["binding"].right += d.binding == g.get("binding")
    deals.fp += len(predicted) - len(used)


def evaluate(
    articles_dir: Path, gold_dir: Path, summarize: Callable[[Path], Brief],
) -> Report:
    """Brief every article in ``articles_dir`` that has a gold file, and score the briefs.

    Args:
        articles_dir: folder of articles (``.txt``, ``.md``, ``.html``, ``.json``).
        gold_dir: folder of gold files named like the articles (``foo.txt`` -> ``foo.json``).
        summarize: turns a path into a ``Brief`` (e.g. a ``Summarizer``'s ``summarize``).
    """
    report = Report()
    briefs: dict[str, Brief] = {}
    golds: dict[str, dict[str, Any]] = {}
    for path in sorted(p for p in Path(articles_dir).iterdir() if p.suffix.lower() in ARTICLE_SUFFIXES):
        gold_path = Path(gold_dir) / (path.stem + ".json")
        if not gold_path.exists() or gold_path == path:
            continue
        try:
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
            if not isinstance(gold, dict):
                raise ValueError(f"a JSON {type(gold).__name__}, not an object")
        except (OSError, ValueError, RecursionError) as exc:  # one bad gold label is one failure too
            why = "nested too deeply" if isinstance(exc, RecursionError) else getattr(exc, "strerror", None) or exc
            report.failures.append(f"{gold_path.name}: gold label not readable: {why}")
            continue
        try:
            text = load_article(path).text
            brief = summarize(path)
        except Exception as exc:  # one bad article (or a failing backend) never stops the evaluation
            report.failures.append(f"{path.name}: {type(exc).__name__}: {exc}")
            continue
        one = Report()  # scored apart: a gold label with fields of the wrong type counts nothing
        try:
            score_article(brief, gold, text, one)
        except (TypeError, AttributeError, KeyError, ValueError) as exc:
            report.failures.append(f"{gold_path.name}: gold label not usable: {type(exc).__name__}: {exc}")
            continue
        report.merge(one)
        report.styles.setdefault(path.name.split("_", 1)[0], Report()).merge(one)
        briefs[path.name], golds[path.name] = brief, gold
    events = Path(gold_dir) / "events.json"
    if events.exists():
        try:
            spec = json.loads(events.read_text(encoding="utf-8"))
            report.events = score_events(spec, briefs, golds)
            # the merge alone: the same groups from the gold labels' own deals, as each outlet wrote them
            oracle = {name: gold_brief(gold, name) for name, gold in golds.items()}
            report.events += [{**e, "kind": "gold-" + e["kind"]} for e in score_events(spec, oracle, golds)]
        except (OSError, ValueError, RecursionError, TypeError, AttributeError, KeyError) as exc:
            raise ConfigError(f"{events}: not a usable events file ({type(exc).__name__}: {exc})") from None
    return report


def gold_brief(gold: dict[str, Any], name: str) -> Brief:
    """A brief holding only what a gold label states (deals, entities), to score the daily
    merge apart from extraction. Built without validation: it has no key points."""
    from datetime import date as _date

    from .models import Amount, ArticleMeta, DealSummary, EntityProfile, Party, Provenance

    def amount(text: str) -> Amount:
        found = find_amounts(text)
        first = found[0] if found else None
        return Amount(text=text, value=first.value if first else None, currency=first.currency if first else None)

    deals = [DealSummary.model_construct(
        title=" and ".join(d.get("parties", [])) or "deal", deal_type=d.get("deal_type", "other"),
        binding=d.get("binding"), status=None, parties=[Party(name=p) for p in d.get("parties", [])],
        commodities=d.get("commodities", []), locations=d.get("locations", []), projects=[],
        amounts=[amount(a) for a in d.get("amounts", [])],
        announced_on=_date.fromisoformat(d["date"]) if d.get("date") else None, evidence=[])
        for d in gold.get("deals", [])]
    entities = [EntityProfile.model_construct(name=e["name"], kind=e.get("kind", "other"), ticker=e.get("ticker"),
                                              aliases=[], country=None, role=None, evidence=[])
                for e in gold.get("entities", [])]
    return Brief.model_construct(
        headline=name, key_points=[], deals=deals, entities=entities, elements=gold.get("elements", []),
        bottom_line=None, questions=[], source=ArticleMeta(title=name, content_hash=name),
        provenance=Provenance(backend="gold"), language="en", notes=[])


def score_events(
    spec: dict[str, Any], briefs: dict[str, Brief], golds: dict[str, dict[str, Any]],
) -> list[dict[str, Any]]:
    """The daily merge on the same-event groups and the distinct deals of ``events.json``."""
    from datetime import date

    from .daily import daily_brief, source_of

    out: list[dict[str, Any]] = []
    for group in spec.get("groups", []):
        have = [f for f in group["files"] if f in briefs]
        day = daily_brief([briefs[f] for f in have], date=date(2000, 1, 1))
        wanted = {source_of(briefs[f]) for f in have}
        best = max((len(wanted & set(d.sources)) for d in day.deals), default=0)
        out.append({"kind": "event", "what": group["event"], "ok": best == len(wanted) and len(wanted) > 1,
                    "detail": f"the largest entry holds {best} of {len(wanted)} sources"})
    for pair in spec.get("distinct_same_company", []):
        have = [f for f in pair["files"] if f in briefs]
        day = daily_brief([briefs[f] for f in have], date=date(2000, 1, 1))
        src = {source_of(briefs[f]): f for f in have}
        wrong = []
        for d in day.deals:
            files = sorted({src[s] for s in d.sources if s in src})
            if len(files) > 1 and not _gold_share_a_deal([golds[f] for f in files]):
                wrong.append(d.key)
        out.append({"kind": "distinct", "what": pair["company"], "ok": not wrong,
                    "detail": f"wrongly merged: {', '.join(wrong)}" if wrong else "kept apart"})
    return out


def _gold_share_a_deal(golds: list[dict[str, Any]]) -> bool:
    """True when the gold labels of these articles hold one deal in common (the same type and a
    shared party): a deal one article reports and another mentions as background."""
    def keys(g: dict[str, Any]) -> set[tuple[str, str]]:
        return {(d.get("deal_type", ""), name_key(p)) for d in g.get("deals", []) for p in d.get("parties", [])}
    first, *rest = [keys(g) for g in golds]
    return all(first & k for k in rest)
