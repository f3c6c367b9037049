"""`cache import FILE`: copying an archive from anywhere into the cache under its uv name."""

from __future__ import annotations

import errno
import hashlib
import itertools
import os
import stat
from pathlib import Path

from pytui.core.cache import READ_SIZE, unlink_quiet
from pytui.core.errors import CacheError
from pytui.core.fs_errors import NotRegularFile, cause, open_regular, reason
from pytui.core.http import MAX_ARCHIVE_BYTES
from pytui.core.keys import TYPE_CHECKING
from pytui.core.models import CachedArchive, url_filename
from pytui.core.progress import CancelToken, Progress, ProgressCallback, Throttle, no_progress
from pytui.core.record import Record
from pytui.core.writer_pids import IMPORT_TEMP_PREFIX, process_exists

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import BinaryIO

    from pytui.core.cache import ArchiveCache
    from pytui.core.catalog import Catalog
    from pytui.core.models import Build


# The copy's temporary name in the cache dir: `.import.<pid>.<hex>.tmp`, hidden from listings.
TEMP_PREFIX = IMPORT_TEMP_PREFIX
TEMP_SUFFIX = ".tmp"
# How many copies an import makes when a purge in another process keeps removing them.
MAX_COPY_TRIES = 4
# What killed imports left, looked at by each import at most (each costs an open and a lock): a
# cache dir holding thousands (hostile, or long neglected) takes several imports, or one
# `cache purge --all`, to empty, as tree_store.MAX_CLEANED_BY_KEEP bounds an install's.
MAX_CLEANED_BY_IMPORT = 64
# flock exists where os.name is posix; elsewhere a copy is not locked (nor purged while live).
LOCKS = os.name == "posix"


class Imported(Record):
    """What an import gave: the archive in the cache, and whether it was copied there (not
    when the cache held it already, byte for byte)."""

    __slots__ = ("archive", "copied")

    def __init__(self, archive: CachedArchive, copied: bool) -> None:
        self.archive = archive
        self.copied = copied


def import_file(cache: ArchiveCache, path: Path, catalog: Catalog, *,
                progress: ProgressCallback = no_progress,
                cancel: CancelToken | None = None,
                max_bytes: int = MAX_ARCHIVE_BYTES) -> Imported:
    """Copy an archive from anywhere into the cache under its uv name, matched by sha256.

    The copy is hashed as it is written (to a temporary name) and renamed only when a
    catalog build has that sha256; an unknown archive is refused and nothing is kept.
    Only a regular file is read: a FIFO, device or directory is refused without blocking,
    and one larger than `max_bytes` (the bound of a download, PYTUI_MAX_ARCHIVE_BYTES) before
    a byte is copied. The temporary copy is locked while it is written: what a killed import
    left (no `finally` runs on SIGTERM or kill -9) is removed by the next import and by
    `cache purge --all` (`remove_stale_imports`), never the copy of an import running now.
    An archive the cache holds already (its name, the same bytes) is not copied again, and
    the cached file is left as it was (`Imported.copied` False).
    """
    cancel = cancel or CancelToken()
    source = Path(path)
    try:
        src = open_regular(source)
    except NotRegularFile as err:
        raise CacheError(f"cannot import {source}: it is {err.kind}, not a regular file; "
                         "pass an archive file") from None
    except FileNotFoundError:
        raise CacheError(f"cannot import {source}: no such file") from None
    except OSError as err:
        raise CacheError(f"cannot import {source}: {reason(err, source)}") from None
    with src:
        began = os.fstat(src.fileno())
        size = began.st_size
        if size > max_bytes:
            raise _too_large(source, size, max_bytes)
        if size == 0:
            # Said as that, not as the empty file's sha256 matching no build; a /proc file
            # (size 0, text when read) is read no further than its size, as any file.
            raise CacheError(f"cannot import {source}: its size is 0 bytes (an empty file, or a "
                             "/proc or /sys file, which gives no size), so it is no archive; pass "
                             "an archive file")
        held = _held_already(cache, src, source, began, catalog, cancel, progress)
        if held is not None:
            return Imported(held, copied=False)
        src.seek(0)
        cache._ensure_root()
        remove_stale_imports(cache.root, limit=MAX_CLEANED_BY_IMPORT)
        tmp, out = _locked_copy(cache, source)
        try:
            with out:
                def write(chunk: bytes) -> None:
                    try:
                        _write_all(out, chunk)
                    except OSError as err:
                        raise cache._error("write to", err) from None

                build, _ = _read_build(src, source, began, catalog, cancel, progress, write=write)
                # Still locked while it is renamed: a purge never takes a copy that is done.
                final = cache.path_for(build)
                try:
                    os.replace(tmp, final)
                except OSError as err:
                    if os.path.isdir(final) and not os.path.islink(final):
                        # Not the cache dir's fault: a directory holds the archive's name.
                        raise CacheError(f"cannot import {source}: {final} is a directory, where its "
                                         "archive goes in the cache; remove it and retry") from None
                    raise cache._error("write to", err) from None
        finally:
            unlink_quiet(tmp)
    return Imported(CachedArchive(path=final, size=size, build=build, state="ok"), copied=True)


def _bounded_chunks(src: BinaryIO, source: Path, size: int,
                    cancel: CancelToken) -> Iterator[bytes]:
    """The first `size` bytes of `src` (the size stat'd when the import began), chunk by chunk,
    and never a byte past them: a file that grows as it is read (another process appending, a
    download still running) is not followed to its end. Fewer bytes than `size` (it shrank)
    end early; `_check_unchanged` says so. A failed read is the import's one line."""
    try:
        yield from _chunks(src, size, cancel)
    except OSError as err:
        raise CacheError(f"cannot import {source}: {cause(err)} while reading it") from None


def _chunks(f: BinaryIO, size: int, cancel: CancelToken) -> Iterator[bytes]:
    """The first `size` bytes `f` holds from where it stands, never past them; fewer when it
    ends before (OSError as reading raises it)."""
    left = size
    while left > 0:
        cancel.check("import")
        chunk = f.read(min(READ_SIZE, left))
        if not chunk:
            return
        left -= len(chunk)
        yield chunk


def _check_unchanged(src: BinaryIO, source: Path, began: os.stat_result, done: int) -> None:
    """Raise the import's line when the file read is not the file stat'd when the import
    began: another size now, fewer bytes read than it had, or written meanwhile (mtime)."""
    try:
        now = os.fstat(src.fileno())
    except OSError as err:
        raise CacheError(f"cannot import {source}: {cause(err)} while reading it") from None
    if done == began.st_size and now.st_size == began.st_size \
            and now.st_mtime_ns == began.st_mtime_ns:
        return
    change = (f"{began.st_size} bytes when the import began, {now.st_size} now"
              if now.st_size != began.st_size else "it was written to meanwhile")
    raise CacheError(f"cannot import {source}: it changed while it was read ({change}); "
                     "nothing was imported; import it again once nothing writes to it")


def _no_build(source: Path, digest: str, catalog: Catalog) -> CacheError:
    named = _build_named(source.name, catalog)
    if named is not None:
        # The catalog lists an archive of this name: another catalog is not the way out; a
        # copy not yet whole (cut short, still being written) or another file renamed is.
        return CacheError(
            f"cannot import {source}: its sha256 {digest} is not the {named.sha256} the catalog "
            f"({catalog.source}) gives {named.key}'s archive of that name: the file is another, or "
            "not whole (cut short, or still being written); import it again once it is whole")
    return CacheError(f"cannot import {source}: its sha256 {digest} matches no build in the catalog "
                      f"({catalog.source}); pass --downloads-json with a catalog that lists it")


def _build_named(name: str, catalog: Catalog) -> Build | None:
    """The catalog's build whose archive has the file name `name`: as released (`+`), as uv's
    URLs and downloads name it (`%2B`, `-`), or as uv's cache names it (with its sha256 prefix)."""
    for build in catalog.builds:
        if build.sha256 and name in (build.release_filename, build.filename, build.cache_filename,
                                     url_filename(build.url)):
            return build
    return None


def _read_build(src: BinaryIO, source: Path, began: os.stat_result, catalog: Catalog,
                cancel: CancelToken, progress: ProgressCallback, *,
                write: Callable[[bytes], None] | None = None) -> tuple[Build, str]:
    """The catalog build `src` is and its sha256, `src` read to the size stat'd when the import
    began (each chunk handed to `write` as well, when given): the import's one line when the
    file changed meanwhile or no build has that sha256."""
    size = began.st_size
    hasher = hashlib.sha256()
    throttled = Throttle(progress)
    done = 0
    for chunk in _bounded_chunks(src, source, size, cancel):
        hasher.update(chunk)
        if write is not None:
            write(chunk)
        done += len(chunk)
        throttled(Progress("verify", done, size))
    _check_unchanged(src, source, began, done)
    digest = hasher.hexdigest()
    build = catalog.by_sha.get(digest)
    if build is None:
        raise _no_build(source, digest, catalog)
    return build, digest


def _held_already(cache: ArchiveCache, src: BinaryIO, source: Path, began: os.stat_result,
                  catalog: Catalog, cancel: CancelToken,
                  progress: ProgressCallback) -> CachedArchive | None:
    """The cached archive `src` already is (its build's name in the cache, a regular file of
    the same bytes), else None. Only when the cache holds a file of that size is the source
    hashed first (then read again to copy it); a cached file of other bytes under the name is
    no match, and the import replaces it. Both are read to the size stat'd, never past it."""
    size = began.st_size
    if not _sizes_held(cache.root, size):
        return None
    build, digest = _read_build(src, source, began, catalog, cancel, progress)
    final = cache.path_for(build)
    try:
        with open_regular(final) as cached:
            if os.fstat(cached.fileno()).st_size != size \
                    or _sha256_of(cached, size, cancel) != digest:
                return None
    except OSError:  # none there, no regular file, unreadable: the import puts the archive there
        return None
    return CachedArchive(path=final, size=size, build=build, state="ok")


def _sizes_held(root: Path, size: int) -> bool:
    """Whether the cache dir holds a regular file (not a dot-name: no temp) of `size` bytes."""
    try:
        with os.scandir(root) as listing:
            for entry in listing:
                if entry.name.startswith("."):
                    continue
                try:
                    info = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                if stat.S_ISREG(info.st_mode) and info.st_size == size:
                    return True
    except OSError:
        return False
    return False


def _sha256_of(f: BinaryIO, size: int, cancel: CancelToken) -> str:
    """The sha256 of the first `size` bytes `f` holds from where it stands (OSError as reading
    raises it); never reads past them."""
    hasher = hashlib.sha256()
    for chunk in _chunks(f, size, cancel):
        hasher.update(chunk)
    return hasher.hexdigest()


def _locked_copy(cache: ArchiveCache, source: Path) -> tuple[Path, BinaryIO]:
    """A new temporary copy in the cache dir, open and locked, and its path.

    Between making the copy and locking it, a purge in another process may take it for one a
    killed import left (nobody holds its lock) and remove it: the copy is then checked to be
    the file at its name once locked, and another is made if not (a few tries, each under a
    new name)."""
    stem = f"{TEMP_PREFIX}{os.getpid()}.{abs(hash(str(source))):x}"
    for attempt in range(MAX_COPY_TRIES):
        tmp = cache.root / f"{stem}{f'.{attempt}' if attempt else ''}{TEMP_SUFFIX}"
        try:
            # Unbuffered: a buffer's flush that failed (a full disk) would be made again
            # when the copy is closed, and that error would replace the import's own line.
            out = open(tmp, "xb", buffering=0)  # noqa: SIM115 - the caller closes it
        except OSError as err:
            raise cache._error("write to", err) from None
        if not LOCKS or _still_ours(tmp, out.fileno()):
            return tmp, out
        with out:  # a purge's preview let it go again: ours to remove, not to write on
            if _same_file(tmp, out.fileno()):
                unlink_quiet(tmp)
    raise CacheError(f"cannot import {source}: its temporary copy in {cache.root} was removed "
                     f"{MAX_COPY_TRIES} times by another process (a purge?) as it was made; "
                     "retry when that process is done")


def _write_all(out: BinaryIO, chunk: bytes) -> None:
    """All of `chunk`, through an unbuffered file's writes (each may write part of it)."""
    view = memoryview(chunk)
    while view:
        written = out.write(view)
        if not written:  # a regular file never takes nothing without an error; never spin
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        view = view[written:]


def _still_ours(tmp: Path, fd: int) -> bool:
    """Locked `fd`, and it is still the file named `tmp` (no purge removed it meanwhile)."""
    # Not locked: a purge holds it now (it is removing it, or its preview looks at it).
    return try_lock(fd) and _same_file(tmp, fd)


def _same_file(path: Path, fd: int) -> bool:
    try:
        now = os.lstat(path)
    except OSError:
        return False
    mine = os.fstat(fd)
    return (now.st_dev, now.st_ino) == (mine.st_dev, mine.st_ino)


def _too_large(source: Path, size: int, max_bytes: int) -> CacheError:
    from pytui.core.units import format_bytes

    return CacheError(f"cannot import {source}: it is {format_bytes(size)}, more than the "
                      f"{format_bytes(max_bytes)} pytui accepts for an archive "
                      "(PYTUI_MAX_ARCHIVE_BYTES); pass a python-build-standalone archive, or raise "
                      "PYTUI_MAX_ARCHIVE_BYTES if this one really is that large")


def try_lock(fd: int) -> bool:
    """Take an exclusive flock on `fd` without waiting; False when another holds it."""
    try:
        import fcntl
    except ImportError:  # Windows: nothing to lock; stale copies are then left alone
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _is_import_temp(name: str) -> bool:
    return name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)


def _is_killed_import_temp(name: str) -> bool:
    """An import's copy whose writer (the process its name carries) is not running. An import
    makes its copy and then locks it: in between, its copy is unlocked, yet the import is
    alive (a purge took it for a killed one's). A copy whose writer pid was reused stays until
    that process ends."""
    if not _is_import_temp(name):
        return False
    pid = name[len(TEMP_PREFIX):].partition(".")[0]
    if not (pid.isascii() and pid.isdigit()) or int(pid) <= 0 or os.name == "nt":
        return True  # (Windows: os.kill would end the process; no lock is taken there anyway)
    return not process_exists(int(pid))


def remove_stale_imports(root: Path, *, remove: bool = True,
                         limit: int | None = None) -> list[tuple[str, int]]:
    """Remove the temporary copies of imports that were killed (their writer holds no lock on
    them any more, and its process is gone); return (name, size) for each. An import running
    now keeps its copy, also before it has locked it. With `remove` False, only which ones
    would go (a purge's preview); `limit` bounds how many are looked at (an import's own
    clean-up: MAX_CLEANED_BY_IMPORT)."""
    return remove_unlocked(root, _is_killed_import_temp, remove=remove, limit=limit)


def removed_stale_imports(root: Path) -> Iterator[tuple[str, int]]:
    """`remove_stale_imports(root)` one by one, holding one batch of names at a time
    (core/batched_listing.py): a purge of 100 000 of them holds no list of them."""
    from pytui.core.batched_listing import names_in_batches

    for name in names_in_batches(root, lambda entry: _is_killed_import_temp(entry.name)):
        if (size := _unlocked_size(root / name, remove=True)) is not None:
            yield name, size


def stale_imports(root: Path) -> Iterator[tuple[str, int]]:
    """What `remove_stale_imports(root)` would remove now, one by one (a purge's preview)."""
    return unlocked_files(root, _is_killed_import_temp)


def remove_unlocked(root: Path, is_temp: Callable[[str], bool], *, remove: bool = True,
                    limit: int | None = None) -> list[tuple[str, int]]:
    """Remove the regular files in `root` whose names `is_temp` and on which nobody holds a
    `try_lock` (their writer was killed: no `finally` runs on SIGTERM or kill -9); return
    (name, size) for each, looking at `limit` of them at most. With `remove` False the same
    files are found, locked and let go, not removed: what a removal now would remove."""
    if not remove:
        return list(itertools.islice(unlocked_files(root, is_temp), limit))
    removed: list[tuple[str, int]] = []
    entries: list[str] = []
    try:  # names first: the directory is not changed while it is listed
        with os.scandir(root) as listing:
            for entry in listing:
                if limit is not None and len(entries) >= limit:
                    break  # the rest for the next one (or `cache purge --all`)
                if is_temp(entry.name):
                    entries.append(entry.name)
    except OSError:
        return removed
    for name in entries:
        size = _unlocked_size(root / name, remove=True)
        if size is not None:
            removed.append((name, size))
    return removed


def unlocked_files(root: Path, is_temp: Callable[[str], bool]) -> Iterator[tuple[str, int]]:
    """(name, size) of each file `remove_unlocked` would remove now, found one by one as the
    directory is listed, nothing removed: a preview counts a million of them without holding
    their names."""
    try:
        with os.scandir(root) as listing:
            for entry in listing:
                if is_temp(entry.name) and (size := _unlocked_size(root / entry.name, remove=False)) is not None:
                    yield entry.name, size
    except OSError:
        return


def _unlocked_size(path: Path, *, remove: bool) -> int | None:
    """The size of the regular file at `path` when nobody holds its lock (removed first when
    `remove`, and None if that failed); None when it is held, no regular file, or gone."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or not try_lock(fd):
            return None
        try:
            now = os.lstat(path)
        except OSError:
            return None
        if (now.st_dev, now.st_ino) != (info.st_dev, info.st_ino):
            return None  # replaced since it was opened
        if remove and unlink_quiet(path) is not None:
            return None
        return info.st_size
    finally:
        os.close(fd)
