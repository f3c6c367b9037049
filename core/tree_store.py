"""Pristine trees: each verified archive's unpacked tree, kept beside it in the archive cache.

Installing a build whose tree is kept hard-links the tree into the stage instead of
extracting the archive again. The fix-ups then replace every file they change with a new
file (`nofollow.write_atomic_at`), so an install never writes into an inode it shares with the
tree. Layout, under the archive cache directory (the manifest format is core/tree_manifest.py):

    trees/<sha256>/tree/           the archive's `python/` directory, as extracted
    trees/<sha256>/manifest.json   every entry: path, kind, mode, size, mtime, inode, link target
                                   (also what the cache's size is totalled from: `sizes`)
    trees/<sha256>/sysconfig.json  the tree's `_sysconfigdata_*.py`, parsed (core/tree_sysconfig.py)

The manifest is what the tree was when it was made. Before each use every entry is checked
against it (an editor writing an installed file in place changes the shared inode's size or
mtime); a tree that changed, or whose manifest is not what pytui writes, is discarded and the
next install extracts the verified archive again. Trees are made by hard-linking the freshly
extracted stage, or by copying it where the cache and the install root are on different
filesystems; installs from a tree fall back to copying the same way.

A tree is made under `trees/.tmp-<sha256>-…` and removed from `trees/.old-<sha256>-…`, each
flocked while its run lives: what a killed run left there is removed (core/tree_leftovers.py) by
the next `keep`, `cache verify`, `cache purge --all`, or a purge of that archive (the sha256 in
the name says whose it is).
"""

from __future__ import annotations

import builtins
import contextlib
import errno
import os
import stat
from pathlib import Path

from pytui.core.keys import TYPE_CHECKING
from pytui.core.progress import CancelToken
from pytui.core.root_tree import remove_tree
from pytui.core.tree_link import entry_columns, link_tree
from pytui.core.tree_manifest import (
    MAX_MANIFEST_BYTES,
    Columns,
    Entry,
    TreeCorrupt,
    TreeNewer,
    file_changed,
    manifest_text,
    parse_columns,
    parse_for_linking,
    parse_manifest,
    scan_tree,
    trusted_owners,
)
from pytui.core.tree_sysconfig import SYSCONFIG_NAME, read_sysconfig, write_sysconfig
from pytui.core.tree_types import TreeInfo, TreeNoSpace, TreeNotMine

# Names callers import from here; the manifest itself is core/tree_manifest.py.
__all__ = ["MANIFEST_NAME", "TREES_DIR", "TREE_NAME", "Entry", "TreeCorrupt", "TreeInfo", "TreeNewer",
           "TreeNoSpace", "TreeNotMine", "TreeStore", "parse_manifest", "remove_tree", "unshared_size"]

TREES_DIR = "trees"
TREE_NAME = "tree"
MANIFEST_NAME = "manifest.json"
if TYPE_CHECKING:
    from collections.abc import Callable


# What killed runs left, removed by each `keep` at most (each costs a lock and a walk): a cache
# dir holding thousands takes several installs, or one `cache purge --all`, to empty.
MAX_CLEANED_BY_KEEP = 64
# Work dirs a keep makes before it gives up. Between a mkdir and the keep's own lock, a purge's
# preview may try the new `.tmp-…` dir's lock (and let go at once) or another run's clean remove
# it (nobody holds it yet: a killed run's, by its look); a new name is tried, no lock waited for
# (whoever holds one may hold it for as long as it likes).
KEEP_TRIES = 3

_SHA256_CHARS = frozenset("0123456789abcdef")
# Hidden names in `trees/`: a tree being made by `keep`, one being removed by `discard`
# (what killed runs left of them: core/tree_leftovers.py).
KEEPING = ".tmp-"
DISCARDING = ".old-"


def is_sha256(text: str) -> bool:
    return len(text) == 64 and set(text) <= _SHA256_CHARS


class TreeStore:
    """The pristine trees kept under `<cache_dir>/trees/`."""

    def __init__(self, cache_dir: Path) -> None:
        self.path = Path(cache_dir) / TREES_DIR
        # Why the last `keep` made no tree, when the filesystem refused it (read-only, full).
        self.not_kept: OSError | None = None
        # Why the last `materialize` left a tree that is there alone (another user's), if so.
        self.not_used: str | None = None

    def tree_dir(self, sha256: str) -> Path:
        return self.path / sha256

    def shas(self) -> set[str]:
        """The sha256 of every kept tree with a manifest (one listing and a stat per tree; the
        manifests are not read: `list` and `check` do that)."""
        try:
            names = os.listdir(self.path)
        except OSError:
            return set()
        return {name for name in names if is_sha256(name) and os.path.isfile(self.path / name / MANIFEST_NAME)}

    def has(self, sha256: str | None) -> bool:
        # os.path.isfile: Path.is_file raises on EACCES (a tree dir another user made: `sudo`),
        # and a tree that cannot be read is no tree to install from.
        return bool(sha256) and is_sha256(sha256 or "") and os.path.isfile(
            os.path.join(self.path, str(sha256), MANIFEST_NAME))

    # -- reading --------------------------------------------------------------------------------
    def _read_manifest(self, sha256: str, *, mine: bool = False) -> bytes:
        """The manifest's bytes (at most one past the bound, which the parsers refuse). With
        `mine`, `TreeNotMine` unless this user (or root) owns it and the tree's directory."""
        manifest = self.path / sha256 / MANIFEST_NAME
        try:
            fd = os.open(manifest, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
        except OSError as err:
            raise TreeCorrupt(f"manifest unreadable: {err.strerror}") from None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise TreeCorrupt("manifest is not a regular file")
            if mine and not {st.st_uid, os.lstat(self.path / sha256).st_uid} <= trusted_owners():
                raise TreeNotMine(sha256)
            if st.st_size > MAX_MANIFEST_BYTES:
                # Refused unread: a 3 GiB (sparse) one was read to its bound, 64 MiB, by each
                # listing, install and TUI total, only for the parser to refuse those bytes.
                raise TreeCorrupt("manifest too large")
            with os.fdopen(fd, "rb", closefd=False) as f:
                return f.read(MAX_MANIFEST_BYTES + 1)
        except OSError as err:
            raise TreeCorrupt(f"manifest unreadable: {err.strerror}") from None
        finally:
            os.close(fd)

    def _load(self, sha256: str) -> tuple[dict[str, object], list[Entry]]:
        header, columns = self._load_columns(sha256)
        return header, list(map(Entry, *columns))

    def _load_columns(self, sha256: str) -> tuple[dict[str, object], Columns]:
        header, columns = parse_columns(self._read_manifest(sha256))
        if header["sha256"] != sha256:
            raise TreeCorrupt("manifest belongs to another archive")
        return header, columns

    def sizes(self) -> dict[str, tuple[int, dict[int, int]]]:
        """What each kept tree occupies, from its manifest, by the path of its `tree/` directory
        (core/tree_sizes.py: `root_tree.tree_size`'s `summaries`)."""
        from pytui.core.tree_sizes import kept_tree_sizes  # the cache's total, not an install's

        return kept_tree_sizes(self)

    def check(self, sha256: str) -> list[Entry]:
        """The tree's entries if every one is as the manifest recorded; else `TreeCorrupt`."""
        _header, entries = self._load(sha256)
        try:
            _dirs_not_links(self.path / sha256)
        except OSError:
            raise TreeCorrupt(f"{TREE_NAME} is missing") from None
        top = os.fspath(self.path / sha256 / TREE_NAME)
        for entry in entries:
            full = os.path.join(top, entry.path)
            try:
                st = os.lstat(full)
            except OSError:
                raise TreeCorrupt(f"{entry.path} is missing") from None
            if entry.kind == "f":
                if not (stat.S_ISREG(st.st_mode) and st.st_ino == entry.ino and st.st_size == entry.size
                        and st.st_mtime_ns == entry.mtime_ns
                        and stat.S_IMODE(st.st_mode) == entry.mode):
                    raise file_changed(entry.path, st, entry.mode, entry.size, entry.mtime_ns)
            elif entry.kind == "d":
                if not stat.S_ISDIR(st.st_mode):
                    raise TreeCorrupt(f"{entry.path} is no longer a directory")
                if stat.S_IMODE(st.st_mode) != entry.mode:
                    raise TreeCorrupt(f"{entry.path} has another mode than the manifest records")
            elif not stat.S_ISLNK(st.st_mode) or os.readlink(full) != entry.target:
                raise TreeCorrupt(f"{entry.path} is no longer the same link")
        return entries

    def list(self) -> list[TreeInfo]:  # noqa: A003 - API name
        """Every kept tree (not re-checked file by file: see `verify`)."""
        return [self.info(name) for name in self.names()]

    def names(self) -> builtins.list[str]:
        """The sha256 of every kept tree, sorted."""
        try:
            return sorted(name for name in os.listdir(self.path) if is_sha256(name))
        except OSError:
            return []

    def info(self, sha256: str) -> TreeInfo:
        """The kept tree `sha256` as its manifest says (one that does not read names no archive
        and no build)."""
        try:
            header, columns = self._load_columns(sha256)
        except TreeNewer as newer:
            return TreeInfo(sha256, "", newer.key, self.path / sha256, 0, newer.version)
        except TreeCorrupt:
            return TreeInfo(sha256, "", "", self.path / sha256, 0)
        return TreeInfo(sha256, str(header["archive"]), str(header["key"]), self.path / sha256,
                        columns[1].count("f"))  # the kinds, one letter an entry

    # -- writing --------------------------------------------------------------------------------
    def keep(self, sha256: str, prefix: Path, *, archive: str, key: str,
             cancel: CancelToken | None = None) -> bool:
        """Keep the freshly extracted, verified, not yet fixed-up `prefix` as the tree of
        `sha256`. Best effort: False (nothing kept) when it cannot be made, or when `archive` (a
        name in the cache dir) is gone once it is made; True once it is kept,
        by this run or by another that kept it meanwhile. Call before the fix-ups run on
        `prefix`."""
        self.not_kept = None
        if not is_sha256(sha256) or self.has(sha256):
            return False
        if os.path.lexists(self.path / sha256):
            # A file, a link or a tree with no manifest at its name (pytui renames whole trees
            # in, manifest included): nothing uses it, and it made every later keep fail.
            self.discard(sha256)
        from pytui.core.tree_leftovers import clean_leftovers

        builtins.list(clean_leftovers(self.path, limit=MAX_CLEANED_BY_KEEP))  # (each goes as it is read)
        work: Path | None = None
        held = -1
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            for _try in range(KEEP_TRIES):
                # The sha256 names whose tree it is: a purge of that one archive removes it too.
                work = self.path / f"{KEEPING}{sha256}-{os.getpid()}-{os.urandom(4).hex()}"
                work.mkdir()
                # Keeping a tree only: an install from a kept tree does not import it.
                from pytui.core.dir_hold import hold_dir

                held = hold_dir(work)
                if held >= 0:
                    break
                with contextlib.suppress(OSError):
                    os.rmdir(work)  # (empty: a preview let go of it, or a clean removes it)
            else:
                return False
            entries = scan_tree(os.fspath(prefix))
            os.mkdir(work / TREE_NAME)
            link_tree(os.fspath(prefix), os.fspath(work / TREE_NAME), entry_columns(entries), cancel,
                      f"keeping the tree of {key}", check=False)
            # The manifest records the tree's own inodes (the same as the stage's when linked).
            entries = scan_tree(os.fspath(work / TREE_NAME))
            (work / MANIFEST_NAME).write_text(manifest_text(sha256, archive, key, entries))
            write_sysconfig(work / TREE_NAME, key, work / SYSCONFIG_NAME)  # best effort
            try:
                os.rename(work, self.path / sha256)
            except OSError as err:
                # Another run (an install of the same build into another root) kept it since
                # `has` was asked: the tree is kept, which is all this keep was for.
                if err.errno in (errno.ENOTEMPTY, errno.EEXIST) and self.has(sha256):
                    return True
                raise
            if not os.path.isfile(self.path.parent / archive):
                # Purged while the tree was made (`cache purge` in another process found no
                # tree yet): never used without its archive, it would only fill the cache.
                # Looked at after the rename, so a purge past this look finds the tree. Its
                # lock let go first: `discard` takes it anew (flock: this fd's would refuse it).
                os.close(held)
                held = -1
                self.discard(sha256)
                return False
            return True
        except OSError as err:
            self.not_kept = err
            return False
        except TreeCorrupt:
            return False
        finally:
            if work is not None and os.path.lexists(work):
                remove_tree(work)
            if held >= 0:
                os.close(held)

    def sysconfig(self, sha256: str) -> tuple[str, dict[str, object]] | None:
        """The parsed sysconfig data kept with the tree of `sha256`, if any and well-formed."""
        if not is_sha256(sha256):
            return None
        return read_sysconfig(self.path / sha256 / SYSCONFIG_NAME, self.path / sha256 / TREE_NAME)

    def materialize(self, sha256: str, dest: Path, *, cancel: CancelToken | None = None,
                    what: str = "install", on_discard: Callable[[str, OSError | None, bool], None] | None = None,
                    on_link: Callable[[], None] | None = None, into: bool = False) -> bool | None:
        """Recreate the tree of `sha256` at `dest`: True when hard-linked, False when copied, None
        when there is no usable tree (another user's is none: left as it is). `dest` must not
        exist; with `into`, it is an empty directory the caller made (an install's stage), which
        becomes the tree and is kept, emptied, whenever the tree is not used. Every entry is
        checked against the manifest on the way, its owner too (a file or directory of another
        user is a change); a tree that changed is discarded (and what was made at `dest`
        removed), and
        `on_discard` is told why, the error that kept the tree if it could not be removed, and
        whether it was the manifest that did not read (else a file changed).
        The destination's filesystem filling up raises `TreeNoSpace` (with the tree's size),
        since extracting instead would need as much space or more."""
        self.not_used = None
        if not self.has(sha256):
            return None
        columns: Columns | None = None
        manifest_read = False
        # `into`: the stage itself becomes the install, so no directory is made in it and none
        # is left to remove after the commit (an `rmdir` frees the directory's block: on a
        # disk mounted with `discard`, as this VM's, a synchronous discard of 0.1-4 ms).
        try:
            # The columns, not an `Entry` per entry: an install only iterates them; each
            # entry's parent, name and run were found by the checks.
            header, columns, layout = parse_for_linking(self._read_manifest(sha256, mine=True))
            if header["sha256"] != sha256:
                raise TreeCorrupt("manifest belongs to another archive")
            manifest_read = True
            _dirs_not_links(self.path / sha256)
            if on_link is not None:  # (only now: another user's tree is not linked)
                on_link()
            if not into:
                os.mkdir(dest, 0o755)
            return link_tree(os.fspath(self.path / sha256 / TREE_NAME), os.fspath(dest), columns, cancel,
                             what, check=True, layout=layout)
        except TreeNotMine:
            self.not_used = "the tree kept in the cache is another user's, so it is not used"
            return None
        except TreeNewer as newer:
            # A newer pytui's, sharing the cache dir: left for it, as uv leaves a cache bucket
            # of a newer version; the install extracts as if there were none.
            self.not_used = (f"the tree kept in the cache is a newer pytui's (manifest format {newer.version}), "
                             "so it is not used")
            return None
        except TreeCorrupt as err:
            # Gone from its name meanwhile (a purge in another process): not changed, and
            # nothing of it to discard; extraction takes over as for a tree there never was.
            if os.path.lexists(self.path / sha256):
                kept = None
                try:
                    self.discard(sha256, strict=True)
                except OSError as why:
                    kept = why
                if on_discard is not None:
                    on_discard(str(err), kept, manifest_read)
        except OSError as err:
            _undo(dest, into)
            if err.errno in (errno.ENOSPC, errno.EDQUOT):
                file_bytes = 0 if columns is None else sum(
                    size for kind, size in zip(columns[1], columns[3], strict=True) if kind == "f")
                raise TreeNoSpace(file_bytes, None if columns is None else len(columns[0])) from None
            # A manifest whose order is wrong, or the like: extraction takes over (and reports
            # a real filesystem error in its own words).
        _undo(dest, into)
        return None

    def discard(self, sha256: str, *, strict: bool = False) -> int:
        """Remove a tree (moved aside first, so a half-removed tree is never used); return the
        bytes that freed: files no install shares, counted once. With `strict`, a tree the
        disk does not let go (a read-only cache dir, another user's tree) raises that OSError;
        else 0."""
        if not is_sha256(sha256):
            return 0
        src = self.path / sha256
        if not os.path.lexists(src):
            return 0
        aside = self.path / f"{DISCARDING}{sha256}-{os.urandom(4).hex()}"
        # Locked before the rename (the lock goes with the directory): `clean_leftovers` in another
        # process leaves the tree this one is removing alone. A file or link is not locked.
        held = -1
        if os.path.isdir(src) and not os.path.islink(src):
            from pytui.core.dir_hold import hold_dir  # removing a tree only

            held = hold_dir(src, strict=strict)
            if held < 0:
                return 0  # another run is removing it
        try:
            try:
                os.rename(src, aside)
            except OSError as err:
                if strict and err.errno != errno.ENOENT:
                    raise
                return 0
            freed = unshared_size(aside)
            remove_tree(aside)
            if strict and os.path.lexists(aside):
                # remove_tree made what it could writable and removed that; what is left is not
                # freed, and not to be said removed: said with the error the disk gives now
                # (another user's files, an immutable or busy directory, a read-only mount),
                # not always "permission denied".
                why = _why_not_emptied(aside)
                if why is not None:
                    raise why
        finally:
            if held >= 0:
                os.close(held)
        return freed

    def verify(self, listed: builtins.list[TreeInfo] | None = None,
               ) -> tuple[builtins.list[TreeInfo], builtins.list[tuple[TreeInfo, str, OSError | None, int]]]:
        """Check every tree of `listed` (as `list` gave them; every tree when None); changed
        ones are removed (one another process removed since the listing, and one a newer pytui
        kept, is in neither list). Returns (ok, [(changed, why, None or the error that kept it
        where the disk did not let it go, the bytes removing it freed)])."""
        ok: builtins.list[TreeInfo] = []  # `list` here is the method above
        bad: builtins.list[tuple[TreeInfo, str, OSError | None, int]] = []
        for info in self.list() if listed is None else listed:
            if info.newer:
                continue  # a newer pytui's: not this one's to check, nor to remove
            try:
                self.check(info.sha256)
            except TreeCorrupt as err:
                if not os.path.lexists(self.path / info.sha256):
                    continue  # removed since it was listed (a purge in another process): not changed
                kept = None
                freed = 0
                try:
                    freed = self.discard(info.sha256, strict=True)
                except OSError as why:
                    kept = why
                bad.append((info, str(err), kept, freed))
            else:
                ok.append(info)
        return ok, bad


def _undo(dest: Path, into: bool) -> None:
    """Remove what `materialize` made at `dest`: everything in it when the caller made it
    (`into`: it stays, empty, for the extraction that takes over), else `dest` itself."""
    if not into:
        if os.path.lexists(dest):
            remove_tree(dest)
        return
    with os.scandir(dest) as entries:
        names = [entry.name for entry in entries]
    for name in names:
        remove_tree(dest / name)


def _dirs_not_links(top: Path) -> None:
    """`TreeCorrupt` unless the tree's directory and its `tree/` are directories, not links to
    them: pytui never makes either a link, and one is followed by every path below it (an
    install linked from outside the cache; a `tree/` link, which the linker refuses to open,
    made each install extract with no word why while `verify` passed it)."""
    for path, name in ((top, "the tree's directory"), (top / TREE_NAME, TREE_NAME)):
        if stat.S_ISLNK(os.lstat(path).st_mode):
            raise TreeCorrupt(f"{name} is a symbolic link, not a directory")


def unshared_size(top: Path) -> int:
    """Bytes under `top` that removing it frees: files whose every link is inside it
    (core/root_tree.footprint, as an uninstall counts them)."""
    from pytui.core.root_tree import footprint

    return footprint(top).freed


def _why_not_emptied(aside: Path) -> OSError | None:
    """The error that keeps `aside` (a tree `remove_tree` could not empty) on disk: one more
    strict removal's; None when that one removed it (what held it let go meanwhile)."""
    import shutil

    try:
        shutil.rmtree(aside)
    except FileNotFoundError:
        return None
    except OSError as err:
        return err
    except RecursionError:  # deeper than shutil (before Python 3.13) can walk
        from pytui.core.root_tree import removal_error

        return removal_error(aside)
    return None
