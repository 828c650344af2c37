"""The README's Python blocks run as pasted: one fresh interpreter, the blocks in order, from a
folder holding the sample articles (and the tests' fake servers), with OPENAI_API_KEY and
OPENAI_BASE_URL pointing at the FIXTURE server (answers are the offline backend's briefs, not a
model's). A ```py block is an example the README says needs a real key: shown, not run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

from conftest import ROOT
from fixture_model import fixture_reply
from oai_server import FakeOpenAIServer

BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def test_every_python_block_of_the_readme_runs(tmp_path):
    blocks = BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(blocks) >= 5
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    (tmp_path / "tests").mkdir()
    for module in (ROOT / "tests").glob("*.py"):  # the fake servers a block may start (no data, no links)
        shutil.copy(module, tmp_path / "tests" / module.name)
    script = "\n\n".join(f"print('--- block {i}', flush=True)\n{b}" for i, b in enumerate(blocks))
    (tmp_path / "readme_blocks.py").write_text(script, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MINERALBRIEF_", "OPENAI_"))}
    with FakeOpenAIServer(default=fixture_reply) as srv:
        env.update(OPENAI_API_KEY="sk-fixture-not-a-key", OPENAI_BASE_URL=srv.base_url,
                   MINERALBRIEF_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=str(ROOT))
        proc = subprocess.run([sys.executable, "readme_blocks.py"], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    assert f"--- block {len(blocks) - 1}" in proc.stdout
