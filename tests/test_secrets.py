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


def test_a_key_echoed_by_the_server_never_reaches_a_log_line(server, caplog):
    """The server repeats the key in its error body; instructor and openai log the error;
    every record that passes mineralbrief's stack comes out redacted."""
    import logging

    from oai_server import Reply

    key = "sk-live-Echo0123456789abcdefGHIJ"
    server.push(Reply(status=400, body={"error": {"message": f"Incorrect API key provided: {key}"}}))
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="instructor")  # the CLI quiets it; a service may not
    with pytest.raises(mineralbrief.BackendError) as info:
        mineralbrief.summarize(SEEDS / "rarex_ussm_mou.txt", base_url=server.base_url, api_key=key, cache=False)
    assert key not in str(info.value)
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert "Incorrect API key provided: ***" in logged  # instructor logged the error, redacted
    assert key not in logged and "Echo0123456789" not in logged


def test_url_credentials_are_neither_logged_nor_keyed():
    from mineralbrief.redact import redact

    s = mineralbrief.Settings(base_url="https://user:hunter2pass@proxy.example.test:8443/v1")
    assert "hunter2pass" not in s.endpoint_host and s.endpoint_host == "proxy.example.test:8443"
    assert "hunter2pass" not in redact("POST https://user:hunter2pass@proxy.example.test/v1 failed")
    assert redact("Authorization: Bearer abc.def-123") == "Authorization: ***"


def test_debug_tracebacks_never_show_the_key(server, capsys, monkeypatch):
    from mineralbrief.cli import main

    key = "sk-live-Trace0123456789abcdefGHIJ"
    server.push(Reply(status=401, body={"error": {"message": f"Incorrect API key provided: {key}"}}))
    monkeypatch.setenv("OPENAI_API_KEY", key + "\n")  # a trailing newline, as `export KEY=$(cat file)` gives
    code = main(["--debug", "summarize", str(ARTICLE), "--base-url", server.base_url, "--no-cache"])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" in err and "401" in err  # the traceback, and the key stripped of its newline
    assert key not in err and "Trace0123456789" not in err
