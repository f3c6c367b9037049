"""`<root>/.lock` (and an archive's `.part.lock` in the cache) that is not a lock file pytui can open (a directory, a dangling symlink, a
symlink loop, a socket, a symlink to a file this user may not write; left by a tool or a hand;
at an archive's lock only a directory or a socket: a link there is removed, test_archive_lock_link.py):
install and uninstall end in one line naming the lock file and what to do, not "cannot write to
the install root …: is a directory; pass another root" (the root is fine), and nothing in the
root changes."""

from __future__ import annotations

import os
import socket
import tempfile
from pathlib import Path

import pytest
from cli_harness import Pytui, assert_clean_failure

KINDS = ["directory", "dangling symlink", "symlink loop", "socket"]
# At an archive's lock a link of any kind is removed and the install goes on
# (tests/test_archive_lock_link.py): the name is pytui's own, and the lock never taken through it.
ARCHIVE_KINDS = ["directory", "socket"]


def _plant(lock: os.PathLike, kind: str) -> None:
    if kind == "directory":
        os.mkdir(lock)
    elif kind == "dangling symlink":
        os.symlink("/nonexistent/pytui-lock", lock)
    elif kind == "socket":
        # Bound under a short name (a socket's path has at most 107 bytes), then moved there.
        with tempfile.TemporaryDirectory(prefix="pytui-sock-") as short, \
                socket.socket(socket.AF_UNIX) as sock:
            sock.bind(os.path.join(short, "s"))
            os.rename(os.path.join(short, "s"), lock)
    else:
        os.symlink(os.path.basename(lock), lock)  # a loop: the link names itself


@pytest.mark.parametrize("kind", KINDS)
def test_a_lock_that_cannot_be_opened_is_named_with_what_to_do(pytui: Pytui, kind: str) -> None:
    pytui.add("3.12.8")
    pytui.root.mkdir(parents=True)
    lock = pytui.root / ".lock"
    _plant(lock, kind)
    before = pytui.state()
    result = pytui.run("install", "3.12")
    line = assert_clean_failure(result)
    assert str(lock) in line, line
    assert "remove it" in line and "pass another" not in line, line
    assert not (pytui.root / pytui.builds[0].key).exists()
    # The root's own `.gitignore` and `.temp/` (made before the lock, as uv makes them) aside,
    # nothing changed: no install, no link, the planted entry as it was.
    def visible(state: dict[str, tuple]) -> dict[str, tuple]:
        return {k: v for k, v in state.items() if str(pytui.cache) not in k
                and not k.startswith((str(pytui.root / ".gitignore"), str(pytui.root / ".temp")))}

    assert visible(pytui.state()) == visible(before)
    assert os.path.lexists(lock)


@pytest.mark.parametrize("kind", ARCHIVE_KINDS)
def test_a_download_lock_that_cannot_be_opened_is_named_with_what_to_do(pytui: Pytui, kind: str) -> None:
    """The same for an archive's `<name>.part.lock` in the cache: it said "cannot write to the
    cache dir …: is a directory; pass another directory with --cache-dir", though the cache
    dir is fine."""
    from cli_harness import cache_name

    made = pytui.add("3.12.8")
    pytui.cache.mkdir(parents=True)
    lock = pytui.cache / (cache_name(made) + ".part.lock")
    _plant(lock, kind)
    result = pytui.run("install", "3.12")
    line = assert_clean_failure(result)
    assert str(lock) in line, line
    assert "remove it" in line and "pass another" not in line, line
    assert not (pytui.root / made.build.key).exists()
    assert os.path.lexists(lock)


def test_a_lock_linked_to_a_file_this_user_may_not_write_is_named(pytui: Pytui, tmp_path: Path) -> None:
    """`<root>/.lock` a symlink to a file elsewhere that this user cannot open for writing: the
    link is what is wrong (the root is writable), so the line names it and where it points; it
    said `cannot write to the install root …: permission denied; fix its permissions`."""
    pytui.add("3.12.8")
    pytui.root.mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_text("not pytui's\n")
    elsewhere.chmod(0o444)
    lock = pytui.root / ".lock"
    os.symlink(elsewhere, lock)
    result = pytui.run_as_a_user("install", "3.12")
    line = assert_clean_failure(result)
    assert f"{lock} is a symbolic link to {elsewhere}" in line, line
    assert "permission denied" in line and "remove it" in line, line
    assert "cannot write to the install root" not in line, line
    assert not (pytui.root / pytui.builds[0].key).exists()
    assert elsewhere.read_text() == "not pytui's\n" and os.path.islink(lock)


@pytest.mark.parametrize("kind", ARCHIVE_KINDS)
@pytest.mark.parametrize("how", ["cached", "no-cache", "reinstall"])
def test_an_archive_lock_that_cannot_be_opened_ends_every_install_of_it(pytui: Pytui, kind: str, how: str) -> None:
    """With the archive in the cache (an install unpacking it takes its lock too) or with
    `--no-cache` (which takes it to share one download), such a lock was passed over in silence:
    the install went on without it. It now ends in the same line as a download's, as uv ends
    beside a directory or a dangling link at its own lock (`test_uv_refuses_beside_the_same_plant`);
    what was cached and installed stays as it was."""
    from cli_harness import cache_name

    made = pytui.add("3.12.8")
    pytui.call("cache", "import", str(made.path))
    if how == "reinstall":
        assert pytui.run("install", "--no-cache", "3.12").returncode == 0
    lock = pytui.cache / (cache_name(made) + ".part.lock")
    _plant(lock, kind)
    before = pytui.state()
    args = {"cached": ["install"], "no-cache": ["install", "--no-cache"], "reinstall": ["install", "--reinstall"]}[how]
    line = assert_clean_failure(pytui.run(*args, "3.12"))
    assert f"cannot lock the archive of {made.build.key}: {lock} is " in line, line
    assert "not a lock file; remove it and retry" in line, line
    # The archive, the install (a reinstall's) and the plant as they were; the root itself, its
    # `.gitignore` and `.temp/` aside (made before the lock, as uv makes them).
    def visible(state: dict[str, tuple]) -> dict[str, tuple]:
        return {k: v for k, v in state.items() if k != str(pytui.root)
                and not k.startswith((str(pytui.root / ".gitignore"), str(pytui.root / ".temp")))}

    assert visible(pytui.state()) == visible(before)
    assert os.path.lexists(lock) and pytui.trees() == []


@pytest.mark.uv
@pytest.mark.parametrize("kind", ["directory", "dangling symlink"])
def test_uv_refuses_beside_the_same_plant(pytui: Pytui, kind: str) -> None:
    """What pytui follows: uv 0.13.9 with a directory or a dangling link at its `<root>/.lock`
    ends (`failed to open file …`) and installs nothing."""
    import subprocess
    import sys

    uv = Path(sys.executable).parent / "uv"
    if not uv.exists():
        pytest.skip(f"uv is not installed beside {sys.executable}")
    pytui.add("3.12.8")
    pytui.root.mkdir(parents=True)
    _plant(pytui.root / ".lock", kind)
    env = pytui.env(UV_CACHE_DIR=str(pytui.tmp / "uv-cache"), UV_NO_CONFIG="1")
    theirs = subprocess.run([str(uv), "python", "install", "3.12"], env=env, capture_output=True, text=True,
                            timeout=120, cwd=pytui.tmp)
    assert theirs.returncode != 0 and f"failed to open file `{pytui.root / '.lock'}`" in theirs.stderr, theirs
    assert [entry for entry in os.listdir(pytui.root) if entry.startswith("cpython")] == []
