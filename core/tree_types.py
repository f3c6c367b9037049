"""The kinds the pristine-tree store (core/tree_store.py) hands out: a kept tree's listing row,
and the two ways a tree is not installed from. Apart from the store so that it stays under the
size a reader takes in at once; core/tree_store.py re-exports them.
"""

from __future__ import annotations

from pathlib import Path

from pytui.core.keys import TYPE_CHECKING, _fields


class TreeInfo(tuple):
    """A kept tree, for `cache list`, purge and the TUI; `archive` is the cache file name of the
    archive it came from ("" when its manifest does not read); `newer` the format number of a
    manifest a newer pytui wrote (0 for one this pytui reads), whose archive is not named. (A tuple with named fields as core/keys.py makes them: `typing` costs
    an install more than this, `collections.namedtuple` compiles its `__new__` at import.)"""

    __slots__ = ()
    _fields = ("sha256", "archive", "key", "path", "files", "newer")
    if TYPE_CHECKING:
        sha256: str
        archive: str
        key: str
        path: Path
        files: int
        newer: int

    def __new__(cls, sha256: str, archive: str, key: str, path: Path, files: int, newer: int = 0) -> TreeInfo:
        return tuple.__new__(cls, (sha256, archive, key, path, files, newer))


_fields(TreeInfo, TreeInfo._fields)


class TreeNotMine(Exception):
    """A kept tree (its directory or manifest) another user owns: its files are checked only
    against its manifest, which its owner can make agree with any content, so it is no tree to
    install from (the verified archive is extracted instead), nor this user's to remove."""


class TreeNoSpace(Exception):
    """The filesystem of an install filled up while a tree was linked or copied into it."""

    def __init__(self, size: int, entries: int | None = None) -> None:
        super().__init__(f"no space left for a tree of {size} bytes")
        self.size = size  # the tree's file bytes: what a copy needs
        self.entries = entries  # its files, links and directories: the inodes a copy needs
