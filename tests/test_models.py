"""The contract: exported schemas match the models, element names normalise, the package surface."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

import mineralbrief
from mineralbrief.models import BriefContent
from mineralbrief.schema import schemas

from helpers import reference

ROOT = Path(__file__).resolve().parent.parent


def test_schemas_folder_matches_models():
    for name, text in schemas().items():
        path = ROOT / "schemas" / name
        assert path.exists(), f"missing {path}: run `mineralbrief schema --write schemas/`"
        assert json.loads(path.read_text()) == json.loads(text), f"{name} drifted: run `mineralbrief schema --write schemas/`"
    assert {p.name for p in (ROOT / "schemas").glob("*.json")} == set(schemas())


def test_all_is_sorted_and_complete():
    assert mineralbrief.__all__ == sorted(mineralbrief.__all__)
    for name in mineralbrief.__all__:
        assert hasattr(mineralbrief, name), name


def test_elements_normalise_symbols_and_compounds():
    data = reference()
    data["elements"] = ["NdPr", "Dy", "Terbium", "neodymium"]
    assert BriefContent.model_validate(data).elements == ["neodymium", "praseodymium", "dysprosium", "terbium"]


def test_non_elements_are_rejected_with_a_reason():
    data = reference()
    data["elements"] = ["rare earths"]
    with pytest.raises(ValidationError, match="not element names"):
        BriefContent.model_validate(data)


@pytest.mark.parametrize("n", [2, 7])
def test_key_points_bounds(n):
    data = reference()
    data["key_points"] = (data["key_points"] * 3)[:n]
    with pytest.raises(ValidationError):
        BriefContent.model_validate(data)


def test_settings_never_show_the_key():
    s = mineralbrief.Settings(api_key="sk-secret-0123456789abcdef")
    assert "0123456789abcdef" not in repr(s) and "0123456789abcdef" not in str(s.model_dump())
    assert "0123456789abcdef" not in s.model_dump_json()


def test_settings_env_fallbacks(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env-key-0123456789")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    s = mineralbrief.Settings()
    assert s.api_key.get_secret_value() == "sk-env-key-0123456789" and s.base_url == "http://127.0.0.1:9/v1"
    monkeypatch.setenv("MINERALBRIEF_BASE_URL", "http://127.0.0.1:8/v1")
    assert mineralbrief.Settings().base_url == "http://127.0.0.1:8/v1"
    assert mineralbrief.Settings(base_url="http://127.0.0.1:7/v1").base_url == "http://127.0.0.1:7/v1"
    assert s.resolved_backend == "openai"


def test_unknown_or_bad_settings_are_config_errors():
    with pytest.raises(mineralbrief.ConfigError, match="unknown|invalid"):
        mineralbrief.summarize("text text text", modle="typo")
    with pytest.raises(mineralbrief.ConfigError, match="base_url"):
        mineralbrief.summarize("text text text", base_url="localhost:11434")
