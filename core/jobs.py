"""Install jobs: resolve -> (cached archive | download into the cache) -> extract -> fix up -> commit.

One `InstallJob` per build. The CLI runs several at once (core/job_runs.py); the TUI runs
each in its own thread worker. Both pass a progress callback and a cancel token, and both get
the same one-line errors. The files come from the pristine tree kept in the cache when there is
one, else from the archive (core/job_archive.py, imported only then).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path

from pytui.core.errors import (
    Cancelled,
    ExtractError,
    InstalledMeanwhile,
    NextStepError,
    PytuiError,
    WarningLine,
)
from pytui.core.install_root import InstallRoot
from pytui.core.installed import root_shape_problem
from pytui.core.keys import TYPE_CHECKING, _fields
from pytui.core.models import Build, Installation
from pytui.core.progress import CancelToken, Progress, ProgressCallback, WaitNotes, no_progress
from pytui.core.settings import Settings
from pytui.core.tree_store import TreeNoSpace, TreeStore

if TYPE_CHECKING:
    # The download and extraction engines (httpx, zstd, tar) are imported when a job needs
    # them: an install from a pristine tree uses neither.
    from pytui.core.cache import ArchiveCache
    from pytui.core.catalog import Catalog
    from pytui.core.download import Downloader


class InstallFailed(PytuiError):
    """An install job failed; the message names the build, the cause and what was kept."""


# Tuples with named fields, as core/keys.py makes them, rather than dataclasses or named tuples:
# an install from a tree imports nothing it does not use (`dataclasses` brings `inspect`, `ast`,
# `dis` and `tokenize` with it, `typing.NamedTuple` the `typing` module), and
# `collections.namedtuple` compiles each class's `__new__` from source at import (~0.27 M
# instructions a class more than this class statement, cachegrind).
class InstallResult(tuple):
    """`status` is "installed", "reinstalled" or "already" (nothing to do); `archive` the cached
    archive used (None with --no-cache); `downloaded` True when bytes came over the network (or
    a file:// mirror) during this job; `unpacked_by` what put the files in place: the
    decompressor (e.g. a `zstd -d` child process, or in-process zstandard/ISA-L), or the
    pristine tree's links, shown by `install --verbose`."""

    __slots__ = ()
    _fields = ("build", "status", "installation", "archive", "downloaded", "unpacked_by")
    if TYPE_CHECKING:
        build: Build
        status: str
        installation: Installation | None
        archive: Path | None
        downloaded: bool
        unpacked_by: str | None

    def __new__(cls, build: Build, status: str, installation: Installation | None,
                archive: Path | None = None, downloaded: bool = False,
                unpacked_by: str | None = None) -> InstallResult:
        return tuple.__new__(cls, (build, status, installation, archive, downloaded, unpacked_by))


class JobOutcome(tuple):
    """One job's end: its `result`, or the one-line `error` it failed with."""

    __slots__ = ()
    _fields = ("build", "result", "error")
    if TYPE_CHECKING:
        build: Build
        result: InstallResult | None
        error: PytuiError | None

    def __new__(cls, build: Build, result: InstallResult | None = None,
                error: PytuiError | None = None) -> JobOutcome:
        return tuple.__new__(cls, (build, result, error))


_fields(InstallResult, InstallResult._fields)
_fields(JobOutcome, JobOutcome._fields)


class InstallJob:
    """Install one build into the settings' install root, through the archive cache."""

    def __init__(
        self,
        build: Build,
        *,
        settings: Settings,
        catalog: Catalog | None = None,
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
        reinstall: bool = False,
        no_cache: bool = False,
        force: bool = False,
        downloader: Downloader | Callable[[], Downloader] | None = None,
        on_warning: Callable[[WarningLine], None] | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        """`downloader`: one to use, a function that returns the (shared) one when a download
        is needed, or None to make one (and close it) only if this job downloads."""
        self.build = build
        self.settings = settings
        self.catalog = catalog
        self.progress = progress
        self.cancel = cancel or CancelToken()
        self.reinstall = reinstall
        # Replace bin-dir executables of other installs or roots, or not managed at all (uv's --force).
        self.force = force
        self.no_cache = no_cache
        self._downloader_from = downloader
        self._own_downloader: Downloader | None = None
        self.on_warning = on_warning
        # Called once with a one-line message when the root's lock (or the archive's download
        # lock) is held by another process; the progress reported next says the wait is over.
        self.on_wait = on_wait
        self.root = InstallRoot(settings.install_root)
        self._cache: ArchiveCache | None = None
        self.trees = TreeStore(settings.cache_dir)
        # The sysconfig data kept with the tree this job linked, already parsed.
        self._sysconfig: tuple[str, dict[str, object]] | None = None
        self.unpacked_by: str | None = None
        # Whether the commit replaced an install (a reinstall of one still there by then).
        self.replaced = False
        # The archive's lock in the cache dir, held from when the job first needs the archive
        # until its commit has ended (core/job_archive.take_turn): what `turn` lets go of.
        self.turn: contextlib.ExitStack | None = None
        self.turn_held = False

    @property
    def key(self) -> str:
        return self.build.key

    @property
    def cache(self) -> ArchiveCache:
        """The archive cache (core/cache.py), imported when a job first needs more of it than
        where its archive is: an install from a pristine tree never does."""
        if self._cache is None:
            from pytui.core.cache import ArchiveCache

            self._cache = ArchiveCache(self.settings.cache_dir, self.settings.env)
        return self._cache

    def _archive_path(self) -> Path:
        """Where the cache keeps this build's verified archive (`ArchiveCache.path_for`)."""
        return Path(self.settings.cache_dir) / self.build.cache_filename

    def _unnamed(self, cause: str) -> str:
        """A cause without the key it may lead with (`KEY: its URL … is not a
        python-build-standalone release URL`, as `list --show-urls` says it): the line names
        the build once, after `failed to install`."""
        return cause.removeprefix(f"{self.key}: ")

    def run(self) -> InstallResult:
        """Do the whole job; raise `InstallFailed` (or `Cancelled`) with one line on failure.

        Whatever was cached or installed before is left as it was when this fails: archives
        enter the cache only verified, and the install directory is swapped in only at commit.
        """
        self.progress(Progress("resolve", 0, None))
        problem = root_shape_problem(self.root.path)
        if problem is not None:
            # A file or a link to nothing at the root's name: the CLI's line (its listing says
            # it first), not "cannot create the install root" wrapped in what was kept.
            raise InstallFailed(problem)
        if not self.reinstall and self.root.get(self.key) is not None:
            return InstallResult(self.build, "already", self.root.get(self.key))
        refusal = self.root.replace_refusal(self.key) if self.reinstall else None
        if refusal is not None:  # before the stage, the download or the tree's links
            raise InstallFailed(f"failed to install {self.key}: {refusal}; {self._kept()}")
        try:
            installation, archive, downloaded, committed = self._install()
        except Cancelled as err:
            raise Cancelled(f"install of {self.key} cancelled; {self._kept()} ({err})") from None
        except NextStepError as err:
            # What was kept goes before the next step, so the line ends with what to do (its
            # steps kept as data: each view words them).
            next_step = ("; ", *err.next_step_parts) if err.next_step else ()
            raise InstallFailed.of_parts(f"failed to install {self.key}: {self._unnamed(err.cause)}; "
                                         f"{self._kept()}", *next_step) from None
        except PytuiError as err:
            # Its parts kept: a step it carries as data is said by each view in its words.
            first, *rest = err.parts_or_line()
            raise InstallFailed.of_parts(f"failed to install {self.key}: ",
                                         self._unnamed(first) if isinstance(first, str) else first,
                                         *rest, f"; {self._kept()}") from None
        finally:
            if self._own_downloader is not None:
                self._own_downloader.close()
                self._own_downloader = None
        if not committed:
            # Another uv or pytui process installed this key while the job was downloading.
            return InstallResult(self.build, "already", installation, archive, downloaded)
        status = "reinstalled" if self.replaced else "installed"
        return InstallResult(self.build, status, installation, archive, downloaded, self.unpacked_by)

    def downloader(self) -> Downloader:
        """The downloader for this job's transfers, made when the first one is needed."""
        given = self._downloader_from
        if given is not None:
            return given() if callable(given) else given
        if self._own_downloader is None:
            from pytui.core.download import Downloader

            self._own_downloader = Downloader.from_settings(self.settings)
        return self._own_downloader

    def _kept(self) -> str:
        if self.root.get(self.key) is not None:
            return f"the existing {self.key} install was left as it was"
        return "nothing was installed"

    def installed_now(self) -> Installation | None:
        """The install of this key another process made while this job waited for that
        process's download (none for a reinstall, which installs again whatever is there)."""
        return None if self.reinstall else self.root.get(self.key)

    def _install(self) -> tuple[Installation, Path | None, bool, bool]:
        """Stage, extract, verify, commit; the last item is False when the key turned up installed
        meanwhile (another process committed it first, or installed it from the archive this
        job waited for) and this job's tree was dropped (or none was made). The archive's lock,
        once taken (`take_turn`), is let go of after the commit has ended."""
        try:
            with contextlib.ExitStack() as self.turn:
                if not self.no_cache:
                    return self._staged(streamed=False)
                from pytui.core.job_archive import take_turn

                # After a wait, another pytui may have cached the archive: read it, not streamed.
                cached_meanwhile = take_turn(self) and self.cache.has(self.build)
                return self._staged(streamed=not cached_meanwhile)
        except InstalledMeanwhile as done:
            installation = done.installation
            assert isinstance(installation, Installation)
            return installation, None, False, False
        finally:
            self.turn, self.turn_held = None, False

    def _staged(self, *, streamed: bool) -> tuple[Installation, Path | None, bool, bool]:
        """`_install` in a stage: the files streamed (`--no-cache`) or from the cache.

        A root that fills up on the way is one line saying how much to free (core/install_space.py).
        """
        # (bytes needed if known, bytes that fitted, entries made if known, no inode was left)
        full: tuple[int | None, int, int | None, bool] | None = None
        with self.root.stage() as stage:
            try:
                if streamed:
                    from pytui.core.job_archive import extract_streamed

                    prefix = extract_streamed(self, stage)
                    archive, downloaded = None, True
                else:
                    prefix, archive, downloaded = self._extract_cached(stage)
            except TreeNoSpace as err:
                full = (err.size, 0, err.entries, False)
            except (ExtractError, OSError) as err:
                from pytui.core.install_space import gzip_unpacked_size, is_disk_full, out_of_inodes
                from pytui.core.root_tree import tree_size

                if not is_disk_full(err):
                    raise
                archive_path = None if streamed else self.cache.path_for(self.build)
                full = (gzip_unpacked_size(archive_path) if archive_path else None, tree_size(stage), None,
                        out_of_inodes(stage))
            if full is None:
                return self._commit(prefix, archive, downloaded)
        # Said once the stage is gone, so the free space counted is what a retry has.
        from pytui.core.install_space import no_space_error

        raise no_space_error(self.root.path, *full)

    def _commit(self, prefix: Path, archive: Path | None,
                downloaded: bool) -> tuple[Installation, Path | None, bool, bool]:
        self.cancel.check(f"install of {self.key}")
        # Steps with no byte count report no total (a total of 1 read as "0 B / 1 B").
        self.progress(Progress("finish", 0, None))
        bin_dir = None if self.settings.no_bin else self.settings.bin_dir
        waited = WaitNotes(self.on_wait)
        # The root lock (re-entrant; commit takes it too) makes "still not installed?" and
        # the commit one step, against uv and other pytui processes.
        with self.root.locked(cancel=self.cancel, on_wait=waited):
            if waited:  # the wait is over: the step again (the CLI's bar, the TUI's row)
                self.progress(Progress("finish", 0, None))
            existing = self.root.get(self.key)
            if existing is not None and not self.reinstall:
                return existing, archive, downloaded, False
            # Looked at under the lock: another process may have uninstalled it since the start.
            self.replaced = existing is not None
            installation = self.root.commit(self.build, prefix, bin_dir=bin_dir, reinstall=self.reinstall,
                                            force=self.force,
                                            cancel=self.cancel, on_warning=self.on_warning,
                                            sysconfig=self._sysconfig)
        return installation, archive, downloaded, True

    def _from_tree(self, stage: Path) -> Path | None:
        """The build's pristine tree linked (or copied) into the stage, if one is kept and
        unchanged and its archive is still cached; None otherwise."""
        sha256 = self.build.sha256
        if not sha256 or not self.trees.has(sha256) or not os.path.isfile(self._archive_path()):
            return None
        prefix = stage  # the stage itself becomes the install: none left to remove (materialize)
        if self.trees.materialize(sha256, prefix, cancel=self.cancel, what=f"install of {self.key}",
                                  on_discard=self._tree_discarded,
                                  on_link=lambda: self.progress(Progress("link", 0, None)),
                                  into=True) is None:
            return None
        self._sysconfig = self.trees.sysconfig(sha256)
        self.unpacked_by = "the pristine tree kept in the cache (linked or copied)"
        return prefix

    def _tree_discarded(self, why: str, kept: OSError | None, manifest_read: bool) -> None:
        if self.on_warning is None:
            return
        fate = "removed, extracting the archive again"
        if kept is not None:
            from pytui.core.cache import fix_dir
            from pytui.core.fs_errors import cause

            fate = (f"it could not be removed ({cause(kept)}), so each install extracts the archive "
                    f"until you {fix_dir(kept)}")
        if manifest_read:
            self.on_warning(f"the unpacked tree kept for {self.key} changed ({why}); {fate}")
            return
        # Its state's one name (core/cache_kinds.py), as `cache verify`, `cache list` and the
        # Cached pane say it: it said `changed (manifest is not JSON)`.
        from pytui.core.cache_kinds import MANIFEST_UNREADABLE

        self.on_warning(f"the unpacked tree kept for {self.key}: {MANIFEST_UNREADABLE} ({why}); {fate}")

    def note_decoder(self, what: str) -> None:
        """Told by the extraction which decompressor it used (`install --verbose`)."""
        self.unpacked_by = what if self.trees.not_used is None else f"{what}; {self.trees.not_used}"

    def keep_tree(self, prefix: Path, archive: Path) -> None:
        """Keep the verified, not yet fixed-up tree for the next install of this build."""
        sha256 = self.build.sha256
        if not sha256 or self.settings.no_trees or self.no_cache:
            return  # (`--no-cache` reading an archive another pytui cached meanwhile keeps nothing)
        if self.trees.keep(sha256, prefix, archive=archive.name, key=self.key, cancel=self.cancel):
            # The tree's sysconfig data was just parsed and kept: the fix-ups use that rather
            # than parsing the file a second time.
            self._sysconfig = self.trees.sysconfig(sha256)
        elif self.trees.not_kept is not None and self.unpacked_by is not None:
            # Said with `-v`: every install of this build extracts until the cache can take a tree.
            from pytui.core.fs_errors import cause

            self.unpacked_by += f"; its tree could not be kept in the cache ({cause(self.trees.not_kept)})"

    def _extract_cached(self, stage: Path) -> tuple[Path, Path, bool]:
        """The kept pristine tree when there is one, else the archive (core/job_archive.py),
        under the archive's lock: another pytui unpacking the same archive now is waited for,
        and its tree (or its install) used rather than unpacking the archive a second time."""
        if not self.settings.no_trees:
            linked = self._from_tree(stage)
            if linked is not None:
                return linked, self._archive_path(), False
        from pytui.core.job_archive import extract_from_archive, take_turn

        if take_turn(self) and not self.settings.no_trees:
            linked = self._from_tree(stage)  # the tree the process waited for kept
            if linked is not None:
                return linked, self._archive_path(), False
        return extract_from_archive(self, stage)
