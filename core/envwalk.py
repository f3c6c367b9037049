"""The directory walk behind the environment scan: find `pyvenv.cfg` and `.python-version` under
project roots, fast on a second run.

A walk records every directory it listed as a node (name, inode, mtime, flags) in preorder with
its subtree size. The next walk of the same root stats each recorded directory and re-lists only
those whose inode or mtime changed (a directory's mtime changes whenever an entry is added,
removed or renamed in it), so an unchanged tree costs one `lstat` per directory and no listing.

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


@dataclass(slots=True)
class Node:
    name: str
    ino: int
    mtime_ns: int
    flags: int
    size: int = 0  # number of descendants recorded after this node (preorder)


@dataclass
class WalkResult:
    nodes: list[Node]
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


def _children(old: list[Node], index: int) -> dict[str, int]:
    out = {}
    j = index + 1
    end = index + 1 + old[index].size
    while j < end:
        out[old[j].name] = j
        j += 1 + old[j].size
    return out


def walk(root: str, *, max_depth: int, deadline: float, old: list[Node] | None = None,
         skip_ids: frozenset[tuple[int, int]] = frozenset(),
         skip_names: frozenset[str] = SKIP_NAMES,
         cancelled: Callable[[], bool] | None = None) -> WalkResult:
    """Walk `root` (followed if it is itself a symlink) down to `max_depth` levels below it.

    `old` is the previous walk's node list for this root (trusted only in shape: the caller
    validated it); `deadline` is a `time.monotonic()` value.
    """
    result = WalkResult(nodes=[])
    nodes = result.nodes
    depths: list[int] = []
    # (path, name, depth, index of this directory in `old` or -1)
    stack: list[tuple[str, str, int, int]] = [(root, "", 0, 0 if old else -1)]
    count = 0
    while stack:
        path, name, depth, old_index = stack.pop()
        count += 1
        if count % _CLOCK_EVERY == 0 and (time.monotonic() > deadline
                                          or (cancelled is not None and cancelled())):
            result.partial = True
            stack.append((path, name, depth, old_index))
            for _path, name, depth, _ in reversed(stack):
                nodes.append(Node(name, 0, 0, UNLISTED))
                depths.append(depth)
            break
        try:
            st = os.stat(path) if depth == 0 else os.lstat(path)
        except OSError:
            continue  # gone since its parent was listed
        if not stat.S_ISDIR(st.st_mode) or (st.st_dev, st.st_ino) in skip_ids:
            continue
        prior = old[old_index] if old_index >= 0 and old is not None else None
        if (prior is not None and prior.ino == st.st_ino and prior.mtime_ns == st.st_mtime_ns
                and not prior.flags & UNLISTED):
            flags = prior.flags
            known = _children(old, old_index) if not flags & (VENV | UNREADABLE) else {}  # type: ignore[arg-type]  # prior (hence old) is not None here
            subdirs = list(known)
            result.reused += 1
        else:
            known = _children(old, old_index) if prior is not None else {}  # type: ignore[arg-type]  # prior (hence old) is not None here
            try:
                flags, subdirs = _list(path, skip_names)
            except OSError:
                flags, subdirs = UNREADABLE, []
            result.listed += 1
        nodes.append(Node(name, st.st_ino, st.st_mtime_ns, flags))
        depths.append(depth)
        if flags & UNREADABLE:
            result.unreadable.append(path)
        if flags & PIN:
            result.pins.append(os.path.join(path, ".python-version"))
        if flags & VENV:
            result.venvs.append(path)
            continue
        if depth >= max_depth:
            continue
        prefix = path if path.endswith("/") else path + "/"
        for sub in sorted(subdirs, reverse=True):
            stack.append((prefix + sub, sub, depth + 1, known.get(sub, -1)))
    _fill_sizes(nodes, depths)
    return result


def _fill_sizes(nodes: list[Node], depths: list[int]) -> None:
    """Set each node's descendant count from the preorder depths."""
    open_: list[int] = []
    for j, depth in enumerate(depths):
        while open_ and depths[open_[-1]] >= depth:
            k = open_.pop()
            nodes[k].size = j - k - 1
        open_.append(j)
    total = len(nodes)
    for k in open_:
        nodes[k].size = total - k - 1


# -- the stored form -----------------------------------------------------------------------------


def nodes_to_json(nodes: list[Node]) -> list[list]:
    return [[n.name, n.ino, n.mtime_ns, n.flags, n.size] for n in nodes]


def nodes_from_json(data: object, *, max_nodes: int) -> list[Node] | None:
    """Nodes from their stored form, or None if anything about them is off (the state file is
    input like any other: every field type-checked, names single path components, sizes
    consistent with a preorder tree whose first node is the root)."""
    if not isinstance(data, list) or not data or len(data) > max_nodes:
        return None
    nodes: list[Node] = []
    for item in data:
        if not isinstance(item, list) or len(item) != 5:
            return None
        name, ino, mtime_ns, flags, size = item
        if not (isinstance(name, str) and type(ino) is int and type(mtime_ns) is int
                and type(flags) is int and type(size) is int):
            return None
        if ino < 0 or mtime_ns < 0 or not 0 <= flags < 16 or size < 0:
            return None
        nodes.append(Node(name, ino, mtime_ns, flags, size))
    if nodes[0].name != "" or nodes[0].size != len(nodes) - 1:
        return None
    # Every subtree must end inside its parent's, and names must be plain components.
    ends = [len(nodes)]
    for i, node in enumerate(nodes):
        while ends and i >= ends[-1]:
            ends.pop()
        if not ends or i + 1 + node.size > ends[-1]:
            return None
        if i and (not node.name or node.name in (".", "..") or "/" in node.name
                  or "\x00" in node.name or len(node.name) > 255):
            return None
        ends.append(i + 1 + node.size)
    return nodes
