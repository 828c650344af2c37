"""Inputs from the real world: JSONL with a bad line, records with odd fields, links out of the
inbox, names that sanitise alike. Every input ends as an article or a typed error, never a crash,
and nothing is lost."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import mineralbrief
from mineralbrief.article import Article, load_article
from mineralbrief.errors import ArticleError
from mineralbrief.sources.files import iter_articles

from conftest import SEEDS

TEXT = (SEEDS / "rarex_ussm_mou.txt").read_text(encoding="utf-8")


def kinds(items: list) -> list[str]:
    return ["error" if isinstance(i, mineralbrief.ArticleError) else "article" for i in items]


# -- JSONL: one bad record is one failure ----------------------------------------------------
def test_one_bad_byte_in_a_thousand_jsonl_lines_fails_one_line(tmp_path: Path):
    lines = [json.dumps({"text": TEXT + f"\nNote {i}.\n", "title": f"t{i}"}).encode() for i in range(1000)]
    lines[500] = lines[500].replace(b"Note", b"N\xe9te")  # one Latin-1 byte
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    items = list(iter_articles(path))
    assert kinds(items).count("article") == 999
    errors = [i for i in items if isinstance(i, mineralbrief.ArticleError)]
    assert len(errors) == 1 and "feed.jsonl:501" in str(errors[0]) and "UTF-8" in str(errors[0])
    assert errors[0].article_id.endswith("feed.jsonl:501")


@pytest.mark.parametrize("sep", [b"\r\n", b"\r", b"\n"], ids=["crlf", "cr", "lf"])
def test_jsonl_line_endings_and_bom(tmp_path: Path, sep: bytes):
    records = [json.dumps({"text": TEXT + f"\n{i}\n"}).encode() for i in range(3)]
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + sep.join([records[0], b"", records[1], b"   ", records[2]]) + sep)
    items = list(iter_articles(path))
    assert kinds(items) == ["article"] * 3
    assert [i.source for i in items] == [f"{path}:1", f"{path}:3", f"{path}:5"]


def test_jsonl_line_separator_inside_a_string_is_not_a_line_break(tmp_path: Path):
    # U+2028 and U+0085 are legal inside JSON strings; str.splitlines() used to cut records there
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps({"text": TEXT + "\u2028and\u0085more"}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert kinds(list(iter_articles(path))) == ["article"]


def test_binary_file_named_jsonl_is_one_failure(tmp_path: Path):
    path = tmp_path / "image.jsonl"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40)
    assert kinds(list(iter_articles(path))) == ["error"]


def test_utf16_jsonl(tmp_path: Path):
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(json.dumps({"text": TEXT + f"{i}"}) for i in range(2)), encoding="utf-16")
    assert kinds(list(iter_articles(path))) == ["article", "article"]


# -- JSON records: a bad field is dropped, the article kept ------------------------------------
@pytest.mark.parametrize("field,value", [
    ("title", 123), ("title", ["a", "b"]), ("title", {"x": 1}), ("title", None), ("title", True),
    ("url", 5), ("url", ["https://a.test"]), ("url", "javascript:alert(1)"), ("url", "not a url"),
    ("published", 20261121), ("published", 1.5e9), ("published", ["2026-11-21"]), ("published", "yesterday"),
    ("published", {"date": "2026-11-21"}), ("published", "2026-13-45"),
])
def test_a_non_string_or_invalid_field_is_dropped_and_the_article_kept(tmp_path: Path, field, value):
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps({"text": TEXT, field: value}) + "\n")
    [article] = list(iter_articles(path))
    assert isinstance(article, mineralbrief.Article)
    if field == "title":
        assert article.title == TEXT.strip().splitlines()[0].strip()  # from the text instead
    else:
        assert getattr(article, field) is None
    one = tmp_path / "one.json"
    one.write_text(json.dumps({"text": TEXT, field: value}))
    assert isinstance(load_article(one), mineralbrief.Article)


def test_fields_are_cleaned(tmp_path: Path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"text": TEXT, "title": "  Two\nlines\x00 " + "x" * 1000,
                                "url": " https://example.test/a ", "published": "2026-11-21T08:00:00Z"}))
    a = load_article(path)
    assert a.title.startswith("Two lines") and len(a.title) <= 300 and "\n" not in a.title
    assert a.url == "https://example.test/a" and a.published.isoformat() == "2026-11-21"


@pytest.mark.parametrize("body,expected", [
    (b"", "error"), (b"   \n", "error"), (b"[]", "error"), (b"null", "error"), (b'"text"', "error"),
    (b"[" * 100_000 + b"]" * 100_000, "error"), (b'{"text": "x", "n": ' + b"9" * 5000 + b"}", "error"),
    (b'{"text": 42}', "error"), (b'{"text": "x", "text": "y"}', "error"),
])
def test_malformed_json_is_a_typed_error(tmp_path: Path, body: bytes, expected: str):
    path = tmp_path / "a.json"
    path.write_bytes(body)
    assert kinds(list(iter_articles(path))) == [expected]
    with pytest.raises(mineralbrief.ArticleError):
        load_article(path)


def test_a_json_list_of_records_is_one_article_per_record(tmp_path: Path):
    path = tmp_path / "feed.json"
    path.write_text(json.dumps([{"text": TEXT}, {"title": "no text"}, "oops", {"text": TEXT + "2"}]))
    items = list(iter_articles(path))
    assert kinds(items) == ["article", "error", "error", "article"]
    assert [getattr(i, "source", None) or i.article_id for i in items] == [f"{path}#{n}" for n in range(4)]
    with pytest.raises(mineralbrief.ArticleError, match="4 records"):
        load_article(path)


def test_lone_surrogates_from_json_escapes_become_replacement_characters(tmp_path: Path):
    path = tmp_path / "a.json"
    path.write_text('{"text": ' + json.dumps(TEXT)[:-1] + '\\ud800", "title": "T\\udfff"}')
    a = load_article(path)
    assert a.text.endswith("\ufffd") and a.title == "T\ufffd"
    a.text.encode("utf-8")  # no surrogate left to break a write


def test_lone_surrogates_in_an_article_built_in_python_are_replaced_not_a_raw_validation_error():
    # an Article made by the caller (not read from a file) got only its text cleaned: a lone
    # surrogate in its title or url raised pydantic's ValidationError out of summarize
    a = mineralbrief.Article(text=TEXT, title="T\ud800", url="https://example.com/\udfff")
    brief = mineralbrief.summarize(a, backend="offline", cache=False)
    assert brief.source.title == "T\ufffd" and brief.source.url == "https://example.com/\ufffd"
    brief.model_dump_json().encode("utf-8")
    [result] = mineralbrief.summarize_many([a], backend="offline", cache=False)
    assert result.status == "done", result.error



@pytest.mark.parametrize("title", ["   ", "\x01\x02", "\n\t"])
def test_a_blank_title_on_an_article_built_in_python_is_no_title(title: str):
    # a whitespace- or control-only title became an empty headline: pydantic's ValidationError
    brief = mineralbrief.summarize(mineralbrief.Article(text=TEXT, title=title), backend="offline", cache=False)
    assert brief.headline.strip() and brief.source.title is None


# -- links: never out of the inbox unless asked; loops and FIFOs are failures, not hangs -----------
def inbox_with_links(tmp_path: Path) -> tuple[Path, Path]:
    inbox, outside = tmp_path / "inbox", tmp_path / "outside"
    (inbox / "sub").mkdir(parents=True)
    (inbox / ".hidden").mkdir()
    outside.mkdir()
    (inbox / "a.txt").write_text(TEXT)
    (inbox / "sub" / "b.txt").write_text(TEXT + "\nb\n")
    (inbox / ".hidden" / "c.txt").write_text(TEXT + "\nc\n")
    (outside / "secret.txt").write_text(TEXT + "\nsecret\n")
    (inbox / "passwd.txt").symlink_to("/etc/passwd")
    (inbox / "secret.txt").symlink_to(outside / "secret.txt")
    (inbox / "outdir").symlink_to(outside)
    (inbox / "sub" / "up").symlink_to(inbox)  # a loop
    (inbox / "same.txt").symlink_to("a.txt")  # inside: read once, by its own path
    (inbox / "sub2").symlink_to("sub")  # inside: already read
    (inbox / "c.txt").symlink_to(".hidden/c.txt")  # inside, to a hidden file: read
    (inbox / "broken.txt").symlink_to("nowhere.txt")
    (inbox / "loop1.txt").symlink_to("loop2.txt")
    (inbox / "loop2.txt").symlink_to("loop1.txt")
    return inbox, outside


def sources(items: list) -> dict[str, str]:
    return {Path(getattr(i, "source", None) or i.article_id).name: k for i, k in zip(items, kinds(items))}


def test_links_out_of_the_inbox_are_failures_not_reads(tmp_path: Path):
    inbox, _ = inbox_with_links(tmp_path)
    items = list(iter_articles(inbox))
    assert sources(items) == {
        "a.txt": "article", "b.txt": "article", "c.txt": "article", "broken.txt": "error", "loop1.txt": "error",
        "loop2.txt": "error", "outdir": "error", "passwd.txt": "error", "secret.txt": "error", "up": "error",
    }
    errors = {Path(e.article_id).name: str(e) for e in items if isinstance(e, mineralbrief.ArticleError)}
    assert "outside the inbox" in errors["passwd.txt"] and "--follow-links" in errors["passwd.txt"]
    assert "outside the inbox" in errors["outdir"] and "loop" in errors["up"] and "broken" in errors["broken.txt"]
    assert not any("root:" in a.text for a in items if isinstance(a, mineralbrief.Article))


def test_follow_links_reads_them_and_still_stops_loops(tmp_path: Path):
    inbox, outside = inbox_with_links(tmp_path)
    (outside / "back").symlink_to(outside)  # a loop outside the inbox
    (inbox / "passwd.txt").unlink()
    items = list(iter_articles(inbox, follow_links=True))
    got = sources(items)
    assert got["secret.txt"] == "article" and got["up"] == "error" and got["back"] == "error"
    texts = [a.text for a in items if isinstance(a, mineralbrief.Article)]
    assert len(texts) == 4 and sum(t.endswith("secret\n") for t in texts) == 1  # outside/secret.txt once


def test_a_fifo_in_the_inbox_is_a_failure_not_a_hang(tmp_path: Path):
    import os

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    os.mkfifo(inbox / "pipe.txt")
    (inbox / "a.txt").write_text(TEXT)
    assert kinds(list(iter_articles(inbox))) == ["article", "error"]


def test_an_unreadable_folder_is_a_failure(tmp_path: Path, monkeypatch):
    import os

    inbox = tmp_path / "inbox"
    (inbox / "locked").mkdir(parents=True)
    (inbox / "a.txt").write_text(TEXT)
    real = os.scandir

    def scandir(path):  # root ignores permissions: refuse one folder the way EACCES would
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr("mineralbrief.sources.files.os.scandir", scandir)
    items = list(iter_articles(inbox))
    assert kinds(items) == ["article", "error"] and "Permission denied" in str(items[1])


def test_the_html_extra_declares_lxml_html_clean():
    """trafilatura imports lxml.html.clean, a separate package since lxml 5.2; a fresh
    `pip install -e ".[html]"` did not get it (checked by hand in a fresh venv, see the commit)."""
    import re

    from conftest import ROOT

    extra = re.search(r"^html = \[(.*)\]$", (ROOT / "pyproject.toml").read_text(), re.M)
    assert extra and "trafilatura" in extra.group(1) and "lxml_html_clean" in extra.group(1)
    import trafilatura  # noqa: F401  - and it imports here


def test_a_title_is_never_a_rule_line(tmp_path: Path):
    path = tmp_path / "a.md"
    path.write_text("---\n***\n\n" + TEXT)
    assert load_article(path).title == TEXT.strip().splitlines()[0].strip()


@pytest.mark.parametrize("swap", ["link_out", "fifo"])
def test_a_file_swapped_after_the_folder_was_read_is_not_followed(tmp_path: Path, swap):
    """The walk lists the inbox first and reads lazily: a file replaced in between by a link out
    of the inbox (or a FIFO) must not be read through it (or hang)."""
    import os

    inbox, outside = tmp_path / "inbox", tmp_path / "outside"
    inbox.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text(TEXT + "\nsecret\n")
    for name in ("a.txt", "b.txt", "c.jsonl"):
        (inbox / name).write_text(TEXT if name.endswith(".txt") else json.dumps({"text": TEXT}) + "\n")
    items = iter_articles(inbox)
    assert isinstance(next(items), mineralbrief.Article)  # the walk is done; b and c are not read yet
    for name in ("b.txt", "c.jsonl"):
        (inbox / name).unlink()
        if swap == "link_out":
            (inbox / name).symlink_to(outside / "secret.txt")
        else:
            os.mkfifo(inbox / name)
    rest = list(items)
    assert kinds(rest) == ["error", "error"]
    assert all(("became a link" if swap == "link_out" else "not a regular file") in str(e) for e in rest)


@pytest.mark.parametrize("name", ["wire.rss", "wire.xml", "wire.txt"])
def test_a_feed_is_not_read_as_one_article(tmp_path: Path, name: str, monkeypatch, capsys):
    # `mineralbrief summarize wire.rss` (the README's feed) briefed the XML as text: the headline
    # was "<rss version="2.0"><channel><title>Wire</title><item>"
    from xml.sax.saxutils import escape

    from mineralbrief.cli import main

    text = (SEEDS / "mp_materials_dod.txt").read_text(encoding="utf-8")
    feed = tmp_path / name
    feed.write_text(f'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Wire</title><item><title>MP</title>'
                    f"<link>https://example.com/mp</link><description>{escape(text)}</description></item></channel></rss>",
                    encoding="utf-8")
    with pytest.raises(ArticleError, match="a feed, not one article"):
        load_article(feed)
    assert main(["summarize", str(feed), "--backend", "offline"]) == 1
    assert "a feed, not one article" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(feed.read_bytes())))
    assert main(["summarize", "-", "--backend", "offline"]) == 1
    assert "stdin: a feed, not one article" in capsys.readouterr().err
    entries = list(mineralbrief.iter_source(feed))  # what reads a feed still does
    assert len(entries) == 1 and isinstance(entries[0], Article) and entries[0].title == "MP"


@pytest.mark.parametrize("body", ["jsonl", "json", "list"])
def test_json_records_on_stdin_are_refused_not_briefed_as_text(tmp_path: Path, body: str, monkeypatch, capsys):
    # `mineralbrief daily - < day.jsonl` briefed three articles as one, its headline '{"text": "Arafura...'
    from mineralbrief.cli import main

    records = [{"text": (SEEDS / name).read_text(encoding="utf-8"), "title": name}
               for name in ("rarex_ussm_mou.txt", "mp_materials_dod.txt")]
    data = {"jsonl": "\n".join(json.dumps(r) for r in records), "json": json.dumps(records[0], indent=2),
            "list": json.dumps(records)}[body]
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data.encode())))
    assert main(["summarize", "-", "--backend", "offline"]) == 1
    assert "stdin: JSON records" in capsys.readouterr().err
    out = tmp_path / "out"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data.encode())))
    assert main(["daily", "-", "--out", str(out), "--date", "2026-11-21", "--backend", "offline", "-q"]) == 3
    assert "stdin: JSON records" in (out / "2026-11-21" / "failures.jsonl").read_text(encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"[Reuters] " + TEXT.encode())))
    assert main(["summarize", "-", "--backend", "offline"]) == 0  # an article that opens with a bracket is read
