"""A kept tree's manifest is hostile input (core/tree_manifest.py): a path or link target that
leaves the tree, a loop, a mode, size or inode out of range, anything not a string where a
name goes, a document that does not parse: each is refused as TreeCorrupt, by the parse and
by the size count alike; links that stay inside are accepted, and a file is counted once per
inode."""

from __future__ import annotations

import json

import pytest
from pytui.core.tree_manifest import manifest_sizes
from pytui.core.tree_store import TreeCorrupt, parse_manifest


def manifest(entries: object, **header: object) -> bytes:
    """A manifest in pytui's column format from rows [path, kind, mode, size, mtime, ino, target]."""
    doc: dict[str, object] = {"version": 1, "sha256": "a" * 64, "archive": "x.tar.gz", "key": "k"}
    if isinstance(entries, list) and all(isinstance(row, list) and len(row) == 7 for row in entries):
        for n, name in enumerate(("path", "kind", "mode", "size", "mtime_ns", "ino", "target")):
            doc[name] = [row[n] for row in entries]
        doc["kind"] = "".join(str(k) for k in doc["kind"])  # type: ignore[union-attr]
    else:
        doc["path"] = entries
    doc.update(header)
    return json.dumps(doc).encode()


@pytest.mark.parametrize("entries", [
    [["../x", "f", 0o644, 1, 1, 1, ""]],
    [["/etc/passwd", "f", 0o644, 1, 1, 1, ""]],
    [["a/./b", "d", 0o755, 0, 0, 0, ""]],
    [["x", "l", 0, 0, 0, 0, ".."]],
    [["x", "l", 0, 0, 0, 0, "/etc"]],
    # A file written through a link: its parent is not a listed directory.
    [["x", "l", 0, 0, 0, 0, "d"], ["d", "d", 0o755, 0, 0, 0, ""], ["x/f", "f", 0o644, 1, 1, 1, ""]],
    # A chain whose text stays inside but whose resolution leaves the tree.
    [["d1", "d", 0o755, 0, 0, 0, ""], ["d1/d2", "d", 0o755, 0, 0, 0, ""],
     ["d1/d2/up", "l", 0, 0, 0, 0, "../.."], ["d1/esc", "l", 0, 0, 0, 0, "d2/up/../x"]],
    # A loop.
    [["a", "l", 0, 0, 0, 0, "b/c"], ["b", "l", 0, 0, 0, 0, "a/c"]],
    [["f", "f", -1, 1, 1, 1, ""]],
    [["f", "f", "644", 1, 1, 1, ""]],
    [["f", "f", 0o100644, 1, 1, 1, ""]],  # a mode is permission bits only
    [["f", "q", 0o644, 1, 1, 1, ""]],
    [["f", "f", 0o644, 1, 1, 1]],
    # A path or link target that is no string: refused whether or not it could be hashed.
    [[5, "f", 0o644, 1, 1, 1, ""]],
    [[["f"], "f", 0o644, 1, 1, 1, ""]],
    [["f", "f", 0o644, 1, 1, 1, ""], [None, "f", 0o644, 1, 1, 1, ""]],
    [["x", "l", 0, 0, 0, 0, None]],
    [["x", "l", 0, 0, 0, 0, ["d"]]],
    [["f", "f", 0o644, 1, 1, 1, ""], ["f", "f", 0o644, 1, 1, 1, ""]],
    # No file name decodes to a lone surrogate outside surrogateescape's range (an install
    # linking it raised UnicodeEncodeError).
    [["\ud800x", "f", 0o644, 1, 1, 1, ""]],
    [["x", "l", 0, 0, 0, 0, "\ud800"]],
    "nope",
])
def test_hostile_manifests_are_refused(entries: object) -> None:
    with pytest.raises(TreeCorrupt):
        parse_manifest(manifest(entries))  # type: ignore[arg-type]


@pytest.mark.parametrize("data", [b"", b"[]", b"{", b'{"version": 2}', b"\xff" * 10,
                                  manifest([], sha256=5), b"[" * 100_000])
def test_unreadable_manifests_are_refused(data: bytes) -> None:
    with pytest.raises(TreeCorrupt):
        parse_manifest(data)


@pytest.mark.parametrize("entries", [
    [["f", "f", 0o644, 2**63, 1, 1, ""]],
    [["f", "f", 0o644, 1, 1, 2**64, ""]],
    [["f", "f", 0o644, 1.5, 1, 1, ""]],
    [["f", "f", 0o644, True, 1, 1, ""]],
    [["x", "l", 0, 0, 0, 0, "\ud800"]],  # no file name: a lone surrogate outside fsdecode's range
    [["d", "d", 0o755, 1, 0, 0, ""], ["d", "d", 0o755, 1, 0, 0, ""]],
    "nope",
])
def test_manifests_are_refused_for_sizes_too(entries: object) -> None:
    with pytest.raises(TreeCorrupt):
        manifest_sizes(manifest(entries))  # type: ignore[arg-type]


def test_manifest_sizes_count_a_file_once_per_inode_and_a_link_as_its_target() -> None:
    _, sizes = manifest_sizes(manifest([
        ["bin", "d", 0o755, 4096, 0, 0, ""],
        ["bin/python3.12", "f", 0o755, 300, 1, 7, ""],
        ["bin/python3.12-copy", "f", 0o755, 300, 1, 7, ""],  # a hard link in the archive
        ["bin/python3", "l", 0, 0, 0, 0, "python3.12"],
        ["lib", "d", 0o755, 0, 0, 0, ""],  # no size recorded: stat'ed by the store
    ]))
    assert sizes.other == 4096 + len("python3.12")
    assert sizes.files == {7: 300}
    assert sizes.unsized == ["lib"]


def test_links_that_stay_inside_are_accepted() -> None:
    _, entries = parse_manifest(manifest([
        ["bin", "d", 0o755, 0, 0, 0, ""],
        ["bin/python3.12", "f", 0o755, 3, 1, 1, ""],
        ["bin/python3", "l", 0, 0, 0, 0, "python3.12"],
        ["lib", "d", 0o755, 0, 0, 0, ""],
        ["lib/up", "l", 0, 0, 0, 0, "../bin/python3"],
    ]))
    assert [e.path for e in entries][-1] == "lib/up"
