"""Renderers of briefs: Markdown (``markdown.py``) and the HTML review page (``html.py``)."""

from .markdown import brief_to_markdown

__all__ = ["brief_to_markdown"]
