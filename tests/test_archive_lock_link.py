"""A symbolic link at an archive's lock name in the cache (`<name>.part.lock`): pytui refused it
in one line (`… is a symbolic link, not a lock file; remove it and retry`), where uv, which makes
and reads no such file, installs beside it. Following it instead, as uv 0.13.9 follows a link to
a file at its own `<root>/.lock` (its open is O_RDWR, no O_NOFOLLOW: checked with strace), would
point the lock at any file: the holder's record written on it (an extended attribute), a file
made where a dangling link points, and a link to `<root>/.lock` a wait on this process's own
root lock for good. pytui now removes the link (the link alone, under an flock of the cache dir
so two processes cannot both act on one link), takes its lock in a file of its own there, says
so in one warning line, and goes on: what the link named is untouched. A directory or a socket
there still ends it (tests/test_root_lock_hostile.py). Each install test fails before (the
refusal)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_harness import Pytui, cache_name

LINKS = ["to a file", "to the root's lock", "dangling", "to itself"]


def _plant(pytui: Pytui, lock: Path, kind: str) -> Path | None:
    """The link at `lock`, and the file it names that must stay as it was (None: none)."""
    if kind == "to a file":
        target = pytui.tmp / "someone-elses-file"
        target.write_text("not pytui's\n")
    elif kind == "to the root's lock":
        pytui.root.mkdir(parents=True, exist_ok=True)
        target = pytui.root / ".lock"
        target.touch()
    elif kind == "dangling":
        target = pytui.tmp / "nothing-here"
    else:
        target = lock
    os.symlink(target, lock)
    return target if kind != "to itself" else None


def _xattrs(path: Path) -> list[str]:
    try:
        return os.listxattr(path, follow_symlinks=False)
    except OSError:
        return []


@pytest.mark.parametrize("kind", LINKS)
@pytest.mark.parametrize("how", ["download", "cached", "no-cache"])
def test_a_link_at_the_archive_lock_is_removed_and_the_install_goes_on(pytui: Pytui, kind: str,
                                                                       how: str) -> None:
    made = pytui.add("3.12.8")
    pytui.cache.mkdir(parents=True)
    if how == "cached":
        pytui.call("cache", "import", str(made.path))
    lock = pytui.cache / (cache_name(made) + ".part.lock")
    target = _plant(pytui, lock, kind)
    before = None if target is None or not target.exists() else (target.read_bytes(), target.stat())
    args = ["install", "--no-cache", "3.12"] if how == "no-cache" else ["install", "3.12"]
    done = pytui.run(*args)
    assert done.returncode == 0 and "Traceback" not in done.stderr, str(done)
    assert (pytui.root / made.build.key).is_dir()
    dropped = str(target) if target is not None else str(lock)
    assert (f"warning: removed the symbolic link at {lock} (to {dropped}), where pytui keeps the lock "
            f"of {made.build.key}'s archive: the lock is taken in a file of its own there, never "
            "through a link; what the link named was not touched") in done.stderr.splitlines(), str(done)
    assert not os.path.lexists(lock)  # its own lock file, removed on release
    if before is not None:
        assert target is not None
        after = (target.read_bytes(), target.stat())
        assert after[0] == before[0] and after[1].st_mtime_ns == before[1].st_mtime_ns
        assert after[1].st_ino == before[1].st_ino
        assert not any(name.startswith("user.pytui") for name in _xattrs(target))
    elif kind == "dangling":
        assert not os.path.lexists(pytui.tmp / "nothing-here")  # nothing made where it pointed


def test_the_link_is_removed_and_never_followed_at_the_lock_level(tmp_path: Path) -> None:
    """core/cache_locks.exclusive alone: the lock is a file of its own, the target untouched."""
    from pytui.core.cache_locks import exclusive
    from pytui.core.progress import CancelToken

    target = tmp_path / "elsewhere"
    target.write_text("x")
    lock = tmp_path / "a.tar.gz.part.lock"
    os.symlink(target, lock)
    said: list[str] = []
    with exclusive(lock, CancelToken(), "cpython-3.12.8-linux-x86_64-gnu", on_warning=said.append):
        assert os.path.isfile(lock) and not os.path.islink(lock)
        assert os.stat(lock).st_ino != os.stat(target).st_ino
    assert len(said) == 1 and f"removed the symbolic link at {lock} (to {target})" in said[0]
    assert target.read_text() == "x" and not os.path.lexists(lock)


@pytest.mark.uv
def test_uv_installs_beside_the_same_link(pytui: Pytui) -> None:
    """What pytui follows: uv 0.13.9, with the same link at the archive's lock name in the
    shared cache, installs and leaves the link as it was (it takes no lock there)."""
    uv = Path(sys.executable).parent / "uv"
    if not uv.exists():
        pytest.skip(f"uv is not installed beside {sys.executable}")
    made = pytui.add("3.12.8")
    pytui.cache.mkdir(parents=True)
    lock = pytui.cache / (cache_name(made) + ".part.lock")
    target = _plant(pytui, lock, "to a file")
    env = pytui.env(UV_CACHE_DIR=str(pytui.tmp / "uv-cache"), UV_NO_CONFIG="1")
    theirs = subprocess.run([str(uv), "python", "install", "3.12"], env=env, capture_output=True, text=True,
                            timeout=120, cwd=pytui.tmp)
    assert theirs.returncode == 0, theirs
    assert (pytui.root / made.build.key).is_dir()
    assert os.readlink(lock) == str(target) and target is not None and target.read_text() == "not pytui's\n"
