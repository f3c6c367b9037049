"""`pytui install REQ` for a request already installed restores the links a killed run (or a
user) removed, as uv does. When it cannot (uv or another pytui holds the install root's lock,
the root refuses writes) it said nothing: "already installed", exit 0, and the links stayed
missing with no word why. Now one warning line names the links, the cause and what to do."""

from __future__ import annotations

import fcntl
import os

from cli_harness import Pytui, minor_of
from fixtures_fs import mounted


def _without_links(pytui: Pytui) -> tuple[os.PathLike, os.PathLike]:
    pytui.add("3.12.8")
    pytui.call("install", "3.12")
    minor, link = pytui.root / minor_of("3.12.8"), pytui.bin / "python3.12"
    minor.unlink()
    link.unlink()
    return minor, link


def _warned(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("warning:")]


def test_links_not_restored_while_another_process_holds_the_lock_are_said(pytui: Pytui) -> None:
    minor, link = _without_links(pytui)
    fd = os.open(pytui.root / ".lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as uv holds it while it installs
        result = pytui.run("install", "3.12")
    finally:
        os.close(fd)
    assert result.returncode == 0 and "already installed" in result.stderr, str(result)
    warned = _warned(result.stderr)
    assert len(warned) == 1, str(result)
    assert minor_of("3.12.8") in warned[0] and "python3.12" in warned[0], warned
    assert "lock" in warned[0] and "pytui install cpython-3.12.8" in warned[0], warned
    assert not os.path.lexists(minor) and not os.path.lexists(link)
    # Once the lock is free, the same command restores them.
    again = pytui.run("install", "3.12")
    assert again.returncode == 0 and _warned(again.stderr) == [], str(again)
    assert os.path.lexists(minor) and os.path.lexists(link)


def test_links_not_restored_in_a_read_only_root_are_said(pytui: Pytui) -> None:
    with mounted() as mounts:
        mounts.tmpfs(pytui.root)
        minor, link = _without_links(pytui)
        before = pytui.state()
        mounts.remount(pytui.root, "ro")
        result = pytui.run("install", "3.12")
        assert result.returncode == 0 and "already installed" in result.stderr, str(result)
        warned = _warned(result.stderr)
        assert len(warned) == 1, str(result)
        assert minor_of("3.12.8") in warned[0] and "read-only" in warned[0], warned
        assert "Traceback" not in result.stderr
        assert pytui.state() == before
