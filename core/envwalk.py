"""The directory walk behind the environment scan: find `pyvenv.cfg` and `.python-version` under
a project root, and on the next scan check the earlier walk instead of walking again.

A walk is recorded as a `Tree`: every directory visited, as its path relative to the root in
canonical preorder (children sorted by name), with its inode, mtime, ctime and flags.

- **Cold**, the walk goes down by file descriptor: each directory is opened relative to its
  parent with O_NOFOLLOW (so no symlink below the root is ever followed, not even one swapped
  in during the walk), fstat'ed for its inode and times, and listed with scandir on the
  descriptor, whose d_type says which entries are directories without a stat each. Skipped
  names, venvs (not descended into) and the depth limit prune before anything is opened.
- **Warm**, the recorded directories are checked with one `lstat` each, in batches (a
  directory's mtime and ctime change whenever an entry is added, removed or renamed in it,
  so the same inode and times mean the same list of children; the ctime also moves when
  someone puts the mtime back with `touch -d`). Unchanged subtrees are copied as slices;
  only changed directories are listed again, and only new ones walked.

Bounds: a depth limit, a time budget after which the walk stops and says it is partial (cold:
what was not visited is recorded as unlisted, so the next walk starts there; warm: what was not
checked is kept as it was and checked next time), and the (device, inode) of directories the
caller leaves out (install root, archive cache, tool dirs scanned on their own).
"""

from __future__ import annotations

import errno
import os
import stat
import time
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from itertools import compress
from operator import attrgetter, methodcaller, ne

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
# The deepest walk a caller may ask for (the walk recurses once per level).
MAX_DEPTH_LIMIT = 64
# How often (in directories) the walk looks at the clock and the cancel check, and how many
# recorded directories are checked between looks.
_CLOCK_EVERY = 256
_STAT_BATCH = 4096
_DIFF_BLOCK = 4096

_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_OPEN_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC | _NONBLOCK
_OPEN_ROOT = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC | _NONBLOCK  # a root given as a symlink is followed
_INO, _MODE = attrgetter("st_ino"), attrgetter("st_mode")
_MTIME, _CTIME = attrgetter("st_mtime_ns"), attrgetter("st_ctime_ns")
_WORD_MASK = (1 << 64) - 1  # times are kept as unsigned 64-bit words
_AS_KEY = methodcaller("replace", "/", "\x00")  # NUL sorts first: a subtree is one slice


class _Gone:
    """What a recorded directory that no longer exists stats as."""

    st_ino = 0
    st_mtime_ns = 0
    st_ctime_ns = 0
    st_mode = 0
    st_dev = 0


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


@dataclass
class WalkResult:
    tree: Tree
    venvs: list[str] = field(default_factory=list)        # directories holding pyvenv.cfg
    pins: list[str] = field(default_factory=list)         # .python-version files
    unreadable: list[str] = field(default_factory=list)
    partial: bool = False
    listed: int = 0   # directories listed this time
    reused: int = 0   # directories whose earlier listing was still valid


def walk(root: str, *, max_depth: int, deadline: float, old: Tree | None = None,
         skip_ids: frozenset[tuple[int, int]] = frozenset(),
         skip_names: frozenset[str] = SKIP_NAMES,
         cancelled: Callable[[], bool] | None = None) -> WalkResult:
    """Walk `root` (followed if it is itself a symlink) down to `max_depth` levels below it.

    `old` is the previous walk of this root (checked by `env_state`: canonical order, no path
    leaving the root, nothing deeper than `max_depth`); `deadline` is a `time.monotonic()` value.
    """
    if not 0 <= max_depth <= MAX_DEPTH_LIMIT:
        raise ValueError(f"max_depth {max_depth} is outside 0..{MAX_DEPTH_LIMIT}")
    walker = _Walker(max_depth, deadline, skip_ids, skip_names, cancelled)
    try:
        fd = os.open(root, _OPEN_ROOT)
    except OSError as err:
        if err.errno in (errno.EACCES, errno.EPERM):
            walker.unreadable(root, None, "", follow=True)
        return walker.result(root)
    try:
        st = os.fstat(fd)
        if (st.st_dev, st.st_ino) not in skip_ids:
            if old is not None and len(old) and old.inos[0] == st.st_ino:
                walker.revisit(fd, st, old)
            else:
                walker.fresh(fd, st, "", 0)
    finally:
        os.close(fd)
    return walker.result(root)


class _Walker:
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
        # Set by revisit: the earlier tree, whether each of its nodes is still a directory (the
        # first `checked`), the sorted indices of nodes that changed, and the sort keys of its paths.
        self.old = Tree()
        self.is_dir = bytearray()
        self.checked = 0
        self.changed: list[int] = []
        self.keys: list[str] = []
        self.root_fd = -1
        self.started_ns = time.time_ns()

    # -- bookkeeping ---------------------------------------------------------------------------

    def _out_of_time(self) -> bool:
        return time.monotonic() > self.deadline or (self.cancelled is not None and self.cancelled())

    def _stop(self) -> bool:
        """Counts one directory; True once the budget is spent (looked at every few hundred)."""
        self.count += 1
        if not self.stopped and self.count % _CLOCK_EVERY == 0 and self._out_of_time():
            self.stopped = True
        return self.stopped

    def _add(self, rel: str, ino: int, mtime: int, ctime: int, flags: int) -> None:
        out = self.out
        out.paths.append(rel)
        out.inos.append(ino)
        out.mtimes.append(mtime & _WORD_MASK)
        out.ctimes.append(ctime & _WORD_MASK)
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
            if not self.stopped and not self.count % _CLOCK_EVERY and self._out_of_time():
                self.stopped = True
            if self.stopped:
                self._add(rel, 0, 0, 0, UNLISTED)
                continue
            try:
                fd = open_dir(name, _OPEN_DIR, dir_fd=parent_fd)
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
                mtimes.append(st.st_mtime_ns & _WORD_MASK)
                ctimes.append(st.st_ctime_ns & _WORD_MASK)
                node_flags.append(flags)
                if subdirs and deeper and not flags & LEAF_FLAGS:
                    self._fresh_children(fd, subdirs, rel + "/", depth + 1)
            finally:
                close(fd)

    # -- warm: checking an earlier walk --------------------------------------------------------

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
                   mtimes=array("Q", [root_st.st_mtime_ns & _WORD_MASK]),
                   ctimes=array("Q", [root_st.st_ctime_ns & _WORD_MASK]), flags=bytearray([1]))
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
                next_fd = os.open(part, _OPEN_DIR, dir_fd=fd)
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
        words.extend(map(_WORD_MASK.__and__, times))
        return
    words.frombytes(memoryview(signed).cast("B"))


def _lstat_or_gone(lstat: Callable[[str], os.stat_result], path: str) -> os.stat_result | _Gone:
    try:
        return lstat(path)
    except OSError:
        return _Gone()
