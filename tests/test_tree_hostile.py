"""Hostile manifests and trees met by the tree linker (core/tree_link.py), on real directories.

The manifest is pytui's own file in the archive cache and still input: a bit flip or an edit
in a directory's recorded mode must not put a world-writable (or set-id) directory into an
install, nor end an install in a traceback; the tree is discarded and extraction takes over.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from pytui.core.tree_store import MANIFEST_NAME, TREE_NAME, TreeStore
from test_tree_link import archive_beside
from test_tree_manifest_format import as_format_1

SHA = "cd" * 32


def kept(tmp_path: Path) -> TreeStore:
    source = tmp_path / "source"
    for d in range(3):
        folder = source / f"lib{d}"
        folder.mkdir(parents=True)
        for f in range(4):
            (folder / f"m{f}.py").write_text(f"# {d} {f}\n")
    store = TreeStore(tmp_path / "cache")
    assert store.keep(SHA, source, archive=archive_beside(tmp_path / "cache"), key="cpython-3.12.8-linux-x86_64-gnu")
    return store


def dir_modes(top: Path) -> dict[str, int]:
    return {os.path.relpath(p, top): stat.S_IMODE(os.lstat(p).st_mode)
            for p, _dirs, _files in os.walk(top) if p != os.fspath(top)}


@pytest.mark.parametrize("mode", [0o777, 0o2755, 0o757, 2**40, 2**62])
def test_a_directory_mode_the_tree_does_not_have_is_never_applied(tmp_path: Path, mode: int) -> None:
    store = kept(tmp_path)
    manifest = store.path / SHA / MANIFEST_NAME
    doc = as_format_1(json.loads(manifest.read_text()))
    index = doc["path"].index("lib1")
    assert doc["kind"][index] == "d"
    doc["mode"][index] = mode
    manifest.write_text(json.dumps(doc))
    tree_before = dir_modes(store.path / SHA / TREE_NAME)
    dest = tmp_path / "stage" / "tree"
    dest.parent.mkdir()
    linked = store.materialize(SHA, dest)
    if linked is not None:
        # Made from the tree: its directories have the tree's modes, not the manifest's.
        assert dir_modes(dest) == tree_before
    else:
        assert not dest.exists()  # the changed tree is discarded: extraction takes over
        assert not store.has(SHA)


def test_verify_removes_a_tree_whose_directory_mode_changed(tmp_path: Path) -> None:
    store = kept(tmp_path)
    (store.path / SHA / TREE_NAME / "lib2").chmod(0o777)
    ok, bad = store.verify()
    assert ok == [] and [(why, kept) for _info, why, kept, _freed in bad] == [("lib2 has another mode than the manifest records", None)]
    assert not store.has(SHA)


@pytest.fixture
def ext4(tmp_path: Path):
    """A small ext4 filesystem on a loop device (its link-count limit is 65,000; a tmpfs has
    none); skipped where it cannot be made."""
    import shutil
    import subprocess

    if os.geteuid() != 0 or shutil.which("mkfs.ext4") is None:
        pytest.skip("an ext4 loop mount needs root and mkfs.ext4")
    image, point = tmp_path / "ext4.img", tmp_path / "ext4"
    with open(image, "wb") as f:
        f.truncate(64 * 1024 * 1024)
    point.mkdir()
    made = subprocess.run(["mkfs.ext4", "-q", "-F", str(image)], capture_output=True, text=True)
    mounted = made.returncode == 0 and subprocess.run(
        ["mount", "-o", "loop", str(image), str(point)], capture_output=True, text=True).returncode == 0
    if not mounted:
        pytest.skip(f"cannot make or mount an ext4 image here: {made.stderr.strip()}")
    try:
        yield point
    finally:
        subprocess.run(["umount", str(point)], capture_output=True)


def test_a_tree_file_at_its_link_limit_is_copied_and_the_rest_still_installs(tmp_path: Path, ext4: Path) -> None:
    """EMLINK midway (ext4 allows 65,000 links to an inode): that file and the ones after it
    are copied, the install is whole and the tree is unchanged."""
    store = kept(ext4)
    tree = store.path / SHA / TREE_NAME
    victim = tree / "lib1" / "m2.py"
    crowd = ext4 / "crowd"
    crowd.mkdir()
    n = os.stat(victim).st_nlink
    while True:
        try:
            os.link(victim, crowd / str(n))
        except OSError:
            break
        n += 1
    before = {p: (os.lstat(p).st_ino, Path(p).read_bytes()) for p in map(str, tree.rglob("*")) if os.path.isfile(p)}
    dest = ext4 / "stage" / "tree"
    dest.parent.mkdir()
    assert store.materialize(SHA, dest) is False  # some files copied
    assert {p: (os.lstat(p).st_ino, Path(p).read_bytes())
            for p in map(str, tree.rglob("*")) if os.path.isfile(p)} == before
    assert {os.path.relpath(p, tree): data for p, (_ino, data) in before.items()} == {
        os.path.relpath(p, dest): Path(p).read_bytes() for p in map(str, dest.rglob("*")) if os.path.isfile(p)}
    assert os.lstat(dest / "lib1" / "m2.py").st_ino != os.lstat(victim).st_ino
    assert os.lstat(dest / "lib0" / "m0.py").st_ino == os.lstat(tree / "lib0" / "m0.py").st_ino  # linked before
    store.check(SHA)


def test_links_that_each_take_thousands_of_steps_are_refused_within_a_declared_bound(tmp_path: Path) -> None:
    """Each link stays inside (40 hops through a 4 KiB target of `d/..` pairs: 65,000 steps,
    ~20 ms a link); 200,000 of them made `cache list`, the TUI and an install spend an hour
    in the manifest's parser. The steps of all links are bounded together: refused."""
    from pytui.core.tree_manifest import MAX_LINK_STEPS, TreeCorrupt, parse_manifest

    links = MAX_LINK_STEPS // (40 * 1600) + 5
    paths = ["d", "z", *(f"l{i}" for i in range(links))]
    targets = ["", "d/../" * 818 + "d", *(["z/../" * 39 + "z"] * links)]
    doc = {"version": 1, "sha256": SHA, "archive": "a.tar.gz", "key": "k", "path": paths,
           "kind": "d" + "l" * (links + 1), "mode": [0o755] + [0] * (links + 1),
           "size": [0] * len(paths), "mtime_ns": [0] * len(paths), "ino": [0] * len(paths),
           "target": targets}
    data = json.dumps(doc).encode()
    with pytest.raises(TreeCorrupt, match="steps to resolve"):
        parse_manifest(data)
    # One such link alone is a tree pytui accepts (it stays inside).
    one = {**doc, "path": paths[:3], "kind": "dll", "mode": [0o755, 0, 0], "size": [0] * 3,
           "mtime_ns": [0] * 3, "ino": [0] * 3, "target": targets[:3]}
    assert [e.path for e in parse_manifest(json.dumps(one).encode())[1]] == paths[:3]
    # In the cache: listed as a tree whose manifest does not read, and never used.
    store = kept(tmp_path)
    (store.path / SHA / MANIFEST_NAME).write_bytes(data)
    assert [(info.sha256, info.files) for info in store.list()] == [(SHA, 0)]
    dest = tmp_path / "stage" / "tree"
    dest.parent.mkdir()
    assert store.materialize(SHA, dest) is None and not dest.exists() and not store.has(SHA)



_NO_THREAD_CHILD = """
import os, sys
from pathlib import Path
from pytui.core.tree_store import TreeStore
cache, dest, cgroup = map(Path, sys.argv[1:4])
(cgroup / "cgroup.procs").write_text(str(os.getpid()))  # pids.max 1: no thread can start
print(TreeStore(cache).materialize(sys.argv[4], dest))
"""


def test_an_install_from_a_tree_when_no_thread_can_start_links_on_one(tmp_path: Path,
                                                                        one_task_cgroup: Path) -> None:
    """A container at its pids limit (a cgroup's pids.max; root is bound by it too): starting
    the second linking thread raises RuntimeError, which ended an install from a kept tree in
    a traceback. It links on the calling thread alone."""
    import subprocess
    import sys

    from test_tree_link import described, make_tree

    source = tmp_path / "source"
    make_tree(source)
    store = TreeStore(tmp_path / "cache")
    assert store.keep(SHA, source, archive=archive_beside(tmp_path / "cache"), key="k")
    done = subprocess.run([sys.executable, "-c", _NO_THREAD_CHILD, str(tmp_path / "cache"),
                           str(tmp_path / "dest"), str(one_task_cgroup), SHA],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "True", done.stderr[-2000:]
    assert described(tmp_path / "dest") == described(store.path / SHA / TREE_NAME)


@pytest.mark.parametrize("stray", ["file", "link", "no-manifest"])
def test_something_at_a_trees_name_is_replaced_by_the_next_kept_tree(stray: str, pytui) -> None:
    """A file, a link or a directory with no manifest at `trees/<sha256>` (no tree pytui
    keeps: it renames a whole tree in, manifest included) made every later keep's rename fail,
    so each install of that build extracted the archive again, with no word of why."""
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    pytui.call("uninstall", "3.12")
    at = pytui.cache / "trees" / made.build.sha256
    shutil.rmtree(at)
    if stray == "file":
        at.write_text("not a tree")
    elif stray == "link":
        os.symlink(at.name, at)
    else:
        (at / TREE_NAME).mkdir(parents=True)
    result = pytui.run("install", "3.12")
    assert result.returncode == 0, str(result)
    assert (at / MANIFEST_NAME).is_file() and not at.is_symlink()
    assert pytui.run("cache", "verify").returncode == 0


@pytest.mark.parametrize("swapped", ["the tree's directory", "its tree"])
def test_a_tree_swapped_for_a_link_is_a_change_for_installs_and_verify_alike(swapped: str, pytui) -> None:
    """`trees/<sha256>`, or its `tree/`, replaced by a link to a copy elsewhere (`cp -al`: the
    same inodes). pytui never makes either a link. Before, the first was followed (installs
    linked from outside the cache) and the second made every install extract with no word
    why, while `cache verify` said both were `ok`. Now each is a change: said, removed (the
    link only: the copy it led to is left as it was), kept again from the archive."""
    import subprocess

    from cli_harness import snapshot

    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    top = pytui.cache / "trees" / made.build.sha256
    at = top if swapped == "the tree's directory" else top / TREE_NAME

    def swap(elsewhere: Path) -> dict:
        subprocess.run(["cp", "-al", str(at), str(elsewhere)], check=True)
        shutil.rmtree(at)
        at.symlink_to(elsewhere)
        return snapshot(elsewhere)

    first = swap(pytui.tmp / "elsewhere")
    result = pytui.run("install", "--reinstall", "3.12")

    assert result.returncode == 0, str(result)
    assert "is a symbolic link, not a directory); removed, extracting the archive again" in result.stderr, str(result)
    assert snapshot(pytui.tmp / "elsewhere") == first
    assert not at.is_symlink() and (top / MANIFEST_NAME).is_file()
    TreeStore(pytui.cache).check(made.build.sha256)
    again = pytui.run("install", "--reinstall", "-v", "3.12")
    assert "unpacked by the pristine tree kept in the cache" in again.stderr, str(again)

    second = swap(pytui.tmp / "elsewhere-2")
    verify = pytui.run("cache", "verify")

    assert verify.returncode == 1, str(verify)
    assert "is a symbolic link, not a directory" in verify.stderr + verify.stdout, str(verify)
    assert snapshot(pytui.tmp / "elsewhere-2") == second
    assert not os.path.lexists(top)
