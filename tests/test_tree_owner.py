"""A kept tree is installed from only by the user who owns it.

The tree's files are checked against its manifest, and both sit in the cache dir: whoever owns
them can make the two agree on any content. The archive is hashed against the catalog at each
use; the tree only against the manifest. So a tree another user made (a cache dir shared by a
group, or a `sudo pytui install` run with the user's cache dir: root then hard-linked the
user's inodes into its own install, files the user can still write) would install their
content, and keep it writable by them. Before: the install below held the other user's
`poisoned` bytes. Now such a tree is not used (nor removed: it is not this user's to remove),
and the install extracts the verified archive, as with no tree at all.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from cli_harness import Pytui
from pytui.core.tree_manifest import manifest_text, scan_tree
from pytui.core.tree_store import MANIFEST_NAME, TREE_NAME

OTHER_UID = 65534  # nobody


@pytest.fixture(autouse=True)
def _root_only() -> None:
    if os.geteuid() != 0:
        pytest.skip("giving a tree to another user needs root (chown)")


def _poison(pytui: Pytui, sha256: str, *, owner_of_all: bool) -> Path:
    """Rewrite one of the tree's files and its manifest to agree (what any owner of the two can
    do); give the whole kept tree, or only that file, to another user. Returns the file's path
    relative to the tree."""
    top = pytui.cache / "trees" / sha256
    tree = top / TREE_NAME
    rel = Path("BUILD") if (tree / "BUILD").is_file() else next(
        p.relative_to(tree) for p in sorted(tree.rglob("*")) if p.is_file() and not p.is_symlink())
    victim = tree / rel
    victim.unlink()
    victim.write_bytes(b"poisoned\n")
    doc = manifest_text(sha256, f"{sha256[:9]}-x", "key", scan_tree(os.fspath(tree)))
    import json

    header = json.loads((top / MANIFEST_NAME).read_text())
    kept = json.loads(doc)
    kept.update({name: header[name] for name in ("archive", "key")})
    (top / MANIFEST_NAME).write_text(json.dumps(kept))
    if owner_of_all:
        for dirpath, dirs, files in os.walk(top):
            for name in dirs + files:
                os.lchown(os.path.join(dirpath, name), OTHER_UID, OTHER_UID)
        os.lchown(top, OTHER_UID, OTHER_UID)
    else:
        os.lchown(victim, OTHER_UID, OTHER_UID)
        (top / MANIFEST_NAME).write_text(manifest_text(
            sha256, header["archive"], header["key"], scan_tree(os.fspath(tree))))
    return rel


def test_another_users_tree_is_not_installed_from(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    rel = _poison(pytui, made.build.sha256, owner_of_all=True)
    original = (pytui.root / made.build.key / rel).read_bytes()

    result = pytui.run("install", "--reinstall", "-v", "3.12")

    assert result.returncode == 0, str(result)
    # -v says why this install extracted (and is slower).
    assert "; the tree kept in the cache is another user's, so it is not used" in result.stderr, str(result)
    # Nor was it announced as linked first (`link KEY from the tree …`, then `extract KEY`).
    assert "from the tree kept in the cache" not in result.stderr, str(result)
    installed = pytui.root / made.build.key / rel
    assert installed.read_bytes() == original, str(result)
    assert installed.stat().st_uid == 0
    assert "Traceback" not in result.stderr
    # Not this user's to remove: it is still there, as its owner left it.
    top = pytui.cache / "trees" / made.build.sha256
    assert (top / TREE_NAME / rel).read_bytes() == b"poisoned\n"
    assert top.stat().st_uid == OTHER_UID


def test_a_file_of_another_user_in_a_tree_is_a_change(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    rel = _poison(pytui, made.build.sha256, owner_of_all=False)
    original = (pytui.root / made.build.key / rel).read_bytes()

    result = pytui.run("install", "--reinstall", "3.12")

    assert result.returncode == 0, str(result)
    installed = pytui.root / made.build.key / rel
    assert installed.read_bytes() == original, str(result)
    assert f"({rel.as_posix()} belongs to another user (uid {OTHER_UID}))" in result.stderr, str(result)
    # Made again from the archive, this user's now.
    top = pytui.cache / "trees" / made.build.sha256
    assert (top / TREE_NAME / rel).read_bytes() == original
    assert (top / TREE_NAME / rel).stat().st_uid == 0


def test_roots_tree_is_installed_from_by_a_user(http_server) -> None:
    """Root can change any file anyway: a cache root filled (a container image's, read-only to
    its users) stays a cache of trees for every user, who links (or copies) from it."""
    import subprocess
    import tempfile

    from cli_harness import key_of

    world = Path(tempfile.mkdtemp())  # (pytest's tmp dirs are root's alone: 0700)
    try:
        os.chmod(world, 0o755)
        as_other = ["setpriv", "--reuid", str(OTHER_UID), "--regid", str(OTHER_UID), "--clear-groups"]
        if subprocess.run([*as_other, "test", "-x", str(world)], capture_output=True).returncode != 0:
            pytest.skip(f"setpriv cannot switch to another user who reaches {world} here")
        # This interpreter must run pytui as that user too (a pyenv build under /root linked to
        # its own libpython does not: the loader cannot read it; nor does a checkout below a
        # directory only root may enter, `mktemp -d`'s 0700: the interpreter starts, pytui is
        # not found).
        probe = subprocess.run([*as_other, sys.executable, "-c", "import pytui.app.cli"], capture_output=True,
                               text=True, cwd=world)
        if probe.returncode != 0:
            pytest.skip(f"{sys.executable} does not run pytui as uid {OTHER_UID} here: "
                        f"{probe.stderr.strip()[-200:]}")
        pytui = Pytui(tmp=world, server=http_server, archives=world / "archives")
        made = pytui.add("3.12.8")
        pytui.call("install", "3.12")  # as root: the tree and the archive are root's
        pytui.call("uninstall", "3.12")
        for top in (pytui.root, world / "state"):
            top.mkdir(exist_ok=True)
            for dirpath, dirs, files in os.walk(top):
                for name in [*dirs, *files, "."]:
                    os.lchown(os.path.join(dirpath, name), OTHER_UID, OTHER_UID)
        pytui.bin.mkdir(exist_ok=True)
        os.lchown(pytui.bin, OTHER_UID, OTHER_UID)

        done = subprocess.run(["setpriv", "--reuid", str(OTHER_UID), "--regid", str(OTHER_UID),
                               "--clear-groups", *pytui.argv("install", "-v", "3.12")],
                              env=pytui.env(XDG_STATE_HOME=str(world / "state"), HOME=str(world)),
                              capture_output=True, text=True, timeout=120, cwd=world)

        assert done.returncode == 0, done.stderr
        assert "unpacked by the pristine tree kept in the cache" in done.stderr, done.stderr
        assert (pytui.root / key_of("3.12.8") / "bin").is_dir()
        assert (pytui.cache / "trees" / made.build.sha256).stat().st_uid == 0
    finally:
        import shutil

        shutil.rmtree(world, ignore_errors=True)
