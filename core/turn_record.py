"""What the holder of an archive's lock (`<name>.part.lock`, core/cache_locks.exclusive) does
with the archive, recorded in the lock file for a second pytui that waits for it, and the line
that second one says while it waits (`wait_line`).

The line said what follows the wait from the waiting process's own mode alone: beside a first
install run with `--no-cache` or `PYTUI_NO_TREES=1`, a second with trees said it goes on with
"the tree it keeps", which the first keeps none of (the second unpacks the archive itself), or
with "that download", which a `--no-cache` first streams into its install and caches not. The
holder now records its mode and its pid on the lock file once it holds it (an extended
attribute, `ATTRIBUTE`: `trees 4242`; a purge records `PURGE`); the waiter reads it as another
process's input (only a mode that is exactly one of `RECORDS`, with the pid of the process
that holds the lock now, counts: a record a killed holder left on its lock file is no longer
its holder's, and the lock's next holder may be a process that records nothing, such as a
listing's probe, another program or an older pytui). With none (a filesystem with no user
attributes, an older pytui's lock, the waiter came between the holder's lock and its record,
or /proc does not name the holder), the line says only what is known: that another process
holds the lock, whose activity it does not name, and what the install goes on with in every
case.
"""

from __future__ import annotations

import contextlib
import os
import stat

from pytui.core.keys import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

TREES, NO_TREES, NO_CACHE = "trees", "no-trees", "no-cache"
# A `pytui cache purge` removing a stopped download's `.part` (or a lock a killed run left)
# under the lock (core/cache_locks.unless_downloading): a waiter behind it said the holder was
# downloading the archive.
PURGE = "purge"
# An extended attribute of the lock file, not its bytes: the file stays empty, so a lock a killed
# run left is 0 B wherever the cache is sized, as before. Where the filesystem keeps no user
# attributes, none is written and a waiter says what is true in every mode.
ATTRIBUTE = "user.pytui.turn"
RECORDS = {mode.encode(): mode for mode in (TREES, NO_TREES, NO_CACHE, PURGE)}


def holder_mode(*, trees: bool, no_cache: bool) -> str:
    """The holder's mode: it streams and caches nothing (`--no-cache`), or it caches the archive
    and keeps its unpacked tree (or not: PYTUI_NO_TREES=1)."""
    return NO_CACHE if no_cache else TREES if trees else NO_TREES


def write_record(fd: int, mode: str) -> None:
    """Record `mode` and this process's pid on the lock file open as `fd` (held by this process);
    nothing is said when it cannot be (no such attributes here, or not on this system)."""
    with contextlib.suppress(OSError, AttributeError):
        os.setxattr(fd, ATTRIBUTE, f"{mode} {os.getpid()}".encode())


def read_record(fd: int, holder_pid: int | None) -> str | None:
    """The mode recorded on the lock file open as `fd` by the process `holder_pid` that holds its
    lock now, or None: none recorded, not a regular file, a record of another process (a killed
    holder's), no holder known, or anything other than one of `RECORDS` and a pid (another
    process's attribute: its size is bounded by the kernel, 64 KiB at most, and only an exact
    match counts)."""
    if holder_pid is None:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        data = os.getxattr(fd, ATTRIBUTE)
    except (OSError, AttributeError):
        return None
    mode, _, pid = data.partition(b" ")
    if pid != str(holder_pid).encode():
        return None
    return RECORDS.get(mode)


def wait_line(lock_path: Path, what: str, held: str, *, trees: bool = True, holder: str | None = None) -> str:
    """What a wait for an archive's lock says: what the holder does (downloads the archive,
    or installs from it when it is in the cache already, or purges; `holder`: its recorded mode,
    None when not known: the line then names no activity), and what this install goes on with
    once it ends (`trees`: whether this run keeps and links pristine trees). Before a reinstall
    (or when the holder fails) it links the tree the holder kept only when the holder keeps
    trees and this run links them; else it unpacks the archive itself, or downloads it when the
    holder cached nothing."""
    archive = os.fspath(lock_path).removesuffix(".part.lock")
    cached = archive != os.fspath(lock_path) and os.path.isfile(archive)
    if holder is None:
        tree = "the tree it keeps if it keeps one, or " if trees else ""
        return (f"waiting for another process that holds the lock on the archive of {what} ({held}); "
                f"this install goes on with the install it made, or {tree}the cached archive if there "
                "is one then, else downloads it itself, once it ends")
    if holder == PURGE:
        doing = f"purging what a stopped download or a killed install of {what} left in the cache"
        then = "the cached archive if it is still there, else downloads it itself,"
    elif holder == NO_CACHE:
        doing = (f"installing {what} with --no-cache, which caches nothing" if cached else
                 f"downloading {what} with --no-cache, into its install and not the cache")
        then = ("the install it made, or unpacks the cached archive itself," if cached else
                "the install it made, or downloads the archive itself,")
    elif cached:
        doing = f"installing {what} from its cached archive"
        then = ("the tree it keeps, or the install it made," if holder == TREES and trees else
                "the install it made, or unpacks the archive itself,")
    else:
        doing = f"downloading {what}"
        then = "that download, or the install it made,"
    return (f"waiting for another pytui process that is {doing} ({held}); this install goes on "
            f"with {then} once it ends")


# The state of a `.part` whose lock a process holds (`pytui cache list`, the Cached pane):
# `downloading` only where the holder recorded that it downloads into it; `locked` for any other
# holder (a purge, a --no-cache install, a bare flock, a record a killed run left, none at all).
DOWNLOADING, LOCKED = "downloading", "locked"
# What `cache list --json` says the holder does (`"lock_holder"`), where its record says it.
ACTIVITIES = {TREES: "downloading", NO_TREES: "downloading", NO_CACHE: "installing with --no-cache",
              PURGE: "purging"}


def held_part_state(holder: str | None) -> str:
    """`downloading` or `locked` for a `.part` whose lock is held, by the holder's record."""
    return DOWNLOADING if holder in (TREES, NO_TREES) else LOCKED


def held_part_doing(lock_name: str, holder_words: str | None, holder: str | None) -> tuple[str, str]:
    """What the process holding a `.part`'s lock (`lock_name`) does, as far as its record
    (`holder`, `read_record`) vouches for it, and the end to wait for: (`another pytui process is
    downloading it now (pid 4242: pytui install 3.12; NAME.lock)`, `that download ends`). With
    no record of the holder's own no activity is named (it said "being downloaded by another
    pytui process" of a bare `flock`, a purge, a `--no-cache` install, or a holder on a
    filesystem with no user attributes). `holder_words`: `pid 4242: pytui install 3.12`, when
    /proc names it. The one rule for a purge's kept line, Details and the install question."""
    held = f"{holder_words}; {lock_name}" if holder_words else lock_name
    if holder in (TREES, NO_TREES):
        return f"another pytui process is downloading it now ({held})", "that download ends"
    if holder == NO_CACHE:
        return (f"another pytui process installing it with --no-cache holds its lock ({held}), and "
                "streams the download into its install, not into this file", "that install ends")
    if holder == PURGE:
        return f"another pytui process is purging it now ({held})", "that purge ends"
    return (f"another process holds its download lock ({held}) and records nothing of what it does "
            "there", "that process ends")


def kept_part_reason(lock_name: str, holder_words: str | None, holder: str | None) -> str:
    """Why a purge kept a `.part` whose lock (`lock_name`) another process holds, and what to
    do (`held_part_doing`)."""
    doing, ends = held_part_doing(lock_name, holder_words, holder)
    if holder == PURGE:
        return f"{doing}; once that purge ends, purge again if it is still listed"
    return f"{doing}; purge again once {ends}"
