"""Backends: each turns a ``GenerationRequest`` into a ``Generation`` (see ``base.py``)."""

from __future__ import annotations

from ..config import Settings
from ..errors import ConfigError
from .base import Backend


def make_backend(settings: Settings) -> Backend:
    """The backend ``settings.backend`` names (``auto``: an endpoint or key means openai).

    Raises:
        ConfigError: a model or a mode was asked for (``model=``, ``--model``,
            ``MINERALBRIEF_MODEL``; ``mode=``...) but there is no key or endpoint to ask it: no
            silent offline brief instead.
    """
    name = settings.resolved_backend
    # (a mode is how a model is asked: one asked for means a model is wanted, as a model's name does)
    asked = [f for f in ("model", "mode") if f in settings.model_fields_set]
    if settings.backend == "auto" and name == "offline" and asked:
        raise ConfigError(
            f"{asked[0]} {getattr(settings, asked[0])!r} was asked for, but no API key or endpoint is set: set "
            "OPENAI_API_KEY (or MINERALBRIEF_API_KEY), pass api_key= or base_url=, or choose backend='offline' "
            "(--backend offline) to brief without a model")
    if name == "openai":
        from .openai_compat import OpenAICompatBackend

        return OpenAICompatBackend(settings)
    if name == "local":
        from .local import LocalBackend

        return LocalBackend(settings)
    from .offline import OfflineBackend

    return OfflineBackend()
