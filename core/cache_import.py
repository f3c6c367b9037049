"""`cache import FILE`: copying an archive from anywhere into the cache under its uv name."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from pytui.core.cache import READ_SIZE, unlink_quiet
from pytui.core.errors import CacheError
from pytui.core.fs_errors import NotRegularFile, cause, open_regular, reason
from pytui.core.keys import TYPE_CHECKING
from pytui.core.models import CachedArchive
from pytui.core.progress import CancelToken, Progress, ProgressCallback, Throttle, no_progress

if TYPE_CHECKING:
    from pytui.core.cache import ArchiveCache
    from pytui.core.catalog import Catalog


def import_file(cache: ArchiveCache, path: Path, catalog: Catalog, *,
                progress: ProgressCallback = no_progress,
                cancel: CancelToken | None = None) -> CachedArchive:
    """Copy an archive from anywhere into the cache under its uv name, matched by sha256.

    The copy is hashed as it is written (to a temporary name) and renamed only when a
    catalog build has that sha256; an unknown archive is refused and nothing is kept.
    Only a regular file is read: a FIFO, device or directory is refused without blocking.
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
        size = os.fstat(src.fileno()).st_size
        cache._ensure_root()
        tmp = cache.root / f".import.{os.getpid()}.{abs(hash(str(source))):x}.tmp"
        done = 0
        throttled = Throttle(progress)
        hasher = hashlib.sha256()
        try:
            try:
                out = open(tmp, "xb")  # noqa: SIM115 - closed below
            except OSError as err:
                raise cache._error("write to", err) from None
            with out:
                while True:
                    cancel.check("import")
                    try:
                        chunk = src.read(READ_SIZE)
                    except OSError as err:
                        raise CacheError(f"cannot import {source}: {cause(err)} while reading it") from None
                    if not chunk:
                        break
                    hasher.update(chunk)
                    try:
                        out.write(chunk)
                    except OSError as err:
                        raise cache._error("write to", err) from None
                    done += len(chunk)
                    throttled(Progress("verify", done, size))
            digest = hasher.hexdigest()
            build = catalog.by_sha.get(digest)
            if build is None:
                raise CacheError(
                    f"cannot import {source}: its sha256 {digest} matches no build in the catalog "
                    f"({catalog.source}); pass --downloads-json with a catalog that lists it")
            final = cache.path_for(build)
            try:
                os.replace(tmp, final)
            except OSError as err:
                raise cache._error("write to", err) from None
        finally:
            unlink_quiet(tmp)
    return CachedArchive(path=final, size=done, build=build, state="ok")
