"""Checking the archive cache: re-hashing archives (`cache verify`), and the reader that hashes
an archive while it is extracted, as uv re-checks the hash at every extraction."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from pytui.core.cache import CACHE_DIR_ALTERNATIVE, READ_SIZE, fix_dir, unlink_quiet
from pytui.core.cache_kinds import (
    MANIFEST_UNREADABLE,
    NEWER_PYTUI,
    loose_trees_counted,
    orphan_trees_counted,
)
from pytui.core.cache_names import parse_cache_name
from pytui.core.errors import CacheError, HashMismatch
from pytui.core.fs_errors import NotRegularFile, cause, open_regular, reason, remedy
from pytui.core.keys import TYPE_CHECKING
from pytui.core.models import Build, CachedArchive
from pytui.core.progress import ByteCounter, CancelToken, ProgressCallback, no_progress
from pytui.core.tree_store import TreeInfo
from pytui.core.units import format_bytes

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from typing import Any

    from pytui.core.cache import ArchiveCache
    from pytui.core.cache_purge import Leftovers
    from pytui.core.catalog import Catalog


@dataclass(slots=True)
class VerifyReport:
    """What `ArchiveCache.verify` found. Corrupt archives have been removed where the disk let it."""

    ok: list[CachedArchive] = field(default_factory=list)
    # (archive, computed sha256) for each archive that failed; its state is "corrupt".
    corrupt: list[tuple[CachedArchive, str]] = field(default_factory=list)
    # Partial downloads, and archives with no known hash (`none-...` and non-uv names).
    unchecked: list[CachedArchive] = field(default_factory=list)
    # Files larger than any archive pytui downloads (`archive_cap`): not read, kept.
    too_large: list[CachedArchive] = field(default_factory=list)
    # Corrupt archives that could not be deleted: file name -> why (read-only disk...).
    not_removed: dict[str, str] = field(default_factory=dict)
    # Pristine trees as their manifests recorded them, and those that changed (removed, with
    # why), and changed ones the disk did not let go: sha256 -> why (read-only disk...).
    trees_ok: list[TreeInfo] = field(default_factory=list)
    trees_removed: list[tuple[TreeInfo, str]] = field(default_factory=list)
    trees_not_removed: dict[str, str] = field(default_factory=dict)
    # The bytes removing the trees whose manifest did not read freed (`unshared_size`, as an
    # uninstall counts them: `du -sb` of what went, a file an install shares with it kept).
    unreadable_bytes: int = 0
    # Kept trees a newer pytui made (a manifest format this one does not read): not checked,
    # left as they are for it (core/tree_manifest.TreeNewer).
    trees_newer: list[TreeInfo] = field(default_factory=list)
    # The kept trees that went with the corrupt archives, and the bytes that freed (files no
    # install shares; trees left by archives already gone are counted in the bytes too).
    trees_of_corrupt: int = 0
    tree_bytes_freed: int = 0
    # Kept trees whose archive was gone (a run killed between removing the two), removed, and
    # the bytes that freed; they are never used without their archive.
    orphan_trees: int = 0
    orphan_bytes: int = 0
    # What killed runs left in the cache dir (core/cache_purge.remove_leftovers), removed first.
    leftovers: Leftovers | None = None

    def not_checked(self) -> list[str]:
        """`1 partial download not checked`, `2 without a known sha256`, `1 unpacked tree kept
        by a newer pytui not checked (left for it)`: what the verify did not hash or check, as
        `pytui cache verify` and the TUI's `v` both say it (the TUI's line said
        `Cache verified: 2 archives ok` beside a stopped download it never read)."""
        partial = sum(a.state == "partial" for a in self.unchecked)
        words = [f"{partial} partial download{'s' if partial != 1 else ''} not checked"] if partial else []
        if len(self.unchecked) - partial:
            words.append(f"{len(self.unchecked) - partial} without a known sha256")
        if self.too_large:
            words.append(f"{len(self.too_large)} larger than any archive pytui downloads "
                         "(PYTUI_MAX_ARCHIVE_BYTES) not checked")
        if self.trees_newer:
            words.append(f"{loose_trees_counted(len(self.trees_newer), NEWER_PYTUI)} not checked (left for it)")
        return words

    def cleared(self, size: Callable[[int], str]) -> list[str]:
        """`1 unpacked tree whose archive was gone removed (60.4 KiB freed)`, `2 leftovers of
        killed runs removed (…)`: what the verify removed of what killed runs left, as `pytui
        cache verify` and the TUI's `v` both say it (`size` writes the bytes, as each view does)."""
        words = []
        if self.orphan_trees:
            words.append(f"{orphan_trees_counted(self.orphan_trees, removed=True)} removed "
                         f"({size(self.orphan_bytes)})")
        if self.leftovers is not None and self.leftovers.count:
            count = self.leftovers.count
            words.append(f"{count} leftover{'s' if count != 1 else ''} of killed runs removed "
                         f"({size(self.leftovers.size)})")
        return words

    def unreadable_removed(self, size: Callable[[int], str]) -> str:
        """`1 unpacked tree whose manifest was unreadable removed (63.4 KiB freed)`, or "": of
        `trees_removed`, those whose manifest did not read (it names no archive), said as `cache
        list` and the purges say them rather than as changed trees, with what removing them
        freed as for the other removals (`pytui cache verify` and the TUI's `v`; `size` writes
        the bytes, as each view does)."""
        count = sum(1 for tree, _ in self.trees_removed
                    if not tree.archive and tree.sha256 not in self.trees_not_removed)
        if not count:
            return ""
        return (f"{loose_trees_counted(count, MANIFEST_UNREADABLE, removed=True)} removed "
                f"({size(self.unreadable_bytes)} freed)")

    def changed_removed(self) -> int:
        """How many of `trees_removed` changed (their manifest read) and went."""
        return sum(1 for tree, _ in self.trees_removed
                   if tree.archive and tree.sha256 not in self.trees_not_removed)

    def kept_trees(self) -> tuple[list[TreeInfo], list[TreeInfo]]:
        """Of `trees_removed`, those the disk kept: (changed ones, ones whose manifest did not
        read), said apart as those that went are (`1 changed tree not removed`, `1 unpacked
        tree whose manifest is unreadable not removed`: it was called a changed tree)."""
        kept = [tree for tree, _ in self.trees_removed if tree.sha256 in self.trees_not_removed]
        return [tree for tree in kept if tree.archive], [tree for tree in kept if not tree.archive]

    def unreadable_kept(self) -> str:
        """`1 unpacked tree whose manifest is unreadable not removed`, or "" (both views)."""
        count = len(self.kept_trees()[1])
        return f"{loose_trees_counted(count, MANIFEST_UNREADABLE)} not removed" if count else ""

    def with_trees(self) -> str:
        """` with 2 kept trees` after "N corrupt removed", when trees went with them."""
        count = self.trees_of_corrupt
        return f" with {count} kept tree{'' if count == 1 else 's'}" if count else ""

    @property
    def bytes_removed(self) -> int:
        return sum(archive.size for archive, _ in self.corrupt if archive.name not in self.not_removed)


def archive_cap(env: Mapping[str, str]) -> int:
    """The most bytes an archive pytui downloads may have (PYTUI_MAX_ARCHIVE_BYTES in `env`,
    the run's `Settings.env`): a cached file larger than that is not read, hashed or extracted.
    A sparse file of 1 TiB takes no disk and was read to its end (minutes; ext4 allows 16 TiB)
    to say it was corrupt."""
    from pytui.core.http import TransferLimits  # the variable's one reader

    return TransferLimits.from_env(env).max_archive_bytes


def too_large_words(cap: int) -> str:
    return f"more than any archive pytui downloads ({format_bytes(cap)}, PYTUI_MAX_ARCHIVE_BYTES)"


def hash_file(path: Path, cancel: CancelToken, on_bytes: Any = None) -> tuple[str, tuple[int, int]]:
    """sha256 of the regular file at `path`, and its (device, inode): the file hashed."""
    hasher = hashlib.sha256()
    with open_regular(path) as f:
        info = os.fstat(f.fileno())
        while chunk := f.read(READ_SIZE):
            cancel.check("verify")
            hasher.update(chunk)
            if on_bytes is not None:
                on_bytes(len(chunk))
    return hasher.hexdigest(), (info.st_dev, info.st_ino)


def still_there(path: Path, identity: tuple[int, int]) -> bool:
    """Whether `path` still names the file of `identity`: another pytui or uv may have put a
    new copy in its place meanwhile (a re-download), which must not be deleted for the old
    one's bytes."""
    try:
        now = os.lstat(path)
        if (now.st_mode & 0o170000) == 0o120000:  # S_IFLNK
            # A symbolic link at the name (to a file elsewhere): what was read is the file it
            # leads to. The link was said to be "a new copy" that replaced the archive, kept,
            # and every install failed the same way, each saying to install again.
            now = os.stat(path)
    except OSError:
        return False
    return (now.st_dev, now.st_ino) == identity


def redownload_note(removed: Sequence[CachedArchive]) -> str:
    """What happens next to corrupt archives `verify_cache` removed: one the catalog lists is
    downloaded again by its next install; one no build names (an old catalog's, or a file put
    there by hand) is not, and saying it would be is a promise nothing keeps."""
    listed = sum(1 for archive in removed if archive.build is not None)
    if listed == len(removed):
        return f"the next install downloads {'it' if listed == 1 else 'them'} again"
    if not listed:
        pronoun = "it" if len(removed) == 1 else "them"
        return f"the catalog lists no build for {pronoun}, so no install downloads {pronoun} again"
    return (f"the next install downloads again the {listed} the catalog lists; it lists no "
            f"build for the other {len(removed) - listed}")


class VerifyingReader:
    """Reads a cached archive while hashing it; `verify()` after the last byte.

    For extracting from the cache as uv does (uv re-checks the hash at every extraction): on a
    mismatch the archive is deleted, so the next install downloads it again.
    """

    def __init__(self, path: Path, build: Build, cap: int) -> None:
        """`cap`: `archive_cap`, past which the file is not read."""
        self.path = path
        self.build = build
        try:
            self._file = open_regular(path)
        except OSError as err:
            raise CacheError(f"cannot read {path} in the cache: {reason(err, path)}; "
                             f"{remedy(err, CACHE_DIR_ALTERNATIVE, path)}") from None
        self.size = os.fstat(self._file.fileno()).st_size
        if self.size > cap:
            self._file.close()
            raise CacheError(f"cached archive {path.name} for {build.key} is {format_bytes(self.size)}, "
                             f"{too_large_words(cap)}, so it is not read; remove it (pytui cache purge "
                             f"{path.name}), or raise PYTUI_MAX_ARCHIVE_BYTES if it is that large")
        self._hasher = hashlib.sha256()
        self.done = 0

    def read(self, size: int = -1) -> bytes:
        data = self._file.read(size)
        self._hasher.update(data)
        self.done += len(data)
        return data

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> VerifyingReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def verify(self) -> str:
        """Hash what is left, compare; on a mismatch delete the archive and raise HashMismatch."""
        while chunk := self._file.read(READ_SIZE):
            self._hasher.update(chunk)
            self.done += len(chunk)
        digest = self._hasher.hexdigest()
        expected = self.build.sha256
        if expected and digest != expected:
            info = os.fstat(self._file.fileno())
            self.close()
            if not still_there(self.path, (info.st_dev, info.st_ino)):
                fate = "a new copy has replaced it in the cache since; install again to use it"
            elif (why := unlink_quiet(self.path)) is None:
                fate = "it was removed, so the next install downloads it again"
            else:
                fate = f"it could not be removed ({cause(why)}); {fix_dir(why)}, then install again"
            raise HashMismatch(
                f"cached archive {self.path.name} for {self.build.key} is corrupt (sha256 expected "
                f"{expected}, computed {digest}); {fate}")
        return digest


def verify_cache(cache: ArchiveCache, catalog: Catalog | None = None, progress: ProgressCallback = no_progress,
           cancel: CancelToken | None = None) -> VerifyReport:
    """Re-hash every archive; delete and report those whose bytes do not match.

    The expected hash is the catalog build's; for archives no build names, the 9-hex
    prefix of the file name (uv's) is checked instead. A corrupt archive the disk does not
    let us delete (read-only) stays, listed in `not_removed`.
    """
    cancel = cancel or CancelToken()
    report = VerifyReport()
    # What killed runs left (a tree half removed by a killed verify or purge, `trees/.old-…`,
    # or half kept, `.tmp-…`): nothing lists or uses it, and it can be a whole unpacked build.
    # Each live run holds a lock on its own, which this leaves alone. (Imported here: an
    # install reads archives through this module.)
    from pytui.core.cache_purge import MAX_LEFTOVERS_NAMED, remove_leftovers

    report.leftovers = remove_leftovers(cache, named=MAX_LEFTOVERS_NAMED)
    archives = cache.list(catalog)
    trees_by_archive: dict[str, TreeInfo] | None = None
    cap = archive_cap(cache.env)
    total = sum(a.size for a in archives if a.state != "partial" and a.size <= cap)
    counter = ByteCounter(progress, "verify", total)
    counter.report(0)
    for archive in archives:
        if archive.state == "partial":
            report.unchecked.append(archive)
            continue
        expected = archive.build.sha256 if archive.build is not None else None
        parsed = parse_cache_name(archive.name)
        prefix = parsed.sha_prefix if parsed is not None else None
        if expected is None and prefix is None:
            # `none-...` (no sha256 in the catalog) or not a uv name at all: nothing to compare.
            report.unchecked.append(archive)
            continue
        if archive.size > cap:
            report.too_large.append(archive)  # kept: pytui's bound, not proof it is corrupt
            continue
        try:
            digest, identity = hash_file(archive.path, cancel, counter.advance)
        except FileNotFoundError:
            continue  # removed meanwhile
        except NotRegularFile:
            continue  # replaced by something else meanwhile; list() skips those
        except OSError as err:
            raise CacheError(f"cannot read {archive.path} in the cache: {cause(err)}; "
                             f"{remedy(err, CACHE_DIR_ALTERNATIVE)}") from None
        good = digest == expected if expected else digest.startswith(prefix or "")
        if good:
            report.ok.append(archive)
        elif not still_there(archive.path, identity):
            report.unchecked.append(archive)  # replaced meanwhile: its new bytes were not hashed
        else:
            trees_by_archive = _remove_corrupt(cache, archive, digest, report, trees_by_archive)
    counter.report(total)
    _remove_orphan_trees(cache, report)
    listed = cache.trees.list()
    report.trees_newer = [info for info in listed if info.newer]
    report.trees_ok, changed = cache.trees.verify(listed)
    for info, changed_why, kept, freed in changed:
        report.trees_removed.append((info, changed_why))
        if not info.archive:
            report.unreadable_bytes += freed
        if kept is not None:
            report.trees_not_removed[info.sha256] = f"{cause(kept)}; {fix_dir(kept)} and verify again"
    return report


def _remove_corrupt(cache: ArchiveCache, archive: CachedArchive, digest: str, report: VerifyReport,
                    trees_by_archive: dict[str, TreeInfo] | None) -> dict[str, TreeInfo]:
    """Remove a corrupt archive, and its tree first: a verify killed between the two leaves the
    corrupt archive, which the next verify finds again, never a tree whose archive is gone.
    Returns the trees by archive (listed once, at the first corrupt archive)."""
    if trees_by_archive is None:
        trees_by_archive = cache.trees_by_archive()
    if (tree := trees_by_archive.get(archive.name)) is not None:
        report.trees_of_corrupt += 1
        report.tree_bytes_freed += cache.trees.discard(tree.sha256)
    why = unlink_quiet(archive.path)
    if why is not None:
        report.not_removed[archive.name] = f"{cause(why)}; {fix_dir(why)} and verify again"
    report.corrupt.append((CachedArchive(archive.path, archive.size, archive.build, "corrupt"), digest))
    return trees_by_archive


def _remove_orphan_trees(cache: ArchiveCache, report: VerifyReport) -> None:
    """Remove the trees whose archive is gone (a run killed between removing the two, or the
    archive removed by other means): never used, as core/jobs.py installs from a tree only
    beside its archive. A tree whose manifest does not read is left to `TreeStore.verify`,
    which says why it goes (it read `whose archive was gone` beside the archive, `1 ok`)."""
    for info in cache.trees.list():
        if cache.archive_gone(info):
            report.orphan_trees += 1
            report.orphan_bytes += cache.trees.discard(info.sha256)
