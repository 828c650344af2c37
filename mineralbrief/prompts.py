"""Prompt templates: Jinja2 files in ``prompts/``, packaged into the wheel.

Templates render with ``StrictUndefined`` so a missing variable is an error, not an empty
string. The prompt version is a hash of the template texts: change a prompt and every cached
brief made with the old one becomes a miss.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import jinja2

_NAMES = ("system.j2", "user.j2")
LOCAL_NAMES = ("local_system.j2", "local_user.j2")  # the local backend's shorter prompts


def prompts_dir() -> Path:
    """The prompts folder: inside the installed package, or at the repo root when editable."""
    packaged = Path(__file__).with_name("prompts")
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "prompts"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(prompts_dir())),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )


@lru_cache(maxsize=4)
def prompt_version(names: tuple[str, ...] = _NAMES) -> str:
    """A short hash of the text of the templates ``names`` (by default the LLM prompts)."""
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode())
        digest.update((prompts_dir() / name).read_bytes())
    return digest.hexdigest()[:12]


def render(name: str, **variables: object) -> str:
    """Render one template with ``variables``."""
    return _environment().get_template(name).render(**variables)
