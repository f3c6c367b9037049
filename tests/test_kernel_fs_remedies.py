"""The lines fcd4483 gave the kernel-filesystem rule (core/fs_errors.remedy with the path, as the
cache dir's and install root's lines have it): `cache export-mirror` into a directory on /sys or
/proc, a fetched catalog the state dir cannot keep there, and a cached archive that cannot be
read because it leads onto /proc or /sys. Each said `fix its permissions or …` beside a reason
naming the kernel's filesystem (root gets EPERM from /sys, everyone EACCES from a write-only
/proc/sys file); now only the way out. Real files, the tests' loopback server, real commands;
nothing is written on /proc or /sys (every write there is refused)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from cli_harness import Pytui, assert_clean_failure, run_main
from pytui.core import kernel_fs
from test_cache_cli import env  # noqa: F401 - the fixture
from test_catalog import entry, uv_json

ON_PROC = kernel_fs.kernel_filesystem("/proc/self") is not None
ON_SYS = kernel_fs.kernel_filesystem("/sys/kernel") is not None and os.path.isdir("/sys/kernel")
needs_proc = pytest.mark.skipif(not ON_PROC, reason="/proc is not the kernel's proc filesystem here")
needs_sys = pytest.mark.skipif(not ON_SYS, reason="/sys is not the kernel's sysfs here")
SYS_WORDS = "/sys is the kernel's sysfs filesystem, not storage: no file can be made there"
PROC_WORDS = "/proc is the kernel's proc filesystem, not storage: no file can be made there"


def _unreadable_kernel_file() -> str | None:
    """A file on /proc or /sys whose open for reading is refused (EACCES or EPERM) even for
    root: a write-only sysctl or attribute. None where there is none."""
    import errno

    for path in ("/proc/sys/vm/compact_memory", "/sys/bus/pci/rescan", "/sys/kernel/slab/.."):
        if kernel_fs.kernel_filesystem(path) is None:
            continue
        try:
            os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC))
        except OSError as err:
            if err.errno in (errno.EACCES, errno.EPERM):
                return path
    return None


# -- cache export-mirror ------------------------------------------------------------------------
@needs_sys
def test_export_mirror_into_sys_names_sysfs_and_no_permissions(env, capsys):  # noqa: F811
    """Before: `…: /sys is the kernel's sysfs filesystem, …; fix its permissions or pass another
    directory to export into` (mkdir there is EPERM for root, EACCES for others)."""
    dest = "/sys/kernel/pytui-mirror"
    before = sorted(p.name for p in env["cache"].root.iterdir())
    code, out, err = run_main(capsys, "cache", "export-mirror", dest)
    assert code == 1 and out == "" and "Traceback" not in err, err
    assert err.count("\n") == 1, err
    assert err == (f"error: cannot export the mirror into {dest}: {SYS_WORDS}; pass another directory "
                   "to export into; nothing was exported\n"), err
    assert not os.path.exists(dest)
    assert sorted(p.name for p in env["cache"].root.iterdir()) == before


@needs_proc
def test_export_mirror_into_proc_names_proc(env, capsys):  # noqa: F811
    dest = "/proc/self/pytui-mirror"
    code, out, err = run_main(capsys, "cache", "export-mirror", dest)
    assert code == 1 and "Traceback" not in err, err
    assert err == (f"error: cannot export the mirror into {dest}: {PROC_WORDS}; pass another directory "
                   "to export into; nothing was exported\n"), err


def test_export_mirror_elsewhere_still_works_and_a_readonly_dir_keeps_its_remedy(env, capsys, tmp_path):  # noqa: F811
    """The same catalog and cache (GitHub-release URLs, as export lays them out) export to a
    directory that takes files; a directory that refuses by its mode still says how to fix it."""
    code, out, err = run_main(capsys, "cache", "export-mirror", str(tmp_path / "mirror"))
    assert code == 0 and out.startswith("exported 2 archives"), (out, err)
    assert len(json.loads((tmp_path / "mirror" / "download-metadata.json").read_text())) == 2
    if os.geteuid() == 0:
        return  # root writes through any mode
    shut = tmp_path / "shut"
    shut.mkdir(mode=0o500)
    code, out, err = run_main(capsys, "cache", "export-mirror", str(shut / "m"))
    assert code == 1 and "; fix its permissions or pass another directory to export into" in err, err


# -- the state dir's kept catalog ---------------------------------------------------------------
@needs_sys
def test_a_fetched_catalog_the_state_dir_on_sys_cannot_keep(pytui: Pytui) -> None:
    """`pytui list --refresh` with PYTUI_STATE_DIR under /sys: the catalog is fetched from the
    loopback server, and keeping it fails. Before: `…; fix its permissions or set PYTUI_STATE_DIR
    to another directory; …`."""
    url = pytui.server.add("/catalog.json", uv_json(entry(), entry(minor=13)))
    state_dir = "/sys/kernel/pytui-state"
    result = pytui.run("list", "--refresh", "--only-downloads", PYTUI_CATALOG_URL=url,
                       UV_PYTHON_DOWNLOADS_JSON_URL="", PYTUI_STATE_DIR=state_dir)
    assert "Traceback" not in result.stderr, str(result)
    lines = [line for line in result.stderr.splitlines() if "could not keep it" in line]
    assert len(lines) == 1, str(result)
    assert lines[0].startswith(f"fetched the catalog from {url} but could not keep it in the state dir "
                               f"{state_dir}: {SYS_WORDS}; set PYTUI_STATE_DIR to another directory; "), lines
    assert not os.path.exists(state_dir)


# -- a cached archive that cannot be read -------------------------------------------------------
UNREADABLE = _unreadable_kernel_file()


@pytest.mark.skipif(UNREADABLE is None, reason="no file on /proc or /sys here refuses a read")
def test_a_cached_archive_leading_onto_the_kernels_filesystem_gets_no_permissions_remedy(pytui: Pytui) -> None:
    """An archive's name in the cache that is a symbolic link to a write-only /proc/sys file
    (or sysfs attribute): the install's read of it is refused. Before: `cannot read … in the
    cache: …; fix its permissions or pass another directory with --cache-dir …`. The install
    is refused whole and the link (never what it names) is left as it was."""
    assert UNREADABLE is not None
    made = pytui.add("3.13.1")
    pytui.cache.mkdir()
    cached = pytui.cache / made.build.cache_filename
    cached.symlink_to(UNREADABLE)
    line = assert_clean_failure(pytui.run("--offline", "install", "3.13"))
    fstype, point = kernel_fs.kernel_filesystem(UNREADABLE) or ("", "")
    assert line.endswith(f"cannot read {cached} in the cache: {point} is the kernel's {fstype} filesystem, "
                         "not storage: no file can be made there; pass another directory with --cache-dir "
                         "or UV_PYTHON_CACHE_DIR; nothing was installed"), line
    assert not (pytui.root / made.build.key).exists() and not pytui.bin.exists()
    assert os.readlink(cached) == UNREADABLE
    assert Path(UNREADABLE).exists()
