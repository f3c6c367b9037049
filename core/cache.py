"""The archive cache: uv's `UV_PYTHON_CACHE_DIR` layout, with verified commits.

See docs/uv-compat.md#cache-file-names.

Files are named exactly as uv names them (`{sha256[:9]}-{url basename, %2B -> -}`), so one
directory serves pytui and `UV_PYTHON_CACHE_DIR=<dir> uv python install`. Unlike uv, an
archive gets its final name only after its sha256 matched; downloads in progress live at
`<name>.part` beside it (with `<name>.part.json`: url, validators and size, for resuming
across processes) and a per-archive `<name>.part.lock` while a process writes them.
Every write goes through a temporary name and `os.replace`; nothing outside the root is
touched.
"""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import unquote

from pytui.core.download import Downloader, read_part_state
from pytui.core.errors import HashMismatch, OfflineError, PytuiError
from pytui.core.filenames import parse_archive_name, split_extension
from pytui.core.models import Build, CachedArchive, format_key
from pytui.core.progress import CancelToken, Progress, ProgressCallback, Throttle, no_progress
from pytui.core.tree_store import TreeInfo, TreeStore
from pytui.core.urls import CPYTHON_DOWNLOADS_URL_PREFIX

if TYPE_CHECKING:
    from pytui.core.catalog import Catalog
    from pytui.core.settings import Settings

PART_SUFFIX = ".part"
STATE_SUFFIX = ".part.json"
LOCK_SUFFIX = ".part.lock"
METADATA_NAME = "download-metadata.json"
_READ_SIZE = 1024 * 1024
_SHA_PREFIX = re.compile(r"^[0-9a-f]{9}$")
_CACHE_NAME = re.compile(r"^(?:[0-9a-f]{9}|none)-(.+)$")
_MODERN_DASHED = re.compile(r"^((?:cpython)-\d+\.\d+\.\d+(?:(?:a|b|rc)\d+)?)-(\d{8})-(.+)$")
PURGE_RULES = ("all", "superseded", "installed")


class CacheError(PytuiError):
    """An archive-cache operation was refused (unknown archive, bad destination)."""


@dataclass(slots=True)
class VerifyReport:
    """What `ArchiveCache.verify` found. Corrupt archives have already been removed."""

    ok: list[CachedArchive] = field(default_factory=list)
    # (archive, computed sha256) for each archive that failed and was deleted.
    corrupt: list[tuple[CachedArchive, str]] = field(default_factory=list)
    # Partial downloads, and archives with no known hash (`none-...` and non-uv names).
    unchecked: list[CachedArchive] = field(default_factory=list)
    # Pristine trees as their manifests recorded them, and those that changed (removed, with why).
    trees_ok: list[TreeInfo] = field(default_factory=list)
    trees_removed: list[tuple[TreeInfo, str]] = field(default_factory=list)

    @property
    def bytes_removed(self) -> int:
        return sum(archive.size for archive, _ in self.corrupt)


@dataclass(slots=True)
class ExportReport:
    """What `ArchiveCache.export_mirror` wrote."""

    root: Path
    metadata: Path
    exported: list[Build] = field(default_factory=list)
    # Archives left out, with why (not a python-build-standalone URL, failed its hash...).
    skipped: list[tuple[CachedArchive, str]] = field(default_factory=list)
    bytes_written: int = 0


def archive_percent(archive: CachedArchive) -> float | None:
    """How far a partial download got (0-100), when its expected size is known."""
    if archive.state != "partial" or not archive.expected_size:
        return None
    return min(100.0, 100.0 * archive.size / archive.expected_size)


def key_from_cache_name(name: str) -> str | None:
    """The uv key an archive's cache file name implies, for files no catalog build names.

    uv turned every `%2B` into `-`, so `+<date>` and `+`-joined options are restored as far
    as the key needs (version, platform, freethreaded/debug).
    """
    match = _CACHE_NAME.match(name.removesuffix(PART_SUFFIX))
    if not match:
        return None
    rest = match[1]
    modern = _MODERN_DASHED.match(rest)
    if modern:
        rest = f"{modern[1]}+{modern[2]}-{modern[3]}"
    parsed = parse_archive_name(rest)
    if parsed is None or parsed.patch < 0:
        return None
    tokens = set(split_extension(rest)[0].replace("+", "-").split("-"))
    variant = ("freethreaded+debug" if {"freethreaded", "debug"} <= tokens else "debug"
               if "debug" in tokens else "freethreaded" if "freethreaded" in tokens else "default")
    return format_key(parsed.implementation, parsed.version, variant, parsed.platform)


def archive_key(archive: CachedArchive) -> str | None:
    """The key of a cached archive: its catalog build's, else the one its file name implies."""
    return archive.build.key if archive.build is not None else key_from_cache_name(archive.name)


# -- uv's JSON format, written back -----------------------------------------------------------
_JSON_OS = {"macos": "darwin"}
_JSON_ARCH = {"x86": "i686", "riscv64gc": "riscv64", "armv5te": "armv5tel"}


def uv_json_entry(build: Build) -> tuple[str, dict[str, Any]]:
    """A build as uv's download-metadata.json has it: (JSON key, entry). Inverse of the parser."""
    name = "cpython" if build.implementation == "pyodide" else build.implementation
    os_name = _JSON_OS.get(build.os, build.os)
    family, _, level = build.arch.partition("_v") if build.arch.startswith("x86_64_v") else (build.arch, "", "")
    family = _JSON_ARCH.get(family, family)
    arch_variant = f"v{level}" if level else None
    variant = None if build.variant == "default" else build.variant
    key = (f"{name}-{build.version}{'' if variant is None else '+' + variant}-{os_name}-"
           f"{family}{'_' + arch_variant if arch_variant else ''}-{build.libc}")
    entry = {
        "name": name, "arch": {"family": family, "variant": arch_variant}, "os": os_name,
        "libc": build.libc, "major": build.major, "minor": build.minor, "patch": build.patch,
        "prerelease": build.prerelease, "url": build.url, "sha256": build.sha256,
        "variant": variant, "build": build.build,
    }
    return key, entry


# -- helpers ----------------------------------------------------------------------------------
def _is_archive_name(name: str) -> bool:
    return bool(split_extension(name)[1])


def _hash_file(path: Path, cancel: CancelToken, on_bytes: Any = None) -> str:
    hasher = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_READ_SIZE):
            cancel.check("verify")
            hasher.update(chunk)
            if on_bytes is not None:
                on_bytes(len(chunk))
    return hasher.hexdigest()


def _copy_hashing(src: BinaryIO, dest: Path, cancel: CancelToken, on_bytes: Any = None) -> str:
    """Copy into a new file `dest` (exclusive create) while hashing; return the sha256."""
    hasher = hashlib.sha256()
    with open(dest, "xb") as out:
        while chunk := src.read(_READ_SIZE):
            cancel.check("copy")
            hasher.update(chunk)
            out.write(chunk)
            if on_bytes is not None:
                on_bytes(len(chunk))
    return hasher.hexdigest()


def _temp_name(final: Path) -> Path:
    return final.with_name(f".{final.name}.{os.getpid()}.{id(final):x}.tmp")


@contextlib.contextmanager
def _exclusive(lock_path: Path, cancel: CancelToken, what: str) -> Iterator[None]:
    """Hold an flock on `lock_path` (created, and removed on release) while a `.part` is written.

    Two processes (or threads) fetching one archive thus take turns; the second finds the
    archive committed. The lock file is unlinked by its holder, so a waiter that wakes on a
    file no longer at that path tries again.
    """
    try:
        import fcntl
    except ImportError:  # Windows: no flock; unique temp names and os.replace still hold
        yield
        return
    while True:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
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
            break
        os.close(fd)
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(lock_path)
        os.close(fd)


class VerifyingReader:
    """Reads a cached archive while hashing it; `verify()` after the last byte.

    For extracting from the cache as uv does (uv re-checks the hash at every extraction): on a
    mismatch the archive is deleted, so the next install downloads it again.
    """

    def __init__(self, path: Path, build: Build) -> None:
        self.path = path
        self.build = build
        self.size = path.stat().st_size
        self._file = open(path, "rb")  # noqa: SIM115 - closed in close()
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
        while chunk := self._file.read(_READ_SIZE):
            self._hasher.update(chunk)
            self.done += len(chunk)
        digest = self._hasher.hexdigest()
        expected = self.build.sha256
        if expected and digest != expected:
            self.close()
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            raise HashMismatch(
                f"cached archive {self.path.name} for {self.build.key} is corrupt (sha256 expected "
                f"{expected}, computed {digest}); it was removed, so the next install downloads "
                "it again")
        return digest


class ArchiveCache:
    """One archive cache directory (pytui's, or uv's `UV_PYTHON_CACHE_DIR`)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        # Unpacked trees of verified archives (`<root>/trees/`), used and removed with them.
        self.trees = TreeStore(self.root)

    # -- names --------------------------------------------------------------------------------
    def path_for(self, build: Build) -> Path:
        """Where the verified archive for `build` lives (uv's name)."""
        return self.root / build.cache_filename

    def part_path(self, build: Build) -> Path:
        return self.root / (build.cache_filename + PART_SUFFIX)

    def has(self, build: Build) -> bool:
        return self.path_for(build).is_file()

    def _inside(self, path: Path) -> bool:
        """True for a file directly in the root (the only place the cache writes or deletes)."""
        try:
            return path.parent.resolve() == self.root.resolve() and path.name not in ("", ".", "..")
        except OSError:
            return False

    # -- listing ------------------------------------------------------------------------------
    def list(self, catalog: Catalog | None = None) -> list[CachedArchive]:  # noqa: A003 - API name
        """Archives and partial downloads in the cache, matched to `catalog` builds by file name.

        State: `ok` (a catalog build's archive), `partial` (a `.part`, with `expected_size`
        when known) or `unknown` (no build of this catalog has that name). Files that are not
        archives, and hidden names (uv's `.tmp*` dirs), are ignored.
        """
        by_name = catalog.by_cache_filename() if catalog is not None else {}
        found: list[CachedArchive] = []
        try:
            entries = list(os.scandir(self.root))
        except (FileNotFoundError, NotADirectoryError):
            return []
        for entry in entries:
            name = entry.name
            if name.startswith(".") or not entry.is_file(follow_symlinks=False):
                continue
            try:
                size = entry.stat(follow_symlinks=False).st_size
            except OSError:
                continue
            path = Path(entry.path)
            if name.endswith(PART_SUFFIX):
                base = name[: -len(PART_SUFFIX)]
                if not _is_archive_name(base):
                    continue
                state = read_part_state(path) or {}
                total = state.get("total")
                found.append(CachedArchive(path=path, size=size, build=by_name.get(base),
                                           state="partial",
                                           expected_size=total if isinstance(total, int) else None))
            elif _is_archive_name(name):
                build = by_name.get(name)
                found.append(CachedArchive(path=path, size=size, build=build,
                                           state="ok" if build is not None else "unknown"))
        found.sort(key=lambda a: (archive_key(a) or "~", a.name))
        return found

    def total_size(self) -> int:
        return sum(archive.size for archive in self.list())

    # -- downloading --------------------------------------------------------------------------
    def fetch(
        self,
        build: Build,
        urls: Sequence[str] | None = None,
        *,
        downloader: Downloader | None = None,
        settings: Settings | None = None,
        offline: bool | None = None,
        client_factory: Callable[[], Any] | None = None,
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
    ) -> Path:
        """Return the cached archive for `build`, downloading (verified) into the cache first if needed.

        `urls` default to uv's order for the settings (`core.urls.download_urls`). The download
        goes to `<name>.part` (resumed if one is there) and is renamed to its final name only
        when the sha256 matched. Offline with no `file://` URL it fails with uv's wording.
        Pass one shared `downloader` when fetching several builds (it keeps one HTTP client);
        otherwise one is made from `settings` (or `offline` / `client_factory`) and closed.
        """
        cancel = cancel or CancelToken()
        final = self.path_for(build)
        if final.is_file():
            return final
        if urls is None:
            if settings is None:
                raise ValueError("fetch needs urls or settings")
            from pytui.core.urls import download_urls

            urls = download_urls(build, settings)
        own = downloader is None
        if downloader is None:
            if settings is not None:
                downloader = Downloader.from_settings(settings, client_factory=client_factory)
                if offline:
                    downloader.offline = True
            else:
                downloader = Downloader(offline=bool(offline), client_factory=client_factory)
        elif offline:
            downloader.offline = True
        try:
            if downloader.offline and not any(u.startswith("file:") for u in urls):
                raise OfflineError(
                    f"An offline Python installation was requested, but {build.key} (from {urls[0]}) "
                    f"is missing in {self.root}; go online, or import the archive with "
                    "`pytui cache import FILE`")
            self.root.mkdir(parents=True, exist_ok=True)
            with _exclusive(self.root / (build.cache_filename + LOCK_SUFFIX), cancel, build.key):
                if final.is_file():
                    return final  # another process committed it while we waited
                downloader.download(urls, self.part_path(build), expected_sha256=build.sha256,
                                    progress=progress, cancel=cancel, what=build.key)
                os.replace(self.part_path(build), final)
        finally:
            if own:
                downloader.close()
        return final

    def open_verified(self, build: Build) -> VerifyingReader:
        """Open the cached archive for reading with its hash checked at `verify()`."""
        return VerifyingReader(self.path_for(build), build)

    # -- verify -------------------------------------------------------------------------------
    def verify(self, catalog: Catalog | None = None, progress: ProgressCallback = no_progress,
               cancel: CancelToken | None = None) -> VerifyReport:
        """Re-hash every archive; delete and report those whose bytes do not match.

        The expected hash is the catalog build's; for archives no build names, the 9-hex
        prefix of the file name (uv's) is checked instead.
        """
        cancel = cancel or CancelToken()
        report = VerifyReport()
        archives = self.list(catalog)
        total = sum(a.size for a in archives if a.state != "partial")
        done = 0
        throttled = Throttle(progress)

        def advance(n: int) -> None:
            nonlocal done
            done += n
            throttled(Progress("verify", done, total))

        throttled(Progress("verify", 0, total))
        for archive in archives:
            if archive.state == "partial":
                report.unchecked.append(archive)
                continue
            expected = archive.build.sha256 if archive.build is not None else None
            prefix = archive.name.split("-", 1)[0]
            if expected is None and not _SHA_PREFIX.match(prefix):
                # `none-...` (no sha256 in the catalog) or not a uv name at all: nothing to compare.
                report.unchecked.append(archive)
                continue
            try:
                digest = _hash_file(archive.path, cancel, advance)
            except FileNotFoundError:
                continue  # removed meanwhile
            good = digest == expected if expected else digest.startswith(prefix)
            if good:
                report.ok.append(archive)
            else:
                with contextlib.suppress(FileNotFoundError):
                    archive.path.unlink()
                report.corrupt.append((archive, digest))
        throttled(Progress("verify", total, total))
        # A tree whose archive went corrupt goes with it; the others are checked file by file.
        self.remove_trees_of(archive for archive, _ in report.corrupt)
        report.trees_ok, report.trees_removed = self.trees.verify()
        return report

    # -- purge --------------------------------------------------------------------------------
    def purge_plan(
        self,
        catalog: Catalog | None,
        *,
        rule: str | None = None,
        keys: Iterable[str] = (),
        installed_keys: Iterable[str] = (),
    ) -> builtins.list[CachedArchive]:  # `list` here is the method above
        """The archives a purge would remove.

        - rule "all": everything, partial downloads included;
        - rule "superseded": archives (and `.part`s) no build of `catalog` names: older builds
          of a key, builds the catalog dropped, files of unknown origin;
        - rule "installed": archives whose key is in `installed_keys`;
        - `keys`: archives whose key (or file name) is listed, whatever the rule.
        """
        if rule is not None and rule not in PURGE_RULES:
            raise ValueError(f"unknown purge rule {rule!r}")
        wanted = set(keys)
        installed = set(installed_keys)
        plan = []
        for archive in self.list(catalog):
            key = archive_key(archive)
            if (
                rule == "all"
                or (rule == "superseded" and archive.build is None)
                or (rule == "installed" and key is not None and key in installed)
                or (key is not None and key in wanted)
                or archive.name in wanted
            ):
                plan.append(archive)
        return plan

    def trees_by_archive(self) -> dict[str, TreeInfo]:
        """Kept trees by the cache file name of the archive each was made from."""
        return {info.archive: info for info in self.trees.list() if info.archive}

    def remove_trees_of(self, archives: Iterable[CachedArchive]) -> int:
        """Discard the trees made from these archives, and trees whose archive is gone (they
        are never used without it); return the bytes freed (files no install shares)."""
        names = {archive.name for archive in archives}
        freed = 0
        for info in self.trees.list():
            if info.archive in names or not (self.root / info.archive).is_file():
                freed += self.trees.discard(info.sha256)
        return freed

    def remove(self, archives: Iterable[CachedArchive]) -> int:
        """Delete these archives (a partial's state file, and the tree made from each); return
        the bytes freed."""
        archives = list(archives)
        freed = 0
        for archive in archives:
            if not self._inside(archive.path):
                continue
            try:
                size = archive.path.stat().st_size
                archive.path.unlink()
            except FileNotFoundError:
                continue
            freed += size
            if archive.state == "partial":
                with contextlib.suppress(FileNotFoundError):
                    archive.path.with_name(archive.path.name + ".json").unlink()
        return freed + self.remove_trees_of(archives)

    # -- import -------------------------------------------------------------------------------
    def import_file(self, path: Path, catalog: Catalog, *, progress: ProgressCallback = no_progress,
                    cancel: CancelToken | None = None) -> CachedArchive:
        """Copy an archive from anywhere into the cache under its uv name, matched by sha256.

        The copy is hashed as it is written (to a temporary name) and renamed only when a
        catalog build has that sha256; an unknown archive is refused and nothing is kept.
        """
        cancel = cancel or CancelToken()
        source = Path(path)
        try:
            size = source.stat().st_size
            src = open(source, "rb")  # noqa: SIM115 - closed below
        except FileNotFoundError:
            raise CacheError(f"cannot import {source}: no such file") from None
        except IsADirectoryError:
            raise CacheError(f"cannot import {source}: it is a directory, not an archive") from None
        except OSError as err:
            raise CacheError(f"cannot import {source}: {err.strerror or err}") from None
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / f".import.{os.getpid()}.{abs(hash(str(source))):x}.tmp"
        done = 0
        throttled = Throttle(progress)

        def advance(n: int) -> None:
            nonlocal done
            done += n
            throttled(Progress("verify", done, size))

        try:
            with src:
                digest = _copy_hashing(src, tmp, cancel, advance)
            build = catalog.by_sha.get(digest)
            if build is None:
                raise CacheError(
                    f"cannot import {source}: its sha256 {digest} matches no build in the catalog "
                    f"({catalog.source}); pass --downloads-json with a catalog that lists it")
            final = self.path_for(build)
            os.replace(tmp, final)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        return CachedArchive(path=final, size=final.stat().st_size, build=build, state="ok")

    # -- export -------------------------------------------------------------------------------
    def export_mirror(self, dest_dir: Path, catalog: Catalog, *,
                      progress: ProgressCallback = no_progress,
                      cancel: CancelToken | None = None) -> ExportReport:
        """Lay the cached archives out as a `file://` mirror plus a catalog for it.

        Layout: `DEST/<release tag>/<release file name, with +>` (what uv reads for
        `UV_PYTHON_INSTALL_MIRROR=file://DEST`, docs/uv-compat.md#download-urls-and-mirrors)
        and `DEST/download-metadata.json`
        in uv's format. The JSON keeps the python-build-standalone GitHub URLs, because uv
        refuses a mirror for any other URL; the mirror setting maps them to DEST. So both
            UV_PYTHON_INSTALL_MIRROR=file://DEST UV_PYTHON_DOWNLOADS_JSON_URL=DEST/download-metadata.json uv python install
            pytui --mirror file://DEST --downloads-json DEST/download-metadata.json install
        work offline. Entries of an existing DEST/download-metadata.json whose files are still
        there are kept, so several caches can be exported into one mirror. Each archive is
        re-hashed while copied; one that fails is skipped (run `pytui cache verify`).
        """
        cancel = cancel or CancelToken()
        dest = Path(dest_dir).absolute()
        if dest.resolve() == self.root.resolve():
            raise CacheError(f"cannot export the mirror into the cache itself ({dest}); pick another directory")
        candidates = [a for a in self.list(catalog) if a.state == "ok" and a.build is not None]
        report = ExportReport(root=dest, metadata=dest / METADATA_NAME)
        total = sum(a.size for a in candidates)
        done = 0
        throttled = Throttle(progress)

        def advance(n: int) -> None:
            nonlocal done
            done += n
            throttled(Progress("export", done, total))

        dest.mkdir(parents=True, exist_ok=True)
        entries: dict[str, dict[str, Any]] = self._existing_mirror_entries(report.metadata, dest)
        for archive in candidates:
            build = archive.build
            assert build is not None
            if not build.url.startswith(CPYTHON_DOWNLOADS_URL_PREFIX):
                report.skipped.append((archive, "not a python-build-standalone release URL"))
                continue
            relative = unquote(build.url[len(CPYTHON_DOWNLOADS_URL_PREFIX):])
            target = (dest / relative)
            if ".." in Path(relative).parts or Path(relative).is_absolute():
                report.skipped.append((archive, f"unsafe path {relative}"))
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = _temp_name(target)
            try:
                with open(archive.path, "rb") as src:
                    digest = _copy_hashing(src, tmp, cancel, advance)
                if build.sha256 and digest != build.sha256:
                    report.skipped.append((archive, f"corrupt in the cache (sha256 {digest})"))
                    continue
                os.replace(tmp, target)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    tmp.unlink()
            key, entry = uv_json_entry(build)
            entries[key] = entry
            report.exported.append(build)
            report.bytes_written += archive.size
        text = json.dumps(dict(sorted(entries.items(), reverse=True)), indent=2) + "\n"
        tmp = _temp_name(report.metadata)
        tmp.write_text(text)
        os.replace(tmp, report.metadata)
        return report

    @staticmethod
    def _existing_mirror_entries(metadata: Path, dest: Path) -> dict[str, dict[str, Any]]:
        try:
            doc = json.loads(metadata.read_text())
        except (OSError, ValueError):
            return {}
        if not isinstance(doc, dict):
            return {}
        kept = {}
        for key, entry in doc.items():
            url = entry.get("url") if isinstance(entry, dict) else None
            if isinstance(url, str) and url.startswith(CPYTHON_DOWNLOADS_URL_PREFIX):
                relative = unquote(url[len(CPYTHON_DOWNLOADS_URL_PREFIX):])
                if ".." not in Path(relative).parts and (dest / relative).is_file():
                    kept[key] = entry
        return kept
