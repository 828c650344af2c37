"""Worker processes: a batch's client-side work spread over several cores (``workers=N``).

Against a fast endpoint a batch is bound by the client's own CPU, not by waiting: each article
costs several milliseconds on the event loop (the domain scan, instructor and openai building and
parsing the request, httpx, grounding, the cache write), so one loop tops out at a few hundred
articles a second however many requests are in flight. With ``workers=N`` the caller's process
keeps what a batch shares (the concurrency bound, the token budget, the cache lookups, the
results in completion order) and N worker processes run the rest of each article's flow.

How the workers are made, and why:

* started as a new ``python`` running ``mineralbrief.workers.main``, never forked: a fork of a process that has
  threads (a notebook, ``summarize_many``'s own loop thread) can deadlock in the child, and
  multiprocessing's spawn re-imports the caller's ``__main__``;
* the parent's ``Settings`` travel over the pipe: a worker never reads the environment;
* frames are a 4-byte length and a pickle, on the worker's stdin and stdout, between two ends of
  the same installation; the worker moves its stdout to stderr before anything else runs, so a
  stray ``print`` cannot corrupt the stream;
* a worker that dies (killed, crashed) is replaced; an article it was briefing is sent once more
  to a live worker, then reported as failed with the exit code, never lost;
* a worker whose parent goes away sees its stdin close and exits.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import itertools
import logging
import os
import pickle
import signal
import struct
import subprocess
import sys
import threading
import time
import weakref
from collections import OrderedDict
from pathlib import Path
from typing import IO, Any, Callable

from . import errors
from .article import Article
from .config import Settings
from .domain.facts import extract_facts
from .errors import MineralBriefError, WorkerError
from .gate import CallGate, current_gate
from .models import Brief

_HEADER = struct.Struct(">I")
_READY = "ready"
MAX_TRIES = 2  # an article whose worker died is tried once more, on another worker


def _write(stream: IO[bytes], obj: Any) -> None:
    blob = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(blob)) + blob)
    stream.flush()


def _read(fd: int) -> Any:
    """The next frame from a file descriptor, or None at the end of the stream (the other end
    closed or died). Unbuffered, never one byte past the frame: in a worker, what follows the
    settings (articles sent before it was ready) is left in the pipe for the event loop."""

    def exactly(n: int) -> bytes:
        chunks, left = [], n
        while left:
            chunk = os.read(fd, left)
            if not chunk:
                return b""
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    header = exactly(_HEADER.size)
    if not header:
        return None
    blob = exactly(_HEADER.unpack(header)[0])
    return pickle.loads(blob) if blob else None


def _error_state(exc: BaseException) -> tuple[str, str, dict[str, Any]]:
    """An error raised in a worker, as (class name, message, attributes) for the parent."""
    state = dict(vars(exc))
    try:
        pickle.dumps(state)
    except Exception:  # an attribute that cannot cross: the name and message still do
        state = {}
    return type(exc).__name__, str(exc), state


def _rebuild_error(name: str, message: str, state: dict[str, Any]) -> MineralBriefError:
    """The worker's error as the same mineralbrief class (attributes kept), or a WorkerError."""
    cls = getattr(errors, name, None)
    if isinstance(cls, type) and issubclass(cls, MineralBriefError):
        exc = cls.__new__(cls)
        Exception.__init__(exc, message)
        exc.__dict__.update(state)
        return exc
    return WorkerError(f"{name}: {message}", article_id=state.get("article_id"))


class _Task:
    __slots__ = ("article", "future", "gate", "key", "tries")

    def __init__(self, article: Article, future: concurrent.futures.Future[Brief], gate: CallGate | None,
                 key: str | None) -> None:
        self.article, self.future, self.gate, self.key, self.tries = article, future, gate, key, 0


def _settle(future: concurrent.futures.Future[Brief], result: Brief | None = None,
            error: BaseException | None = None) -> None:
    """Resolve a future from a reader thread; one the caller cancelled is left as it is."""
    try:
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]
    except concurrent.futures.InvalidStateError:
        pass


class _Worker:
    """One worker process, the articles it is briefing, and the thread that reads its answers."""

    def __init__(self, settings: Settings, on_exit: Callable[[_Worker, list[_Task], int], None]) -> None:
        env = dict(os.environ)
        # the worker imports this very copy of mineralbrief, installed or not
        here = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH")) if p)
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "import sys; from mineralbrief.workers import main; sys.exit(main())"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, env=env,
        )
        self.tasks: dict[int, _Task] = {}
        self.alive, self.ready = True, threading.Event()
        self._lock = threading.Lock()
        self._on_exit = on_exit
        levels = {name: logging.getLogger(name).getEffectiveLevel() for name in ("mineralbrief", "instructor")}
        try:
            _write(self.proc.stdin, (settings, levels))  # type: ignore[arg-type]
        except OSError:  # it died at once: the reader thread sees the exit before ready
            pass
        threading.Thread(target=self._read_answers, daemon=True, name=f"mineralbrief-worker-{self.proc.pid}").start()

    @property
    def load(self) -> int:
        return len(self.tasks) if self.alive else sys.maxsize

    def send(self, task_id: int, task: _Task, share: int) -> bool:
        """Hand the worker an article, with its batch's gate and this worker's share of the
        gate's slots; False when the worker has died (the caller picks another)."""
        gate = task.gate
        with self._lock:
            self.tasks[task_id] = task
            if self._post(("brief", task_id, task.article, task.key, gate and (gate.id, share, gate.closed))):
                return True
            del self.tasks[task_id]
            return False

    def notify(self, frame: tuple[Any, ...]) -> None:
        with self._lock:
            self._post(frame)

    def _post(self, frame: tuple[Any, ...]) -> bool:
        """Write a frame, the lock held; False when the worker has died."""
        if not self.alive:
            return False
        try:
            _write(self.proc.stdin, frame)  # type: ignore[arg-type]
        except (OSError, ValueError):  # the pipe broke: the reader thread sees the exit
            return False
        return True

    def _read_answers(self) -> None:
        try:
            while (frame := _read(self.proc.stdout.fileno())) is not None:  # type: ignore[union-attr]
                if frame == _READY:
                    self.ready.set()
                    continue
                task_id, ok, payload = frame
                with self._lock:
                    task = self.tasks.pop(task_id, None)
                if task is not None:
                    if ok:
                        _settle(task.future, Brief.model_validate_json(payload))
                    else:
                        _settle(task.future, error=_rebuild_error(*payload))
        except Exception:  # noqa: BLE001 - a garbled stream: treated like the worker's death
            self.proc.kill()
        finally:
            with self._lock:
                self.alive = False
                orphans, self.tasks = list(self.tasks.values()), {}
            code = self.proc.wait()
            self._on_exit(self, orphans, code)

    def stop(self) -> None:
        """Close the worker's stdin (it exits at once) and reap it; kill it if it lingers."""
        try:
            self.proc.stdin.close()  # type: ignore[union-attr]
        except OSError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _stop_all(workers: list[_Worker]) -> None:
    for w in list(workers):
        w.stop()


class WorkerPool:
    """N worker processes briefing articles for one ``Summarizer``'s settings.

    Args:
        settings: the settings every worker uses (``workers`` is reset to 1 inside them).
        size: how many processes.
    """

    def __init__(self, settings: Settings, size: int) -> None:
        if size < 1:
            raise ValueError("a worker pool needs at least one worker")
        self._settings = settings.with_overrides(workers=1)
        self._lock = threading.Lock()
        self._ids = itertools.count()
        self._broken: str | None = None
        self._closed = False
        self._gates: weakref.WeakSet[CallGate] = weakref.WeakSet()  # those whose close we pass on
        self._workers: list[_Worker] = [self._start() for _ in range(size)]
        # workers are stopped when the pool is closed, collected, or the interpreter exits
        self._finalizer = weakref.finalize(self, _stop_all, self._workers)

    def _start(self) -> _Worker:
        return _Worker(self._settings, self._exited)

    @property
    def pids(self) -> list[int]:
        """The worker processes' ids (for monitoring)."""
        return [w.proc.pid for w in self._workers]

    def wait_ready(self, timeout: float | None = 60) -> None:
        """Block until every worker has imported mineralbrief and built its backend.

        Raises:
            WorkerError: a worker exited before it was ready, or the timeout passed.
        """
        for w in list(self._workers):
            if not w.ready.wait(timeout):
                raise WorkerError(f"worker process {w.proc.pid} not ready after {timeout} s")
            if self._broken:
                raise WorkerError(self._broken)

    def submit(self, article: Article, gate: CallGate | None = None,
               key: str | None = None) -> concurrent.futures.Future[Brief]:
        """Brief ``article`` in a worker (no cache lookup: the caller did that).

        Args:
            article: the article.
            gate: the batch's gate: its limit is split between the workers, and closing it
                closes their copies.
            key: the cache key the caller looked up, which the worker stores the brief under
                (computed there when None).

        Returns:
            A future of the (unchecked) ``Brief``, or of the error the worker raised (the same
            mineralbrief class), or of a ``WorkerError`` when the article's worker died twice.
        """
        if gate is not None and gate not in self._gates:
            self._gates.add(gate)
            gate.on_close.append(lambda: self._broadcast(("close_gate", gate.id)))
        task = _Task(article, concurrent.futures.Future(), gate, key)
        self._dispatch(task)
        return task.future

    def _broadcast(self, frame: tuple[Any, ...]) -> None:
        for w in list(self._workers):
            w.notify(frame)

    def _dispatch(self, task: _Task) -> None:
        task.tries += 1
        while True:
            with self._lock:
                if self._closed or self._broken:
                    _settle(task.future, error=WorkerError(self._broken or "the worker pool is closed",
                                                           article_id=task.article.id))
                    return
                # a gate of L slots over N workers: worker k holds L // N, plus one for k < L % N
                limit = task.gate.limit if task.gate is not None else len(self._workers)
                used = min(limit, len(self._workers))
                i = min(range(used), key=lambda k: self._workers[k].load)
                worker = self._workers[i]
            share = limit // len(self._workers) + (1 if i < limit % len(self._workers) else 0)
            if worker.send(next(self._ids), task, share):
                return
            time.sleep(0.01)  # it has just died: its reader thread is putting a new one in its place

    def _exited(self, worker: _Worker, orphans: list[_Task], code: int) -> None:
        """A worker's reader thread saw it exit: retry or fail what it held."""
        if not worker.ready.is_set() and not self._closed:
            # it never started (a bad install, an import error): every worker would do the same
            self._broken = (f"a worker process exited with code {code} before it was ready; "
                            "its error is on stderr above")
            worker.ready.set()
        with self._lock:
            if not self._closed and not self._broken and worker in self._workers:
                self._workers[self._workers.index(worker)] = self._start()  # replaced in place
        for task in orphans:
            if task.tries < MAX_TRIES and not self._closed and not self._broken:
                self._dispatch(task)
            else:
                why = ("the worker pool was closed" if self._closed else self._broken
                       or f"the worker process briefing this article exited with code {code} ({task.tries} tries)")
                _settle(task.future, error=WorkerError(why, article_id=task.article.id))

    def close(self) -> None:
        """Stop every worker. Articles still in flight fail with ``WorkerError``."""
        with self._lock:
            self._closed = True
        self._finalizer()


# -- the worker's side ---------------------------------------------------------------------
async def _serve(summarizer: Any, inp: IO[bytes], out: IO[bytes]) -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=2**26)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), inp)
    running: set[asyncio.Task[None]] = set()
    gates: OrderedDict[int, CallGate] = OrderedDict()  # this worker's share of recent batches' gates

    async def one(task_id: int, article: Article, key: str | None, gate: CallGate | None) -> None:
        current_gate.set(gate)  # this task's own context
        try:
            # as JSON: cheaper than a pickle of the model on both sides, and validated there
            answer: tuple[Any, ...] = (task_id, True, (await summarizer._afresh(article, key)).model_dump_json())
        except Exception as exc:  # every error goes back to the parent, typed
            answer = (task_id, False, _error_state(exc))
        _write(out, answer)

    def gate_of(spec: tuple[int, int, bool] | None) -> CallGate | None:
        if spec is None:
            return None
        gate_id, share, closed = spec
        if gate_id not in gates:
            gates[gate_id] = CallGate(share)
            while len(gates) > 64:
                gates.popitem(last=False)
        if closed:
            gates[gate_id].close()
        return gates[gate_id]

    try:
        while True:
            (size,) = _HEADER.unpack(await reader.readexactly(_HEADER.size))
            frame = pickle.loads(await reader.readexactly(size))
            if frame[0] == "close_gate":
                if frame[1] in gates:
                    gates[frame[1]].close()
                continue
            _, task_id, article, key, spec = frame
            task = asyncio.ensure_future(one(task_id, article, key, gate_of(spec)))
            running.add(task)
            task.add_done_callback(running.discard)
    except asyncio.IncompleteReadError:  # stdin closed: the pool is closing or the parent died
        pass
    finally:
        for task in running:
            task.cancel()
        await summarizer.aclose()


def main() -> int:
    """The worker process: settings from stdin, then articles in and briefs out until EOF."""
    # Ctrl-C reaches the whole process group: the parent decides, and closes stdin to stop us
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    out = os.fdopen(os.dup(1), "wb")  # the frame stream
    os.dup2(2, 1)  # anything else printed goes to stderr
    inp = sys.stdin.buffer
    # not through the buffered reader: it could read ahead into articles already queued behind
    frame = _read(inp.fileno())
    if frame is None:
        return 0
    settings, log_levels = frame
    for name, level in log_levels.items():  # the caller's verbosity, for our logs and instructor's
        logging.getLogger(name).setLevel(level)
    from .api import Summarizer  # after the streams are set up

    try:
        summarizer = Summarizer(settings)
        # answers are read on a thread of their own (see OpenAICompatBackend.use_http_thread);
        # a shorter switch interval hands it the GIL within a millisecond of an answer arriving
        backend = summarizer.backend
        if hasattr(backend, "use_http_thread"):
            backend.use_http_thread()
            sys.setswitchinterval(0.001)
        # first-use costs paid before the first article: the backend's (its client: a missing
        # key shows here) and the domain layer's compiled patterns (the cache key comes from
        # the caller, who looked it up)
        if hasattr(backend, "warm_up"):
            backend.warm_up()
        extract_facts("Warm-up Ltd signed an MOU on neodymium worth $1 million.")
        # what the imports and the warm-up made lives as long as the process: frozen, it is
        # left out of the collector's full passes, each of which would otherwise stall every
        # answer in flight (measured: 115-120 ms a pass, a few passes per 2,000 articles)
        gc.freeze()
    except MineralBriefError as exc:
        print(f"mineralbrief worker: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    _write(out, _READY)
    try:
        asyncio.run(_serve(summarizer, inp, out))
    except BrokenPipeError:  # the parent went away
        pass
    return 0

