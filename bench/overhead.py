"""Per-call cost on a real-length input, beside plain instructor and the raw openai floor.

All three talk to the same stand-in endpoint (bench/common.py: a process on 127.0.0.1 answering
at once with a grounded FIXTURE answer for a 13 KB press release), with clients made once:

* raw openai: ``chat.completions.create`` with the brief's tool schema (the floor);
* plain instructor: ``from_openai(...).chat.completions.create(response_model=BriefContent)``;
* ``mineralbrief.summarize(text, cache=False)``, the module-level call a service makes;
* ``Summarizer(cache=False).summarize(text)``, reused.

Calls are interleaved so drift hits every path alike; medians are printed with the ratios to
plain instructor (target <= 1.10x).

    .venv/bin/python bench/overhead.py [N]
"""

from __future__ import annotations

import statistics
import sys
import time

from common import endpoint, release


def main(n: int = 60) -> None:
    import instructor
    import openai

    import mineralbrief
    from mineralbrief.models import BriefContent

    text = release()
    with endpoint(delay=0.0) as base_url:
        raw = openai.OpenAI(base_url=base_url, api_key="x", max_retries=0)
        plain = instructor.from_openai(openai.OpenAI(base_url=base_url, api_key="x", max_retries=0))
        messages = [{"role": "system", "content": "Brief this article."},
                    {"role": "user", "content": f"<article>\n{text}\n</article>"}]
        tools = [{"type": "function",
                  "function": {"name": "BriefContent", "parameters": BriefContent.model_json_schema()}}]
        reused = mineralbrief.Summarizer(base_url=base_url, cache=False)

        def check(brief: mineralbrief.Brief) -> None:
            if not brief.grounding.ok:
                raise SystemExit(f"the stand-in's answer did not ground: {brief.grounding.unverified[:3]}")

        paths = {
            "raw openai (floor)": lambda: raw.chat.completions.create(
                model="m", messages=messages, tools=tools,
                tool_choice={"type": "function", "function": {"name": "BriefContent"}}),
            "plain instructor": lambda: plain.chat.completions.create(
                model="m", response_model=BriefContent, messages=messages, max_retries=0),
            "mineralbrief.summarize()": lambda: check(mineralbrief.summarize(text, base_url=base_url, cache=False)),
            "Summarizer, reused": lambda: check(reused.summarize(text)),
        }
        for fn in paths.values():  # warm up every path (imports, connections, schema caches)
            for _ in range(5):
                fn()
        times: dict[str, list[float]] = {k: [] for k in paths}
        for _ in range(n):
            for name, fn in paths.items():
                t = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - t)
    med = {k: statistics.median(v) * 1000 for k, v in times.items()}
    base = med["plain instructor"]
    print(f"article: {len(text):,} characters; {n} interleaved calls per path; zero-latency local endpoint")
    for name, ms in med.items():
        print(f"  {name:28s} {ms:7.2f} ms/call (median)   {ms / base:5.2f}x plain instructor")
    print("  target: mineralbrief.summarize() and a reused Summarizer <= 1.10x plain instructor")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
