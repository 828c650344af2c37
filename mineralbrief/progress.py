"""The progress of a ``daily`` run on stderr: a rich progress bar on a terminal, plain lines
(at most one every few seconds, and the last) when stderr is a file or a pipe."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from .runner import Progress

Show = Callable[["Progress"], None]


@contextmanager
def progress_display(*, quiet: bool = False, stream: IO[str] | None = None, every: float = 5.0) -> Iterator[Show]:
    """A callback for ``run_daily(on_progress=...)`` that shows the run's progress.

    Args:
        quiet: show nothing.
        stream: where to show it (default stderr).
        every: seconds between plain lines when ``stream`` is not a terminal.
    """
    out = stream or sys.stderr
    if quiet:
        yield lambda p: None
        return
    if not out.isatty():
        last = [0.0]

        def plain(p: Progress) -> None:
            now = time.monotonic()
            if p.finished == p.total or now - last[0] >= every:
                last[0] = now
                out.write(p.line() + "\n")
                out.flush()

        yield plain
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
    from rich.progress import Progress as Bar

    bar = Bar(TextColumn("briefing"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[counts]}"),
              TimeRemainingColumn(), console=Console(file=out), transient=False)
    task = bar.add_task("briefing", total=None, counts="")

    def rich_bar(p: Progress) -> None:
        c = p.counts
        counts = (f"done {c['done']} · cached {c['cached']} · kept {c['kept']} · failed {c['failed']}"
                  f" · skipped {c['skipped_budget']} · {p.rate:,.1f}/s")
        bar.update(task, total=p.total, completed=p.finished, counts=counts)

    with bar:
        yield rich_bar
