"""pytui: a terminal UI and CLI for standalone CPython builds (uv-compatible)."""

__version__ = "0.1.0"
