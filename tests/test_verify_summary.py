"""The TUI's line for a cache verification (`v`), from a real `ArchiveCache.verify` report.

It said only archives: "Cache verified: 1 archive ok" when a changed kept tree had been
removed (the CLI exits 1 for that), and "1 corrupt removed (…)" for an archive a read-only
cache dir kept. Now it says changed trees, and what could not be removed, why and what to do.
Real parts: archives from tests/fixtures_archives.py, a tmpfs on the cache dir remounted
read-only; the line is app/verify_summary.py's (no Textual).
"""

from __future__ import annotations

import shutil

from cli_harness import Pytui
from fixtures_fs import Mounts
from pytui.app.verify_summary import verify_summary
from pytui.core.cache import ArchiveCache


def scene(pytui: Pytui, mounts: Mounts | None = None) -> None:
    """3.12.8 cached with its kept tree (one tree file then edited in place), 3.11.9 cached and
    corrupt; on a tmpfs when `mounts` is given."""
    if mounts is not None:
        mounts.tmpfs(pytui.cache)
    good = pytui.add("3.12.8")
    bad = pytui.add("3.11.9")
    pytui.call("install", "3.12")
    pytui.call("uninstall", "3.12")
    pytui.call("cache", "import", str(bad.path))
    archive = pytui.cache / bad.build.cache_filename
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    archive.write_bytes(bytes(data))
    [sha] = pytui.trees()
    assert sha == good.build.sha256
    with open(pytui.cache / "trees" / sha / "tree" / "lib" / "python3.12" / "site.py", "a") as f:
        f.write("# edited in place\n")


def test_a_changed_tree_and_a_corrupt_archive_are_both_said(pytui: Pytui) -> None:
    scene(pytui)
    summary, warning = verify_summary(ArchiveCache(pytui.cache).verify())
    assert warning
    assert summary.startswith("1 archive ok; 1 corrupt removed (")
    assert "1 changed unpacked tree removed (the next install extracts its archive again)" in summary
    assert pytui.trees() == []


def test_what_a_read_only_cache_kept_is_not_said_removed(pytui: Pytui, mounts: Mounts) -> None:
    scene(pytui, mounts)
    mounts.remount(pytui.cache, "ro")
    summary, warning = verify_summary(ArchiveCache(pytui.cache).verify())
    assert warning and "removed" not in summary.replace("not removed", ""), summary
    assert "1 corrupt not removed (read-only file system; make the cache dir writable" in summary, summary
    assert "1 changed unpacked tree not removed (read-only file system; make the cache dir writable" in summary
    assert pytui.trees() != []


def test_a_clean_cache_says_what_it_checked(pytui: Pytui) -> None:
    pytui.add("3.12.8")
    pytui.call("install", "3.12")
    # The kept tree was checked too, and said as `pytui cache verify` says it (newuser33: the
    # TUI's line named the archive alone).
    assert verify_summary(ArchiveCache(pytui.cache).verify()) == (
        "Cache verified: 1 archive ok, 1 unpacked tree ok", False)
    said = pytui.run("cache", "verify")
    assert said.returncode == 0 and ": 1 ok, 1 unpacked tree ok" in said.stdout, str(said)
    shutil.rmtree(pytui.cache)
    assert verify_summary(ArchiveCache(pytui.cache).verify()) == ("Cache verified: 0 archives ok", False)


def test_what_was_not_hashed_is_said_as_the_cli_says_it(pytui: Pytui) -> None:
    """`Cache verified: 1 archive ok` was the whole line beside a stopped download and a file
    whose name says no build, neither read; `pytui cache verify` said both (one wording now)."""
    pytui.add("3.12.8")
    pytui.call("install", "3.12")
    stopped = pytui.make("3.11.9")
    cache = ArchiveCache(pytui.cache)
    cache.part_path(stopped.build).write_bytes(stopped.path.read_bytes()[: stopped.size // 2])
    (pytui.cache / "mystery-a.tar.gz").write_bytes(b"x" * 100)
    line = ("Cache verified: 1 archive ok, 1 unpacked tree ok; 1 partial download not checked; "
            "1 without a known sha256")
    assert verify_summary(cache.verify()) == (line, False)
    said = pytui.run("cache", "verify")
    assert said.returncode == 0 and "1 partial download not checked, 1 without a known sha256" in said.stdout, str(said)
