"""The tree linker (core/tree_link.py): one thread, or two when every core is busy, recreate a
pristine tree, and any failure on either leaves nothing half-made behind a success and the
tree as it was.

On real directories, each failure path with one thread and with two: two threads make the same tree as one (same entries, modes, link targets,
the tree's own inodes); a file missing from the tree (the linking thread fails) and directories
that cannot be made on a tmpfs out of inodes (the directory thread fails) stop both threads,
the install's half-made copy is removed and the tree is unchanged; a cancel midway stops both.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from fixtures_fs import Mounts
from hypothesis import given, settings
from hypothesis import strategies as st
from pytui.core import link_threads as link_threads_module
from pytui.core import tree_link
from pytui.core.errors import Cancelled
from pytui.core.progress import CancelToken
from pytui.core.tree_link import MIN_THREADED_ENTRIES, entry_columns, link_tree
from pytui.core.tree_manifest import TreeCorrupt, manifest_text, scan_tree, tree_layout
from pytui.core.tree_store import MANIFEST_NAME, TREE_NAME, TreeNoSpace, TreeStore

SHA = "ab" * 32


def make_tree(top: Path, dirs: int = 40, files: int = 15) -> None:
    """A tree past MIN_THREADED_ENTRIES entries: nested directories (one not 0o755), files of
    several modes, symlinks to files and directories."""
    for d in range(dirs):
        folder = top / f"d{d % 5}" / f"sub{d}"
        folder.mkdir(parents=True, exist_ok=True)
        for f in range(files):
            path = folder / f"f{f}.py"
            path.write_text(f"# {d} {f}\n" * (f + 1))
            if f % 4 == 0:
                path.chmod(0o755)
        (folder / "link").symlink_to("f0.py")
    (top / "d0" / "up").symlink_to("sub0")
    (top / "d1").chmod(0o750)
    assert len(scan_tree(os.fspath(top))) >= MIN_THREADED_ENTRIES


def described(top: Path) -> list[tuple[object, ...]]:
    """What linking must reproduce of each entry: path, kind, mode, size, inode, link target."""
    return [(e.path, e.kind, e.mode, e.size if e.kind == "f" else 0, e.ino, e.target)
            for e in scan_tree(os.fspath(top))]


def link_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("pytui-link")]


@pytest.fixture(params=[1, 2], ids=["one-thread", "two-threads"])
def linking_threads(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """What `link_threads()` says (the machine's load decides it otherwise), so that a test of
    a failure path runs with one thread and with two whatever the load."""
    monkeypatch.setattr(tree_link, "link_threads", lambda: request.param)
    return request.param


@pytest.mark.parametrize(("cpus", "load", "running", "threads"), [
    (1, 0.0, None, 1), (1, 5.0, 9, 1),  # one core: never a second thread
    (2, 0.0, 1, 1), (2, 1.9, 3, 1),  # a core to spare: the GIL hand-offs would cost more than they save
    (2, 2.0, 3, 2), (2, 11.0, 14, 2), (8, 8.5, 9, 2), (8, 7.9, 12, 1),  # every core busy: two threads
    (2, 9.0, 1, 1), (2, 9.0, 2, 1),  # the load average still high, the machine quiet now
    (2, 2.0, None, 2), (2, 1.0, None, 1),  # no runnable count (not Linux): the load average alone
])
def test_a_second_thread_links_only_when_every_core_is_busy(cpus: int, load: float, running: int | None,
                                                            threads: int) -> None:
    assert link_threads_module.threads_for(cpus, load, running) == threads


def test_the_machine_decides_how_many_threads_link(monkeypatch: pytest.MonkeyPatch) -> None:
    assert link_threads_module.link_threads() in (1, 2)
    if os.path.exists("/proc/loadavg"):
        running = link_threads_module._running_now()
        assert running is not None and running >= 1  # this test is running
    def unreadable() -> tuple[float, float, float]:
        raise OSError("no load average")
    monkeypatch.setattr(os, "getloadavg", unreadable)
    assert link_threads_module.link_threads() == 1


def archive_beside(cache: Path) -> str:
    """The name of an archive file made in `cache`: a tree is kept only beside its archive
    (one purged meanwhile leaves none)."""
    cache.mkdir(parents=True, exist_ok=True)
    (cache / "a.tar.gz").touch()
    return "a.tar.gz"


def kept_store(tmp_path: Path, cache: Path) -> tuple[TreeStore, Path]:
    """A TreeStore under `cache` keeping a tree of `make_tree`."""
    source = tmp_path / "source"
    make_tree(source)
    store = TreeStore(cache)
    assert store.keep(SHA, source, archive=archive_beside(cache), key="cpython-3.12.8-linux-x86_64-gnu")
    return store, store.path / SHA / TREE_NAME


def test_a_file_missing_midway_stops_both_threads_and_nothing_is_left(tmp_path: Path, linking_threads: int) -> None:
    store, tree = kept_store(tmp_path, tmp_path / "cache")
    victim = sorted(tree.rglob("f7.py"))[20]  # a file in a later directory: linking is under way
    victim.unlink()
    dest = tmp_path / "stage" / "tree"
    dest.parent.mkdir()
    assert store.materialize(SHA, dest) is None  # the changed tree is discarded: extraction takes over
    assert not dest.exists() and link_threads() == []
    assert not store.has(SHA)


def test_the_linking_thread_failing_raises_once_the_other_stopped(tmp_path: Path, linking_threads: int) -> None:
    tree = tmp_path / "tree"
    make_tree(tree)
    columns = entry_columns(scan_tree(os.fspath(tree)))
    before = described(tree)
    # The manifest promises a file the tree does not have, late in the list.
    paths = list(columns[0])
    late = max(i for i, kind in enumerate(columns[1]) if kind == "f")
    paths[late] = paths[late].rpartition("/")[0] + "/gone.py"
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(TreeCorrupt, match=f"^{re.escape(paths[late])} is missing$"):  # its whole path
        link_tree(os.fspath(tree), os.fspath(out), (paths, *columns[1:]), None, "test", check=True)
    assert link_threads() == []
    assert described(tree) == before


def test_directories_that_cannot_be_made_stop_both_threads_and_leave_the_tree(
        tmp_path: Path, mounts: Mounts, linking_threads: int) -> None:
    """A tmpfs out of inodes: the directory thread's mkdir fails midway (ENOSPC) while the
    other thread links; the install gets TreeNoSpace, its half-made copy is removed, the tree
    is intact and still used next time."""
    fs = mounts.tmpfs(tmp_path / "fs", "32m")
    store, tree = kept_store(tmp_path, fs / "cache")
    before = described(tree)
    dirs = sum(1 for entry in scan_tree(os.fspath(tree)) if entry.kind == "d")
    info = os.statvfs(fs)
    used = info.f_files - info.f_ffree
    # Room for the stage and about half of the tree's directories (and its symlinks: those
    # take an inode too, so count them as spent first).
    links = sum(1 for entry in scan_tree(os.fspath(tree)) if entry.kind == "l")
    done = subprocess.run(["mount", "-o", f"remount,nr_inodes={used + 2 + links + dirs // 2}", str(fs)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot limit the tmpfs's inodes: {done.stderr.strip()}")
    stage = fs / "stage"
    stage.mkdir()
    with pytest.raises(TreeNoSpace):
        store.materialize(SHA, stage / "tree")
    assert os.listdir(stage) == [] and link_threads() == []
    assert described(tree) == before
    store.check(SHA)  # the tree is kept, unchanged

    subprocess.run(["mount", "-o", "remount,nr_inodes=100000", str(fs)], check=True, capture_output=True)
    assert store.materialize(SHA, stage / "tree") is True
    assert described(stage / "tree") == before


class CancelAfter(CancelToken):
    """A cancel token that is cancelled at its `n`-th check (then raises as any cancelled one)."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.left = n

    def check(self, what: str = "job") -> None:
        self.left -= 1
        if self.left <= 0:
            self.cancel()
        super().check(what)


def test_a_cancel_midway_stops_both_threads(tmp_path: Path, linking_threads: int) -> None:
    tree = tmp_path / "tree"
    make_tree(tree)
    before = described(tree)
    out = tmp_path / "out"
    out.mkdir()
    token = CancelAfter(10)
    with pytest.raises(Cancelled):
        link_tree(os.fspath(tree), os.fspath(out), entry_columns(scan_tree(os.fspath(tree))), token,
                  "install of x", check=True)
    assert link_threads() == []
    assert described(tree) == before
    assert len(described(out)) < len(before)  # stopped midway


def test_a_manifest_listing_a_directory_after_its_entries_is_not_linked(tmp_path: Path, linking_threads: int) -> None:
    """Directories are made in manifest order: a child listed before its parent fails to be
    made, and the install falls back to extraction with nothing left behind."""
    source = tmp_path / "source"
    make_tree(source)
    store = TreeStore(tmp_path / "cache")
    assert store.keep(SHA, source, archive=archive_beside(tmp_path / "cache"), key="k")
    entries = scan_tree(os.fspath(store.path / SHA / TREE_NAME))
    first_sub = next(i for i, e in enumerate(entries) if e.kind == "d" and "/" in e.path)
    parent = next(i for i, e in enumerate(entries) if e.path == entries[first_sub].path.rpartition("/")[0])
    entries.insert(parent, entries.pop(first_sub))  # the child directory before its parent
    (store.path / SHA / MANIFEST_NAME).write_text(manifest_text(SHA, "a.tar.gz", "k", entries))
    dest = tmp_path / "stage"
    assert store.materialize(SHA, dest) is None
    assert not dest.exists() and link_threads() == []


def test_copying_between_filesystems_uses_both_threads_too(tmp_path: Path, mounts: Mounts, linking_threads: int) -> None:
    fs = mounts.tmpfs(tmp_path / "fs", "32m")
    store, tree = kept_store(tmp_path, tmp_path / "cache")
    before = described(tree)
    dest = fs / "tree"
    assert store.materialize(SHA, dest) is False  # copied: the link failed with EXDEV
    copied = described(dest)
    assert [(p, k, m, s, t) for p, k, m, s, _i, t in copied] == [(p, k, m, s, t) for p, k, m, s, _i, t in before]
    assert described(tree) == before


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["", "a", "b", "a/b"]), max_size=40).flatmap(
    lambda folders: st.just([folder for folder in folders for _ in range(3)])),
       st.integers(1, 7))
def test_runs_are_the_entries_of_one_directory_in_order_and_bounded(parents: list[str], bound: int) -> None:
    paths = [f"{folder}/x{n}" if folder else f"x{n}" for n, folder in enumerate(parents)]
    expected: list[tuple[str, int, int]] = []  # the plain loop: cut at each new parent or at the bound
    for index, folder in enumerate(parents):
        if not expected or expected[-1][0] != folder or expected[-1][2] - expected[-1][1] >= bound:
            expected.append((folder, index, index + 1))
        else:
            expected[-1] = (folder, expected[-1][1], index + 1)
    kept = tree_link.CANCEL_EVERY
    tree_link.CANCEL_EVERY = bound
    try:
        found, _names, starts, _dirs = tree_layout(paths, "f" * len(paths))
        assert found == parents
        assert tree_link._runs(parents, starts) == expected
    finally:
        tree_link.CANCEL_EVERY = kept


@pytest.mark.parametrize("odd", ["caf\u00e9.py", "new\nline.py", "bad\udcff.py"], ids=["utf8", "newline", "undecodable"])
def test_names_the_linker_encodes_in_one_pass_link_as_they_are(tmp_path: Path, odd: str) -> None:
    # The names go to the kernel as bytes encoded in one pass (core/tree_link._fs_names); a
    # name that splits the joined names (a new line, which a tree scanned may hold) keeps the
    # names as text, and a link's target is still compared as text.
    src, dst = tmp_path / "src", tmp_path / "dst"
    (src / "sub").mkdir(parents=True)
    for name in ("a.py", odd):
        (src / "sub" / name).write_bytes(os.fsencode(name))
    (src / "sub" / "link").symlink_to(odd)
    dst.mkdir()
    entries = scan_tree(os.fspath(src))
    assert link_tree(os.fspath(src), os.fspath(dst), entry_columns(entries), None, "test", check=True)
    assert described(dst) == described(src)
    assert (dst / "sub" / odd).read_bytes() == os.fsencode(odd)
    with pytest.raises(TreeCorrupt) as missing:
        (src / "sub" / odd).unlink()
        shutil.rmtree(dst)
        dst.mkdir()
        link_tree(os.fspath(src), os.fspath(dst), entry_columns(entries), None, "test", check=True)
    assert str(missing.value) == f"sub/{odd} is missing"  # its name in the message as text
