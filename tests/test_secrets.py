"""The API key never shows: not in logs (any level), errors, reprs, cache keys or cache values."""

from __future__ import annotations

import logging

import pytest

import mineralbrief

from conftest import FAST, SEEDS
from helpers import reference
from oai_server import Reply, answer

KEY = "sk-test-SECRET0123456789abcdefXYZ"
ARTICLE = SEEDS / "rarex_ussm_mou.txt"


def test_key_not_in_logs_or_errors(server, caplog):
    caplog.set_level(logging.DEBUG)
    server.push(Reply(status=401, body={"error": {"message": f"Incorrect API key provided: {KEY}"}}))
    with pytest.raises(mineralbrief.BackendError) as info:
        mineralbrief.summarize(ARTICLE, base_url=server.base_url, api_key=KEY, cache=False, **FAST)
    assert "SECRET0123456789" not in str(info.value) and "SECRET0123456789" not in repr(info.value)
    assert "SECRET0123456789" not in caplog.text
    assert server.headers[0]["authorization"] == f"Bearer {KEY}"  # it was sent, only to the endpoint


def test_key_not_in_logs_on_success_or_cache(server, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    server.push(answer(reference()))
    s = mineralbrief.Summarizer(base_url=server.base_url, api_key=KEY, **FAST)
    brief = s.summarize(ARTICLE)
    assert "SECRET0123456789" not in caplog.text
    assert "SECRET0123456789" not in brief.model_dump_json()
    assert "SECRET0123456789" not in repr(s.settings) and "SECRET0123456789" not in repr(s)
    store = s.cache._cache  # type: ignore[attr-defined]
    for key in store.iterkeys():
        assert "SECRET0123456789" not in key and "SECRET0123456789" not in str(store.get(key))
    for path in (tmp_path / "cache").rglob("*"):
        if path.is_file():
            assert b"SECRET0123456789" not in path.read_bytes()
