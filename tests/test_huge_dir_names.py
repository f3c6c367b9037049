"""A root or cache dir named by a variable of 100,000 characters (`file name too long`) is one
line with the path's middle cut, not the whole name echoed: the line was 100 KB."""

from __future__ import annotations

import pytest
from cli_harness import MadeArchive, Pytui, assert_clean_failure, snapshot
from pytui.core.fs_errors import SHOWN_PATH_CHARS


@pytest.mark.parametrize(("variable", "args", "starts", "ends"), [
    ("UV_PYTHON_INSTALL_DIR", ("list",), "error: cannot list the install root ",
     ": file name too long; pass another with --install-dir or UV_PYTHON_INSTALL_DIR"),
    ("UV_PYTHON_INSTALL_DIR", ("--offline", "install", "3.11"), "error: cannot list the install root ",
     ": file name too long; pass another with --install-dir or UV_PYTHON_INSTALL_DIR"),
    ("UV_PYTHON_CACHE_DIR", ("cache", "list"), "error: cannot read the cache dir ",
     ": file name too long; pass another directory with --cache-dir or UV_PYTHON_CACHE_DIR"),
])
def test_a_huge_dir_name_is_cut_in_its_line(pytui: Pytui, baseline: MadeArchive, variable: str,
                                            args: tuple[str, ...], starts: str, ends: str) -> None:
    before = snapshot(pytui.root, pytui.cache, pytui.bin)
    huge = str(pytui.tmp / ("a" * 100_000))
    line = assert_clean_failure(pytui.run(*args, **{variable: huge}))
    assert line.startswith(starts + str(pytui.tmp)) and line.endswith(ends), line[:300]
    assert "…" in line and len(line) < len(starts) + SHOWN_PATH_CHARS + len(ends) + 100, len(line)
    assert snapshot(pytui.root, pytui.cache, pytui.bin) == before
