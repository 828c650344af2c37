"""What the benchmarks share: a real-length article, its variants, and a stand-in endpoint.

The stand-in is ``tests/oai_server.py`` in a process of its own on 127.0.0.1, answering every
request with the offline backend's brief of the 13 KB press release (a FIXTURE answer, grounded
in every variant, since each variant is the release plus one line), after ``delay`` seconds.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RELEASE = ROOT / "bench" / "data" / "press_release_13k.txt"

SERVER = r"""
import gc, json, sys
sys.path.insert(0, {tests!r})
sys.path.insert(0, {root!r})
from oai_server import FakeOpenAIServer, Reply, completion
import mineralbrief
from mineralbrief.models import BriefContent
text = open({release!r}, encoding="utf-8").read()
brief = mineralbrief.summarize(text, backend="offline")
content = BriefContent.model_validate(brief.model_dump(include=set(BriefContent.model_fields)))
answer = json.loads(content.model_dump_json())
# record=False and gc.freeze(): a long run keeps no request, and the collector does not stall
# the answers in flight (a real endpoint's pauses are not this machine's to measure)
gc.freeze()
with FakeOpenAIServer(default=lambda req: Reply(body=completion(req, answer), delay={delay}), record=False) as srv:
    print(srv.base_url, flush=True)
    sys.stdin.read()
"""


def release() -> str:
    return RELEASE.read_text(encoding="utf-8")


def variants(n: int, label: str = "Item") -> list[str]:
    """``n`` distinct real-length articles (distinct hashes, so no cache hit between them)."""
    text = release()
    return [f"{text}\n{label} {i}.\n" for i in range(n)]


@contextmanager
def endpoint(delay: float = 0.0) -> Iterator[str]:
    """The stand-in endpoint's base URL, in a process of its own, stopped after."""
    code = SERVER.format(tests=str(ROOT / "tests"), root=str(ROOT), release=str(RELEASE), delay=delay)
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        yield proc.stdout.readline().strip()
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=10)
