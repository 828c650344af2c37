"""JSON Schema export of the contract (``mineralbrief schema --write schemas/``)."""

from __future__ import annotations

import json
from pathlib import Path

from .models import SCHEMA_MODELS


def schemas() -> dict[str, str]:
    """File name -> JSON Schema text for every exported model."""
    return {
        f"{name}.schema.json": json.dumps(model.model_json_schema(), indent=2, sort_keys=True) + "\n"
        for name, model in SCHEMA_MODELS.items()
    }


def write_schemas(directory: Path) -> list[Path]:
    """Write every schema into ``directory``; return the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schemas().items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
