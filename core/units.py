"""Byte counts for people: one unit system everywhere, binary units as uv prints them.

uv shows sizes in KiB/MiB/GiB (`23.4MiB` in its progress lines), so pytui does too, in every
command and pane: `512 B`, `1.5 KiB`, `62.3 MiB`, `1.2 GiB`.
"""

from __future__ import annotations

_UNITS = ("B", "KiB", "MiB", "GiB", "TiB")


def format_bytes(size: float | None, *, unknown: str = "?") -> str:
    """`62.3 MiB`: one decimal above bytes, whole bytes below 1 KiB; `unknown` for None."""
    if size is None:
        return unknown
    value = float(size)
    for unit in _UNITS:
        if abs(value) < 1024 or unit == _UNITS[-1]:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable: the last unit always returns")
