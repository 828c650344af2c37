"""Backends: each turns a ``GenerationRequest`` into a ``Generation`` (see ``base.py``)."""
