"""The local backend's draft, candidates, grammar and settings, without running a model.

The drafts below are FIXTURES: hand-written stand-ins for what a small model might answer.
"""

from __future__ import annotations

import json
import re

import pytest

import mineralbrief
from mineralbrief.backends.candidates import FACTS_KEY, Candidates, LocalDraft, free_schema
from mineralbrief.backends.grammar import Grammar, _unquoted, literal
from mineralbrief.domain.facts import extract_facts
from mineralbrief.errors import ConfigError
from mineralbrief.grounding import CONTEXT_KEY, SourceIndex

from conftest import SEEDS

TEXT = (SEEDS / "rarex_ussm_mou.txt").read_text(encoding="utf-8")


def _walk(node, path=""):
    """Every (path, schema) pair of a JSON Schema tree."""
    yield path, node
    for name, sub in node.get("properties", {}).items():
        yield from _walk(sub, f"{path}.{name}")
    if "items" in node:
        yield from _walk(node["items"], f"{path}[]")


def test_every_string_and_list_of_the_free_schema_is_bounded():
    for path, node in _walk(free_schema()):
        kind = node.get("type")
        if kind == "string":
            assert "enum" in node or "maxLength" in node, path
        if kind == "array":
            assert "maxItems" in node, path


def test_candidates_are_what_the_article_contains():
    cands = Candidates.of(extract_facts(TEXT), None)
    assert len(cands.sentences) >= 3 and all(s in TEXT for s in cands.sentences)
    assert "RareX Limited" in cands.names and all(n in TEXT for n in cands.names)
    assert {"dysprosium", "terbium"} <= set(cands.elements)
    assert cands.deals and all(d.quote in TEXT and "other" in d.types for d in cands.deals)
    mou = next(d for d in cands.deals if "non-binding" in d.quote)
    assert "mou" in mou.types and mou.binding == ["false", "null"]
    assert len(cands.questions) >= 2


def test_grammar_is_closed_bounded_and_has_no_repeats():
    cands = Candidates.of(extract_facts(TEXT), None)
    grammar = cands.grammar()
    rules = dict(line.split(" ::= ", 1) for line in grammar.splitlines())
    assert grammar.startswith("root ::= ")
    for name, body in rules.items():  # every rule it names is defined
        for ref in re.findall(r"[a-z][a-z0-9-]*", _unquoted(body)):
            assert ref in rules, (name, ref)
    assert "char{10,120}" in rules["headline"]
    # an ordered subsequence: after sentence j only later sentences may follow
    assert rules["key-points-0-0"].count(" kp") + rules["key-points-0-0"].startswith("kp") == len(cands.sentences) - 2
    assert "kp0 " not in rules["key-points-1-1"]
    for i, sentence in enumerate(cands.sentences):  # each literal is the JSON string of a sentence
        assert rules[f"kp{i}"] == literal(sentence)


@pytest.mark.parametrize("text", ['He said "yes" \\ no.\nNext line.', "Plain text, 100% — ünïcode."])
def test_literal_escapes_as_gbnf_expects(text):
    lit = literal(text)
    # undo the GBNF escaping, then the JSON: the original text
    unescaped = re.sub(r"\\(.)", lambda m: {"n": "\n", "r": "\r"}.get(m.group(1), m.group(1)), lit[1:-1])
    assert json.loads(unescaped) == text


def test_subsequence_allows_each_item_once_in_order():
    g = Grammar()
    g.subsequence("xs", ["a", "b", "c"], 1, 2)
    assert g.rules["xs-0-0"] == "a xs-1-1 | b xs-2-1 | c xs-3-1"
    assert g.rules["xs-1-1"] == '"" | "," ws b xs-2-2 | "," ws c xs-3-2'
    assert g.rules["xs-3-2"] == '""'
    assert g.rules["xs"] == '"[" ws xs-0-0 ws "]"'


def _draft(**changes):
    """FIXTURE: a compact answer built from real sentences of the seed article."""
    facts = extract_facts(TEXT)
    sentences = Candidates.of(facts, None).sentences
    data = {
        "headline": "RareX and USSM sign a non-binding MOU on rare earths",
        "key_points": sentences[:3],
        "deals": [{"quote": sentences[0], "deal_type": "mou", "binding": False,
                   "parties": [{"name": "RareX Limited", "role": "partner"}],
                   "commodities": ["dysprosium"], "amounts": []}],
        "entities": [{"name": "RareX Limited", "kind": "company"}],
        "elements": ["dysprosium", "terbium"],
        "bottom_line": "RareX and USSM signed a non-binding MOU.",
        "questions": [{"question": "Will the MOU become binding?", "category": "execution"},
                      {"question": "Who funds the work?", "category": "funding"}],
    }
    data.update(changes)
    return facts, data


def test_a_draft_becomes_a_grounded_brief_content():
    facts, data = _draft()
    index = SourceIndex(TEXT, extra_aliases=facts.aliases, elements=facts.element_names)
    draft = LocalDraft.model_validate_json(json.dumps(data), context={FACTS_KEY: facts, CONTEXT_KEY: index})
    content = draft._content
    assert draft._report.ok, draft._report.unverified
    assert len(content.key_points) == 3 and content.key_points[0].evidence[0].quote == data["key_points"][0]
    party = content.deals[0].parties[0]
    assert party.name == "RareX Limited" and party.ticker  # ticker looked up by the domain layer
    assert content.bottom_line.evidence[0].quote == data["deals"][0]["quote"]


def test_invented_names_fail_grounding_with_the_reask_message():
    facts, data = _draft(entities=[{"name": "Lynas Rare Earths", "kind": "company"}])
    index = SourceIndex(TEXT, extra_aliases=facts.aliases, elements=facts.element_names)
    with pytest.raises(ValueError, match="could not be found in the article") as info:
        LocalDraft.model_validate_json(json.dumps(data), context={FACTS_KEY: facts, CONTEXT_KEY: index})
    assert "Lynas Rare Earths" in str(info.value)


def test_repeated_key_points_and_unknown_elements_break_the_contract():
    facts, data = _draft()
    repeated = dict(data, key_points=[data["key_points"][0]] * 3)
    with pytest.raises(ValueError, match="at least 3 different sentences"):
        LocalDraft.model_validate_json(json.dumps(repeated), context={FACTS_KEY: facts})
    with pytest.raises(ValueError, match="not element names"):
        LocalDraft.model_validate_json(json.dumps(dict(data, elements=["unobtainium"])), context={FACTS_KEY: facts})


def test_auto_never_picks_the_local_backend(monkeypatch, tmp_path):
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF" + b"\0" * 64)
    monkeypatch.setenv("MINERALBRIEF_GGUF", str(gguf))
    assert mineralbrief.Summarizer().backend_name == "offline"
    monkeypatch.setenv("MINERALBRIEF_BACKEND", "local")
    assert mineralbrief.Summarizer().backend_name == "local"


def test_local_backend_refuses_a_missing_or_bogus_model(tmp_path):
    with pytest.raises(ConfigError, match="GGUF model not found"):
        mineralbrief.Summarizer(backend="local", gguf=tmp_path / "nope.gguf")
    bogus = tmp_path / "bogus.gguf"
    bogus.write_text("not a model")
    with pytest.raises(ConfigError, match="not a GGUF model file"):
        mineralbrief.Summarizer(backend="local", gguf=bogus)


def test_cache_key_names_the_local_model_and_its_mode(monkeypatch, tmp_path):
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF" + b"\0" * 64)
    with_candidates = mineralbrief.Summarizer(backend="local", gguf=gguf)
    without = mineralbrief.Summarizer(backend="local", gguf=gguf, local_candidates=False)
    art = mineralbrief.Article(text=TEXT)
    assert with_candidates.cache_key(art) != without.cache_key(art)
    assert with_candidates.backend.identity()["model"] == "m.gguf:68"


def test_cache_key_follows_the_grammar_code(monkeypatch, tmp_path):
    from mineralbrief.backends import local

    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF" + b"\0" * 64)
    art = mineralbrief.Article(text=TEXT)
    before = mineralbrief.Summarizer(backend="local", gguf=gguf).cache_key(art)
    monkeypatch.setattr(local, "_grammar_version", lambda: "changed")
    assert mineralbrief.Summarizer(backend="local", gguf=gguf).cache_key(art) != before


def test_without_a_model_the_error_says_how_to_get_one(monkeypatch):
    from mineralbrief.backends import local

    monkeypatch.setattr(local, "default_gguf", lambda: None)
    with pytest.raises(ConfigError, match=r'mineralbrief\[local\]'):
        mineralbrief.Summarizer(backend="local")
