"""Noticing that another process changed the install root, the cache or the bin dir (uv installing or
uninstalling, a second pytui, a shell's `rm`), so the panes follow without `r`.

Each listing of the disk carries a stamp of the watched directories taken just before it;
every DISK_WATCH_INTERVAL seconds a thread worker takes a new stamp, and the app lists the disk
again when the stamp differs from the one of the listing shown. A stamp is each directory's
inode, link count, modification time, mode and owner, and the inode of the name itself (a cache
dir swapped for a symlink to it, or back, changes nothing else): an install or uninstall (a
directory made or removed in the root), an archive or `.part` written, renamed or removed in the
cache, a tree kept or discarded, all change one of them; a `chmod` or `chown` that makes a
directory unreadable, or readable again, changes only its mode or owner (not its mtime). A listing taken in the same clock tick as a change may not
see it while its stamp already has the new time (directory times are as coarse as the kernel's
clock tick), so a stamp whose times are that recent is only trusted once a later stamp agrees:
the directory is listed once more. Removing a file inside an install (`rm
ROOT/cpython-3.12.8-…/bin/python3.12`) changes none of those directories, so each look also
stats each install's interpreter and its `lib/libpython3.12.so.1.0` (the files `pytui list` and
the Installed pane first check for damage, core/install_damage.py: a shared build's interpreter
does not start without its libpython): one `scandir` of the root and a few stats per install,
for at most MAX_WATCHED_INSTALLS installs; a module deleted from an install's stdlib is still
seen only at the next listing (`r`, or any change to the root): the query's 17 modules would be
17 more stats an install, where libpython is one. Each install's stamp also holds its
directory's inode and time and those of its `bin/` and `lib/pythonX.Y/site-packages` (a `pip
install` into it, or a file added or removed there, changes one): the listing it leads to
measures that install's size again (app/size_watch.py). Offline with a `file://` mirror, the
same look stats the mirror file of each Available row not cached or installed
(app/download_source.mirror_rows), so the rows' dimming follows an archive copied in. No Textual here: app/background.py runs the stat on a
thread (a hung network filesystem must not freeze the screen) and app/listing_messages.py
decides.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

from pytui.core.keys import parse_key
from pytui.core.settings import Settings
from pytui.core.tree_store import TREES_DIR

# Seconds between two looks at the watched directories: a change made elsewhere shows within
# this long; each look is four `stat` and four `lstat` calls.
DISK_WATCH_INTERVAL = 2.0
# A directory time this close to when its stamp was taken may share a clock tick with a change
# the listing did not see (kernel timestamps are as coarse as the tick, 1-10 ms).
RACY_NS = 100_000_000
# The installs whose interpreter each look stats (in the root's name order); past that, a
# removed interpreter shows at the next listing. Four stats each, one for its libpython
# (two when it is gone), and three for the directories whose times say a package came or went:
# a look at 100 installs took 7.3 ms (0.01 ms without them) on 2 cores at load 7.5, on a thread,
# every 2 s; libpython's stat took the fastest of 200 looks at 100 stand-in installs from 1.2 to
# 1.7 ms (load 7.4); the three directories, the best of 50 looks from 1.9 to 2.6 ms (load 9).
MAX_WATCHED_INSTALLS = 256

# Per watched directory: (inode, link count, mtime in ns, mode, uid, gid) of what the path
# leads to, and the inode of the path itself (a symlink put at the name, or taken away, changes
# only that); for a name that leads nowhere (a symlink to nothing) only that inode; None when
# nothing is there or it cannot be read.
DirStamp = tuple[int, int, int, int, int, int, int] | None
# Per install: its interpreter's and its libpython's DirStamp, then (inode, mtime in ns) of its
# directory, of its `bin/` and of its `site-packages` ((0, 0) for one that is not there).
InstallStamp = tuple[DirStamp, DirStamp, int, int, int, int, int, int]


class DiskStamp:
    """What the watched directories looked like at one moment."""

    __slots__ = ("dirs", "installs", "racy")

    def __init__(self, dirs: tuple[DirStamp | InstallStamp, ...], racy: bool,
                 installs: dict[str, InstallStamp] | None = None) -> None:
        self.dirs = dirs
        # A time within RACY_NS of the moment the stamp was taken: see the module's docstring.
        self.racy = racy
        # Each watched install's stamp by its directory's name (also at the end of `dirs`).
        self.installs = installs if installs is not None else {}

    def __repr__(self) -> str:
        return f"DiskStamp({self.dirs!r}, racy={self.racy})"


def watched_dirs(settings: Settings) -> tuple[Path, ...]:
    """The install root, the cache and its trees, and the bin dir: a `python3.12` link removed
    there by hand (`rm ~/.local/bin/python3.12`) showed in Details only after `r`. The bin dir
    costs one more `stat` and `lstat` a look; a listing it asks for scans no environments (the
    installs did not change)."""
    return (settings.install_root, settings.cache_dir, settings.cache_dir / TREES_DIR,
            settings.bin_dir)


def disk_stamp(settings: Settings) -> DiskStamp:
    """The stamp of what the panes show: the watched directories and each install's
    interpreter and libpython."""
    return take_stamp(watched_dirs(settings), installs_in=settings.install_root)


def take_stamp(dirs: tuple[Path, ...], installs_in: Path | None = None) -> DiskStamp:
    """The stamps of `dirs`, then (`installs_in`: the install root) of each install's
    interpreter and libpython, found by the name of its directory there."""
    now = time.time_ns()
    stamps: list[DirStamp | InstallStamp] = []
    racy = False
    for path in dirs:
        try:
            st = os.stat(path)
            own = os.lstat(path).st_ino
        except (OSError, ValueError):  # missing, unreadable, or a path the OS refuses
            stamps.append(_unfollowed(path))
            continue
        stamps.append((st.st_ino, st.st_nlink, st.st_mtime_ns, st.st_mode, st.st_uid, st.st_gid,
                       own))
        racy = racy or st.st_mtime_ns > now - RACY_NS
    installs: dict[str, InstallStamp] = {}
    if installs_in is not None:
        for name, prefix, executable, library, site in _interpreters(installs_in):
            one = (_file_stamp(os.path.join(prefix, executable)), _library_stamp(library),
                   *_dir_time(prefix), *_dir_time(os.path.join(prefix, "bin")),
                   *_dir_time(os.path.join(prefix, site)))
            racy = racy or max(one[3], one[5], one[7]) > now - RACY_NS
            installs[name] = one
            stamps.append(one)
    return DiskStamp(tuple(stamps), racy, installs)


def _dir_time(path: str) -> tuple[int, int]:
    """A directory's (inode, mtime in ns); (0, 0) when it is not there or cannot be read."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return 0, 0
    return st.st_ino, st.st_mtime_ns


def _interpreters(root: Path) -> list[tuple[str, str, str, str, str]]:
    """Each install's name, prefix (under `install/` in a full archive's layout:
    core/installed.python_dir's rule by one `lstat`), interpreter (`bin/python3.12`), the
    libpython a shared build loads from its prefix (`lib/libpython3.12.so.1.0`, `3.13t`'s
    `libpython3.13t.so.1.0`: the name core/install_damage.py stats) and `site-packages`
    (`lib/python3.12/site-packages`), as core/installed.py finds installs: real directories
    named by a key. Plain strings: pathlib took most of the time."""
    try:
        with os.scandir(root) as entries:
            dirs = sorted((e.name, e.path) for e in entries if not e.name.startswith(".")
                          and e.is_dir(follow_symlinks=False))
    except (OSError, ValueError):
        return []
    found: list[tuple[str, str, str, str, str]] = []
    for name, path in dirs:
        parts = parse_key(name)
        if parts is None or parts.implementation != "cpython" or not parts.executable.startswith("bin/"):
            continue
        inner = os.path.join(path, "install")
        try:
            prefix = inner if stat.S_ISDIR(os.lstat(inner).st_mode) else path
        except (OSError, ValueError):
            prefix = path
        library = f"libpython{parts.major}.{parts.minor}{parts.executable_suffix}.so.1.0"
        site = (f"lib/python{parts.major}.{parts.minor}{'t' if parts.freethreaded else ''}"
                "/site-packages")
        found.append((name, prefix, parts.executable, os.path.join(prefix, "lib", library), site))
        if len(found) == MAX_WATCHED_INSTALLS:
            break
    return found


def _file_stamp(path: str) -> DirStamp:
    """A file's inode, mode and owner (no times: an interpreter that comes or goes is what
    counts, and no time of it can be racy), and the name's own inode."""
    try:
        st = os.stat(path)
        own = os.lstat(path).st_ino
    except (OSError, ValueError):
        return _unfollowed(path)
    return (st.st_ino, 0, 0, st.st_mode, st.st_uid, st.st_gid, own)


def _library_stamp(path: str) -> DirStamp:
    """A libpython's inode, mode and owner by one `stat` while it is there (a static build has
    none: an `lstat` more, the same None every look). Not the name's own inode: the file is
    what the interpreter loads, whatever leads to it."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return _unfollowed(path)
    return (st.st_ino, 0, 0, st.st_mode, st.st_uid, st.st_gid, 0)


def _unfollowed(path: Path | str) -> DirStamp:
    """The stamp of a name that leads nowhere: a symlink to nothing (its own inode; removing
    it, or making what it names, changes the stamp) or None when nothing is there."""
    try:
        own = os.lstat(path).st_ino
    except (OSError, ValueError):
        return None
    return (0, 0, 0, 0, 0, 0, own)


class DiskWatch:
    """The stamp of the listing shown, and whether a new stamp calls for another listing.
    Used on the app's thread only."""

    def __init__(self) -> None:
        self.shown: DiskStamp | None = None
        # The DISK generation of the newest listing a look asked for (0: none).
        self.generation = 0
        # Why the newest listing failed, said once (None: it did not).
        self.failed: str | None = None

    def listed(self, stamp: DiskStamp | None) -> None:
        """A listing taken after `stamp` is now shown."""
        if stamp is None:
            return
        shown = self.shown
        if stamp.racy and shown is not None and not shown.racy and stamp.dirs == shown.dirs:
            # Times a later stamp already agreed with are settled, however recent they look
            # (a time ahead of the clock looks racy at every stamp: listed every look).
            return
        self.shown = stamp

    def wants_listing(self, stamp: DiskStamp) -> bool:
        """Whether the disk should be listed again, given a stamp taken now. Before any listing
        lands (the first one is under way) nothing more is asked for."""
        shown = self.shown
        if shown is None:
            return False
        if stamp.dirs != shown.dirs:
            return True
        if shown.racy:
            # Equal, but the listing may have missed a change in its own tick: once more, and
            # the stamp taken before that listing (older times by then) settles it.
            self.shown = DiskStamp(shown.dirs, racy=False)
            return True
        return False
