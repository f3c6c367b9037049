"""The record of one walk of a project root (`Tree`) and what a walk returns (`WalkResult`),
with the flags and bounds the walk, its check and the stored state share.

A walk is recorded as a `Tree`: every directory visited, as its path relative to the root in
canonical preorder (children sorted by name), with its inode, mtime, ctime and flags.
"""

from __future__ import annotations

from array import array
from itertools import compress
from operator import methodcaller

# Directory names never descended into: version-control data, dependency trees, caches.
SKIP_NAMES = frozenset({
    ".git", ".hg", ".svn", ".bzr", "node_modules", "__pycache__", ".cache", ".mypy_cache",
    ".pytest_cache", ".ruff_cache", ".hypothesis", ".npm", ".yarn", ".pnpm-store", ".cargo",
    ".rustup", ".gradle", ".m2", ".Trash", "site-packages", ".ipynb_checkpoints",
})

# Node flags.
VENV = 1        # holds pyvenv.cfg (not descended into)
PIN = 2         # holds a .python-version file
UNREADABLE = 4  # could not be listed (tried again on every walk)
UNLISTED = 8    # not visited yet (the walk stopped at its time budget)
ALL_FLAGS = VENV | PIN | UNREADABLE | UNLISTED
LEAF_FLAGS = VENV | UNREADABLE | UNLISTED   # nodes recorded without children

# A directory whose ctime is this close to the walk's start (or later) is listed again next
# time: more than a tick of the kernel's coarse clock (4 ms at HZ=250, 10 ms at HZ=100).
SETTLE_NS = 20_000_000
# The stored walk in the state dir (core/env_state.py), named here so that a quick scan,
# which never reads it, need not import its reader.
STATE_FILE = "envs-scan.bin"
# The deepest walk a caller may ask for (the walk recurses once per level).
MAX_DEPTH_LIMIT = 64

WORD_MASK = (1 << 64) - 1  # times are kept as unsigned 64-bit words
_AS_KEY = methodcaller("replace", "/", "\x00")  # NUL sorts first: a subtree is one slice


class Tree:
    """Directories of one walk in canonical preorder: `paths` relative to the root (`""` is the
    root itself), with parallel `inos`, `mtimes`, `ctimes` and `flags`, kept as arrays (a time
    in ns as an unsigned 64-bit word: any date, before 1970 or past 2262, stays comparable).

    A finished tree is never changed; the sort keys of its paths (needed only when something
    changed) are computed once and kept with it: the state's reader derives them while checking
    the stored walk, and the TUI's refresh checks the tree it kept."""

    __slots__ = ("paths", "inos", "mtimes", "ctimes", "flags", "_keys")

    def __init__(self, paths: list[str] | None = None, inos: array | None = None,
                 mtimes: array | None = None, ctimes: array | None = None,
                 flags: bytearray | None = None) -> None:
        self.paths: list[str] = [] if paths is None else paths
        self.inos: array = array("Q") if inos is None else inos
        self.mtimes: array = array("Q") if mtimes is None else mtimes
        self.ctimes: array = array("Q") if ctimes is None else ctimes
        self.flags: bytearray = bytearray() if flags is None else flags
        self._keys: list[str] | None = None

    def __len__(self) -> int:
        return len(self.paths)

    def __eq__(self, other: object) -> bool:
        return self is other or (isinstance(other, Tree) and self.paths == other.paths
                                 and self.inos == other.inos and self.mtimes == other.mtimes
                                 and self.ctimes == other.ctimes
                                 and self.flags == other.flags)

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value

    def flagged(self) -> list[int]:
        """Indices of the nodes with any flag (venvs, pins, unreadable: few of them)."""
        return list(compress(range(len(self.flags)), self.flags))

    def keys(self) -> list[str]:
        """The paths' sort keys (`/` as NUL, which sorts first: a subtree is one slice)."""
        if self._keys is None or len(self._keys) != len(self.paths):
            self._keys = list(map(_AS_KEY, self.paths))
        return self._keys

    def keep_keys(self, keys: list[str]) -> None:
        """Keep the sort keys of these paths, derived by whoever has them (same paths)."""
        if len(keys) == len(self.paths):
            self._keys = keys


class WalkResult:
    """What one walk found (paths absolute) and how it went."""

    __slots__ = ("tree", "venvs", "pins", "unreadable", "partial", "listed", "reused")

    def __init__(self, tree: Tree, *, partial: bool = False, listed: int = 0,
                 reused: int = 0) -> None:
        self.tree = tree
        self.venvs: list[str] = []        # directories holding pyvenv.cfg
        self.pins: list[str] = []         # .python-version files
        self.unreadable: list[str] = []
        self.partial = partial
        self.listed = listed   # directories listed this time
        self.reused = reused   # directories whose earlier listing was still valid
