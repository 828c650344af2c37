"""Seconds per article and generated tokens per second for the local backend (llama.cpp in process).

Needs the ``[local]`` extra. Runs the sample articles in ``seeds/`` through
``Summarizer(backend="local")`` (cache off) with candidates on (the default) and, with
``--both``, off, and prints per-article figures and totals. As a baseline measured in the same
run it also times the same model generating without any grammar, so the cost of constrained
decoding shows as a ratio.

    .venv/bin/python bench/local.py [--both] [--reasks N] [--limit N] [--threads N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import mineralbrief  # noqa: E402
from mineralbrief.backends.local import load_model, resolve_gguf  # noqa: E402
from mineralbrief.errors import MineralBriefError  # noqa: E402


def run(paths: list[Path], candidates: bool, reasks: int, threads: int | None) -> list[dict]:
    s = mineralbrief.Summarizer(backend="local", cache=False, max_reasks=reasks,
                                local_candidates=candidates, local_threads=threads)
    rows = []
    for path in paths:
        attempts = 0
        t0 = time.perf_counter()
        try:
            brief = s.summarize(path)
            usage, outcome = brief.usage, "grounded" if brief.grounding.ok else \
                f"flagged ({len(brief.grounding.unverified)})"
        except MineralBriefError as exc:  # no brief, so no usage: the attempts are all it reports
            usage, outcome = None, f"error: {type(exc).__name__}"
            attempts = getattr(exc, "attempts", 0)
        dt = time.perf_counter() - t0
        done = usage.completion_tokens if usage else 0
        rows.append({"article": path.stem, "seconds": dt, "requests": usage.requests if usage else attempts,
                     "prompt": usage.prompt_tokens if usage else 0, "generated": done, "outcome": outcome})
        tokens = f"{done:5d} tok  {done / dt:5.1f} tok/s" if usage else "  tokens not reported"
        print(f"  {path.stem:28} {dt:6.1f} s  {rows[-1]['requests']} req  {tokens}  {outcome}", flush=True)
    return rows


def baseline(threads: int | None) -> float:
    """Tokens per second of the same model with no grammar (200 tokens of free text)."""
    model, lock = load_model(resolve_gguf(mineralbrief.Settings()), 8192, threads)
    text = (ROOT / "seeds" / "rarex_ussm_mou.txt").read_text(encoding="utf-8")
    with lock:
        t0 = time.perf_counter()
        out = model.create_chat_completion(
            messages=[{"role": "user", "content": "Summarise this article.\n\n" + text}],
            temperature=0, max_tokens=200)
        dt = time.perf_counter() - t0
    return out["usage"]["completion_tokens"] / dt


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--both", action="store_true", help="also run without candidates")
    ap.add_argument("--reasks", type=int, default=2)
    ap.add_argument("--limit", type=int, default=0, help="only the first N sample articles")
    ap.add_argument("--threads", type=int, default=None)
    args = ap.parse_args()
    paths = sorted((ROOT / "seeds").glob("*.txt"))[: args.limit or None]
    print(f"local backend on {len(paths)} articles, {os.cpu_count()} cores, "
          f"model {resolve_gguf(mineralbrief.Settings()).name}, max_reasks={args.reasks}")
    t0 = time.perf_counter()
    load_model(resolve_gguf(mineralbrief.Settings()), 8192, args.threads)
    print(f"model load: {time.perf_counter() - t0:.2f} s (once per process)")
    free_rate = baseline(args.threads)
    print(f"baseline, no grammar: {free_rate:.1f} generated tok/s")
    for candidates in ([True, False] if args.both else [True]):
        print(f"\ncandidates={'on' if candidates else 'off'}:")
        rows = run(paths, candidates, args.reasks, args.threads)
        secs = [r["seconds"] for r in rows]
        counted = [r for r in rows if r["generated"]]
        tokens = sum(r["generated"] for r in counted)
        rate = tokens / sum(r["seconds"] for r in counted) if counted else 0.0
        print(f"  total {sum(secs):.1f} s; {statistics.mean(secs):.1f} s/article (median "
              f"{statistics.median(secs):.1f}); {rate:.1f} generated tok/s overall = "
              f"{rate / free_rate:.2f}x the no-grammar baseline (end to end, prompt processing included); "
              f"{sum(r['requests'] for r in rows) / len(rows):.2f} requests/article; "
              f"briefs {sum(not r['outcome'].startswith('error') for r in rows)}/{len(rows)}")


if __name__ == "__main__":
    main()
