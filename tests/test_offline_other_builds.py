"""core/cache_offline.other_cached_builds: the other builds of one interpreter an offline refusal names
(unit tests on a real directory; the end-to-end line is in test_install_failures_e2e.py)."""

from __future__ import annotations

import os
from pathlib import Path

from pytui.core.cache_offline import OFFLINE_NEXT_STEP, offline_next_step, other_cached_builds
from pytui.core.models import Build

TRIPLE = "x86_64-unknown-linux-gnu"


def build(date: str, version: str = "3.12.8") -> Build:
    url = f"https://example.invalid/{date}/cpython-{version}%2B{date}-{TRIPLE}-install_only.tar.gz"
    major, minor, patch = map(int, version.split("."))
    return Build("cpython", major, minor, patch, "", "default", "linux", "x86_64", "gnu", date,
                 url, "ab" * 32)


def cached(cache: Path, date: str, version: str = "3.12.8", suffix: str = "") -> None:
    cache.mkdir(exist_ok=True)
    (cache / f"0123456ab-cpython-{version}-{date}-{TRIPLE}-install_only.tar.gz{suffix}").write_bytes(b"x")


def test_other_builds_of_the_same_interpreter_newest_first(tmp_path: Path) -> None:
    for date in ("20240101", "20250106", "20241201"):
        cached(tmp_path, date)
    cached(tmp_path, "20250301", suffix=".part")  # not a complete archive
    cached(tmp_path, "20250302", version="3.12.9")  # another interpreter
    cached(tmp_path, "20250115")  # the build asked for (its archive under another hash)
    (tmp_path / "notes.txt").write_text("not an archive")
    assert other_cached_builds(build("20250115"), tmp_path) == ["20250106", "20241201", "20240101"]


def test_more_than_three_are_counted(tmp_path: Path) -> None:
    for day in range(1, 6):
        cached(tmp_path, f"2025010{day}")
    step = offline_next_step(build("20250115"), tmp_path)
    assert step.startswith("the cache holds build 20250105, 20250104, 20250103 and 2 more of it, ")
    assert step.endswith(f"; or {OFFLINE_NEXT_STEP}")


def test_nothing_to_name(tmp_path: Path) -> None:
    assert offline_next_step(build("20250115"), tmp_path / "missing") == OFFLINE_NEXT_STEP
    cached(tmp_path, "20250115")
    assert offline_next_step(build("20250115"), tmp_path) == OFFLINE_NEXT_STEP
    if os.geteuid() != 0:  # root reads any directory
        tmp_path.chmod(0)
        try:
            assert other_cached_builds(build("20250115"), tmp_path) == []
        finally:
            tmp_path.chmod(0o755)
