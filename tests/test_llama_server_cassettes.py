"""A real model's answers on the wire: the OpenAI-compatible backend against llama.cpp's own
server (``python -m llama_cpp.server``) running SmolLM2-135M on 127.0.0.1.

Nothing here is a fixture. The cassettes ``cassettes/test_llama_server_*.yaml`` hold what the
model actually answered; replaying them needs neither llama.cpp nor the model. Re-record with
the ``[local]`` extra installed (the test starts and stops the server itself):

    .venv/bin/pytest tests/test_llama_server_cassettes.py --record-mode=rewrite

llama.cpp's server compiles the tool's JSON Schema into a grammar when a tool is forced (as
instructor's TOOLS mode does), so even a 135M model answers in the schema's shape; what it
says is another matter, and grounding must say so.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

import mineralbrief

from conftest import SEEDS, require_local

SEED = "rarex_ussm_mou"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def llama_server(record_mode: str) -> Iterator[str]:
    """The server's base URL; started only when recording (a replay sends nothing)."""
    if record_mode == "none":
        yield "http://127.0.0.1:9/v1"  # never contacted: every request is answered by the cassette
        return
    require_local()
    from mineralbrief.backends.local import resolve_gguf

    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(resolve_gguf(mineralbrief.Settings())),
         "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "8192", "--verbose", "False"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 60
        while True:  # a bare socket: an HTTP probe would be recorded into the cassette
            try:
                socket.create_connection(("127.0.0.1", port), timeout=2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("llama_cpp.server did not start") from None
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.vcr
def test_real_small_model_over_http_is_flagged_never_trusted(llama_server, vcr):
    """SmolLM2-135M answers in the schema's shape (the grammar sees to that) with quotes it made
    up. The re-ask tells it what was not found; its second answer is no better, so the brief comes
    back flagged: every invented quote listed, none marked verified, the Markdown warns."""
    text = (SEEDS / f"{SEED}.txt").read_text(encoding="utf-8")
    # sampled, with a seed (recorded in the request): decoding greedily, this 135M model repeats
    # itself until max_tokens, and the test would see a cut-off answer instead of a flagged one
    brief = mineralbrief.summarize(
        SEEDS / f"{SEED}.txt", base_url=llama_server, model="smollm2-135m", cache=False,
        max_reasks=1, max_tokens=1500, timeout=600, temperature=0.7, seed=1,
    )
    assert brief.provenance.backend == "openai"
    assert brief.usage.requests == 2 and brief.usage.completion_tokens > 500  # the model's own tokens
    reask = vcr.requests[1].body.decode() if isinstance(vcr.requests[1].body, bytes) else vcr.requests[1].body
    assert "could not be found in the article" in reask  # the grounding failure went back to the model
    assert not brief.grounding.ok and len(brief.grounding.unverified) >= 10
    for ev in [ev for kp in brief.key_points for ev in kp.evidence] + brief.bottom_line.evidence:
        assert ev.verified is (ev.start is not None and text[ev.start:ev.end] == ev.quote)
    assert not any(ev.verified for kp in brief.key_points for ev in kp.evidence)
    assert "could not be found in the article" in brief.to_markdown()
