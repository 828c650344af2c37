"""A local fake of OpenAI's Files and Batches endpoints, on 127.0.0.1 (stdlib ``http.server``).

FIXTURE SERVER: every answer in a batch's output is made up here. By default a line is answered
with the offline backend's brief of the article in its request (``fixture_model.py``: a
grounded answer, not a model's); knobs make some answers break the schema or state what the
article does not (on the first ask only, so a re-ask fixes them), make some lines error (the
first time the server sees their article), and make batches slow, expire, fail or be cancelled.
It answers ``/v1/chat/completions`` too (online re-asks), with the same answers and knobs.

Speaks: ``POST /v1/files`` (multipart upload), ``GET /v1/files/{id}`` and ``/content``,
``POST /v1/batches``, ``GET /v1/batches`` (list), ``GET /v1/batches/{id}``,
``POST /v1/batches/{id}/cancel``. Ids and timestamps are counters, so recordings repeat.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import Counter
from collections.abc import Callable
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlparse

from fixture_model import offline_answer
from oai_server import article_of, completion

T0 = 1_700_000_000
BROKEN = {"headline": "x", "key_points": "not a list", "deals": [{"deal_type": "handshake"}]}  # FIXTURE: breaks the schema
INVENTED = "Invented Holdings agreed to buy the project for $9 billion"  # FIXTURE: in no article


def chosen(request: dict[str, Any], rate: float, salt: str) -> bool:
    """Whether the article of ``request`` is in the ``rate`` share picked for one knob."""
    digest = hashlib.sha256(f"{salt}|{' '.join(article_of(request).split())}".encode()).hexdigest()
    return int(digest[:8], 16) % 10_000 < rate * 10_000


class FakeBatchServer:
    """Start with ``with FakeBatchServer() as srv:``; ``srv.base_url`` ends with ``/v1``.

    Knobs (set before the batch is processed):
        answer: request body -> the answer's JSON (default: the offline backend's brief).
        invalid: share of articles whose first answer breaks the schema.
        ungrounded: share of articles whose first answer quotes what the article does not say.
        errors: share of articles whose line errors (HTTP 500) the first time it is sent.
        slow_polls: retrieves that still say ``in_progress`` before the batch is processed.
        expire: when set, the batch expires having answered this share of its lines.
        fail: the batch fails validation (no output at all).
        answered_before_cancel: share of lines answered when a batch is cancelled.
    Counters: ``created`` (batches), ``uploads``, ``polls``, ``online`` (chat completions).
    """

    def __init__(self, answer: Callable[[dict[str, Any]], Any] | None = None) -> None:
        self.answer = answer or offline_answer
        self.invalid = self.ungrounded = self.errors = 0.0
        self.slow_polls = 0
        self.expire: float | None = None
        self.fail = False
        self.answered_before_cancel = 0.5
        self.files: dict[str, dict[str, Any]] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.counts: Counter[str] = Counter()
        self._seen: set[str] = set()
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    @property
    def created(self) -> int:
        return self.counts["created"]

    def __enter__(self) -> FakeBatchServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    # -- the model's side (FIXTURE answers) ---------------------------------------------------
    def complete(self, request: dict[str, Any]) -> dict[str, Any]:
        """A chat completion for ``request``: the fixture answer, or a broken one on a first ask."""
        first = len(request.get("messages", [])) <= 2
        if first and chosen(request, self.invalid, "invalid"):
            content: Any = BROKEN
        else:
            content = self.answer(request)
            if first and chosen(request, self.ungrounded, "ungrounded"):
                content["key_points"][0]["evidence"] = [{"quote": INVENTED}]
        prompt = len(json.dumps(request.get("messages", []))) // 4  # a stand-in for a tokenizer
        return completion(request, content, tokens=(prompt, len(json.dumps(content)) // 4))

    def _errs(self, request: dict[str, Any]) -> bool:
        key = article_of(request)
        with self._lock:
            first = key not in self._seen
            self._seen.add(key)
        return first and chosen(request, self.errors, "errors")

    # -- files and batches ---------------------------------------------------------------------
    def _file(self, data: bytes, purpose: str, name: str) -> dict[str, Any]:
        with self._lock:
            self.counts["files"] += 1
            fid = f"file-{self.counts['files']}"
        meta = {"id": fid, "object": "file", "bytes": len(data), "created_at": T0 + self.counts["files"],
                "filename": name, "purpose": purpose, "status": "processed"}
        self.files[fid] = {"meta": meta, "data": data}
        return meta

    def _create(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.counts["created"] += 1
            bid = f"batch_{self.counts['created']}"
        lines = [json.loads(x) for x in self.files[body["input_file_id"]]["data"].splitlines() if x.strip()]
        batch = {"id": bid, "object": "batch", "endpoint": body["endpoint"], "errors": None,
                 "input_file_id": body["input_file_id"], "completion_window": body["completion_window"],
                 "status": "validating", "output_file_id": None, "error_file_id": None,
                 "created_at": T0 + 100 * self.counts["created"], "expires_at": T0 + 86_400,
                 "request_counts": {"total": len(lines), "completed": 0, "failed": 0},
                 "metadata": body.get("metadata")}
        self.batches[bid] = {"batch": batch, "lines": lines, "polls": 0}
        return batch

    def _retrieve(self, bid: str) -> dict[str, Any]:
        entry = self.batches[bid]
        batch = entry["batch"]
        self.counts["polls"] += 1
        if batch["status"] in ("validating", "in_progress"):
            entry["polls"] += 1
            if self.fail:
                batch.update(status="failed", errors={"object": "list", "data": [
                    {"code": "invalid_request", "message": "fixture: the input file is not valid", "line": 1}]})
            elif entry["polls"] > self.slow_polls:
                self._process(entry, self.expire, "expired")
            else:
                batch["status"] = "in_progress"
        elif batch["status"] == "cancelling":
            self._process(entry, self.answered_before_cancel, "cancelled")
        return batch

    def _process(self, entry: dict[str, Any], share: float | None, cut_status: str) -> None:
        """Answer the batch's lines (all, or the first ``share`` of them) into output and error files."""
        batch, lines = entry["batch"], entry["lines"]
        cut = len(lines) if share is None else int(len(lines) * share)
        out, err = [], []
        for i, line in enumerate(lines):
            rid = f"{batch['id']}_req_{i}"
            if i >= cut:
                err.append({"id": rid, "custom_id": line["custom_id"], "response": None, "error": {
                    "code": f"batch_{cut_status}", "message": f"fixture: the batch {cut_status} first"}})
            elif self._errs(line["body"]):
                err.append({"id": rid, "custom_id": line["custom_id"], "error": None, "response": {
                    "status_code": 500, "request_id": rid,
                    "body": {"error": {"message": "fixture: server error", "type": "server_error"}}}})
            else:
                out.append({"id": rid, "custom_id": line["custom_id"], "error": None, "response": {
                    "status_code": 200, "request_id": rid, "body": self.complete(line["body"])}})
        for kind, rows in (("output", out), ("error", err)):
            if rows:
                data = "".join(json.dumps(r) + "\n" for r in rows).encode()
                batch[f"{kind}_file_id"] = self._file(data, f"batch_{kind}", f"{batch['id']}_{kind}.jsonl")["id"]
        batch["request_counts"] = {"total": len(lines), "completed": len(out), "failed": len(err)}
        batch["status"] = "completed" if share is None else cut_status

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                parts = urlparse(self.path).path.strip("/").split("/")[1:]  # after "v1"
                if parts[:1] == ["files"] and len(parts) == 3 and parts[2] == "content" and parts[1] in server.files:
                    return self._send(200, server.files[parts[1]]["data"], "application/octet-stream")
                if parts[:1] == ["files"] and len(parts) == 2 and parts[1] in server.files:
                    return self._json(200, server.files[parts[1]]["meta"])
                if parts == ["batches"]:
                    data = [b["batch"] for b in reversed(server.batches.values())]
                    return self._json(200, {"object": "list", "data": data, "has_more": False,
                                            "first_id": data[0]["id"] if data else None,
                                            "last_id": data[-1]["id"] if data else None})
                if parts[:1] == ["batches"] and len(parts) == 2 and parts[1] in server.batches:
                    return self._json(200, server._retrieve(parts[1]))
                self._json(404, {"error": {"message": f"fixture: no {self.path}"}})

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                parts = urlparse(self.path).path.strip("/").split("/")[1:]
                if parts == ["files"]:
                    form = BytesParser(policy=HTTP).parsebytes(
                        f"content-type: {self.headers['content-type']}\r\n\r\n".encode() + raw)
                    fields = {p.get_param("name", header="content-disposition"): p for p in form.iter_parts()}
                    upload = fields["file"]
                    server.counts["uploads"] += 1
                    return self._json(200, server._file(upload.get_payload(decode=True), fields["purpose"].get_content().strip(),
                                                        upload.get_filename() or "upload.jsonl"))
                body = json.loads(raw or b"{}")
                if parts == ["batches"]:
                    return self._json(200, server._create(body))
                if parts[:1] == ["batches"] and parts[2:] == ["cancel"] and parts[1] in server.batches:
                    batch = server.batches[parts[1]]["batch"]
                    if batch["status"] in ("validating", "in_progress"):
                        batch["status"] = "cancelling"
                    return self._json(200, batch)
                if parts == ["chat", "completions"]:
                    server.counts["online"] += 1
                    return self._json(200, server.complete(body))
                self._json(404, {"error": {"message": f"fixture: no {self.path}"}})

            def _json(self, status: int, obj: Any) -> None:
                self._send(status, json.dumps(obj).encode(), "application/json")

            def _send(self, status: int, body: bytes, ctype: str) -> None:
                try:
                    self.send_response(status)
                    self.send_header("content-type", ctype)
                    self.send_header("content-length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler
