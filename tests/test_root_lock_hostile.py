"""`<root>/.lock` (and an archive's `.part.lock` in the cache) that is not a lock file pytui can open (a directory, a dangling symlink, a
symlink loop; left by a tool or a hand): install and uninstall end in one line naming the lock
file and what to do, not "cannot write to the install root …: is a directory; pass another
root" (the root is fine), and nothing in the root changes."""

from __future__ import annotations

import os

import pytest
from cli_harness import Pytui, assert_clean_failure


def _plant(lock: os.PathLike, kind: str) -> None:
    if kind == "directory":
        os.mkdir(lock)
    elif kind == "dangling symlink":
        os.symlink("/nonexistent/pytui-lock", lock)
    else:
        os.symlink(os.path.basename(lock), lock)  # a loop: the link names itself


@pytest.mark.parametrize("kind", ["directory", "dangling symlink", "symlink loop"])
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


@pytest.mark.parametrize("kind", ["directory", "dangling symlink", "symlink loop"])
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
