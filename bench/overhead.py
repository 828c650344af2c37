"""Per-call cost of summarize(..., cache=False) beside plain instructor, same schema, same server.

Both talk to the fixture server in tests/oai_server.py on 127.0.0.1 (zero added latency), which
answers with the hand-written reference answer for the sample article. Plain instructor does
the same request with the same response model and nothing else; mineralbrief adds the domain
scan, prompt rendering, grounding (as validator and after), the transport-retry wrapper and
provenance. Prints both means and their ratio (target <= 1.1x).

    .venv/bin/python bench/overhead.py [N]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import instructor  # noqa: E402
import openai  # noqa: E402

import mineralbrief  # noqa: E402
from mineralbrief.models import BriefContent  # noqa: E402
from oai_server import FakeOpenAIServer, Reply, completion, reference_answers  # noqa: E402

ARTICLE = ROOT / "seeds" / "mp_materials_dod.txt"


def main(n: int = 200) -> None:
    text = ARTICLE.read_text(encoding="utf-8")
    ref = next(iter(v for k, v in reference_answers(ROOT / "seeds").items() if v["headline"].startswith("Pentagon")))
    with FakeOpenAIServer(default=lambda req: Reply(body=completion(req, ref))) as srv:
        summarizer = mineralbrief.Summarizer(base_url=srv.base_url, cache=False)
        plain = instructor.from_openai(openai.OpenAI(base_url=srv.base_url, api_key="x", max_retries=0))
        messages = [{"role": "system", "content": "Brief this article."},
                    {"role": "user", "content": f"<article>\n{text}\n</article>"}]

        def ours() -> None:
            brief = summarizer.summarize(text)
            assert brief.grounding.ok

        def theirs() -> None:
            plain.chat.completions.create(model="gpt-4o-mini", response_model=BriefContent,
                                          messages=messages, max_retries=0)

        wrapped = instructor.response_schema(BriefContent)

        def theirs_wrapped() -> None:
            plain.chat.completions.create(model="gpt-4o-mini", response_model=wrapped,
                                          messages=messages, max_retries=0)

        fns = {"mineralbrief": ours, "plain": theirs, "plain_wrapped": theirs_wrapped}
        for fn in fns.values():  # warm up every path
            for _ in range(10):
                fn()
        times: dict[str, list[float]] = {k: [] for k in fns}
        for _ in range(n):  # interleave so drift hits every path equally
            for name, fn in fns.items():
                t = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - t)
    ms = {k: statistics.mean(v) * 1000 for k, v in times.items()}
    med = {k: statistics.median(v) * 1000 for k, v in times.items()}
    print(f"article: {ARTICLE.name} ({len(text):,} chars), {n} calls each, zero-latency local server")
    print(f"plain instructor, plain model:          {ms['plain']:7.2f} ms/call (median {med['plain']:.2f})")
    print(f"plain instructor, pre-wrapped schema:   {ms['plain_wrapped']:7.2f} ms/call (median {med['plain_wrapped']:.2f})")
    print(f"mineralbrief summarize(cache=False):    {ms['mineralbrief']:7.2f} ms/call (median {med['mineralbrief']:.2f})")
    print(f"ratio vs plain instructor:              {ms['mineralbrief'] / ms['plain']:.2f}x (target <= 1.10x)")
    print(f"ratio vs plain with pre-wrapped schema: {ms['mineralbrief'] / ms['plain_wrapped']:.2f}x "
          "(what the domain scan and grounding cost on their own)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
