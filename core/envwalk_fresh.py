"""The cold walk behind the environment scan (`Walker`): find `pyvenv.cfg` and
`.python-version` under a project root by going down by file descriptor.

Each directory is opened relative to its parent with O_NOFOLLOW (so no symlink below the root
is ever followed, not even one swapped in during the walk), fstat'ed for its inode and times,
and listed with scandir on the descriptor, whose d_type says which entries are directories
without a stat each. Skipped names, venvs (not descended into) and the depth limit prune before
anything is opened. `envwalk_recheck.Rechecker` extends it to check an earlier walk; the quick
scan (`env_quick`) uses it to walk a directory that appeared under a watched one.
"""

from __future__ import annotations

import errno
import os
import stat
import time
from array import array
from collections.abc import Callable
from itertools import compress

from pytui.core.envtree import (
    LEAF_FLAGS,
    PIN,
    SETTLE_NS,
    UNLISTED,
    UNREADABLE,
    VENV,
    WORD_MASK,
    Tree,
    WalkResult,
)

# How often (in directories) the walk looks at the clock and the cancel check.
CLOCK_EVERY = 256

_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
OPEN_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC | _NONBLOCK
OPEN_ROOT = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC | _NONBLOCK  # a root given as a symlink is followed


class Walker:
    def __init__(self, max_depth: int, deadline: float, skip_ids: frozenset[tuple[int, int]],
                 skip_names: frozenset[str], cancelled: Callable[[], bool] | None) -> None:
        self.max_depth = max_depth
        self.deadline = deadline
        self.skip_ids = skip_ids
        self.skip_names = skip_names
        self.cancelled = cancelled
        self.out = Tree()
        self.count = 0
        self.stopped = False
        self.listed = 0
        self.reused = 0
        self.started_ns = time.time_ns()

    # -- bookkeeping ---------------------------------------------------------------------------

    def _out_of_time(self) -> bool:
        return time.monotonic() > self.deadline or (self.cancelled is not None and self.cancelled())

    def _stop(self) -> bool:
        """Counts one directory; True once the budget is spent (looked at every few hundred)."""
        self.count += 1
        if not self.stopped and self.count % CLOCK_EVERY == 0 and self._out_of_time():
            self.stopped = True
        return self.stopped

    def _add(self, rel: str, ino: int, mtime: int, ctime: int, flags: int) -> None:
        out = self.out
        out.paths.append(rel)
        out.inos.append(ino)
        out.mtimes.append(mtime & WORD_MASK)
        out.ctimes.append(ctime & WORD_MASK)
        out.flags.append(flags)

    def _list(self, fd: int) -> tuple[int, list[str]]:
        """Flags and the sorted subdirectory names of the directory open as `fd` (symlinks are
        not directories here, and skipped names are left out before anything is opened)."""
        flags = 0
        subdirs: list[str] = []
        skip = self.skip_names
        try:
            with os.scandir(fd) as entries:
                for entry in entries:
                    name = entry.name
                    if name == "pyvenv.cfg":
                        flags |= VENV
                    elif name == ".python-version":
                        flags |= PIN
                    elif name not in skip:
                        try:
                            if entry.is_dir(follow_symlinks=False):
                                subdirs.append(name)
                        except OSError:
                            continue
        except OSError:
            return UNREADABLE, []
        self.listed += 1
        subdirs.sort()
        return flags, subdirs

    def unreadable(self, name: str, dir_fd: int | None, rel: str, *, follow: bool = False) -> None:
        """Record a directory that exists but cannot be opened (no permission)."""
        try:
            st = os.stat(name, dir_fd=dir_fd, follow_symlinks=follow)
        except OSError:
            return
        if stat.S_ISDIR(st.st_mode) and (st.st_dev, st.st_ino) not in self.skip_ids:
            self._add(rel, st.st_ino, st.st_mtime_ns, st.st_ctime_ns, UNREADABLE)

    def result(self, root: str) -> WalkResult:
        tree = self.out = _unsettled(self.out, self.started_ns)
        done = WalkResult(tree, partial=self.stopped, listed=self.listed, reused=self.reused)
        prefix = root if root.endswith("/") else root + "/"
        for i in tree.flagged():
            flags, rel = tree.flags[i], tree.paths[i]
            path = prefix + rel if rel else root
            if flags & UNREADABLE:
                done.unreadable.append(path)
            elif not flags & UNLISTED:
                if flags & PIN:
                    done.pins.append(os.path.join(path, ".python-version"))
                if flags & VENV:
                    done.venvs.append(path)
        return done

    # -- cold: walking by file descriptor ------------------------------------------------------

    def fresh(self, fd: int, st: os.stat_result, rel: str, depth: int) -> None:
        """Record and walk the directory open as `fd` (`st` its fstat, taken before listing)."""
        flags, subdirs = self._list(fd)
        self._add(rel, st.st_ino, st.st_mtime_ns, st.st_ctime_ns, flags)
        if subdirs and not flags & LEAF_FLAGS and depth < self.max_depth:
            self._fresh_children(fd, subdirs, rel + "/" if rel else "", depth + 1)

    def _fresh_child(self, parent_fd: int, name: str, rel: str, depth: int) -> None:
        """Walk one new subdirectory (`rel` is `prefix + name`) of the directory open as `parent_fd`."""
        self._fresh_children(parent_fd, [name], rel[:len(rel) - len(name)], depth)

    def _fresh_children(self, parent_fd: int, names: list[str], prefix: str, depth: int) -> None:
        """Open, record and walk each subdirectory `names` of the directory open as `parent_fd`
        (its path plus `/` is `prefix`). The loop of the cold walk: one call per directory
        with children and one `_list` per directory, everything else inline (a directory
        costs find's syscalls plus scandir's dup, and ~4 us of Python here)."""
        out = self.out
        paths, inos, mtimes, ctimes, node_flags = out.paths, out.inos, out.mtimes, out.ctimes, out.flags
        skip_ids, listing, deeper = self.skip_ids, self._list, depth < self.max_depth
        open_dir, fstat, close = os.open, os.fstat, os.close
        for name in names:
            rel = prefix + name
            self.count += 1
            if not self.stopped and not self.count % CLOCK_EVERY and self._out_of_time():
                self.stopped = True
            if self.stopped:
                self._add(rel, 0, 0, 0, UNLISTED)
                continue
            try:
                fd = open_dir(name, OPEN_DIR, dir_fd=parent_fd)
            except OSError as err:
                if err.errno in (errno.EACCES, errno.EPERM):
                    self.unreadable(name, parent_fd, rel)
                continue  # gone since the listing, or no longer a directory (ELOOP: now a symlink)
            try:
                st = fstat(fd)
                if (st.st_dev, st.st_ino) in skip_ids:
                    continue
                flags, subdirs = listing(fd)
                paths.append(rel)
                inos.append(st.st_ino)
                mtimes.append(st.st_mtime_ns & WORD_MASK)
                ctimes.append(st.st_ctime_ns & WORD_MASK)
                node_flags.append(flags)
                if subdirs and deeper and not flags & LEAF_FLAGS:
                    self._fresh_children(fd, subdirs, rel + "/", depth + 1)
            finally:
                close(fd)


def _unsettled(tree: Tree, started_ns: int) -> Tree:
    """`tree` with the ctime of each directory changed too recently to trust put to 0, so the
    next walk lists it again. A directory changed in the same clock tick as its fstat here keeps
    the times this walk recorded (filesystem times move in ticks of the kernel's coarse clock),
    so an entry added just after its listing would otherwise never be seen."""
    threshold = started_ns - SETTLE_NS
    recent = list(compress(range(len(tree.ctimes)), map(threshold.__le__, tree.ctimes)))
    if not recent:
        return tree
    ctimes = array("Q", tree.ctimes)  # a copy: `tree` may be the stored walk itself
    for i in recent:
        ctimes[i] = 0
    settled = Tree(tree.paths, tree.inos, tree.mtimes, ctimes, tree.flags)
    if tree._keys is not None:
        settled.keep_keys(tree._keys)
    return settled
