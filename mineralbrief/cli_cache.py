"""The ``mineralbrief cache`` commands: ``cache info`` and ``cache clear``, on the disk cache or
a shared Redis one (``--cache-url``), on their own typer app (``cache_app``), which cli.py adds
to the command as ``cache``. Parses, calls the cache, prints; errors are cli.py's one line.

Split from cli.py.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, Optional

import typer

from .api import make_settings
from .cache import BriefCache, open_cache_url, remake_cache
from .errors import ConfigError, MineralBriefError

cache_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="Inspect or clear the brief cache.")

_CACHE_URL = typer.Option(
    None, "--cache-url", help="A shared Redis cache (redis://host:6379/0); default MINERALBRIEF_CACHE_URL, "
    "else the disk cache.")


def _redis_cache(cache_url: str | None) -> Any:
    """The Redis cache named by ``--cache-url`` or the settings, or None for the disk cache."""
    url = cache_url or make_settings().cache_url
    if not url:
        return None
    return open_cache_url(url, Path())  # a Redis URL: ConfigError for another scheme or no [redis]


def _on_redis(cache: Any, what: Callable[[Any], Any]) -> Any:
    import redis

    try:
        return what(cache)
    except (redis.RedisError, OSError) as exc:
        raise ConfigError(f"the cache at {cache.name} cannot be used ({type(exc).__name__}: {exc})") from None
    finally:
        cache.close()


@cache_app.command("info")
def cache_info(cache_url: Optional[str] = _CACHE_URL) -> None:
    """Where the cache is and what it holds."""
    shared = _redis_cache(cache_url)
    if shared is not None:
        info = _on_redis(shared, lambda c: c.info())
        ttl = f"{info['ttl']:,} s" if info["ttl"] else "none (kept until removed)"
        typer.echo(f"server: {info['url']}\nentries: {info['entries']}\nttl: {ttl}")
        return
    directory = make_settings().resolved_cache_dir
    if not directory.exists():  # nothing cached yet: say so without creating it
        typer.echo(f"directory: {directory}\nentries: 0\nsize: 0 bytes")
        return
    try:
        info = _on_disk(directory, lambda c: c.info())
    except (sqlite3.Error, OSError) as exc:
        raise _cache_error(directory, exc) from exc
    typer.echo(f"directory: {info['directory']}\nentries: {info['entries']}\nsize: {info['size_bytes']:,} bytes")


@cache_app.command("clear")
def cache_clear(cache_url: Optional[str] = _CACHE_URL) -> None:
    """Remove every cached brief; a corrupt cache is removed and made again."""
    shared = _redis_cache(cache_url)
    if shared is not None:
        removed = _on_redis(shared, lambda c: c.clear())
        typer.echo(f"removed {removed} cached brief(s) from {shared.name}")
        return
    directory = make_settings().resolved_cache_dir
    if not directory.exists():
        typer.echo(f"removed 0 cached brief(s) from {directory} (no cache there)")
        return
    try:
        removed = _on_disk(directory, lambda c: c.clear())
    except sqlite3.OperationalError as exc:  # read-only, locked, cannot open: nothing to repair
        raise _cache_error(directory, exc) from exc
    except sqlite3.DatabaseError as exc:  # not a database, or a malformed one: start again
        remake_cache(directory, exc)
        typer.echo(f"the cache at {directory} was corrupt ({exc}); removed it and created an empty one")
        return
    except OSError as exc:
        raise _cache_error(directory, exc) from exc
    typer.echo(f"removed {removed} cached brief(s) from {directory}")


def _on_disk(directory: Path, what: Callable[[BriefCache], Any]) -> Any:
    """``what`` done on the disk cache in ``directory``, opened for it and closed after."""
    cache = BriefCache(directory)
    try:
        return what(cache)
    finally:
        cache.close()


def _cache_error(directory: Path, exc: Exception) -> MineralBriefError:
    corrupt = isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError)
    hint = "; `mineralbrief cache clear` removes and recreates it" if corrupt else ""
    return ConfigError(f"the cache at {directory} cannot be used ({type(exc).__name__}: {exc}){hint}")
