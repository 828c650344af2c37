"""A GBNF grammar for the local model's draft, written directly rather than converted from JSON Schema.

Why not llama-cpp-python's JSON-Schema converter for the candidate grammar:

* it does not escape backslashes in enum values, so a sentence holding a double quote yields a
  grammar llama.cpp cannot parse, and the process then crashes (seen with 0.3.36);
* JSON Schema cannot say "distinct items, in article order", and a 135M model's first failure
  is repetition: it fills every list to its maximum with the same item. Here every list of
  choices is an ordered subsequence of the candidates, so an item can be chosen once at most,
  and the list can end after any item (once its minimum is met).

Every string is bounded (``{m,n}`` repetition) and every list is bounded, so generation ends
well before ``max_tokens`` whatever the model does. The answer is the JSON ``LocalDraft`` parses.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, get_args

from ..models import EntityKind

if TYPE_CHECKING:
    from .candidates import Candidates

_CHAR = r'[^"\\\x00-\x1f] | "\\" (["\\/bfnrt] | "u" [0-9a-fA-F]{4})'


def literal(text: str) -> str:
    """A GBNF literal matching ``text`` exactly as JSON writes it (a JSON string, quotes included)."""
    as_json = json.dumps(text, ensure_ascii=False)
    escaped = as_json.replace("\\", "\\\\").replace('"', '\\"')  # JSON never holds a raw newline
    return f'"{escaped}"'


@dataclass
class Grammar:
    """Rules in order; ``add`` returns the rule's name."""

    rules: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, body: str) -> str:
        self.rules[name] = body
        return name

    def reachable(self, start: str) -> Grammar:
        """The rules ``start`` can reach, ``start`` first (llama.cpp parses every rule given)."""
        names = set(self.rules)
        seen, todo = [start], [start]
        while todo:
            for token in re.findall(r"[a-z][a-z0-9-]*", _unquoted(self.rules[todo.pop()])):
                if token in names and token not in seen:
                    seen.append(token)
                    todo.append(token)
        return Grammar({name: self.rules[name] for name in seen})

    def text(self) -> str:
        return "\n".join(f"{name} ::= {body}" for name, body in self.rules.items()) + "\n"

    def choice(self, name: str, options: list[str]) -> str:
        """One of ``options`` (strings), written as JSON strings."""
        return self.add(name, " | ".join(literal(o) for o in options))

    def string(self, name: str, min_chars: int, max_chars: int) -> str:
        return self.add(name, f'"\\"" char{{{min_chars},{max_chars}}} "\\"" ')

    def subsequence(self, name: str, items: list[str], lo: int, hi: int) -> str:
        """A JSON list of the rules ``items`` in their order, each at most once, ``lo``..``hi`` long.

        ``{name}-{i}-{c}``: ``c`` items chosen so far, the next may be any of ``items[i:]``, or
        the list ends once ``c >= lo``.
        """
        n = len(items)
        hi = min(hi, n)
        lo = min(lo, hi)

        def rule(i: int, c: int) -> str:
            return f"{name}-{i}-{c}"

        for c in range(hi, -1, -1):
            for i in range(n, -1, -1):
                alts = ['""'] if c >= lo else []
                if c < hi:
                    sep = '"," ws ' if c > 0 else ""
                    alts += [f"{sep}{items[j]} {rule(j + 1, c + 1)}" for j in range(i, n)
                             if n - j >= lo - c]  # enough items left to reach the minimum
                if alts:  # states that cannot reach the minimum are never referenced
                    self.add(rule(i, c), " | ".join(alts))
        return self.add(name, f'"[" ws {rule(0, 0)} ws "]"')


def _unquoted(body: str) -> str:
    """A rule body without its literals and character classes (what is left names rules)."""
    return re.sub(r'"(?:\\.|[^"\\])*"|\[(?:\\.|[^\]\\])*\]', " ", body)


def _kv(key: str, value: str) -> str:
    return f'{literal(key)} ws ":" ws {value}'


def _object(*pairs: str) -> str:
    return '"{" ws ' + ' "," ws '.join(pairs) + ' ws "}"'


def draft_grammar(
    cands: Candidates, *, roles: list[str], max_key_points: int, max_deals: int, max_entities: int,
    max_questions: int, headline_chars: int,
) -> str:
    """The candidate grammar for ``LocalDraft`` (see the module docstring)."""
    g = Grammar()
    g.add("ws", '" "?')
    g.add("char", _CHAR)
    g.string("headline", 10, headline_chars)
    g.choice("kind", list(get_args(EntityKind)))
    g.choice("role", roles)

    kp = [g.add(f"kp{i}", literal(s)) for i, s in enumerate(cands.sentences)]
    g.subsequence("key-points", kp, 3, max_key_points)
    g.add("bottom-line", " | ".join(kp) or '"\\"\\""')  # the sentence that best sums it up

    name_rule = {n: g.add(f"nm{i}", literal(n)) for i, n in enumerate(cands.names)}
    element_rule = {e: g.add(f"el{i}", literal(e)) for i, e in enumerate(cands.elements)}
    g.subsequence("elements", list(element_rule.values()), 0, 10)

    deals = []
    for i, d in enumerate(cands.deals):
        names = [name_rule[n] for n in d.names if n in name_rule]
        parties = [g.add(f"party{i}-{j}", _object(_kv("name", n), _kv("role", "role"))) for j, n in enumerate(names)]
        amounts = [g.add(f"am{i}-{j}", literal(a)) for j, a in enumerate(d.amounts)]
        deals.append(g.add(f"deal{i}", _object(
            _kv("quote", literal(d.quote)),
            _kv("deal_type", g.choice(f"type{i}", d.types)),
            _kv("binding", g.add(f"binding{i}", " | ".join(f'"{b}"' for b in d.binding))),
            # a deal is between two parties when the sentence names two
            _kv("parties", g.subsequence(f"parties{i}", parties, 2, 4)),
            # the sentence names these: a deal drawn from it keeps at least one (a small model
            # otherwise closes every list at once)
            _kv("commodities", g.subsequence(f"commodities{i}", [element_rule[e] for e in d.elements], 1, 6)),
            _kv("amounts", g.subsequence(f"amounts{i}", amounts, 1, 3)),
        )))
    g.subsequence("deals", deals, 1, max_deals)  # a sentence with a deal cue and parties: at least one
    # an entity's kind is the one the domain layer gave it (a small model calls China a company)
    ents = [g.add(f"ent{i}", _object(_kv("name", rule), _kv("kind", literal(cands.kinds[name])
                                                        if name in cands.kinds else "kind")))
            for i, (name, rule) in enumerate(name_rule.items())]
    g.subsequence("entities", ents, 0, max_entities)
    qs = [g.add(f"q{i}", _object(_kv("question", literal(q)), _kv("category", literal(c))))
          for i, (q, c) in enumerate(cands.questions)]
    g.subsequence("questions", qs, 2, max_questions)

    g.add("root", _object(
        _kv("headline", "headline"), _kv("key_points", "key-points"), _kv("deals", "deals"),
        _kv("entities", "entities"), _kv("elements", "elements"), _kv("bottom_line", "bottom-line"),
        _kv("questions", "questions"),
    ))
    return g.reachable("root").text()
