"""Articles and their loaders.

An ``Article`` is the text to brief plus what is known about it. ``as_article`` accepts what a
user has at hand: the text itself, a path, or an ``Article``. ``load_article`` reads one file
(text, Markdown, HTML, JSON or PDF) and ``read_stdin`` standard input. A whole inbox (folders
and JSONL files) is read by ``sources.files.iter_articles``.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import logging
import os
import re
import stat
import sys
from datetime import date
from pathlib import Path
from typing import IO, Any, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import ArticleError

log = logging.getLogger(__name__)

MAX_CHARS = 2_000_000
# a file is not read past this: 8 bytes per character leaves room for HTML markup and UTF-16
MAX_FILE_BYTES = 8 * MAX_CHARS
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class Article(BaseModel):
    """One news article or press release.

    Attributes:
        text: the body, as plain text.
        title: the headline, when known.
        url: where it was published.
        published: publication date, when known.
        source: where it was read from (a file path, "stdin", ...).
    """

    model_config = ConfigDict(frozen=True)

    text: str
    title: str | None = None
    url: str | None = None
    published: date | None = None
    source: str | None = Field(default=None)

    @property
    def content_hash(self) -> str:
        """SHA-256 of the text: the article's identity in the cache and in reports."""
        return hashlib.sha256(self.text.encode("utf-8", "surrogatepass")).hexdigest()

    @property
    def id(self) -> str:
        """A short name for messages: the source when known, else the hash prefix."""
        return self.source or self.content_hash[:12]


ArticleLike = Union[str, Path, Article]


def _no_surrogates(text: str) -> str:
    # a JSON "\\ud800" escape gives a lone surrogate, which no UTF-8 file can hold: writing the
    # brief would fail after the work was done. Encoding to UTF-8 fails on surrogates alone, and
    # is a C pass five times cheaper than searching for them with a pattern.
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def check_text(text: str, source: str | None = None) -> str:
    """Reject what is not an article: empty, binary or oversized text. Returns the text, with
    any lone surrogate (which no UTF-8 file can hold) replaced by U+FFFD.

    Raises:
        ArticleError: with a message that says what is wrong.
    """
    where = f"{source}: " if source else ""
    text = _no_surrogates(text)
    if "\x00" in text:
        raise ArticleError(f"{where}looks binary (contains NUL bytes), not an article", article_id=source)
    if not text.strip():
        raise ArticleError(f"{where}the article is empty", article_id=source)
    if len(text) > MAX_CHARS:
        raise ArticleError(
            f"{where}the article is {len(text):,} characters; the limit is {MAX_CHARS:,}",
            article_id=source,
        )
    return text


def display_path(path: str | Path) -> str:
    """A path as one printable line: bytes that are not UTF-8 as ``\\xNN`` and control
    characters (a newline in a file name) escaped, so messages stay one line and JSON-safe, and
    bidi controls as ``\\uNNNN`` ("evil\\u202etxt.exe" reversed the rest of its error line)."""
    text = os.fsencode(path).decode("utf-8", "backslashreplace")
    return re.sub("[\x00-\x1f\x7f]|[\u202a-\u202e\u2066-\u2069]",
                  lambda m: f"\\x{ord(m.group()):02x}" if m.group() < "\x80" else f"\\u{ord(m.group()):04x}", text)


def _decode(data: bytes, source: str) -> str:
    if data[:2] in _UTF16_BOMS:
        encoding = "utf-16"
    elif b"\x00" in data[:8192]:
        raise ArticleError(f"{source}: looks binary (contains NUL bytes), not an article", article_id=source)
    else:
        encoding = "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ArticleError(
            f"{source}: not valid {encoding.upper().replace('-SIG', '')} text "
            f"(bad byte at offset {exc.start})", article_id=source,
        ) from exc


def _read_capped(stream: IO[bytes], source: str) -> bytes:
    # read one byte past the cap rather than trusting st_size (pipes and /proc files have none)
    data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ArticleError(f"{source}: the file is over the limit of {MAX_FILE_BYTES:,} bytes", article_id=source)
    return data


# -- metadata: a title, URL or date that is not usable is dropped and the article kept ----------
def _clean_line(value: object, limit: int) -> str | None:
    if not isinstance(value, str):
        return None
    value = _no_surrogates(value)
    # one line without control characters: a title is shown in Markdown headings and messages
    text = " ".join(re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", value).split())
    return text[:limit] or None


def _clean_url(value: object) -> str | None:
    url = _clean_line(value, 2000)
    # only web links: a javascript: or file: URL from an article must never become a link
    return url if url and " " not in url and re.match(r"https?://[^/]", url, re.I) else None


def _clean_date(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _title_from_text(text: str) -> str | None:
    for line in text.splitlines():
        title = _clean_line(line.strip().lstrip("#"), 300)
        if title and re.search(r"\w", title):  # not a rule such as --- or ***
            return title
    return None


def clean_title(value: str) -> str | None:
    """A title as the readers keep one: one line, without control characters, at most 300."""
    return _clean_line(value, 300)


def _article(text: str, source: str, title: object = None, url: object = None, published: object = None) -> Article:
    """An ``Article`` from loaded parts; fields that are not usable are dropped (logged)."""
    text = check_text(text, source)
    clean_title, clean_url, day = _clean_line(title, 300), _clean_url(url), _clean_date(published)
    checked = (("title", title, clean_title), ("url", url, clean_url), ("published", published, day))
    dropped = [name for name, given, kept in checked if given not in (None, "") and kept is None]
    if dropped:
        log.info("%s: ignored %s (not usable)", source, ", ".join(dropped))
    try:
        return Article(text=text, title=clean_title or _title_from_text(text), url=clean_url, published=day,
                       source=source)
    except ValidationError as exc:  # a guard: the fields were cleaned above
        raise ArticleError(f"{source}: not an article: {exc.errors()[0]['msg']}", article_id=source) from None


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)


def _from_markdown(text: str, source: str) -> Article:
    meta: dict[str, str] = {}
    m = _FRONT_MATTER.match(text)
    if m:
        for line in m.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep:
                meta[key.strip().lower()] = value.strip().strip("'\"")
        text = text[m.end():]
    return _article(text, source, meta.get("title"), meta.get("url"), meta.get("published") or meta.get("date"))


def _from_record(record: object, source: str) -> Article:
    if not isinstance(record, dict):
        raise ArticleError(f"{source}: expected a JSON object with 'text', got {type(record).__name__}",
                           article_id=source)
    text = record.get("text")
    if not isinstance(text, str):
        raise ArticleError(f"{source}: JSON record has no 'text' string", article_id=source)
    return _article(text, source, record.get("title"), record.get("url"), record.get("published"))


def _parse_json(text: str, source: str) -> Any:
    if not text.strip():
        raise ArticleError(f"{source}: the file is empty", article_id=source)
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except RecursionError:
        raise ArticleError(f"{source}: JSON nested too deeply", article_id=source) from None
    except ValueError as exc:  # JSONDecodeError, and ints past Python's digit limit
        raise ArticleError(f"{source}: invalid JSON: {getattr(exc, 'msg', exc)}", article_id=source) from None


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # {"text": "a", "text": "b"} is ambiguous: which text did the sender mean?
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError(f"a key appears twice ({sorted({k for k in keys if keys.count(k) > 1})[0]!r})")
    return dict(pairs)


def _records(value: Any, source: str) -> list[Article | ArticleError]:
    """One article per record: a JSON object, or each object of a JSON list (``source#i``)."""
    if not isinstance(value, list):
        return [_from_record(value, source)]
    if not value:
        raise ArticleError(f"{source}: an empty JSON list", article_id=source)
    out: list[Article | ArticleError] = []
    for i, record in enumerate(value):
        try:
            out.append(_from_record(record, f"{source}#{i}"))
        except ArticleError as exc:
            out.append(exc)
    return out


def _from_html(html: str, source: str) -> Article:
    try:
        import trafilatura
    except ImportError as exc:  # the extra is missing, or one of its parts (lxml_html_clean)
        raise ArticleError(
            f"{source}: reading HTML needs the 'html' extra: pip install 'mineralbrief[html]' ({exc})",
            article_id=source,
        ) from exc
    try:
        text = trafilatura.extract(html) or ""
        meta = trafilatura.extract_metadata(html)
    except Exception as exc:  # lxml and trafilatura raise many types on hostile markup
        raise ArticleError(f"{source}: cannot read the HTML ({type(exc).__name__}: {exc})",
                           article_id=source) from exc
    if meta is None:
        return _article(text, source)
    return _article(text, source, meta.title, meta.url, meta.date)


def _open(path: Path, real: Path | None) -> io.BufferedReader:
    """The file to read. One found by a folder walk (``real`` given) is opened at the real path
    the walk checked, never through a link put there since (O_NOFOLLOW), and only when it is
    still a regular file (O_NONBLOCK: a FIFO put there since must not hang the open)."""
    if real is None:
        return path.open("rb")
    fd = os.open(real, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a FIFO, socket or device); not read")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _cannot_read(source: str, exc: OSError) -> ArticleError:
    why = ("it became a link after the folder was read; not followed" if exc.errno == errno.ELOOP
           else f"cannot read: {exc.strerror or exc}")
    return ArticleError(f"{source}: {why}", article_id=source)


def _load(p: Path, real: Path | None = None) -> list[Article | ArticleError]:
    """Every article in one file: one, or one per record of a JSON list."""
    source = display_path(p)
    try:
        with _open(p, real) as f:
            data = _read_capped(f, source)
    except OSError as exc:
        raise _cannot_read(source, exc) from exc
    except ValueError as exc:  # a NUL in the name: no file can have it
        raise ArticleError(f"{source}: cannot read: {exc}", article_id=source) from exc
    suffix = p.suffix.lower()
    if suffix == ".pdf":
        from .sources.pdf import pdf_article  # pypdf is an extra: imported only for a PDF

        return [pdf_article(data, source)]
    text = _decode(data, source)
    if suffix in (".html", ".htm"):
        return [_from_html(text, source)]
    if suffix == ".json":
        return _records(_parse_json(text, source), source)
    _not_a_feed(text, source, suffix)
    return [_from_markdown(text, source)]


def _json_records(text: str) -> bool:
    """Whether ``text`` is JSON (a record or a list) or JSON Lines, not an article's text."""
    start = text.lstrip("\ufeff \t\r\n")
    if not start.startswith(("{", "[")):
        return False
    for candidate in (start, start.split("\n", 1)[0]):  # all of it, or its first line (JSONL)
        try:
            if isinstance(json.loads(candidate), (dict, list)):
                return True
        except (ValueError, RecursionError):
            continue
    return False


def _not_a_feed(text: str, source: str, suffix: str = "") -> None:
    """Refuse a feed read as one article: its XML was briefed as text, "<rss version=..." the headline."""
    start = text.lstrip("\ufeff \t\r\n")[:1024].lower()
    if suffix in (".rss", ".atom", ".xml") or start.startswith(("<rss", "<feed")) or (
            start.startswith("<?xml") and re.search(r"<(rss|feed)\b", start)):
        raise ArticleError(f"{source}: a feed, not one article; read its entries with iter_source "
                           "or `mineralbrief daily`", article_id=source)


def load_article(path: str | Path) -> Article:
    """Read one article from a ``.txt``, ``.md``, ``.html``, ``.json`` or ``.pdf`` file (a PDF
    needs the ``[pdf]`` extra; one without a text layer, such as a scan, is an ``ArticleError``).

    Raises:
        ArticleError: the file is missing, binary, empty, undecodable or malformed, holds
            several records (read those with ``iter_articles``) or is a feed (``iter_source``).
    """
    items = _load(Path(path))
    if len(items) > 1:
        source = display_path(path)
        raise ArticleError(f"{source}: holds {len(items)} records; read them with iter_articles "
                           "or `mineralbrief daily`", article_id=source)
    if isinstance(items[0], ArticleError):
        raise items[0]
    return items[0]


def read_stdin(title: str | None = None) -> Article:
    """The article on standard input, as bytes decoded like a file (a bad byte is an
    ``ArticleError``, not a traceback); a ``.md``-style front matter is read. The title is
    ``title``, else the front matter's, else the first line, as for a ``.txt`` file.

    Raises:
        ArticleError: stdin is closed, binary, empty or not UTF-8/UTF-16.
    """
    stream = sys.stdin
    if stream is None:
        raise ArticleError("stdin: not available", article_id="stdin")
    buffer = getattr(stream, "buffer", None)  # absent on a text stream put in place of stdin
    text = _decode(_read_capped(buffer, "stdin"), "stdin") if buffer is not None else stream.read()
    _not_a_feed(text, "stdin")
    if _json_records(text):  # `daily - < day.jsonl` briefed every record as one article's text, JSON and all
        raise ArticleError("stdin: JSON records, not an article's text; save them as a .json or .jsonl "
                           "file and give its name", article_id="stdin")
    article = _from_markdown(text, "stdin")
    chosen = _clean_line(title, 300) if title else article.title or _title_from_text(article.text)
    return article if chosen == article.title else article.model_copy(update={"title": chosen})


def as_article(obj: ArticleLike) -> Article:
    """Turn what the user passed into an ``Article``.

    A ``str`` is always the article's text, never a path: reading a file because some text
    happens to name one would let any caller's text open files. A short one-line ``str`` that
    names an existing file is refused with a pointer to ``Path``.

    Raises:
        ArticleError: the input is empty, binary or not an article, or a ``str`` naming a file.
    """
    if isinstance(obj, Article):
        # the caller's own Article: its title and url reach the brief too, so no lone surrogate
        # (which no UTF-8 file can hold) may stay in them either, and a title is cleaned as the
        # readers clean one (a blank one is none: it would make an empty headline)
        update: dict[str, str | None] = {"text": check_text(obj.text, obj.source)}
        if obj.url is not None:
            update["url"] = _no_surrogates(obj.url)
        if obj.title is not None:
            title = clean_title(obj.title)
            update["title"] = obj.title if title == obj.title else title
        changed = {k: v for k, v in update.items() if v is not getattr(obj, k)}
        return obj.model_copy(update=changed) if changed else obj
    if isinstance(obj, Path):
        return load_article(obj)
    if isinstance(obj, str):
        if len(obj) < 1024 and "\n" not in obj and _names_a_file(obj):
            raise ArticleError(f"{obj!r} names a file, and a str is read as the article's text: "
                               f"pass Path({obj!r}) to read the file")
        return Article(text=check_text(obj), title=_title_from_text(obj))
    raise ArticleError(f"expected article text, a Path or an Article, got {type(obj).__name__}")


def _names_a_file(text: str) -> bool:
    try:
        return Path(text.strip()).is_file()
    except (OSError, ValueError):  # a name too long, or with a NUL: not a file
        return False
