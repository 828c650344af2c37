"""Deterministic extraction for the critical-minerals field."""
