"""An offline install of a build the cache lacks, with the cache dir on the kernel's own
filesystems (`--cache-dir /proc/self`): its line ended `go online, or import the archive with
`pytui cache import FILE``, an import that fails there as the install did (and online, an install
that caches fails too). The next step now follows the rule the cache dir's own lines follow
(core/kernel_fs, core/fs_errors.remedy): only an import into another directory, or an install
with --no-cache online. The TUI's `i` says the same; a cache dir that can take files keeps the
old words."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_harness import Pytui, assert_clean_failure, snapshot
from pytui.core import kernel_fs
from pytui.core.cache_offline import OFFLINE_NEXT_STEP, offline_step
from test_install_failures_e2e import run_without_sockets

ON_PROC = kernel_fs.kernel_filesystem("/proc/self") is not None
needs_proc = pytest.mark.skipif(not ON_PROC, reason="/proc is not the kernel's proc filesystem here")
PROC_WORDS = "/proc is the kernel's proc filesystem, not storage: no file can be made there"


@needs_proc
@pytest.mark.parametrize("place", ["/proc/self", "/proc/pytui-no-such-dir/cache"])
def test_offline_install_into_a_proc_cache_dir_names_an_import_elsewhere(pytui: Pytui, place: str) -> None:
    pytui.add("3.12.8")
    pytui.call("install", "3.12")
    made = pytui.add("3.13.1")
    before = snapshot(pytui.root, pytui.cache, pytui.bin)
    line = assert_clean_failure(run_without_sockets(pytui, "--offline", "--cache-dir", place, "install", "3.13"))
    assert f"but {made.build.key} (from {made.build.url}) is missing in {place}" in line, line
    assert line.endswith(f"; nothing was installed; the cache dir can hold no archive ({PROC_WORDS}): "
                         "go online and install with --no-cache, or import the archive into another "
                         "directory (`pytui --cache-dir DIR cache import FILE`) and install with "
                         "--cache-dir DIR"), line
    assert snapshot(pytui.root, pytui.cache, pytui.bin) == before


@needs_proc
def test_the_import_the_line_names_fails_in_proc_and_works_elsewhere(pytui: Pytui, tmp_path: Path) -> None:
    """What the line rules out and what it offers, each run: `cache import` into /proc/self is
    refused; into another directory it caches the archive, and the offline install from there
    works."""
    made = pytui.add("3.13.1")
    refused = assert_clean_failure(pytui.run("--cache-dir", "/proc/self", "cache", "import", str(made.path)))
    assert PROC_WORDS in refused, refused
    elsewhere = tmp_path / "elsewhere"
    pytui.call("--cache-dir", str(elsewhere), "cache", "import", str(made.path))
    done = run_without_sockets(pytui, "--offline", "--cache-dir", str(elsewhere), "install", "3.13")
    assert done.returncode == 0, done.stderr
    assert (pytui.root / made.build.key).is_dir()


def test_a_cache_dir_that_takes_files_keeps_the_import_step(tmp_path: Path) -> None:
    assert offline_step(tmp_path) == OFFLINE_NEXT_STEP
    assert offline_step(tmp_path / "not-made-yet") == OFFLINE_NEXT_STEP
