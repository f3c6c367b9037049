"""Loaded first (`-p bytecode_kept` in pyproject's addopts), before the plugins installed
packages register, so that pytest keeps the bytecode of every module it rewrites.

Where PYTHONDONTWRITEBYTECODE is set (as on the machine this suite grew on, and maybe in CI),
pytest kept none: every process of every run (each xdist worker too) rewrote the plugins'
modules (hypothesis, anyio, syrupy, xdist: about 140, some 4 s of CPU) and every test module
again. A conftest runs too late for the plugins, which load before any conftest."""

from __future__ import annotations

import sys

sys.dont_write_bytecode = False
