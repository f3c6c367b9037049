"""The warm walk behind the environment scan (`Rechecker`): check an earlier walk of a project
root instead of walking it again.

The recorded directories are checked with one `lstat` each, in batches (a directory's mtime and
ctime change whenever an entry is added, removed or renamed in it, so the same inode and times
mean the same list of children; the ctime also moves when someone puts the mtime back with
`touch -d`). Unchanged subtrees are copied as slices; only changed directories are listed
again (by `Walker`), and only new ones walked. What the budget left unchecked is kept as it was
and checked next time.
"""

from __future__ import annotations

import errno
import os
import stat
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterator
from functools import partial
from itertools import compress
from operator import attrgetter, ne

from pytui.core.envtree import LEAF_FLAGS, UNLISTED, UNREADABLE, WORD_MASK, Tree
from pytui.core.envwalk_fresh import OPEN_DIR, Walker

# How many recorded directories are checked between looks at the clock, and the block size of
# the array comparisons.
_STAT_BATCH = 4096
_DIFF_BLOCK = 4096

_INO, _MODE = attrgetter("st_ino"), attrgetter("st_mode")
_MTIME, _CTIME = attrgetter("st_mtime_ns"), attrgetter("st_ctime_ns")


class _Gone:
    """What a recorded directory that no longer exists stats as."""

    st_ino = 0
    st_mtime_ns = 0
    st_ctime_ns = 0
    st_mode = 0
    st_dev = 0


class Rechecker(Walker):
    """A `Walker` that starts from an earlier walk (`revisit`)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Set by revisit: the earlier tree, whether each of its nodes is still a directory (the
        # first `checked`), the sorted indices of nodes that changed, and the sort keys of its paths.
        self.old = Tree()
        self.is_dir = bytearray()
        self.checked = 0
        self.changed: list[int] = []
        self.keys: list[str] = []
        self.root_fd = -1

    def _stat_all(self, root_st: os.stat_result, paths: list[str]) -> Tree:
        """Each recorded directory's inode and times now (an lstat relative to the root's
        descriptor; the flag byte says whether it is still a directory), in batches between
        looks at the clock, so only one batch of stat results is alive at a time. Shorter than
        `paths` when the budget ran out.

        By path from the root, not by name from an opened parent: measured here, a lookup of
        five components costs the kernel no more than one relative to a descriptor, while
        opening the parents costs more (bench/envs.py). What an lstat costs is mostly the
        syscall and building its result (~5 us; `os.access` on the same path, ~2 us)."""
        now = Tree(inos=array("Q", [root_st.st_ino]),
                   mtimes=array("Q", [root_st.st_mtime_ns & WORD_MASK]),
                   ctimes=array("Q", [root_st.st_ctime_ns & WORD_MASK]), flags=bytearray([1]))
        lstat = partial(os.lstat, dir_fd=self.root_fd)
        for start in range(1, len(paths), _STAT_BATCH):
            if self._out_of_time():
                self.stopped = True
                break
            batch = paths[start:start + _STAT_BATCH]
            got: list[os.stat_result | _Gone]
            try:
                got = list(map(lstat, batch))
            except OSError:  # some went away: this batch again, one at a time
                got = [_lstat_or_gone(lstat, path) for path in batch]
            _add_stats(now, got)
        return now

    def revisit(self, fd: int, st: os.stat_result, old: Tree) -> None:
        self.root_fd, self.old = fd, old
        n = len(old)
        now = self._stat_all(st, old.paths)
        inos, mtimes, ctimes, dirs = now.inos, now.mtimes, now.ctimes, now.flags
        checked = len(inos)
        skip_inos = {ino for _dev, ino in self.skip_ids}
        if (checked == n and inos == old.inos and mtimes == old.mtimes and ctimes == old.ctimes
                and 0 not in dirs and UNREADABLE not in old.flags and UNLISTED not in old.flags
                and skip_inos.isdisjoint(inos)):
            self.out, self.reused = old, n  # the whole tree as it was
            return
        changed = set(_differing(inos, old.inos, checked))
        changed.update(_differing(mtimes, old.mtimes, checked))
        changed.update(_differing(ctimes, old.ctimes, checked))
        changed.update(_zeros(dirs))
        if not skip_inos.isdisjoint(inos):
            # A directory that has become one the caller leaves out (its subtree is dropped).
            changed.update(compress(range(checked), map(skip_inos.__contains__, inos)))
        changed.update(i for i in old.flagged() if old.flags[i] & (UNREADABLE | UNLISTED) and i < checked)
        self.is_dir, self.checked, self.changed = dirs, checked, sorted(changed)
        self.keys = old.keys()
        self._keep(0, 0, n)

    def _end(self, i: int, end: int) -> int:
        """Where node i's subtree ends in the earlier tree (within its parent's, ending at `end`)."""
        return bisect_left(self.keys, self.keys[i] + "\x01", i + 1, end)

    def _copy(self, i: int, end: int, *, checked: bool) -> None:
        old, out = self.old, self.out
        out.paths += old.paths[i:end]
        out.inos += old.inos[i:end]
        out.mtimes += old.mtimes[i:end]
        out.ctimes += old.ctimes[i:end]
        out.flags += old.flags[i:end]
        if checked:
            self.reused += end - i

    def _keep(self, i: int, depth: int, end: int) -> None:
        """Carry node i of the earlier tree (its subtree ends at `end`) into this walk."""
        if self.stopped or i >= self.checked:
            # Not checked this time: kept as it was, and checked on the next walk.
            self._copy(i, end, checked=False)
            return
        changed = self.changed
        at = bisect_left(changed, i)
        if at == len(changed) or changed[at] >= end:
            self._copy(i, end, checked=True)
            return
        if changed[at] == i:
            self._changed(i, depth, end)
            return
        # Unchanged itself (same children), something changed below it.
        old = self.old
        self._add(old.paths[i], old.inos[i], old.mtimes[i], old.ctimes[i], old.flags[i])
        self.reused += 1
        j = i + 1
        while j < end:
            after = self._end(j, end)
            self._stop()
            self._keep(j, depth + 1, after)
            j = after

    def _open_below(self, rel: str) -> int:
        """`rel` opened one component at a time from the root's descriptor, none followed if it
        is a link (O_NOFOLLOW on a whole path spares only its last component: a parent swapped
        for a link since the stored walk was checked would lead outside the root); -1 if it
        cannot be (recorded as unreadable when the last step lacks permission)."""
        fd = self.root_fd
        parts = rel.split("/")
        for n, part in enumerate(parts):
            try:
                next_fd = os.open(part, OPEN_DIR, dir_fd=fd)
            except OSError as err:
                if n == len(parts) - 1 and err.errno in (errno.EACCES, errno.EPERM):
                    self.unreadable(part, fd, rel)
                next_fd = -1
            if fd != self.root_fd:
                os.close(fd)
            if next_fd < 0:
                return -1
            fd = next_fd
        return fd

    def _changed(self, i: int, depth: int, end: int) -> None:
        """Node i changed: list it again, keeping the subtrees of children it still has."""
        old, rel = self.old, self.old.paths[i]
        if not self.is_dir[i]:
            return  # gone or replaced (by a symlink, a file): its parent's times moved too
        if rel:
            fd = self._open_below(rel)
            if fd < 0:
                return
        else:
            fd = self.root_fd
        try:
            st = os.fstat(fd)
            if (st.st_dev, st.st_ino) in self.skip_ids:
                return
            if st.st_ino != old.inos[i] or old.flags[i] & (UNREADABLE | UNLISTED):
                self.fresh(fd, st, rel, depth)  # another directory now, or never listed
                return
            flags, subdirs = self._list(fd)
            self._add(rel, st.st_ino, st.st_mtime_ns, st.st_ctime_ns, flags)
            if flags & LEAF_FLAGS or depth >= self.max_depth:
                return
            known: dict[str, tuple[int, int]] = {}
            j = i + 1
            while j < end:
                after = self._end(j, end)
                known[old.paths[j].rpartition("/")[2]] = (j, after)
                j = after
            prefix = rel + "/" if rel else ""
            for name in subdirs:
                if name in known:
                    j, after = known[name]
                    self._stop()
                    self._keep(j, depth + 1, after)
                else:
                    self._fresh_child(fd, name, prefix + name, depth + 1)
        finally:
            if fd != self.root_fd:
                os.close(fd)


def _differing(now: array, old: array, count: int) -> Iterator[int]:
    """Indices below `count` where two arrays differ: blocks are compared first (in C), so a
    few changes among 100,000 directories cost a few element-wise passes over one block each."""
    for start in range(0, count, _DIFF_BLOCK):
        stop = min(start + _DIFF_BLOCK, count)
        block = now[start:stop]
        if block != old[start:stop]:
            yield from compress(range(start, stop), map(ne, block, old[start:stop]))


def _zeros(flags: bytearray) -> Iterator[int]:
    """Indices of the zero bytes (directories no longer there, or no longer directories)."""
    at = flags.find(0)
    while at >= 0:
        yield at
        at = flags.find(0, at + 1)


def _add_stats(tree: Tree, got: list[os.stat_result | _Gone]) -> None:
    tree.inos.extend(map(_INO, got))
    _add_words(tree.mtimes, list(map(_MTIME, got)))
    _add_words(tree.ctimes, list(map(_CTIME, got)))
    tree.flags.extend(map(stat.S_ISDIR, map(_MODE, got)))


def _add_words(words: array, times: list[int]) -> None:
    """Append times (ns) as unsigned 64-bit words: through a signed array's bytes (two's
    complement, as masking gives, without a new int per value), masked where one is out of range."""
    try:
        signed = array("q", times)
    except OverflowError:  # past 2262 or before 1678
        words.extend(map(WORD_MASK.__and__, times))
        return
    words.frombytes(memoryview(signed).cast("B"))


def _lstat_or_gone(lstat: Callable[[str], os.stat_result], path: str) -> os.stat_result | _Gone:
    try:
        return lstat(path)
    except OSError:
        return _Gone()
