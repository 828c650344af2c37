"""Shared test data. FIXTURE: the answers here are hand-written stand-ins for a model."""

from __future__ import annotations

import copy
import gc
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from hypothesis import strategies as st

REFERENCE = Path(__file__).parent / "data" / "reference"
T = TypeVar("T")


def reference(name: str = "rarex_ussm_mou") -> dict[str, Any]:
    """A hand-written, fully grounded answer for seeds/<name>.txt (a fixture, not model output)."""
    data = json.loads((REFERENCE / f"{name}.json").read_text(encoding="utf-8"))
    data.pop("_fixture", None)
    return data


def invented(name: str = "rarex_ussm_mou") -> dict[str, Any]:
    """The reference answer with an invented entity, quote and amount (what a model may do)."""
    data = copy.deepcopy(reference(name))
    data["key_points"][0]["evidence"][0]["quote"] = "RareX agreed to sell its Cummins Range project to USSM for $900 million"
    data["entities"].append({"name": "Lynas Rare Earths", "kind": "company"})
    data["deals"][0]["amounts"] = [{"text": "$900 million", "value": 9e8, "currency": "USD"}]
    return data


def schema_breaking(name: str = "rarex_ussm_mou") -> dict[str, Any]:
    """The reference answer with a deal type outside the schema and too few key points."""
    data = copy.deepcopy(reference(name))
    data["deals"][0]["deal_type"] = "handshake"
    data["key_points"] = data["key_points"][:1]
    return data


def outputs(out: Path) -> dict[str, str]:
    """Every file a daily run wrote, with what legitimately differs between runs removed
    (timestamps, usage, whether a brief came from the cache). Every JSON file must parse."""
    files = {}
    for p in sorted(out.rglob("*")):
        if p.is_file():
            text = p.read_text()
            if p.suffix == ".json":
                data = json.loads(text)
                data.get("provenance", {}).pop("created_at", None)
                data.get("provenance", {}).pop("cached", None)
                data.pop("usage", None)
                text = json.dumps(data, sort_keys=True)
            else:
                text = text.replace(", from cache;", ";")
            files[str(p.relative_to(out))] = text
    return files


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (Linux /proc)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def word_texts(words: list[str], glue: list[str], max_size: int = 30) -> st.SearchStrategy[str]:
    """A hypothesis strategy: texts of up to ``max_size`` of ``words``, each followed by one of ``glue``."""
    return st.lists(st.tuples(st.sampled_from(words), st.sampled_from(glue)), max_size=max_size).map(
        lambda parts: "".join(w + g for w, g in parts))


def cpu_seconds(fn: Callable[[], T]) -> tuple[float, T]:
    """The CPU seconds ``fn()`` took, with the garbage collector held off, and what it returned.

    For the tests that compare a small input's time with a big one's (a guard against quadratic
    code): wall time counts the moments the process waits for a core, which under a parallel
    suite on two cores made a linear scan look quadratic; a collection during the big run adds
    time that grows with everything the run keeps alive."""
    gc.collect()
    gc.disable()
    try:
        t0 = time.process_time()
        out = fn()
        return time.process_time() - t0, out
    finally:
        gc.enable()
