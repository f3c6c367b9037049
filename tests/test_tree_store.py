"""Pristine trees: installs hard-linked from a kept tree, never writing into it.

End to end through the CLI against the loopback server: the real interpreter (an archive made
from the running Python's prefix) installed from a tree runs; the fix-ups replaced files rather
than writing into shared inodes (the tree is byte-identical and keeps its inode numbers); a file
edited in place through an install is caught before the next use; the copy fallback across
filesystems (a tmpfs); `cache verify` / `cache purge` cover trees; sizes agree with `du`; the real
uv finds, lists, runs and removes such an install and the tree survives. Manifest parsing
against hostile manifests is tests/test_tree_manifest_hostile.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_harness import Pytui
from fixtures_archives import MadeArchive
from pytui.core.cache import ArchiveCache
from pytui.core.install_root import tree_size
from pytui.core.tree_store import (
    MANIFEST_NAME,
    TREE_NAME,
    TreeCorrupt,
    TreeStore,
    is_sha256,
)
from test_tree_link import archive_beside
from test_tree_manifest_format import as_format_1

UV = Path(sys.executable).parent / "uv"


def tree_of(pytui: Pytui, made: MadeArchive) -> Path:
    return pytui.cache / "trees" / made.build.sha256 / TREE_NAME


def inodes(top: Path) -> dict[str, tuple[int, bytes]]:
    """Every regular file under `top`: (inode, content)."""
    out = {}
    for dirpath, _dirs, files in os.walk(top):
        for name in files:
            path = Path(dirpath, name)
            if not path.is_symlink():
                out[str(path.relative_to(top))] = (path.stat().st_ino, path.read_bytes())
    return out


def run_python(prefix: Path, code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([prefix / "bin" / "python3", "-c", code], capture_output=True, text=True,
                          env={"PATH": os.environ["PATH"]}, timeout=120)


@pytest.mark.slow
def test_install_from_a_kept_tree_is_hard_linked_runs_and_leaves_the_tree_as_it_was(
        pytui: Pytui, base_prefix_archive: MadeArchive) -> None:
    made = pytui.serve(base_prefix_archive)
    key = made.build.key
    pytui.call("install", key)
    assert pytui.trees() == [made.build.sha256]
    tree = tree_of(pytui, made)
    before = inodes(tree)
    pytui.call("uninstall", key)
    assert inodes(tree) == before  # removing an install leaves its tree

    result = pytui.run("install", key)
    assert result.returncode == 0, str(result)
    assert pytui.requests(made) == 1
    prefix = pytui.root / key
    installed = inodes(prefix)
    shared = [rel for rel, (ino, _) in installed.items() if before.get(rel, (None,))[0] == ino]
    # Everything but the files the fix-ups replaced shares the tree's inode.
    changed = sorted(set(installed) - set(shared))
    assert len(shared) > 100 and len(changed) < 10, (len(shared), changed)
    assert "BUILD" in changed and any("EXTERNALLY-MANAGED" in rel for rel in changed)
    assert any("_sysconfigdata" in rel for rel in changed)
    assert all(rel.endswith(("BUILD", "EXTERNALLY-MANAGED", ".pc")) or "_sysconfigdata" in rel
               for rel in changed), changed
    # The fix-ups wrote new files: the tree is byte-identical and keeps its inode numbers.
    assert inodes(tree) == before
    TreeStore(pytui.cache).check(made.build.sha256)
    ran = run_python(prefix, "import sysconfig, ssl, sqlite3; print(sysconfig.get_config_var('prefix'))")
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == str(prefix)

    # A reinstall from the tree swaps a fresh linked tree in; the tree is still intact.
    again = pytui.run("install", "--reinstall", key)
    assert again.returncode == 0, str(again)
    assert inodes(tree) == before and pytui.temp_left() == []


@pytest.mark.slow
def test_a_file_edited_in_place_is_caught_and_the_tree_rebuilt(pytui: Pytui,
                                                              base_prefix_archive: MadeArchive) -> None:
    made = pytui.serve(base_prefix_archive)
    key = made.build.key
    pytui.call("install", key)
    pytui.call("install", "--reinstall", key)  # now linked from the tree
    prefix = pytui.root / key
    victim = next(p for p in sorted((prefix / "lib").rglob("*.py")) if "_sysconfigdata" not in p.name)
    rel = victim.relative_to(prefix)
    original = victim.read_bytes()
    with open(victim, "ab") as f:  # in place: writes into the inode the tree shares
        f.write(b"\n# edited in place\n")
    with pytest.raises(TreeCorrupt):
        TreeStore(pytui.cache).check(made.build.sha256)

    result = pytui.run("install", "--reinstall", key)
    assert result.returncode == 0, str(result)
    assert (prefix / rel).read_bytes() == original  # extracted again from the verified archive
    # ... and the user is told why the install extracted rather than linked.
    assert (f"the unpacked tree kept for {key} changed ({rel} was changed after the tree was made); "
            "removed, extracting the archive again") in result.stderr
    assert pytui.trees() == [made.build.sha256]
    assert (tree_of(pytui, made) / rel).read_bytes() == original
    TreeStore(pytui.cache).check(made.build.sha256)
    assert run_python(prefix, "print(1)").stdout.strip() == "1"


def test_fixups_on_a_linked_tree_replace_files(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    tree = tree_of(pytui, made)
    before = inodes(tree)
    pytui.call("install", "--reinstall", "3.12")
    pytui.call("install", "--reinstall", "3.12")
    assert inodes(tree) == before
    installed = pytui.root / made.build.key
    assert (installed / "BUILD").read_text().strip() == made.build.build


@pytest.fixture
def tmpfs(tmp_path: Path):
    mount = tmp_path / "tmpfs"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip() or 'not root'})")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_cache_on_another_filesystem_copies_the_tree(pytui: Pytui, tmpfs: Path) -> None:
    made = pytui.add("3.12.8")
    cache = tmpfs / "cache"
    first = pytui.run("install", "3.12", "--cache-dir", str(cache))
    assert first.returncode == 0, str(first)
    tree = cache / "trees" / made.build.sha256 / TREE_NAME
    before = inodes(tree)
    assert before
    again = pytui.run("install", "--reinstall", "3.12", "--cache-dir", str(cache))
    assert again.returncode == 0, str(again)
    assert pytui.requests(made) == 1
    installed = inodes(pytui.root / made.build.key)
    same = [rel for rel, (_ino, data) in before.items() if installed[rel][1] == data]
    assert len(same) >= len(before) - 3  # all but the files the fix-ups rewrite
    assert all(installed[rel][0] != before[rel][0] for rel in before)  # copied, not linked
    assert inodes(tree) == before


def test_cache_verify_and_purge_cover_trees(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    tree = tree_of(pytui, made)
    target = next(p for p in tree.rglob("*") if p.is_file())
    target.write_bytes(target.read_bytes() + b"x")  # in place
    verify = pytui.run("cache", "verify")
    assert verify.returncode == 1, str(verify)
    assert "tree" in verify.stdout + verify.stderr
    assert pytui.trees() == []
    pytui.call("install", "--reinstall", "3.12")
    assert pytui.trees() == [made.build.sha256]
    listed = pytui.run("cache", "list", "--json")
    rows = json.loads(listed.stdout)
    assert any(row.get("tree") for row in rows), rows
    purge = pytui.run("cache", "purge", "--all")
    assert purge.returncode == 0, str(purge)
    assert pytui.cached() == [] and pytui.trees() == []
    # The install does not depend on the tree: it still runs its files.
    assert (pytui.root / made.build.key / "BUILD").is_file()


def du_bytes(path: Path) -> int:
    done = subprocess.run(["du", "-sb", str(path)], capture_output=True, text=True, check=True)
    return int(done.stdout.split()[0])


def cache_du(cache: Path) -> int:
    """`du -sb` of the cache less the own bytes of its directories outside the kept trees
    (`trees/<sha256>/`): the cache dir, `trees/`, any other (disk_usage)."""
    holders = [cache]
    for top, dirs, _files in os.walk(cache):
        inside = Path(top).relative_to(cache).parts
        dirs[:] = [d for d in dirs if not (inside == ("trees",) and is_sha256(d))]
        holders += [Path(top) / d for d in dirs]
    return du_bytes(cache) - sum(p.lstat().st_size for p in holders)


def test_the_cache_total_counts_no_directory_outside_the_kept_trees(pytui: Pytui) -> None:
    # Two empty directories in an empty cache made the header say 8.0 KiB while the Cached
    # pane counted 0 archives, "incl. 8.0 KiB other files" that were no files at all.
    cache = ArchiveCache(pytui.cache)
    (pytui.cache / "a").mkdir(parents=True)
    (pytui.cache / "b" / "c").mkdir(parents=True)
    assert cache.disk_usage() == 0
    (pytui.cache / "b" / "c" / "note").write_bytes(b"x" * 300)  # a stranger's file counts
    assert cache.disk_usage() == 300 == cache_du(pytui.cache)
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")  # a kept tree: its directories are what it occupies
    tree = tree_of(pytui, made)
    assert tree_size(tree) == du_bytes(tree)
    assert cache.disk_usage() == cache_du(pytui.cache) > tree_size(tree) + 300


def test_sizes_count_a_hard_linked_file_once_as_du_does(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    pytui.call("install", "--reinstall", "3.12")
    assert pytui.temp_left() == []  # waits for the replaced tree's deleter (remove_later)
    prefix = pytui.root / made.build.key
    tree = tree_of(pytui, made)
    assert tree_size(prefix) == du_bytes(prefix)
    assert tree_size(tree) == du_bytes(tree)
    assert tree_size(pytui.tmp) == du_bytes(pytui.tmp)  # shared inodes counted once
    # The cache's total (`cache list`, the TUI header) reads the trees from their manifests.
    assert ArchiveCache(pytui.cache).disk_usage() == cache_du(pytui.cache)


def _rewrite_manifest(store: Path, change: str) -> None:
    """Damage a tree's manifest the way `change` says (each leaves the tree itself as it was)."""
    path = store / MANIFEST_NAME
    doc = as_format_1(json.loads(path.read_text()))
    if change == "missing":
        path.unlink()
        return
    if change == "not JSON":
        path.write_bytes(b"\xff{")
        return
    if change == "a link":
        os.rename(path, store / "elsewhere.json")
        os.symlink("elsewhere.json", path)
        return
    if change == "older format":  # what pytui wrote before directories had their size recorded
        doc["size"] = [0 if kind == "d" else size for kind, size in zip(doc["kind"], doc["size"], strict=True)]
    elif change == "another tree's":
        doc["sha256"] = "b" * 64
    elif change == "size past any file's":
        doc["size"][doc["kind"].index("f")] = 2**63
    elif change == "size of the wrong type":
        doc["size"][doc["kind"].index("f")] = "1"
    path.write_text(json.dumps(doc))


@pytest.mark.parametrize("change", ["missing", "not JSON", "a link", "older format", "another tree's",
                                    "size past any file's", "size of the wrong type"])
def test_the_cache_total_walks_a_tree_whose_manifest_cannot_say(pytui: Pytui, change: str) -> None:
    made = pytui.add("3.12.8")
    other = pytui.add("3.11.9")
    pytui.call("install", "3.12")
    pytui.call("install", "3.11")
    pytui.call("uninstall", "3.12")  # one tree with inodes of its own, one shared with an install
    (pytui.cache / (made.build.cache_filename + ".part")).write_bytes(b"x" * 12345)
    cache = ArchiveCache(pytui.cache)
    assert cache.disk_usage() == cache_du(pytui.cache)
    _rewrite_manifest(pytui.cache / "trees" / made.build.sha256, change)
    assert cache.disk_usage() == cache_du(pytui.cache)
    assert pytui.trees() == sorted([made.build.sha256, other.build.sha256])


def test_the_cache_total_trusts_a_well_formed_manifest_and_reads_it_again_once_changed(
        pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    cache = ArchiveCache(pytui.cache)
    assert cache.disk_usage() == cache_du(pytui.cache)
    path = pytui.cache / "trees" / made.build.sha256 / MANIFEST_NAME
    doc = as_format_1(json.loads(path.read_text()))
    doc["size"][doc["kind"].index("f")] += 1000  # the tree is not walked: the manifest says
    path.write_text(json.dumps(doc))
    assert cache.disk_usage() == cache_du(pytui.cache) + 1000


@pytest.mark.uv
@pytest.mark.slow
@pytest.mark.skipif(not UV.exists(), reason=f"uv is not installed beside {sys.executable}")
def test_uv_lists_runs_and_removes_a_hard_linked_install(pytui: Pytui,
                                                          base_prefix_archive: MadeArchive) -> None:
    made = pytui.serve(base_prefix_archive)
    key = made.build.key
    pytui.call("install", key)
    pytui.call("install", "--reinstall", key)
    tree = tree_of(pytui, made)
    before = inodes(tree)
    env = pytui.env(UV_NO_CONFIG="1", UV_CACHE_DIR=str(pytui.tmp / "uv-cache"), UV_OFFLINE="1",
                    UV_PYTHON_PREFERENCE="only-managed")
    env.pop("UV_PYTHON_CACHE_DIR")

    def uv(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(UV), *args], env=env, capture_output=True, text=True, timeout=120,
                              cwd=pytui.tmp)

    listed = uv("python", "list", "--only-installed", "--output-format", "json")
    assert [row["key"] for row in json.loads(listed.stdout)] == [key], listed.stderr
    mm = f"{made.build.major}.{made.build.minor}"
    found = uv("python", "find", mm)
    assert found.returncode == 0, found.stderr
    assert Path(found.stdout.strip()).resolve().is_relative_to((pytui.root / key).resolve()), found.stdout
    ran = uv("run", "-p", mm, "python", "-c", "import sys; print(sys.prefix)")
    assert ran.returncode == 0, ran.stderr
    assert Path(ran.stdout.strip()).resolve() == (pytui.root / key).resolve()
    removed = uv("python", "uninstall", key)
    assert removed.returncode == 0, removed.stderr
    assert not (pytui.root / key).exists()
    assert inodes(tree) == before
    TreeStore(pytui.cache).check(made.build.sha256)


def test_a_tampered_manifest_discards_the_tree_and_the_install_extracts(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    store = pytui.cache / "trees" / made.build.sha256
    doc = as_format_1(json.loads((store / MANIFEST_NAME).read_text()))
    for name, value in (("path", "../../escape"), ("mode", 0o644), ("size", 1), ("mtime_ns", 1),
                        ("ino", 1), ("target", "")):
        doc[name].append(value)
    doc["kind"] += "f"
    (store / MANIFEST_NAME).write_text(json.dumps(doc))
    result = pytui.run("install", "--reinstall", "3.12")
    assert result.returncode == 0, str(result)
    assert not (pytui.tmp / "escape").exists()
    assert pytui.trees() == [made.build.sha256]  # made again from the archive
    TreeStore(pytui.cache).check(made.build.sha256)


def test_the_cache_listing_marks_archives_whose_tree_is_kept(pytui: Pytui) -> None:
    kept = pytui.add("3.12.8")
    other = pytui.add("3.11.9")
    pytui.call("install", "3.12")
    # An archive cached without a tree (imported, never installed) is not marked.
    pytui.call("cache", "import", str(other.path))
    listed = {a.name: a for a in ArchiveCache(pytui.cache).list()}
    assert listed[kept.build.cache_filename].tree
    assert not listed[other.build.cache_filename].tree
    # Without a catalog the sha256 prefix of uv's file name finds the tree.
    assert {a.name: a.tree for a in ArchiveCache(pytui.cache).list(None)} == {
        kept.build.cache_filename: True, other.build.cache_filename: False}
    TreeStore(pytui.cache).discard(kept.build.sha256)
    assert not any(a.tree for a in ArchiveCache(pytui.cache).list())


def test_a_tree_file_swapped_for_a_link_while_it_is_copied_is_not_followed(
        tmp_path: Path, tmpfs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The copy fallback (the install on another filesystem) reads each file through the
    directory it checked, never by its path again: a file swapped for a link to a secret between
    the check and the copy is caught, and the secret is not copied into the install."""
    secret = tmp_path / "secret"
    secret.write_text("private key")
    prefix = tmp_path / "prefix"
    (prefix / "lib").mkdir(parents=True)
    (prefix / "lib" / "victim.txt").write_text("pristine")
    (prefix / "bin").mkdir()
    (prefix / "bin" / "python3").write_text("#!/bin/sh\n")
    store = TreeStore(tmp_path / "cache")
    sha = "ab" * 32
    assert store.keep(sha, prefix, archive=archive_beside(tmp_path / "cache"), key="cpython-3.12.8-linux-x86_64-gnu")
    victim = store.tree_dir(sha) / TREE_NAME / "lib" / "victim.txt"
    real_lstat = os.lstat

    def lstat_then_swap(path, *args, **kwargs):  # the race, made to happen every time
        result = real_lstat(path, *args, **kwargs)
        if os.fsdecode(path) == "victim.txt" and not victim.is_symlink():  # (the linker passes bytes)
            victim.unlink()
            victim.symlink_to(secret)
        return result

    monkeypatch.setattr(os, "lstat", lstat_then_swap)
    dest = tmpfs / "install"
    used = store.materialize(sha, dest)
    monkeypatch.undo()
    assert used is None and not dest.exists()  # the changed tree is refused (and discarded)
    assert not store.has(sha)
    assert secret.read_text() == "private key"
