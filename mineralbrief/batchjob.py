"""The provider's side of a Batch API run: a state file, and rounds of upload, create, poll, download.

This module knows nothing of articles or briefs (``batchapi.py`` does): a round is a JSONL file
of requests named by custom ids, and what comes back is read as, per custom id, an answer or
why there is none. Every step is written to ``state_dir/state.json`` as it happens (atomically),
in an order that makes a run killed at any point resumable without paying twice:

    input file written -> uploaded (file id saved) -> batch created (batch id saved)
    -> polled (status saved) -> output and error files downloaded -> round done

A batch created but not yet saved is found again by its input file among the newest batches.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .backends.transport import not_a_completion
from .errors import BackendError, ConfigError, MineralBriefError
from .runner import atomic_write

log = logging.getLogger("mineralbrief")

TERMINAL = frozenset({"completed", "failed", "expired", "cancelled"})


class BatchState:
    """``state.json`` in ``folder``: the settings fingerprint and the rounds sent so far.

    Raises:
        ConfigError: the folder holds a run made with other settings.
    """

    def __init__(self, folder: Path, fingerprint: str) -> None:
        self.folder = folder
        self.path = folder / "state.json"
        if not self.path.exists():
            self.data: dict[str, Any] = {"version": 1, "settings": fingerprint, "rounds": []}
            return
        self.data = json.loads(self.path.read_text(encoding="utf-8"))
        if self.data.get("settings") != fingerprint:
            raise ConfigError(f"{folder} holds a Batch API run made with other settings (model, prompt, sampling): "
                              "use another state_dir, or delete this one to start over")

    @property
    def rounds(self) -> list[dict[str, Any]]:
        rounds: list[dict[str, Any]] = self.data["rounds"]
        return rounds

    @property
    def cancelled(self) -> bool:
        """Whether a batch of this run was cancelled (then nothing more is sent)."""
        return any(r["status"] == "cancelled" for r in self.rounds)

    def save(self) -> None:
        atomic_write(self.path, json.dumps(self.data, indent=1))

    def new_round(self, requests: list[tuple[str, dict[str, Any]]], endpoint: str) -> dict[str, Any]:
        """Write a round's input file (custom id, body) and record the round, not yet sent."""
        n = len(self.rounds) + 1
        lines = (json.dumps({"custom_id": cid, "method": "POST", "url": endpoint, "body": body},
                            separators=(",", ":")) + "\n" for cid, body in requests)
        atomic_write(self.folder / f"round-{n}-input.jsonl", "".join(lines))
        rnd = {"n": n, "ids": [cid for cid, _ in requests], "file_id": None, "batch_id": None, "status": None,
               "output_file_id": None, "error_file_id": None, "errors": None, "done": False}
        self.rounds.append(rnd)
        self.save()
        return rnd


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """One run per state folder at a time (the lock goes with the process, however it ends)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock
        yield
        return
    with (folder / "lock").open("w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConfigError(f"another run is using {folder}") from None
        yield


def run_round(client: Any, state: BatchState, rnd: dict[str, Any], endpoint: str, poll: tuple[float, float],
              on_status: Callable[[str], None]) -> None:
    """Take a round from wherever it stopped to done: upload, create, poll with backoff, download.

    ``client`` is an ``openai.OpenAI`` (its public ``files`` and ``batches`` resources).

    Raises:
        BackendError: the Files or Batches endpoint kept failing (the state is saved).
    """
    n, folder = rnd["n"], state.folder
    with _endpoint_errors():
        if rnd["file_id"] is None:
            with (folder / f"round-{n}-input.jsonl").open("rb") as fh:
                rnd["file_id"] = client.files.create(file=(f"mineralbrief-round-{n}.jsonl", fh), purpose="batch").id
            state.save()
        if rnd["batch_id"] is None:  # killed between create and save last time? find it first
            recent = client.batches.list(limit=100).data  # the newest page: ours was made minutes ago
            found = next((b for b in recent if b.input_file_id == rnd["file_id"]), None)
            rnd["batch_id"] = (found or client.batches.create(
                input_file_id=rnd["file_id"], endpoint=endpoint, completion_window="24h",
                metadata={"mineralbrief_round": str(n)})).id
            state.save()
        wait = poll[0]
        while True:
            batch = client.batches.retrieve(rnd["batch_id"])
            if batch.status != rnd["status"]:
                rnd["status"] = batch.status
                counts = batch.request_counts
                on_status(f"batch {batch.id} (round {n}, {len(rnd['ids'])} requests): {batch.status}"
                          + (f", {counts.completed} done, {counts.failed} failed" if counts else ""))
                state.save()
            if batch.status in TERMINAL:
                break
            time.sleep(wait)
            wait = min(wait * 1.5, poll[1])
        errors = batch.errors.data if batch.errors and batch.errors.data else []
        rnd.update(output_file_id=batch.output_file_id, error_file_id=batch.error_file_id,
                   errors="; ".join(f"{e.code}: {e.message}" for e in errors) or None)
        for kind in ("output", "error"):
            file_id, path = rnd[f"{kind}_file_id"], folder / f"round-{n}-{kind}.jsonl"
            if file_id and not path.exists():
                tmp = path.with_suffix(".part")
                with client.files.with_streaming_response.content(file_id) as response:
                    response.stream_to_file(tmp)
                os.replace(tmp, path)
    rnd["done"] = True
    state.save()


def read_round(folder: Path, rnd: dict[str, Any]) -> dict[str, dict[str, Any] | str]:
    """A done round's results: custom id -> the answer (a chat completion) or why there is none.

    A custom id the round sent but that came back in neither file is in the result too."""
    got: dict[str, dict[str, Any] | str] = {}
    for kind in ("output", "error"):
        path = folder / f"round-{rnd['n']}-{kind}.jsonl"
        for line in _lines(path) if path.exists() else ():
            cid, response, error = str(line.get("custom_id")), line.get("response") or {}, line.get("error")
            body = response.get("body")
            problem = (f"{error.get('code')}: {error.get('message')}" if isinstance(error, dict) else
                       f"HTTP {response.get('status_code')}: {str(body)[:200]}" if response.get("status_code") != 200
                       else "no body" if not isinstance(body, dict) else not_a_completion(json.dumps(body).encode()))
            if isinstance(got.get(cid), dict):  # an answer wins over an error line
                continue
            got[cid] = body if problem is None and isinstance(body, dict) else str(problem)
    for cid in rnd["ids"]:
        got.setdefault(cid, rnd["errors"] or f"no answer: the batch ended {rnd['status']}")
    return got


@contextlib.contextmanager
def _endpoint_errors() -> Iterator[None]:
    try:
        yield
    except MineralBriefError:
        raise
    except Exception as exc:  # openai's errors, named without importing openai here
        status = getattr(exc, "status_code", None)
        raise BackendError(f"the Files or Batches endpoint failed{f' (HTTP {status})' if status else ''}: {exc}; "
                           "the state is saved: run again to resume") from exc


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for raw in fh:
            if raw.strip():
                try:
                    yield json.loads(raw)
                except ValueError:
                    log.warning("%s: a line that is not JSON, skipped", path.name)
