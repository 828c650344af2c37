"""The companies of the gazetteer an article writes, for the company scan: each merged with what
the scan found before under any of its forms (``add_gazetteer``).

Split from orgs.py, which runs the scan step by step.
"""

from __future__ import annotations

from bisect import bisect_left

from .gazetteer import find_gazetteer
from .orgregistry import Org, Registry, within
from .orgscan import Scan, in_body_name, stands_alone


def add_gazetteer(reg: Registry, scan: Scan, tickers: list[tuple[int, int]]) -> None:
    """Companies of the gazetteer the article writes, each merged with what the scan above found
    under any of its forms. A form inside a name already found ("Hyundai Motor" in "Hyundai Motor
    Company") is part of that name, not a mention of its own, and ties the entry to it: a bare
    "Hyundai" elsewhere is then the same company."""
    hits = find_gazetteer(scan.text, scan.capitals)
    if tickers:  # a ticker's symbol ("ASX: LKAB") names the listed company before it, not LKAB
        ends = [e for _, e in tickers]
        hits = [h for h in hits if not within(tickers, ends, h[2], h[3])]
    if not hits:
        return
    found = sorted((sp, i) for i, o in enumerate(reg.orgs) for sp in o.spans)
    starts = [sp[0] for sp, _ in found]
    by_canon: dict[str, list[tuple[str, int, int]]] = {}
    owner: dict[str, Org] = {}
    for canon, form, start, end in hits:
        k = bisect_left(starts, start + 1) - 1  # the last span found that starts at or before
        if k >= 0 and found[k][0][1] >= end:
            holder = reg.orgs[found[k][1]]
            if holder.kind == "company":
                owner.setdefault(canon, holder)
            if found[k][0] != (start, end):
                continue
        by_canon.setdefault(canon, []).append((form, start, end))
    for canon, written in by_canon.items():
        forms = list(dict.fromkeys(form for form, _, _ in written))
        known: list[Org] = []
        for o in map(reg.find, [canon, *forms]):
            if o is not None and all(o is not k for k in known):
                known.append(o)
        # the fullest name of those found leads: "Nouveau Monde Graphite", not "Nouveau Monde"
        org = max([o for o in (owner.get(canon), *known) if o is not None], key=lambda o: len(o.name), default=None)
        if org is not None and org.kind != "company":
            continue
        if org is not None:  # found already: a differing form is an alias (step 5 spans it)
            org.signals.add("gazetteer")
            for other in known:  # "Nouveau Monde" and "Nouveau Monde Graphite", found apart: one
                if other is not org and other.kind == "company":
                    reg.merge(org, other)
            for form in forms:
                reg.alias(org, form)
            continue
        # found by the gazetteer alone, a form always run into a further capitalised word names
        # something longer: "Ultium Platform", "Cummins Range project"
        written = [w for w in written if stands_alone(scan, w[0]) and not in_body_name(scan.text, w[1])]
        forms = [f for f in forms if any(w[0] == f for w in written)]
        if not forms:
            continue
        name = canon if canon in forms else max(forms, key=len)
        org = reg.add(name, "company", None, "gazetteer")
        for form, start, end in written:
            reg.add_span(org, (start, end))
            reg.alias(org, form)
