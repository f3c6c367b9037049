"""The directory walk behind the environment scan: find `pyvenv.cfg` and `.python-version` under
project roots, fast on a second run.

A walk records every directory it listed (name, inode, mtime, flags, number of descendants) in
preorder, as five parallel lists (compact to store, quick to load and check). The next walk of
the same root stats each recorded directory and lists again only those whose inode or mtime
changed (a directory's mtime changes whenever an entry is added, removed or renamed in it), so
an unchanged tree costs one `lstat` per directory and no listing.

Bounds (declared here): a depth limit, a time budget after which the walk stops and says it is
partial (the unvisited directories are recorded as unlisted, so the next walk starts there), and
no symlink is ever followed below the root. Directories that cannot hold projects are skipped by
name, and the caller passes the (device, inode) of directories to leave out (install root,
archive cache, tool dirs scanned on their own).
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass, field

# Directory names never descended into: version-control data, dependency trees, caches.
SKIP_NAMES = frozenset({
    ".git", ".hg", ".svn", ".bzr", "node_modules", "__pycache__", ".cache", ".mypy_cache",
    ".pytest_cache", ".ruff_cache", ".hypothesis", ".npm", ".yarn", ".pnpm-store", ".cargo",
    ".rustup", ".gradle", ".m2", ".Trash", "site-packages", ".ipynb_checkpoints",
})

# Node flags.
VENV = 1        # holds pyvenv.cfg (not descended into)
PIN = 2         # holds a .python-version file
UNREADABLE = 4  # could not be listed
UNLISTED = 8    # not visited yet (the walk stopped at its time budget)

# How often (in directories) the walk looks at the clock and the cancel check.
_CLOCK_EVERY = 256


class Tree:
    """Directories in preorder: parallel lists; `sizes[i]` = descendants recorded after i."""

    __slots__ = ("names", "inos", "mtimes", "flags", "sizes")

    def __init__(self) -> None:
        self.names: list[str] = []
        self.inos: list[int] = []
        self.mtimes: list[int] = []
        self.flags: list[int] = []
        self.sizes: list[int] = []

    def __len__(self) -> int:
        return len(self.names)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Tree) and all(
            getattr(self, name) == getattr(other, name) for name in Tree.__slots__)

    def to_json(self) -> dict:
        return {name: getattr(self, name) for name in Tree.__slots__}

    @classmethod
    def from_json(cls, data: object, *, max_nodes: int) -> Tree | None:
        """A tree from its stored form, or None if anything about it is off (the state file is
        input like any other: every field type-checked, names single path components, sizes
        consistent with a preorder tree whose first node is the root)."""
        if not isinstance(data, dict) or set(data) != set(cls.__slots__):
            return None
        lists = [data[name] for name in cls.__slots__]
        if not all(isinstance(v, list) for v in lists):
            return None
        n = len(lists[0])
        if not 1 <= n <= max_nodes or any(len(v) != n for v in lists):
            return None
        names, inos, mtimes, flags, sizes = lists
        # Type checks through map(type, ...) run in C: this file can list 100,000 directories.
        for numbers in (inos, mtimes, flags, sizes):
            if set(map(type, numbers)) != {int} or min(numbers) < 0:
                return None
        if max(flags) >= 16 or set(map(type, names)) != {str} or names[0] != "":
            return None
        rest = names[1:]
        if ({"", ".", ".."} & set(rest) or max(map(len, rest), default=0) > 255
                or "/" in "".join(rest) or "\x00" in "".join(rest)):
            return None
        if sizes[0] != n - 1:
            return None
        ends = [n]
        for i, size in enumerate(sizes):
            while i >= ends[-1]:
                ends.pop()
            end = i + 1 + size
            if end > ends[-1]:
                return None
            ends.append(end)
        tree = cls()
        tree.names, tree.inos, tree.mtimes, tree.flags, tree.sizes = names, inos, mtimes, flags, sizes
        return tree


@dataclass
class WalkResult:
    tree: Tree
    venvs: list[str] = field(default_factory=list)        # directories holding pyvenv.cfg
    pins: list[str] = field(default_factory=list)         # .python-version files
    unreadable: list[str] = field(default_factory=list)
    partial: bool = False
    listed: int = 0   # directories listed this time
    reused: int = 0   # directories whose earlier listing was still valid


def _list(path: str, skip_names: frozenset[str]) -> tuple[int, list[str]]:
    """Flags and the subdirectory names of `path` (symlinks are not directories here)."""
    flags = 0
    subdirs: list[str] = []
    with os.scandir(path) as entries:
        for entry in entries:
            name = entry.name
            if name == "pyvenv.cfg":
                flags |= VENV
            elif name == ".python-version":
                flags |= PIN
            elif name not in skip_names:
                try:
                    if entry.is_dir(follow_symlinks=False):
                        subdirs.append(name)
                except OSError:
                    continue
    return flags, subdirs


def _old_children(names: list[str], sizes: list[int], i: int) -> list[tuple[str, int]]:
    """(name, index) of node i's children in a stored tree."""
    children = []
    j, end = i + 1, i + 1 + sizes[i]
    while j < end:
        children.append((names[j], j))
        j += 1 + sizes[j]
    return children


def _relist(path: str, skip_names: frozenset[str], known: list[tuple[str, int]]
            ) -> tuple[int, list[tuple[str, int]]]:
    """List a new or changed directory: its flags, and its subdirectories (sorted) with their
    index in the stored tree where they were there before (else -1)."""
    try:
        flags, subdirs = _list(path, skip_names)
    except OSError:
        return UNREADABLE, []
    before = dict(known)
    subdirs.sort()
    return flags, [(sub, before.get(sub, -1)) for sub in subdirs]


def walk(root: str, *, max_depth: int, deadline: float, old: Tree | None = None,
         skip_ids: frozenset[tuple[int, int]] = frozenset(),
         skip_names: frozenset[str] = SKIP_NAMES,
         cancelled: Callable[[], bool] | None = None) -> WalkResult:
    """Walk `root` (followed if it is itself a symlink) down to `max_depth` levels below it.

    `old` is the previous walk of this root (validated by `Tree.from_json`); `deadline` is a
    `time.monotonic()` value.
    """
    tree = Tree()
    result = WalkResult(tree)
    names, inos, mtimes, flag_list = tree.names, tree.inos, tree.mtimes, tree.flags
    depths: list[int] = []
    old_inos = old.inos if old is not None else []
    old_mtimes = old.mtimes if old is not None else []
    old_flags = old.flags if old is not None else []
    old_sizes = old.sizes if old is not None else []
    old_names = old.names if old is not None else []
    lstat = os.lstat
    is_dir = stat.S_ISDIR
    venvs, pins = result.venvs, result.pins
    listed = reused = 0
    # (path, name, depth, index of this directory in `old` or -1)
    stack: list[tuple[str, str, int, int]] = [(root, "", 0, 0 if old is not None else -1)]
    count = 0
    while stack:
        path, name, depth, i = stack.pop()
        count += 1
        if count % _CLOCK_EVERY == 0 and (time.monotonic() > deadline
                                          or (cancelled is not None and cancelled())):
            result.partial = True
            stack.append((path, name, depth, i))
            for _path, pending, pending_depth, _ in reversed(stack):
                names.append(pending)
                inos.append(0)
                mtimes.append(0)
                flag_list.append(UNLISTED)
                depths.append(pending_depth)
            break
        try:
            st = os.stat(path) if depth == 0 else lstat(path)
        except OSError:
            continue  # gone since its parent was listed
        if not is_dir(st.st_mode) or (st.st_dev, st.st_ino) in skip_ids:
            continue
        children = _old_children(old_names, old_sizes, i) if i >= 0 else []
        if (i >= 0 and old_inos[i] == st.st_ino and old_mtimes[i] == st.st_mtime_ns
                and not old_flags[i] & UNLISTED):
            flags = old_flags[i]
            reused += 1
        else:
            flags, children = _relist(path, skip_names, children)
            listed += 1
        names.append(name)
        inos.append(st.st_ino)
        mtimes.append(st.st_mtime_ns)
        flag_list.append(flags)
        depths.append(depth)
        if flags:
            if flags & UNREADABLE:
                result.unreadable.append(path)
            if flags & PIN:
                pins.append(os.path.join(path, ".python-version"))
            if flags & VENV:
                venvs.append(path)
                continue
        if depth >= max_depth or not children:
            continue
        prefix = path if path.endswith("/") else path + "/"
        below = depth + 1
        for sub, j in reversed(children):
            stack.append((prefix + sub, sub, below, j))
    tree.sizes = _sizes(depths)
    result.listed, result.reused = listed, reused
    return result


def _sizes(depths: list[int]) -> list[int]:
    """Each node's descendant count from the preorder depths."""
    total = len(depths)
    sizes = [0] * total
    open_: list[int] = []
    for j, depth in enumerate(depths):
        while open_ and depths[open_[-1]] >= depth:
            k = open_.pop()
            sizes[k] = j - k - 1
        open_.append(j)
    for k in open_:
        sizes[k] = total - k - 1
    return sizes
