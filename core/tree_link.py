"""Recreating a pristine tree in an empty directory: directories made, symlinks recreated, files
hard-linked (copied where linking fails), each source entry checked against its manifest entry.

The work is split by directory: the entries whose parent is the same directory, listed together
in the manifest, are one run, and a run can start as soon as its directory has been made. On
a machine whose every core is busy, runs go to two threads as their directories appear (the
kernel's part of each entry, `linkat`, `fstatat`, `mkdirat`, runs without the GIL); with a
core to spare, to the calling thread alone (`core/link_threads.py` says why). Nothing is written outside
`dst_top`: every entry is made by name in a directory this module made (the manifest lists
every entry's parent as a directory: `tree_manifest.parse_columns`), and a run whose
directory was never made is never
started (the entries left over are `TreeCorrupt`). The first failure stops every thread at its
next entry; the caller gets it once all of them have stopped, so it removes a directory no
thread still writes into.

Why this shape (measured on a 2,619-entry CPython tree, ext4 without a journal, 2 cores): the
kernel is most of the cost and cannot be batched from Python: `linkat` ~12-14 us a file (the
new name's lookup and insertion in the directory), `mkdirat` ~40 us (~300 us while the inode
allocator skips recently freed inodes), so ~45 ms of CPU of which ~33 ms are the links; the
Python around each entry is ~3 us, most of it the `lstat` result object. The alternatives
measured no better and were dropped: whole relative paths from the roots instead of a pair of
directory descriptors per run (equal); every directory made before any link, then halves
(equal when `mkdir` is cheap, worse when it is not); the second thread linking without checks
and the calling thread checking its files afterwards (fewer GIL handoffs, but as much CPU and
a serial tail); the directories shared by the two threads, one subtree each (two threads made
175 directories in 58 instead of 80 ms once, when each `mkdir` was slow, but an install
measured 0.97-1.10x at load 3.5: kept out). A profile of two threads on that busy machine (30 Nov)
showed no time in the GIL (`take_gil` 0.2%) nor in kernel locks; with a core to spare the
GIL's hand-offs are the cost (below).

Overlapping the link with the rest of the install (measured 30 Nov 23:40-00:00, dropped): the
link starting as soon as the build is resolved, while the job machinery is imported and set
up (~20 ms of single-threaded Python). On a thread it gains nothing: the link's Python part
needs the GIL back after every system call, and an importing main thread holds it, so a
link beside the imports took as long as the two one after the other, with one linking thread
or two, whatever the switch interval (`sys.setswitchinterval` 5 ms, 0.5 ms, 0.1 ms, 30 us:
75-126 ms against 75-100 ms serial, load 0.7-1.7). In a forked child (its own interpreter;
the stage opened first, the child's result read back, killed and waited for on a cancel) the
two do overlap, but the fork's copy-on-write faults cost 4-9% more CPU (~2,000 more page
faults) and at load 2.7-3.4 the install was no faster (median 216 against 280 ms one run,
324 against 318 ms another; the first quartile equal): with no idle core there is nothing
to overlap into. A gain needs an idle second core, which the shared 2-core machine rarely
had while this was measured.
"""

from __future__ import annotations

import errno
import os
import stat
import threading
from collections.abc import Callable, Sequence

from pytui.core.link_threads import link_threads
from pytui.core.progress import CancelToken
from pytui.core.tree_manifest import Layout, TreeCorrupt, file_changed, tree_layout, trusted_owners

# Fewer entries than this are linked by the calling thread alone: a thread costs more than
# it saves on a small tree.
MIN_THREADED_ENTRIES = 400
# How many entries a thread handles between two looks at the cancel token (and at the other
# thread's failure): a run of one directory's entries is cut at this length.
CANCEL_EVERY = 256

# Hard-linking failed for a reason that copying gets around (another filesystem, a filesystem
# without hard links, the link-count limit).
LINK_FALLBACK_ERRNOS = frozenset({errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP})

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC

# A tree as columns, in `tree_manifest.Entry`'s field order: paths, kinds (one string, or any
# sequence of one-letter kinds), modes, sizes, mtimes, inodes, link targets.
TreeColumns = tuple[Sequence[str], Sequence[str], Sequence[int], Sequence[int], Sequence[int],
                    Sequence[int], Sequence[str]]


def entry_columns(entries: Sequence[tuple[str, str, int, int, int, int, str]]) -> TreeColumns:
    """`entries` (`tree_manifest.Entry`s, or tuples in its field order) as columns."""
    if not entries:
        return ([], "", [], [], [], [], [])
    paths, kinds, modes, sizes, mtimes, inodes, targets = zip(*entries, strict=True)
    return paths, kinds, modes, sizes, mtimes, inodes, targets


def copy_file_at(name: str, src_dir: int, dst_dir: int, mode: int,
                 expect: tuple[int, int, int] | None) -> None:
    """Copy `name` from the directory open as `src_dir` to a new file in `dst_dir`, reading
    through the descriptor opened (never following a link) and, with `expect` (inode, size,
    mtime), checked by its fstat: a file swapped after the manifest check is not copied."""
    import shutil

    try:
        src = os.open(name, _READ_FLAGS, dir_fd=src_dir)
    except OSError:
        raise TreeCorrupt(f"{name} is missing or no longer a file") from None
    try:
        st = os.fstat(src)
        if not stat.S_ISREG(st.st_mode) or (
                expect is not None and (st.st_ino, st.st_size, st.st_mtime_ns) != expect):
            raise TreeCorrupt(f"{name} was changed after the tree was made")
        fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, mode,
                     dir_fd=dst_dir)
        try:
            os.fchmod(fd, mode)
            with os.fdopen(src, "rb", closefd=False) as source, os.fdopen(fd, "wb", closefd=False) as out:
                shutil.copyfileobj(source, out, 1024 * 1024)
        finally:
            os.close(fd)
    finally:
        os.close(src)


def _runs(parents: Sequence[str], starts: Sequence[int]) -> list[tuple[str, int, int]]:
    """The runs of entries directly in one directory, in manifest order: (folder, start, end),
    none longer than CANCEL_EVERY (a thread looks at the cancel token once a run). `parents`:
    each entry's parent directory; `starts`: where the parent changes (`tree_layout`)."""
    runs: list[tuple[str, int, int]] = []
    if not starts:
        return runs
    for start, end in zip(starts, [*starts[1:], len(parents)], strict=True):
        folder = parents[start]
        while end - start > CANCEL_EVERY:
            runs.append((folder, start, start + CANCEL_EVERY))
            start += CANCEL_EVERY
        runs.append((folder, start, end))
    return runs


class _Linker:
    """One recreation of a tree, shared by its threads.

    The directories are made first, in manifest order (parents first), by one thread: on a
    busy ext4 without a journal a `mkdir` is the dearest step (the inode allocator skips
    every recently freed inode), and it runs without the GIL. The files and links of each
    directory (a run) are linked by the calling thread as soon as that directory exists, from
    the first run on; once every directory is made, the other thread links runs from the last
    one backwards, until the two meet.
    """

    def __init__(self, src_root: int, dst_root: int, columns: TreeColumns, cancel: CancelToken | None,
                 what: str, check: bool, layout: Layout | None = None) -> None:
        self.src_root = src_root
        self.dst_root = dst_root
        self.columns = columns
        self.cancel = cancel
        self.what = what
        self.check = check
        self.linked = True  # False once a link failed for a reason copying gets around
        # Whose entries are linked: another user's file or directory in the tree is a change
        # (its owner could have made it agree with the manifest; tree_store.TreeNotMine).
        self.owners = trusted_owners()
        paths, kinds = columns[0], columns[1]
        if layout is None:
            layout = tree_layout(paths, kinds if isinstance(kinds, str) else "".join(kinds))
        # The files are linked by their names in their directory's descriptor.
        parents, names, starts, self.dirs = layout
        self.names = _fs_names(names)
        self.runs = _runs(parents, starts)
        # For each run, how many directories must be made before it starts: its own, and its
        # own subdirectories too, since a `mkdir` holds its parent's lock through the inode
        # search (slow on a busy ext4 without a journal) and a link into that parent would wait
        # for it. A run whose directory is not listed is a manifest pytui did not write.
        # (The n-th directory made is the last one a name waits for if it is that directory
        # or its parent; n only grows, so the last assignment is the largest.)
        ready_at = {"": 0}
        for n, index in enumerate(self.dirs, 1):
            path = paths[index]
            ready_at[path] = ready_at[path.rpartition("/")[0]] = n
        listed = {paths[index] for index in self.dirs}
        listed.add("")
        if not listed.issuperset([folder for folder, _start, _end in self.runs]):
            raise TreeCorrupt("manifest has an entry that is not under a listed directory")
        self.needs = [ready_at[folder] for folder, _start, _end in self.runs]
        self.made = 0  # directories made: dirs[:made] (written by the directory thread only)
        self.wanted = 0  # how many the linking thread waits for (0: it is not waiting)
        self.wake = threading.Event()  # `wanted` reached, or a thread failed
        self.front = 0  # runs[front:back] are still to be linked
        self.back = len(self.runs)
        self.error: BaseException | None = None
        self.lock = threading.Lock()  # for front, back and error

    def stop(self, err: BaseException) -> None:
        """Stop every thread at its next entry; `err` is what the caller raises."""
        with self.lock:
            if self.error is None:
                self.error = err
        self.wake.set()

    def guarded(self, job: Callable[[], None]) -> None:
        """Run `job`; a failure stops the other threads and is kept for the caller."""
        try:
            job()
        except BaseException as err:  # noqa: BLE001 - kept for the calling thread, which raises it
            self.stop(err)

    def make_dirs(self) -> None:
        """Every directory, in manifest order, each announced as soon as it exists."""
        paths, modes = self.columns[0], self.columns[2]
        cancel, what, check = self.cancel, self.what, self.check
        src_root, dst_root, mkdir, owners = self.src_root, self.dst_root, os.mkdir, self.owners
        for count, index in enumerate(self.dirs, 1):
            if self.error is not None:
                return
            if cancel is not None and not count % CANCEL_EVERY:
                cancel.check(what)
            path = paths[index]
            mode = modes[index]
            if check:
                # Not followed: a directory swapped for a link to one is a change too. The
                # mode applied is the manifest's, so it must be the tree's: a flipped bit
                # would make an install's directory world-writable (or chmod overflow).
                src = _lstat(path, src_root)
                if src is None or not stat.S_ISDIR(src.st_mode):
                    raise TreeCorrupt(f"{path} is no longer a directory")
                if stat.S_IMODE(src.st_mode) != mode:
                    raise TreeCorrupt(f"{path} has another mode than the manifest records")
                if src.st_uid not in owners:
                    raise not_mine(path, src.st_uid)
            mkdir(path, 0o755, dir_fd=dst_root)
            if mode != 0o755:
                os.chmod(path, mode | stat.S_IRWXU, dir_fd=dst_root)
            # Announced without a lock (only this thread writes `made`); the other thread is
            # woken only when it waits for this many (see `_wait_for`).
            self.made = count
            wanted = self.wanted
            if wanted and count >= wanted:
                self.wake.set()

    def _wait_for(self, need: int) -> None:
        """Until `need` directories exist or a thread failed. `wanted` is set and the event
        cleared before `made` is looked at again, so an announcement is never missed."""
        while self.made < need and self.error is None:
            self.wanted = need
            self.wake.clear()
            if self.made >= need or self.error is not None:
                break
            self.wake.wait()
        self.wanted = 0

    def link_from_front(self) -> None:
        """Link runs in manifest order, each once its directory exists."""
        lock, runs, needs = self.lock, self.runs, self.needs
        while True:
            with lock:
                if self.error is not None or self.front >= self.back:
                    return
                need = needs[self.front]
                run = None
                if self.made >= need:
                    run = runs[self.front]
                    self.front += 1
            if run is None:
                # The other thread takes runs only once every directory is made, so this one
                # is still the next run once the wait is over.
                self._wait_for(need)
            else:
                self._run(*run)

    def link_from_back(self) -> None:
        """Once every directory exists: link runs from the last one back to the other thread's."""
        lock, runs = self.lock, self.runs
        while True:
            with lock:
                if self.error is not None or self.front >= self.back:
                    return
                self.back -= 1
                run = runs[self.back]
            self._run(*run)

    def _run(self, folder: str, start: int, end: int) -> None:  # noqa: C901 - the per-entry hot loop
        """The files and links [start, end) of `folder`, every one directly in it (its
        directories are made by `make_dirs`)."""
        _paths, kinds, modes, sizes, mtimes, inodes, targets = self.columns
        names = self.names
        cancel, what, check = self.cancel, self.what, self.check
        link, lstat_at, S_IFREG = os.link, os.lstat, stat.S_IFREG
        linked, owners = self.linked, self.owners
        if folder:
            try:
                src_fd = os.open(folder, _DIR_FLAGS, dir_fd=self.src_root)
            except OSError:
                raise TreeCorrupt(f"{folder} is no longer a directory") from None
            try:
                dst_fd = os.open(folder, _DIR_FLAGS, dir_fd=self.dst_root)
            except BaseException:
                os.close(src_fd)
                raise
        else:
            src_fd, dst_fd = self.src_root, self.dst_root
        try:
            if self.error is not None:
                return  # another thread failed: the caller raises that
            if cancel is not None:
                cancel.check(what)
            for name, kind, mode, size, mtime_ns, ino, target in zip(
                    names[start:end], kinds[start:end], modes[start:end], sizes[start:end],
                    mtimes[start:end], inodes[start:end], targets[start:end], strict=True):
                if kind == "f":
                    if linked:
                        try:
                            link(name, name, src_dir_fd=src_fd, dst_dir_fd=dst_fd, follow_symlinks=False)
                        except FileNotFoundError:
                            raise TreeCorrupt(f"{_joined(folder, name)} is missing") from None
                        except OSError as err:
                            if err.errno not in LINK_FALLBACK_ERRNOS:
                                raise
                            linked = self.linked = False
                        else:
                            if check:
                                # One stat of the new link, which IS the tree's inode: its inode
                                # number, size, mtime and mode are the tree file's when it was
                                # linked (no window between a check and the link). An edit in
                                # place keeps the inode but not the mtime (and usually not the
                                # size); a file replaced by rename has another inode.
                                # (`lstat` with no keyword but `dir_fd`: a microsecond less a file
                                # than `stat(..., follow_symlinks=False)`; the mode compared whole:
                                # a regular file with exactly the recorded permission bits.)
                                # (The fields by index where `stat_result` has one: st[1]
                                # is st_ino, st[6] st_size, st[0] st_mode, st[4] st_uid; an index
                                # into the tuple is cheaper than an attribute's lookup.)
                                st = lstat_at(name, dir_fd=dst_fd)
                                if not (st[1] == ino and st.st_mtime_ns == mtime_ns and st[6] == size
                                        and st[0] == S_IFREG | mode and st[4] in owners):
                                    raise _changed(_joined(folder, name), st, mode, size, mtime_ns, owners)
                            continue
                    if check:
                        try:
                            st = lstat_at(name, dir_fd=src_fd)
                        except OSError:
                            raise TreeCorrupt(f"{_joined(folder, name)} is missing") from None
                        if not (st.st_ino == ino and st.st_mtime_ns == mtime_ns and st.st_size == size
                                and st.st_mode == S_IFREG | mode and st.st_uid in owners):
                            raise _changed(_joined(folder, name), st, mode, size, mtime_ns, owners)
                    try:
                        copy_file_at(name, src_fd, dst_fd, mode, (ino, size, mtime_ns) if check else None)
                    except TreeCorrupt:
                        raise TreeCorrupt(f"{_joined(folder, name)} was changed after the tree was made") from None
                elif kind == "l":
                    name = os.fsdecode(name)  # (a link's target is read back as the text it is)
                    if check:
                        try:
                            same = os.readlink(name, dir_fd=src_fd) == target
                        except OSError:
                            same = False
                        if not same:
                            raise TreeCorrupt(f"{_joined(folder, name)} is no longer the same link")
                    os.symlink(target, name, dir_fd=dst_fd)
        finally:
            if folder:
                os.close(src_fd)
                os.close(dst_fd)


def _joined(folder: str, name: str | bytes) -> str:
    """The tree-relative path of `name` in `folder` ('' at the top), for messages."""
    name = os.fsdecode(name)
    return f"{folder}/{name}" if folder else name


def _fs_names(names: list[str]) -> list[bytes] | list[str]:
    """`names` as the bytes `os` passes to the kernel, encoded in one pass: a name given as
    `str` is encoded again by each call it is given to (the link, its check, ~0.4 K
    instructions a file). As they are when one cannot be split back out (a new line in a name:
    a tree scanned, not a manifest, which has none) or encoded."""
    try:
        encoded = os.fsencode("\n".join(names)).split(b"\n")
    except UnicodeError:
        return names
    return encoded if len(encoded) == len(names) else names


def _lstat(path: str, dir_fd: int) -> os.stat_result | None:
    """`path` under `dir_fd`, links not followed; None when it cannot be stat'ed."""
    try:
        return os.lstat(path, dir_fd=dir_fd)
    except OSError:
        return None


def not_mine(path: str, uid: int) -> TreeCorrupt:
    return TreeCorrupt(f"{path} belongs to another user (uid {uid})")


def _changed(path: str, st: os.stat_result, mode: int, size: int, mtime_ns: int, owners: frozenset[int]) -> TreeCorrupt:
    """`file_changed`, or another user's file: said first, whatever else differs."""
    return not_mine(path, st.st_uid) if st.st_uid not in owners else file_changed(path, st, mode, size, mtime_ns)


def link_tree(src_top: str, dst_top: str, columns: TreeColumns, cancel: CancelToken | None,
              what: str, *, check: bool, threads: int | None = None,
              layout: Layout | None = None) -> bool:
    """Recreate the entries `columns` of `src_top` in the empty directory `dst_top`; True if
    every file was hard-linked (False: some were copied).

    With `check`, each source entry is compared with what the manifest recorded and
    `TreeCorrupt` is raised at the first difference; the caller removes the half-made copy
    (every thread has stopped when this returns or raises). `threads`: 1 or 2 (None:
    `link_threads()`). `layout`: the columns' `tree_manifest.Layout`, if the caller has it.
    """
    src_root = os.open(src_top, _DIR_FLAGS)
    try:
        dst_root = os.open(dst_top, _DIR_FLAGS)
        try:
            linker = _Linker(src_root, dst_root, columns, cancel, what, check, layout)
            if len(columns[0]) >= MIN_THREADED_ENTRIES and (threads or link_threads()) > 1:
                _link_in_two(linker)
            else:
                linker.guarded(linker.make_dirs)
                linker.guarded(linker.link_from_front)
        finally:
            os.close(dst_root)
    finally:
        os.close(src_root)
    if linker.error is not None:
        raise linker.error
    if linker.made != len(linker.dirs) or linker.front < linker.back:
        raise TreeCorrupt("the tree was not recreated whole")  # not reached: every run waits for its directory
    return linker.linked


def _link_in_two(linker: _Linker) -> None:
    """The directories (then the last runs) on a second thread, the runs on this one."""

    def helper() -> None:
        linker.guarded(linker.make_dirs)
        linker.guarded(linker.link_from_back)

    other = threading.Thread(target=helper, name="pytui-link", daemon=True)
    try:
        other.start()
    except RuntimeError:
        # No thread can start (a container at its pids limit binds root too): one does it all.
        linker.guarded(linker.make_dirs)
        linker.guarded(linker.link_from_front)
        return
    try:
        linker.guarded(linker.link_from_front)
        other.join()
    except BaseException as err:
        # Interrupted while waiting (Ctrl-C on the main thread): stop the other thread and
        # wait for it, so that no thread writes into a directory the caller removes.
        linker.stop(err)
        other.join()
        raise
