"""A cache dir or install root pytui cannot use for a reason the errno does not say: on the
kernel's own filesystems (/proc, /sys) a write fails with ENOENT (`/proc/self`) or EACCES even
for root (`/sys/kernel`), which read "no such file or directory" and "fix its permissions";
a symbolic link to nothing read "it is not a directory"; a directory without permission above a
cache dir not yet made was blamed on that cache dir. Each is now one line naming the real cause
and what to do, and nothing installed or cached changes (core/fs_errors.reason, core/kernel_fs)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cli_harness import Pytui, assert_clean_failure, snapshot
from pytui.core import kernel_fs

ON_PROC = kernel_fs.kernel_filesystem("/proc/self") is not None
ON_SYS = kernel_fs.kernel_filesystem("/sys/kernel") is not None and os.path.isdir("/sys/kernel")

CACHE_ALTERNATIVE = "pass another directory with --cache-dir or UV_PYTHON_CACHE_DIR"
ROOT_ALTERNATIVE = "pass another with --install-dir or UV_PYTHON_INSTALL_DIR"


@pytest.fixture
def ready(pytui: Pytui) -> Pytui:
    """3.12.8 installed and cached (to stay as it is), 3.13.1 in the catalog to install."""
    pytui.add("3.12.8")
    pytui.call("install", "3.12")
    pytui.add("3.13.1")
    return pytui


def _install_fails(pytui: Pytui, option: str, place: str) -> str:
    before = snapshot(pytui.root, pytui.cache, pytui.bin)
    line = assert_clean_failure(pytui.run(option, place, "install", "3.13"))
    assert snapshot(pytui.root, pytui.cache, pytui.bin) == before
    assert "no such file" not in line and "permission" not in line, line
    return line


@pytest.mark.skipif(not ON_PROC, reason="/proc is not the kernel's proc filesystem here")
@pytest.mark.parametrize("place", ["/proc/self", "/proc/pytui-no-such-dir/cache"])
def test_a_cache_dir_under_proc_names_the_proc_filesystem(ready: Pytui, place: str) -> None:
    """Before: `cannot write to the cache dir /proc/self: no such file or directory; …`."""
    line = _install_fails(ready, "--cache-dir", place)
    assert f"the cache dir {place}: /proc is the kernel's proc filesystem, not storage" in line, line
    assert f"; {CACHE_ALTERNATIVE}, or install with --no-cache" in line, line


@pytest.mark.skipif(not ON_PROC, reason="/proc is not the kernel's proc filesystem here")
def test_an_install_root_under_proc_names_the_proc_filesystem(ready: Pytui) -> None:
    line = _install_fails(ready, "--install-dir", "/proc/self")
    assert "the install root /proc/self: /proc is the kernel's proc filesystem, not storage" in line, line
    assert ROOT_ALTERNATIVE in line, line


@pytest.mark.skipif(not ON_SYS, reason="/sys is not the kernel's sysfs here")
@pytest.mark.parametrize("option", ["--cache-dir", "--install-dir"])
def test_a_dir_under_sys_names_sysfs_not_permissions(ready: Pytui, option: str) -> None:
    """Before: `…: permission denied; fix its permissions or …`, as root."""
    line = _install_fails(ready, option, "/sys/kernel")
    assert "/sys/kernel: /sys is the kernel's sysfs filesystem, not storage" in line, line


@pytest.mark.skipif(not ON_PROC, reason="/proc is not the kernel's proc filesystem here")
def test_a_file_under_proc_is_still_not_a_directory(ready: Pytui) -> None:
    """What stands at the name says more than where it is."""
    line = assert_clean_failure(ready.run("--cache-dir", "/proc/self/status", "cache", "list"))
    assert "the cache dir /proc/self/status: it is not a directory" in line, line


def test_a_cache_dir_that_is_a_link_to_nothing_says_so_on_install(ready: Pytui, tmp_path: Path) -> None:
    """Before: `cannot use the cache dir …: it is not a directory` (`cache list` said the link)."""
    link = tmp_path / "cache-link"
    link.symlink_to(tmp_path / "nowhere")
    line = _install_fails(ready, "--cache-dir", str(link))
    assert (f"the cache dir {link}: it is a symbolic link to {tmp_path / 'nowhere'}, which does not "
            f"exist; remove the link or create that directory, or {CACHE_ALTERNATIVE}") in line, line
    assert os.path.islink(link) and not (tmp_path / "nowhere").exists()


def test_a_directory_without_permission_above_the_cache_dir_is_named(ready: Pytui, tmp_path: Path) -> None:
    """Before: `cannot create the cache dir …/shut/cache: permission denied; fix its permissions`,
    naming a cache dir that does not exist."""
    shut = tmp_path / "shut"
    shut.mkdir(mode=0o000)
    try:
        before = snapshot(ready.root, ready.cache, ready.bin)
        for command in (("cache", "list"), ("install", "3.13")):
            result = ready.run_as_a_user("--cache-dir", str(shut / "cache"), *command)
            line = assert_clean_failure(result)
            assert f"{shut / 'cache'}: permission denied by {shut}; fix its permissions" in line, line
        assert snapshot(ready.root, ready.cache, ready.bin) == before
    finally:
        shut.chmod(0o755)


def test_the_mount_table_is_read_by_device_with_its_escapes(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The filesystem is the one whose device stat gives for the nearest directory that exists
    (a mount point with a space is written `\\040`); one this user may not look into is not
    walked past (`/proc/1/root/…` is not on /proc)."""
    st = os.stat(tmp_path)
    device = f"{os.major(st.st_dev)}:{os.minor(st.st_dev)}"
    table = tmp_path / "mountinfo"
    table.write_text(
        "1 0 254:99 / / rw - ext4 /dev/sda1 rw\n"
        f"2 1 {device} / /elsewhere rw shared:2 - proc proc rw\n"
        f"3 1 {device} / {tmp_path}/a\\040b rw - proc proc rw\n"
        "garbage line\n")
    monkeypatch.setattr(kernel_fs, "MOUNTINFO", str(table))
    assert kernel_fs.kernel_filesystem(tmp_path / "a b" / "x") == ("proc", f"{tmp_path}/a b")
    assert kernel_fs.kernel_filesystem(tmp_path / "missing" / "x") == ("proc", f"{tmp_path}/a b")
    table.write_text(f"2 1 {device} / / rw - tmpfs tmpfs rw\n")
    assert kernel_fs.kernel_filesystem(tmp_path / "x") is None
    monkeypatch.setattr(kernel_fs, "MOUNTINFO", str(tmp_path / "absent"))
    assert kernel_fs.kernel_filesystem("/proc/self") is None


@pytest.mark.skipif(not ON_PROC, reason="/proc is not the kernel's proc filesystem here")
def test_a_path_through_a_proc_link_this_user_may_not_follow_is_not_called_proc() -> None:
    """`/proc/1/root/…` leads into PID 1's root, not into /proc: unreadable, nothing is said."""
    try:
        os.stat("/proc/1/root/")
    except PermissionError:
        assert kernel_fs.kernel_filesystem("/proc/1/root/uv/python") is None
    else:
        pytest.skip("/proc/1/root is readable here")
    assert kernel_fs.kernel_filesystem("/proc/1") == ("proc", "/proc")
