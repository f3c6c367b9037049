"""The per-archive download locks of the cache dir: `<name>.part.lock`, flock'ed by whoever
writes `<name>.part` (a download, in this or another process), or installs from the archive
until its commit (an install's turn), and looked at by a purge, so a purge never removes a
`.part` a download is writing. Imported only to download, purge or say
which `.part` files a process holds the lock of now, and who (`held_parts`, for `pytui cache
list` and the TUI's Cached pane alike); a listing takes no lock.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from pytui.core.errors import CacheError
from pytui.core.keys import TYPE_CHECKING
from pytui.core.progress import CancelToken

if TYPE_CHECKING:
    from pytui.core.lock_holders import FlockTable
    from pytui.core.models import CachedArchive


def name_too_long(root: Path, name: str, suffix: str) -> str | None:
    """The line for a cache name whose download lock (`name` + `suffix`, the longest name a
    download makes beside it) passes the filesystem's name limit, or None when the name is not
    what is too long. Another cache dir would fail the same; uv, whose temporary names are
    short, installs it."""
    longest = name + suffix
    try:
        limit = os.pathconf(root, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    if len(os.fsencode(longest)) <= limit:
        return None
    return (f"cannot download it into the cache dir {root}: its cache file name and pytui's "
            f"`{suffix}` beside it ({len(longest)} characters) are longer than this filesystem's "
            f"names ({limit}); install it with --no-cache, or use a catalog whose URL names a "
            "shorter file")


@contextlib.contextmanager
def exclusive(lock_path: Path, cancel: CancelToken, what: str,
              on_wait: Callable[[str], None] | None = None, *, trees: bool = True,
              no_cache: bool = False, on_warning: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold an flock on `lock_path` (created, and removed on release) while a `.part` is written,
    or while an install unpacks and commits the archive (core/job_archive.take_turn).

    Two processes (or threads) fetching or unpacking one archive thus take turns; the second
    finds the archive committed, or the build installed. The lock file is unlinked by its holder, so a waiter that wakes on a
    file no longer at that path tries again. A wait is said once (`on_wait`, naming the
    holder's pid and command where /proc tells them) and has no bound but the holder's life
    (its lock goes with it): the other download may rightly take long, and a cancel ends the
    wait within 0.05 s. `trees`: whether this run keeps and links pristine trees (not with
    PYTUI_NO_TREES=1), `no_cache`: whether it streams (`--no-cache`); the holder records its
    mode in the lock file, and a waiter's line says what follows the wait by both modes
    (core/turn_record.py).

    A symbolic link at the lock's name (to a file, to nothing, to itself) is removed, the link
    alone, and the lock taken in a file of pytui's own there, said once through `on_warning`
    (`_drop_link`): the name is pytui's (uv makes and reads no such file, and installs beside a
    link there), and the lock is never taken through a link, which could point it at any file
    (`<root>/.lock`: this process would wait on its own root lock for good), write the holder's
    record on that file, or create one where a dangling link points. A directory or a socket
    there still ends it in one line: what it holds is not pytui's to remove.
    """
    from pytui.core.turn_record import holder_mode, read_record, wait_line, write_record

    try:
        import fcntl
    except ImportError:  # Windows: no flock; unique temp names and os.replace still hold
        yield
        return
    while True:
        fd = _open_lock(lock_path, what, on_warning)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if on_wait is not None:
                        from pytui.core.lock_holders import find_holder  # only to wait

                        holder = find_holder(fd)
                        held = f"{holder.words}; {lock_path.name}" if holder else lock_path.name
                        # The record counts only when the process holding the lock now made it.
                        record = read_record(fd, holder.pid if holder else None)
                        on_wait(wait_line(lock_path, what, held, trees=trees, holder=record))
                        on_wait = None
                    if cancel.wait(0.05):
                        cancel.check(what)
            try:
                same = os.stat(lock_path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
        except BaseException:
            os.close(fd)
            raise
        if same:
            write_record(fd, holder_mode(trees=trees, no_cache=no_cache))
            break
        os.close(fd)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock_path)
        os.close(fd)


def _open_lock(lock_path: Path, what: str, on_warning: Callable[[str], None] | None) -> int:
    """The lock file at `lock_path` opened (made when missing), never through a link: a link
    there is removed first (`_drop_link`, said through `on_warning`); a directory or a socket
    there is a CacheError naming it."""
    links_seen = 0
    while True:
        try:
            return os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
        except OSError as err:
            if err.errno == errno.ELOOP and links_seen < 3:
                links_seen += 1
                dropped = _drop_link(lock_path)
                if dropped is not None and on_warning is not None:
                    on_warning(f"removed the symbolic link at {lock_path} (to {dropped}), where pytui "
                               f"keeps the lock of {what}'s archive: the lock is taken in a file of "
                               "its own there, never through a link; what the link named was not "
                               "touched")
                continue
            # Something else holds the lock's name (O_NOFOLLOW: a link gives ELOOP): the cache
            # dir is fine, that one entry is not.
            kind = {errno.EISDIR: "is a directory", errno.ELOOP: "is a symbolic link"}.get(err.errno or 0)
            if kind is None and err.errno == errno.ENXIO:
                # A socket (or a device with no driver) at the name: an open gives ENXIO.
                from pytui.core.bounded_read import file_kind

                try:
                    kind = f"is {file_kind(os.lstat(lock_path).st_mode)}"
                except OSError:
                    kind = None
            if kind is None:
                raise
            raise CacheError(f"cannot lock the archive of {what}: {lock_path} {kind}, not a lock "
                             "file; remove it and retry") from None


def _drop_link(lock_path: Path) -> str | None:
    """Remove the symbolic link at `lock_path` (never what it names) and return what it named,
    or None when no link is there now (or it cannot be removed: the open that follows says
    what is wrong). Decided and done under an flock of the cache dir itself, which only this
    step takes: two processes meeting one link could otherwise both see it, and the second
    remove the lock file the first had made in its place and locked, both then holding "the
    lock". While the link is there no lock file can be made at the name (the open refuses to
    follow it), so every process that would make one comes through here."""
    import fcntl
    import stat

    try:
        directory = os.open(lock_path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        fcntl.flock(directory, fcntl.LOCK_EX)  # held for an lstat and an unlink
        if not stat.S_ISLNK(os.lstat(lock_path.name, dir_fd=directory).st_mode):
            return None
        target = os.readlink(lock_path.name, dir_fd=directory)
        os.unlink(lock_path.name, dir_fd=directory)
        return target
    except OSError:
        return None
    finally:
        os.close(directory)  # and its flock


def download_in_progress(part: Path) -> bool:
    """Whether a process (or thread) is writing this `.part` now: it holds `<part>.lock`.

    Looks without creating anything: no lock file means nobody holds it."""
    try:
        import fcntl
    except ImportError:  # Windows: no flock, nothing to ask
        return False
    try:
        fd = os.open(f"{part}.lock", os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return False  # none (or not a file we would lock): no download holds it
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)  # closing drops a lock taken here
    return False


def download_lock_holder(part: Path, table: FlockTable | None = None) -> tuple[str | None, str | None]:
    """Who holds `<part>.lock` now, and what it recorded it does there: (`pid 4242: pytui install
    3.12`, one of core/turn_record.RECORDS), each None when not known (no holder named: none now,
    no /proc, another pid namespace; no record of that holder's own: a filesystem without user
    attributes, a record a killed process left, a holder that is not pytui). Creates nothing.
    `table`: core/lock_holders.flock_table, read once for many `.part` files."""
    try:
        fd = os.open(f"{part}.lock", os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None, None
    try:
        from pytui.core.lock_holders import find_holder
        from pytui.core.turn_record import read_record

        holder = find_holder(fd, table=table)
        # The record counts only when the process holding the lock now made it.
        return (holder.words if holder else None), read_record(fd, holder.pid if holder else None)
    finally:
        os.close(fd)


class PartHolder:
    """The process holding a `.part`'s lock when looked at (`download_lock_holder`): `words`
    (`pid 4242: pytui install 3.12`) and its `record` (core/turn_record.RECORDS), each None when
    not known. Compared by value: a look that finds another holder, or its record now, lists the
    disk again (AppState.held_parts_changed). A plain class: an install that downloads imports
    this module, and no `typing` (tests/test_install_imports.py)."""

    __slots__ = ("record", "words")

    def __init__(self, words: str | None, record: str | None) -> None:
        self.words = words
        self.record = record

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PartHolder) and (self.words, self.record) == (other.words, other.record)

    def __hash__(self) -> int:
        return hash((self.words, self.record))

    def __repr__(self) -> str:
        return f"PartHolder({self.words!r}, {self.record!r})"

    @property
    def state(self) -> str:
        """`downloading` where the record vouches for it, else `locked` (turn_record)."""
        from pytui.core.turn_record import held_part_state

        return held_part_state(self.record)


def held_parts(archives: Iterable[CachedArchive]) -> dict[str, PartHolder]:
    """The `partial` archives whose lock a process holds now (`download_in_progress`), by name,
    with who holds it and what it recorded: `downloading` only where the record says so, where a
    `.part` nobody holds is a stopped download (`partial`, which an install resumes). The one
    rule for `pytui cache list` and the TUI; /proc and the record are read only for a held one."""
    held = [a for a in archives if a.state == "partial" and download_in_progress(a.path)]
    if not held:
        return {}
    from pytui.core.lock_holders import FlockTable, flock_table

    try:  # /proc/locks read once, not once for each held `.part` (thousands, every 2 s)
        table = flock_table()
    except OSError:
        table = FlockTable({})  # no /proc: no holder named, so no record counts
    return {a.name: PartHolder(*download_lock_holder(a.path, table)) for a in held}


def moved_since_listed(archives: Iterable[CachedArchive]) -> frozenset[str]:
    """The names of `archives` whose file's size now is not the size they were listed with (an
    lstat each): a download wrote to them since. A process that holds a `.part`'s lock and
    writes nothing moves nothing (one that vanished is a directory change, seen as such)."""
    moved = set()
    for archive in archives:
        try:
            size = os.lstat(archive.path).st_size
        except OSError:
            continue
        if size != archive.size:
            moved.add(archive.name)
    return frozenset(moved)


@contextlib.contextmanager
def unless_downloading(part: Path) -> Iterator[bool]:
    """Hold `<part>.lock` (as a downloader holds it, `exclusive`) while a purge removes the
    `.part`, so no download starts writing it meanwhile; yields False, holding nothing, when
    a download holds it now. Held, it records the purge on the lock (core/turn_record.PURGE),
    so an install waiting behind it says it waits for a purge."""
    try:
        import fcntl
    except ImportError:
        yield True
        return
    lock_path = Path(f"{part}.lock")
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
    except OSError:
        yield True  # a lock nobody can take (read-only dir): the removal says what failed
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            same = os.stat(lock_path).st_ino == os.fstat(fd).st_ino
        except (BlockingIOError, FileNotFoundError):
            same = False  # held, or its holder just released and removed it: a download ran
        if not same:
            yield False
            return
        from pytui.core.turn_record import PURGE, write_record

        # For the line of an install that waits behind this purge (core/turn_record.wait_line).
        write_record(fd, PURGE)
        try:
            yield True
        finally:
            with contextlib.suppress(OSError):
                os.unlink(lock_path)
    finally:
        os.close(fd)
