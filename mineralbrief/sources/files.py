"""Inboxes: folders, files and JSONL files, read as many articles.

``iter_articles`` reads a whole inbox (a folder, a file, or stdin) and turns every input into an
article or an ``ArticleError``: one bad file, line or record is that input's failure, never the
batch's. One file is read by ``article``'s loaders.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..article import (
    _UTF16_BOMS,
    MAX_FILE_BYTES,
    Article,
    _cannot_read,
    _decode,
    _load,
    _open,
    _parse_json,
    _read_capped,
    _records,
    display_path,
    read_stdin,
)
from ..errors import ArticleError

ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl", ".pdf")


def iter_articles(path: str | Path, *, follow_links: bool = False) -> Iterator[Article | ArticleError]:
    """Every article under ``path``, lazily: a file, a folder (recursively, in sorted order,
    hidden names skipped), or ``-`` for stdin. A ``.jsonl`` file gives one article per line, a
    ``.json`` list one per record.

    Inputs that cannot be read as articles are yielded as ``ArticleError`` (never raised), so a
    batch reports them as failures and goes on: a bad file, a bad line of a JSONL file, a bad
    record. A title, URL or date that is not usable is dropped and the article kept.

    Args:
        path: the inbox.
        follow_links: read links that lead out of the folder. By default such a link is an
            ``ArticleError`` (a link in an inbox must not read ``/etc/passwd``). Links that stay
            inside are read, each file once; a link back to a folder that holds it is an error.
    """
    if str(path) == "-":
        try:
            yield read_stdin()
        except ArticleError as exc:
            yield exc
        return
    p = Path(path)
    if not p.exists():
        yield ArticleError(f"{display_path(p)}: no such file or folder", article_id=display_path(p))
        return
    for item in _walk(p, follow_links=follow_links) if p.is_dir() else [(p, None)]:
        if isinstance(item, ArticleError):
            yield item
        elif item[0].suffix.lower() == ".jsonl":
            yield from _iter_jsonl(*item)
        else:
            yield from _load_safely(*item)


def _load_safely(f: Path, real: Path | None) -> list[Article | ArticleError]:
    try:
        return _load(f, real)
    except ArticleError as exc:
        return [exc]
    except Exception as exc:  # a loader bug must cost one input, not the whole inbox
        source = display_path(f)
        return [ArticleError(f"{source}: cannot read ({type(exc).__name__}: {exc})", article_id=source)]


# -- JSONL: read line by line, so one bad line or byte costs that line only -----------------------
MAX_LINE_BYTES = MAX_FILE_BYTES
_UTF8_BOM = b"\xef\xbb\xbf"


def _iter_jsonl(path: Path, real: Path | None = None) -> Iterator[Article | ArticleError]:
    source = display_path(path)
    try:
        with _open(path, real) as f:
            head = f.peek(8192)[:8192]
            if head[:2] in _UTF16_BOMS:  # rare: decode the whole file, then split
                text = _decode(_read_capped(f, source), source)
                lines: Iterator[tuple[int, bytes | None]] = _split_lines(text.encode("utf-8"))
            elif b"\x00" in head:
                raise ArticleError(f"{source}: looks binary (contains NUL bytes), not JSON lines", article_id=source)
            else:
                lines = _lines(f)
            for n, raw in lines:
                yield from _jsonl_record(raw, f"{source}:{n}")
    except ArticleError as exc:
        yield exc
    except OSError as exc:
        yield _cannot_read(source, exc)


def _lines(f: IO[bytes]) -> Iterator[tuple[int, bytes | None]]:
    """``(line number, bytes)`` of a binary stream; ``None`` for a line over the size limit."""
    n = 0
    while True:
        raw = f.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # skip the rest of that line
                raw = f.readline(MAX_LINE_BYTES)
            n += 1
            yield n, None
            continue
        for number, part in _split_lines(raw, n):
            n = number
            yield number, part


def _split_lines(data: bytes, n: int = 0) -> Iterator[tuple[int, bytes]]:
    # a JSON text holds no raw CR or LF (both are escaped inside strings), so LF, CRLF and a lone
    # CR all end a record; U+2028 and U+0085 may appear inside strings and are not line ends
    lines = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    if lines[-1] == b"":
        lines.pop()  # what follows the last line end is no line
    for line in lines:
        n += 1
        yield n, line


def _jsonl_record(raw: bytes | None, source: str) -> list[Article | ArticleError]:
    try:
        if raw is None:
            raise ArticleError(f"{source}: the line is over the limit of {MAX_LINE_BYTES:,} bytes", article_id=source)
        try:
            line = raw.removeprefix(_UTF8_BOM).decode("utf-8")  # a BOM on any line: files joined with cat
        except UnicodeDecodeError as exc:
            raise ArticleError(f"{source}: not valid UTF-8 text (bad byte at offset {exc.start})",
                               article_id=source) from None
        if not line.strip():
            return []  # a blank line is no record
        return _records(_parse_json(line, source), source)
    except ArticleError as exc:
        return [exc]


# -- folders: links that leave the inbox are not followed unless asked ---------------------------
@dataclass
class _Found:
    path: Path  # as seen under the inbox
    real: Path | None  # the file it reads
    linked: bool  # reached through a link
    error: ArticleError | None = None


def _error(path: Path, why: str) -> _Found:
    source = display_path(path)
    return _Found(path, None, True, ArticleError(f"{source}: {why}", article_id=source))


def _walk(root: Path, *, follow_links: bool = False) -> Iterator[tuple[Path, Path] | ArticleError]:
    """The files under ``root`` in sorted order (hidden names skipped), each real file once, as
    ``(path as seen, real path)``.

    A link is read when it stays inside ``root`` (or with ``follow_links``); otherwise, and when
    it is broken, loops, or names a FIFO, socket or device (reading one could hang), it is an
    ``ArticleError``, so the run reports it. A file reached both by its own path and through a
    link is read by its own path.
    """
    top = root.resolve()
    found: list[_Found] = []
    links: list[tuple[Path, Path]] = []  # (the link, the real folder that holds it)
    walked: set[Path] = set()

    def scan(start: Path, real_start: Path, linked: bool) -> None:
        stack = [(start, real_start)]
        while stack:
            shown, real = stack.pop()
            walked.add(real)
            try:
                with os.scandir(shown) as entries:
                    listed = list(entries)
            except OSError as exc:
                found.append(_error(shown, f"cannot read the folder: {exc.strerror or exc}"))
                continue
            for e in listed:
                if e.name.startswith("."):
                    continue
                path = shown / e.name
                try:
                    if e.is_symlink():
                        links.append((path, real))
                    elif e.is_dir(follow_symlinks=False):
                        stack.append((path, real / e.name))
                    elif e.is_file(follow_symlinks=False):
                        found.append(_Found(path, real / e.name, linked))
                    else:
                        found.append(_error(path, "not a regular file (a FIFO, socket or device); not read"))
                except OSError as exc:
                    found.append(_error(path, f"cannot read: {exc.strerror or exc}"))

    scan(root, top, linked=False)
    for path, holder in links:  # grows while linked folders are scanned
        found.extend(_follow(path, holder, top, follow_links, walked, scan))

    direct = {f.real for f in found if not f.linked}
    seen: set[Path] = set()
    for f in sorted(found, key=lambda f: f.path):
        if f.error is not None:
            yield f.error
        elif f.real is not None and f.real not in seen and not (f.linked and f.real in direct):
            seen.add(f.real)
            yield f.path, f.real


def _follow(path: Path, holder: Path, top: Path, follow_links: bool, walked: set[Path],
            scan: Callable[[Path, Path, bool], None]) -> list[_Found]:
    """What one link adds: a file, a folder's files (through ``scan``), or an error."""
    try:
        target = path.resolve(strict=True)
    except FileNotFoundError:
        return [_error(path, "a broken link; not read")]
    except (OSError, RuntimeError):  # ELOOP (Python 3.13) or RuntimeError (before)
        return [_error(path, "a link loop; not read")]
    if not follow_links and not target.is_relative_to(top):
        return [_error(path, f"a link to {display_path(target)}, outside the inbox; not followed "
                             "(follow_links=True or --follow-links reads it)")]
    if target.is_dir():
        if target == holder or target in holder.parents:
            return [_error(path, f"a link to {display_path(target)}, a folder that holds it (a loop); not followed")]
        if target not in walked:  # a folder already read is not read twice
            scan(path, target, True)
        return []
    if target.is_file():
        return [_Found(path, target, True)]
    return [_error(path, "a link to something that is not a regular file (a FIFO, socket or device); not read")]
