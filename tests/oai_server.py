"""A small OpenAI-compatible chat-completions server for tests, on 127.0.0.1.

FIXTURE SERVER: everything it answers is scripted by the test (or read from the hand-written
reference answers in ``tests/data/reference/``); nothing here is a real model's output.

Each request to ``/v1/chat/completions`` takes the next scripted ``Reply`` from the queue, or,
when the queue is empty, asks ``default(request_json)``. A reply can be a normal completion,
an HTTP error with headers (429 + Retry-After), a body that is not JSON, a stall longer than the
client timeout, or a dropped connection. Every request is recorded for assertions.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REFERENCE_DIR = Path(__file__).parent / "data" / "reference"


class _Server(ThreadingHTTPServer):
    request_queue_size = 256  # the default of 5 resets connections under 32-way concurrency
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return  # a client that timed out, dropped or was killed: expected in these tests
        super().handle_error(request, client_address)


@dataclass
class Reply:
    """One scripted answer. ``kind``: json | raw | drop | trickle (the body one byte at a time,
    ``trickle`` seconds apart, as a server that never quite stalls) | trickle_headers (the status
    line, then a header's value one byte at a time, ``trickle`` seconds apart, never ending)."""

    kind: str = "json"
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    trickle: float = 0.0


def completion(request: dict[str, Any], answer: dict[str, Any] | str, *, tokens: tuple[int, int] = (100, 50)) -> dict[str, Any]:
    """A chat completion answering ``request`` with ``answer``, in the request's own mode.

    With tools in the request the answer is a call of the first tool; otherwise it is the
    message content (JSON text).
    """
    args = answer if isinstance(answer, str) else json.dumps(answer)
    message: dict[str, Any] = {"role": "assistant", "content": None}
    finish = "stop"
    tools = request.get("tools") or []
    if tools:
        name = tools[0]["function"]["name"]
        message["tool_calls"] = [{
            "id": "call_fixture_1", "type": "function",
            "function": {"name": name, "arguments": args},
        }]
        finish = "tool_calls"
    else:
        message["content"] = args
    prompt, done = tokens
    return {
        "id": "chatcmpl-fixture", "object": "chat.completion", "created": 1_700_000_000,
        "model": request.get("model", "fixture-model"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {"prompt_tokens": prompt, "completion_tokens": done, "total_tokens": prompt + done},
    }


_FENCED = re.compile(r"^<(article-[0-9a-f]+)>\n(.*)\n</\1>$", re.S | re.M)


def article_of(request: dict[str, Any]) -> str:
    """The article text fenced in the request's first user message."""
    for m in request.get("messages", []):
        content = m.get("content") or ""
        if m.get("role") == "user" and isinstance(content, str):
            found = _FENCED.search(content)
            if found:
                return found.group(2)
    return ""


def article_key(text: str) -> str:
    """Whitespace-insensitive hash, so prompt templating cannot change the lookup."""
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


def reference_answers(seeds_dir: Path) -> dict[str, dict[str, Any]]:
    """Hand-written reference answers (tests/data/reference/<seed>.json) keyed by article."""
    out = {}
    for ref in sorted(REFERENCE_DIR.glob("*.json")):
        seed = seeds_dir / (ref.stem + ".txt")
        if seed.exists():
            data = json.loads(ref.read_text(encoding="utf-8"))
            data.pop("_fixture", None)
            out[article_key(seed.read_text(encoding="utf-8"))] = data
    return out


class FakeOpenAIServer:
    """Start with ``with FakeOpenAIServer() as srv:``; ``srv.base_url`` ends with ``/v1``.

    ``srv.requests`` and ``srv.headers`` keep every request for the tests to inspect; with
    ``record=False`` only the last one is kept, for long runs (a benchmark), where a list
    growing by a parsed request (its tool schema included) per call makes the server's
    garbage collector stall every answer in flight for tens to hundreds of milliseconds.
    """

    def __init__(self, default: Callable[[dict[str, Any]], Reply] | None = None, *, record: bool = True) -> None:
        self.queue: deque[Reply] = deque()
        self.requests: deque[dict[str, Any]] = deque(maxlen=None if record else 1)
        self.headers: deque[dict[str, str]] = deque(maxlen=None if record else 1)
        self.default = default
        self._lock = threading.Lock()
        self._httpd = _Server(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def push(self, *replies: Reply) -> None:
        self.queue.extend(replies)

    def __enter__(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def _next(self, request: dict[str, Any]) -> Reply:
        with self._lock:
            if self.queue:
                return self.queue.popleft()
        if self.default is not None:
            return self.default(request)
        return Reply(status=500, body={"error": {"message": "fixture server: no reply scripted"}})

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # no 40 ms delayed-ACK stalls between header and body

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                try:
                    request = json.loads(raw or b"{}")
                except json.JSONDecodeError:
                    request = {}
                with server._lock:
                    server.requests.append(request)
                    # the client's port: the same port twice means one connection, reused
                    server.headers.append({**{k.lower(): v for k, v in self.headers.items()},
                                           "x-fixture-peer-port": str(self.client_address[1])})
                if not self.path.endswith("/chat/completions"):
                    return self._send(404, b'{"error": {"message": "not found"}}', {})
                reply = server._next(request)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.kind == "drop":
                    self.close_connection = True
                    self.connection.close()
                    return
                if reply.kind == "raw":
                    body = reply.body if isinstance(reply.body, bytes) else str(reply.body).encode()
                    return self._send(reply.status, body, reply.headers)
                if reply.kind == "trickle_headers":
                    return self._trickle_headers(reply.trickle)
                body_obj = reply.body(request) if callable(reply.body) else reply.body
                body = json.dumps(body_obj).encode()
                if reply.kind == "trickle":
                    return self._trickle(body, reply.trickle)
                return self._send(reply.status, body, reply.headers)

            def _trickle(self, body: bytes, gap: float) -> None:
                try:
                    self.send_response(200)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(body)))
                    self.end_headers()
                    for i in range(len(body)):
                        self.wfile.write(body[i:i + 1])
                        self.wfile.flush()
                        time.sleep(gap)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _trickle_headers(self, gap: float) -> None:
                self.close_connection = True
                try:
                    self.wfile.write(b"HTTP/1.1 200 OK\r\nx-slow: ")
                    for _ in range(100_000):  # until the client gives up (a broken pipe)
                        self.wfile.write(b"a")
                        self.wfile.flush()
                        time.sleep(gap)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                try:
                    self.send_response(status)
                    self.send_header("content-type", headers.get("content-type", "application/json"))
                    self.send_header("content-length", str(len(body)))
                    for k, v in headers.items():
                        if k.lower() != "content-type":
                            self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler


def answer(content: dict[str, Any] | str, **kw: Any) -> Reply:
    """A 200 reply that answers whatever was asked with ``content``."""
    return Reply(body=lambda req: completion(req, content, **kw))
